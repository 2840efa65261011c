# SPDX-License-Identifier: GPL-2.0
# userspace/lib/mail: the POP3 command parser (the mailbox itself is in lib/store).

POP3_UNITS	:= pop3_cmd
# SASL PLAIN (RFC 4616): POP3 AUTH's, and IMAP's and SMTP's too
POP3_UNITS	+= sasl_plain

LIBMAIL_SRCS	+= $(patsubst %,userspace/lib/mail/%.c,$(POP3_UNITS))
TESTS		+= $(patsubst %,$(BUILD)/test_%,$(POP3_UNITS))
FUZZERS		+= $(patsubst %,$(BUILD)/fuzz_%,$(POP3_UNITS))

# As smtp.mk: each test and fuzzer links only its own parser.
$(patsubst %,$(BUILD)/test_%,$(POP3_UNITS)): $(BUILD)/test_%: \
		$(BUILD)/userspace/lib/mail/test_%.o $(BUILD)/userspace/lib/mail/%.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka

$(patsubst %,$(BUILD)/fuzz_%,$(POP3_UNITS)): $(BUILD)/fuzz_%: \
		$(BUILD)/fuzz/userspace/lib/mail/fuzz_%.o \
		$(BUILD)/fuzz/userspace/lib/mail/%.o
	$(FUZZCC) $(FUZZFLAGS) -o $@ $^
