#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfpost_watch end to end: real traffic (ping, arping, traceroute) and frames
# forged with scapy cross a bridge; every event is asserted from
# `nfpost monitor -j`, every binding from `nfpost watch show -j`, every drop
# from a tc counter.
#
#   h1 10.0.0.1 ──┐
#   h2 10.0.0.2 ──┤ br0 10.0.0.254/24        (ns sw: the monitor runs here)
#   h3 10.0.0.3 ──┤
#   rt 10.0.0.253 ┘ rt 10.0.1.253 ── 10.0.1.1 mid 10.0.3.1 ── 10.0.3.2 far
#
# h1..h3 route through rt; sw forwards 10.0.2.0/24 to rt (for a redirect);
# rt prohibits 10.0.2.0/24 (for an unreachable).

ALL_TESTS="
	new_station
	echo_rtt
	gratuitous
	unsolicited
	changed_flipflop_reused
	bogon
	ether_mismatch
	bcast_sender
	rarp
	malformed
	icmp_checksum
	traceroute
	unreachable
	redirect
	flood
	sweep
	enforce
	enforce_arp_input
	race_static
	permissions
	userns
	extack
	subscribers
	netns_isolation
	eviction_and_dump
	max_age
	dump_at_scale
	arpwatch_agrees
	lost_events
	reload_under_traffic
	save_restore
	leak_check
"
TESTS=${TESTS:-$ALL_TESTS}
TEST_FILE=watch
source "$(dirname "$0")/lib.sh"

H1=02:00:00:00:00:01
H2=02:00:00:00:00:02
H3=02:00:00:00:00:03
RT=02:00:00:00:00:fd

forge() {			# NS FRAME...: frames out of NS's eth0
	local ns=$1
	shift
	n "$ns" "$PY" "$TOP/selftests/forge.py" eth0 "$@"
}

sw() { n sw "$NFPOST" "$@"; }

setup() {
	local ns
	modprobe -a veth bridge sch_ingress cls_flower act_gact ||
		skip "veth, bridge or tc modules missing"
	insmod "$KMOD/nfpost_watch.ko" || exit 1
	for ns in sw h1 h2 h3 rt mid far; do
		ip netns add $ns
		ip -n $ns link set lo up
	done
	ip -n sw link add br0 type bridge
	ip -n sw link set br0 up
	ip -n sw addr add 10.0.0.254/24 dev br0
	host_on_bridge h1 10.0.0.1/24 $H1
	host_on_bridge h2 10.0.0.2/24 $H2
	host_on_bridge h3 10.0.0.3/24 $H3
	host_on_bridge rt 10.0.0.253/24 $RT
	link_pair rt eth1 10.0.1.253/24 mid eth0 10.0.1.1/24
	link_pair mid eth1 10.0.3.1/24 far eth0 10.0.3.2/24
	for ns in h1 h2 h3; do
		ip -n $ns route add default via 10.0.0.253
	done
	ip -n rt route add 10.0.3.0/24 via 10.0.1.1
	ip -n rt route add prohibit 10.0.2.0/24
	ip -n mid route add default via 10.0.1.253
	ip -n far route add default via 10.0.3.1
	ip -n sw route add 10.0.2.0/24 via 10.0.0.253
	for ns in sw rt mid; do
		n $ns sysctl -qw net.ipv4.ip_forward=1
	done
	monitor_start sw || exit 1
	monitor_ready
}

# The monitor is subscribed once an event it caused comes back: rt announces
# its address until the gratuitous ARP shows in the stream (arping on br0
# itself would not do: a packet socket on the bridge enters no port).
monitor_ready() {
	local i
	for i in $(seq 20); do
		n rt arping -q -U -c 1 -w 1 -I eth0 10.0.0.253
		wait_event '.event == "gratuitous" and .addr == "10.0.0.253"' 1 && return 0
	done
	echo "# the monitor never received an event: $(cat "$WORK/monitor.err")"
	exit 1
}

cleanup() {
	lib_cleanup
	lsmod | grep -q '^nfpost_watch ' && rmmod nfpost_watch
}
trap cleanup EXIT

ev() {			# wait_event on EVENT and further jq conditions
	local e=$1
	shift
	wait_event ".event == \"$e\"${1:+ and $1}" "${2:-10}"
}

# A barrier for checks that something did NOT happen: events of one sender
# arrive in order, so once the marker (an echo request with id 4242 and a
# fresh sequence number) is in the stream, whatever was sent before it has
# been seen too.
MARK=0
mark_frame() {
	echo "Ether(dst='$H1')/IP(src='10.0.0.3', dst='10.0.0.1')/ICMP(id=4242, seq=$MARK)"
}

wait_mark() {
	ev echo-request ".id == 4242 and .seq == $MARK"
}

mark() {			# a marker from h3, waited for
	MARK=$((MARK + 1))
	forge h3 "$(mark_frame)"
	wait_mark
}

binding_of() {			# ADDR: the binding of ADDR in sw's table
	sw watch show -j | jq -c ".[] | select(.addr == \"$1\")"
}

new_station() {
	n h1 ping -c 1 -W 2 10.0.0.2 > /dev/null
	check_err $? "h1 cannot ping h2"
	ev new-station ".addr == \"10.0.0.1\" and .lladdr == \"$H1\" and .ifname == \"br0\""
	check_err $? "no new-station for h1"
	ev new-station ".addr == \"10.0.0.2\" and .lladdr == \"$H2\""
	check_err $? "no new-station for h2"
	binding_of 10.0.0.1 | jq -e ".lladdr == \"$H1\" and .static == false and .packets >= 1" > /dev/null
	check_err $? "watch show has no binding 10.0.0.1 -> $H1"
	binding_of 10.0.0.2 | jq -e ".lladdr == \"$H2\" and .ifname == \"br0\"" > /dev/null
	check_err $? "watch show has no binding 10.0.0.2 -> $H2"
	log_test "a ping between two hosts reports both as new stations"
}

echo_rtt() {
	local paired
	paired=$(stat_of sw echo_paired)
	n h1 ping -c 3 -i 0.2 10.0.0.2 > /dev/null
	check_err $? "ping failed"
	ev echo-reply '.saddr == "10.0.0.2" and .daddr == "10.0.0.1" and .seq == 3 and .rtt_us > 0'
	check_err $? "no echo-reply with an RTT for seq 3"
	[ "$(count_events '.event == "echo-request" and .saddr == "10.0.0.1" and .daddr == "10.0.0.2" and .id != null')" -ge 3 ]
	check_err $? "fewer than 3 echo-request events"
	[ "$(stat_of sw echo_paired)" -ge $((paired + 3)) ]
	check_err $? "echo_paired did not grow by 3"
	log_test "echo requests and replies are paired with their RTT"
}

gratuitous() {
	n h1 arping -q -U -c 1 -w 2 -I eth0 10.0.0.1
	ev gratuitous ".addr == \"10.0.0.1\" and .lladdr == \"$H1\""
	check_err $? "no gratuitous event for arping -U"
	log_test "arping -U is reported as gratuitous ARP"
}

unsolicited() {
	forge h3 "Ether(dst='$H1')/ARP(op=2, hwsrc='$H3', psrc='10.0.0.3', hwdst='$H1', pdst='10.0.0.1')"
	ev unsolicited ".addr == \"10.0.0.3\" and .lladdr == \"$H3\" and .arp_op == \"reply\""
	check_err $? "no unsolicited event for a reply nobody asked for"
	# A reply to a real request is not unsolicited.
	n h1 ip neigh flush dev eth0
	n h1 ping -c 1 -W 2 10.0.0.2 > /dev/null
	mark
	check_err $? "the marker event never came"
	[ "$(count_events '.event == "unsolicited" and .addr == "10.0.0.2"')" -eq 0 ]
	check_err $? "a solicited reply from h2 was reported as unsolicited"
	log_test "an ARP reply without a request is unsolicited, a real one is not"
}

changed_flipflop_reused() {
	local other=02:00:00:00:00:99
	# h3 claims h2's address, h2 answers back, a third card claims it, then h3.
	forge h3 "Ether(dst=BC)/ARP(op=1, hwsrc='$H3', psrc='10.0.0.2', pdst='10.0.0.1')"
	ev changed-lladdr ".addr == \"10.0.0.2\" and .lladdr == \"$H3\" and .prev_lladdr == \"$H2\""
	check_err $? "no changed-lladdr when h3 claims 10.0.0.2"
	n h2 arping -q -U -c 1 -w 2 -I eth0 10.0.0.2
	ev flip-flop ".addr == \"10.0.0.2\" and .lladdr == \"$H2\" and .prev_lladdr == \"$H3\""
	check_err $? "no flip-flop when h2 takes its address back"
	forge h3 "Ether(src='$other', dst=BC)/ARP(op=1, hwsrc='$other', psrc='10.0.0.2', pdst='10.0.0.1')" \
		 "Ether(dst=BC)/ARP(op=1, hwsrc='$H3', psrc='10.0.0.2', pdst='10.0.0.1')"
	ev changed-lladdr ".addr == \"10.0.0.2\" and .lladdr == \"$other\""
	check_err $? "no changed-lladdr for a third address"
	ev reused-lladdr ".addr == \"10.0.0.2\" and .lladdr == \"$H3\""
	check_err $? "no reused-lladdr when an older address comes back"
	binding_of 10.0.0.2 | jq -e ".lladdr == \"$H3\" and .changes >= 4" > /dev/null
	check_err $? "the binding of 10.0.0.2 does not show the changes"
	# Put h2 back and forget the poisoned neighbour entries.
	n h2 arping -q -U -c 1 -w 2 -I eth0 10.0.0.2
	n h1 ip neigh flush dev eth0
	log_test "changed ethernet address, flip flop and reused old address"
}

bogon() {
	forge h3 "Ether(dst=BC)/ARP(op=1, hwsrc='$H3', psrc='198.51.100.7', pdst='10.0.0.1')"
	ev bogon '.addr == "198.51.100.7" and .ifname == "br0"'
	check_err $? "no bogon for a sender outside 10.0.0.0/24"
	forge h3 "Ether(dst=BC)/ARP(op=1, hwsrc='$H3', psrc='10.0.0.3', pdst='10.0.0.1')"
	mark
	check_err $? "the marker event never came"
	[ "$(count_events '.event == "bogon" and .addr == "10.0.0.3"')" -eq 0 ]
	check_err $? "an on-link sender was reported as bogon"
	log_test "an ARP sender outside the bridge's subnet is a bogon"
}

ether_mismatch() {
	forge h3 "Ether(dst=BC, src='$H3')/ARP(op=1, hwsrc='02:00:00:00:00:77', psrc='10.0.0.3', pdst='10.0.0.1')"
	ev ether-mismatch ".addr == \"10.0.0.3\" and .eth_saddr == \"$H3\" and .lladdr == \"02:00:00:00:00:77\""
	check_err $? "no ether-mismatch when Ethernet and ARP sender differ"
	log_test "Ethernet source != ARP sender address is an ethernet mismatch"
}

bcast_sender() {
	forge h3 "Ether(dst=BC, src='$H3')/ARP(op=1, hwsrc=BC, psrc='10.0.0.3', pdst='10.0.0.1')"
	ev bcast-sender '.addr == "10.0.0.3" and .lladdr == "ff:ff:ff:ff:ff:ff"'
	check_err $? "no bcast-sender for a broadcast ARP sender address"
	log_test "a broadcast ARP sender address is reported"
}

# RARP (RFC 903, ethertype 0x8035) has no netfilter family: on the bridge its
# hook reports a request and a reply (each once: not again when br0 passes
# the broadcast up to itself), one with a bad length is counted malformed, nothing
# is learned; on rt's point-to-point link (no bridge) a packet handler sees it.
rarp() {
	local st=02:00:00:00:00:77 count bad i
	count=$(stat_of sw rarp)
	bad=$(stat_of sw rarp_malformed)
	MARK=$((MARK + 1))
	forge h3 "Ether(dst=BC, src='$st', type=0x8035)/ARP(op=3, hwsrc='$st', hwdst='$st', psrc='0.0.0.0', pdst='0.0.0.0')" \
		"Ether(dst='$st', src='$H3', type=0x8035)/ARP(op=4, hwsrc='$H3', psrc='10.0.0.3', hwdst='$st', pdst='10.0.0.77')" \
		"Ether(dst=BC, type=0x8035)/Raw(b'\\x00\\x01\\x08\\x00\\x06\\x10\\x00\\x03')" \
		"$(mark_frame)"
	wait_mark
	check_err $? "the marker event never came"
	ev rarp-request ".lladdr == \"$st\" and .ifname == \"br0\" and .arp_op == \"rarp-request\" and .addr == null"
	check_err $? "no rarp-request event for $st"
	ev rarp-reply ".addr == \"10.0.0.77\" and .lladdr == \"$st\" and .saddr == \"10.0.0.3\" and .eth_saddr == \"$H3\" and .arp_op == \"rarp-reply\""
	check_err $? "no rarp-reply event giving 10.0.0.77 to $st"
	[ "$(stat_of sw rarp)" -eq $((count + 2)) ] && [ "$(stat_of sw rarp_malformed)" -eq $((bad + 1)) ]
	check_err $? "rarp grew by $(($(stat_of sw rarp) - count)) (not 2), rarp_malformed by $(($(stat_of sw rarp_malformed) - bad)) (not 1)"
	[ -z "$(binding_of 10.0.0.77)" ]
	check_err $? "a RARP reply was learned as a binding"
	count=$(stat_of rt rarp)
	forge mid "Ether(dst=BC, type=0x8035)/ARP(op=3, hwsrc='$st', hwdst='$st', psrc='0.0.0.0', pdst='0.0.0.0')"
	for i in $(seq 50); do
		[ "$(stat_of rt rarp)" -eq $((count + 1)) ] && break
		sleep 0.1
	done
	[ "$(stat_of rt rarp)" -eq $((count + 1)) ]
	check_err $? "rt did not count the RARP request on its unbridged link"
	log_test "RARP requests and replies are reported, malformed ones counted"
}

malformed() {
	local arp icmp
	arp=$(stat_of sw arp_malformed)
	icmp=$(stat_of sw icmp_malformed)
	MARK=$((MARK + 1))
	forge h3 \
		"Ether(dst=BC, type=0x0806)/Raw(b'\\x00\\x01\\x08\\x00\\x06')" \
		"Ether(dst=BC)/ARP(op=1, hwlen=8, psrc='10.0.0.66', pdst='10.0.0.1')" \
		"Ether(dst=BC)/ARP(op=9, psrc='10.0.0.67', pdst='10.0.0.1')" \
		"Ether(dst='$H1')/IP(src='10.0.0.3', dst='10.0.0.1', proto=1)/Raw(b'\\x08\\x00')" \
		"Ether(dst='$H1')/IP(src='10.0.0.3', dst='10.0.0.1', ihl=15, proto=1)/Raw(b'\\x08\\x00\\x00\\x00')" \
		"Ether(dst='$H1')/IP(src='10.0.0.3', dst='10.0.0.1', len=1400)/ICMP()" \
		"Ether(dst='$H1')/IP(src='10.0.0.3', dst='10.0.0.1')/ICMP(type=3, code=1)/Raw(b'\\x45\\x00')" \
		"$(mark_frame)"
	wait_mark
	check_err $? "the marker event never came"
	[ "$(stat_of sw arp_malformed)" -ge $((arp + 3)) ]
	check_err $? "arp_malformed grew by less than 3"
	[ "$(stat_of sw icmp_malformed)" -ge $((icmp + 4)) ]
	check_err $? "icmp_malformed grew by less than 4"
	[ "$(count_events '.addr == "10.0.0.66" or .addr == "10.0.0.67"')" -eq 0 ]
	check_err $? "a malformed ARP packet produced an event"
	n h1 ping -c 1 -W 2 10.0.0.3 > /dev/null
	check_err $? "traffic does not pass after malformed packets"
	log_test "truncated and inconsistent ARP/IP/ICMP are counted, not parsed"
}

icmp_checksum() {
	local bad
	bad=$(stat_of sw icmp_malformed)
	MARK=$((MARK + 1))
	forge h3 "Ether(dst='$H1')/IP(src='10.0.0.3', dst='10.0.0.1')/ICMP(id=999, seq=1, chksum=0x1234)" \
		"Ether(dst='$H1')/IP(src='10.0.0.3', dst='10.0.0.1')/ICMP(type=0, id=999, seq=2, chksum=0)" \
		"$(mark_frame)"
	wait_mark
	check_err $? "the marker event never came"
	[ "$(count_events '.id == 999')" -eq 0 ]
	check_err $? "an echo with a bad checksum was reported"
	[ "$(stat_of sw icmp_malformed)" -eq $((bad + 2)) ]
	check_err $? "icmp_malformed grew by $(($(stat_of sw icmp_malformed) - bad)), not 2"
	log_test "ICMP with a bad checksum is counted malformed and reported as nothing"
}

traceroute() {
	n h1 traceroute -n -q 1 -w 2 -m 6 10.0.3.2 > "$WORK/traceroute.out" 2>&1
	check_err $? "traceroute failed: $(cat "$WORK/traceroute.out")"
	ev traceroute '.saddr == "10.0.0.1" and .daddr == "10.0.3.2" and .count >= 3'
	check_err $? "no traceroute event with 3 rising TTLs"
	ev time-exceeded '.saddr == "10.0.0.253" and .daddr == "10.0.0.1" and .orig_daddr == "10.0.3.2"'
	check_err $? "no time-exceeded from the router"
	ev unreachable '.saddr == "10.0.3.2" and .icmp_code == 3 and .orig_proto == 17'
	check_err $? "no port unreachable from the destination"
	log_test "traceroute is detected, with time exceeded and port unreachable"
}

unreachable() {
	n h1 ping -c 1 -W 2 10.0.2.9 > /dev/null 2>&1
	check_fail $? "ping to a prohibited network succeeded"
	ev unreachable '.saddr == "10.0.0.253" and .daddr == "10.0.0.1" and .icmp_code == 13 and .orig_daddr == "10.0.2.9"'
	check_err $? "no admin-prohibited unreachable from rt"
	log_test "destination unreachable is reported with its code"
}

redirect() {
	n h1 ip route add 10.0.2.0/24 via 10.0.0.254
	n h1 ping -c 1 -W 2 10.0.2.9 > /dev/null 2>&1
	ev redirect '.saddr == "10.0.0.254" and .daddr == "10.0.0.1" and .gateway == "10.0.0.253" and .orig_daddr == "10.0.2.9"'
	check_err $? "no redirect to gateway 10.0.0.253"
	n h1 ip route del 10.0.2.0/24
	log_test "an ICMP redirect is reported with its gateway"
}

flood() {
	sw watch set flood-pps 50
	n h1 ping -q -c 150 -i 0.005 10.0.0.2 > /dev/null
	ev flood '.saddr == "10.0.0.1" and .rate >= 50'
	check_err $? "no flood event above 50 pps"
	sw watch set flood-pps 1000
	log_test "an ICMP flood above the configured rate is reported"
}

sweep() {
	local frames=() i
	sw watch set sweep-hosts 8
	for i in $(seq 20 31); do
		frames+=("Ether(dst=BC)/IP(src='10.0.0.1', dst='10.0.0.$i')/ICMP(id=7, seq=$i)")
	done
	forge h1 "${frames[@]}"
	ev sweep '.saddr == "10.0.0.1" and .count >= 8'
	check_err $? "no ping sweep over 12 hosts"
	sw watch set sweep-hosts 16
	log_test "one source pinging many hosts is a ping sweep"
}

enforce() {
	local spoof="Ether(dst='$H1', src='$H3')/ARP(op=2, hwsrc='$H3', psrc='10.0.0.2', hwdst='$H1', pdst='10.0.0.1')"
	local enforced
	n h1 tc qdisc add dev eth0 ingress
	n h1 tc filter add dev eth0 ingress protocol arp pref 1 handle 1 \
		flower arp_sip 10.0.0.2 arp_sha $H3 action pass
	forge h3 "$spoof"
	[ "$(tc_count h1 eth0 1)" -eq 1 ]
	check_err $? "without a static binding the spoofed reply should reach h1"

	enforced=$(stat_of sw enforced)
	sw watch bind add 10.0.0.2 lladdr $H2 dev br0
	check_err $? "bind add failed"
	binding_of 10.0.0.2 | jq -e ".static == true and .lladdr == \"$H2\"" > /dev/null
	check_err $? "the static binding is not shown"
	forge h3 "$spoof"
	ev spoof-dropped ".addr == \"10.0.0.2\" and .lladdr == \"$H3\" and .prev_lladdr == \"$H2\""
	check_err $? "no spoof-dropped event"
	[ "$(tc_count h1 eth0 1)" -eq 1 ]
	check_err $? "the spoofed reply crossed the bridge despite the static binding"
	[ "$(stat_of sw enforced)" -eq $((enforced + 1)) ]
	check_err $? "enforced did not count the drop"
	# The first, unprotected spoof poisoned h1's cache: ask again.
	n h1 ip neigh flush dev eth0
	n h1 ping -c 1 -W 2 10.0.0.2 > /dev/null
	check_err $? "the real h2 cannot be reached with the binding in place"

	sw watch bind del 10.0.0.2 dev br0
	check_err $? "bind del failed"
	forge h3 "$spoof"
	[ "$(tc_count h1 eth0 1)" -eq 2 ]
	check_err $? "after bind del the reply should pass again"
	n h1 tc qdisc del dev eth0 ingress
	n h2 arping -q -U -c 1 -w 2 -I eth0 10.0.0.2
	n h1 ip neigh flush dev eth0
	log_test "a static binding drops contradicting ARP, counted by tc"
}

# A second bridge whose stations (ns st) send ARP while their bindings are
# added as static again and again: the packet path refreshes and reorders the
# very entries that ADD_BINDING turns static. Then br1 goes, and its static
# bindings with it.
race_static() {
	local secs=${RACE_SECONDS:-20} count=${RACE_STATIONS:-2000}
	local before pid adds frames
	ip netns add st
	ip -n sw link add br1 type bridge
	ip -n sw link set br1 up
	ip -n sw addr add 10.1.255.254/16 dev br1
	ip -n sw link add st type veth peer name eth0 netns st
	ip -n sw link set st master br1 up
	ip -n st link set eth0 up
	before=$(stat_of sw bindings)
	n st "$PY" "$TOP/selftests/watch_helper.py" arp eth0 "$(mac_of sw br1)" \
		"$count" "$secs" > "$WORK/race.arp" 2>&1 &
	pid=$!
	n sw "$PY" "$TOP/selftests/watch_helper.py" bind br1 "$count" "$secs" \
		> "$WORK/race.bind" 2>&1
	check_err $? "the bind loop failed: $(cat "$WORK/race.bind")"
	wait $pid
	check_err $? "the ARP sender failed: $(cat "$WORK/race.arp")"
	read -r _ adds _ errors _ < "$WORK/race.bind"
	read -r _ frames < "$WORK/race.arp"
	echo "# race: $adds adds, $frames frames in ${secs}s"
	[ "${adds:-0}" -ge "$count" ] && [ "${errors:-1}" -eq 0 ]
	check_err $? "bind adds failed: $(cat "$WORK/race.bind")"
	[ "${frames:-0}" -ge "$count" ]
	check_err $? "too few ARP frames sent: $(cat "$WORK/race.arp")"
	sw watch show -j dev br1 | jq -e "length == $count and all(.static) and
		(map(select(.lladdr == \"02:00:00:02:00:01\" and .addr == \"10.1.0.1\")) | length) == 1" > /dev/null
	check_err $? "br1 does not hold $count static bindings after the race"
	[ "$(stat_of sw bindings)" -eq $((before + count)) ]
	check_err $? "the table's count disagrees with its entries"
	ip -n sw link del br1
	[ "$(stat_of sw bindings)" -eq "$before" ]
	check_err $? "static bindings of a deleted bridge stayed: $(stat_of sw bindings), not $before"
	ip netns del st
	log_test "bind add racing ARP from the same stations; the bridge takes its bindings along"
}

# A host pins its gateway's address itself: the spoof is dropped at its ARP
# input, before its neighbour table sees it. First without the pin, to see
# that the spoof does reach the table.
enforce_arp_input() {
	local spoof="Ether(dst='$H1', src='$H3')/ARP(op=2, hwsrc='$H3', psrc='10.0.0.2', hwdst='$H1', pdst='10.0.0.1')"
	local enforced
	n h1 ip neigh replace 10.0.0.2 lladdr $H2 dev eth0 nud stale
	forge h3 "$spoof"
	n h1 ip neigh show 10.0.0.2 dev eth0 | grep -qi "$H3"
	check_err $? "without a pin the spoof did not reach h1's table: $(n h1 ip neigh show 10.0.0.2)"

	n h1 ip neigh replace 10.0.0.2 lladdr $H2 dev eth0 nud stale
	n h1 "$NFPOST" watch bind add 10.0.0.2 lladdr $H2 dev eth0
	check_err $? "bind add in h1 failed"
	enforced=$(stat_of h1 enforced)
	forge h3 "$spoof"
	n h1 ip neigh show 10.0.0.2 dev eth0 | grep -qi "$H2"
	check_err $? "the spoof reached h1's neighbour table: $(n h1 ip neigh show 10.0.0.2)"
	[ "$(stat_of h1 enforced)" -eq $((enforced + 1)) ]
	check_err $? "h1's enforced did not count the drop"
	n h1 "$NFPOST" watch bind del 10.0.0.2 dev eth0
	n h1 ip neigh flush dev eth0
	log_test "a static binding drops a spoof at ARP input, before the neighbour table"
}

unpriv() {			# NS CMD...: as nobody, without capabilities
	local ns=$1
	shift
	n "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$@"
}

permissions() {
	local out
	out=$(unpriv sw "$NFPOST" watch bind add 10.0.0.9 lladdr $H1 dev br0 2>&1)
	check_fail $? "an unprivileged bind add succeeded"
	grep -qi 'permit\|CAP_NET_ADMIN' <<< "$out"
	check_err $? "bind add as nobody did not say EPERM: $out"
	out=$(unpriv sw "$NFPOST" watch set flood-pps 10 2>&1)
	check_fail $? "an unprivileged set succeeded"
	out=$(timeout 10 ip netns exec sw setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all --bounding-set=-all "$NFPOST" monitor -j 2>&1)
	check_fail $? "an unprivileged monitor subscribed to events"
	grep -qi 'permit\|CAP_NET_ADMIN' <<< "$out"
	check_err $? "monitor as nobody did not say EPERM: $out"
	unpriv sw "$NFPOST" watch show -j | jq -e 'length >= 1' > /dev/null
	check_err $? "an unprivileged user cannot read the table"
	log_test "config and event subscription need CAP_NET_ADMIN, reading does not"
}

# as_userns SCRIPT: run bash SCRIPT as uid 65534 in a user and network
# namespace of its own (`unshare -Urn`, what any Debian user may do).
# unshare -U is refused to a chrooted process, and the lab VM runs its
# command in a chroot: from PID 1's root, a new mount namespace gets the
# lab's root moved onto "/" (as switch_root does), which is then no chroot.
as_userns() {
	nsenter -t 1 -r /bin/busybox unshare -m --propagation private \
		/bin/busybox sh -c 'cd /mnt && /bin/busybox mount -o move . / &&
		exec /bin/busybox chroot . /usr/bin/setpriv --reuid=65534 \
			--regid=65534 --clear-groups --inh-caps=-all \
			/usr/bin/unshare -Urn /bin/bash -c "$0"' \
		"cd '$TOP' && NFPOST='$NFPOST' PY='$PY' && $1"
}

# What an unprivileged user reaches through a user namespace of its own: its
# namespace's table, but no memory beyond the defaults and the global cap.
userns() {
	local out cap
	as_userns 'id -u; exec "$NFPOST" watch set max-bindings 8192' > "$WORK/userns.out" 2>&1
	check_fail $? "max-bindings 8192 was raised from a user namespace"
	grep -q 'initial user namespace' "$WORK/userns.out"
	check_err $? "no extack for max-bindings from a user namespace: $(cat "$WORK/userns.out")"
	out=$(as_userns '"$NFPOST" watch set max-bindings 1024 && "$NFPOST" watch config -j' 2>&1)
	check_err $? "lowering max-bindings in a user namespace failed: $out"
	jq -e '.max_bindings == 1024' <<< "$out" > /dev/null
	check_err $? "max-bindings did not become 1024: $out"
	sw watch set max-bindings 8192
	check_err $? "real root could not raise max-bindings"
	sw watch set max-bindings 4096

	# The global cap: 8 bindings for all user namespaces together.
	cap=$(cat /sys/module/nfpost_watch/parameters/userns_max_bindings)
	echo 8 > /sys/module/nfpost_watch/parameters/userns_max_bindings
	out=$(as_userns 'ip link add br0 type bridge && ip link set br0 up &&
		for i in $(seq 1 9); do
			"$NFPOST" watch bind add 10.9.0.$i lladdr 02:00:00:09:00:0$i dev br0 || exit 0
			echo "added $i"
		done' 2>&1)
	echo "$cap" > /sys/module/nfpost_watch/parameters/userns_max_bindings
	grep -q '^added 8$' <<< "$out" && ! grep -q '^added 9$' <<< "$out"
	check_err $? "the global cap of 8 did not stop the 9th binding: $out"
	grep -q 'userns_max_bindings' <<< "$out"
	check_err $? "no extack naming the global cap: $out"

	# The race of race_static, as nobody in its own namespace.
	out=$(as_userns 'ip link add br0 type bridge && ip link set br0 up &&
		ip addr add 10.1.255.254/16 dev br0 &&
		ip link add v0 type veth peer name v1 && ip link set v1 master br0 up &&
		ip link set v0 up &&
		mac=$(ip -j link show br0 | jq -r ".[0].address") &&
		{ "$PY" selftests/watch_helper.py arp v0 "$mac" 1000 '"${RACE_SECONDS:-10}"' & } &&
		"$PY" selftests/watch_helper.py bind br0 1000 '"${RACE_SECONDS:-10}"' && wait $! &&
		"$NFPOST" watch show -j | jq "map(select(.static)) | length"' 2>&1)
	check_err $? "the race in a user namespace failed: $out"
	echo "# userns race: $(tr '\n' ' ' <<< "$out")"
	grep -Eq '^frames [1-9][0-9]{3,}' <<< "$out" && grep -Eq '^adds [1-9][0-9]{3,} errors 0' <<< "$out"
	check_err $? "the race in a user namespace did not run: $out"
	[ "$(tail -n 1 <<< "$out")" = 1000 ]
	check_err $? "the user namespace does not hold its 1000 static bindings: $out"
	log_test "a user namespace's root gets its own table, not more memory"
}

extack() {
	local out
	out=$(sw watch set flood-pps 0 2>&1)
	check_fail $? "flood-pps 0 was accepted"
	grep -q 'Error: ..*' <<< "$out"
	check_err $? "no kernel message for an out-of-range value: $out"
	out=$(sw watch bind del 10.0.0.77 dev br0 2>&1)
	check_fail $? "deleting a binding that does not exist succeeded"
	grep -qi 'static binding' <<< "$out"
	check_err $? "no extack for a missing static binding: $out"
	out=$(sw watch bind add 10.0.0.77 lladdr 01:00:5e:00:00:01 dev br0 2>&1)
	check_fail $? "a multicast lladdr was accepted for a static binding"
	grep -q 'Error: ..*' <<< "$out"
	check_err $? "no extack for a multicast lladdr: $out"
	out=$(sw watch bind add 10.0.0.77 lladdr $H1 dev nosuch 2>&1)
	check_fail $? "an unknown device was accepted"
	# What the CLI never sends: a header whose reserved field is set.
	out=$(n sw python3 "$TOP/selftests/genl_raw.py" nfpost_watch 7 1 2>&1)
	grep -q '^error 22: .*reserved' <<< "$out"
	check_err $? "a request with genlmsghdr.reserved set was not refused: $out"
	out=$(n sw python3 "$TOP/selftests/genl_raw.py" nfpost_watch 7 0 2>&1)
	[ "$out" = ok ]
	check_err $? "the same request with reserved 0 failed: $out"
	# One policy per operation: what an operation does not take is refused.
	# SET_CONFIG (6) with only LLADDR (5); ADD_BINDING (2) with a
	# max-bindings (31); GET_STATS (7) with an IFINDEX (2); SET_CONFIG empty.
	helper() { n sw "$PY" "$TOP/selftests/watch_helper.py" request "$@" 2>&1; }
	out=$(helper 6 5=020000000001)
	grep -q '^error 22: .*Unsupported attribute' <<< "$out"
	check_err $? "SET_CONFIG with only an LLADDR was not refused: $out"
	out=$(helper 2 2=01000000 4=0a00004d 5=020000000001 31=00100000)
	grep -q '^error 22: .*Unsupported attribute' <<< "$out"
	check_err $? "ADD_BINDING with a config attribute was not refused: $out"
	out=$(helper 7 2=01000000)
	grep -q '^error 22: .*Unsupported attribute' <<< "$out"
	check_err $? "GET_STATS with an IFINDEX was not refused: $out"
	out=$(helper 6)
	grep -q '^error 22: .*no configuration attribute' <<< "$out"
	check_err $? "an empty SET_CONFIG was not refused: $out"
	# FLUSH with an address flushes that address, or says there is none.
	out=$(sw watch flush 10.0.0.77 2>&1)
	check_fail $? "flushing an address without a binding succeeded"
	grep -q 'no learned binding' <<< "$out"
	check_err $? "no extack for flushing an unknown address: $out"
	n h1 arping -q -U -c 1 -w 2 -I eth0 10.0.0.1
	binding_of 10.0.0.1 | grep -q .
	check_err $? "10.0.0.1 is not bound before its flush"
	sw watch flush 10.0.0.1 dev br0
	check_err $? "flushing 10.0.0.1 failed"
	[ -z "$(binding_of 10.0.0.1)" ] && [ -n "$(binding_of 10.0.0.2)" ]
	check_err $? "flush 10.0.0.1 did not remove exactly that binding"
	log_test "every rejected request says why"
}

# What the ABI says of subscriptions, on raw sockets in a namespace of their
# own: 64 at most (ENOSPC, with a message), idempotent, ENOENT to leave
# without having joined, and a closed socket makes room.
subscribers() {
	local out
	ip netns add sb
	out=$(n sb "$PY" "$TOP/selftests/watch_helper.py" subs 2>&1)
	ip netns del sb
	grep -q '^subscribed 64 of 64$' <<< "$out"
	check_err $? "64 subscribers were not all accepted: $out"
	grep -q '^65th: error 28: .*too many event subscribers' <<< "$out"
	check_err $? "the 65th subscriber was not refused with ENOSPC: $out"
	grep -q '^again: error 0' <<< "$out"
	check_err $? "subscribing twice failed: $out"
	grep -q '^unsubscribe unsubscribed: error 2: .*not subscribed' <<< "$out"
	check_err $? "unsubscribing a socket that never subscribed did not say ENOENT: $out"
	grep -q '^unsubscribe: error 0' <<< "$out" &&
		grep -q '^after two left: error 0' <<< "$out" &&
		grep -q '^one more: error 0' <<< "$out"
	check_err $? "an unsubscribed and a closed socket did not make room: $out"
	grep -q '^one too many: error 28' <<< "$out"
	check_err $? "the limit did not hold again: $out"
	log_test "64 subscribers per namespace, ENOSPC beyond, ENOENT to leave unjoined"
}

# Each monitor gets its own namespace's events and no other: h2's own ping
# (seen at its local out) reaches h2's monitor; sw's marker, which crosses
# only sw's bridge, does not.
netns_isolation() {
	local pid i
	: > "$WORK/h2.json"
	ip netns exec h2 "$NFPOST" monitor -j > "$WORK/h2.json" 2>&1 &
	pid=$!
	for i in $(seq 10); do
		n h2 ping -c 1 -W 1 -p 4242 10.0.0.1 > /dev/null
		jq -e 'select(.event == "echo-request" and .saddr == "10.0.0.2")' \
			"$WORK/h2.json" 2>/dev/null | grep -q . && break
	done
	check_err $? "h2's monitor never saw h2's own ping: $(head -c 300 "$WORK/h2.json")"
	mark
	check_err $? "the marker event never came"
	kill $pid
	wait $pid 2>/dev/null
	[ "$(jq -c 'select(.id == 4242)' "$WORK/h2.json" | wc -l)" -eq 0 ]
	check_err $? "sw's marker reached h2's monitor"
	[ "$(jq -c 'select(.netns_name != null and .netns_name != "h2")' "$WORK/h2.json" | wc -l)" -eq 0 ]
	check_err $? "h2's monitor got events of another namespace"
	[ "$(count_events '.netns_name != null and .netns_name != "sw"')" -eq 0 ]
	check_err $? "sw's monitor got events of another namespace"
	log_test "events reach only subscribers of the namespace that saw them"
}

eviction_and_dump() {
	local frames=() i mac evicted shown stats
	sw watch flush
	sw watch set max-bindings 16
	for i in $(seq 100 139); do
		mac=02:00:00:00:01:$(printf %02x $i)
		frames+=("Ether(dst=BC, src='$mac')/ARP(op=1, hwsrc='$mac', psrc='10.0.0.$i', pdst='10.0.0.1')")
	done
	evicted=$(stat_of sw evicted)
	forge h3 "${frames[@]}"
	# The 40th station is the last the bridge learns: it comes in last.
	for i in $(seq 50); do
		[ -n "$(binding_of 10.0.0.139)" ] && break
		sleep 0.1
	done
	[ "$(stat_of sw bindings)" -le 16 ]
	check_err $? "the table grew beyond max-bindings 16"
	[ "$(stat_of sw evicted)" -ge $((evicted + 24)) ]
	check_err $? "evictions not counted"
	binding_of 10.0.0.139 | jq -e '.lladdr == "02:00:00:00:01:8b"' > /dev/null
	check_err $? "the newest binding was evicted instead of the oldest"

	# A table larger than one netlink message must come back whole.
	sw watch set max-bindings 4096
	sw watch flush
	ip -n sw addr add 10.0.64.254/18 dev br0
	cat > "$WORK/many.py" << 'EOF'
from scapy.all import Ether, ARP, sendp, conf
conf.verb = 0
macs = ['02:00:00:01:%02x:%02x' % (i >> 8, i & 255) for i in range(550)]
sendp([Ether(dst='ff:ff:ff:ff:ff:ff', src=m) /
       ARP(op=1, hwsrc=m, psrc='10.0.%d.%d' % (64 + i // 250, i % 250 + 1),
           pdst='10.0.64.254') for i, m in enumerate(macs)], iface='eth0')
EOF
	n h3 "$PY" "$WORK/many.py"
	for i in $(seq 50); do
		[ "$(stat_of sw bindings)" -ge 550 ] && break
		sleep 0.1
	done
	shown=$(sw watch show -j | jq length)
	stats=$(stat_of sw bindings)
	[ "$shown" -ge 550 ] && [ "$shown" -eq "$stats" ]
	check_err $? "dump returned $shown bindings, stats say $stats (expected >= 550)"
	[ "$(sw watch show -j dev br0 | jq length)" -eq "$shown" ]
	check_err $? "dump filtered by dev br0 differs"
	ip -n sw addr del 10.0.64.254/18 dev br0
	sw watch flush
	log_test "the table is bounded, evicts the oldest, and dumps whole"
}

# Ageing, off by default: with max-age 2 a learned binding that stays quiet
# goes within about 4 s, reported and counted; a static one stays.
max_age() {
	local expired m=02:00:00:00:00:61
	expired=$(stat_of sw expired)
	sw watch bind add 10.0.0.62 lladdr 02:00:00:00:00:62 dev br0
	forge h3 "Ether(dst=BC, src='$m')/ARP(op=1, hwsrc='$m', psrc='10.0.0.61', pdst='10.0.0.1')"
	ev new-station '.addr == "10.0.0.61"'
	check_err $? "no new-station for 10.0.0.61"
	sleep 3
	[ -n "$(binding_of 10.0.0.61)" ] && [ "$(stat_of sw expired)" -eq "$expired" ]
	check_err $? "a binding expired while max-age was off"
	sw watch set max-age 2
	check_err $? "set max-age 2 failed"
	sw watch config -j | jq -e '.max_age == 2' > /dev/null
	check_err $? "config does not show max_age 2"
	ev expired ".addr == \"10.0.0.61\" and .lladdr == \"$m\" and .ifname == \"br0\""
	check_err $? "no expired event for a station quiet for longer than max-age"
	[ -z "$(binding_of 10.0.0.61)" ]
	check_err $? "the expired binding is still shown"
	[ "$(stat_of sw expired)" -gt "$expired" ]
	check_err $? "expired did not count"
	binding_of 10.0.0.62 | jq -e '.static' > /dev/null
	check_err $? "a static binding expired"
	sw watch set max-age 0
	sw watch bind del 10.0.0.62 dev br0
	log_test "max-age expires quiet learned bindings, reported and counted"
}

# Must-fix 4 of issue 8: a table above the default cap dumps whole, and in
# time linear in its size (4,096 fixed buckets made chains of hundreds, and
# each binding dumped read the wall clock). The time of 10x the bindings
# must stay within 20x, plus slack for starting the CLI under emulation.
dump_at_scale() {
	local small=500 count=${DUMP_BINDINGS:-5000} out ms_small ms
	ip netns add dm
	ip -n dm link add br0 type bridge
	ip -n dm link set br0 up
	n dm "$NFPOST" watch set max-bindings 8192
	check_err $? "root could not raise max-bindings to 8192"
	out=$(n dm "$PY" "$TOP/selftests/watch_helper.py" bind br0 "$small" 0.001 2>&1)
	check_err $? "adding $small bindings failed: $out"
	ms_small=$(dump_ms dm "$WORK/dump.txt")
	out=$(n dm "$PY" "$TOP/selftests/watch_helper.py" bind br0 "$count" 0.001 2>&1)
	check_err $? "adding $count bindings failed: $out"
	[ "$(stat_of dm bindings)" -eq "$count" ]
	check_err $? "the table holds $(stat_of dm bindings) bindings, not $count: $out"
	ms=$(dump_ms dm "$WORK/dump.txt")
	echo "# dump_at_scale: $small bindings shown in $ms_small ms, $count in $ms ms"
	[ "$(wc -l < "$WORK/dump.txt")" -eq "$count" ] &&
		[ "$(awk '{print $1}' "$WORK/dump.txt" | sort -u | wc -l)" -eq "$count" ]
	check_err $? "the dump has $(wc -l < "$WORK/dump.txt") lines, not $count distinct bindings"
	[ "$ms" -lt $((20 * ms_small + 5000)) ]
	check_err $? "10x the bindings took $ms ms, more than 20x $ms_small ms"
	n dm "$NFPOST" watch show -j dev br0 | jq -e "length == $count and all(.static)" > /dev/null
	check_err $? "the JSON dump of br0 is not whole"
	table_geometry "$count"
	ip netns del dm
	log_test "$count bindings above the default cap dump whole, in linear time, in as many buckets"
}

# The table is sized to its count: $1 bindings in dm's br0 sit in at least as
# many buckets once the resize worker has run (4,096 fixed buckets held 5,000
# in chains), and the emptied table shrinks back to a few. Polled, for the
# worker runs after the change that crossed its threshold.
table_geometry() {
	local count=$1 i st=
	for i in $(seq 100); do
		st=$(n dm "$NFPOST" watch stats -j)
		jq -e ".bindings == $count and .buckets >= .bindings" <<< "$st" > /dev/null && break
		sleep 0.1
	done
	jq -e ".bindings == $count and .buckets >= .bindings" <<< "$st" > /dev/null
	check_err $? "$count bindings are not in as many buckets: $(jq -c '{bindings, buckets}' <<< "$st")"
	# Static bindings go with their interface.
	ip -n dm link del br0
	for i in $(seq 100); do
		st=$(n dm "$NFPOST" watch stats -j)
		jq -e '.bindings == 0 and .buckets <= 16' <<< "$st" > /dev/null && break
		sleep 0.1
	done
	jq -e '.bindings == 0 and .buckets <= 16' <<< "$st" > /dev/null
	check_err $? "the emptied table did not shrink: $(jq -c '{bindings, buckets}' <<< "$st")"
}

dump_ms() {			# NS FILE: ms that `watch show` into FILE took
	local t0 t1
	t0=$(date +%s%N)
	n "$1" "$NFPOST" watch show > "$2"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

# arpwatch's reports as "KIND ADDR" lines, in nfpost's event names. In debug
# mode it mails most of them on stdout ("Subject: KIND (ADDR) IF") but logs a
# reused address as "arpwatch: KIND ADDR MAC (OLD) IF" on stderr; a report
# made both ways counts once.
arpwatch_kinds() {
	sed -nE -e 's/^Subject: ([a-z ]+) \(([0-9.]+)\) .*/\1 \2/p' \
		-e 's/^arpwatch: ([a-z ]+) ([0-9.]+) .*/\1 \2/p' "$1" |
		sed -nE -e 's/^new station /new-station /p' \
		    -e 's/^changed ethernet address /changed-lladdr /p' \
		    -e 's/^flip flop /flip-flop /p' \
		    -e 's/^reused old ethernet address /reused-lladdr /p' | uniq
}

arpwatch_agrees() {
	local x=02:00:00:00:00:41 y=02:00:00:00:00:42 z=02:00:00:00:00:43 aw
	if ! command -v arpwatch > /dev/null; then
		echo "ok - $TEST_FILE: arpwatch reports what nfpost reports # SKIP arpwatch not installed"
		return
	fi
	# arpwatch reports nothing while its database is empty (a first run
	# only learns): give it one unrelated station.
	printf '2:0:0:0:0:99\t10.0.0.99\t%s\t\tbr0\n' "$(date +%s)" > "$WORK/arp.dat"
	# ip netns exec and stdbuf exec: $! is arpwatch itself, and it waits
	# for frames once its capture is open.
	ip netns exec sw stdbuf -oL arpwatch -d -i br0 -f "$WORK/arp.dat" \
		> "$WORK/arpwatch.out" 2>&1 &
	aw=$!
	ready_waiting $aw recv
	check_err $? "arpwatch did not start: $(head -c 300 "$WORK/arpwatch.out")"
	# new station, changed, flip flop (back), changed, reused (an older one).
	frame() { echo "Ether(dst=BC, src='$1')/ARP(op=1, hwsrc='$1', psrc='10.0.0.40', pdst='10.0.0.1')"; }
	forge h3 "$(frame $x)" "$(frame $y)" "$(frame $x)" "$(frame $z)" "$(frame $y)"
	ev reused-lladdr '.addr == "10.0.0.40"'
	# arpwatch's last report (the reused address) ends what it has to say.
	for _ in $(seq 100); do
		arpwatch_kinds "$WORK/arpwatch.out" | grep -q '^reused-lladdr 10.0.0.40$' &&
			break
		sleep 0.1
	done
	kill $aw
	wait $aw 2>/dev/null
	jq -r 'select(.addr == "10.0.0.40" and (.event | test("station|lladdr|flip"))) | "\(.event) \(.addr)"' \
		"$WORK/events.json" > "$WORK/nfpost.kinds"
	arpwatch_kinds "$WORK/arpwatch.out" | grep ' 10.0.0.40$' > "$WORK/arpwatch.kinds"
	[ -s "$WORK/arpwatch.kinds" ]
	check_err $? "arpwatch reported nothing: $(head -c 300 "$WORK/arpwatch.out")"
	diff "$WORK/arpwatch.kinds" "$WORK/nfpost.kinds" > "$WORK/kinds.diff"
	check_err $? "arpwatch and nfpost disagree: $(tr '\n' ';' < "$WORK/kinds.diff")"
	log_test "arpwatch reports what nfpost reports, in the same order"
}

# A subscriber that does not read: its buffer fills, the rest is counted as
# dropped, and `nfpost monitor` says so once it reads again, then goes on.
lost_events() {
	local dropped out
	dropped=$(stat_of sw events_dropped)
	kill -STOP "$MONITOR_PID"
	out=$(n h3 "$PY" "$TOP/selftests/watch_helper.py" icmp eth0 \
		02:00:00:00:00:ee 10.0.0.3 10.0.0.99 ${LOST_FRAMES:-30000} 2>&1)
	kill -CONT "$MONITOR_PID"
	echo "# lost_events: $out"
	ev lost '' 60
	check_err $? "no lost-events notice from the monitor"
	[ "$(stat_of sw events_dropped)" -gt "$dropped" ]
	check_err $? "events_dropped did not grow"
	mark
	check_err $? "the monitor received nothing after the loss"
	log_test "a subscriber that falls behind is told, and the loss is counted"
}

reload_under_traffic() {
	local i before
	ip netns exec h1 ping -q -i 0.02 10.0.0.2 > /dev/null 2>&1 &
	local ping=$!
	for i in 1 2 3; do
		rmmod nfpost_watch
		check_err $? "rmmod $i failed while traffic flows"
		sleep 0.3
		insmod "$KMOD/nfpost_watch.ko"
		check_err $? "insmod $i failed"
		sleep 0.3
	done
	kill -0 $ping 2>/dev/null
	check_err $? "the background ping died"
	ev module-unloaded '' 5
	check_err $? "the monitor did not report the unload"
	ev module-loaded '' 5
	check_err $? "the monitor did not report the reload"
	before=$(count_events '.event == "echo-request"')
	for i in $(seq 50); do
		[ "$(count_events '.event == "echo-request"')" -gt "$before" ] && break
		sleep 0.1
	done
	[ "$(count_events '.event == "echo-request"')" -gt "$before" ]
	check_err $? "no events after the reload"
	kill $ping
	wait $ping 2>/dev/null
	monitor_stop
	rmmod nfpost_watch
	check_err $? "final rmmod failed"
	local out
	out=$(sw watch show 2>&1)
	check_fail $? "watch show succeeded without the module"
	grep -q 'not loaded' <<< "$out"
	check_err $? "no plain 'not loaded' message: $out"
	log_test "the module unloads and reloads cleanly while traffic flows"
}

# The table kept across a reload, as arpwatch keeps arp.dat: saved, the
# module reloaded (empty table), restored with static and learned kept
# apart. A file with a bad line or an absent interface applies nothing and
# names the lines; a line the kernel refuses is named, the others go in.
save_restore() {
	local out f=$WORK/arp.dat st=02:00:00:00:00:63
	lsmod | grep -q '^nfpost_watch ' || insmod "$KMOD/nfpost_watch.ko"
	n h1 arping -q -U -c 1 -w 2 -I eth0 10.0.0.1
	sw watch bind add 10.0.0.63 lladdr $st dev br0
	sw watch save "$f"
	check_err $? "watch save failed"
	grep -qx "10.0.0.1 $H1 br0 learned" "$f" && grep -qx "10.0.0.63 $st br0 static" "$f"
	check_err $? "the saved file lacks a binding: $(head -c 300 "$f")"
	rmmod nfpost_watch && insmod "$KMOD/nfpost_watch.ko"
	check_err $? "reloading the module failed"
	[ -z "$(binding_of 10.0.0.63)" ]
	check_err $? "the table survived the reload by itself"
	printf '%s\n' "10.0.0.70 02:00:00:00:00:70 br0 learned" \
		"10.0.0 02:00:00:00:00:71 br0 static" \
		"10.0.0.72 02:00:00:00:00:72 nosuch0 static" > "$WORK/bad.dat"
	out=$(sw watch restore "$WORK/bad.dat" 2>&1)
	check_fail $? "a file with bad lines was restored"
	grep -q 'bad.dat:2: not an IPv4 address' <<< "$out" &&
		grep -q 'bad.dat:3: Device "nosuch0" does not exist' <<< "$out" &&
		grep -q 'nothing restored' <<< "$out"
	check_err $? "bad lines not named: $out"
	[ -z "$(binding_of 10.0.0.70)" ]
	check_err $? "the good line of a bad file was applied"
	sw watch restore "$f"
	check_err $? "watch restore failed"
	binding_of 10.0.0.1 | jq -e ".lladdr == \"$H1\" and .static == false" > /dev/null &&
		binding_of 10.0.0.63 | jq -e ".lladdr == \"$st\" and .static" > /dev/null
	check_err $? "the restored table differs: $(sw watch show)"
	printf '%s\n' "10.0.0.74 02:00:00:00:00:74 h1 static" \
		"10.0.0.75 02:00:00:00:00:75 br0 learned" > "$WORK/port.dat"
	out=$(sw watch restore "$WORK/port.dat" 2>&1)
	check_fail $? "a line the kernel refused went unreported in the exit code"
	grep -q 'port.dat:1: Error: .*bridge port' <<< "$out" &&
		grep -q 'restored 1 of 2' <<< "$out" && [ -n "$(binding_of 10.0.0.75)" ]
	check_err $? "a refused line was not named, or the other not applied: $out"
	sw watch bind del 10.0.0.63 dev br0
	log_test "save and restore keep the table across a reload, all or named lines"
}

# Last, as WireGuard's netns.sh ends: every namespace goes, then the module,
# whose exit counts the bindings still allocated (a learned or static entry
# lost from the table's lists) and logs "nfpost_watch: leaked N bindings".
leak_check() {
	local before ns
	before=$(dmesg | grep -c 'nfpost_watch: leaked')
	monitor_stop
	lsmod | grep -q '^nfpost_watch ' || insmod "$KMOD/nfpost_watch.ko"
	ip netns add lk
	ip -n lk link add br0 type bridge
	ip -n lk link set br0 up
	n lk "$NFPOST" watch bind add 10.2.0.1 lladdr 02:00:00:00:02:01 dev br0
	check_err $? "bind add in a namespace about to go failed"
	for ns in $(ip netns list | awk '{print $1}'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns"
	done
	rmmod nfpost_watch
	check_err $? "rmmod failed"
	[ "$(dmesg | grep -c 'nfpost_watch: leaked')" -eq "$before" ]
	check_err $? "$(dmesg | grep 'nfpost_watch: leaked' | tail -n 1)"
	log_test "no binding outlives its namespace and the module"
}

require jq tc ping arping traceroute setpriv
[ -x "$PY" ] && "$PY" -c 'import scapy' 2> /dev/null || skip "python3-scapy is not installed"
setup
for t in $TESTS; do
	$t
done
exit 0
