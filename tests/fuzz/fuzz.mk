# Fuzz targets (libFuzzer, clang), built from the host platform's sources
#
#   make bin/host/script-fuzz        the script parser and expander
#   make fuzz FUZZ_RUNS=100000       build and run it for a fixed number
#                                    of inputs (default 20000)
#
# Included by the top-level Makefile (include tests/fuzz/fuzz.mk).  The
# objects are compiled with clang, coverage-instrumented, under
# AddressSanitizer and UBSan, into build/fuzz/.

FUZZ_CC := clang

# Fuzz targets: tests/fuzz/<name>_fuzz.c becomes bin/host/<name>-fuzz
# ("make test" builds them all; tests/host/suites.py runs them)
FUZZ_NAMES := $(patsubst tests/fuzz/%_fuzz.c,%,$(wildcard tests/fuzz/*_fuzz.c))
FUZZ_TARGETS := $(foreach name,$(FUZZ_NAMES),bin/host/$(subst _,-,$(name))-fuzz)
FUZZ_BUILD := $(BUILD)/fuzz
FUZZ_RUNS ?= 20000

# clang's own headers replace gcc's in the freestanding flags
FUZZ_GCC_INCLUDE := $(shell $(CC) -print-file-name=include)
FUZZ_CLANG_INCLUDE := $(shell $(FUZZ_CC) -print-resource-dir 2>/dev/null)/include
FUZZ_SANITIZE := -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = $(subst $(FUZZ_GCC_INCLUDE),$(FUZZ_CLANG_INCLUDE),\
	$(FREESTANDING_CFLAGS)) -Iarch/host/include -O1 -Wno-error \
	$(FUZZ_SANITIZE)
FUZZ_LIBC_CFLAGS = $(HOST_LIBC_CFLAGS) -Wno-error $(FUZZ_SANITIZE)

# Everything but the target files, shared by every target
FUZZ_SRCS = $(COMMON_SRCS) $(HOST_PLATFORM_SRCS)
FUZZ_OBJS = $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(filter %.c,$(FUZZ_SRCS))) \
	$(patsubst %.S,$(FUZZ_BUILD)/%.o,$(filter %.S,$(FUZZ_SRCS)))

$(FUZZ_BUILD)/arch/host/%.o: arch/host/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_LIBC_CFLAGS) $(FILE_ID_FLAG) -c $< -o $@

$(FUZZ_BUILD)/%.o: %.c | $(BEARSSL_DIR)/inc/bearssl.h
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FILE_ID_FLAG) -c $< -o $@

$(FUZZ_BUILD)/%.o: %.S $(EMBED_STAMP)
	@mkdir -p $(@D)
	$(call say,AS,$@)
	$(Q)$(HOST_CC) -c $(EMBED_FLAGS) $< -o $@

# fuzz_target_rule(name): bin/host/<name>-fuzz from tests/fuzz/<name>_fuzz.c
define fuzz_target_rule
bin/host/$(subst _,-,$(1))-fuzz: $$(FUZZ_OBJS) \
		$(FUZZ_BUILD)/tests/fuzz/$(1)_fuzz.o $(BUILD)/host/libbearssl.a \
		arch/host/tables.ld
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $$@ \
		$$(FUZZ_OBJS) $(FUZZ_BUILD)/tests/fuzz/$(1)_fuzz.o \
		$(BUILD)/host/libbearssl.a $(HOST_LDFLAGS)
endef
$(foreach name,$(FUZZ_NAMES),$(eval $(call fuzz_target_rule,$(name))))

.PHONY: fuzz
fuzz: bin/host/script-fuzz
	bin/host/script-fuzz -runs=$(FUZZ_RUNS) -max_len=4096 -timeout=10 \
		-dict=tests/fuzz/script.dict
