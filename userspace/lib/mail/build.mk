# SPDX-License-Identifier: GPL-2.0
# userspace/lib/mail: the mail protocols' I/O-free parsers (SMTP, POP3 and
# IMAP commands, DATA, replies, addresses, DSN parameters, SASL PLAIN, RFC
# 5322 headers, Received:, MIME and IMAP's views of it), archived into
# $(BUILD)/libnfmail.a. Each fragment adds its units, tests and fuzzers.

LIBMAIL_SRCS	:=
LIBMAIL		:= $(BUILD)/libnfmail.a

include userspace/lib/mail/smtp.mk
include userspace/lib/mail/headers.mk
include userspace/lib/mail/pop3.mk
include userspace/lib/mail/imap.mk

$(LIBMAIL): $(LIBMAIL_SRCS:%.c=$(BUILD)/%.o)
	$(AR) rcs $@ $^
