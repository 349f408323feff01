#!/bin/bash
# Build bin/ferry.iso: an El Torito CD image that boots Ferry on BIOS.
#
# ISOLINUX (Debian's isolinux package) is the no-emulation boot image;
# it loads ferry.lkrn as a Linux-format kernel.  The image is also
# "isohybrid" (an MBR in its first sector), so it boots written to a USB
# stick too.  Dates are fixed, so the same inputs give the same bytes.
#
# usage: mkiso.sh FERRY.LKRN OUTPUT.ISO
set -euo pipefail

lkrn=$1
output=$2
isolinux_dir=/usr/lib/ISOLINUX
syslinux_dir=/usr/lib/syslinux/modules/bios
# A fixed time for every date in the image: 2026-01-01 00:00:00 UTC
export SOURCE_DATE_EPOCH=1767225600

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/isolinux"
cp "$isolinux_dir/isolinux.bin" "$syslinux_dir/ldlinux.c32" \
	"$stage/isolinux/"
cp "$lkrn" "$stage/ferry.lkrn"
cat >"$stage/isolinux/isolinux.cfg" <<'CFG'
DEFAULT ferry
PROMPT 0
TIMEOUT 0
LABEL ferry
  KERNEL /ferry.lkrn
CFG
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

xorriso -as mkisofs -quiet -o "$output" -V FERRY -J -R \
	-b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot \
	-boot-load-size 4 -boot-info-table \
	-isohybrid-mbr "$isolinux_dir/isohdpfx.bin" \
	--modification-date=2026010100000000 "$stage" 2>/dev/null
