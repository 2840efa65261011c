# SPDX-License-Identifier: GPL-2.0
# userspace/lib: mail storage and accounts (Maildir, users file), RFC 5322
# headers and the Received: chain.

STORE_UNITS	:= maildir users rfc5322 received mailbox rfc2047 keywords
STORE_FUZZERS	:= rfc5322 received rfc2047

# Which units each test and fuzzer links besides its own.
store_deps_received	:= rfc5322
store_deps_mailbox	:= maildir

LIBMAIL_SRCS	+= $(patsubst %,userspace/lib/%.c,$(STORE_UNITS))
TESTS		+= $(patsubst %,$(BUILD)/test_%,$(STORE_UNITS))
FUZZERS		+= $(patsubst %,$(BUILD)/fuzz_%,$(STORE_FUZZERS))

# As smtp.mk: the units themselves, not all of $(LIBMAIL), so that a unit
# half written elsewhere in the library cannot stop these from building.
# libcrypt is for users.o (yescrypt).
define store_test_rule
$(BUILD)/test_$(1): $(BUILD)/userspace/lib/test_$(1).o \
		    $(patsubst %,$(BUILD)/userspace/lib/%.o,$(1) $(store_deps_$(1)))
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ -lcmocka -lcrypt
endef

define store_fuzz_rule
$(BUILD)/fuzz_$(1): $(BUILD)/fuzz/userspace/lib/fuzz_$(1).o \
		    $(patsubst %,$(BUILD)/fuzz/userspace/lib/%.o,$(1) $(store_deps_$(1)))
	$$(FUZZCC) $$(FUZZFLAGS) -o $$@ $$^
endef

$(foreach u,$(STORE_UNITS),$(eval $(call store_test_rule,$(u))))
$(foreach u,$(STORE_FUZZERS),$(eval $(call store_fuzz_rule,$(u))))
