# SPDX-License-Identifier: GPL-2.0
# userspace/nfpostd: the mail daemon (libevent, OpenSSL, libinih, libxcrypt)
# and the unit tests of its parts that need no network.

NFPOSTD_CORE	:= log tls link server store smtp_session smtp_cmds smtp_msg \
		   smtp_auth relay smtp_client dsn mx workers maildirs clients \
		   listener cleanup authfail kept \
		   pop3_session pop3_cmds pop3_auth \
		   imap_session imap_cmds imap_view imap_folders imap_flags \
		   imap_condstore imap_watch \
		   $(patsubst userspace/nfpostd/%.c,%,\
		     $(wildcard userspace/nfpostd/imap_cmd_*.c))
# READY=1 to systemd once listening (the unit is Type=notify)
NFPOSTD_CORE	+= notify
# DKIM signing of submitted mail (libopendkim)
NFPOSTD_CORE	+= dkim_sign
# SPF, DKIM and DMARC checks of incoming mail (libspf2, libopendkim,
# libopendmarc), their DNS lookups made by the workers through a cache
NFPOSTD_CORE	+= authcheck dns
NFPOSTD_OBJS	:= $(addprefix $(BUILD)/userspace/nfpostd/, \
		     $(addsuffix .o,$(NFPOSTD_CORE) nfpostd))
NFPOSTD_TESTS	:= $(BUILD)/test_netaddr

# nfpostd's configuration, which the CLI reads too (`nfpost mail queue`,
# `nfpost user`, `nfpost smtp load -c nfpostd.conf`).
NFPOSTD_CONF_OBJS := $(BUILD)/userspace/nfpostd/conf.o \
		     $(BUILD)/userspace/nfpostd/netaddr.o

BINS		+= $(BUILD)/nfpostd
TESTS		+= $(NFPOSTD_TESTS)

$(BUILD)/userspace/nfpostd/nfpostd.o: CFLAGS += -DNFPOST_VERSION='"$(NFPOST_VERSION)"'

$(BUILD)/nfpostd: $(NFPOSTD_OBJS) $(NFPOSTD_CONF_OBJS) $(LIBSTORE) $(LIBMAIL)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(MAIL_LIBS) -lopendkim -lspf2 -lopendmarc -lresolv \
		-lpthread

$(BUILD)/test_netaddr: $(BUILD)/userspace/nfpostd/test_netaddr.o \
		       $(BUILD)/userspace/nfpostd/netaddr.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka

# The pure parts: configuration, queue files, bounces, MX answers. Each test
# links only the units it tests.
TESTS		+= $(addprefix $(BUILD)/,test_conf test_dsn test_mx \
			     test_clients test_smtp_client test_authfail)

# The DNS answers the sender checks read (dns_each), and its fuzzer.
TESTS		+= $(BUILD)/test_dns
FUZZERS		+= $(BUILD)/fuzz_dns

$(BUILD)/test_dns: $(BUILD)/userspace/nfpostd/test_dns.o \
		   $(BUILD)/userspace/nfpostd/dns.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka -lresolv -lpthread

$(BUILD)/fuzz_dns: $(BUILD)/fuzz/userspace/nfpostd/fuzz_dns.o \
		   $(BUILD)/fuzz/userspace/nfpostd/dns.o
	$(FUZZCC) $(FUZZFLAGS) -o $@ $^ -lresolv -lpthread

$(BUILD)/test_authfail: $(BUILD)/userspace/nfpostd/test_authfail.o \
			$(BUILD)/userspace/nfpostd/authfail.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka

$(BUILD)/test_clients: $(BUILD)/userspace/nfpostd/test_clients.o \
		       $(BUILD)/userspace/nfpostd/clients.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka

$(BUILD)/test_conf: $(BUILD)/userspace/nfpostd/test_conf.o \
		    $(BUILD)/userspace/nfpostd/conf.o \
		    $(BUILD)/userspace/nfpostd/netaddr.o \
		    $(BUILD)/userspace/lib/mail/mailaddr.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka -linih

$(BUILD)/test_dsn: $(BUILD)/userspace/nfpostd/test_dsn.o \
		   $(BUILD)/userspace/lib/mail/dsn_param.o \
		   $(BUILD)/userspace/nfpostd/dsn.o \
		   $(BUILD)/userspace/lib/mail/rfc5322.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka -levent

$(BUILD)/test_mx: $(BUILD)/userspace/nfpostd/test_mx.o \
		  $(BUILD)/userspace/nfpostd/mx.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka -lresolv

# The relay's client in a real event loop against scripted next hops on
# 127.0.0.1 (threads): which address it goes on to.
$(BUILD)/test_smtp_client: $(BUILD)/userspace/nfpostd/test_smtp_client.o \
			   $(BUILD)/userspace/nfpostd/smtp_client.o \
			   $(BUILD)/userspace/lib/mail/smtp_reply.o \
			   $(BUILD)/userspace/lib/mail/dsn_param.o \
			   $(BUILD)/userspace/nfpostd/netaddr.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka $(MAIL_LIBS) -lpthread
