# SPDX-License-Identifier: GPL-2.0
# userspace/lib/mail: the IMAP command reader and parser.

IMAP_UNITS	:= imap_parser imap_seqset imap_fetch mime

LIBMAIL_SRCS	+= $(patsubst %,userspace/lib/mail/%.c,$(IMAP_UNITS) imap_struct)
TESTS		+= $(patsubst %,$(BUILD)/test_%,$(IMAP_UNITS))
FUZZERS		+= $(BUILD)/fuzz_imap_parser $(BUILD)/fuzz_mime

# As smtp.mk: each test and fuzzer links only its own parser.
$(patsubst %,$(BUILD)/test_%,$(IMAP_UNITS)): $(BUILD)/test_%: \
		$(BUILD)/userspace/lib/mail/test_%.o $(BUILD)/userspace/lib/mail/%.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka

# The header's end is rfc5322.c's.
$(BUILD)/test_imap_fetch: $(BUILD)/userspace/lib/mail/rfc5322.o

# The MIME tree is tested with the ENVELOPE and BODYSTRUCTURE made of it.
$(BUILD)/test_mime: $(BUILD)/userspace/lib/mail/imap_struct.o
$(BUILD)/fuzz_mime: $(BUILD)/fuzz/userspace/lib/mail/imap_struct.o

$(BUILD)/fuzz_imap_parser $(BUILD)/fuzz_mime: $(BUILD)/fuzz_%: \
		$(BUILD)/fuzz/userspace/lib/mail/fuzz_%.o \
		$(BUILD)/fuzz/userspace/lib/mail/%.o
	$(FUZZCC) $(FUZZFLAGS) -o $@ $^
