# SPDX-License-Identifier: GPL-2.0
# make install, uninstall, modules_install and the DKMS source tree, with the
# GNU directory variables: `make install prefix=/usr DESTDIR=/tmp/root`.
# Included by the top-level Makefile.

VERSION		?= 0.1
PREFIX		?= /usr/local
prefix		?= $(PREFIX)
exec_prefix	?= $(prefix)
sbindir		?= $(exec_prefix)/sbin
datarootdir	?= $(prefix)/share
mandir		?= $(datarootdir)/man
man8dir		?= $(mandir)/man8
# Not $(prefix)/etc: nfpost and nfpostd read /etc/nfpost by default.
sysconfdir	?= /etc
systemdunitdir	?= $(prefix)/lib/systemd/system
sysusersdir	?= $(prefix)/lib/sysusers.d
tmpfilesdir	?= $(prefix)/lib/tmpfiles.d
bashcompdir	?= $(datarootdir)/bash-completion/completions
# Where dkms(8) looks for sources, whatever the prefix.
dkmssrcdir	?= /usr/src/nfpost-$(VERSION)
INSTALL		?= install

# What `make install` puts where: "source destination mode" per line.
INSTALL_FILES	= \
	$(BUILD)/nfpost $(sbindir)/nfpost 0755 \
	$(BUILD)/nfpostd $(sbindir)/nfpostd 0755 \
	Documentation/nfpost.8 $(man8dir)/nfpost.8 0644 \
	Documentation/nfpostd.8 $(man8dir)/nfpostd.8 0644 \
	dist/nfpost.bash-completion $(bashcompdir)/nfpost 0644 \
	$(BUILD)/nfpostd.service $(systemdunitdir)/nfpostd.service 0644 \
	dist/nfpostd.sysusers $(sysusersdir)/nfpostd.conf 0644 \
	dist/nfpostd.tmpfiles $(tmpfilesdir)/nfpostd.conf 0644

# The modules' sources for DKMS: what kmod/Kbuild compiles, nothing of the
# host tests, fuzzers, their corpora or kbuild's own output.
DKMS_FILES	= Kbuild dkms.conf $(wildcard include/uapi/linux/*.h) kmod/Kbuild \
		  $(filter-out %.mod.c kmod/proto/test_% kmod/proto/fuzz_%, \
			       $(wildcard kmod/*.[ch] kmod/proto/*.[ch]))

.PHONY: install uninstall modules_install install-dkms uninstall-dkms

$(BUILD)/nfpostd.service: dist/nfpostd.service.in
	@mkdir -p $(dir $@)
	sed -e 's|@sbindir@|$(sbindir)|g' -e 's|@sysconfdir@|$(sysconfdir)|g' \
		$< > $@

# The configuration is the administrator's once installed: never replaced.
install: $(BUILD)/nfpost $(BUILD)/nfpostd $(BUILD)/nfpostd.service
	@set -e; set -- $(INSTALL_FILES); while [ $$# -gt 0 ]; do \
		echo "  INSTALL $(DESTDIR)$$2"; \
		$(INSTALL) -D -m $$3 $$1 $(DESTDIR)$$2; shift 3; \
	done
	$(INSTALL) -d -m 0755 $(DESTDIR)$(sysconfdir)/nfpost
	test -e $(DESTDIR)$(sysconfdir)/nfpost/nfpostd.conf || \
		$(INSTALL) -m 0644 dist/nfpostd.conf \
			$(DESTDIR)$(sysconfdir)/nfpost/nfpostd.conf

# The configuration goes only if it is still the one installed.
uninstall:
	@set -- $(INSTALL_FILES); while [ $$# -gt 0 ]; do \
		echo "  RM      $(DESTDIR)$$2"; rm -f $(DESTDIR)$$2; shift 3; \
	done
	cmp -s dist/nfpostd.conf $(DESTDIR)$(sysconfdir)/nfpost/nfpostd.conf && \
		rm -f $(DESTDIR)$(sysconfdir)/nfpost/nfpostd.conf || true
	rmdir $(DESTDIR)$(sysconfdir)/nfpost 2>/dev/null || true

# kbuild's own install: $(DESTDIR)/lib/modules/$(KVER)/extra/.
modules_install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) modules_install

install-dkms:
	@set -e; for f in $(DKMS_FILES); do \
		$(INSTALL) -D -m 0644 $$f $(DESTDIR)$(dkmssrcdir)/$$f; \
	done
	sed -i 's/^PACKAGE_VERSION=.*/PACKAGE_VERSION="$(VERSION)"/' \
		$(DESTDIR)$(dkmssrcdir)/dkms.conf

uninstall-dkms:
	rm -rf $(DESTDIR)$(dkmssrcdir)
