"""Read the text on a VGA text-mode screen from a screenshot.

QEMU's ``screendump`` gives a picture (PPM) of the emulated display.  In
text mode that picture is 80x25 character cells drawn with the font the
VGA BIOS loaded into the card: SeaBIOS's VGA BIOS for QEMU's standard
VGA.  This module takes the 8x16 font out of that same BIOS image, cuts
the picture into cells, turns each cell into a black-and-white bitmap and
names the glyph nearest to it (fewest differing pixels).

Only the standard library is used.  The font comes from
``/usr/share/seabios/vgabios-stdvga.bin`` (Debian's ``seabios``
package), or from a PSF console font (Debian's ``kbd`` package) when the
VGA BIOS is not there.
"""

import gzip
import os
import struct
import zlib

#: Glyph height in pixels of the VGA 8x16 font
GLYPH_HEIGHT = 16
#: Glyph width in pixels (a cell may be 9 pixels wide; the 9th is ignored)
GLYPH_WIDTH = 8
#: Columns on the standard text screen
TEXT_COLUMNS = 80

#: VGA BIOS images holding the 8x16 font, first found is used
VGABIOS_PATHS = (
    "/usr/share/seabios/vgabios-stdvga.bin",
    "/usr/share/seabios/vgabios.bin",
)
#: Console fonts to fall back on
PSF_PATHS = (
    "/usr/share/consolefonts/default8x16.psf.gz",
    "/usr/share/kbd/consolefonts/default8x16.psf.gz",
)

# The 8x16 font's first two glyphs: an empty one, then the smiley face
# (CP437 0x01).  This 32-byte run marks the start of the table.
_FONT_SIGNATURE = bytes(16) + bytes(
    [0x00, 0x00, 0x7E, 0x81, 0xA5, 0x81, 0x81, 0xBD,
     0x99, 0x81, 0x81, 0x7E, 0x00, 0x00, 0x00, 0x00])

#: Rows the text cursor covers in a 16-row cell (SeaBIOS scales the BIOS
#: default cursor, scan lines 6-7 of 8, to 13-14 of 16)
CURSOR_ROWS = (13, 14)


class ScreenError(Exception):
    """The picture cannot be read as a text screen."""


def load_vgabios_font(path):
    """Take the 8x16 font out of a VGA BIOS image.

    @v path     Path of the VGA BIOS ROM image
    @ret font   256 glyphs of 16 bytes (one byte per row, bit 7 leftmost)
    """
    with open(path, "rb") as rom:
        data = rom.read()
    offset = data.find(_FONT_SIGNATURE)
    if offset < 0 or offset + 256 * GLYPH_HEIGHT > len(data):
        raise ScreenError("no 8x16 font in %s" % path)
    return data[offset:offset + 256 * GLYPH_HEIGHT]


def load_psf_font(path):
    """Read the first 256 glyphs of an 8x16 PSF1 or PSF2 console font.

    @v path     Path of the font (gzip-compressed or not)
    @ret font   256 glyphs of 16 bytes
    """
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as font_file:
        data = font_file.read()
    if data[:2] == b"\x36\x04":
        height, offset = data[3], 4
    elif data[:4] == b"\x72\xb5\x4a\x86":
        header_size = int.from_bytes(data[8:12], "little")
        length = int.from_bytes(data[16:20], "little")
        charsize = int.from_bytes(data[20:24], "little")
        height = int.from_bytes(data[24:28], "little")
        width = int.from_bytes(data[28:32], "little")
        if width != 8 or charsize != height or length < 256:
            raise ScreenError("%s is not an 8-pixel-wide font" % path)
        offset = header_size
    else:
        raise ScreenError("%s is not a PSF font" % path)
    if height != GLYPH_HEIGHT:
        raise ScreenError("%s has %d-pixel glyphs, not 16" % (path, height))
    return data[offset:offset + 256 * GLYPH_HEIGHT]


_font_cache = {}


def load_font(path=None):
    """Load the VGA 8x16 font, from a given file or the first one found.

    @v path     Font file (VGA BIOS image or PSF font), or None to search
    @ret font   256 glyphs of 16 bytes
    """
    candidates = [path] if path else list(VGABIOS_PATHS) + list(PSF_PATHS)
    for candidate in candidates:
        if candidate in _font_cache:
            return _font_cache[candidate]
        if not os.path.exists(candidate):
            continue
        if candidate.endswith(".bin"):
            font = load_vgabios_font(candidate)
        else:
            font = load_psf_font(candidate)
        _font_cache[candidate] = font
        return font
    raise ScreenError("no VGA font found (install seabios or kbd): tried %s"
                      % ", ".join(candidates))


def _code_point_text(code):
    """The character a CP437 code shows, for the recogniser's output."""
    if 0x20 <= code <= 0x7E:
        return chr(code)
    if code >= 0x80:
        return bytes([code]).decode("cp437")
    return "\ufffd"


def _glyph_bits(rows):
    """Pack 16 row bytes into one integer (row 0 in the top bits)."""
    return int.from_bytes(bytes(rows), "big")


class GlyphMatcher:
    """Names the glyph of the font nearest to a cell's bitmap.

    A cell bitmap is a 128-bit integer: 16 rows of 8 pixels, row 0 in the
    most significant byte, the leftmost pixel in each byte's top bit.
    Printable ASCII is preferred when two glyphs are equally near (the
    font draws some glyphs alike, e.g. the blanks 0x00, 0x20 and 0xff).
    """

    def __init__(self, font):
        order = list(range(0x20, 0x7F)) + list(range(0x80, 0x100)) + \
            list(range(0x01, 0x20)) + [0x7F]
        cursor = 0
        for row in CURSOR_ROWS:
            cursor |= 0xFF << (8 * (GLYPH_HEIGHT - 1 - row))
        self.templates = []
        self.exact = {}
        for code in order:
            bits = _glyph_bits(font[code * 16:code * 16 + 16])
            text = _code_point_text(code)
            self.templates.append((bits, text))
            self.exact.setdefault(bits, text)
        # The same glyphs with the cursor drawn over them; only used when
        # no glyph matches exactly, so a real glyph always wins
        self.cursor_templates = [(bits | cursor, text)
                                 for bits, text in self.templates]
        for bits, text in self.cursor_templates:
            self.exact.setdefault(bits, text)

    def match(self, bits):
        """Name the glyph nearest to a bitmap.

        @v bits     Cell bitmap (128-bit integer)
        @ret text   The character, and the number of differing pixels
        """
        text = self.exact.get(bits)
        if text is not None:
            return text, 0
        best_text, best_distance = " ", 129
        for bits_template, text in self.templates + self.cursor_templates:
            distance = (bits ^ bits_template).bit_count()
            if distance < best_distance:
                best_text, best_distance = text, distance
        return best_text, best_distance


    def match_cell(self, bits):
        """Name the glyph of a cell whose colours may be either way round.

        A cell is binarised with its commonest colour as the background,
        which is wrong for glyphs covering more than half the cell (such
        as the shade and block characters): both readings are tried, and
        the commonest-colour-as-background one wins a tie.

        @v bits     Cell bitmap, pixels not of the commonest colour set
        @ret text   The character
        """
        text, distance = self.match(bits)
        if distance:
            inverse_text, inverse_distance = self.match(bits ^ _ALL_PIXELS)
            if inverse_distance < distance:
                return inverse_text
        return text


#: Every pixel of a cell bitmap set
_ALL_PIXELS = (1 << (GLYPH_WIDTH * GLYPH_HEIGHT)) - 1


class Picture:
    """An RGB picture (from a binary PPM, P6, file)."""

    def __init__(self, width, height, pixels):
        self.width = width
        self.height = height
        #: Packed RGB bytes, row after row
        self.pixels = pixels

    @classmethod
    def from_ppm(cls, data):
        """Parse a binary PPM (P6) with 8-bit samples.

        @v data     File contents
        @ret picture
        """
        fields = []
        position = 0
        while len(fields) < 4:
            while position < len(data) and data[position:position + 1].isspace():
                position += 1
            if data[position:position + 1] == b"#":
                position = data.index(b"\n", position) + 1
                continue
            start = position
            while position < len(data) and not data[position:position + 1].isspace():
                position += 1
            if start == position:
                raise ScreenError("truncated PPM header")
            fields.append(data[start:position])
        position += 1  # the single whitespace byte after maxval
        if fields[0] != b"P6":
            raise ScreenError("not a binary PPM (P6) picture")
        width, height, maxval = (int(field) for field in fields[1:])
        if maxval != 255:
            raise ScreenError("PPM with maxval %d, not 255" % maxval)
        pixels = data[position:position + width * height * 3]
        if len(pixels) != width * height * 3:
            raise ScreenError("PPM shorter than %dx%d" % (width, height))
        return cls(width, height, pixels)

    @classmethod
    def from_file(cls, path):
        """Read a PPM file."""
        with open(path, "rb") as ppm:
            return cls.from_ppm(ppm.read())

    def to_ppm(self):
        """The picture as a binary PPM file's contents."""
        return b"P6\n%d %d\n255\n" % (self.width, self.height) + self.pixels

    def to_png(self):
        """The picture as a PNG file's contents (for logs and viewers)."""
        stride = self.width * 3
        raw = b"".join(b"\x00" + self.pixels[y * stride:(y + 1) * stride]
                       for y in range(self.height))

        def chunk(kind, data):
            return (struct.pack(">I", len(data)) + kind + data +
                    struct.pack(">I", zlib.crc32(kind + data)))
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
                chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def cell_geometry(picture, columns=TEXT_COLUMNS):
    """Work out the size of the character cells.

    @v picture  Screenshot
    @v columns  Columns of text across the screen
    @ret geometry  (cell width, cell height, rows)
    """
    if picture.width % columns:
        raise ScreenError("%d pixels wide is not %d columns of cells"
                          % (picture.width, columns))
    cell_width = picture.width // columns
    if cell_width not in (8, 9):
        raise ScreenError("%d-pixel-wide cells: not a VGA text mode "
                          "(%dx%d picture)" % (cell_width, picture.width,
                                                picture.height))
    if picture.height % GLYPH_HEIGHT:
        raise ScreenError("%d pixels high is not rows of 16-pixel cells"
                          % picture.height)
    return cell_width, GLYPH_HEIGHT, picture.height // GLYPH_HEIGHT


def cell_bitmap(picture, column, row, cell_width, cell_height):
    """Binarise one cell: pixels not of the cell's commonest colour are set.

    @ret bits   Cell bitmap (128-bit integer, see GlyphMatcher)
    """
    stride = picture.width * 3
    left = column * cell_width * 3
    top = row * cell_height
    rows = []
    counts = {}
    for y in range(top, top + cell_height):
        start = y * stride + left
        line = picture.pixels[start:start + GLYPH_WIDTH * 3]
        pixels = [line[i:i + 3] for i in range(0, GLYPH_WIDTH * 3, 3)]
        rows.append(pixels)
        for pixel in pixels:
            counts[pixel] = counts.get(pixel, 0) + 1
    background = max(counts, key=counts.get)
    bits = 0
    for pixels in rows:
        for pixel in pixels:
            bits = (bits << 1) | (pixel != background)
    return bits


def read_text(picture, font=None):
    """Recognise the text on a text-mode screenshot.

    @v picture  Screenshot (a Picture)
    @v font     256x16-byte font, or None for load_font()
    @ret lines  One string per text row, trailing spaces removed
    """
    matcher = _matcher(font if font is not None else load_font())
    cell_width, cell_height, rows = cell_geometry(picture)
    lines = []
    for row in range(rows):
        chars = []
        for column in range(TEXT_COLUMNS):
            bits = cell_bitmap(picture, column, row, cell_width, cell_height)
            chars.append(matcher.match_cell(bits) if bits else " ")
        lines.append("".join(chars).rstrip())
    return lines


_matchers = {}


def _matcher(font):
    """A GlyphMatcher for a font, built once."""
    key = bytes(font)
    if key not in _matchers:
        _matchers[key] = GlyphMatcher(font)
    return _matchers[key]


def render_text(lines, font=None, cell_width=9, rows=25,
                foreground=(0xAA, 0xAA, 0xAA), background=(0, 0, 0),
                cursor=None):
    """Draw text as QEMU's VGA would: for testing the recogniser.

    @v lines        Text rows (ASCII or CP437-encodable)
    @v font         256x16-byte font, or None for load_font()
    @v cell_width   8 or 9
    @v rows         Text rows on the screen
    @v foreground   RGB of the text
    @v background   RGB behind it
    @v cursor       (column, row) to draw the cursor at, or None
    @ret picture    A Picture
    """
    font = font if font is not None else load_font()
    width, height = TEXT_COLUMNS * cell_width, rows * GLYPH_HEIGHT
    fg, bg = bytes(foreground), bytes(background)
    pixels = bytearray(bg * (width * height))
    for row, line in enumerate(lines[:rows]):
        for column, char in enumerate(line.encode("cp437")[:TEXT_COLUMNS]):
            glyph = font[char * 16:char * 16 + 16]
            for y in range(GLYPH_HEIGHT):
                bits = glyph[y]
                if cursor == (column, row) and y in CURSOR_ROWS:
                    bits = 0xFF
                for x in range(GLYPH_WIDTH):
                    if bits & (0x80 >> x):
                        offset = (((row * GLYPH_HEIGHT + y) * width) +
                                  column * cell_width + x) * 3
                        pixels[offset:offset + 3] = fg
    return Picture(width, height, bytes(pixels))
