# Ferry: top-level Makefile
#
#   make            build every image (bin/ferry.lkrn, .iso, .usb,
#                   bin/host/ferry)
#   make test       install what is missing, build, run every test
#   make check      the quick daily subset: unit tests and a first boot
#   make demo       network-boot a demo Linux in QEMU
#   make bench      benchmarks against Debian's iPXE
#   make format     apply .clang-format
#   make tables     print what each linker table holds
#   make errors-doc regenerate docs/errors.md
#
# Build options: EMBED=script.ipxe, TRUST=a.pem,b.pem (trusted roots for
# HTTPS), DHCP_USER_CLASS=...  (see docs/building.md)

SHELL := /bin/bash
.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

VERSION := $(shell cat VERSION)
BUILD := build
CC := gcc
HOST_CC := gcc
PYTHON := python3

include config/config.mk
-include config/local.mk

# Every source file gets a stable number for its error codes
ALL_SRCS := $(sort $(shell find core arch drivers net crypto script image tests \
	\( -name '*.c' -o -name '*.S' -o -name '*.asm' \) -print 2>/dev/null))
$(shell $(PYTHON) util/fileids.py config/file-ids.txt $(BUILD)/file-ids.mk $(ALL_SRCS))
include $(BUILD)/file-ids.mk

# Flags for freestanding code (everything but arch/host): no libc headers
FREESTANDING_CFLAGS = -std=gnu11 -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-I. -Icrypto/bearssl-shim -I$(BEARSSL_DIR)/inc \
	-fno-common -ffunction-sections -fdata-sections \
	-fno-strict-aliasing -fno-stack-protector -fno-delete-null-pointer-checks \
	-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	-Werror -g -ffile-prefix-map=$(CURDIR)/= \
	-DVERSION=\"$(VERSION)\" -DDHCP_USER_CLASS=\"$(DHCP_USER_CLASS)\"

# Per-file error-code number
FILE_ID_FLAG = -DFILE_ID=$(FILE_ID_$<)

# Dependency files
DEPFLAGS = -MMD -MP

# Quiet output ("  CC  build/host/core/string.o"); V=1 shows commands
ifeq ($(V),1)
Q :=
else
Q := @
endif
say = @printf '  %-6s %s\n' '$(1)' '$(2)'

# EMBED=file: the script built in (image/embedded_data.S).  A stamp file
# records which file, so that changing EMBED rebuilds what carries it.
EMBED_PATH := $(if $(EMBED),$(abspath $(EMBED)),$(CURDIR)/$(BUILD)/embed-none)
EMBED_STAMP := $(BUILD)/embed.stamp
$(shell mkdir -p $(BUILD) && : >> $(BUILD)/embed-none && \
	{ [ -f $(EMBED_STAMP) ] && \
	[ "$$(cat $(EMBED_STAMP))" = "$(EMBED_PATH)" ] || \
	echo "$(EMBED_PATH)" > $(EMBED_STAMP); })
EMBED_FLAGS = -DEMBED_PATH='"$(EMBED_PATH)"'

# DHCP_USER_CLASS=...: likewise a stamp, so that changing it rebuilds
# net/dhcp.c (the one file that uses it) on every platform
USER_CLASS_STAMP := $(BUILD)/user-class.stamp
$(shell { [ -f $(USER_CLASS_STAMP) ] && \
	[ "$$(cat $(USER_CLASS_STAMP))" = '$(DHCP_USER_CLASS)' ] || \
	echo '$(DHCP_USER_CLASS)' > $(USER_CLASS_STAMP); })
$(foreach platform,host test pcbios fuzz,$(BUILD)/$(platform)/net/dhcp.o): \
	$(USER_CLASS_STAMP)

.PHONY: all
all: bin/host/ferry bin/ferry.lkrn bin/ferry.iso bin/ferry.usb

include crypto/bearssl.mk
include crypto/trust.mk
include arch/host/host.mk
include tests/fuzz/fuzz.mk
-include arch/x86/pcbios.mk
include arch/x86/media.mk
-include tests/e2e/images.mk

# ---- tests -----------------------------------------------------------------

.PHONY: deps test check demo bench
deps:
	@util/deps.sh

test: deps
	@$(MAKE) --no-print-directory all bin/host/ferry-test $(FUZZ_TARGETS) \
		bin/host/x86-string-ops-test \
		$(TEST_IMAGES)
	@$(PYTHON) tests/run.py --all

check:
	@$(MAKE) --no-print-directory all bin/host/ferry-test \
		bin/host/x86-string-ops-test
	@$(PYTHON) tests/run.py --quick

demo: deps
	@$(MAKE) --no-print-directory all
	@$(PYTHON) tests/demo.py

bench: deps
	@$(MAKE) --no-print-directory all
	@$(PYTHON) tests/bench.py

# ---- housekeeping ------------------------------------------------------------

.PHONY: format tables clean
format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

tables: all
	@$(PYTHON) util/tables.py $(BUILD)/host $(BUILD)/pcbios

# docs/errors.md is generated from the sources; a test checks it is current
docs/errors.md: config/file-ids.txt $(ALL_SRCS) core/errors.h util/errors.py
	$(PYTHON) util/errors.py > $@

.PHONY: errors-doc
errors-doc: docs/errors.md

clean:
	rm -rf $(BUILD) bin bin-efi
