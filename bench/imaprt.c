// SPDX-License-Identifier: GPL-2.0
/*
 * bench/imaprt: bench/imap's client for the measures that are one round
 * trip, a NOOP above all, where a Python client's own CPU over TLS (tens
 * of us per command, the same for both servers) would pull the ratio
 * towards 1, as bench/pop3rt does for POP3. bench/imap drives it and
 * builds it.
 *
 *   imaprt PORT USER PASSWORD
 *
 * Connects to 127.0.0.1:PORT, logs in after STARTTLS (the certificate is
 * not checked: a private server on loopback), prints "ready", then reads
 * lines "COUNT COMMAND" from its standard input: COMMAND is sent COUNT
 * times, each timed from its sending to its tagged OK, untagged answers
 * and their literals read whole on the way, and the COUNT times are
 * printed on one line, in seconds. At the end of its input, LOGOUT. A
 * tagged NO or BAD, a server that closes or a TLS error: a message on
 * stderr, exit 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtconn.h"

const char *rt_prog = "imaprt";

/* The size of a literal that ends @line[0..@len) ("{12}" or "{12+}"). */
static long literal(const char *line, size_t len)
{
	size_t i;

	if (!len || line[len - 1] != '}')
		return -1;
	i = len - 1;
	if (i && line[i - 1] == '+')
		i--;
	while (i && line[i - 1] >= '0' && line[i - 1] <= '9')
		i--;
	if (!i || line[i - 1] != '{' || line[i] == '}' || line[i] == '+')
		return -1;
	return atol(line + i);
}

/*
 * Reads answers up to the line tagged @tag, which must be OK. A line is
 * taken once whole: up to a CRLF that no literal holds.
 */
static void answer(struct conn *c, const char *tag, const char *cmd)
{
	size_t tlen = strlen(tag);
	char *eol;
	long n;

	for (;;) {
		eol = c->len ? memchr(c->buf, '\n', c->len) : NULL;
		if (!eol) {
			if (!more(c))
				die("%s: the server closed", cmd);
			continue;
		}
		n = eol > c->buf ? literal(c->buf, (size_t)(eol - c->buf) -
					   (eol[-1] == '\r')) : -1;
		if (n >= 0) {
			/* The line goes on after the literal's bytes. */
			while (c->len < (size_t)(eol - c->buf) + 1 + (size_t)n)
				if (!more(c))
					die("%s: the server closed", cmd);
			/* Take what came before: the line restarts after. */
			take(c, (size_t)(eol - c->buf) + 1 + (size_t)n);
			continue;
		}
		if (c->len > tlen && !memcmp(c->buf, tag, tlen) &&
		    c->buf[tlen] == ' ') {
			if (strncmp(c->buf + tlen + 1, "OK", 2))
				die("%s: %.*s", cmd, (int)(eol - c->buf),
				    c->buf);
			take(c, (size_t)(eol - c->buf) + 1);
			return;
		}
		take(c, (size_t)(eol - c->buf) + 1);
	}
}

static void cmd(struct conn *c, const char *tag, const char *text)
{
	char line[1200];

	snprintf(line, sizeof(line), "%s %s\r\n", tag, text);
	put(c, line);
	answer(c, tag, text);
}

int main(int argc, char **argv)
{
	char line[1024], tag[32], *text, *nl;
	struct conn c;
	long count, i, n = 0;
	double t;

	if (argc != 4) {
		fputs("usage: imaprt PORT USER PASSWORD\n", stderr);
		return 2;
	}
	conn_open(&c, argv[1]);
	while (!c.len || !memchr(c.buf, '\n', c.len))
		if (!more(&c))
			die("no greeting");
	if (strncmp(c.buf, "* OK", 4))
		die("greeting: %.*s", (int)c.len, c.buf);
	c.len = 0;
	cmd(&c, "s", "STARTTLS");
	conn_tls(&c);
	snprintf(line, sizeof(line), "LOGIN %s \"%s\"", argv[2], argv[3]);
	cmd(&c, "l", line);
	puts("ready");
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		count = strtol(line, &text, 10);
		if (count < 1 || *text != ' ')
			die("not COUNT COMMAND: %s", line);
		text++;
		for (i = 0; i < count; i++) {
			snprintf(tag, sizeof(tag), "t%ld", ++n);
			t = now();
			cmd(&c, tag, text);
			printf("%s%.9f", i ? " " : "", now() - t);
		}
		putchar('\n');
		fflush(stdout);
	}
	cmd(&c, "z", "LOGOUT");
	conn_close(&c);
	return 0;
}
