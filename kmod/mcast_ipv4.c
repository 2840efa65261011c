// SPDX-License-Identifier: GPL-2.0
/*
 * kmod/proto/ipv4.c built into nfpost_mcast under an object name of its own:
 * kbuild warns when one object is linked into two modules.
 */
#include "proto/ipv4.c"
