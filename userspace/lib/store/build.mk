# SPDX-License-Identifier: GPL-2.0
# userspace/lib/store: what nfpostd keeps on disk: Maildir delivery and
# mailboxes, the users file and the queue's files, archived into
# $(BUILD)/libnfstore.a. It uses lib/mail (DSN parameters, headers).

STORE_UNITS	:= maildir users mailbox queue keywords modseq hcache
LIBSTORE	:= $(BUILD)/libnfstore.a

# Which objects each test links besides its own unit's.
store_deps_mailbox	:= $(BUILD)/userspace/lib/store/maildir.o \
			   $(BUILD)/userspace/lib/store/dotlock.o \
			   $(BUILD)/userspace/lib/mail/rfc5322.o
store_deps_modseq	:= $(BUILD)/userspace/lib/store/mailbox.o \
			   $(BUILD)/userspace/lib/store/maildir.o \
			   $(BUILD)/userspace/lib/store/dotlock.o \
			   $(BUILD)/userspace/lib/mail/rfc5322.o
store_deps_keywords	:= $(BUILD)/userspace/lib/store/dotlock.o
store_deps_queue	:= $(BUILD)/userspace/lib/mail/dsn_param.o

TESTS		+= $(patsubst %,$(BUILD)/test_%,$(STORE_UNITS))

# dotlock: the lock the UID list and dovecot-keywords share (no test of
# its own: test_mailbox and test_keywords take it); fileio: the writes of
# every unit but users (each unit's test takes it).
$(LIBSTORE): $(patsubst %,$(BUILD)/userspace/lib/store/%.o,$(STORE_UNITS) dotlock fileio)
	$(AR) rcs $@ $^

# As lib/mail: the units themselves, not all of the archive, so that a unit
# half written elsewhere in the library cannot stop these from building.
# libcrypt is for users.o (yescrypt); --wrap=kill: queue_flush() can signal
# nothing but the test's own child.
define store_test_rule
$(BUILD)/test_$(1): $(BUILD)/userspace/lib/store/test_$(1).o \
		    $(BUILD)/userspace/lib/store/$(1).o $(store_deps_$(1)) \
		    $(BUILD)/userspace/lib/store/fileio.o
	$$(CC) $$(CFLAGS) $$(LDFLAGS) $(store_ldflags_$(1)) -o $$@ $$^ -lcmocka -lcrypt
endef
store_ldflags_queue	:= -Wl,--wrap=kill

$(foreach u,$(STORE_UNITS),$(eval $(call store_test_rule,$(u))))

# The MODSEQ log's reader, fuzzed (what a crash leaves is its input).
FUZZERS		+= $(BUILD)/fuzz_modseq
$(BUILD)/fuzz_modseq: $(patsubst %,$(BUILD)/fuzz/userspace/lib/store/%.o,\
			fuzz_modseq modseq mailbox maildir dotlock fileio) \
		      $(BUILD)/fuzz/userspace/lib/mail/rfc5322.o
	$(FUZZCC) $(FUZZFLAGS) -o $@ $^
