# The x86 BIOS platform: bin/ferry.lkrn
#
# The image is a Linux bzImage: a real-mode setup part (the prefix,
# arch/x86/prefix/lkrn.asm) followed by the 32-bit body, which a loader
# puts at 1 MiB.  The body is linked at 1 MiB with its relocations kept
# (--emit-relocs); util/relocs.py turns the absolute ones into a compact
# table appended to the body, so that Ferry can move itself to the top of
# memory once it has read the memory map.
#
# Everything here is deterministic: same tree, same bytes.

PCBIOS_BUILD := $(BUILD)/pcbios

NASM := nasm
LD := ld
PCBIOS_LIBGCC = $(shell $(CC) -m32 -print-libgcc-file-name)

# The platform's own sources (C and nasm objects linked into the body)
PCBIOS_ARCH_SRCS := $(sort $(wildcard arch/x86/*.c)) \
	arch/x86/start32.asm arch/x86/relocate_body.asm \
	arch/x86/exception_entry.asm arch/x86/trampoline_image.asm \
	arch/x86/string_ops.asm arch/x86/checksum_blocks.asm
# The jumps into a booted kernel (image/handoff.h)
PCBIOS_ARCH_SRCS += arch/x86/transition/handoff.asm

# The PXE API for NBPs (arch/x86/pxe/) is part of every BIOS image
PCBIOS_ARCH_SRCS += $(sort $(wildcard arch/x86/pxe/*.c)) \
	arch/x86/pxe/pxe_stubs_image.asm

# The UNDI driver only makes sense in bin/ferry.kpxe (see below)
PCBIOS_UNDI_SRCS := drivers/net/undi.c

PCBIOS_SRCS = $(filter-out $(PCBIOS_UNDI_SRCS),$(COMMON_SRCS) \
	$(HARDWARE_SRCS)) $(PCBIOS_ARCH_SRCS)
PCBIOS_OBJS = $(patsubst %,$(PCBIOS_BUILD)/%.o,$(basename $(PCBIOS_SRCS)))

# -march=i586: the TSC is needed, cmov is not assumed.  No FPU or SIMD
# registers: nothing saves them across real-mode calls or exceptions.
# -mstringop-strategy=libcall: copies and fills of unknown length call
# arch/x86/string_ops.asm (32-bit moves) instead of an inlined rep movsb,
# which emulators run a byte at a time.
# --param=min-pagesize=0: the BIOS data area and the interrupt vector
# table live at small constant addresses, which GCC 12 otherwise takes
# for null-pointer arithmetic (-Warray-bounds).
PCBIOS_CFLAGS = $(FREESTANDING_CFLAGS) -m32 -march=i586 -Os -fno-pic \
	-fno-pie -mno-sse -mno-mmx -mno-80387 -fno-asynchronous-unwind-tables \
	-mstringop-strategy=libcall --param=min-pagesize=0 -Iarch/x86/include

PCBIOS_LDFLAGS = -m elf_i386 -T arch/x86/pcbios.ld --gc-sections \
	--emit-relocs --build-id=none -nostdlib -z noexecstack \
	--no-warn-rwx-segments

$(PCBIOS_BUILD)/%.o: %.c | $(BEARSSL_DIR)/inc/bearssl.h
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(PCBIOS_CFLAGS) $(FILE_ID_FLAG) $(DEPFLAGS) -c $< -o $@

$(PCBIOS_BUILD)/%.o: %.asm
	@mkdir -p $(@D)
	$(call say,NASM,$@)
	$(Q)$(NASM) -f elf32 -I$(PCBIOS_BUILD)/ -Iarch/x86/ -MD $(@:.o=.d) -MP \
		-o $@ $<

# GNU assembler sources shared with other platforms (the embedded
# script's carrier, image/embedded_data.S)
$(PCBIOS_BUILD)/%.o: %.S $(EMBED_STAMP)
	@mkdir -p $(@D)
	$(call say,AS,$@)
	$(Q)$(CC) -m32 -c $(EMBED_FLAGS) $< -o $@

# The real-mode trampoline: a flat binary copied to base memory at run
# time, carried inside the body by trampoline_image.asm
$(PCBIOS_BUILD)/trampoline.bin: arch/x86/transition/trampoline.asm
	@mkdir -p $(@D)
	$(call say,NASM,$@)
	$(Q)$(NASM) -f bin -Iarch/x86/ -MD $(@:.bin=.d) -MP -o $@ $<

$(PCBIOS_BUILD)/arch/x86/trampoline_image.o: $(PCBIOS_BUILD)/trampoline.bin

# The PXE API's real-mode stubs: likewise a flat binary in the body
$(PCBIOS_BUILD)/pxe_stubs.bin: arch/x86/pxe/pxe_stubs.asm
	@mkdir -p $(@D)
	$(call say,NASM,$@)
	$(Q)$(NASM) -f bin -o $@ $<

$(PCBIOS_BUILD)/arch/x86/pxe/pxe_stubs_image.o: $(PCBIOS_BUILD)/pxe_stubs.bin

$(PCBIOS_BUILD)/ferry.elf: $(PCBIOS_OBJS) $(PCBIOS_BUILD)/libbearssl.a \
		arch/x86/pcbios.ld
	$(call say,LD,$@)
	$(Q)$(LD) $(PCBIOS_LDFLAGS) -o $@ $(PCBIOS_OBJS) \
		$(PCBIOS_BUILD)/libbearssl.a $(PCBIOS_LIBGCC)

# The body: the loaded bytes of the ELF, then the relocation table
$(PCBIOS_BUILD)/ferry.body: $(PCBIOS_BUILD)/ferry.elf util/relocs.py
	$(call say,RELOCS,$@)
	$(Q)$(PYTHON) util/relocs.py $< $@

# The real-mode setup part, sized for the body it carries
$(PCBIOS_BUILD)/lkrn-setup.bin: arch/x86/prefix/lkrn.asm \
		$(PCBIOS_BUILD)/ferry.body VERSION
	$(call say,NASM,$@)
	$(Q)$(NASM) -f bin -Iarch/x86/ -DBODY_SIZE=$$(stat -c %s \
		$(PCBIOS_BUILD)/ferry.body) -DFERRY_VERSION='"$(VERSION)"' \
		-MD $(@:.bin=.d) -MP -o $@ $<

bin/ferry.lkrn: $(PCBIOS_BUILD)/lkrn-setup.bin $(PCBIOS_BUILD)/ferry.body
	@mkdir -p $(@D)
	$(call say,CAT,$@)
	$(Q)cat $^ > $@

# ---- packed images: bin/ferry.pxe, bin/ferry.kpxe, option ROMs ---------------
#
# Each has its own body (the drivers it needs, and the code for its
# prefix), packed by util/ferryz.c behind a real-mode prefix that unpacks
# it to 1 MiB: arch/x86/prefix/pxe.asm or rom.asm (see docs/media.md).

PCBIOS_PREFIX_SRCS := $(filter-out arch/x86/prefix/unpack%.c,\
	$(sort $(wildcard arch/x86/prefix/*.c)))
PCBIOS_NATIVE_DRIVERS := $(filter-out $(PCBIOS_UNDI_SRCS),$(NET_DRIVER_SRCS))
PCBIOS_BODY_BASE = $(filter-out $(NET_DRIVER_SRCS),$(COMMON_SRCS) \
	$(HARDWARE_SRCS)) $(PCBIOS_ARCH_SRCS) $(PCBIOS_PREFIX_SRCS)

# The packer, built for the build machine; it checks what it packs
FERRYZ := $(BUILD)/util/ferryz
$(FERRYZ): util/ferryz.c arch/x86/prefix/unpack.c arch/x86/prefix/unpack_cm.c \
		arch/x86/prefix/unpack.h
	@mkdir -p $(@D)
	$(call say,HOSTCC,$@)
	$(Q)$(HOST_CC) -O2 -Wall -Wextra -Werror -I. -o $@ util/ferryz.c \
		arch/x86/prefix/unpack.c -lm

# The prefixes' decompressors: position-independent 32-bit code with no
# data and no relocations, carried as flat binaries.  unpack.bin (LZ77)
# for the PXE images; unpack_cm.bin (context mixing: smaller output,
# slower, a 28 MiB workspace) for option ROMs, which must fit in 64 KiB.
PCBIOS_UNPACKERS := unpack unpack_cm
$(PCBIOS_UNPACKERS:%=$(PCBIOS_BUILD)/%.o): $(PCBIOS_BUILD)/%.o: \
		arch/x86/prefix/%.c arch/x86/prefix/unpack.h
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) -m32 -march=i386 -Os -ffreestanding -nostdinc -I. -fno-pic \
		-fno-pie -fno-jump-tables -fno-tree-loop-distribute-patterns \
		-fno-asynchronous-unwind-tables -fno-stack-protector -mno-sse \
		-mno-mmx -mno-80387 -Wall -Wextra -Werror -c $< -o $@
	$(Q)if readelf -rW $@ | grep -q 'R_386'; then \
		echo "$@: the decompressor must have no relocations"; \
		rm -f $@; exit 1; fi
	$(Q)if [ -n "$$(objdump -h $@ | awk '$$2 ~ /^\.(data|bss|rodata)/ \
		&& $$3 != "00000000"')" ]; then \
		echo "$@: the decompressor must have no data"; \
		rm -f $@; exit 1; fi

$(PCBIOS_UNPACKERS:%=$(PCBIOS_BUILD)/%.bin): $(PCBIOS_BUILD)/%.bin: \
		$(PCBIOS_BUILD)/%.o
	$(Q)objcopy -O binary -j .text $< $@

# The workspace each decompressor needs, from unpack.h
PCBIOS_UNPACK_WORK := $(shell sed -n 's/^\#define FZ_WORK_SIZE //p' \
	arch/x86/prefix/unpack.h)
PCBIOS_UNPACK_CM_WORK := $(shell sed -n 's/^\#define CM_WORK_SIZE //p' \
	arch/x86/prefix/unpack.h)

# pcbios_image_objs(sources, C object folder): the objects of an image
# (other than C, the sources' objects are the same for every image)
pcbios_image_objs = $(patsubst %,$(2)/%.o,$(basename $(filter %.c,$(1)))) \
	$(patsubst %,$(PCBIOS_BUILD)/%.o,$(basename $(filter-out %.c,$(1))))

# pcbios_image(name, sources, ferryz options, C object folder):
# build/pcbios/<name>.elf, .body (with its relocations, as for the lkrn)
# and .fz (packed)
define pcbios_image
$$(PCBIOS_BUILD)/$(1).elf: $$(call pcbios_image_objs,$(2),$(4)) \
		$$(PCBIOS_BUILD)/libbearssl.a arch/x86/pcbios.ld arch/x86/pcbios.mk \
		config/config.mk config/rom.mk
	$$(call say,LD,$$@)
	$$(Q)$$(LD) $$(PCBIOS_LDFLAGS) -o $$@ \
		$$(call pcbios_image_objs,$(2),$(4)) \
		$$(PCBIOS_BUILD)/libbearssl.a $$(PCBIOS_LIBGCC)

$$(PCBIOS_BUILD)/$(1).body: $$(PCBIOS_BUILD)/$(1).elf util/relocs.py
	$$(call say,RELOCS,$$@)
	$$(Q)$$(PYTHON) util/relocs.py $$< $$@

$$(PCBIOS_BUILD)/$(1).fz: $$(PCBIOS_BUILD)/$(1).body $$(FERRYZ)
	$$(call say,PACK,$$@)
	$$(Q)$$(FERRYZ) $(3) $$< $$@ 2>/dev/null

PCBIOS_PACKED_OBJS += $$(call pcbios_image_objs,$(2),$(4))
endef

# The nasm definitions a prefix needs for a packed body $(1), unpacked
# by decompressor $(2) (unpack or unpack_cm) with a workspace of $(3)
pcbios_prefix_defs = -DBODY_SIZE=$$(stat -c %s $(PCBIOS_BUILD)/$(1).body) \
	-DPACKED_SIZE=$$(stat -c %s $(PCBIOS_BUILD)/$(1).fz) \
	-DPACKED_SUM=$$(od -An -v -tu1 $(PCBIOS_BUILD)/$(1).fz | \
		awk '{ for (i = 1; i <= NF; i++) s += $$i } \
		END { printf "%u", s % 4294967296 }') \
	-DUNPACK_OFFSET=0x$$(nm $(PCBIOS_BUILD)/$(2).o | \
		awk '$$3 == "$(2)" { print $$1 }') \
	-DUNPACK_BIN='"$(2).bin"' -DUNPACK_WORK_SIZE='$(3)' \
	-DUNPACK_SUM=$$(od -An -v -tu1 $(PCBIOS_BUILD)/$(2).bin | \
		awk '{ for (i = 1; i <= NF; i++) s += $$i } \
		END { printf "%u", s % 4294967296 }') \
	-DPREFIX_INFO_OFFSET=$$(( 0x$$(nm $(PCBIOS_BUILD)/$(1).elf | \
		awk '$$3 == "prefix_info" { print $$1 }') - 0x100000 )) \
	-DFERRY_VERSION='"$(VERSION)"' -Iarch/x86/ -I$(PCBIOS_BUILD)/

# Print an image's size as it is made
pcbios_size = @printf '  %-6s %s: %d bytes\n' SIZE $@ $$(stat -c %s $@)

# bin/ferry.kpxe: the UNDI driver; bin/ferry.pxe: the native drivers
$(eval $(call pcbios_image,kpxe,$(PCBIOS_BODY_BASE) $(PCBIOS_UNDI_SRCS),,$(PCBIOS_BUILD)))
$(eval $(call pcbios_image,pxe,$(PCBIOS_BODY_BASE) $(PCBIOS_NATIVE_DRIVERS),,$(PCBIOS_BUILD)))

$(PCBIOS_BUILD)/%-prefix.bin: arch/x86/prefix/pxe.asm $(PCBIOS_BUILD)/%.fz \
		$(PCBIOS_BUILD)/unpack.bin VERSION
	$(call say,NASM,$@)
	$(Q)$(NASM) -f bin $(call pcbios_prefix_defs,$*,unpack,$(PCBIOS_UNPACK_WORK)) \
		-DPREFIX_TYPE=$(if $(filter kpxe kpxe-%,$*),2,1) -MD $(@:.bin=.d) \
		-MP -o $@ $<

bin/ferry.pxe bin/ferry.kpxe: bin/ferry.%: $(PCBIOS_BUILD)/%-prefix.bin \
		$(PCBIOS_BUILD)/%.fz
	@mkdir -p $(@D)
	$(call say,CAT,$@)
	$(Q)cat $^ > $@
	$(pcbios_size)

all: bin/ferry.pxe bin/ferry.kpxe

# Option ROMs: a body per native driver, a ROM file per PCI ID it takes
# (vendor:device:driver); bin/ferry-<driver>.rom is the driver's first
PCBIOS_ROM_LIST := 8086:100e:e1000 8086:100f:e1000 8086:100c:e1000 \
	8086:10d3:e1000 10ec:8139:rtl8139 1af4:1000:virtio_net \
	1af4:1041:virtio_net
PCBIOS_ROM_DRIVERS := $(sort $(foreach rom,$(PCBIOS_ROM_LIST),\
	$(word 3,$(subst :, ,$(rom)))))
pcbios_rom_field = $(word $(2),$(subst :, ,$(1)))

# What an option ROM leaves out to fit in 64 KiB: config/rom.mk.  The
# commands it leaves out get stand-ins that say so (util/omitted.py).
PCBIOS_ROM_OMITTED := $(filter $(ROM_OMIT_SRCS),$(PCBIOS_BODY_BASE))
PCBIOS_ROM_STANDINS := $(PCBIOS_BUILD)/rom-omitted.c
$(PCBIOS_ROM_STANDINS): util/omitted.py config/rom.mk FORCE
	@mkdir -p $(@D)
	$(Q)$(PYTHON) util/omitted.py $@ $(PCBIOS_ROM_OMITTED)
.PHONY: FORCE
FORCE:

# An option ROM's C objects are compiled again with ROM_CFLAGS
# (config/rom.mk: tuned for size), in their own folder
PCBIOS_ROM_BUILD := $(BUILD)/pcbios-rom
$(PCBIOS_ROM_BUILD)/%.o: %.c | $(BEARSSL_DIR)/inc/bearssl.h
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(PCBIOS_CFLAGS) $(ROM_CFLAGS) $(FILE_ID_FLAG) $(DEPFLAGS) \
		-c $< -o $@

# The virtio transport only where the driver is virtio's
pcbios_rom_srcs = $(filter-out $(ROM_OMIT_SRCS) $(if $(filter virtio%,$(1)),,\
	drivers/bus/virtio%.c),$(PCBIOS_BODY_BASE)) $(PCBIOS_ROM_STANDINS) \
	drivers/net/$(1).c

$(foreach driver,$(PCBIOS_ROM_DRIVERS),$(eval $(call pcbios_image,rom-$(driver),\
	$(call pcbios_rom_srcs,$(driver)),--cm,$(PCBIOS_ROM_BUILD))))

# The prefix and the packed body, before romid.py finishes it
$(PCBIOS_BUILD)/rom-%.img: arch/x86/prefix/rom.asm $(PCBIOS_BUILD)/rom-%.fz \
		$(PCBIOS_BUILD)/unpack_cm.bin VERSION
	$(call say,NASM,$@)
	$(Q)$(NASM) -f bin $(call pcbios_prefix_defs,rom-$*,unpack_cm,$(PCBIOS_UNPACK_CM_WORK)) \
		-MD $(@:.img=.d) -MT $@ -MP -o $@.prefix $<
	$(Q)cat $@.prefix $(PCBIOS_BUILD)/rom-$*.fz > $@

# A test build of the e1000 ROM that does not find PMM (it looks for
# "$NOP" instead of "$PMM"), for the test of a BIOS without PMM
# (tests/e2e/pxe_rom.py): SeaBIOS always offers PMM.  Not for use.
$(PCBIOS_BUILD)/rom-e1000-nopmm.img: arch/x86/prefix/rom.asm \
		$(PCBIOS_BUILD)/rom-e1000.fz $(PCBIOS_BUILD)/unpack_cm.bin VERSION
	$(call say,NASM,$@)
	$(Q)$(NASM) -f bin $(call pcbios_prefix_defs,rom-e1000,unpack_cm,$(PCBIOS_UNPACK_CM_WORK)) \
		-DPMM_SIGNATURE=0x504f4e24 -MD $(@:.img=.d) -MT $@ -MP \
		-o $@.prefix $<
	$(Q)cat $@.prefix $(PCBIOS_BUILD)/rom-e1000.fz > $@

$(BUILD)/test-roms/8086100e-nopmm.rom: $(PCBIOS_BUILD)/rom-e1000-nopmm.img \
		util/romid.py
	@mkdir -p $(@D)
	$(Q)$(PYTHON) util/romid.py $< $@ 8086 100e

all: $(BUILD)/test-roms/8086100e-nopmm.rom

# pcbios_rom(vendor, device, driver)
define pcbios_rom
bin/$(1)$(2).rom: $$(PCBIOS_BUILD)/rom-$(3).img util/romid.py
	@mkdir -p $$(@D)
	$$(Q)$$(PYTHON) util/romid.py $$< $$@ $(1) $(2)
PCBIOS_ROM_FILES += bin/$(1)$(2).rom
endef
$(foreach rom,$(PCBIOS_ROM_LIST),$(eval $(call pcbios_rom,$(call \
	pcbios_rom_field,$(rom),1),$(call pcbios_rom_field,$(rom),2),$(call \
	pcbios_rom_field,$(rom),3))))

# bin/ferry-<driver>.rom (driver names with "-": ferry-virtio-net.rom)
define pcbios_rom_alias
bin/ferry-$(subst _,-,$(3)).rom: bin/$(1)$(2).rom
	$$(call say,CP,$$@)
	$$(Q)cp $$< $$@
PCBIOS_ROM_FILES += bin/ferry-$(subst _,-,$(3)).rom
endef
pcbios_rom_first = $(firstword $(filter %:$(1),$(PCBIOS_ROM_LIST)))
$(foreach driver,$(PCBIOS_ROM_DRIVERS),$(eval $(call pcbios_rom_alias,$(call \
	pcbios_rom_field,$(call pcbios_rom_first,$(driver)),1),$(call \
	pcbios_rom_field,$(call pcbios_rom_first,$(driver)),2),$(driver))))

all: $(PCBIOS_ROM_FILES)

-include $(PCBIOS_OBJS:.o=.d) $(PCBIOS_BUILD)/trampoline.d \
	$(PCBIOS_BUILD)/lkrn-setup.d $(PCBIOS_BUILD)/kpxe-prefix.d \
	$(PCBIOS_BUILD)/pxe-prefix.d $(PCBIOS_PACKED_OBJS:.o=.d) \
	$(wildcard $(PCBIOS_BUILD)/rom-*.d)

# A 32-bit Linux program that checks arch/x86/string_ops.asm and
# arch/x86/checksum_blocks.asm against simple references
# (tests/host/suites.py runs it)
bin/host/x86-string-ops-test: tests/host/x86_string_ops_test.c \
		arch/x86/string_ops.asm arch/x86/checksum_blocks.asm
	@mkdir -p $(@D) $(BUILD)/host
	$(call say,LD,$@)
	$(Q)$(NASM) -f elf32 -o $(BUILD)/host/x86_string_ops.o \
		arch/x86/string_ops.asm
	$(Q)$(NASM) -f elf32 -o $(BUILD)/host/x86_checksum_blocks.o \
		arch/x86/checksum_blocks.asm
	$(Q)$(CC) -m32 -O1 -fno-builtin -Wall -Wextra -Werror -z noexecstack \
		-o $@ tests/host/x86_string_ops_test.c \
		$(BUILD)/host/x86_string_ops.o \
		$(BUILD)/host/x86_checksum_blocks.o
