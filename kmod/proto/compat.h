/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel types and helpers the parsers in kmod/proto/ use, so the same
 * sources build into the module and into the host's unit tests and fuzzers.
 */
#ifndef NFPOST_PROTO_COMPAT_H
#define NFPOST_PROTO_COMPAT_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/if_ether.h>
#include <asm/byteorder.h>

#define nfpost_ntohs(x)	be16_to_cpu((__force __be16)(x))
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#ifndef ETH_ALEN
#define ETH_ALEN 6
#endif

#define nfpost_ntohs(x)	ntohs(x)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#endif

#endif /* NFPOST_PROTO_COMPAT_H */
