#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfpost_mcast end to end: IGMP/MLD reports and queries forged with scapy
# (built once, sent from packet sockets) and joins by real hosts (socat)
# teach the filter; a multicast stream from src is counted by tc on every
# receiver, so each case checks the table (`nfpost mcast show -j`) and the
# wire. The cases follow the kernel's bridge_igmp.sh and bridge_mld.sh.
#
#   h1  10.0.0.1 ──┐
#   h2  10.0.0.2 ──┤ br0 10.0.0.254/24, mcast_snooping 0,    (ns sw)
#   h3  10.0.0.3 ──┤     nfpost_mcast enabled
#   src 10.0.0.100 ┘ (and .101, 2001:db8::100): sends the streams
#
# Receivers count with tc flower (action continue, so every match counts):
#   1 239.1.1.1  2 239.1.1.2  3 224.0.0.200  4 ff0e::42  5 239.1.1.1 from
#   .100  6 239.1.1.1 from .101  7 IGMP from the bridge  8 UDP 239.2.2.2
#   9 IGMP to 239.1.1.1 (reports and group queries)

ALL_TESTS="
	enable_refused_while_snooping
	unregistered_floods_without_querier
	v2_report_and_leave
	link_local_floods
	fast_leave
	expiry
	v3_include
	v3_exclude_and_allow
	v3_exclude_is_in_is_ex
	v3_block
	v3_exclude_timeout_to_include
	mldv2_include
	mldv2_exclude
	mldv1_report_and_done
	real_joins
	unregistered_policy
	router_ports
	cap_evicts_lru
	malformed
	static_entries
	permissions
	cli_errors
	querier_election
	mld_querier
	unload_while_enabled
"
TESTS=${TESTS:-$ALL_TESTS}
TEST_FILE=mcast
source "$(dirname "$0")/lib.sh"

# Forged with scapy by `mcast_frames.py gen selftests/mcast_frames`, once:
# importing scapy takes minutes in a loaded VM.
F=$TOP/selftests/mcast_frames
RX="h1 h2 h3"

sw() { n sw "$NFPOST" "$@"; }

send() {			# HOST FRAME...: frames of mcast_frames.py out of HOST
	local h=$1
	shift
	n "$h" "$PY" "$TOP/selftests/mcast_frames.py" send eth0 "$F" "$@"
}

filters() {			# HOST: the tc counters of the drawing
	local h=$1 i=0 spec
	n "$h" tc qdisc add dev eth0 ingress
	while IFS= read -r spec; do
		i=$((i + 1))
		n "$h" tc filter add dev eth0 ingress handle $i pref $i $spec \
			action continue
	done <<- EOF
	protocol ip flower dst_ip 239.1.1.1 ip_proto icmp
	protocol ip flower dst_ip 239.1.1.2 ip_proto icmp
	protocol ip flower dst_ip 224.0.0.200 ip_proto icmp
	protocol ipv6 flower dst_ip ff0e::42 ip_proto icmpv6
	protocol ip flower dst_ip 239.1.1.1 src_ip 10.0.0.100 ip_proto icmp
	protocol ip flower dst_ip 239.1.1.1 src_ip 10.0.0.101 ip_proto icmp
	protocol ip flower src_ip 10.0.0.254 ip_proto 2
	protocol ip flower dst_ip 239.2.2.2 ip_proto udp
	protocol ip flower dst_ip 239.1.1.1 ip_proto 2
	EOF
}

setup() {
	local h
	modprobe -a veth bridge sch_ingress cls_flower act_gact ||
		skip "veth, bridge or tc modules missing"
	insmod "$KMOD/nfpost_mcast.ko" || exit 1
	for h in sw h1 h2 h3 src; do
		ip netns add $h
		ip -n $h link set lo up
	done
	ip -n sw link add br0 type bridge
	ip -n sw link set br0 up
	ip -n sw addr add 10.0.0.254/24 dev br0
	host_on_bridge h1 10.0.0.1/24 02:00:00:00:00:01
	host_on_bridge h2 10.0.0.2/24 02:00:00:00:00:02
	host_on_bridge h3 10.0.0.3/24 02:00:00:00:00:03
	host_on_bridge src 10.0.0.100/24 02:00:00:00:00:64
	ip -n src addr add 10.0.0.101/24 dev eth0
	ip -n src addr add 2001:db8::100/64 dev eth0 nodad
	ip -n src route add 224.0.0.0/4 dev eth0
	for h in $RX; do
		filters $h
	done
}

cleanup() {
	lib_cleanup
	lsmod | grep -q '^nfpost_mcast ' && rmmod nfpost_mcast
}
trap cleanup EXIT

mc_monitor_start() {		# `nfpost monitor mcast -j` of sw into events.json
	monitor_start sw mcast
}

# A clean slate: disable forgets the table, the ports and the settings.
reset() {
	ip -n sw link set br0 type bridge mcast_snooping 0
	sw mcast disable dev br0 2> /dev/null
	sw mcast enable dev br0 || return 1
	[ $# -eq 0 ] || sw mcast set dev br0 "$@"
}

# wait_show JQ [SECONDS]: true once `mcast show -j` satisfies JQ.
wait_show() {
	local i
	for i in $(seq $((${2:-5} * 10))); do
		sw mcast show -j | jq -e "$1" > /dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

has() {				# PORT GROUP: the jq test for one entry
	echo "any(.[]; .port == \"$1\" and .grp == \"$2\")"
}

# counts HANDLE: what h1, h2 and h3 counted on HANDLE, "h1=N h2=N h3=N",
# from one tc dump per receiver and a single jq.
counts() {
	local h
	for h in $RX; do
		n $h tc -s -j filter show dev eth0 ingress
	done | jq -s -r --argjson h "$1" '[.[] | [.[] | select(.options.handle == $h) |
		.options.actions[0].stats.packets] | add // 0] |
		"h1=\(.[0]) h2=\(.[1]) h3=\(.[2])"'
}

minus() {			# "h1=A h2=B h3=C" "h1=a ...": the differences
	local a=($1) b=($2) i r=
	for i in 0 1 2; do
		r+="h$((i + 1))=$((${a[i]#*=} - ${b[i]#*=})) "
	done
	echo "${r% }"
}

# rx HANDLE GROUP SOURCE WANT MSG: 5 packets from SOURCE to GROUP; what each
# receiver counted on HANDLE must be WANT ("h1=5 h2=0 h3=0"). Polls until it
# is, or 3 s.
rx() {
	local handle=$1 g=$2 s=$3 want=$4 before got i
	before=$(counts "$handle")
	if [[ $g == *:* ]]; then
		n src ping -6 -q -c 5 -i 0.05 -W 0.1 -I eth0 "$g" > /dev/null 2>&1
	else
		n src ping -q -c 5 -i 0.05 -W 0.1 -I "$s" "$g" > /dev/null 2>&1
	fi
	for i in $(seq 10); do
		got=$(minus "$(counts "$handle")" "$before")
		[ "$got" = "$want" ] && break
		sleep 0.3
	done
	[ "$got" = "$want" ]
	check_err $? "$5: got $got, want $want"
}

stat_of() {			# KEY: a counter of `mcast stats -j`
	sw mcast stats -j | jq -r ".[0].$1"
}

enable_refused_while_snooping() {
	local out
	out=$(sw mcast enable dev br0 2>&1)
	check_fail $? "enable succeeded while the bridge's own snooping is on"
	grep -q 'snooping' <<< "$out"
	check_err $? "no extack about the bridge's snooping: $out"
	ip -n sw link set br0 type bridge mcast_snooping 0
	sw mcast enable dev br0
	check_err $? "enable failed with the bridge's snooping off"
	out=$(sw mcast enable dev br0 2>&1)
	check_fail $? "enabling twice succeeded"
	sw mcast config -j | jq -e '.[0] | .dev == "br0" and
		.unregistered == "auto" and .querier == "off" and
		.query_interval == 125000 and .query_response_interval == 10000 and
		.robustness == 2 and .membership_interval == 260000 and
		.other_querier_interval == 255000 and
		.last_member_interval == 1000 and .last_member_count == 2 and
		.igmp_version == 2 and .mld_version == 1' > /dev/null
	check_err $? "defaults differ from the RFCs': $(sw mcast config -j)"
	log_test "enable is refused while the bridge snoops itself; RFC defaults"
}

unregistered_floods_without_querier() {
	reset
	rx 1 239.1.1.1 10.0.0.100 "h1=5 h2=5 h3=5" "unregistered group without a querier"
	log_test "unregistered traffic is flooded while no querier is known"
}

v2_report_and_leave() {
	reset unregistered drop last-member-interval 200
	mc_monitor_start || return
	send h1 h1_v2report_g1
	wait_show "$(has h1 239.1.1.1) and (.[0].mode == \"exclude\")"
	check_err $? "no exclude entry after a v2 report: $(sw mcast show -j)"
	wait_event '.event == "mcast-join" and .port == "h1" and .grp == "239.1.1.1"'
	check_err $? "no join event"
	rx 1 239.1.1.1 10.0.0.100 "h1=5 h2=0 h3=0" "v2 member"
	send h1 h1_v2leave_g1
	wait_show 'length == 0' 5
	check_err $? "the entry outlived the last-member queries"
	wait_event '.event == "mcast-expiry" and .grp == "239.1.1.1"'
	check_err $? "no expiry event after the last-member time"
	rx 1 239.1.1.1 10.0.0.100 "h1=0 h2=0 h3=0" "after the leave"
	monitor_stop
	log_test "v2 report joins, leave stops the stream after the last-member time"
}

link_local_floods() {
	reset unregistered drop
	send h1 h1_v2report_g1
	rx 3 224.0.0.200 10.0.0.100 "h1=5 h2=5 h3=5" "224.0.0.0/24"
	log_test "224.0.0.0/24 reaches every port"
}

fast_leave() {
	reset unregistered drop
	sw mcast port dev br0 port h1 fast-leave on
	sw mcast port dev br0 -j | jq -e 'any(.[]; .port == "h1" and .fast_leave)' > /dev/null
	check_err $? "fast-leave not shown on"
	send h1 h1_v2report_g1
	wait_show "$(has h1 239.1.1.1)"
	send h1 h1_v2leave_g1
	# the default last-member time is 2 s: gone well before, or not fast
	wait_show 'length == 0' 1
	check_err $? "fast leave did not remove the entry at once"
	rx 1 239.1.1.1 10.0.0.100 "h1=0 h2=0 h3=0" "after a fast leave"
	log_test "fast leave stops the stream at once"
}

# The entry is learned with a long membership interval (so that the stream
# can be checked at leisure), then refreshed with the shortest (1 s).
expiry() {
	reset unregistered drop
	mc_monitor_start || return
	send h2 h2_v2report_g1
	wait_show "$(has h2 239.1.1.1)"
	rx 1 239.1.1.1 10.0.0.100 "h1=0 h2=5 h3=0" "before expiry"
	sw mcast set dev br0 membership-interval 1000
	send h2 h2_v2report_g1
	wait_event '.event == "mcast-expiry" and .port == "h2"' 20
	check_err $? "no expiry event"
	sw mcast show -j | jq -e 'length == 0' > /dev/null
	check_err $? "entry still there after its expiry"
	rx 1 239.1.1.1 10.0.0.100 "h1=0 h2=0 h3=0" "after expiry"
	monitor_stop
	log_test "membership expires with the membership interval"
}

v3_include() {
	reset unregistered drop
	send h1 h1_isin_s1
	wait_show "any(.[]; .port == \"h1\" and .mode == \"include\" and
		   (.sources | map(.addr)) == [\"10.0.0.100\"])"
	check_err $? "IS_IN({S1}) not INCLUDE {S1}: $(sw mcast show -j)"
	rx 5 239.1.1.1 10.0.0.100 "h1=5 h2=0 h3=0" "included source"
	rx 6 239.1.1.1 10.0.0.101 "h1=0 h2=0 h3=0" "source not included"
	send h1 h1_allow_s2
	wait_show 'any(.[]; .sources | length == 2)'
	check_err $? "ALLOW({S2}) did not add S2 in INCLUDE mode"
	rx 6 239.1.1.1 10.0.0.101 "h1=5 h2=0 h3=0" "allowed source"
	log_test "v3 INCLUDE: is_include and allow forward only their sources"
}

v3_exclude_and_allow() {
	reset unregistered drop last-member-interval 200
	send h2 h2_isex_s2
	wait_show "any(.[]; .port == \"h2\" and .mode == \"exclude\" and
		   .sources == [{\"addr\": \"10.0.0.101\", \"timer\": 0}])"
	check_err $? "IS_EX({S2}) not EXCLUDE {} {S2}: $(sw mcast show -j)"
	rx 5 239.1.1.1 10.0.0.100 "h1=0 h2=5 h3=0" "source not excluded"
	rx 6 239.1.1.1 10.0.0.101 "h1=0 h2=0 h3=0" "excluded source"
	# EXCLUDE (X,Y) ALLOW (A): EXCLUDE (X+A, Y-A): S2 wanted again
	send h2 h2_allow_s2
	wait_show 'any(.[]; .sources[0].timer > 0)'
	check_err $? "ALLOW did not move S2 to the requested list"
	rx 6 239.1.1.1 10.0.0.101 "h1=0 h2=5 h3=0" "allowed after exclusion"
	# (*,G) exclude then TO_EX: the v2 member and the v3 one coexist
	# TO_EX puts S2 in the requested list under Q(G,S2)'s LMQT first
	# (A-X-Y = Group Timer, then lowered): S2 still reaches h1 until that
	# runs out and S2 moves to the excluded list, timer 0.
	send h1 h1_v2report_g1
	send h1 h1_toex_s2
	wait_show "any(.[]; .port == \"h1\" and .mode == \"exclude\" and
		   .sources == [{\"addr\": \"10.0.0.101\", \"timer\": 0}])"
	check_err $? "TO_EX({S2}) over (*,G) did not add (S2,G): $(sw mcast show -j)"
	rx 6 239.1.1.1 10.0.0.101 "h1=0 h2=5 h3=0" "to_exclude"
	log_test "v3 EXCLUDE: is_exclude, allow and to_exclude per source"
}

v3_block() {
	reset unregistered drop last-member-interval 200
	send h1 h1_isin_s1
	wait_show "$(has h1 239.1.1.1)"
	send h1 h1_block_s1
	# BLOCK lowers S1's timer to the last-member time: then nothing is left
	wait_show 'length == 0' 5
	check_err $? "BLOCK in INCLUDE mode did not end the entry"
	rx 5 239.1.1.1 10.0.0.100 "h1=0 h2=0 h3=0" "blocked source in INCLUDE"
	send h2 h2_toex_s2 h2_block_s1
	wait_show "any(.[]; .port == \"h2\" and .mode == \"exclude\" and
		   (.sources | map(.timer) | max) == 0 and (.sources | length) == 2)" 5
	check_err $? "BLOCK in EXCLUDE did not move S1 to the exclude list: $(sw mcast show -j)"
	rx 5 239.1.1.1 10.0.0.100 "h1=0 h2=0 h3=0" "blocked source in EXCLUDE"
	log_test "v3 block from INCLUDE and from EXCLUDE"
}

# EXCLUDE (X,Y) IS_IN (A): EXCLUDE (X+A,Y-A); TO_EX (A): A*X lowered to
# LMQT; IS_EX (A): EXCLUDE (A-Y,Y*A), what leaves Y is wanted again.
v3_exclude_is_in_is_ex() {
	reset unregistered drop last-member-interval 200
	send h2 h2_toex_s2
	wait_show 'any(.[]; .port == "h2" and .mode == "exclude" and
		   .sources == [{"addr": "10.0.0.101", "timer": 0}])'
	check_err $? "TO_EX({S2}) not EXCLUDE {} {S2}: $(sw mcast show -j)"
	rx 6 239.1.1.1 10.0.0.101 "h1=0 h2=0 h3=0" "excluded by to_exclude"
	send h2 h2_isin_s2
	wait_show 'any(.[]; .port == "h2" and .mode == "exclude" and
		   .sources[0].addr == "10.0.0.101" and .sources[0].timer > 0)'
	check_err $? "IS_IN({S2}) in EXCLUDE did not request S2: $(sw mcast show -j)"
	rx 6 239.1.1.1 10.0.0.101 "h1=0 h2=5 h3=0" "requested by is_include"
	send h2 h2_toex_s2
	wait_show 'any(.[]; .port == "h2" and .mode == "exclude" and
		   .sources == [{"addr": "10.0.0.101", "timer": 0}])' 5
	check_err $? "TO_EX({S2}) in EXCLUDE did not run S2 out: $(sw mcast show -j)"
	rx 6 239.1.1.1 10.0.0.101 "h1=0 h2=0 h3=0" "excluded again by to_exclude"
	send h2 h2_isex_s1
	wait_show 'any(.[]; .port == "h2" and .mode == "exclude" and
		   (.sources | map(.addr)) == ["10.0.0.100"] and
		   .sources[0].timer > 0)'
	check_err $? "IS_EX({S1}) in EXCLUDE not EXCLUDE {S1} {}: $(sw mcast show -j)"
	rx 6 239.1.1.1 10.0.0.101 "h1=0 h2=5 h3=0" "is_exclude dropped S2 from the exclude list"
	log_test "v3 EXCLUDE: is_include, to_exclude and is_exclude per source"
}

# bridge_igmp.sh v3exc_timeout_test: when the group timer of EXCLUDE (X,Y)
# runs out the entry becomes INCLUDE (X). TO_IN lowers it to the last-member
# time, which is how a v3 host makes it run out.
v3_exclude_timeout_to_include() {
	reset unregistered drop last-member-interval 200
	send h1 h1_v2report_g1 h1_allow_s1
	wait_show 'any(.[]; .mode == "exclude" and
		   (.sources | map(.addr)) == ["10.0.0.100"])'
	check_err $? "(*,G) and ALLOW({S1}) not EXCLUDE {S1} {}: $(sw mcast show -j)"
	rx 6 239.1.1.1 10.0.0.101 "h1=5 h2=0 h3=0" "EXCLUDE forwards a source nobody excluded"
	send h1 h1_toin_s1
	wait_show 'any(.[]; .mode == "include" and
		   (.sources | map(.addr)) == ["10.0.0.100"])' 5
	check_err $? "EXCLUDE did not time out to INCLUDE {S1}: $(sw mcast show -j)"
	rx 5 239.1.1.1 10.0.0.100 "h1=5 h2=0 h3=0" "the requested source after the timeout"
	rx 6 239.1.1.1 10.0.0.101 "h1=0 h2=0 h3=0" "other sources after the timeout"
	log_test "v3 exclude timeout goes back to INCLUDE with the requested sources"
}

mldv2_include() {
	reset unregistered drop last-member-interval 200
	send h1 h1_mld2_isin_s61
	send h2 h2_mld2_isin_s69
	wait_show "any(.[]; .port == \"h1\" and .grp == \"ff0e::42\" and
		   .mode == \"include\" and .sources[0].addr == \"2001:db8::100\")"
	check_err $? "MLDv2 IS_IN not learned: $(sw mcast show -j)"
	wait_show "$(has h2 ff0e::42)"
	rx 4 ff0e::42 - "h1=5 h2=0 h3=0" "MLDv2 include"
	# INCLUDE {} IS_EX {S}: EXCLUDE ({}, {S}), S with no timer: blocked
	send h3 h3_mld2_isex_s61
	wait_show 'any(.[]; .port == "h3" and .mode == "exclude" and
		   .sources == [{"addr": "2001:db8::100", "timer": 0}])'
	check_err $? "MLDv2 IS_EX not EXCLUDE {} {S}: $(sw mcast show -j)"
	rx 4 ff0e::42 - "h1=5 h2=0 h3=0" "MLDv2 exclude of the source"
	# INCLUDE {S} BLOCK {S}: S runs out after the last-member time
	send h1 h1_mld2_block_s61
	wait_show "$(has h1 ff0e::42) | not" 5
	check_err $? "MLDv2 BLOCK did not end h1's entry"
	rx 4 ff0e::42 - "h1=0 h2=0 h3=0" "MLDv2 after block"
	log_test "MLDv2 include, exclude and block per source"
}

mldv1_report_and_done() {
	reset unregistered drop last-member-interval 200
	send h3 h3_mld1_report
	wait_show "$(has h3 ff0e::42) and .[0].mode == \"exclude\""
	check_err $? "MLDv1 report not learned"
	rx 4 ff0e::42 10.0.0.100 "h1=0 h2=0 h3=5" "MLDv1 member"
	send h3 h3_mld1_done
	wait_show 'length == 0' 5
	check_err $? "MLDv1 done did not end the entry"
	rx 4 ff0e::42 10.0.0.100 "h1=0 h2=0 h3=0" "after done"
	[ "$(stat_of mld_v1_report)" -ge 1 ] && [ "$(stat_of mld_done)" -ge 1 ]
	check_err $? "MLDv1 counters did not move"
	log_test "MLDv1 report and done"
}

# MLDv2 from INCLUDE {} by TO_EX, then ALLOW and BLOCK in EXCLUDE mode.
mldv2_exclude() {
	reset unregistered drop last-member-interval 200
	send h2 h2_mld2_toex_s61
	wait_show 'any(.[]; .port == "h2" and .grp == "ff0e::42" and
		   .mode == "exclude" and
		   .sources == [{"addr": "2001:db8::100", "timer": 0}])'
	check_err $? "MLDv2 TO_EX not EXCLUDE {} {S}: $(sw mcast show -j)"
	rx 4 ff0e::42 - "h1=0 h2=0 h3=0" "MLDv2 to_exclude of the source"
	send h2 h2_mld2_allow_s61
	wait_show 'any(.[]; .port == "h2" and .sources[0].timer > 0)'
	check_err $? "MLDv2 ALLOW in EXCLUDE did not request S: $(sw mcast show -j)"
	rx 4 ff0e::42 - "h1=0 h2=5 h3=0" "MLDv2 allow in EXCLUDE"
	send h2 h2_mld2_block_s61
	wait_show 'any(.[]; .port == "h2" and .mode == "exclude" and
		   .sources == [{"addr": "2001:db8::100", "timer": 0}])' 5
	check_err $? "MLDv2 BLOCK in EXCLUDE did not run S out: $(sw mcast show -j)"
	rx 4 ff0e::42 - "h1=0 h2=0 h3=0" "MLDv2 block in EXCLUDE"
	log_test "MLDv2 to_exclude, allow and block in EXCLUDE mode"
}

real_joins() {
	local j4 j6
	reset unregistered drop last-member-interval 200
	# Not through n(): in the background a function is a subshell, and
	# kill would take the subshell and leave socat still a member.
	ip netns exec h2 socat -u UDP4-RECV:5000,ip-add-membership=239.2.2.2:eth0 \
		OPEN:"$WORK/h2.out",creat,append &
	j4=$!
	ip netns exec h3 socat -u UDP6-RECV:5000,ipv6-join-group="[ff0e::99]:eth0" \
		OPEN:/dev/null &
	j6=$!
	wait_show "$(has h2 239.2.2.2)" 10
	check_err $? "the kernel's own IGMP report of h2 was not learned"
	n h2 ip maddr show dev eth0 | grep -q 239.2.2.2
	check_err $? "ip maddr does not list h2's membership"
	wait_show "$(has h3 ff0e::99)" 10
	check_err $? "the kernel's own MLD report of h3 was not learned"
	echo hello | n src socat -u - UDP4-DATAGRAM:239.2.2.2:5000,ip-multicast-if=10.0.0.100
	for i in $(seq 20); do
		grep -q hello "$WORK/h2.out" 2>/dev/null && break
		sleep 0.1
	done
	grep -q hello "$WORK/h2.out"
	check_err $? "h2's socket did not receive the datagram"
	[ "$(tc_count h1 eth0 8)" = 0 ] && [ "$(tc_count h3 eth0 8)" = 0 ]
	check_err $? "non-members got the datagram"
	kill $j4 $j6
	wait $j4 $j6 2> /dev/null
	wait_show "$(has h2 239.2.2.2) | not" 5
	check_err $? "h2's leave did not end its entry"
	log_test "real hosts join (socat) and leave; the datagram reaches only the member"
}

unregistered_policy() {
	reset unregistered flood
	sw mcast show -j | jq -e 'length == 0' > /dev/null
	check_err $? "239.1.1.2 is registered: $(sw mcast show -j)"
	rx 2 239.1.1.2 10.0.0.100 "h1=5 h2=5 h3=5" "flood"
	sw mcast set dev br0 unregistered drop
	rx 2 239.1.1.2 10.0.0.100 "h1=0 h2=0 h3=0" "drop"
	sw mcast set dev br0 unregistered routers
	sw mcast router dev br0 port h3 permanent
	rx 2 239.1.1.2 10.0.0.100 "h1=0 h2=0 h3=5" "routers"
	send h1 h1_v2report_g1
	wait_show "$(has h1 239.1.1.1)"
	rx 1 239.1.1.1 10.0.0.100 "h1=5 h2=0 h3=5" "registered group: members and router ports"
	log_test "unregistered traffic follows flood, drop and routers"
}

router_ports() {
	local before
	reset
	mc_monitor_start || return
	send h3 h3_query_low
	sw mcast port dev br0 -j | jq -e 'any(.[]; .port == "h3" and
		.router == "learned" and .is_router and .router_timer > 0)' > /dev/null
	check_err $? "a query did not make h3 a learned router port: $(sw mcast port -j)"
	sw mcast config -j | jq -e '.[0].querier4 == "10.0.0.13"' > /dev/null
	check_err $? "the querier heard is not shown"
	wait_event '.event == "mcast-querier" and .querier == "10.0.0.13"'
	check_err $? "no querier event"
	rx 2 239.1.1.2 10.0.0.100 "h1=0 h2=0 h3=5" "auto policy with a querier: router ports only"
	before=$(tc_count h3 eth0 9)
	send h1 h1_v2report_g1
	wait_show "$(has h1 239.1.1.1)"
	for i in $(seq 20); do
		[ "$(tc_count h3 eth0 9)" -gt "$before" ] && break
		sleep 0.1
	done
	[ "$(tc_count h3 eth0 9)" -gt "$before" ] &&
		[ "$(tc_count h2 eth0 9)" = 0 ]
	check_err $? "the report did not go to the router port only"
	sw mcast router dev br0 port h3 disabled
	rx 2 239.1.1.2 10.0.0.100 "h1=0 h2=0 h3=0" "disabled router port"
	send h3 h3_query_low
	sw mcast port dev br0 -j | jq -e 'any(.[]; .port == "h3" and (.is_router | not))' > /dev/null
	check_err $? "a query made a disabled port a router port"
	sw mcast router dev br0 port h2 temporary
	sw mcast port dev br0 -j | jq -e 'any(.[]; .port == "h2" and
		.router == "temporary" and .is_router and .router_timer > 0)' > /dev/null
	check_err $? "temporary router port not shown with its timer"
	rx 2 239.1.1.2 10.0.0.100 "h1=0 h2=5 h3=0" "temporary router port"
	monitor_stop
	log_test "router ports: learned from queries, disabled, permanent, temporary"
}

# queries_during HOST N CMD...: the queries HOST receives from just before
# CMD until N group queries came (or 20 s), and 1 s more to see no extra one,
# into $WORK/queries.json (one JSON line each).
queries_during() {
	local h=$1 want=$2 pid i
	shift 2
	# ip netns exec execs python: $! is the capture, which kill stops
	ip netns exec "$h" "$PY" "$TOP/selftests/mcast_frames.py" queries eth0 60 \
		> "$WORK/queries.json" &
	pid=$!
	for i in $(seq 100); do
		grep -q ready "$WORK/queries.json" && break
		sleep 0.1
	done
	"$@"
	for i in $(seq 200); do
		[ "$(qcount '.group != "0.0.0.0" and .group != "::"')" -ge "$want" ] &&
			break
		sleep 0.1
	done
	sleep 1
	kill $pid
	wait $pid 2> /dev/null
}

# qcount JQ: how many queries of $WORK/queries.json match JQ.
qcount() {
	jq -R -s "[split(\"\\n\")[] | fromjson? | select(.group? != null) |
		select($1)] | length" "$WORK/queries.json"
}

querier_election() {
	local n1 n2 q
	# a long other-querier interval while the bridge must keep quiet,
	# however slow the VM; then a short one for it to resume
	reset unregistered drop query-interval 1000 other-querier-interval 60000 \
		last-member-interval 200
	sw mcast set dev br0 querier on
	for i in $(seq 50); do
		[ "$(tc_count h2 eth0 7)" -ge 2 ] && break
		sleep 0.1
	done
	[ "$(tc_count h2 eth0 7)" -ge 2 ]
	check_err $? "the bridge's querier sent no general queries"
	# a lower address wins the election: the bridge keeps quiet
	send h1 h1_query_low
	for i in $(seq 30); do
		sw mcast config -j | jq -e '.[0].querier4 == "10.0.0.11"' \
			> /dev/null && break
		sleep 0.1
	done
	sw mcast config -j | jq -e '.[0].querier4 == "10.0.0.11"' > /dev/null
	check_err $? "the elected querier is not shown"
	n1=$(tc_count h2 eth0 7)
	sleep 1.5
	n2=$(tc_count h2 eth0 7)
	[ "$n2" = "$n1" ]
	check_err $? "the bridge kept querying under a lower querier ($n1 -> $n2)"
	# it goes quiet: after the other-querier interval the bridge resumes
	sw mcast set dev br0 other-querier-interval 1000
	send h1 h1_query_low
	for i in $(seq 60); do
		[ "$(tc_count h2 eth0 7)" -gt "$n2" ] && break
		sleep 0.1
	done
	[ "$(tc_count h2 eth0 7)" -gt "$n2" ]
	check_err $? "the bridge did not resume after the other querier went quiet"
	# a leave: last-member-count (2) group-specific queries
	queries_during h2 2 send h1 h1_v2report_g1 h1_v2leave_g1
	q=$(qcount '.proto == "igmp" and .group == "239.1.1.1" and .sources == []')
	[ "$q" = 2 ]
	check_err $? "$q group-specific queries after a leave, want 2: $(cat "$WORK/queries.json")"
	# IGMPv3 BLOCK: group-and-source-specific queries naming the source
	sw mcast set dev br0 igmp-version 3
	send h1 h1_isin_s1
	wait_show "$(has h1 239.1.1.1)"
	queries_during h2 2 send h1 h1_block_s1
	q=$(qcount '.v3 and .group == "239.1.1.1" and .sources == ["10.0.0.100"]')
	[ "$q" = 2 ]
	check_err $? "$q group-and-source queries after BLOCK, want 2: $(cat "$WORK/queries.json")"
	[ "$(stat_of queries_sent)" -ge 6 ]
	check_err $? "queries_sent did not count: $(stat_of queries_sent)"
	sw mcast set dev br0 querier off
	log_test "own querier: general queries, election by lowest address, last-member queries"
}

# capture_start HOST: the queries HOST receives, from now on, into
# $WORK/queries.json (one JSON line each, with their source); once ready.
capture_start() {
	local i
	# 300 s: only a bound; capture_stop ends it (mld_querier took 53 s
	# on a loaded host, close to the 60 s it had)
	ip netns exec "$1" "$PY" "$TOP/selftests/mcast_frames.py" queries eth0 300 \
		> "$WORK/queries.json" &
	CAPTURE_PID=$!
	for i in $(seq 100); do
		grep -q ready "$WORK/queries.json" && return 0
		sleep 0.1
	done
	return 1
}

capture_stop() {
	kill "$CAPTURE_PID"
	wait "$CAPTURE_PID" 2> /dev/null
}

# wait_q JQ N [SECONDS]: true once N queries captured match JQ.
wait_q() {
	local i
	for i in $(seq $((${3:-10} * 10))); do
		[ "$(qcount "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# The bridge's link-local address, once DAD has let it be used.
bridge_ll() {
	local i ll
	for i in $(seq 50); do
		ll=$(n sw ip -j -6 addr show dev br0 scope link | jq -r \
			'.[0].addr_info[] | select(.tentative | not) | .local')
		[ -n "$ll" ] && echo "$ll" && return 0
		sleep 0.1
	done
	return 1
}

# RFC 3810: the own querier's general queries come from the bridge's
# link-local address in the configured MLD version; a querier with a lower
# IPv6 address silences it for IPv6 only (7.6.2), until that one has been
# quiet for the other-querier interval. IGMP queries, sent by the same timer
# tick just before the MLD ones, are the clock that proves the silence.
mld_querier() {
	local ll mine igmp i0 m0
	reset unregistered drop query-interval 1000 other-querier-interval 60000
	ll=$(bridge_ll)
	check_err $? "br0 has no usable link-local address"
	mine=".proto == \"mld\" and .group == \"::\" and .src == \"$ll\""
	igmp='.proto == "igmp" and .group == "0.0.0.0" and .src == "10.0.0.254"'
	mc_monitor_start || return
	capture_start h2
	check_err $? "the query capture did not start"
	sw mcast set dev br0 querier on
	wait_q "$mine and (.v2 | not)" 1
	check_err $? "no MLDv1 general query from $ll: $(cat "$WORK/queries.json")"
	sw mcast set dev br0 mld-version 2
	wait_q "$mine and .v2" 1
	check_err $? "no MLDv2 general query after mld-version 2: $(cat "$WORK/queries.json")"
	send h1 h1_mld_query_low
	wait_event '.event == "mcast-querier" and .querier == "fe80::11"'
	check_err $? "no querier event for the lower MLD querier"
	sw mcast config -j | jq -e '.[0].querier6 == "fe80::11" and
		.[0].querier6_timer > 0 and (.[0] | has("querier4") | not)' > /dev/null
	check_err $? "config does not show the MLD querier alone: $(sw mcast config -j)"
	# one IGMP tick after the election, then two more without MLD
	i0=$(qcount "$igmp")
	wait_q "$igmp" $((i0 + 1))
	m0=$(qcount "$mine")
	wait_q "$igmp" $((i0 + 3))
	check_err $? "the IGMP querier stopped too: $(cat "$WORK/queries.json")"
	[ "$(qcount "$mine")" = "$m0" ]
	check_err $? "the bridge kept sending MLD queries under fe80::11"
	# the lower querier goes quiet: the bridge takes over again
	sw mcast set dev br0 other-querier-interval 1000
	send h1 h1_mld_query_low
	wait_event '.event == "mcast-querier" and .querier == ""'
	check_err $? "no querier event when fe80::11 went quiet"
	wait_q "$mine" $((m0 + 1))
	check_err $? "the bridge did not resume its MLD queries"
	capture_stop
	monitor_stop
	sw mcast set dev br0 querier off
	log_test "own MLD querier: v1 and v2 general queries from the link-local address, election by lowest IPv6 address"
}

cap_evicts_lru() {
	reset unregistered drop max-groups 2
	mc_monitor_start || return
	send h1 h1_v2report_g1 h1_v2report_g2 h1_v2report_g3
	wait_show "length == 2 and $(has h1 239.1.1.2) and $(has h1 239.3.3.3)"
	check_err $? "the least recently refreshed group was not the one evicted: $(sw mcast show -j)"
	[ "$(stat_of evicted)" = 1 ]
	check_err $? "evicted is $(stat_of evicted), want 1"
	wait_event '.event == "mcast-eviction" and .grp == "239.1.1.1"'
	check_err $? "no eviction event"
	rx 2 239.1.1.2 10.0.0.100 "h1=5 h2=0 h3=0" "filtering goes on at the cap"
	sw mcast set dev br0 max-groups 100
	sw mcast port dev br0 port h2 max-groups 1
	send h2 h2_v2report_g1 h2_v2report_g2
	wait_show "$(has h2 239.1.1.2) and ($(has h2 239.1.1.1) | not)"
	check_err $? "the per-port cap did not evict h2's oldest group"
	monitor_stop
	log_test "global and per-port caps evict the least recently refreshed entry"
}

malformed() {
	local before
	reset unregistered drop
	before=$(stat_of malformed)
	send h1 h1_bad_csum h1_bad_count h1_bad_group
	for i in $(seq 20); do
		[ "$(stat_of malformed)" -ge $((before + 3)) ] && break
		sleep 0.1
	done
	[ "$(stat_of malformed)" -ge $((before + 3)) ]
	check_err $? "malformed grew from $before to $(stat_of malformed), want +3"
	sw mcast show -j | jq -e 'length == 0' > /dev/null
	check_err $? "a malformed report was learned: $(sw mcast show -j)"
	log_test "bad checksum, record count and group are counted, never learned"
}

static_entries() {
	reset unregistered drop last-member-interval 200
	sw mcast add dev br0 port h2 grp 239.1.1.2 permanent
	wait_show "any(.[]; .port == \"h2\" and .permanent)"
	check_err $? "permanent entry not shown"
	send h2 h2_v2leave_g2
	rx 2 239.1.1.2 10.0.0.100 "h1=0 h2=5 h3=0" "a permanent entry ignores leaves"
	sw mcast del dev br0 port h2 grp 239.1.1.2
	sw mcast show -j | jq -e 'length == 0' > /dev/null
	check_err $? "del left the entry"
	sw mcast add dev br0 port h1 grp 239.1.1.1 src 10.0.0.100
	wait_show "any(.[]; .static and .mode == \"include\")"
	rx 5 239.1.1.1 10.0.0.100 "h1=5 h2=0 h3=0" "static (S,G)"
	rx 6 239.1.1.1 10.0.0.101 "h1=0 h2=0 h3=0" "another source of a static (S,G)"
	log_test "static and permanent entries, (S,G) and (*,G)"
}

unpriv() {			# NS CMD...: as nobody, without capabilities
	local ns=$1
	shift
	n "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$@"
}

permissions() {
	local out
	reset
	sw mcast add dev br0 port h1 grp 239.1.1.1
	out=$(unpriv sw "$NFPOST" mcast set dev br0 querier on 2>&1)
	check_fail $? "an unprivileged set succeeded"
	grep -q 'CAP_NET_ADMIN' <<< "$out"
	check_err $? "set as nobody did not say CAP_NET_ADMIN: $out"
	unpriv sw "$NFPOST" mcast disable dev br0 > /dev/null 2>&1
	check_fail $? "an unprivileged disable succeeded"
	unpriv sw "$NFPOST" mcast add dev br0 port h2 grp 239.1.1.1 > /dev/null 2>&1
	check_fail $? "an unprivileged add succeeded"
	out=$(timeout 10 ip netns exec sw setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all --bounding-set=-all \
		"$NFPOST" monitor mcast -j 2>&1)
	check_fail $? "an unprivileged monitor joined the event group"
	grep -q 'CAP_NET_ADMIN' <<< "$out"
	check_err $? "monitor as nobody did not say CAP_NET_ADMIN: $out"
	unpriv sw "$NFPOST" mcast show -j | jq -e 'length == 1' > /dev/null
	check_err $? "an unprivileged user cannot read the table"
	log_test "changes and events need CAP_NET_ADMIN, reading does not"
}

cli_errors() {
	local out
	reset
	out=$(sw mcast set dev br0 robustness 0 2>&1)
	check_fail $? "robustness 0 was accepted"
	grep -q 'Error: ..*' <<< "$out"
	check_err $? "no kernel message for an out-of-range value: $out"
	out=$(sw mcast add dev br0 port h1 grp 224.0.0.5 2>&1)
	check_fail $? "a link-local group was accepted"
	grep -q 'link-local' <<< "$out"
	check_err $? "no extack for a link-local group: $out"
	out=$(sw mcast add dev br0 port br0 grp 239.1.1.1 2>&1)
	check_fail $? "the bridge itself was accepted as its port"
	grep -q 'not a port' <<< "$out"
	check_err $? "no extack for a non-port: $out"
	out=$(sw mcast del dev br0 port h1 grp 239.7.7.7 2>&1)
	check_fail $? "deleting a missing entry succeeded"
	grep -q 'no such entry' <<< "$out"
	check_err $? "no extack for a missing entry: $out"
	out=$(sw mcast enable dev lo 2>&1)
	check_fail $? "enable on lo succeeded"
	grep -q 'not a bridge' <<< "$out"
	check_err $? "no extack for a non-bridge: $out"
	out=$(sw mcast show dev nosuch 2>&1)
	check_fail $? "show of a missing device succeeded"
	out=$(sw mcast set dev br0 unregistered sometimes 2>&1)
	[ $? = 1 ] && grep -q 'not a valid unregistered' <<< "$out"
	check_err $? "a bad word did not fail with a message: $out"
	out=$(sw mcast frobnicate 2>&1)
	[ $? = 2 ]
	check_err $? "an unknown verb did not exit 2: $out"
	log_test "every rejected command says why"
}

unload_while_enabled() {
	reset
	send h1 h1_v2report_g1
	wait_show "$(has h1 239.1.1.1)"
	rmmod nfpost_mcast
	check_err $? "rmmod with an enabled bridge failed"
	rx 1 239.1.1.1 10.0.0.100 "h1=5 h2=5 h3=5" "without the module the bridge floods again"
	log_test "the module unloads with a bridge enabled"
}

require jq tc ping setpriv socat
[ -d "$F" ] || skip "no frames in $F"
setup
for t in $TESTS; do
	start=$(date +%s)
	$t
	echo "# $t took $(($(date +%s) - start)) s"
done
exit 0
