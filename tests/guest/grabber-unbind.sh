#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bpgrab: unbind the driver while the device is open and while it streams,
# bind again and stream; the area ends fully free and the kernel reports
# nothing. Not a *.t of the main suite: tests/vm/grabber-unbind.sh runs it
# in a boot of its own.
. /tests/tap.sh
TAP_PREFIX=grabber-unbind
drv=/sys/bus/platform/drivers/bpgrab
kmemleak=/sys/kernel/debug/kmemleak
area_used() { proc_area used; }
engine_running() { grep -qx bpgrab0-dma /proc/[0-9]*/comm 2>/dev/null; }
# wait_gone PID SECONDS: wait for PID to exit; fail (no hang) if it does not.
wait_gone() {
	n=0
	while kill -0 "$1" 2>/dev/null; do
		[ $n -ge $(($2 * 10)) ] && return 1
		sleep 0.1
		n=$((n + 1))
	done
}

# Debug kernels: report only what this run leaks.
[ -f $kmemleak ] && echo clear >$kmemleak
check "modprobe bpgrab" modprobe bpgrab
check "bound to bpgrab.0" test -e $drv/bpgrab.0
video_ok() { ls /sys/bus/platform/devices/bpgrab.0/video4linux/ 2>/dev/null | grep -q '^video'; }

# (a) open, idle and streaming, with DQBUF and poll() blocked: ENODEV
bpgrab-test unbind
check_eq "bpgrab-test unbind: exit status" "$?" 0
test -e $drv/bpgrab.0 || echo bpgrab.0 >$drv/bind

# (b) unbind under a capture streaming into its buffers
bpgrab-capture -q -W 320 -H 240 -r 50 -s 60 >/tmp/unbind.out 2>&1 &
pid=$!
n=0
until engine_running || [ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
check "the capture streams" engine_running
sleep 0.5
check "unbind while streaming" sh -c "echo bpgrab.0 >$drv/unbind"
if wait_gone $pid 10; then
	wait $pid
	rc=$?
	pass "the capture ends after the unbind"
else
	kill -9 $pid
	rc=hung
	fail "the capture ends after the unbind (still running after 10 s)"
fi
diag "$(cat /tmp/unbind.out)"
check_eq "...with exit status 3 (device error)" "$rc" 3
check "...saying the device was removed" grep -q 'device removed (driver unbound)' /tmp/unbind.out
check "the engine has stopped" sh -c '! grep -qx bpgrab0-dma /proc/[0-9]*/comm'
check_eq "area free after unbind while streaming" "$(area_used)" 0
check "the driver logged the unbind of an open device" sh -c 'dmesg | grep -q "unbound while open"'

# (c) bind again and stream
check "bind again" sh -c "echo bpgrab.0 >$drv/bind" && check "...the video device is back" video_ok
out=$(bpgrab-capture -q -W 320 -H 240 -r 50 -n 25 2>&1)
rc=$?
diag "$out"
check_eq "capture after rebinding: exit 0" "$rc" 0
check "...every frame verified" sh -c "echo '$out' | grep -q '^verified: 0 size errors, 0 pattern errors, 0 sequence errors$'"

# Unbind at different points of a capture's setup and stream (the unbind
# races the capture's start): it always ends (exit 3) and gives everything
# back.
hung=0 bad=0 runs=0
for d in 0 0 0.0005 0.001 0.002 0.005 0.01 0.02 0.05 0.1 0.3; do
	(if [ $d != 0 ]; then sleep $d; fi; echo bpgrab.0 >$drv/unbind) &
	upid=$!
	bpgrab-capture -q -W 320 -H 240 -r 100 -b 8 -s 60 >/tmp/unbind.out 2>&1 &
	pid=$!
	wait $upid
	runs=$((runs + 1))
	if wait_gone $pid 10; then
		wait $pid
		rc=$?
	else
		kill -9 $pid
		rc=hung
		hung=$((hung + 1))
	fi
	[ "$rc" = 3 ] || bad=$((bad + 1))
	diag "unbind after ${d}s: exit $rc: $(tr '\n' ' ' </tmp/unbind.out)"
	echo bpgrab.0 >$drv/bind
done
check_eq "unbind $runs times at different points of a capture: none hangs" "$hung" 0
check_eq "...each ends with exit status 3" "$bad" 0
check_eq "...and the area is free" "$(area_used)" 0

# Unbind with nothing open, then unload and load the module again.
check "unbind with nothing open" sh -c "echo bpgrab.0 >$drv/unbind"
check "rmmod while unbound" rmmod bpgrab
check "modprobe again" sh -c 'modprobe bpgrab && sleep 0.2' && check "...the video device is back" video_ok
bpgrab-capture -q -W 160 -H 120 -r 50 -n 10 >/dev/null 2>&1
check_eq "capture after reloading: exit 0" "$?" 0
check "rmmod" rmmod bpgrab

# (d) every byte back, nothing reported
check_eq "area fully free at the end (used)" "$(area_used)" 0
check_eq "...no allocation left (used blocks)" "$(proc_area allocs)" 0
if [ -f $kmemleak ]; then
	echo scan >$kmemleak; sleep 6; echo scan >$kmemleak
	if grep -q 'unreferenced object 0x' $kmemleak; then
		sed 's/^/# /' $kmemleak | head -n 60
		fail "kmemleak: $(grep -c 'unreferenced object 0x' $kmemleak) leaked objects"
	else
		pass "kmemleak: no leaked objects"
	fi
fi
if dmesg | grep -E -q -f /tests/kernel-reports; then
	dmesg | grep -E -A20 -f /tests/kernel-reports | head -n 60 | sed 's/^/# /'
	fail "dmesg: kernel reported a problem"
else
	pass "dmesg: no kernel reports"
fi
tap_done
