// SPDX-License-Identifier: GPL-2.0
/*
 * mcblast: the load generator of bench/mcast. "stream" sends pre-built UDP
 * datagrams to NGROUPS groups from GROUP0 on, one after the other, out of one
 * interface as fast as the kernel takes them (AF_PACKET, sendmmsg, no qdisc)
 * for SECONDS, and prints how many it sent and in how long. "report" sends
 * one IGMPv2 report (with Router Alert) for every EVERY-th group from the
 * FIRST-th on, and prints how many: how the receivers join, the same for the
 * bridge's snooping and for nfpost_mcast.
 *
 *   mcblast IFNAME stream SRC_IP GROUP0 NGROUPS SECONDS
 *   mcblast IFNAME report SRC_IP GROUP0 NGROUPS EVERY FIRST
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH		32
#define PAYLOAD		64
#define FRAME_MAX	128
#define GROUPS_MAX	4096

struct mcblast {
	int fd;
	int ifindex;
	uint8_t src_mac[ETH_ALEN];
	struct in_addr src;
	uint32_t group0;	/* host order */
	uint8_t (*frame)[FRAME_MAX];
	size_t len;
};

static uint16_t csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* RFC 1112 6.4: 01:00:5e and the low 23 bits of the group. */
static size_t put_eth(const struct mcblast *b, uint8_t *f, uint32_t group)
{
	struct ether_header *eh = (struct ether_header *)f;
	uint8_t mac[ETH_ALEN] = { 0x01, 0x00, 0x5e, (group >> 16) & 0x7f,
				  (group >> 8) & 0xff, group & 0xff };

	memcpy(eh->ether_dhost, mac, ETH_ALEN);
	memcpy(eh->ether_shost, b->src_mac, ETH_ALEN);
	eh->ether_type = htons(ETHERTYPE_IP);
	return sizeof(*eh);
}

static size_t build_udp(const struct mcblast *b, uint8_t *f, uint32_t group)
{
	size_t off = put_eth(b, f, group);
	struct iphdr *ip = (struct iphdr *)(f + off);
	struct udphdr *u = (struct udphdr *)(ip + 1);

	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(sizeof(*ip) + sizeof(*u) + PAYLOAD);
	ip->frag_off = htons(IP_DF);
	ip->ttl = 16;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = b->src.s_addr;
	ip->daddr = htonl(group);
	ip->check = csum(ip, sizeof(*ip));
	u->source = htons(5001);
	u->dest = htons(5000);
	u->len = htons(sizeof(*u) + PAYLOAD);	/* checksum 0: none */
	memset(u + 1, 0x5a, PAYLOAD);
	return off + sizeof(*ip) + sizeof(*u) + PAYLOAD;
}

/* IGMPv2 membership report, TTL 1, Router Alert (RFC 2236 2). */
static size_t build_report(const struct mcblast *b, uint8_t *f, uint32_t group)
{
	size_t off = put_eth(b, f, group);
	struct iphdr *ip = (struct iphdr *)(f + off);
	uint8_t *ra = (uint8_t *)(ip + 1), *m = ra + 4;
	uint16_t c;

	ip->version = 4;
	ip->ihl = 6;
	ip->tos = 0xc0;
	ip->tot_len = htons(sizeof(*ip) + 4 + 8);
	ip->ttl = 1;
	ip->protocol = 2;
	ip->saddr = b->src.s_addr;
	ip->daddr = htonl(group);
	ra[0] = 0x94;
	ra[1] = 4;
	ip->check = csum(ip, sizeof(*ip) + 4);
	m[0] = 0x16;
	memcpy(m + 4, &ip->daddr, 4);
	c = csum(m, 8);
	memcpy(m + 2, &c, 2);
	return off + sizeof(*ip) + 4 + 8;
}

static int open_socket(struct mcblast *b, const char *ifname)
{
	struct ifreq ifr = { 0 };
	int one = 1;

	b->fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (b->fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(b->fd, SIOCGIFHWADDR, &ifr))
		return -errno;
	memcpy(b->src_mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	setsockopt(b->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	b->ifindex = if_nametoindex(ifname);
	return b->ifindex ? 0 : -ENODEV;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void to_of(const struct mcblast *b, const uint8_t *f,
		  struct sockaddr_ll *to)
{
	memset(to, 0, sizeof(*to));
	to->sll_family = AF_PACKET;
	to->sll_ifindex = b->ifindex;
	to->sll_halen = ETH_ALEN;
	memcpy(to->sll_addr, f, ETH_ALEN);
}

/* Frames @first, @first + BATCH, ... of @n, round robin, for @secs. */
static long long stream(struct mcblast *b, int n, double secs)
{
	static struct sockaddr_ll to[GROUPS_MAX];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	double end = now_s() + secs;
	long long sent = 0;
	int i, k, next = 0;

	for (i = 0; i < n; i++)
		to_of(b, b->frame[i], &to[i]);
	memset(msg, 0, sizeof(msg));
	while (now_s() < end) {
		for (i = 0; i < BATCH; i++) {
			k = (next + i) % n;
			iov[i] = (struct iovec){ b->frame[k], b->len };
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
			msg[i].msg_hdr.msg_name = &to[k];
			msg[i].msg_hdr.msg_namelen = sizeof(to[k]);
		}
		k = sendmmsg(b->fd, msg, BATCH, 0);
		if (k < 0 && errno != ENOBUFS && errno != EAGAIN &&
		    errno != EINTR)
			return -1;
		if (k > 0) {
			sent += k;
			next = (next + k) % n;
		}
	}
	return sent;
}

static int reports(struct mcblast *b, int n, int every, int first)
{
	struct sockaddr_ll to;
	int i, sent = 0;
	uint8_t f[FRAME_MAX];
	size_t len;

	for (i = first; i < n; i += every) {
		memset(f, 0, sizeof(f));
		len = build_report(b, f, b->group0 + i);
		to_of(b, f, &to);
		if (sendto(b->fd, f, len, 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0)
			return -1;
		sent++;
	}
	return sent;
}

static int usage(void)
{
	fprintf(stderr, "usage: mcblast IFNAME stream SRC_IP GROUP0 NGROUPS SECONDS\n"
			"       mcblast IFNAME report SRC_IP GROUP0 NGROUPS EVERY FIRST\n");
	return 2;
}

int main(int argc, char **argv)
{
	static uint8_t frames[GROUPS_MAX][FRAME_MAX];
	static struct mcblast b;
	struct in_addr g;
	long long sent;
	double t0;
	int i, n;

	if (argc < 7 || (strcmp(argv[2], "stream") && strcmp(argv[2], "report")))
		return usage();
	n = atoi(argv[5]);
	if (!inet_aton(argv[3], &b.src) || !inet_aton(argv[4], &g) ||
	    n < 1 || n > GROUPS_MAX)
		return usage();
	b.group0 = ntohl(g.s_addr);
	b.frame = frames;
	if (open_socket(&b, argv[1])) {
		perror("mcblast: socket");
		return 1;
	}
	if (!strcmp(argv[2], "report")) {
		if (argc != 8 || atoi(argv[6]) < 1)
			return usage();
		i = reports(&b, n, atoi(argv[6]), atoi(argv[7]));
		if (i < 0) {
			perror("mcblast: sendto");
			return 1;
		}
		printf("%d\n", i);
		return 0;
	}
	if (argc != 7)
		return usage();
	for (i = 0; i < n; i++)
		b.len = build_udp(&b, b.frame[i], b.group0 + i);
	t0 = now_s();
	sent = stream(&b, n, atof(argv[6]));
	if (sent < 0) {
		perror("mcblast: sendmmsg");
		return 1;
	}
	printf("%lld %.3f\n", sent, now_s() - t0);
	return 0;
}
