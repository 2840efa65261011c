// SPDX-License-Identifier: GPL-2.0
/*
 * CONDSTORE (RFC 7162 3.1) as the commands share it: the FETCH that tells
 * a change of flags, with UID and MODSEQ once the client enabled it, and
 * the change's MODSEQ logged (modseq.h) before the command is answered.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "modseq.h"
#include "imap_priv.h"

void imap_send_change(struct imap_session *s, size_t seq,
		      const struct mailbox_msg *m, bool uid, bool silent)
{
	char flags[IMAP_FLAGS_STR_MAX], id[32] = "";

	/* RFC 7162 3.1.3: a silent STORE still tells the new MODSEQ. */
	if (silent && !s->condstore)
		return;
	if (uid || s->condstore)
		snprintf(id, sizeof(id), "UID %u ", m->uid);
	if (silent) {
		imap_send(s, "* %zu FETCH (%sMODSEQ (%" PRIu64 "))", seq, id,
			  m->modseq);
		return;
	}
	imap_msg_flags_str(&s->kw, m->flags, m->other, m->recent, flags,
			   sizeof(flags));
	if (s->condstore)
		imap_send(s, "* %zu FETCH (%sFLAGS %s MODSEQ (%" PRIu64 "))",
			  seq, id, flags, m->modseq);
	else
		imap_send(s, "* %zu FETCH (%sFLAGS %s)", seq, id, flags);
}

void imap_modseq_changed(struct imap_session *s, const size_t *idx, size_t n)
{
	int ret = modseq_changed(&s->mb, &s->modseq, idx, n);

	if (ret)
		log_msg(LOG_ERR, "imap(%s): %s/" MODSEQ_LOG ": %s", s->user,
			s->mb.path, strerror(-ret));
}

void imap_modseq_stored(struct imap_session *s, const size_t *idx, size_t n,
			const struct timespec cur[2])
{
	int ret = modseq_stored(&s->mb, &s->modseq, idx, n, cur);

	if (ret)
		log_msg(LOG_ERR, "imap(%s): %s/" MODSEQ_LOG ": %s", s->user,
			s->mb.path, strerror(-ret));
}

void imap_modseq_expunged(struct imap_session *s, const size_t *idx, size_t n,
			  const struct timespec *cur)
{
	uint32_t *uid = malloc((n ? n : 1) * sizeof(*uid));
	size_t i;
	int ret = uid ? 0 : -ENOMEM;

	for (i = 0; uid && i < n; i++)
		uid[i] = s->mb.v[idx[i]].uid;
	if (!ret)
		ret = modseq_expunged(&s->mb, &s->modseq, uid, n, cur);
	free(uid);
	if (ret)
		log_msg(LOG_ERR, "imap(%s): %s/" MODSEQ_LOG ": %s", s->user,
			s->mb.path, strerror(-ret));
}
