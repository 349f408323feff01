#!/usr/bin/env python3
"""Finish an option ROM image: size, PCI IDs, checksums.

    romid.py INPUT OUTPUT VENDOR DEVICE [--max-size BYTES]

INPUT is the ROM prefix (arch/x86/prefix/rom.asm) followed by the packed
body.  OUTPUT is INPUT padded to a multiple of 512 bytes, with the
image size set in the 55AA header and the PCI data structure, the PCI
data structure's vendor and device IDs set (hexadecimal, e.g. 8086
100e), the PnP expansion header's checksum set, and the byte at offset
6 chosen so that the whole image adds up to zero modulo 256.

Every offset is read from the image and checked against its length, so
a damaged INPUT stops the build.  With --max-size, an image larger than
that fails too.  Prints "<output>: <bytes> bytes".
"""
import argparse
import struct
import sys

ROM_BLOCK = 512
CHECKSUM_OFFSET = 6


def fail(message):
    sys.exit("romid.py: " + message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("vendor")
    parser.add_argument("device")
    parser.add_argument("--max-size", type=int, default=None)
    args = parser.parse_args()
    vendor = int(args.vendor, 16)
    device = int(args.device, 16)
    if not (0 <= vendor <= 0xffff and 0 <= device <= 0xffff):
        fail("PCI IDs are 16-bit numbers")

    image = bytearray(open(args.input, "rb").read())
    if len(image) < 0x40 or image[:2] != b"\x55\xaa":
        fail("%s is not an option ROM image" % args.input)
    image += bytes(-len(image) % ROM_BLOCK)
    blocks = len(image) // ROM_BLOCK
    if blocks > 255:
        fail("image is %d bytes: more than a ROM can declare" % len(image))
    if args.max_size is not None and len(image) > args.max_size:
        fail("image is %d bytes, more than the %d allowed"
             % (len(image), args.max_size))
    image[2] = blocks

    (pci,) = struct.unpack_from("<H", image, 0x18)
    if pci + 0x18 > len(image) or image[pci:pci + 4] != b"PCIR":
        fail("no PCI data structure")
    struct.pack_into("<HH", image, pci + 4, vendor, device)
    struct.pack_into("<H", image, pci + 0x10, blocks)

    (pnp,) = struct.unpack_from("<H", image, 0x1a)
    if pnp + 0x20 > len(image) or image[pnp:pnp + 4] != b"$PnP":
        fail("no PnP expansion header")
    length = image[pnp + 5] * 16
    if length < 0x20 or pnp + length > len(image):
        fail("PnP expansion header length is wrong")
    image[pnp + 9] = 0
    image[pnp + 9] = -sum(image[pnp:pnp + length]) & 0xff

    image[CHECKSUM_OFFSET] = 0
    image[CHECKSUM_OFFSET] = -sum(image) & 0xff

    with open(args.output, "wb") as out:
        out.write(image)
    print("  %-6s %s: %d bytes" % ("SIZE", args.output, len(image)))


if __name__ == "__main__":
    main()
