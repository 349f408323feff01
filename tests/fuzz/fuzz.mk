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

# Every fuzz target "make test" builds (tests/host/fuzz.py runs them)
FUZZ_TARGETS := bin/host/script-fuzz
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

FUZZ_SRCS = $(COMMON_SRCS) $(HOST_PLATFORM_SRCS) tests/fuzz/script_fuzz.c
FUZZ_OBJS = $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(filter %.c,$(FUZZ_SRCS))) \
	$(patsubst %.S,$(FUZZ_BUILD)/%.o,$(filter %.S,$(FUZZ_SRCS)))

$(FUZZ_BUILD)/arch/host/%.o: arch/host/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_LIBC_CFLAGS) $(FILE_ID_FLAG) -c $< -o $@

$(FUZZ_BUILD)/%.o: %.c | $(BEARSSL_DIR)/inc/bearssl.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FILE_ID_FLAG) -c $< -o $@

$(FUZZ_BUILD)/%.o: %.S $(EMBED_STAMP)
	@mkdir -p $(@D)
	$(HOST_CC) -c $(EMBED_FLAGS) $< -o $@

bin/host/script-fuzz: $(FUZZ_OBJS) $(BUILD)/host/libbearssl.a \
		arch/host/tables.ld
	@mkdir -p $(@D)
	$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $(FUZZ_OBJS) \
		$(BUILD)/host/libbearssl.a $(HOST_LDFLAGS)

.PHONY: fuzz
fuzz: bin/host/script-fuzz
	bin/host/script-fuzz -runs=$(FUZZ_RUNS) -max_len=4096 -timeout=10 \
		-dict=tests/fuzz/script.dict
