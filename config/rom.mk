# What option ROMs (bin/<vendor><device>.rom, arch/x86/pcbios.mk) leave
# out, and how their code is compiled.
#
# An option ROM must fit in 64 KiB with DHCP, DNS, TFTP, HTTP, scripts
# and menus (SPEC section 9), so it leaves out what a NIC's own boot
# firmware needs least; bin/ferry.lkrn, .iso, .usb, .pxe and .kpxe keep
# everything.  A command left out still answers, with "Command not in
# this build" (util/omitted.py makes the stand-ins).  Override in the
# git-ignored config/local.mk, e.g. "ROM_OMIT_SRCS := $(filter-out
# net/http_auth.c,$(ROM_OMIT_SRCS))" for a larger ROM with HTTP
# authentication back.
#
# Left out, and why:
#   HTTPS and the certificate code under it: too large for 64 KiB
#                                               net/https.c net/tls*.c
#   HTTP authentication (Basic, Digest): a server asking for credentials
#   gets "authentication scheme not supported"  net/http_auth.c
#   MD5, SHA-1, SHA-256 (used by Digest authentication and by the
#   md5sum/sha1sum/sha256sum commands)        crypto/{md5,sha1,sha256}.c
#   multiboot and ELF kernels (Linux bzImage and scripts stay)
#   gzip-compressed images (unpacked on fetch by the other images)
#   diagnostics: tcpget, ping, nslookup, cpuid, memmap, lspci, login,
#   colour/cpair/console
#   QEMU fw_cfg: URIs (a development aid)
#   ACPI power-off (poweroff tries APM only)
#   ICMP "port unreachable" (a TFTP request to a host without a TFTP
#   server times out instead of failing at once)  net/icmp_unreachable.c
#   the PXE ROM's UNDI API finder and .kpxe's boot-time checks (only
#   .kpxe and .pxe are started by a PXE ROM)
#   the PXE API for NBPs (pxelinux.0 and the like): about 4 KiB packed;
#   SMBIOS (${uuid}, DHCP option 97) was kept instead.  The stubs that
#   return to the BIOS stay (arch/x86/pxe/pxe_stubs.c)
ROM_OMIT_SRCS := net/https.c net/tls%.c \
	net/http_auth.c \
	crypto/md5.c crypto/sha1.c crypto/sha256.c \
	script/commands/digest.c \
	\
	image/multiboot.c image/elf.c \
	image/gzip.c core/inflate.c \
	script/commands/tcpget.c script/commands/ping.c \
	script/commands/nslookup.c script/commands/cpuid.c \
	script/commands/memmap.c script/commands/lspci.c \
	script/commands/login.c script/commands/console.c \
	arch/x86/fw_cfg_uri.c \
	arch/x86/acpi_poweroff.c \
	net/icmp_unreachable.c \
	arch/x86/prefix/pxe_rom.c arch/x86/prefix/pxe_boot.c \
	arch/x86/pxe/pxe_api.c arch/x86/pxe/pxe_memmap.c arch/x86/pxe/pxe_nbp.c \
	arch/x86/pxe/pxe_tftp.c arch/x86/pxe/pxe_udp.c arch/x86/pxe/pxe_undi.c

# ROM objects are compiled a second time, into build/pcbios-rom/, with
# these flags after the pcbios ones: tuned for the i386, GCC passes
# arguments with PUSH and uses shorter sequences, which packs about 2.5%
# smaller (-Oz a little more)
ROM_CFLAGS := -Oz -mtune=i386
