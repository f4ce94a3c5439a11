#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bpgrab when the area is missing or too small: clear errors, nothing leaks.
. "$(dirname "$0")/../tap.sh"

out=$("$VMRUN" --append "kunit.enable=0" -- sh -c '
	modprobe bpgrab && echo LOADED
	bpgrab-capture -q --mmap -n 5; echo "CAPTURE-RC=$?"
	bpgrab-capture -q -n 5; echo "DMABUF-RC=$?"
	dmesg | grep bpgrab' 2>&1)
check "without bigphysarea= the driver still loads" grep -q LOADED <<<"$out"
check "without bigphysarea= an MMAP capture fails with exit 3" grep -q 'CAPTURE-RC=3' <<<"$out"
check "...saying no such device when requesting buffers" grep -q 'request buffers: No such device' <<<"$out"
check "...and the driver says why" grep -q 'no bigphysarea: boot with bigphysarea=' <<<"$out"
check "without bigphysarea= a DMABUF capture fails with exit 3" grep -q 'DMABUF-RC=3' <<<"$out"

out=$("$VMRUN" --append "kunit.enable=0 bigphysarea=1M" -- sh -c '
	modprobe bpgrab
	bpgrab-capture -q --mmap -W 640 -H 480 -b 4 -n 5; echo "CAPTURE-RC=$?"
	. /tests/tap.sh; echo "USED=$(proc_area used)"
	bpgrab-capture -q -W 640 -H 480 -b 4 -n 5; echo "DMABUF-RC=$?"
	echo "USED2=$(proc_area used)"
	bpgrab-capture -q --mmap -W 160 -H 120 -b 4 -n 5 >/dev/null; echo "SMALL-RC=$?"
	bpgrab-capture -q -W 160 -H 120 -b 4 -n 5 >/dev/null; echo "SMALL-DMABUF-RC=$?"
	dmesg | grep "cannot allocate buffer"' 2>&1)
check "too few pages: MMAP capture fails with exit 3" grep -q 'CAPTURE-RC=3' <<<"$out"
check "...with ENOMEM from REQBUFS" grep -q 'request buffers: Cannot allocate memory' <<<"$out"
check "...and the partly allocated buffers are returned" grep -q '^USED=0$' <<<"$out"
check "the driver logs which buffer did not fit" grep -q 'cannot allocate buffer 2 (614400 bytes)' <<<"$out"
check "too few pages: DMABUF capture fails with exit 3" grep -q 'DMABUF-RC=3' <<<"$out"
check "...saying which buffer /dev/bigphys could not allocate" \
	grep -q 'cannot allocate buffer 2 of 4 (614400 bytes) from /dev/bigphys: Cannot allocate memory' <<<"$out"
check "...and its buffers are returned" grep -q '^USED2=0$' <<<"$out"
check "an MMAP capture that fits the small area works" grep -q 'SMALL-RC=0' <<<"$out"
check "a DMABUF capture that fits the small area works" grep -q 'SMALL-DMABUF-RC=0' <<<"$out"
tap_done
