# SPDX-License-Identifier: GPL-2.0
#
# nfpost top-level build.  `make` builds the kernel modules against Debian 12's
# 6.1 headers (never `uname -r`: this machine's own kernel has no modules) and
# the userspace tools.  Userspace objects go under build/ so that the parsers in
# kmod/proto/, compiled by kbuild as well, never share an object file.

KVER	?= $(shell scripts/kver)
KDIR	?= /lib/modules/$(KVER)/build
BUILD	?= build

# userspace/lib: genl (netlink, JSON, formatting), mail (protocol parsers),
# store (Maildir, users, queue), and the unit-test helpers they share.
LIB_INCLUDES := -Iuserspace/lib -Iuserspace/lib/genl -Iuserspace/lib/mail \
		-Iuserspace/lib/store

CC	?= cc
FUZZCC	?= clang
CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude/uapi \
	   -Ikmod/proto $(LIB_INCLUDES) -MMD -MP
FUZZFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -MMD -MP \
	   -Iinclude/uapi -Ikmod/proto $(LIB_INCLUDES)

# Filled in by the build.mk fragments below.
BINS	:=
TESTS	:=
FUZZERS	:=

.PHONY: all modules userspace tests fuzzers check demo lab deps clean bench \
	bench-watch bench-smtp bench-mcast bench-smtpguard stress-watch bench-imap \
	bench-pop3 bench-watch-dump

all: modules userspace

include kmod/proto/build.mk
include userspace/lib/genl/build.mk
include userspace/lib/mail/build.mk
include userspace/lib/store/build.mk
MAIL_LIBS	:= $(shell pkg-config --libs libevent_openssl libevent openssl \
			   inih libcrypt 2>/dev/null)
# nfpostd first: the CLI links nfpostd's configuration parser.
include userspace/nfpostd/build.mk
include userspace/nfpost/build.mk
# make install, uninstall, modules_install, install-dkms
include dist/install.mk

modules:
	@test -d $(KDIR) || { echo "no kernel headers at $(KDIR); run scripts/deps" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace: $(BINS)
tests: $(TESTS)
fuzzers: $(FUZZERS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZFLAGS) -c -o $@ $<

deps:
	scripts/deps

check:
	scripts/check

# DEMO_WEB=1: then replays the demo's events in `nfpost web` on the host
# (the lab VM has no network card for a browser to reach it).
demo:
	scripts/deps --if-missing
	$(MAKE) all
	LABVM_SAVE=$(CURDIR)/$(BUILD)/demo scripts/labvm -- scripts/demo
	@if [ -n "$(DEMO_WEB)" ]; then \
		echo "Open the page below in a browser; Ctrl-C stops it."; \
		$(BUILD)/nfpost web --replay $(BUILD)/demo/events.json root share/web; \
	fi

lab:
	scripts/deps --if-missing
	$(MAKE) all
	scripts/labvm --shell

bench: bench-watch bench-watch-dump bench-smtp bench-mcast bench-smtpguard \
	bench-imap bench-pop3

bench-watch:
	scripts/deps --if-missing
	$(MAKE) all
	bench/watch

# `nfpost watch show` and `show -j` at 15,000 and 150,000 bindings.
bench-watch-dump:
	scripts/deps --if-missing
	$(MAKE) all
	bench/watch-dump

# The static-binding race and its unprivileged twin, a minute each.
stress-watch:
	scripts/deps --if-missing
	$(MAKE) all
	bench/watch-stress

bench-smtp:
	scripts/deps --if-missing
	$(MAKE) all
	bench/smtp

# nfpostd's IMAP and POP3 next to Dovecot 2.3 on copies of one big Maildir.
bench-imap:
	scripts/deps --if-missing
	$(MAKE) all
	bench/imap

bench-pop3:
	scripts/deps --if-missing
	$(MAKE) all
	bench/pop3

# nfpost_mcast against the bridge's own snooping and empty hooks (one VM run).
bench-mcast:
	scripts/deps --if-missing
	$(MAKE) all
	bench/mcast

# nfpost_smtp against no module and empty hooks, and 100,000 flows (one VM run).
bench-smtpguard:
	scripts/deps --if-missing
	$(MAKE) all
	bench/smtpguard

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# `make -s print-TESTS` lets scripts/check run what the fragments registered.
print-%:
	@echo $($*)
