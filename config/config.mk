# Feature selection: which objects each platform links.
#
# A feature is in when its object is linked; nothing inside net/ or
# drivers/ tests a feature macro.  Override any of these in the
# git-ignored config/local.mk (for example "COMMANDS += mycmd").

# The core every platform links
CORE_SRCS := $(wildcard core/*.c)

# The command interpreter
SCRIPT_SRCS := $(wildcard script/*.c)

# Commands on every platform (script/commands/<name>.c)
COMMANDS := echo help sleep power memmap

# Commands on platforms that have a PCI bus
COMMANDS_PCI := lspci

# Buses on platforms that drive hardware
BUS_SRCS := drivers/bus/pci.c

# Sources every platform links
COMMON_SRCS = $(CORE_SRCS) $(SCRIPT_SRCS) \
	$(patsubst %,script/commands/%.c,$(COMMANDS))

# Sources platforms with hardware link on top of COMMON_SRCS
HARDWARE_SRCS = $(BUS_SRCS) $(patsubst %,script/commands/%.c,$(COMMANDS_PCI))
