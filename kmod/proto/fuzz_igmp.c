// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness of the IGMP parser: any input, no overread, records fit. */
#include <assert.h>
#include <stdlib.h>

#include "igmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *buf = malloc(size ? size : 1);
	struct nfpost_mc_rec rec;
	struct nfpost_ipv4 ip;
	struct nfpost_igmp m;
	size_t off;
	bool is;
	u16 i;

	memcpy(buf, data, size);
	if (!nfpost_igmp_parse_packet(buf, size, &ip, &m, &is) && is) {
		assert(ip.tot_len <= size);
		assert(m.len >= NFPOST_IGMP_MIN_LEN);
		off = NFPOST_IGMP_MIN_LEN;
		if (m.type == NFPOST_IGMPV3_REPORT) {
			for (i = 0; i < m.nrec; i++) {
				assert(!nfpost_igmp_rec(&m, &off, &rec));
				assert(nfpost_mc_v4_is_multicast(rec.group.b + 12));
				if (rec.nsrc)
					assert(rec.src + rec.nsrc * 4 <= m.msg + m.len);
			}
		} else if (m.type == NFPOST_IGMPV2_REPORT ||
			   m.type == NFPOST_IGMPV2_LEAVE) {
			assert(!nfpost_igmp_rec(&m, &off, &rec));
		}
	}
	free(buf);
	return 0;
}
