# SPDX-License-Identifier: GPL-2.0
# userspace/lib: the IMAP command reader and parser.

IMAP_UNITS	:= imap_parser imap_seqset imap_fetch mime

LIBMAIL_SRCS	+= $(patsubst %,userspace/lib/%.c,$(IMAP_UNITS) imap_struct)
TESTS		+= $(patsubst %,$(BUILD)/test_%,$(IMAP_UNITS))
FUZZERS		+= $(BUILD)/fuzz_imap_parser $(BUILD)/fuzz_mime

# As smtp.mk: each test and fuzzer links only its own parser.
$(patsubst %,$(BUILD)/test_%,$(IMAP_UNITS)): $(BUILD)/test_%: \
		$(BUILD)/userspace/lib/test_%.o $(BUILD)/userspace/lib/%.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka

# The MIME tree is tested with the ENVELOPE and BODYSTRUCTURE made of it.
$(BUILD)/test_mime: $(BUILD)/userspace/lib/imap_struct.o
$(BUILD)/fuzz_mime: $(BUILD)/fuzz/userspace/lib/imap_struct.o

$(BUILD)/fuzz_imap_parser $(BUILD)/fuzz_mime: $(BUILD)/fuzz_%: \
		$(BUILD)/fuzz/userspace/lib/fuzz_%.o \
		$(BUILD)/fuzz/userspace/lib/%.o
	$(FUZZCC) $(FUZZFLAGS) -o $@ $^
