// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness of the ARP parser: any input, no read past its end. */
#include <assert.h>
#include <stdlib.h>

#include "arp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy lets ASan catch any read past the end. */
	u8 *buf = malloc(size ? size : 1);
	struct nfpost_arp arp;

	memcpy(buf, data, size);
	if (!nfpost_arp_parse(buf, size, &arp)) {
		assert(size >= NFPOST_ARP_LEN);
		assert(arp.op == NFPOST_ARP_REQUEST || arp.op == NFPOST_ARP_REPLY);
		assert(!memcmp(arp.sha, data + 8, ETH_ALEN));
	}
	free(buf);
	return 0;
}
