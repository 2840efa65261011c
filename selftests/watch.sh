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
	malformed
	traceroute
	unreachable
	redirect
	flood
	sweep
	enforce
	permissions
	extack
	eviction_and_dump
	arpwatch_agrees
	reload_under_traffic
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

malformed() {
	local arp icmp
	arp=$(stat_of sw arp_malformed)
	icmp=$(stat_of sw icmp_malformed)
	forge h3 \
		"Ether(dst=BC, type=0x0806)/Raw(b'\\x00\\x01\\x08\\x00\\x06')" \
		"Ether(dst=BC)/ARP(op=1, hwlen=8, psrc='10.0.0.66', pdst='10.0.0.1')" \
		"Ether(dst=BC)/ARP(op=9, psrc='10.0.0.67', pdst='10.0.0.1')" \
		"Ether(dst='$H1')/IP(src='10.0.0.3', dst='10.0.0.1', proto=1)/Raw(b'\\x08\\x00')" \
		"Ether(dst='$H1')/IP(src='10.0.0.3', dst='10.0.0.1', ihl=15, proto=1)/Raw(b'\\x08\\x00\\x00\\x00')" \
		"Ether(dst='$H1')/IP(src='10.0.0.3', dst='10.0.0.1', len=1400)/ICMP()" \
		"Ether(dst='$H1')/IP(src='10.0.0.3', dst='10.0.0.1')/ICMP(type=3, code=1)/Raw(b'\\x45\\x00')"
	sleep 0.5
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
	log_test "every rejected request says why"
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
	sleep 0.5
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
	sleep 0.5
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
	n sw stdbuf -oL arpwatch -d -i br0 -f "$WORK/arp.dat" > "$WORK/arpwatch.out" 2>&1 &
	aw=$!
	sleep 3
	# new station, changed, flip flop (back), changed, reused (an older one).
	frame() { echo "Ether(dst=BC, src='$1')/ARP(op=1, hwsrc='$1', psrc='10.0.0.40', pdst='10.0.0.1')"; }
	forge h3 "$(frame $x)" "$(frame $y)" "$(frame $x)" "$(frame $z)" "$(frame $y)"
	ev reused-lladdr '.addr == "10.0.0.40"'
	sleep 3
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

reload_under_traffic() {
	local i before
	n h1 ping -q -i 0.02 10.0.0.2 > /dev/null 2>&1 &
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
	sleep 1
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

require jq tc ping arping traceroute setpriv
[ -x "$PY" ] && "$PY" -c 'import scapy' 2> /dev/null || skip "python3-scapy is not installed"
setup
for t in $TESTS; do
	$t
done
exit 0
