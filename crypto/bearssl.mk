# BearSSL, built from Debian's bearssl source package (fetched by
# util/deps.sh into build/deps/bearssl/src, never kept in this tree) with
# Ferry's freestanding flags, once per platform, into a static library.
#
# Operating-system features are switched off (no /dev/urandom, no clock:
# Ferry seeds the generator and supplies the time itself), and so are the
# SIMD code paths, since Ferry's platforms do not save vector registers.
# A few files include the compiler's x86 intrinsics headers; their code
# is compiled out by those switches, but the headers need SSE allowed to
# parse, so those files keep the compiler's default vector flags.

BEARSSL_DIR := $(BUILD)/deps/bearssl/src
BEARSSL_SRCS = $(sort $(shell find $(BEARSSL_DIR)/src -name '*.c' 2>/dev/null))
BEARSSL_INTRINSIC_SRCS = $(shell grep -l -E 'ghash_pclmul|x86ni|sysrng' \
	$(BEARSSL_SRCS) /dev/null 2>/dev/null | grep -E \
	'(ghash_pclmul|_x86ni[a-z_]*|sysrng)\.c$$')

BEARSSL_CFLAGS = -std=gnu99 -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-Icrypto/bearssl-shim -I. -I$(BEARSSL_DIR)/inc -I$(BEARSSL_DIR)/src \
	-DBR_USE_URANDOM=0 -DBR_USE_WIN32_RAND=0 -DBR_USE_UNIX_TIME=0 \
	-DBR_USE_WIN32_TIME=0 -DBR_RDRAND=0 -DBR_AES_X86NI=0 -DBR_SSE2=0 \
	-DBR_POWER8=0 -fno-common -ffunction-sections -fdata-sections \
	-fno-stack-protector -ffile-prefix-map=$(CURDIR)/= -w

# Fetch the source when it is missing
$(BEARSSL_DIR)/inc/bearssl.h:
	@util/deps.sh

# bearssl_rules(platform, compiler and flags, vector flags)
define bearssl_rules
$(BUILD)/$(1)/bearssl/%.o: $(BEARSSL_DIR)/src/%.c $(BEARSSL_DIR)/inc/bearssl.h
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$(Q)$(2) $$(BEARSSL_CFLAGS) \
		$$(if $$(filter $$<,$$(BEARSSL_INTRINSIC_SRCS)),,$(3)) \
		-c $$< -o $$@

$(BUILD)/$(1)/libbearssl.a: $$(patsubst $(BEARSSL_DIR)/src/%.c,\
		$(BUILD)/$(1)/bearssl/%.o,$$(BEARSSL_SRCS))
	$$(call say,AR,$$@)
	$(Q)rm -f $$@ && ar rcsD $$@ $$(sort $$^)
endef

$(eval $(call bearssl_rules,host,$(HOST_CC) -O2,))
$(eval $(call bearssl_rules,pcbios,$(CC) -m32 -march=i586 -Os -fno-pic \
	-fno-pie -fno-asynchronous-unwind-tables,-mno-sse -mno-mmx -mno-80387))
