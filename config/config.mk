# Feature selection: which objects each platform links.
#
# A feature is in when its object is linked; nothing inside net/ or
# drivers/ tests a feature macro.  Override any of these in the
# git-ignored config/local.mk (for example "COMMANDS_PCI :=" or
# "NET_SRCS := $(filter-out net/tcp.c,$(NET_SRCS))").

# The core every platform links
CORE_SRCS := $(wildcard core/*.c)

# The command interpreter and settings
SCRIPT_SRCS := $(wildcard script/*.c)

# Commands that need a PCI bus (only on platforms that drive hardware)
COMMANDS_PCI := lspci

# Commands on every platform (script/commands/<name>.c)
COMMANDS := $(filter-out $(COMMANDS_PCI), \
	$(patsubst script/commands/%.c,%,$(wildcard script/commands/*.c)))

# The network stack and protocols
NET_SRCS := $(wildcard net/*.c)

# Cryptography (on BearSSL, built by crypto/bearssl.mk): each digest
# algorithm is its own object
CRYPTO_SRCS := crypto/digest.c crypto/md5.c crypto/sha1.c crypto/sha256.c

# Image handling and the image types every platform has
IMAGE_SRCS := image/image.c image/download.c image/script.c \
	image/embedded.c image/embedded_data.S image/autoboot.c
# Kernels and compressed images (the hand-off is the platform's:
# image/handoff.h)
IMAGE_SRCS += image/gzip.c image/cpio.c image/placement.c image/bzimage.c \
	image/multiboot.c image/elf.c

# Buses and network drivers, on platforms that drive hardware
BUS_SRCS := $(wildcard drivers/bus/*.c)
NET_DRIVER_SRCS := $(wildcard drivers/net/*.c)

# Sources every platform links
COMMON_SRCS = $(CORE_SRCS) $(SCRIPT_SRCS) $(NET_SRCS) $(IMAGE_SRCS) \
	$(CRYPTO_SRCS) \
	$(patsubst %,script/commands/%.c,$(COMMANDS))

# Sources platforms with hardware link on top of COMMON_SRCS
HARDWARE_SRCS = $(BUS_SRCS) $(NET_DRIVER_SRCS) \
	$(patsubst %,script/commands/%.c,$(COMMANDS_PCI))

# The DHCP user class (option 77) Ferry sends: "iPXE", so that DHCP
# configurations written for iPXE (which test it to avoid chainload
# loops) work unchanged.  Set DHCP_USER_CLASS=... to tell Ferry apart.
DHCP_USER_CLASS := iPXE

# What option ROMs leave out to fit in 64 KiB
include config/rom.mk
