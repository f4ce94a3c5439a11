#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Seeded fuzz run of /dev/bigphys (with dma-buf exports), the bigphys
# dma-buf heap and the bpgrab video device from 4 processes.
# Unknown kernel parameters reach init as environment variables, so
# "scripts/vm-run --append 'FUZZ_SEED=7 FUZZ_OPS=500000' ..." changes them.
. /tests/tap.sh
ops=${FUZZ_OPS:-100000}
seed=${FUZZ_SEED:-1}
check "heap /dev/dma_heap/bigphys exists (the fuzzer allocates from it)" test -c /dev/dma_heap/bigphys
bigphys-fuzz -s "$seed" -n "$ops" -p 4
check_eq "fuzz exit status (seed $seed; rerun with FUZZ_SEED=$seed)" "$?" 0
check_eq "area free after fuzzing" "$(proc_area used)" 0
tap_done
