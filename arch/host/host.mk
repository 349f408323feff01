# The host platform: Ferry as a Linux program (bin/host/ferry), and the
# unit-test runner built with AddressSanitizer and UBSan
# (bin/host/ferry-test).

HOST_PLATFORM_SRCS := $(filter-out arch/host/main.c,$(wildcard arch/host/*.c))
HOST_SRCS = $(COMMON_SRCS) $(HOST_PLATFORM_SRCS) arch/host/main.c
# Unit tests also cover bus code that needs no hardware (virtio rings)
TEST_SRCS = $(COMMON_SRCS) $(HOST_PLATFORM_SRCS) $(wildcard tests/unit/*.c) \
	drivers/bus/virtio_ring.c

HOST_CFLAGS = $(FREESTANDING_CFLAGS) -Iarch/host/include -O2
# arch/host talks to Linux, so it alone sees libc's headers
HOST_LIBC_CFLAGS = -std=gnu11 -I. -Iarch/host/include -O2 -g -Wall -Wextra \
	-Wno-unused-parameter -Werror -ffile-prefix-map=$(CURDIR)/= \
	-D_GNU_SOURCE -DVERSION=\"$(VERSION)\"
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
HOST_LDFLAGS = -Wl,-T,arch/host/tables.ld

HOST_OBJS = $(patsubst %,$(BUILD)/host/%.o,$(basename $(HOST_SRCS)))
TEST_OBJS = $(patsubst %,$(BUILD)/test/%.o,$(basename $(TEST_SRCS)))

# Assembly (the embedded script's carrier), for both host builds
$(BUILD)/host/%.o: %.S $(EMBED_STAMP)
	@mkdir -p $(@D)
	$(call say,AS,$@)
	$(Q)$(HOST_CC) -c $(EMBED_FLAGS) $< -o $@

$(BUILD)/test/%.o: %.S $(EMBED_STAMP)
	@mkdir -p $(@D)
	$(call say,AS,$@)
	$(Q)$(HOST_CC) -c $(EMBED_FLAGS) $< -o $@

$(BUILD)/host/arch/host/%.o: arch/host/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(HOST_CC) $(HOST_LIBC_CFLAGS) $(FILE_ID_FLAG) $(DEPFLAGS) -c $< -o $@

$(BUILD)/host/%.o: %.c | $(BEARSSL_DIR)/inc/bearssl.h
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(FILE_ID_FLAG) $(DEPFLAGS) -c $< -o $@

$(BUILD)/test/arch/host/%.o: arch/host/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(HOST_CC) $(HOST_LIBC_CFLAGS) $(SANITIZE) $(FILE_ID_FLAG) $(DEPFLAGS) -c $< -o $@

$(BUILD)/test/%.o: %.c | $(BEARSSL_DIR)/inc/bearssl.h
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -O1 $(SANITIZE) $(FILE_ID_FLAG) $(DEPFLAGS) -c $< -o $@

# Objects that must not reach the C library (all but arch/host's)
HOST_FREESTANDING_OBJS = $(filter-out $(BUILD)/host/arch/host/%,$(HOST_OBJS))

$(BUILD)/host/ferry.elf: $(HOST_OBJS) $(BUILD)/host/libbearssl.a \
		arch/host/tables.ld util/check_freestanding.py
	$(call say,CHECK,$@)
	$(Q)$(PYTHON) util/check_freestanding.py $(HOST_FREESTANDING_OBJS) \
		-- $(filter $(BUILD)/host/arch/host/%,$(HOST_OBJS)) \
		$(BUILD)/host/libbearssl.a
	$(call say,LD,$@)
	$(Q)$(HOST_CC) -o $@ $(HOST_OBJS) $(BUILD)/host/libbearssl.a \
		$(HOST_LDFLAGS)

bin/host/ferry: $(BUILD)/host/ferry.elf
	@mkdir -p $(@D)
	$(Q)cp $< $@

bin/host/ferry-test: $(TEST_OBJS) $(BUILD)/host/libbearssl.a \
		arch/host/tables.ld
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(HOST_CC) $(SANITIZE) -o $@ $(TEST_OBJS) \
		$(BUILD)/host/libbearssl.a $(HOST_LDFLAGS)

-include $(HOST_OBJS:.o=.d) $(TEST_OBJS:.o=.d)
