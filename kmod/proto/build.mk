# SPDX-License-Identifier: GPL-2.0
# Host builds of the kernel-independent parsers: cmocka unit tests and
# libFuzzer harnesses. Included by the top-level Makefile.

PROTO_DIR	:= kmod/proto
PROTO_TESTS	:= arp rarp icmp lladdr track smtpg
PROTO_FUZZERS	:= arp rarp icmp smtpg
# nfpost_mcast
PROTO_TESTS	+= igmp mld mcstate
PROTO_FUZZERS	+= igmp mld

# Which parser sources each test or fuzzer links.
proto_srcs_arp		:=
proto_srcs_rarp		:=
proto_srcs_icmp		:= icmp ipv4
proto_srcs_lladdr	:= lladdr
proto_srcs_track	:= track
proto_srcs_smtpg	:= smtpg mailpath
proto_srcs_igmp		:= igmp ipv4
proto_srcs_mld		:= mld
proto_srcs_mcstate	:= mcstate

TESTS	+= $(patsubst %,$(BUILD)/test_%,$(PROTO_TESTS))
FUZZERS	+= $(patsubst %,$(BUILD)/fuzz_%,$(PROTO_FUZZERS))

define proto_test_rule
$(BUILD)/test_$(1): $(BUILD)/$(PROTO_DIR)/test_$(1).o \
		    $(patsubst %,$(BUILD)/$(PROTO_DIR)/%.o,$(proto_srcs_$(1)))
	$$(CC) $$(CFLAGS) -o $$@ $$^ -lcmocka
endef

define proto_fuzz_rule
$(BUILD)/fuzz_$(1): $(BUILD)/fuzz/$(PROTO_DIR)/fuzz_$(1).o \
		    $(patsubst %,$(BUILD)/fuzz/$(PROTO_DIR)/%.o,$(proto_srcs_$(1)))
	$$(FUZZCC) $$(FUZZFLAGS) -o $$@ $$^
endef

$(foreach t,$(PROTO_TESTS),$(eval $(call proto_test_rule,$(t))))
$(foreach f,$(PROTO_FUZZERS),$(eval $(call proto_fuzz_rule,$(f))))

