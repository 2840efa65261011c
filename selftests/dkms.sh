#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The modules DKMS built for this kernel (scripts/test-dkms keeps them in
# build/dkms/modules/) load, answer over generic netlink and unload: every
# module kmod/Kbuild builds, none named here.

ALL_TESTS="
	load_all
	watch_answers
	unload_all
"
TESTS=${TESTS:-$ALL_TESTS}
TEST_FILE=dkms
source "$(dirname "$0")/lib.sh"

DKMS_MODULES=$TOP/build/dkms/modules
MODULES=$(sed -n 's/^obj-m[[:space:]]*[:+]\?=//p' "$KMOD/Kbuild" | sed 's/\.o\b//g')

cleanup() {
	local m
	for m in $MODULES; do
		[ -d "/sys/module/$m" ] && rmmod "$m"
	done
	lib_cleanup
}

# Dependencies first: a module whose symbols are not there yet is tried
# again in the next round.
load_all() {
	local left=$MODULES round m d again
	# insmod loads no dependency: the kernel's own (bridge, for
	# nfpost_mcast) come from modprobe, ours from the rounds below.
	for m in $MODULES; do
		for d in $(modinfo -F depends "$DKMS_MODULES/$m.ko" | tr , ' '); do
			modprobe -q "$d" || :
		done
	done
	for round in $MODULES; do
		again=
		for m in $left; do
			insmod "$DKMS_MODULES/$m.ko" 2> "$WORK/insmod.err" ||
				again="$again $m"
		done
		left=$again
	done
	check_err "$([ -z "$left" ]; echo $?)" "not loaded:$left: $(cat "$WORK/insmod.err")"
	for m in $MODULES; do
		[ "$(cat "/sys/module/$m/initstate" 2>/dev/null)" = live ] ||
			check_err 1 "$m is not live"
	done
	log_test "every DKMS-built module loads: $(echo $MODULES)"
}

watch_answers() {
	"$NFPOST" watch stats -j | jq -e 'type == "object" and length > 0' > /dev/null
	check_err $? "nfpost watch stats -j: $("$NFPOST" watch stats -j 2>&1 | head -c 200)"
	log_test "nfpost watch stats answers from the DKMS-built nfpost_watch"
}

unload_all() {
	local m
	for m in $(echo $MODULES | tr ' ' '\n' | tac); do
		rmmod "$m" || check_err 1 "rmmod $m failed"
		[ ! -d "/sys/module/$m" ] || check_err 1 "$m still loaded"
	done
	log_test "every DKMS-built module unloads"
}

trap cleanup EXIT
require jq
[ -n "$MODULES" ] || skip "no obj-m in kmod/Kbuild"
for m in $MODULES; do
	[ -f "$DKMS_MODULES/$m.ko" ] ||
		skip "$m.ko not in build/dkms/modules: run scripts/test-dkms first"
	[ ! -d "/sys/module/$m" ] || skip "$m is already loaded"
done
for t in $TESTS; do
	$t
done
exit 0
