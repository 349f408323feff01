#!/usr/bin/env python3
"""Generate tests/unit/inflate_vectors.h: DEFLATE and gzip test streams.

    python3 tests/unit/inflate_vectors.py > tests/unit/inflate_vectors.h

The compressed streams come from Python's zlib (an independent encoder);
a few damaged ones are written bit by bit here.  The longer plain texts
are not stored: the unit test regenerates them with the same generator
(inflate_test_text() in tests/unit/inflate_test.c), so only the
compressed bytes are in the header.
"""

import gzip
import io
import struct
import zlib

#: Words the generated text is made of
WORDS = ["ferry", "boot", "kernel", "initrd", "network", "the", "a", "of",
         "deflate", "huffman", "distance", "length", "literal", "block",
         "stored", "fixed", "dynamic", "x86", "bios", "memory", "0123456789",
         "Q", "zz", "multiboot", "elf", "image", "!"]


def text(length, seed):
    """The generated text (same algorithm as inflate_test_text())."""
    state = seed
    out = bytearray()
    while len(out) < length:
        state = (state * 1103515245 + 12345) & 0xffffffff
        out += WORDS[(state >> 16) % len(WORDS)].encode()
        out += b"\n" if ((state >> 8) & 15) == 0 else b" "
    return bytes(out[:length])


def raw_deflate(data, level=9, strategy=zlib.Z_DEFAULT_STRATEGY):
    """A raw DEFLATE stream (no zlib or gzip wrapper)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    return compressor.compress(data) + compressor.flush()


class BitWriter:
    """Writes a DEFLATE bit stream: fields LSB first, codes MSB first."""

    def __init__(self):
        self.bits = []

    def field(self, value, count):
        for i in range(count):
            self.bits.append((value >> i) & 1)

    def code(self, value, count):
        for i in reversed(range(count)):
            self.bits.append((value >> i) & 1)

    def fixed_literal(self, symbol):
        if symbol < 144:
            self.code(0x30 + symbol, 8)
        elif symbol < 256:
            self.code(0x190 + symbol - 144, 9)
        elif symbol < 280:
            self.code(symbol - 256, 7)
        else:
            self.code(0xc0 + symbol - 280, 8)

    def data(self):
        out = bytearray()
        for i in range(0, len(self.bits), 8):
            byte = 0
            for j, bit in enumerate(self.bits[i:i + 8]):
                byte |= bit << j
            out.append(byte)
        return bytes(out)


def too_far():
    """A fixed block whose first match reaches before the output."""
    w = BitWriter()
    w.field(1, 1)
    w.field(1, 2)
    w.fixed_literal(ord("a"))
    w.fixed_literal(257)        # length 3
    w.code(4, 5)                # distance 5..6
    w.field(0, 1)
    w.fixed_literal(256)
    return w.data()


def bad_symbol():
    """A fixed block using length symbol 286, which does not exist."""
    w = BitWriter()
    w.field(1, 1)
    w.field(1, 2)
    w.fixed_literal(ord("a"))
    w.fixed_literal(286)
    w.fixed_literal(256)
    return w.data()


def no_end_code():
    """A dynamic block whose end-of-block symbol has no code."""
    w = BitWriter()
    w.field(1, 1)
    w.field(2, 2)
    w.field(0, 5)               # 257 literal/length codes
    w.field(0, 5)               # 1 distance code
    w.field(1, 4)               # 5 code-length code lengths: 16 17 18 0 8
    for length in (0, 0, 0, 1, 1):
        w.field(length, 3)
    lengths = [8] * 256 + [0] + [8]
    for length in lengths:
        w.code(0 if length == 0 else 1, 1)
    return w.data() + b"\0" * 4


def repeat_first():
    """A dynamic block whose first code length says "repeat previous"."""
    w = BitWriter()
    w.field(1, 1)
    w.field(2, 2)
    w.field(0, 5)
    w.field(0, 5)
    w.field(0, 4)               # 4 code-length code lengths: 16 17 18 0
    for length in (1, 0, 0, 1):
        w.field(length, 3)
    w.code(0, 1)                # symbol 0 has code 0, 16 has code 1
    w.code(1, 1)
    w.field(0, 2)
    return w.data() + b"\0" * 4


def oversubscribed():
    """A dynamic block whose code-length code has too many short codes."""
    w = BitWriter()
    w.field(1, 1)
    w.field(2, 2)
    w.field(0, 5)
    w.field(0, 5)
    w.field(15, 4)              # all 19
    for _ in range(19):
        w.field(1, 3)
    return w.data() + b"\0" * 4


def gzip_member(data, flags=0, name=None, comment=None, extra=None):
    """A gzip member with the optional header fields asked for."""
    header = bytearray(b"\x1f\x8b\x08")
    flg = 0
    if extra is not None:
        flg |= 0x04
    if name is not None:
        flg |= 0x08
    if comment is not None:
        flg |= 0x10
    flg |= flags
    header.append(flg)
    header += struct.pack("<IBB", 0, 0, 3)
    if extra is not None:
        header += struct.pack("<H", len(extra)) + extra
    if name is not None:
        header += name + b"\0"
    if comment is not None:
        header += comment + b"\0"
    if flags & 0x02:
        header += struct.pack("<H", zlib.crc32(bytes(header)) & 0xffff)
    return (bytes(header) + raw_deflate(data) +
            struct.pack("<II", zlib.crc32(data), len(data) & 0xffffffff))


def emit(name, data, out):
    out.write("static const uint8_t %s[%d] = {\n" % (name, len(data)))
    for i in range(0, len(data), 12):
        out.write("\t" + " ".join("0x%02x," % b for b in data[i:i + 12]) +
                  "\n")
    out.write("};\n\n")


def main():
    out = io.StringIO()
    out.write("/* Generated by tests/unit/inflate_vectors.py: do not edit */\n"
              "\n#include <stdint.h>\n\n")
    out.write("/** Length and seed of the generated texts */\n")
    out.write("#define INFLATE_TEXT_LEN 16384\n#define INFLATE_TEXT_SEED 1\n")
    out.write("#define GZIP_TEXT_LEN 4096\n#define GZIP_TEXT_SEED 7\n\n")
    big = text(16384, 1)
    small = text(4096, 7)
    stored = b"Ferry stored block\n" * 10
    fixed = b"abcabcabcabc hello hello hello"
    emit("inflate_stored", raw_deflate(stored, level=0), out)
    emit("inflate_stored_plain", stored, out)
    emit("inflate_fixed", raw_deflate(fixed, strategy=zlib.Z_FIXED), out)
    emit("inflate_fixed_plain", fixed, out)
    emit("inflate_dynamic", raw_deflate(big), out)
    emit("inflate_empty", raw_deflate(b""), out)
    emit("inflate_too_far", too_far(), out)
    emit("inflate_bad_symbol", bad_symbol(), out)
    emit("inflate_no_end_code", no_end_code(), out)
    emit("inflate_repeat_first", repeat_first(), out)
    emit("inflate_oversubscribed", oversubscribed(), out)
    emit("gzip_plain", gzip.compress(small, mtime=0), out)
    emit("gzip_fields", gzip_member(small, flags=0x02, name=b"text.txt",
                                    comment=b"a comment", extra=b"XYZW"), out)
    emit("gzip_two_members", gzip_member(small[:1000]) +
         gzip_member(small[1000:]) + b"\0" * 16, out)
    print(out.getvalue(), end="")


if __name__ == "__main__":
    main()
