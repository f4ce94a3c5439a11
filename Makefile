# SPDX-License-Identifier: GPL-2.0
# bigphys: top-level entry points. Every target installs what it needs.
#
#   make demo    - end to end: deps, kernel, VM, capture demo
#   make check   - all tests; ends with "N passed, N failed, N skipped"
#   make kernel  - tree + series + config + build (incremental)
#   make vm      - interactive shell in the test VM
#   make help    - everything else

SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help deps kernel userspace initramfs vm demo check check-host \
	check-vm check-debug bench clean distclean

help:
	@sed -n 's/^#   make /  make /p' Makefile
	@echo "  make userspace   - libbigphys and tools (userspace/build/)"
	@echo "  make initramfs   - the VM's initramfs (build/initramfs-test.cpio)"
	@echo "  make check-host  - host-side tests only"
	@echo "  make check-vm    - VM tests only"
	@echo "  make check-debug - debug kernel (KASAN, lockdep, kmemleak, UBSAN...), all VM tests,"
	@echo "                     100k-op fuzz, sparse, every series prefix builds"
	@echo "  make bench       - bigphys vs CMA / page allocator, mmap bandwidth, grabber, scaling"
	@echo "                     (build/bench/results.{txt,json,png})"
	@echo "  make clean       - remove build output but keep the tree and ccache"

deps:
	@scripts/deps

kernel: deps
	@scripts/kernel

userspace: deps
	@if [ -f userspace/Makefile ]; then $(MAKE) -s -C userspace; fi

initramfs: kernel userspace
	@scripts/initramfs

vm: initramfs
	scripts/vm-run --shell --append "bigphysarea=64M"

demo: initramfs
	@scripts/demo

check: initramfs
	@tests/run all

check-host: deps
	@tests/run host

check-vm: initramfs
	@tests/run vm

check-debug: initramfs
	@scripts/check-debug

bench: deps userspace
	@scripts/bench

clean:
	rm -rf build/obj-* build/initramfs-* build/logs build/hosttest build/demo
	@if [ -f userspace/Makefile ]; then $(MAKE) -s -C userspace clean; fi

distclean:
	rm -rf build userspace/build
