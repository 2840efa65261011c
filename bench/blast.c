// SPDX-License-Identifier: GPL-2.0
/*
 * blast: sends pre-built ICMP echo requests or ARP requests out of one
 * interface as fast as it can for a fixed time (AF_PACKET, sendmmsg, no qdisc)
 * and prints how many the kernel took. The load generator of bench/watch.
 *
 *   blast IFNAME icmp|arp SRC_IP DST_IP DST_MAC SECONDS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH		32
#define PAYLOAD		56	/* what ping sends by default */
#define FRAME_MAX	128

struct blast {
	int fd;
	int icmp;
	struct sockaddr_ll to;
	uint8_t src_mac[ETH_ALEN], dst_mac[ETH_ALEN];
	struct in_addr src, dst;
	uint8_t frame[BATCH][FRAME_MAX];
	size_t len;
	uint16_t seq;
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

static size_t put_eth(struct blast *b, uint8_t *f, uint16_t proto)
{
	struct ether_header *eh = (struct ether_header *)f;

	memcpy(eh->ether_dhost, b->dst_mac, ETH_ALEN);
	memcpy(eh->ether_shost, b->src_mac, ETH_ALEN);
	eh->ether_type = htons(proto);
	return sizeof(*eh);
}

/* TTL 64: above the module's traceroute threshold, as ping's would be. */
static size_t build_icmp(struct blast *b, uint8_t *f)
{
	size_t off = put_eth(b, f, ETHERTYPE_IP);
	struct iphdr *ip = (struct iphdr *)(f + off);
	struct icmphdr *ic = (struct icmphdr *)(ip + 1);

	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(sizeof(*ip) + sizeof(*ic) + PAYLOAD);
	ip->id = htons(1);
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = IPPROTO_ICMP;
	ip->saddr = b->src.s_addr;
	ip->daddr = b->dst.s_addr;
	ip->check = csum(ip, sizeof(*ip));
	ic->type = ICMP_ECHO;
	ic->un.echo.id = htons(getpid() & 0xffff);
	memset(ic + 1, 0xa5, PAYLOAD);
	return off + sizeof(*ip) + sizeof(*ic) + PAYLOAD;
}

/* A unicast request, as a host refreshing its cache sends: no flooding. */
static size_t build_arp(struct blast *b, uint8_t *f)
{
	size_t off = put_eth(b, f, ETHERTYPE_ARP);
	struct ether_arp *a = (struct ether_arp *)(f + off);

	a->arp_hrd = htons(ARPHRD_ETHER);
	a->arp_pro = htons(ETHERTYPE_IP);
	a->arp_hln = ETH_ALEN;
	a->arp_pln = 4;
	a->arp_op = htons(ARPOP_REQUEST);
	memcpy(a->arp_sha, b->src_mac, ETH_ALEN);
	memcpy(a->arp_spa, &b->src, 4);
	memcpy(a->arp_tpa, &b->dst, 4);
	return off + sizeof(*a);
}

/* Every echo request gets its own sequence number, so each can be paired. */
static void next_seq(struct blast *b, uint8_t *f)
{
	struct icmphdr *ic = (struct icmphdr *)(f + sizeof(struct ether_header) +
						 sizeof(struct iphdr));

	ic->un.echo.sequence = htons(b->seq++);
	ic->checksum = 0;
	ic->checksum = csum(ic, sizeof(*ic) + PAYLOAD);
}

static int open_socket(struct blast *b, const char *ifname)
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
	/* Best effort: without it the frames go through the (noqueue) qdisc. */
	setsockopt(b->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	b->to.sll_family = AF_PACKET;
	b->to.sll_ifindex = if_nametoindex(ifname);
	b->to.sll_halen = ETH_ALEN;
	memcpy(b->to.sll_addr, b->dst_mac, ETH_ALEN);
	return b->to.sll_ifindex ? 0 : -ENODEV;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sends until the time is up; returns frames taken, or -1 on error. */
static long long run(struct blast *b, double secs)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	double end = now_s() + secs;
	long long sent = 0;
	int i, n;

	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ b->frame[i], b->len };
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		msg[i].msg_hdr.msg_name = &b->to;
		msg[i].msg_hdr.msg_namelen = sizeof(b->to);
	}
	while (now_s() < end) {
		for (i = 0; b->icmp && i < BATCH; i++)
			next_seq(b, b->frame[i]);
		n = sendmmsg(b->fd, msg, BATCH, 0);
		if (n < 0 && errno != ENOBUFS && errno != EAGAIN &&
		    errno != EINTR)
			return -1;
		if (n > 0)
			sent += n;
	}
	return sent;
}

int main(int argc, char **argv)
{
	static struct blast b;
	long long sent;
	double t0;
	int i;

	if (argc != 7 || (strcmp(argv[2], "icmp") && strcmp(argv[2], "arp"))) {
		fprintf(stderr, "usage: blast IFNAME icmp|arp SRC_IP DST_IP DST_MAC SECONDS\n");
		return 2;
	}
	b.icmp = !strcmp(argv[2], "icmp");
	if (!inet_aton(argv[3], &b.src) || !inet_aton(argv[4], &b.dst) ||
	    sscanf(argv[5], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &b.dst_mac[0],
		   &b.dst_mac[1], &b.dst_mac[2], &b.dst_mac[3], &b.dst_mac[4],
		   &b.dst_mac[5]) != 6) {
		fprintf(stderr, "blast: bad address\n");
		return 2;
	}
	if (open_socket(&b, argv[1])) {
		perror("blast: socket");
		return 1;
	}
	for (i = 0; i < BATCH; i++)
		b.len = b.icmp ? build_icmp(&b, b.frame[i]) :
				 build_arp(&b, b.frame[i]);
	t0 = now_s();
	sent = run(&b, atof(argv[6]));
	if (sent < 0) {
		perror("blast: sendmmsg");
		return 1;
	}
	printf("%lld %.3f\n", sent, now_s() - t0);
	return 0;
}
