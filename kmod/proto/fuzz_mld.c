// SPDX-License-Identifier: GPL-2.0
/* libFuzzer harness of the MLD parser: any input, no overread, records fit. */
#include <assert.h>
#include <stdlib.h>

#include "mld.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *buf = malloc(size ? size : 1);
	struct nfpost_mc_rec rec;
	struct nfpost_ipv6 ip6;
	struct nfpost_mld m;
	size_t off;
	bool is;
	u16 i;

	memcpy(buf, data, size);
	if (!nfpost_mld_parse_packet(buf, size, &ip6, &m, &is) && is) {
		assert(ip6.router_alert);
		assert(m.msg >= buf && m.msg + m.len <= buf + size);
		off = NFPOST_MLD_REC_START;
		if (m.type == NFPOST_MLDV2_REPORT) {
			for (i = 0; i < m.nrec; i++) {
				assert(!nfpost_mld_rec(&m, &off, &rec));
				assert(rec.group.b[0] == 0xff);
				if (rec.nsrc)
					assert(rec.src + rec.nsrc * 16 <= m.msg + m.len);
			}
		} else if (m.type != NFPOST_MLD_QUERY) {
			assert(!nfpost_mld_rec(&m, &off, &rec));
		}
	}
	free(buf);
	return 0;
}
