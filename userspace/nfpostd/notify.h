/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Telling systemd the daemon is ready (sd_notify(3)'s datagram protocol,
 * without libsystemd): the unit is Type=notify.
 */
#ifndef NFPOSTD_NOTIFY_H
#define NFPOSTD_NOTIFY_H

/*
 * Sends @state ("READY=1") to $NOTIFY_SOCKET. 0 when sent or when there is
 * no such variable (not started by systemd), else -errno.
 */
int notify_send(const char *state);

#endif /* NFPOSTD_NOTIFY_H */
