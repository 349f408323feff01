#!/bin/bash
# Build bin/ferry.usb: a raw disk image that boots Ferry from a USB stick
# (dd it to the whole device) or any BIOS disk.
#
# Sector 0 is SYSLINUX's MBR (Debian's syslinux package), which loads the
# active partition's boot sector with INT 13h extensions; partition 1 is
# a FAT16 file system with SYSLINUX installed, which loads ferry.lkrn.
# Volume ID and dates are fixed, so the same inputs give the same bytes.
#
# usage: mkusb.sh FERRY.LKRN OUTPUT.USB
set -euo pipefail

lkrn=$1
output=$2
mbr=/usr/lib/syslinux/mbr/mbr.bin
# Partition 1 starts at 1 MiB; the whole disk is 8 MiB
start_sector=2048
disk_sectors=16384
part_sectors=$((disk_sectors - start_sector))

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fs="$work/fs.img"
cat >"$work/syslinux.cfg" <<'CFG'
DEFAULT ferry
PROMPT 0
TIMEOUT 0
LABEL ferry
  KERNEL ferry.lkrn
CFG
cp "$lkrn" "$work/ferry.lkrn"
touch -d @1767225600 "$work/syslinux.cfg" "$work/ferry.lkrn"

mkfs.fat -C -F 16 -s 1 -i 46455252 -n FERRY --invariant "$fs" \
	$((part_sectors / 2)) >/dev/null
export MTOOLS_SKIP_CHECK=1
mcopy -m -i "$fs" "$work/syslinux.cfg" "$work/ferry.lkrn" ::/
syslinux --install "$fs"

# The disk: MBR code, one active FAT16 (LBA) partition, the file system
python3 - "$output" "$mbr" "$fs" "$start_sector" "$part_sectors" \
	"$disk_sectors" <<'PY'
import struct, sys
output, mbr_path, fs_path = sys.argv[1:4]
start, count, total = (int(x) for x in sys.argv[4:7])
code = open(mbr_path, "rb").read()[:440]
fs = bytearray(open(fs_path, "rb").read())
# Every root directory entry gets the same dates (2026-01-01 00:00):
# the SYSLINUX installer stamps its files with the current time
bps, spc, reserved, fats, entries = struct.unpack_from("<HBHBH", fs, 11)
fat_sectors = struct.unpack_from("<H", fs, 22)[0]
root = (reserved + fats * fat_sectors) * bps
fixed_date = ((2026 - 1980) << 9) | (1 << 5) | 1
for offset in range(root, root + entries * 32, 32):
    if fs[offset] in (0x00, 0xe5) or fs[offset + 11] == 0x0f:
        continue
    struct.pack_into("<BHHHHH", fs, offset + 13, 0, 0, fixed_date,
                     fixed_date, 0, 0)
    struct.pack_into("<HH", fs, offset + 22, 0, fixed_date)
entry = struct.pack("<B3sB3sII", 0x80, b"\xfe\xff\xff", 0x0e,
                    b"\xfe\xff\xff", start, count)
mbr = (code.ljust(440, b"\0") + struct.pack("<I", 0x46455252) + b"\0\0"
       + entry + b"\0" * 48 + b"\x55\xaa")
with open(output, "wb") as out:
    out.write(mbr)
    out.write(b"\0" * (start * 512 - len(mbr)))
    out.write(fs)
    out.write(b"\0" * (total * 512 - start * 512 - len(fs)))
PY
