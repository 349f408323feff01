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
	arch/x86/exception_entry.asm arch/x86/trampoline_image.asm

PCBIOS_SRCS = $(COMMON_SRCS) $(HARDWARE_SRCS) $(PCBIOS_ARCH_SRCS)
PCBIOS_OBJS = $(patsubst %,$(PCBIOS_BUILD)/%.o,$(basename $(PCBIOS_SRCS)))

# -march=i586: the TSC is needed, cmov is not assumed.  No FPU or SIMD
# registers: nothing saves them across real-mode calls or exceptions.
# --param=min-pagesize=0: the BIOS data area and the interrupt vector
# table live at small constant addresses, which GCC 12 otherwise takes
# for null-pointer arithmetic (-Warray-bounds).
PCBIOS_CFLAGS = $(FREESTANDING_CFLAGS) -m32 -march=i586 -Os -fno-pic \
	-fno-pie -mno-sse -mno-mmx -mno-80387 -fno-asynchronous-unwind-tables \
	--param=min-pagesize=0 -Iarch/x86/include

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

-include $(PCBIOS_OBJS:.o=.d) $(PCBIOS_BUILD)/trampoline.d \
	$(PCBIOS_BUILD)/lkrn-setup.d
