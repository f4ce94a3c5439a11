#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main in-guest suite: KUnit results plus every tests/guest/*.t, booted
# with a 16 MiB area (bigphysarea=4096, the classic page-count form).
. "$(dirname "$0")/../tap.sh"
"$VMRUN" --timeout 600 --append "bigphysarea=4096" -- /tests/run-all
rc=$?
check_eq "in-guest suite completed (vm-run status)" "$rc" 0
tap_done
