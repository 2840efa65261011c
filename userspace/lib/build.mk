# SPDX-License-Identifier: GPL-2.0
# userspace/lib: helpers shared by the userspace tools, archived into
# $(BUILD)/libnfpost.a so that each tool links only what it uses.

LIBNFPOST_SRCS	:= userspace/lib/genl.c userspace/lib/json.c userspace/lib/fmt.c
LIBNFPOST	:= $(BUILD)/libnfpost.a
LIBNFPOST_TESTS	:= $(addprefix $(BUILD)/,test_genl test_json test_fmt)

TESTS		+= $(LIBNFPOST_TESTS)

$(LIBNFPOST): $(LIBNFPOST_SRCS:%.c=$(BUILD)/%.o)
	$(AR) rcs $@ $^

$(LIBNFPOST_TESTS): $(BUILD)/%: $(BUILD)/userspace/lib/%.o $(LIBNFPOST)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lmnl -lcmocka
