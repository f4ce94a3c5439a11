#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Background scrubbing, on by default: the boot area gets scrubbed, the
# fuzzer finds every new buffer zero (first, last and one more page),
# free memory written through a writable whole-area mapping is never
# handed out as zeroed, no allocation waits for a starved scrubber, and
# the run-time switch turns it off. A boot with bigphysarea.scrub=0
# scrubs nothing.
. "$(dirname "$0")/../tap.sh"
out=$("$VMRUN" --timeout 300 --append "bigphysarea=4096 kunit.enable=0" -- sh -c '
	S=/sys/kernel/debug/bigphysarea/scrub
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do grep -q "^dirty_kB 0$" $S && break; sleep 1; done
	sed "s/^/scrub-boot: /" $S
	/usr/bin/bigphys-lifetime scrub
	sh /tests/fuzz.t
	echo 0 >/sys/module/bigphysarea/parameters/scrub
	sed "s/^/scrub-off: /" $S' 2>&1)
sed -n 's/^\(not \)\{0,1\}ok/# &/p' <<<"$out"
check "the boot area was scrubbed" grep -q '^scrub-boot: dirty_kB 0' <<<"$out"
check "scrubbing is on by default" grep -q '^scrub-boot: scrub 1' <<<"$out"
check "16 MiB or more scrubbed" grep -Eq '^scrub-boot: scrubbed_kB (1[6-9][0-9]{3}|[2-9][0-9]{4}|[0-9]{6,})$' <<<"$out"
check "whole-area mapping: new buffers zero during and after it" \
	bash -c 'grep -q "^ok .*scrub: a new buffer is zero after the mapping is gone" <<<"$1" &&
		! grep -q "^not ok .*scrub:" <<<"$1"' _ "$out"
check "fuzz run passed with scrubbing on" grep -q '^ok - .*fuzz exit status' <<<"$out"
check "fuzz: area free afterwards" grep -q '^ok - .*area free after fuzzing' <<<"$out"
check "no fuzz or scrub failure" bash -c '! grep -q "^not ok" <<<"$1"' _ "$out"
check "the switch turns it off" grep -q '^scrub-off: scrub 0' <<<"$out"

# Never blocked behind the scrubber: with a busy loop at nice -20 on every
# CPU the scrubber (nice 19) hardly runs, so it sits on a chunk it has out;
# allocating the whole area (at nice -20 too) right after freeing it dirty
# takes that chunk back instead of waiting for it. Five rounds, each timed
# with /proc/uptime (centiseconds).
out=$("$VMRUN" --timeout 300 --append "bigphysarea=16M kunit.enable=0" -- sh -c '
	S=/sys/kernel/debug/bigphysarea/scrub
	for i in $(seq 20); do grep -q "^dirty_kB 0$" $S && break; sleep 1; done
	renice -n -20 -p $$ >/dev/null	# this shell, the busy loops and the CLI
	for cpu in $(seq $(nproc)); do sh -c "while :; do :; done" & done
	for round in 1 2 3 4 5; do
		bigphys selftest --size 16M --rounds 1 >/dev/null || echo "selftest failed"
		# the freed area checked; wait (up to 3 s) for the scrubber to
		# claim a chunk, so that the allocation below needs it
		for i in $(seq 30); do
			busy=$(sed -n "s/^busy_kB //p" $S)
			[ "$busy" != 0 ] && break
			sleep 0.1
		done
		read t0 rest </proc/uptime
		bigphys alloc 16M >/dev/null; rc=$?
		read t1 rest </proc/uptime
		echo "steal: round $round rc $rc busy_kB $busy cs $(( (${t1%.*}${t1#*.}) - (${t0%.*}${t0#*.}) ))"
	done
	kill $(jobs -p) 2>/dev/null' 2>&1)
grep '^steal: ' <<<"$out" | sed 's/^/# /'
check "starved scrubber: the area was filled and freed in every round" \
	bash -c '! grep -q "^selftest failed" <<<"$1"' _ "$out"
check "starved scrubber: the whole area allocated in all 5 rounds" \
	test "$(grep -c '^steal: round [0-9] rc 0 ' <<<"$out")" = 5
check "starved scrubber: it had a chunk out in some round" \
	grep -q '^steal: round [0-9] rc [0-9]* busy_kB [1-9]' <<<"$out"
# (Waiting for the chunk took 3 s and then failed; 2 s leaves slower TCG
# guests room for the CLI's start and the 16 MiB memset.)
check "starved scrubber: no allocation took 2 s or more" \
	awk '/^steal: / { n++; if ($NF >= 200) bad = 1 } END { exit bad || n != 5 }' <<<"$out"

out=$("$VMRUN" --timeout 120 --append "bigphysarea=4096 bigphysarea.scrub=0 kunit.enable=0" -- sh -c '
	sleep 2
	sed "s/^/scrub-param: /" /sys/kernel/debug/bigphysarea/scrub' 2>&1)
check "bigphysarea.scrub=0: off" grep -q '^scrub-param: scrub 0' <<<"$out"
check "bigphysarea.scrub=0: nothing scrubbed" grep -q '^scrub-param: scrubbed_kB 0$' <<<"$out"
tap_done
