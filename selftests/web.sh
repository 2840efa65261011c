#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfpost web, live: the module's events reach browsers' Server-Sent Events
# streams (curl -N) as the very lines `nfpost monitor -j` prints, the tables
# arrive as snapshots, and any number of browsers costs one subscription.
#
#   h1 10.0.0.1 ──┐
#   h2 10.0.0.2 ──┤ br0 10.0.0.254/24   (ns sw: nfpost web on 127.0.0.1,
#                                         nfpost monitor -j, curl -N clients)

ALL_TESTS="
	live_events
	same_as_monitor
	snapshot
	one_subscription
	reload
	no_module
"
TESTS=${TESTS:-$ALL_TESTS}
TEST_FILE=web
source "$(dirname "$0")/lib.sh"

H1=02:00:00:00:00:01
H2=02:00:00:00:00:02
WEB_PID=
CURLS=()

setup() {
	require curl jq
	modprobe -a veth bridge || skip "veth or bridge modules missing"
	insmod "$KMOD/nfpost_watch.ko" || exit 1
	for ns in sw h1 h2; do
		ip netns add $ns
		ip -n $ns link set lo up
	done
	ip -n sw link add br0 type bridge
	ip -n sw link set br0 up
	ip -n sw addr add 10.0.0.254/24 dev br0
	host_on_bridge h1 10.0.0.1/24 $H1
	host_on_bridge h2 10.0.0.2/24 $H2
	monitor_start sw || exit 1
	web_start || exit 1
}

# nfpost web in sw, on a port of the kernel's choosing: ready once it says
# which (it subscribed before listening).
web_start() {
	local i
	ip netns exec sw "$NFPOST" web listen 127.0.0.1:0 root "$TOP/share/web" \
		> "$WORK/web.out" \
		2> "$WORK/web.err" &
	WEB_PID=$!
	for i in $(seq 100); do
		URL=$(sed -n 's/^nfpost web: serving //p' "$WORK/web.out")
		[ -n "$URL" ] && return 0
		kill -0 $WEB_PID 2>/dev/null || break
		sleep 0.1
	done
	echo "# nfpost web did not start: $(cat "$WORK/web.err")"
	return 1
}

# browser N: an SSE client in sw, its stream in $WORK/sse.N; ready once the
# server's hello arrived.
browser() {
	local i
	# Not through n(): $! must be curl itself, not a subshell around it.
	ip netns exec sw curl -sN "${URL}events" > "$WORK/sse.$1" 2>&1 &
	CURLS+=($!)
	for i in $(seq 100); do
		grep -q '^event: hello' "$WORK/sse.$1" && return 0
		sleep 0.1
	done
	echo "# browser $1 got no hello: $(head -c 300 "$WORK/sse.$1")"
	return 1
}

# sse_events N: the plain event lines browser N received, one JSON a line.
sse_events() {
	awk '/^event: /{ named = 1; next } /^data: /{ if (!named) print substr($0, 7) }
	     /^$/{ named = 0 }' "$WORK/sse.$1"
}

# wait_sse N JQ_FILTER: true once browser N received a matching event.
wait_sse() {
	local i
	for i in $(seq 100); do
		sse_events "$1" | jq -e -c "select($2)" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

cleanup() {
	kill "${CURLS[@]}" $WEB_PID 2>/dev/null
	wait $WEB_PID 2>/dev/null
	lib_cleanup
	lsmod | grep -q '^nfpost_watch ' && rmmod nfpost_watch
}
trap cleanup EXIT

live_events() {
	browser 1 || { check_err 1 "no SSE stream"; log_test "live events reach an SSE client"; return; }
	n h1 ping -c 2 -i 0.3 -W 2 10.0.0.2 > /dev/null
	check_err $? "h1 cannot ping h2"
	wait_sse 1 ".event == \"new-station\" and .addr == \"10.0.0.1\" and .lladdr == \"$H1\" and .ifname == \"br0\""
	check_err $? "no new-station of h1 in the stream"
	wait_sse 1 '.event == "echo-reply" and .saddr == "10.0.0.2" and .rtt_us != null'
	check_err $? "no echo reply with its RTT in the stream"
	log_test "the module's events reach an SSE client"
}

same_as_monitor() {
	local line missing=0
	n h2 arping -q -U -c 1 -w 1 -I eth0 10.0.0.2
	wait_sse 1 '.event == "gratuitous" and .addr == "10.0.0.2"'
	check_err $? "no gratuitous ARP of h2 in the stream"
	wait_event '.event == "gratuitous" and .addr == "10.0.0.2"'
	check_err $? "the monitor missed the gratuitous ARP"
	# Byte for byte: every line the monitor printed is in the stream.
	while IFS= read -r line; do
		sse_events 1 | grep -qxF "$line" || { missing=$((missing + 1)); echo "# not in the stream: $line"; }
	done < "$WORK/events.json"
	[ $missing = 0 ] && [ -s "$WORK/events.json" ]
	check_err $? "$missing line(s) of nfpost monitor -j not in the stream"
	log_test "the stream carries exactly the lines nfpost monitor -j prints"
}

snapshot() {
	local snap i
	for i in $(seq 50); do
		snap=$(awk '/^event: snapshot/{ getline; print substr($0, 7) }' "$WORK/sse.1" | tail -n 1)
		jq -e '.bindings | map(.addr) | index("10.0.0.2")' <<< "$snap" > /dev/null 2>&1 && break
		sleep 0.1
	done
	jq -e --argjson show "$(n sw "$NFPOST" watch show -j)" \
		'(.bindings | map(.addr + " " + .lladdr) | sort) ==
		 ($show | map(.addr + " " + .lladdr) | sort) and .stats.bindings >= 2' \
		<<< "$snap" > /dev/null
	check_err $? "the snapshot is not the table of watch show -j: $snap"
	log_test "snapshots carry the binding table and counters"
}

# Netlink sockets of a process: its socket fds found in its namespace's
# /proc/PID/net/netlink (/proc/net would be ours).
netlink_socks() {
	local inodes
	inodes=$(ls -l "/proc/$1/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p')
	[ -n "$inodes" ] || { echo 0; return; }
	awk 'NR > 1 { print $NF }' "/proc/$1/net/netlink" | grep -cxF "$inodes"
}

one_subscription() {
	local before after b
	before=$(netlink_socks $WEB_PID)
	for b in 2 3 4; do
		browser $b || check_err 1 "browser $b got no stream"
	done
	after=$(netlink_socks $WEB_PID)
	[ "$before" = 2 ] && [ "$after" = 2 ]
	check_err $? "netlink sockets: $before with one browser, $after with four"
	n h1 arping -q -U -c 1 -w 1 -I eth0 10.0.0.1
	for b in 1 2 3 4; do
		wait_sse $b '.event == "gratuitous" and .addr == "10.0.0.1"'
		check_err $? "browser $b missed the event"
	done
	[ "$(n sw curl -s "${URL}stats" | jq .clients)" = 4 ]
	check_err $? "the server does not count four browsers"
	log_test "four browsers, one subscription: each gets every event"
}

# The events browser 1 received after the module came back.
after_reload() {
	sse_events 1 | sed -n '/"event":"module-loaded"/,$p'
}

reload() {
	rmmod nfpost_watch
	wait_sse 1 '.event == "module-unloaded"'
	check_err $? "no module-unloaded notice in the stream"
	insmod "$KMOD/nfpost_watch.ko"
	wait_sse 1 '.event == "module-loaded"'
	check_err $? "no module-loaded notice in the stream"
	local i
	for i in $(seq 20); do
		n h1 arping -q -U -c 1 -w 1 -I eth0 10.0.0.1
		after_reload | jq -e 'select(.addr == "10.0.0.1")' > /dev/null 2>&1 && break
	done
	after_reload | jq -e 'select(.addr == "10.0.0.1")' > /dev/null 2>&1
	check_err $? "no event after the reload: not subscribed again"
	log_test "a reloaded module is followed: notices, then events again"
}

no_module() {
	local out
	kill "${CURLS[@]}" $WEB_PID 2>/dev/null
	wait $WEB_PID
	check_err $? "nfpost web did not stop cleanly on SIGTERM"
	WEB_PID=
	monitor_stop
	rmmod nfpost_watch
	out=$(n sw "$NFPOST" web listen 127.0.0.1:0 root "$TOP/share/web" 2>&1)
	[ $? = 1 ] && grep -q 'module is not loaded' <<< "$out"
	check_err $? "without the module: $out"
	log_test "without the module nfpost web says so and exits 1"
}

setup
for t in $TESTS; do
	$t
done
