# TRUST=a.pem,b.pem: the root certificates TLS trusts, built in
#
# util/trust.py turns every certificate in the files into a BearSSL
# trust anchor in a generated C file, $(TRUST_SRC), which joins every
# image's sources; each anchor is an entry of a linker table
# (crypto/trust.h), so net/tls.c finds them all without knowing the
# file.  Without TRUST= the file holds no anchor and every https://
# connection fails with "TLS: no trusted roots".  As for EMBED=, a stamp
# file records the list, so that changing TRUST= regenerates the file
# and relinks the images.
#
# Included by the top-level Makefile after config/config.mk and before
# the platforms' makefiles, since it adds to CRYPTO_SRCS.

trust_comma := ,
TRUST_FILES := $(foreach file,$(subst $(trust_comma), ,$(TRUST)),\
	$(abspath $(file)))
$(foreach file,$(TRUST_FILES),$(if $(wildcard $(file)),,\
	$(error TRUST: $(file) does not exist)))
TRUST_STAMP := $(BUILD)/trust.stamp
TRUST_SRC := $(BUILD)/trust/trust_anchors.c
$(shell mkdir -p $(BUILD) && { [ -f $(TRUST_STAMP) ] && \
	[ "$$(cat $(TRUST_STAMP))" = "$(TRUST_FILES)" ] || \
	echo "$(TRUST_FILES)" > $(TRUST_STAMP); })

$(TRUST_SRC): $(TRUST_STAMP) $(TRUST_FILES) util/trust.py
	@mkdir -p $(@D)
	$(call say,TRUST,$@)
	$(Q)$(PYTHON) util/trust.py -o $@ $(TRUST_FILES)

CRYPTO_SRCS += $(TRUST_SRC)
