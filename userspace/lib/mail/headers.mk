# SPDX-License-Identifier: GPL-2.0
# userspace/lib/mail: RFC 5322 headers and dates, RFC 2047 encoded words and
# the Received: chain.

HEADER_UNITS	:= rfc5322 received rfc2047

# Which units each test and fuzzer links besides its own.
header_deps_received	:= rfc5322

LIBMAIL_SRCS	+= $(patsubst %,userspace/lib/mail/%.c,$(HEADER_UNITS))
TESTS		+= $(patsubst %,$(BUILD)/test_%,$(HEADER_UNITS))
FUZZERS		+= $(patsubst %,$(BUILD)/fuzz_%,$(HEADER_UNITS))

# As smtp.mk: each test and fuzzer links only its units.
define header_rules
$(BUILD)/test_$(1): $(BUILD)/userspace/lib/mail/test_$(1).o \
		    $(patsubst %,$(BUILD)/userspace/lib/mail/%.o,$(1) $(header_deps_$(1)))
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ -lcmocka

$(BUILD)/fuzz_$(1): $(BUILD)/fuzz/userspace/lib/mail/fuzz_$(1).o \
		    $(patsubst %,$(BUILD)/fuzz/userspace/lib/mail/%.o,$(1) $(header_deps_$(1)))
	$$(FUZZCC) $$(FUZZFLAGS) -o $$@ $$^
endef

$(foreach u,$(HEADER_UNITS),$(eval $(call header_rules,$(u))))
