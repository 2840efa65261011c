// SPDX-License-Identifier: GPL-2.0
/*
 * `nfpost dkim keygen DOMAIN SELECTOR`: an RSA key pair for DKIM signing
 * (RFC 6376, RFC 8301: 1024 bits at least, 2048 by default), the private
 * half into a new file readable by its owner only, and the TXT record to
 * publish printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "dkim.h"
#include "dkim_record.h"

/* What dkim_args() found, for dkim_run(). */
static struct {
	const char *domain, *selector, *key_file;
	unsigned int bits;
} k;

void dkim_usage(FILE *f)
{
	fputs("Usage: nfpost dkim keygen [-b BITS] [-k KEY_FILE] DOMAIN SELECTOR\n"
	      "       nfpost dkim help\n"
	      "keygen makes an RSA key pair (BITS 1024 to 4096, 2048 by\n"
	      "default), writes the private key in PEM to KEY_FILE\n"
	      "(SELECTOR.private by default; never over an existing file;\n"
	      "mode 0600) and prints the TXT record to publish at\n"
	      "SELECTOR._domainkey.DOMAIN.\n", f);
}

static int keygen_args(int argc, char **argv, char *err, size_t len)
{
	char *end;
	int i;

	k.bits = 2048;
	k.key_file = NULL;
	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "-b")) {
			k.bits = (unsigned int)strtoul(argv[i + 1], &end, 10);
			if (*end || k.bits < 1024 || k.bits > 4096) {
				snprintf(err, len, "dkim: -b takes 1024 to "
					 "4096 bits, not \"%s\".", argv[i + 1]);
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "-k")) {
			k.key_file = argv[i + 1];
		} else {
			break;
		}
	}
	if (argc - i != 2) {
		snprintf(err, len, "dkim: keygen takes a DOMAIN and a SELECTOR, "
			 "try \"nfpost dkim help\".");
		return EXIT_USAGE;
	}
	k.domain = argv[i];
	k.selector = argv[i + 1];
	return 0;
}

int dkim_args(int argc, char **argv, struct nfpost_args *a, char *err,
	      size_t len)
{
	if (!argc) {
		snprintf(err, len, "dkim: a command is needed, try \"nfpost "
			 "dkim help\".");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help")) {
		a->cmd = CMD_HELP;
		return 0;
	}
	if (strcmp(argv[0], "keygen")) {
		snprintf(err, len, "dkim: unknown command \"%s\", try \"nfpost "
			 "dkim help\".", argv[0]);
		return EXIT_USAGE;
	}
	a->cmd = CMD_NONE;
	return keygen_args(argc, argv, err, len);
}

/* The private key, PEM, into a file that did not exist, mode 0600. */
static int write_key(EVP_PKEY *key, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f;
	int ret = 0;

	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return -ENOMEM;
	}
	if (!PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL))
		ret = -EIO;
	if (fflush(f) || fsync(fd))
		ret = ret ? ret : -errno;
	if (fclose(f))
		ret = ret ? ret : -errno;
	if (ret)
		unlink(path);
	return ret;
}

/* The SubjectPublicKeyInfo, DER then base64 (RFC 6376 3.6.1 "p="). */
static char *public_b64(EVP_PKEY *key)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(key, &der);
	char *b64;

	if (n <= 0)
		return NULL;
	b64 = malloc(4 * ((size_t)n / 3 + 1) + 1);
	if (b64)
		EVP_EncodeBlock((unsigned char *)b64, der, n);
	OPENSSL_free(der);
	return b64;
}

static int print_record(EVP_PKEY *key)
{
	char *b64 = public_b64(key), *txt;
	size_t len;

	if (!b64)
		return -ENOMEM;
	len = dkim_txt_format(k.selector, k.domain, b64, NULL, 0) + 1;
	txt = malloc(len);
	if (txt) {
		dkim_txt_format(k.selector, k.domain, b64, txt, len);
		fputs(txt, stdout);
	}
	free(txt);
	free(b64);
	return txt ? 0 : -ENOMEM;
}

int dkim_run(const struct nfpost_args *a)
{
	char path[4096];
	EVP_PKEY *key;
	int ret;

	if (a->cmd == CMD_HELP) {
		dkim_usage(stdout);
		return 0;
	}
	if (!dkim_name_ok(k.domain) || !dkim_name_ok(k.selector)) {
		fprintf(stderr, "nfpost: Error: \"%s\" and \"%s\" must both be "
			"DNS names (letters, digits, inner hyphens, dots).\n",
			k.domain, k.selector);
		return EXIT_RUNTIME;
	}
	snprintf(path, sizeof(path), "%s%s", k.key_file ? k.key_file :
		 k.selector, k.key_file ? "" : ".private");
	key = EVP_RSA_gen(k.bits);
	if (!key) {
		fprintf(stderr, "nfpost: Error: cannot make an RSA key\n");
		return EXIT_RUNTIME;
	}
	ret = write_key(key, path);
	if (ret)
		fprintf(stderr, "nfpost: Error: %s: %s\n", path, strerror(-ret));
	else
		ret = print_record(key);
	EVP_PKEY_free(key);
	return ret ? EXIT_RUNTIME : 0;
}
