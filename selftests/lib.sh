# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the selftests: TAP results in the style of the kernel's
# net/forwarding lib.sh (check_err, log_test), namespaces, the nfpost CLI and
# its event stream.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NFPOST=$TOP/build/nfpost
KMOD=${KMOD:-$TOP/kmod}	# another build of the modules, to compare
PY=/usr/bin/python3		# Debian's: it sees python3-scapy
WORK=$(mktemp -d /tmp/selftest.XXXXXX)
RET=0
RETMSG=

# check_err RC MSG: record a failure of the current case unless RC is 0.
check_err() {
	if [ "$1" -ne 0 ] && [ "$RET" -eq 0 ]; then
		RET=$1
		RETMSG=$2
	fi
}

# check_fail RC MSG: the same, for a command that was expected to fail.
check_fail() {
	if [ "$1" -eq 0 ] && [ "$RET" -eq 0 ]; then
		RET=1
		RETMSG=$2
	fi
}

# log_test NAME: print the TAP line of the case that just ran, and reset.
log_test() {
	if [ "$RET" -eq 0 ]; then
		echo "ok - $TEST_FILE: $1"
	else
		echo "not ok - $TEST_FILE: $1"
		echo "#   $RETMSG"
	fi
	RET=0
	RETMSG=
}

skip() {
	echo "# $TEST_FILE: skipped: $*"
	exit 4
}

require() {
	local c
	for c in "$@"; do
		command -v "$c" > /dev/null || skip "$c is not installed"
	done
	[ "$(id -u)" = 0 ] || skip "needs root (run it in the lab VM: scripts/labvm)"
	[ -x "$NFPOST" ] || skip "build/nfpost is not built"
}

# Run a command in namespace $1.
n() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# host_on_bridge NS ADDR/LEN [MAC]: a host whose eth0 is a port of sw's br0.
host_on_bridge() {
	ip -n sw link add "$1" type veth peer name eth0 netns "$1"
	ip -n sw link set "$1" master br0 up
	[ -z "${3:-}" ] || ip -n "$1" link set eth0 address "$3"
	ip -n "$1" link set eth0 up
	ip -n "$1" link set lo up
	ip -n "$1" addr add "$2" dev eth0
}

# link_pair NS1 DEV1 ADDR1 NS2 DEV2 ADDR2: a point-to-point veth link.
link_pair() {
	ip -n "$1" link add "$2" type veth peer name "$5" netns "$4"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
	ip -n "$1" addr add "$3" dev "$2"
	ip -n "$4" addr add "$6" dev "$5"
}

mac_of() {			# NS DEV
	n "$1" cat "/sys/class/net/$2/address"
}

# ready_waiting PID [recv]: the process is past its setup and sleeps
# waiting for input in poll(2): `nfpost monitor` (with or without `smtp`)
# waits there only once it has subscribed (the kernel takes a subscription
# within the sendmsg(2) that asks for it). A blocking recv(2) is no sign of
# that: the monitor's setup sleeps in recv(2) for each of its requests
# (family lookups, acks), and a test that went on from there missed the
# events of the moment. With "recv", a blocking recv(2) counts too, for a
# program that reads that way once ready (a pcap reader with its capture
# open). False if it died or is not there within 10 s.
ready_waiting() {
	local i how='poll'
	[ "${2:-}" != recv ] || how='poll\|wait_for_more_packets'
	for i in $(seq 100); do
		grep -q "$how" "/proc/$1/wchan" 2> /dev/null && return 0
		kill -0 "$1" 2> /dev/null || return 1
		sleep 0.1
	done
	return 1
}

# monitor_start NS [ARG...]: stream `nfpost monitor ARG... -j` of NS into
# $WORK/events.json. `ip netns exec` execs the CLI, so $! is nfpost itself
# (not a subshell) and can be stopped, paused or waited for. Returns once it
# has subscribed; fails loudly if it died (module missing, EPERM).
monitor_start() {
	local ns=$1
	shift
	: > "$WORK/events.json"
	ip netns exec "$ns" "$NFPOST" monitor "$@" -j > "$WORK/events.json" \
		2> "$WORK/monitor.err" &
	MONITOR_PID=$!
	ready_waiting "$MONITOR_PID" ||
		{ echo "# monitor died: $(cat "$WORK/monitor.err")"; return 1; }
}

monitor_stop() {
	[ -n "${MONITOR_PID:-}" ] || return 0
	kill "$MONITOR_PID" 2>/dev/null
	wait "$MONITOR_PID" 2>/dev/null
	MONITOR_PID=
}

# wait_event JQ_FILTER [SECONDS]: true once an event line matches the filter.
wait_event() {
	local filter=$1 limit=${2:-10} i
	for i in $(seq $((limit * 10))); do
		jq -e -c "select($filter)" "$WORK/events.json" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# count_events JQ_FILTER: how many event lines so far match the filter.
count_events() {
	jq -c "select($1)" "$WORK/events.json" 2>/dev/null | wc -l
}

# stat_of NS KEY: one counter of `nfpost watch stats -j`.
stat_of() {
	n "$1" "$NFPOST" watch stats -j | jq -r ".$2"
}

# tc_count NS DEV HANDLE: packets matched by an ingress flower filter.
tc_count() {
	n "$1" tc -s -j filter show dev "$2" ingress |
		jq "[.[] | select(.options.handle == $3) | .options.actions[0].stats.packets] | add // 0"
}

lib_cleanup() {
	monitor_stop
	local ns
	for ns in $(ip netns list | awk '{print $1}'); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns"
	done
	rm -rf "$WORK"
}
