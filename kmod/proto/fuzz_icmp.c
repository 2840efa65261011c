// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness of the IPv4 + ICMP parsers: any input, no overread. */
#include <assert.h>
#include <stdlib.h>

#include "icmp.h"

static void check(const u8 *buf, size_t len, size_t avail)
{
	struct nfpost_ipv4 ip;
	struct nfpost_icmp icmp;
	bool is_icmp, plain;
	int ret;

	/* The hook asks for the shortcut on NFPOST_ICMP_PLAIN_LEN bytes. */
	plain = len >= NFPOST_ICMP_PLAIN_LEN && nfpost_icmp_plain(buf, avail);
	ret = nfpost_icmp_parse_packet(buf, len, avail, &ip, &icmp, &is_icmp);
	assert(!plain || (!ret && is_icmp && !icmp.has_orig));
	if (ret)
		return;
	assert(ip.hdr_len >= NFPOST_IPV4_MIN_LEN && ip.hdr_len <= len);
	assert(ip.hdr_len <= ip.tot_len && ip.tot_len <= avail);
	if (!is_icmp)
		return;
	assert(ip.proto == NFPOST_IPPROTO_ICMP && ip.first_frag);
	assert(ip.hdr_len + NFPOST_ICMP_HDR_LEN <= ip.tot_len);
	if (icmp.has_orig)
		assert(ip.hdr_len + NFPOST_ICMP_HDR_LEN + icmp.orig.hdr_len <=
		       len);
	assert(icmp.has_orig == nfpost_icmp_is_error(icmp.type));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *buf = malloc(size ? size : 1);

	memcpy(buf, data, size);
	check(buf, size, size);
	/* As the kernel does: a bounded prefix of a longer packet. */
	if (size > NFPOST_ICMP_COPY_LEN)
		check(buf, NFPOST_ICMP_COPY_LEN, size);
	free(buf);
	return 0;
}
