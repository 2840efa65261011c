// SPDX-License-Identifier: GPL-2.0
/*
 * Ageing of learned bindings, after arpwatch's optional expiry: while
 * NFPW_A_CFG_MAX_AGE is set, a per-namespace work runs once a second and
 * removes the learned bindings not seen for that long, each counted and
 * reported. It stops rescheduling itself when the setting goes back to 0.
 */
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include "watch_age.h"
#include "watch_event.h"
#include "watch_net.h"

#define AGE_PERIOD	HZ
/* Expired per hold of the table's lock; their events are sent after it. */
#define AGE_BATCH	32

static void report(struct nfpost_watch_net *wn,
		   const struct nfpost_expired *x)
{
	struct nfpost_event ev = {
		.type = NFPW_EV_EXPIRED,
		.has = NFPW_EVF_STATION,
		.addr = x->addr,
	};

	memcpy(ev.lladdr, x->lladdr, ETH_ALEN);
	rcu_read_lock();
	ev.dev = dev_get_by_index_rcu(wn->net, x->ifindex);
	nfpost_event_send(wn, &ev);
	rcu_read_unlock();
}

static void age_work_expired(struct work_struct *work)
{
	struct nfpost_watch_net *wn =
		container_of(to_delayed_work(work), struct nfpost_watch_net,
			     age_work);
	struct nfpost_expired out[AGE_BATCH];
	u32 age = NFPW_CFG(wn, max_age);
	bool more;
	u32 i, n;

	if (!age)
		return;
	do {
		n = nfpost_table_expire(&wn->table, nfpost_watch_now(),
					(u64)age * NSEC_PER_SEC, out,
					AGE_BATCH, &more);
		nfpost_watch_count_n(wn, NFPW_A_STAT_EXPIRED, n);
		for (i = 0; i < n; i++)
			report(wn, &out[i]);
		cond_resched();
	} while (more);
	queue_delayed_work(system_power_efficient_wq, &wn->age_work,
			   AGE_PERIOD);
}

void nfpost_age_init(struct nfpost_watch_net *wn)
{
	INIT_DELAYED_WORK(&wn->age_work, age_work_expired);
}

void nfpost_age_kick(struct nfpost_watch_net *wn)
{
	if (NFPW_CFG(wn, max_age))
		mod_delayed_work(system_power_efficient_wq, &wn->age_work, 0);
}

/* The setting may still be on: cancel_delayed_work_sync stops a requeue. */
void nfpost_age_destroy(struct nfpost_watch_net *wn)
{
	cancel_delayed_work_sync(&wn->age_work);
}
