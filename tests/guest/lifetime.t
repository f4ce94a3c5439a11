#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lifetime of /dev/bigphys memory: pages in a pipe after FREE/close are
# held, not reused; racing ioctls on one fd; everything comes back.
. /tests/tap.sh
/usr/bin/bigphys-lifetime all
check_eq "bigphys-lifetime exit status" "$?" 0
tap_done
