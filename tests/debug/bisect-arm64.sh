#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every prefix of the series builds for arm64 too (tests/debug/bisect.sh
# with the arm64-bisect flavour: build/bisect/obj-arm64-bisect).
export BISECT_FLAVOUR=arm64-bisect TAP_PREFIX=bisect-arm64
exec bash "$(dirname "$0")/bisect.sh"
