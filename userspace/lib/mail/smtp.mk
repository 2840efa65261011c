# SPDX-License-Identifier: GPL-2.0
# userspace/lib/mail: the SMTP protocol parsers (command lines, DATA, replies,
# addresses).

SMTP_UNITS	:= smtp_cmd smtp_data smtp_reply mailaddr dsn_param
SMTP_TESTS	:= $(patsubst %,$(BUILD)/test_%,$(SMTP_UNITS))

LIBMAIL_SRCS	+= $(patsubst %,userspace/lib/mail/%.c,$(SMTP_UNITS))
TESTS		+= $(SMTP_TESTS)
FUZZERS		+= $(patsubst %,$(BUILD)/fuzz_%,$(SMTP_UNITS))

# A test links only the parser it tests, not all of $(LIBMAIL): a unit half
# written elsewhere in the library then cannot stop these from building.
$(SMTP_TESTS): $(BUILD)/test_%: $(BUILD)/userspace/lib/mail/test_%.o \
			       $(BUILD)/userspace/lib/mail/%.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka

# A fuzzer links its parser built with the sanitizers, not $(LIBMAIL).
define smtp_fuzz_rule
$(BUILD)/fuzz_$(1): $(BUILD)/fuzz/userspace/lib/mail/fuzz_$(1).o \
		    $(BUILD)/fuzz/userspace/lib/mail/$(1).o
	$$(FUZZCC) $$(FUZZFLAGS) -o $$@ $$^
endef

$(foreach u,$(SMTP_UNITS),$(eval $(call smtp_fuzz_rule,$(u))))

# mailaddr's path split is kmod/proto/mailpath.c, shared with the packet path
# (nfpost_smtp): whatever links mailaddr.o links it too.
LIBMAIL_SRCS	+= kmod/proto/mailpath.c
$(BUILD)/test_mailaddr $(BUILD)/test_conf: $(BUILD)/kmod/proto/mailpath.o
$(BUILD)/fuzz_mailaddr: $(BUILD)/fuzz/kmod/proto/mailpath.o
