#!/usr/bin/env python3
"""Make the pcbios body: the loaded bytes of ferry.elf and its relocations.

The body is linked at one address (1 MiB) and later moves itself to the
top of memory.  The ELF is linked with --emit-relocs, so it still carries
every relocation the linker applied.  PC-relative ones stay right when
the whole body moves; absolute 32-bit ones (R_386_32 against a symbol
that is not itself absolute) must have the distance moved added.  Those
are written, sorted, into a compact table appended to the body:

    "FRLC"      magic (little-endian 0x434c5246)
    count       number of relocations (32-bit)
    length      bytes of data that follow (32-bit)
    data        for each relocation, its distance from the previous one
                (the first from the body's start) as unsigned LEB128

Anything the body could not survive being moved with (a PC-relative
reference to an absolute address, a 16-bit absolute reference to an
address in the body, an unknown relocation type) stops the build.

The loaded bytes are the contents of every allocated, non-NOBITS section,
placed by address from _text; the result must end exactly at _edata.

usage: relocs.py FERRY.ELF OUTPUT.BODY
"""
import struct
import sys

SHT_SYMTAB = 2
SHT_NOBITS = 8
SHT_REL = 9
SHT_RELA = 4
SHF_ALLOC = 0x2
SHN_UNDEF = 0
SHN_ABS = 0xfff1

R_386_NONE = 0
R_386_32 = 1
R_386_PC32 = 2
R_386_PLT32 = 4
R_386_16 = 20
R_386_PC16 = 21
R_386_8 = 22
R_386_PC8 = 23

MAGIC = 0x434c5246


def fail(message):
    sys.exit("relocs.py: " + message)


class Elf:
    """Just enough of a 32-bit little-endian ELF file."""

    def __init__(self, data):
        if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
            fail("not a 32-bit little-endian ELF file")
        self.data = data
        (shoff,) = struct.unpack_from("<I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2e)
        self.sections = []
        for index in range(shnum):
            fields = struct.unpack_from("<IIIIIIIIII", data,
                                        shoff + index * shentsize)
            self.sections.append(dict(zip(
                ("name", "type", "flags", "addr", "offset", "size", "link",
                 "info", "addralign", "entsize"), fields)))
        names = self.sections[shstrndx]
        for section in self.sections:
            section["name"] = self.string(names, section["name"])

    def string(self, table, offset):
        start = table["offset"] + offset
        end = self.data.index(b"\0", start)
        return self.data[start:end].decode()

    def contents(self, section):
        return self.data[section["offset"]:section["offset"] + section["size"]]

    def symbols(self):
        symtab = next((s for s in self.sections if s["type"] == SHT_SYMTAB),
                      None)
        if symtab is None:
            fail("no symbol table")
        strtab = self.sections[symtab["link"]]
        table = []
        contents = self.contents(symtab)
        for offset in range(0, len(contents), 16):
            name, value, size, info, other, shndx = struct.unpack_from(
                "<IIIBBH", contents, offset)
            table.append({"name": self.string(strtab, name), "value": value,
                          "shndx": shndx})
        return table


def leb128(number):
    out = bytearray()
    while True:
        byte = number & 0x7f
        number >>= 7
        if number:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def main():
    if len(sys.argv) != 3:
        fail("usage: relocs.py FERRY.ELF OUTPUT.BODY")
    elf = Elf(open(sys.argv[1], "rb").read())
    symbols = elf.symbols()
    named = {s["name"]: s["value"] for s in symbols if s["name"]}
    for needed in ("_text", "_edata", "_end"):
        if needed not in named:
            fail("symbol %s missing" % needed)
    text, edata, end = named["_text"], named["_edata"], named["_end"]

    # The loaded bytes
    body = bytearray(edata - text)
    for section in elf.sections:
        if not section["flags"] & SHF_ALLOC or section["size"] == 0:
            continue
        if section["type"] == SHT_NOBITS:
            continue
        start = section["addr"] - text
        if start < 0 or start + section["size"] > len(body):
            fail("section %s lies outside _text.._edata" % section["name"])
        body[start:start + section["size"]] = elf.contents(section)

    # The absolute relocations
    offsets = []
    for rel in elf.sections:
        if rel["type"] == SHT_RELA:
            fail("unexpected RELA section %s" % rel["name"])
        if rel["type"] != SHT_REL:
            continue
        target = elf.sections[rel["info"]]
        if not target["flags"] & SHF_ALLOC:
            continue
        if target["type"] == SHT_NOBITS:
            fail("relocations against NOBITS section %s" % target["name"])
        contents = elf.contents(rel)
        for offset in range(0, len(contents), 8):
            where, info = struct.unpack_from("<II", contents, offset)
            kind, index = info & 0xff, info >> 8
            symbol = symbols[index]
            absolute = (index == 0 or symbol["shndx"] == SHN_ABS)
            place = "%s+%#x" % (target["name"], where - target["addr"])
            if kind == R_386_NONE:
                continue
            if kind == R_386_32:
                if absolute:
                    continue
                if not text <= where < edata - 3:
                    fail("relocation at %s outside the body" % place)
                offsets.append(where - text)
            elif kind in (R_386_PC32, R_386_PLT32, R_386_PC16, R_386_PC8):
                if absolute and symbol["shndx"] == SHN_ABS:
                    fail("PC-relative reference to absolute symbol %s at %s"
                         % (symbol["name"], place))
            elif kind in (R_386_16, R_386_8):
                if not absolute:
                    fail("%d-bit absolute reference to %s at %s" %
                         (16 if kind == R_386_16 else 8, symbol["name"],
                          place))
            else:
                fail("relocation type %d at %s" % (kind, place))

    offsets.sort()
    if len(set(offsets)) != len(offsets):
        fail("two relocations at one place")
    data = bytearray()
    previous = 0
    for offset in offsets:
        data += leb128(offset - previous)
        previous = offset
    table = struct.pack("<III", MAGIC, len(offsets), len(data)) + data

    with open(sys.argv[2], "wb") as out:
        out.write(body)
        out.write(table)


if __name__ == "__main__":
    main()
