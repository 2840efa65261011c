/* SPDX-License-Identifier: GPL-2.0 */
/* Names of network namespaces, by inode, from the files `ip netns` keeps. */
#ifndef NFPOST_NETNS_H
#define NFPOST_NETNS_H

#include <stdint.h>

#define NETNS_RUN_DIR "/run/netns"

/* dir: NULL for NETNS_RUN_DIR. Fits struct event_ctx's netns_name. */
const char *netns_name(uint32_t ino, void *dir);

#endif /* NFPOST_NETNS_H */
