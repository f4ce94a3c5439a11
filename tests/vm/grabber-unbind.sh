#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bpgrab: driver unbind while the device is open and while it streams, then
# bind again and stream (tests/guest/grabber-unbind.sh, in its own boot).
. "$(dirname "$0")/../tap.sh"
"$VMRUN" --timeout 300 --append "kunit.enable=0 bigphysarea=16M" -- sh /tests/grabber-unbind.sh
check_eq "unbind suite completed (vm-run status)" "$?" 0
tap_done
