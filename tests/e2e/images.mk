# Images only the end-to-end tests use ("make test" builds them)
#
#   bin/test/ferry.kpxe, bin/test/ferry.pxe
#       The PXE images with their own DHCP user class, FerryTest instead
#       of iPXE.  QEMU's PXE ROMs are iPXE builds and send "iPXE" too, so
#       a test's DHCP server can only tell the PXE ROM from the Ferry it
#       loaded by this (tests/e2e/pxe_chain.py).  Only net/dhcp.c differs
#       from bin/ferry.kpxe and bin/ferry.pxe: it is compiled once more
#       into build/pcbios/usertest/, so the normal images are untouched.
#
# Included by the top-level Makefile, after arch/x86/pcbios.mk.

TEST_USER_CLASS := FerryTest
TEST_USER_CLASS_OBJ := $(PCBIOS_BUILD)/usertest/net/dhcp.o

$(TEST_USER_CLASS_OBJ): net/dhcp.c tests/e2e/images.mk \
		| $(BEARSSL_DIR)/inc/bearssl.h
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(PCBIOS_CFLAGS) -UDHCP_USER_CLASS \
		-DDHCP_USER_CLASS=\"$(TEST_USER_CLASS)\" $(FILE_ID_FLAG) \
		$(DEPFLAGS) -c $< -o $@

# The bodies: the normal ones with that object for net/dhcp.o (named as
# a source, usertest/net/dhcp.c, for pcbios_image's object list)
TEST_PCBIOS_BASE = $(patsubst net/dhcp.c,usertest/net/dhcp.c,\
	$(PCBIOS_BODY_BASE))
$(eval $(call pcbios_image,kpxe-usertest,$(TEST_PCBIOS_BASE) \
	$(PCBIOS_UNDI_SRCS),,$(PCBIOS_BUILD)))
$(eval $(call pcbios_image,pxe-usertest,$(TEST_PCBIOS_BASE) \
	$(PCBIOS_NATIVE_DRIVERS),,$(PCBIOS_BUILD)))

bin/test/ferry.kpxe bin/test/ferry.pxe: bin/test/ferry.%: \
		$(PCBIOS_BUILD)/%-usertest-prefix.bin \
		$(PCBIOS_BUILD)/%-usertest.fz
	@mkdir -p $(@D)
	$(call say,CAT,$@)
	$(Q)cat $^ > $@

TEST_IMAGES += bin/test/ferry.kpxe bin/test/ferry.pxe

-include $(TEST_USER_CLASS_OBJ:.o=.d) \
	$(PCBIOS_BUILD)/kpxe-usertest-prefix.d \
	$(PCBIOS_BUILD)/pxe-usertest-prefix.d
