#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/vm-run itself: arguments reach the guest, exit status comes back,
# files are added, usage errors, panics and timeouts end the run clearly.
. "$(dirname "$0")/../tap.sh"

out=$("$VMRUN" --append "bigphysarea=8M" -- cat /proc/cmdline 2>&1)
rc=$?
check_eq "cat /proc/cmdline exits 0" "$rc" 0
check "guest command line has bigphysarea=8M" grep -q 'bigphysarea=8M' <<<"$out"
# x86 guests get the host's TSC frequency (no early calibration against
# the PIT, which fails when the host preempts QEMU) and then run on the TSC,
# whose rate is right: the guest's clock does not run ahead of the host's.
if [ "$GUEST_ARCH" = arm64 ]; then
	skip "x86 guest gets the host's TSC frequency" "arm64 guests have a fixed-rate timer"
elif khz=$(sed -n 's/.*tsc_early_khz=\([0-9]*\).*/\1/p' <<<"$out") && [ -n "$khz" ]; then
	pass "x86 guest command line has tsc_early_khz=$khz"
	t0=$(date +%s%N)
	mhz=$((khz / 1000)).$(printf %03d $((khz % 1000)))
	out=$("$VMRUN" -- sh -c 'cat /sys/devices/system/clocksource/clocksource0/current_clocksource
		dmesg | grep -c "tsc: Detected '"$mhz"' MHz"; sleep 3; cut -d" " -f1 /proc/uptime' 2>&1)
	t1=$(date +%s%N)
	check "x86 guest runs on the TSC" grep -qx 'tsc\(-early\)\?' <<<"$out"
	check "x86 guest took the TSC rate from it (tsc: Detected $mhz MHz)" grep -qx '[12]' <<<"$out"
	up=$(grep -E '^[0-9]+\.[0-9]+$' <<<"$out" | tail -n 1)
	check "x86 guest's clock does not run ahead (uptime ${up:-?} s within the host's $(( (t1 - t0) / 1000000 )) ms)" \
		awk -v u="${up:-0}" -v w=$(( (t1 - t0) / 1000000 )) 'BEGIN { exit !(u >= 3 && u * 1000 <= w) }'
elif (. "$TOP/scripts/lib.sh" && host_tsc_khz >/dev/null); then
	fail "x86 guest command line has tsc_early_khz= (the host's TSC rate is known)"
else
	skip "x86 guest gets the host's TSC frequency" "host without one known TSC rate"
fi

# --disk: the file is the guest's /dev/vda, read and written; x86 debug
# kernels with a disk boot Q35 (host bridge 8086:29c0), others the PC
# (8086:1237).
img=$(mktemp "${TMPDIR:-/tmp}/vm-run-disk.XXXXXX")
trap 'rm -f "$img"' EXIT
truncate -s 1M "$img"
out=$("$VMRUN" --disk "$img" -- sh -c 'echo bigphys-disk-test | dd of=/dev/vda conv=sync 2>/dev/null && sync &&
	echo "bridge $(cat /sys/bus/pci/devices/0000:00:00.0/vendor):$(cat /sys/bus/pci/devices/0000:00:00.0/device)"' 2>&1)
check_eq "--disk: the guest writes /dev/vda (vm-run status)" "$?" 0
check "--disk: the host reads what the guest wrote" grep -q '^bigphys-disk-test' "$img"
rm -f "$img"
if [ "$GUEST_ARCH" = arm64 ]; then
	skip "--disk: x86 debug kernels boot Q35" "arm64 guests boot QEMU's virt board"
elif [ "${FLAVOUR:-test}" = debug ]; then
	check "--disk: x86 debug kernels boot Q35" grep -q '^bridge 0x8086:0x29c0' <<<"$out"
else
	check "--disk: x86 ${FLAVOUR:-test} kernels boot the PC" grep -q '^bridge 0x8086:0x1237' <<<"$out"
fi

"$VMRUN" -- false >/dev/null 2>&1
check_eq "guest 'false' gives exit status 1" "$?" 1
"$VMRUN" -- sh -c 'exit 7' >/dev/null 2>&1
check_eq "guest 'exit 7' gives exit status 7" "$?" 7

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf "it's here\n" >"$tmp/hello file.txt"
out=$("$VMRUN" --add "$tmp/hello file.txt" -- cat "/extra/hello file.txt" 2>&1)
check "--add file arrives in /extra/ (quoting kept)" grep -q "it's here" <<<"$out"

"$VMRUN" --bogus >/dev/null 2>&1
check_eq "unknown option is a usage error (2)" "$?" 2
"$VMRUN" >/dev/null 2>&1
check_eq "missing command is a usage error (2)" "$?" 2
"$VMRUN" --timeout >/dev/null 2>&1
check_eq "an option without its value is a usage error (2)" "$?" 2
"$VMRUN" --help >/dev/null 2>&1
check_eq "--help exits 0" "$?" 0

# rdinit= pointing nowhere makes the kernel panic (no root fs).
out=$("$VMRUN" --timeout 60 --append "rdinit=/nonexistent" -- true 2>&1)
rc=$?
check_eq "panicking guest ends with status 125" "$rc" 125
check "panic is reported clearly" grep -q 'vm-run: guest kernel panicked' <<<"$out"

out=$("$VMRUN" --timeout 8 -- sleep 100 2>&1)
rc=$?
check_eq "hung guest times out with status 124" "$rc" 124
check "timeout is reported clearly" grep -q 'vm-run: timed out after 8s' <<<"$out"
tap_done
