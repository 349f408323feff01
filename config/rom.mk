# What option ROMs (bin/<vendor><device>.rom, arch/x86/pcbios.mk) leave
# out.
#
# An option ROM must fit in 64 KiB with DHCP, DNS, TFTP, HTTP, scripts
# and menus (SPEC section 9), so it leaves out what a NIC's own boot
# firmware needs least; bin/ferry.lkrn, .iso, .usb, .pxe and .kpxe keep
# everything.  A command left out still answers, with "not in this
# build" (util/omitted.py makes the stand-ins).  Override in the
# git-ignored config/local.mk, e.g. "# ROM objects are compiled again with these flags on top of the pcbios
# ones: tuning for the i386 makes GCC pass arguments with PUSH and use
# shorter sequences, which packs about 2.5% smaller
ROM_CFLAGS := -Oz -mtune=i386

ROM_OMIT_SRCS := net/https.c
# net/tls%.c" for a larger ROM with those features back.
#
#   HTTPS and the certificate code under it     net/https.c net/tls*.c
#   MD5, SHA-1, SHA-256 (HTTP Digest auth falls back to Basic; the
#   md5sum/sha1sum/sha256sum commands)         crypto/{md5,sha1,sha256}.c
#   multiboot and ELF kernels (Linux bzImage and scripts stay)
#   gzip-compressed images (unpacked on fetch elsewhere)
#   diagnostics: tcpget, ping, nslookup, cpuid, memmap, lspci, login,
#   colour/cpair/console
#   QEMU fw_cfg: URIs (a development aid)
#   ACPI power-off (poweroff tries APM only)
#   the PXE ROM's UNDI API finder (only .kpxe and .pxe are started by one)
# ROM objects are compiled again with these flags on top of the pcbios
# ones: tuning for the i386 makes GCC pass arguments with PUSH and use
# shorter sequences, which packs about 2.5% smaller
ROM_CFLAGS := -Oz -mtune=i386

ROM_OMIT_SRCS := net/https.c net/tls%.c \
	crypto/md5.c crypto/sha1.c crypto/sha256.c \
	script/commands/digest.c \
	image/multiboot.c image/elf.c \
	image/gzip.c core/inflate.c \
	script/commands/tcpget.c script/commands/ping.c \
	script/commands/nslookup.c script/commands/cpuid.c \
	script/commands/memmap.c script/commands/lspci.c \
	script/commands/login.c script/commands/console.c \
	arch/x86/fw_cfg_uri.c arch/x86/acpi_poweroff.c net/http_auth.c \
	core/smbios.c arch/x86/smbios.c \
	arch/x86/prefix/pxe_rom.c
