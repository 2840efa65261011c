#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# nfpost_smtp end to end: python smtplib and raw-socket clients talk to
# nfpostd through the guard on the lab router; every verdict is asserted
# from the client's side (reset or not), from `nfpost monitor smtp -j`,
# from nfpostd's own log (a command the guard stopped never reaches it)
# and from the Maildir (what passes arrives byte for byte).
#
#   client 10.0.1.2 fd00:1::2 ──┐
#                               rt (the guard, FORWARD) ── server 10.0.2.2
#   mynet  10.0.3.2 ────────────┘                          fd00:2::2 nfpostd
#
# mynet is in nfpostd's mynetworks, client is not; lab.example is local.

ALL_TESTS="
	legit_delivery
	large_segments
	conn_limits
	tls_opaque_then_auth
	rcpt_limit
	size_limit
	relay_reset
	relay_seen_when_logged
	relay_mynetworks
	bytewise_and_pipelined
	extack
	ipv6
	pregreet
	teaser_cache
	lost_reset
	relay_tricks
	blocklists
	block_action
	reordered
	bare_eol_and_pipelining
	malformed
	monitor_merged
	swaks_client
	local_server
	postfix_behind
"
TESTS=${TESTS:-$ALL_TESTS}
TEST_FILE=smtp
source "$(dirname "$0")/lib.sh"

SRV=$WORK/srv
NFPOSTD=$TOP/build/nfpostd
PASS="b0b-secret"

cli() { n rt "$NFPOST" smtp "$@"; }
client() { n client "$PY" "$TOP/selftests/smtp_client.py" "$@"; }
from_mynet() { n mynet "$PY" "$TOP/selftests/smtp_client.py" "$@"; }
# batch NS < SESSIONS: one python for all (it starts slowly under TCG);
# the JSON results land in the array R, in order.
# (A file, not <(...): the lab VM's /dev has no /dev/fd.)
batch() {
	n "$1" "$PY" "$TOP/selftests/smtp_client.py" batch > "$WORK/batch.out"
	mapfile -t R < "$WORK/batch.out"
}
result() { jq -r .result <<< "$1"; }
stat_of() { cli stats -j | jq -r ".$1"; }
srv_saw() { grep -qi -- "$1" "$SRV/log"; }

# expect WHAT JSON RESULT [STEP]: the client's outcome.
expect() {
	local got step
	got=$(result "$2")
	step=$(jq -r .step <<< "$2")
	[ "$got" = "$3" ] || { check_err 1 "$1: got $2, want $3"; return; }
	[ -z "${4:-}" ] || [ "$step" = "$4" ] ||
		check_err 1 "$1: at step $step, want $4 ($2)"
}

# has_event JQ [SECONDS]: an event matching it arrived. One jq run per
# new line of the monitor's output, not per poll: jq is slow under TCG.
has_event() {
	local deadline=$(($(date +%s) + ${2:-10})) seen=-1 lines
	while :; do
		lines=$(wc -l < "$WORK/events.json")
		if [ "$lines" != "$seen" ]; then
			jq -e -c "select($1)" "$WORK/events.json" 2> /dev/null |
				grep -q . && return 0
			seen=$lines
		fi
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

expect_event() {
	has_event "$1" || check_err 1 "no event $1; got: $(cat "$WORK/events.json")"
}

nfpostd_conf() {
	mkdir -p "$SRV/mail" "$SRV/spool"
	chmod 755 "$WORK" "$SRV"
	echo "$PASS" | "$NFPOST" user -f "$SRV/users" add bob > /dev/null
	echo "alice-pw" | "$NFPOST" user -f "$SRV/users" add alice > /dev/null
	# A test certificate from the tree: a fresh VM may wait minutes for
	# the entropy openssl wants to make one.
	cp "$TOP/selftests/smtp-cert.pem" "$SRV/cert.pem"
	cp "$TOP/selftests/smtp-key.pem" "$SRV/key.pem"
	chown -R nobody: "$SRV/mail" "$SRV/spool" "$SRV/users" "$SRV/key.pem"
	cat > "$SRV/nfpostd.conf" <<-CONF
	[server]
	hostname = mx.lab.example
	user = nobody
	domains = lab.example
	mynetworks = 10.0.3.0/24
	users = $SRV/users
	mail_root = $SRV/mail
	spool = $SRV/spool
	postmaster = bob
	tls_cert = $SRV/cert.pem
	tls_key = $SRV/key.pem
	max_message_size = 1000000
	max_recipients = 20
	timeout = 30
	retry_min = 600
	# The guard's limits are under test, not nfpostd's own (60 a minute).
	max_connection_rate = 100000
	max_sessions_per_ip = 1000
	[listen]
	smtp = :25
	submission = :587
	smtps = :465
	[transport]
	elsewhere.example = 127.0.0.1:9
	CONF
}

start_nfpostd() {
	n server "$NFPOSTD" -v -c "$SRV/nfpostd.conf" 2> "$SRV/log" &
	local i
	for i in $(seq 100); do
		n server bash -c 'exec 3<>/dev/tcp/10.0.2.2/25' 2> /dev/null && return 0
		sleep 0.1
	done
	echo "# nfpostd does not listen: $(cat "$SRV/log")"
	return 1
}

monitor_smtp() {
	monitor_start rt smtp
}

setup() {
	local ns dev
	modprobe -a veth sch_netem sch_ingress cls_flower act_gact 2> /dev/null
	modprobe veth || skip "veth missing"
	insmod "$KMOD/nfpost_smtp.ko" || exit 1
	for ns in client mynet server rt; do
		ip netns add $ns
		ip -n $ns link set lo up
	done
	link_pair client eth0 10.0.1.2/24 rt eth1 10.0.1.1/24
	link_pair server eth0 10.0.2.2/24 rt eth2 10.0.2.1/24
	link_pair mynet eth0 10.0.3.2/24 rt eth3 10.0.3.1/24
	ip -n client addr add fd00:1::2/64 dev eth0 nodad
	ip -n rt addr add fd00:1::1/64 dev eth1 nodad
	ip -n server addr add fd00:2::2/64 dev eth0 nodad
	ip -n rt addr add fd00:2::1/64 dev eth2 nodad
	ip -n client route add default via 10.0.1.1
	ip -n server route add default via 10.0.2.1
	ip -n mynet route add default via 10.0.3.1
	ip -n client -6 route add default via fd00:1::1
	ip -n server -6 route add default via fd00:2::1
	n rt sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	# A veth queues what it receives on the backlog of the CPU that sent
	# it. The client's TCP sends from its process and from the softirq
	# its ACKs arrive on, so the two CPUs' backlogs can swap two of its
	# segments: a reordering no NIC with RSS makes, after which the
	# guard must drop every 64 KiB segment until the gap fills. RPS on
	# rt's ends steers a flow to one CPU's backlog, as RSS would.
	for dev in eth1 eth2 eth3; do
		n rt sh -c "echo 3 > /sys/class/net/$dev/queues/rx-0/rps_cpus" ||
			exit 1
	done
	nfpostd_conf
	start_nfpostd || exit 1
	# One file states the relay rules for nfpostd and the guard.
	cli load -c "$SRV/nfpostd.conf" || exit 1
	cli set action relay reset || exit 1
	monitor_smtp || exit 1
}

cleanup() {
	lib_cleanup
	rmmod nfpost_smtp 2> /dev/null
	rmmod nfpost_watch 2> /dev/null
}
trap cleanup EXIT

# in_bobs_maildir TOKEN: the message sent with --token TOKEN --out
# $WORK/TOKEN.eml is in bob's new/, as sent (nfpostd prepends Return-Path
# and Received; the rest must be byte for byte the same).
in_bobs_maildir() {
	local f
	for _ in $(seq 50); do
		f=$(grep -l "$1" "$SRV"/mail/bob/new/* 2> /dev/null | head -1)
		[ -n "$f" ] && break
		sleep 0.1
	done
	[ -n "$f" ] || { check_err 1 "no message in bob's Maildir"; return; }
	tail -c "$(stat -c %s "$WORK/$1.eml")" "$f" |
		cmp -s - "$WORK/$1.eml" || check_err 1 "message altered"
}

legit_delivery() {
	local r
	r=$(client send 10.0.2.2 alice@client.example bob@lab.example \
		--token legit-1 --out "$WORK/legit-1.eml")
	expect "delivery" "$r" ok
	in_bobs_maildir legit-1
	[ "$(count_events '.event')" = 0 ] ||
		check_err 1 "events for legitimate mail: $(cat "$WORK/events.json")"
	[ "$(stat_of flows_new)" -ge 1 ] || check_err 1 "no flow was tracked"
	log_test "legitimate mail for a local domain passes byte for byte"
}

# smtplib hands the whole message to one send(): the client's TSO makes
# segments of up to 64 KiB, far longer than the guard's window, and they
# cross rt as they are. Each was dropped (window_drops) and came again in
# MSS-sized pieces only after a retransmission timeout, 200 ms or more.
large_segments() {
	local r before retrans
	before=$(stat_of window_drops)
	retrans=$(n client nstat -az TcpRetransSegs | awk '/TcpRetransSegs/ { print $2 }')
	r=$(client send 10.0.2.2 alice@client.example bob@lab.example \
		--size 200000 --token large-1 --out "$WORK/large-1.eml")
	expect "large message" "$r" ok
	in_bobs_maildir large-1
	[ "$(stat_of window_drops)" = "$before" ] ||
		check_err 1 "$(($(stat_of window_drops) - before)) segments dropped as past the window (guard: $(cli stats -j | jq -c '{packets, retransmits, reordered, window_drops, nomem}'); client's retransmitted segments: $retrans -> $(n client nstat -az TcpRetransSegs | awk '/TcpRetransSegs/ { print $2 }'))"
	log_test "segments longer than the window (TSO, GRO) pass whole, none dropped"
}

relay_reset() {
	local r
	r=$(client send 10.0.2.2 a@client.example x1@elsewhere.example)
	expect "relay" "$r" reset rcpt
	expect_event '.event == "relay" and .action == "reset" and
		.client == "10.0.1.2" and .server == "10.0.2.2" and
		.server_port == 25 and
		(.command | ascii_downcase) == "rcpt to:<x1@elsewhere.example>"'
	! srv_saw "x1@elsewhere.example" || check_err 1 "nfpostd saw the RCPT"
	[ "$(stat_of resets_sent)" -ge 2 ] || check_err 1 "no resets counted"
	log_test "relay from outside is reset before the server reads the RCPT"
}

# The control of the test above: with the action "log" nfpostd does see it.
relay_seen_when_logged() {
	local r
	cli set action relay log
	r=$(client send 10.0.2.2 a@client.example x2@elsewhere.example)
	expect "relay logged" "$r" rejected rcpt
	expect_event '.event == "relay" and .action == "log" and
		(.command | test("x2@"))'
	for _ in $(seq 30); do srv_saw "x2@elsewhere.example" && break; sleep 0.1; done
	srv_saw "x2@elsewhere.example" || check_err 1 "nfpostd's log lacks the RCPT"
	cli set action relay reset
	log_test "relay under the log action reaches the server, with an event"
}

relay_tricks() {
	local paths=('x%t1.example@lab.example' 't2.example!x@lab.example'
		     '"x@t3.example"@lab.example' '@lab.example:x@t4.example'
		     'x@T5.Example.' '<x@t6.example') i
	for i in "${!paths[@]}"; do
		printf "script 10.0.2.2 'EHLO c.example' 'MAIL FROM:<a@client.example>' %q\n" \
			"RCPT TO:<${paths[$i]}>"
	done > "$WORK/tricks.in"
	batch client < "$WORK/tricks.in"	# not in a pipe: R is set here
	for i in "${!paths[@]}"; do
		expect "${paths[$i]}" "${R[$i]:-}" reset
		! srv_saw "t$((i + 1)).example" || check_err 1 "nfpostd saw ${paths[$i]}"
	done
	log_test "percent hack, bang path, quoted @, source route, bad path: reset"
}

# swaks in the client: another client's reading of the replies, and its
# exit status. It looks its host name up whatever the options; in a UTS
# namespace named localhost, /etc/hosts answers and no DNS query goes out.
swaks_from_client() {
	n client unshare --uts sh -c 'hostname localhost && exec swaks "$@"' \
		swaks --server 10.0.2.2 --helo c.example --from a@client.example \
		--timeout 10 "$@"
}

swaks_client() {
	local f
	command -v swaks > /dev/null ||
		{ echo "# swaks_client: no swaks, skipped"; return; }
	swaks_from_client --to bob@lab.example --body "swaks-1 passes" \
		> "$WORK/swaks-1.out" 2>&1 ||
		check_err 1 "swaks delivery: $(tail -5 "$WORK/swaks-1.out")"
	for _ in $(seq 50); do
		f=$(grep -l swaks-1 "$SRV"/mail/bob/new/* 2> /dev/null | head -1)
		[ -n "$f" ] && break
		sleep 0.1
	done
	[ -n "$f" ] || check_err 1 "swaks' message is not in bob's Maildir"
	swaks_from_client --to x8@elsewhere.example > "$WORK/swaks-2.out" 2>&1 &&
		check_err 1 "swaks' relay attempt succeeded"
	grep -q '^ *-> RCPT TO:<x8@elsewhere.example>' "$WORK/swaks-2.out" &&
		grep -q 'closed connection unexpectedly' "$WORK/swaks-2.out" &&
		! grep -q '^<- *354' "$WORK/swaks-2.out" ||
		check_err 1 "swaks was not cut at its RCPT: $(cat "$WORK/swaks-2.out")"
	expect_event '.event == "relay" and (.command | test("x8@"))'
	! srv_saw "x8@elsewhere.example" || check_err 1 "nfpostd saw x8's RCPT"
	log_test "swaks: its delivery passes, its relay is reset at the RCPT"
}

relay_mynetworks() {
	local r
	r=$(from_mynet send 10.0.2.2 a@mynet.lab.example x3@elsewhere.example)
	expect "relay from mynetworks" "$r" ok
	! has_event '.event == "relay" and .client == "10.0.3.2"' 1 ||
		check_err 1 "an event for mynetworks"
	log_test "relay from mynetworks passes"
}

tls_opaque_then_auth() {
	local r opaque
	opaque=$(stat_of opaque)
	r=$(client tls 10.0.2.2 bob "$PASS" x4@elsewhere.example)
	expect "starttls" "$r" ok
	[ "$(jq .before <<< "$r")" -ge 500 ] ||
		check_err 1 "nfpostd itself should refuse relay before AUTH: $r"
	[ "$(jq .code <<< "$r")" = 250 ] || check_err 1 "relay after AUTH: $r"
	[ "$(stat_of opaque)" -gt "$opaque" ] || check_err 1 "not counted opaque"
	! has_event '.command | test("x4@")' 1 || check_err 1 "guard read TLS"
	log_test "STARTTLS makes the session opaque; relay after AUTH passes"
}

pregreet() {
	local r
	tc -n server qdisc add dev eth0 root netem delay 400ms 2> /dev/null ||
		{ echo "# pregreet: no netem, skipped"; return; }
	cli set action pregreet reset
	r=$(client script 10.0.2.2 --pregreet "EHLO early.example")
	tc -n server qdisc del dev eth0 root
	expect "pregreet" "$r" reset
	expect_event '.event == "pregreet" and .action == "reset"'
	r=$(client script 10.0.2.2 "EHLO patient.example" "QUIT")
	expect "after the greeting" "$r" ok
	log_test "pregreet: bytes before the 220 are reset"
}

# postscreen's greet_wait and verdict cache: the guard holds the end of
# nfpostd's greeting for the teaser time; a client silent through it is
# cached as passed and skips the wait; one that talks first is reset and
# cached as failed: its next SYN is reset before nfpostd sees it.
teaser_cache() {
	local holds pass fail err
	err=$(cli set teaser 60001 2>&1) && check_err 1 "teaser 60001 accepted"
	grep -q "range" <<< "$err" || check_err 1 "no extack: $err"
	holds=$(stat_of teaser_holds)
	pass=$(stat_of cache_pass)
	cli set teaser 1500 pass-ttl 60000 fail-ttl 60000 action pregreet reset
	batch client <<-'EOF'
	script 10.0.2.2 'EHLO patient.example' QUIT
	script 10.0.2.2 'EHLO again.example' QUIT
	EOF
	expect "patient client" "${R[0]:-}" ok
	# Timed from the client's connect, the teaser from its SYN: under TCG
	# some 100 ms lie between; the server's retransmission comes later.
	[ "$(jq .greet_ms <<< "${R[0]:-null}")" -ge 1000 ] ||
		check_err 1 "the greeting was not held: ${R[0]:-}"
	expect "cached pass" "${R[1]:-}" ok
	[ "$(stat_of teaser_holds)" -gt "$holds" ] || check_err 1 "no hold counted"
	[ "$(stat_of cache_pass)" = $((pass + 1)) ] ||
		check_err 1 "the second session did not skip the teaser"
	cli cache show -j | jq -e '.[] | select(.client == "10.0.1.2" and
		.verdict == "pass" and .remaining_ms > 0)' > /dev/null ||
		check_err 1 "no pass cached: $(cli cache show -j)"
	cli cache flush 10.0.1.2 || check_err 1 "cache flush 10.0.1.2"
	fail=$(stat_of cache_fail)
	batch client <<-'EOF'
	script 10.0.2.2 --pregreet 'EHLO early.example'
	script 10.0.2.2 'EHLO later.example' QUIT
	EOF
	expect "talks during the teaser" "${R[0]:-}" reset
	expect "cached failure" "${R[1]:-}" refused connect
	expect_event '.event == "pregreet" and .action == "reset" and
		.client == "10.0.1.2" and .value > 0'
	[ "$(stat_of cache_fail)" -gt "$fail" ] || check_err 1 "cache_fail not counted"
	cli cache show | grep -q "^10.0.1.2 pregreet fail remaining" ||
		check_err 1 "no failure cached: $(cli cache show)"
	cli set teaser 0 fail-ttl 0
	cli cache flush
	[ "$(cli cache show -j | jq length)" = 0 ] || check_err 1 "cache not flushed"
	err=$(cli cache flush 10.0.1.2 2>&1) && check_err 1 "flush of nothing"
	grep -q "no verdict" <<< "$err" || check_err 1 "no extack: $err"
	log_test "teaser holds the greeting; pass and fail verdicts are cached"
}

# drops_of DEV: packets tc's drop filter on rt's DEV has dropped.
drops_of() {
	tc -s -j -n rt filter show dev "$1" egress |
		jq '[.[].options.actions[]?.stats.packets // 0] | add // 0'
}

# A reset lost on the way, or overtaken by a segment already past the
# guard, leaves an end alive. The flow stays dead: whatever either end
# sends next is dropped and answered with a reset at the sequence number
# its own ACK says it expects. tc drops the first resets to both ends.
lost_reset() {
	local dev sent pid r
	cli set teaser 1500 pass-ttl 0 fail-ttl 0 action pregreet reset
	sent=$(stat_of resets_sent)
	for dev in eth1 eth2; do
		tc -n rt qdisc add dev $dev clsact
		tc -n rt filter add dev $dev egress protocol ip flower \
			ip_proto tcp tcp_flags 0x4/0x4 action drop
	done
	client script 10.0.2.2 --pregreet 'EHLO lost.example' > "$WORK/lost.out" &
	pid=$!
	for _ in $(seq 100); do
		[ "$(drops_of eth1)" -ge 1 ] && [ "$(drops_of eth2)" -ge 1 ] && break
		sleep 0.1
	done
	[ "$(drops_of eth1)" -ge 1 ] && [ "$(drops_of eth2)" -ge 1 ] ||
		check_err 1 "tc dropped no reset: $(drops_of eth1) $(drops_of eth2)"
	for dev in eth1 eth2; do
		tc -n rt qdisc del dev $dev clsact
	done
	wait $pid
	r=$(cat "$WORK/lost.out")
	expect "the client's reset lost" "$r" reset "EHLO lost.example"
	for _ in $(seq 100); do
		[ -z "$(n server ss -Htn state established dst 10.0.1.2)" ] && break
		sleep 0.1
	done
	[ -z "$(n server ss -Htn state established dst 10.0.1.2)" ] ||
		check_err 1 "the server's end lives on: $(n server ss -tn)"
	# Those tc dropped did not leave: the two counted are the new ones.
	[ "$(stat_of resets_sent)" -ge $((sent + 2)) ] ||
		check_err 1 "resets sent: $sent before, $(stat_of resets_sent) after"
	cli set teaser 0
	log_test "a lost reset: the next segment from either end is reset again"
}

conn_limits() {
	local r
	cli set conn-rate 3 action conn-rate reset
	r=$(client conns 10.0.2.2 5)
	[ "$(jq .greeted <<< "$r")" = 3 ] || check_err 1 "conn-rate 3: $r"
	expect_event '.event == "conn-rate" and .value == 4'
	cli set conn-rate 0 conn-max 2 action conn-limit reset
	r=$(client conns 10.0.2.2 4)
	[ "$(jq .greeted <<< "$r")" = 2 ] || check_err 1 "conn-max 2: $r"
	expect_event '.event == "conn-limit" and .value == 3'
	cli set conn-max 0
	log_test "connection rate and concurrent connections per client"
}

rcpt_limit() {
	local r
	cli set max-rcpt 2 action rcpt-limit reset
	r=$(client send 10.0.2.2 a@client.example \
		bob@lab.example,alice@lab.example,postmaster@lab.example)
	expect "third recipient" "$r" reset rcpt
	expect_event '.event == "rcpt-limit" and .value == 3'
	r=$(client send 10.0.2.2 a@client.example bob@lab.example,alice@lab.example)
	expect "two recipients" "$r" ok
	cli set max-rcpt 0
	log_test "recipients per transaction"
}

size_limit() {
	local r
	cli set max-size 4000 action size reset
	r=$(client send 10.0.2.2 a@client.example bob@lab.example --size 20000 \
		--token big-1)
	expect "big message" "$r" reset data
	expect_event '.event == "size" and .value > 4000'
	! grep -qs big-1 "$SRV"/mail/bob/new/* || check_err 1 "big message stored"
	cli set max-size 0
	log_test "DATA size limit resets before the end of data"
}

blocklists() {
	local r
	cli set block-clients 10.0.1.0/24 action client reset
	r=$(client send 10.0.2.2 a@client.example bob@lab.example)
	expect "client blocklist" "$r" refused connect
	expect_event '.event == "client"'
	cli set block-clients none block-helo bad.example,.worse.example \
		action helo reset
	r=$(client send 10.0.2.2 a@client.example bob@lab.example --helo a.WORSE.example)
	expect "helo blocklist" "$r" reset ehlo
	expect_event '.event == "helo" and (.command | test("WORSE"))'
	cli set block-helo none block-senders spam@evil.example action sender reset
	r=$(client send 10.0.2.2 SPAM@evil.example bob@lab.example)
	expect "sender blocklist" "$r" reset mail
	expect_event '.event == "sender"'
	cli set block-senders none
	log_test "client, HELO and sender blocklists"
}

block_action() {
	local r
	cli set action relay block block-time 60000
	r=$(client send 10.0.2.2 a@client.example x5@elsewhere.example)
	expect "relay" "$r" reset rcpt
	r=$(SMTP_TIMEOUT=2 client send 10.0.2.2 a@client.example bob@lab.example)
	expect "blocked client" "$r" timeout connect
	cli block show -j | jq -e '.[] | select(.client == "10.0.1.2")' \
		> /dev/null || check_err 1 "not in block show"
	[ "$(stat_of blocked_drops)" -ge 1 ] || check_err 1 "drops not counted"
	cli block del 10.0.1.2 || check_err 1 "block del"
	r=$(client send 10.0.2.2 a@client.example bob@lab.example)
	expect "unblocked" "$r" ok
	cli set action relay reset
	log_test "block: reset, then new connections dropped until unblocked"
}

bytewise_and_pipelined() {
	batch client <<-'EOF'
	script 10.0.2.2 --bytewise 'EHLO c.example' 'MAIL FROM:<a@client.example>' 'RCPT TO:<x@t7.example>'
	script 10.0.2.2 --bytewise 'EHLO c.example' 'MAIL FROM:<a@client.example>' 'RCPT TO:<bob@lab.example>' RSET QUIT
	script 10.0.2.2 'EHLO c.example' 'MAIL FROM:<a@client.example>\nRCPT TO:<x@t8.example>'
	EOF
	expect "1-byte segments" "${R[0]:-}" reset
	expect "1-byte legitimate" "${R[1]:-}" ok
	expect "pipelined" "${R[2]:-}" reset
	! srv_saw "t7.example" && ! srv_saw "t8.example" ||
		check_err 1 "nfpostd saw a stopped RCPT"
	log_test "1-byte segments and pipelined commands are judged alike"
}

reordered() {
	local r before
	tc -n client qdisc add dev eth0 root netem delay 30ms reorder 50% \
		2> /dev/null || { echo "# reordered: no netem, skipped"; return; }
	before=$(stat_of reordered)
	r=$(client script 10.0.2.2 --bytewise "EHLO c.example" \
		"MAIL FROM:<a@client.example>" "RCPT TO:<x@t9.example>")
	expect "reordered relay" "$r" reset
	r=$(client script 10.0.2.2 --bytewise "EHLO c.example" \
		"MAIL FROM:<a@client.example>" "RCPT TO:<bob@lab.example>" "QUIT")
	expect "reordered legitimate" "$r" ok
	tc -n client qdisc del dev eth0 root
	[ "$(stat_of reordered)" -gt "$before" ] || check_err 1 "nothing reordered"
	! srv_saw "t9.example" || check_err 1 "nfpostd saw t9"
	log_test "reordered segments are judged alike"
}

bare_eol_and_pipelining() {
	local r
	cli set action bare-eol reset action pipelining reset
	r=$(client script 10.0.2.2 "EHLO c.example" "MAIL FROM:<a@client.example>" \
		"RCPT TO:<bob@lab.example>" "DATA" \
		"hi<LF>.<LF>MAIL FROM:<a@c>\\nRCPT TO:<x@t10.example>")
	expect "bare LF" "$r" reset
	expect_event '.event == "bare-eol"'
	r=$(client script 10.0.2.2 "EHLO c.example" "MAIL FROM:<a@client.example>" \
		"RCPT TO:<bob@lab.example>" "DATA\\nSubject: early")
	expect "DATA pipelined" "$r" reset
	expect_event '.event == "pipelining"'
	! srv_saw "t10.example" || check_err 1 "nfpostd saw t10"
	log_test "bare LF in DATA and bytes ahead of the 354 are reset"
}

# The guard in front of a server on its own host: a second nfpostd in rt
# (its own Maildir and spool, the same relay rules), which the client
# reaches at 10.0.1.1. LOCAL_IN reads the client, LOCAL_OUT the replies.
LOC=$WORK/local
local_server() {
	local pid f i
	mkdir -p "$LOC/mail" "$LOC/spool"
	chown nobody: "$LOC/mail" "$LOC/spool"
	chmod 755 "$LOC"
	sed -e "s|^mail_root = .*|mail_root = $LOC/mail|" \
		-e "s|^spool = .*|spool = $LOC/spool|" \
		"$SRV/nfpostd.conf" > "$LOC/nfpostd.conf"
	ip netns exec rt "$NFPOSTD" -v -c "$LOC/nfpostd.conf" 2> "$LOC/log" &
	pid=$!
	for i in $(seq 100); do
		n rt bash -c 'exec 3<>/dev/tcp/10.0.1.1/25' 2> /dev/null && break
		sleep 0.1
	done
	batch client <<-'EOF'
	send 10.0.1.1 a@client.example bob@lab.example --token local-1
	send 10.0.1.1 a@client.example x9@elsewhere.example
	EOF
	expect "local delivery" "${R[0]:-}" ok
	expect "relay to a local server" "${R[1]:-}" reset rcpt
	expect_event '.event == "relay" and .server == "10.0.1.1" and
		(.command | test("x9@"))'
	for _ in $(seq 50); do
		f=$(grep -l local-1 "$LOC"/mail/bob/new/* 2> /dev/null | head -1)
		[ -n "$f" ] && break
		sleep 0.1
	done
	[ -n "$f" ] || check_err 1 "no message in rt's Maildir: $(cat "$LOC/log")"
	! grep -q "x9@elsewhere.example" "$LOC/log" ||
		check_err 1 "rt's nfpostd saw the RCPT"
	kill $pid
	wait $pid 2> /dev/null
	log_test "a server on the guard's own host (LOCAL_IN, LOCAL_OUT)"
}

# Debian's Postfix as the server behind the guard, in its own namespace
# (pfsrv, 10.0.4.2) with its own config and queue under $WORK: the same
# domain and mynetworks as nfpostd, mail for lab.example to a Maildir,
# anything else to the discard transport (nothing leaves, no DNS).
PF=$WORK/pf
start_postfix() {
	local uid gid i
	uid=$(id -u postfix) && gid=$(id -g postfix) || return 1
	ip netns add pfsrv
	ip -n pfsrv link set lo up
	link_pair pfsrv eth0 10.0.4.2/24 rt eth4 10.0.4.1/24
	ip -n pfsrv route add default via 10.0.4.1
	mkdir -p "$PF/conf" "$PF/queue" "$PF/data" "$PF/mail"
	chown postfix: "$PF/data" "$PF/mail"
	cp /etc/postfix/master.cf "$PF/conf/"
	cat > "$PF/conf/main.cf" <<-CONF
	compatibility_level = 3.6
	queue_directory = $PF/queue
	data_directory = $PF/data
	myhostname = mx.lab.example
	mydomain = lab.example
	mydestination =
	inet_interfaces = 10.0.4.2
	inet_protocols = ipv4
	mynetworks = 10.0.3.0/24
	smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
	virtual_mailbox_domains = lab.example
	virtual_mailbox_base = $PF/mail
	virtual_mailbox_maps = static:box/
	virtual_uid_maps = static:$uid
	virtual_gid_maps = static:$gid
	# discard, not error: smtpd refuses at RCPT what goes to error.
	default_transport = discard:no mail leaves the lab
	relay_transport = discard:no mail leaves the lab
	smtp_dns_support_level = disabled
	maillog_file = $PF/log
	maillog_file_prefixes = $WORK
	alias_maps =
	alias_database =
	biff = no
	CONF
	postconf -c "$PF/conf" -F '*/*/chroot = n' || return 1
	# The queue's directories as postfix-files lists them, and the
	# quick-start mark: `postfix start` then skips its integrity checks
	# (post-install, postsuper, find), a minute of a loaded lab VM.
	(cd "$PF/queue" && mkdir -m 700 active bounce corrupt defer deferred \
		flush hold incoming private saved trace &&
		mkdir -m 730 maildrop && mkdir -m 710 public &&
		mkdir -m 755 pid && touch quick-start &&
		chown postfix: active bounce corrupt defer deferred flush hold \
			incoming private saved trace &&
		chown postfix:postdrop maildrop public) || return 1
	n pfsrv postfix -c "$PF/conf" start > /dev/null 2>&1 ||
		{ echo "# postfix: $(cat "$PF/log" 2> /dev/null)"; return 1; }
	for i in $(seq 100); do
		n pfsrv bash -c 'exec 3<>/dev/tcp/10.0.4.2/25' 2> /dev/null && return 0
		sleep 0.1
	done
	echo "# postfix does not listen: $(cat "$PF/log")"
	return 1
}

# The relay tests again, with Postfix behind the guard.
postfix_behind() {
	local r f
	command -v postfix > /dev/null ||
		{ echo "# postfix_behind: no postfix, skipped"; return; }
	start_postfix || { check_err 1 "postfix did not start"; log_test "postfix"; return; }
	# Postfix's first RCPT waits for trivial-rewrite to start: under a
	# loaded TCG that outlasted the client's 8 s.
	SMTP_TIMEOUT=30 batch client <<-EOF
	send 10.0.4.2 a@client.example bob@lab.example --token pf-legit --out $WORK/pf-legit.eml
	send 10.0.4.2 a@client.example p1@elsewhere.example
	script 10.0.4.2 'EHLO c.example' 'MAIL FROM:<a@client.example>' 'RCPT TO:<p2%elsewhere.example@lab.example>'
	EOF
	expect "legitimate through postfix" "${R[0]:-}" ok
	expect "relay to postfix" "${R[1]:-}" reset rcpt
	expect "percent hack to postfix" "${R[2]:-}" reset
	r=$(SMTP_TIMEOUT=30 from_mynet send 10.0.4.2 a@mynet.lab.example p3@elsewhere.example)
	expect "relay from mynetworks to postfix" "$r" ok
	expect_event '.event == "relay" and .server == "10.0.4.2" and
		(.command | test("p1@"))'
	for _ in $(seq 50); do
		f=$(grep -l pf-legit "$PF"/mail/box/new/* 2> /dev/null | head -1)
		[ -n "$f" ] && break
		sleep 0.1
	done
	[ -n "$f" ] || check_err 1 "no message in Postfix's Maildir"
	# Postfix stores lines ending in LF alone (virtual(8) writes them so):
	# the message as sent, CRLF made LF, must end its Maildir file.
	sed 's/\r$//' "$WORK/pf-legit.eml" > "$WORK/pf-legit.lf"
	[ -z "$f" ] || tail -c "$(stat -c %s "$WORK/pf-legit.lf")" "$f" |
		cmp -s - "$WORK/pf-legit.lf" ||
		check_err 1 "message altered: $(diff "$WORK/pf-legit.lf" "$f" | head -20)"
	grep -q "p3@elsewhere.example" "$PF/log" ||
		check_err 1 "postfix did not log the mynetworks relay"
	! grep -q "p1@\|p2%" "$PF/log" ||
		check_err 1 "postfix saw a stopped RCPT: $(grep "p1@\|p2%" "$PF/log")"
	# `postfix stop` is this kill and a wait, through a shell and postconf.
	kill "$(sed 1q "$PF/queue/pid/master.pid")"
	log_test "Postfix behind the guard: relay reset, local and mynetworks pass"
}

# Plain `nfpost monitor` (text and -j) shows the guard's events among
# nfpost_watch's, on one socket.
monitor_merged() {
	local r jpid tpid
	insmod "$KMOD/nfpost_watch.ko" ||
		{ check_err 1 "insmod nfpost_watch"; log_test "monitor merged"; return; }
	ip netns exec rt "$NFPOST" monitor -j > "$WORK/merged.json" \
		2> "$WORK/merged.err" &
	jpid=$!
	ip netns exec rt "$NFPOST" monitor > "$WORK/merged.txt" 2>&1 &
	tpid=$!
	ready_waiting $jpid && ready_waiting $tpid ||
		check_err 1 "monitors not ready: $(cat "$WORK/merged.err" "$WORK/merged.txt")"
	# rt meets the client anew (its ARP), and the client tries to relay.
	ip -n rt neigh flush dev eth1
	ip -n client neigh flush dev eth0
	r=$(client send 10.0.2.2 a@client.example x7@elsewhere.example)
	expect "relay" "$r" reset rcpt
	for _ in $(seq 50); do
		grep -q '"module":"smtp"' "$WORK/merged.json" &&
			grep -q 'new-station' "$WORK/merged.json" &&
			grep -q '^smtp relay reset' "$WORK/merged.txt" && break
		sleep 0.2
	done
	jq -e -s 'any(.[]; .module == "smtp" and .event == "relay" and
		.client == "10.0.1.2" and (.command | test("x7@"))) and
		any(.[]; .event == "new-station" and .addr == "10.0.1.2")' \
		"$WORK/merged.json" > /dev/null ||
		check_err 1 "monitor -j: $(cat "$WORK/merged.json")"
	grep -qi '^smtp relay reset client 10.0.1.2:[0-9]* server 10.0.2.2:25 command "RCPT TO:<x7@elsewhere.example>"' \
		"$WORK/merged.txt" && grep -q 'new.station.*10\.0\.1\.2' "$WORK/merged.txt" ||
		check_err 1 "monitor: $(cat "$WORK/merged.txt")"
	kill $jpid $tpid
	wait $jpid $tpid 2> /dev/null
	rmmod nfpost_watch || check_err 1 "rmmod nfpost_watch"
	log_test "plain monitor merges smtp events with nfpost_watch's (text, -j)"
}

ipv6() {
	batch client <<-'EOF'
	send fd00:2::2 a@client.example x6@elsewhere.example
	send fd00:2::2 a@client.example bob@lab.example
	EOF
	expect "relay over IPv6" "${R[0]:-}" reset rcpt
	expect_event '.event == "relay" and .client == "fd00:1::2"'
	expect "legitimate over IPv6" "${R[1]:-}" ok
	log_test "IPv6: relay reset, legitimate mail passes"
}

malformed() {
	local before_tcp before_smtp r
	before_tcp=$(stat_of tcp_malformed)
	before_smtp=$(stat_of smtp_malformed)
	n client "$PY" - <<-'PY' || check_err 1 "scapy failed"
	from scapy.all import IP, TCP, Raw, send, conf
	conf.verb = 0
	ip = IP(src="10.0.1.2", dst="10.0.2.2")
	send([ip / TCP(sport=4000, dport=25, flags="PA", chksum=1) / Raw(b"RCPT TO:<x@y>\r\n"),
	      IP(src="10.0.1.2", dst="10.0.2.2", flags="MF") / TCP(sport=4001, dport=25) / Raw(b"x" * 64),
	      ip / TCP(sport=4002, dport=25, dataofs=15) / Raw(b"x")])
	PY
	r=$(client script 10.0.2.2 "NOOP $(printf 'x%.0s' $(seq 600))" "QUIT")
	expect "long line" "$r" ok
	[ "$(stat_of tcp_malformed)" -ge $((before_tcp + 3)) ] ||
		check_err 1 "malformed TCP not counted: $(stat_of tcp_malformed)"
	[ "$(stat_of smtp_malformed)" -gt "$before_smtp" ] ||
		check_err 1 "long line not counted"
	log_test "malformed TCP and SMTP input is counted"
}

extack() {
	local err
	err=$(cli set max-flows 1 2>&1) && check_err 1 "max-flows 1 accepted"
	grep -q "range" <<< "$err" || check_err 1 "no extack: $err"
	err=$(cli block del 10.9.9.9 2>&1) && check_err 1 "del of no block"
	grep -q "not blocked" <<< "$err" || check_err 1 "no extack: $err"
	err=$(ip netns exec rt setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$NFPOST" smtp set max-rcpt 1 2>&1) &&
		check_err 1 "unprivileged set accepted"
	grep -qi "CAP_NET_ADMIN" <<< "$err" || check_err 1 "no EPERM: $err"
	ip netns exec rt setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$NFPOST" smtp show -j |
		jq -e .ports > /dev/null || check_err 1 "unprivileged show failed"
	log_test "bad requests get an extack message; set needs CAP_NET_ADMIN"
}

require jq "$PY"
setup
for t in $TESTS; do
	$t
done
