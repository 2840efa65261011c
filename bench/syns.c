// SPDX-License-Identifier: GPL-2.0
/*
 * syns: sends COUNT TCP SYNs to DST:PORT, each from a different source
 * (addresses SRC_NET.0.0/16 and ports 1024..), through a raw IPv4 socket:
 * COUNT flows for nfpost_smtp to track, in seconds rather than the minutes
 * COUNT connect() calls would take under emulation. The load of
 * bench/smtpguard's memory measure; the answers must not come back (route
 * the source net to a host that drops them), or its RSTs end the flows.
 *
 *   syns DST PORT SRC_NET(a.b) COUNT
 */
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint16_t csum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;

	while (len > 1) {
		sum += (uint32_t)b[0] << 8 | b[1];
		b += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)b[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int main(int argc, char **argv)
{
	struct { struct iphdr ip; struct tcphdr tcp; } pkt;
	struct { uint32_t s, d; uint8_t z, p; uint16_t len; struct tcphdr t; } ph;
	struct sockaddr_in to = { .sin_family = AF_INET };
	unsigned long count, i, sent = 0;
	unsigned int a, b;
	int fd, one = 1;

	if (argc != 5 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 ||
	    sscanf(argv[3], "%u.%u", &a, &b) != 2 || a > 255 || b > 255) {
		fprintf(stderr, "usage: syns DST PORT SRC_NET(a.b) COUNT\n");
		return 2;
	}
	count = strtoul(argv[4], NULL, 10);
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one))) {
		perror("syns: raw socket");
		return 1;
	}
	memset(&pkt, 0, sizeof(pkt));
	pkt.ip.version = 4;
	pkt.ip.ihl = 5;
	pkt.ip.ttl = 64;
	pkt.ip.protocol = IPPROTO_TCP;
	pkt.ip.tot_len = htons(sizeof(pkt));
	pkt.ip.daddr = to.sin_addr.s_addr;
	pkt.tcp.dest = htons((uint16_t)atoi(argv[2]));
	pkt.tcp.doff = 5;
	pkt.tcp.syn = 1;
	pkt.tcp.window = htons(64240);
	for (i = 0; i < count; i++) {
		/* 60,000 ports per source address, then the next address. */
		uint32_t host = (uint32_t)(i / 60000) + 1;

		pkt.ip.saddr = htonl(a << 24 | b << 16 | host);
		pkt.ip.id = htons((uint16_t)i);
		pkt.ip.check = 0;
		pkt.ip.check = htons(csum(&pkt.ip, sizeof(pkt.ip), 0));
		pkt.tcp.source = htons((uint16_t)(1024 + i % 60000));
		pkt.tcp.seq = htonl((uint32_t)i * 2654435761u);
		pkt.tcp.check = 0;
		ph.s = pkt.ip.saddr;
		ph.d = pkt.ip.daddr;
		ph.z = 0;
		ph.p = IPPROTO_TCP;
		ph.len = htons(sizeof(pkt.tcp));
		ph.t = pkt.tcp;
		pkt.tcp.check = htons(csum(&ph, sizeof(ph), 0));
		if (sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
			   sizeof(to)) == sizeof(pkt))
			sent++;
	}
	close(fd);
	printf("%lu\n", sent);
	return sent == count ? 0 : 1;
}
