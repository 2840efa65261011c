# SPDX-License-Identifier: GPL-2.0
# userspace/lib/genl: generic netlink, JSON and text formatting helpers
# shared by the userspace tools, archived into $(BUILD)/libnfpost.a so that
# each tool links only what it uses.

LIBNFPOST_SRCS	:= $(addprefix userspace/lib/genl/,genl.c json.c fmt.c)
LIBNFPOST	:= $(BUILD)/libnfpost.a
LIBNFPOST_TESTS	:= $(addprefix $(BUILD)/,test_genl test_json test_fmt)

TESTS		+= $(LIBNFPOST_TESTS)

$(LIBNFPOST): $(LIBNFPOST_SRCS:%.c=$(BUILD)/%.o)
	$(AR) rcs $@ $^

$(LIBNFPOST_TESTS): $(BUILD)/%: $(BUILD)/userspace/lib/genl/%.o $(LIBNFPOST)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lmnl -lcmocka
