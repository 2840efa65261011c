// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the I/O-free half of genl.c: error/ack parsing with the
 * extended ack, and family/multicast group parsing, on synthetic messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>
#include <linux/netlink.h>
#include "genl.h"
#include "test_table.h"

static char buf[4096];

enum shape { ERR_ECHOED, ERR_CAPPED, DONE };

static const struct error_case {
	const char *name;
	enum shape shape;
	int error;
	const char *extack;	/* NULL: no TLVs */
	int want;
	const char *want_msg;
} error_cases[] = {
	{ "ack_is_success_with_no_message", ERR_CAPPED, 0, NULL, 0, "" },
	{ "error_without_tlvs_gives_errno_only", ERR_CAPPED, -ENOENT, NULL,
	  -ENOENT, "" },
	{ "capped_error_gives_extack_text", ERR_CAPPED, -ERANGE,
	  "Value out of range: 16..1048576", -ERANGE,
	  "Value out of range: 16..1048576" },
	{ "echoed_request_is_skipped_to_reach_extack", ERR_ECHOED, -EINVAL,
	  "missing NFPW_A_ADDR", -EINVAL, "missing NFPW_A_ADDR" },
	{ "done_with_error_gives_extack_text", DONE, -EMSGSIZE, "too big",
	  -EMSGSIZE, "too big" },
	{ "done_without_error_is_success", DONE, 0, NULL, 0, "" },
};

static struct nlmsghdr *error_msg(const struct error_case *c)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;
	int *done;

	if (c->shape == DONE) {
		nlh->nlmsg_type = NLMSG_DONE;
		done = mnl_nlmsg_put_extra_header(nlh, sizeof(*done));
		*done = c->error;
	} else {
		/* An echoed request has an 8-byte payload after its header. */
		size_t echo = c->shape == ERR_ECHOED ? 8 : 0;

		nlh->nlmsg_type = NLMSG_ERROR;
		e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e) + echo);
		e->error = c->error;
		e->msg.nlmsg_len = sizeof(struct nlmsghdr) + echo;
		if (c->shape == ERR_CAPPED)
			nlh->nlmsg_flags |= NLM_F_CAPPED;
	}
	if (c->extack) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, c->extack);
	}
	return nlh;
}

static void run_error(void **state)
{
	const struct error_case *c = *state;
	char msg[GENL_EXTACK_LEN] = "junk";

	assert_int_equal(genl_error_parse(error_msg(c), msg, sizeof(msg)),
			 c->want);
	assert_string_equal(msg, c->want_msg);
}

static void truncated_error_is_ebadmsg(void **state)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	(void)state;
	nlh->nlmsg_type = NLMSG_ERROR;
	mnl_nlmsg_put_extra_header(nlh, 2);
	assert_int_equal(genl_error_parse(nlh, NULL, 0), -EBADMSG);
}

static struct nlmsghdr *family_msg(const char *name, uint16_t id, int groups)
{
	static const char *const names[] = { "events", "notify", "other" };
	struct nlmsghdr *nlh = genl_msg_start(buf, GENL_ID_CTRL,
					      CTRL_CMD_NEWFAMILY, 2, 0);
	struct nlattr *arr, *grp;
	int i;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, id);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	if (!groups)
		return nlh;
	arr = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	for (i = 0; i < groups; i++) {
		grp = mnl_attr_nest_start(nlh, i + 1);
		mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 40 + i);
		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, names[i]);
		mnl_attr_nest_end(nlh, grp);
	}
	mnl_attr_nest_end(nlh, arr);
	return nlh;
}

static void family_name_id_and_groups_parsed(void **state)
{
	struct genl_family fam;

	(void)state;
	assert_int_equal(genl_family_parse(family_msg("nfpost_watch", 37, 3),
					   &fam), 0);
	assert_string_equal(fam.name, "nfpost_watch");
	assert_int_equal(fam.id, 37);
	assert_int_equal(fam.version, 1);
	assert_int_equal(fam.n_groups, 3);
	assert_int_equal(genl_family_group(&fam, "events"), 40);
	assert_int_equal(genl_family_group(&fam, "other"), 42);
}

static void family_without_groups_has_no_group(void **state)
{
	struct genl_family fam;

	(void)state;
	assert_int_equal(genl_family_parse(family_msg("x", 20, 0), &fam), 0);
	assert_int_equal(fam.n_groups, 0);
	assert_int_equal(genl_family_group(&fam, "events"), 0);
}

static void family_unknown_group_name_is_zero(void **state)
{
	struct genl_family fam;

	(void)state;
	genl_family_parse(family_msg("nfpost_watch", 37, 1), &fam);
	assert_int_equal(genl_family_group(&fam, "evnts"), 0);
}

static void request_header_carries_family_cmd_version(void **state)
{
	struct nlmsghdr *nlh = genl_msg_start(buf, 99, 7, 1, NLM_F_DUMP);
	struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	(void)state;
	assert_int_equal(nlh->nlmsg_type, 99);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	assert_int_equal(g->cmd, 7);
	assert_int_equal(g->version, 1);
}

int main(void)
{
	struct CMUnitTest tests[ARRAY_SIZE(error_cases) + 5] = {
		cmocka_unit_test(truncated_error_is_ebadmsg),
		cmocka_unit_test(family_name_id_and_groups_parsed),
		cmocka_unit_test(family_without_groups_has_no_group),
		cmocka_unit_test(family_unknown_group_name_is_zero),
		cmocka_unit_test(request_header_carries_family_cmd_version),
	};
	size_t n = 5;

	TEST_TABLE(tests, n, error_cases, run_error);
	return cmocka_run_group_tests_name("genl", tests, NULL, NULL);
}
