// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness of the RARP parser: any input, no read past its end. */
#include <assert.h>
#include <stdlib.h>

#include "rarp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy lets ASan catch any read past the end. */
	u8 *buf = malloc(size ? size : 1);
	struct nfpost_arp arp;

	memcpy(buf, data, size);
	if (!nfpost_rarp_parse(buf, size, &arp)) {
		assert(size >= NFPOST_ARP_LEN);
		assert(arp.op == NFPOST_RARP_REQUEST ||
		       arp.op == NFPOST_RARP_REPLY);
		assert(!memcmp(arp.sha, data + 8, ETH_ALEN));
		assert(!memcmp(arp.tha, data + 18, ETH_ALEN));
		assert(!memcmp(&arp.tip, data + 24, 4));
	}
	/* ARP and RARP never accept the same bytes. */
	assert(nfpost_arp_parse(buf, size, &arp) ||
	       nfpost_rarp_parse(buf, size, &arp));
	free(buf);
	return 0;
}
