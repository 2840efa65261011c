# SPDX-License-Identifier: GPL-2.0
# userspace/nfpost: the nfpost CLI and its unit tests (no kernel needed).

NFPOST_VERSION	:= $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

NFPOST_CORE	:= args config attrs binding event stats netns mail mailq maills \
		   user trace_check mcast_args dkim_record watchfile
# nfpost web: its HTTP server (libevent's evhttp) and its two sources.
NFPOST_WEB	:= web web_live web_replay web_line
# Where `nfpost web` finds its page (share/web/) once installed.
PREFIX		?= /usr/local
NFPOST_WEBDIR	?= $(PREFIX)/share/nfpost/web
NFPOST_OBJS	:= $(addprefix $(BUILD)/userspace/nfpost/, \
		     $(addsuffix .o,$(NFPOST_CORE) nfpw watch watch_save mcast \
		       monitor smtp dkim nfpost $(NFPOST_WEB)))
NFPOST_CORE_OBJS := $(addprefix $(BUILD)/userspace/nfpost/, \
		     $(addsuffix .o,$(NFPOST_CORE)))
NFPOST_TESTS	:= $(BUILD)/test_nfpost_args $(BUILD)/test_nfpost_output \
		   $(BUILD)/test_nfpost_trace $(BUILD)/test_nfpost_mcast_args \
		   $(BUILD)/test_nfpost_dkim_record $(BUILD)/test_nfpost_watchfile

BINS		+= $(BUILD)/nfpost
TESTS		+= $(NFPOST_TESTS)

$(BUILD)/userspace/nfpost/nfpost.o: CFLAGS += -DNFPOST_VERSION='"$(NFPOST_VERSION)"'
$(BUILD)/userspace/nfpost/web.o: CFLAGS += -DNFPOST_WEBDIR='"$(NFPOST_WEBDIR)"'

# nfpostd's configuration (mail, user, smtp load) is read with nfpostd's own
# parser; mail and user use the store and the RFC 5322 parsers.
$(BUILD)/userspace/nfpost/%.o: CFLAGS += -Iuserspace/nfpostd

$(BUILD)/nfpost: $(NFPOST_OBJS) $(NFPOSTD_CONF_OBJS) $(LIBSTORE) $(LIBMAIL) \
		 $(LIBNFPOST)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lmnl -lcrypt -linih -levent -lcrypto

$(NFPOST_TESTS): $(BUILD)/test_nfpost_%: $(BUILD)/userspace/nfpost/test_%.o \
			$(NFPOST_CORE_OBJS) $(NFPOSTD_CONF_OBJS) $(LIBSTORE) \
			$(LIBMAIL) $(LIBNFPOST)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lmnl -lcmocka -lcrypt -linih

# The header analysis of `mail trace`, with the Received: parser it reads.
FUZZERS		+= $(BUILD)/fuzz_trace_check
$(BUILD)/fuzz_trace_check: $(BUILD)/fuzz/userspace/nfpost/fuzz_trace_check.o \
			   $(BUILD)/fuzz/userspace/nfpost/trace_check.o \
			   $(BUILD)/fuzz/userspace/lib/mail/received.o \
			   $(BUILD)/fuzz/userspace/lib/mail/rfc5322.o
	$(FUZZCC) $(FUZZFLAGS) -o $@ $^
# The saved binding table's lines.
FUZZERS		+= $(BUILD)/fuzz_watchfile
$(BUILD)/fuzz_watchfile: $(BUILD)/fuzz/userspace/nfpost/fuzz_watchfile.o \
			 $(BUILD)/fuzz/userspace/nfpost/watchfile.o \
			 $(BUILD)/fuzz/userspace/lib/genl/fmt.o
	$(FUZZCC) $(FUZZFLAGS) -o $@ $^
# The replay's line checks, without a server.
TESTS		+= $(BUILD)/test_nfpost_web
$(BUILD)/test_nfpost_web: $(BUILD)/userspace/nfpost/test_web.o \
			  $(BUILD)/userspace/nfpost/web_line.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka
