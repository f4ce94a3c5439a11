# SPDX-License-Identifier: GPL-2.0
# bigphys: top-level entry points. This file is the one dependency graph:
# every target names what it needs as prerequisites, and the scripts it
# runs each do one step. Every target works from a fresh clone.
#
# Kernel flavours (configs/flavours: test, debug, bench, bisect) each get
#   tree-NAME       the flavour's source tree with the series applied
#   config-NAME     build/obj-NAME/.config from tinyconfig + its fragments
#   kernel-NAME     image + modules in build/obj-NAME
#   initramfs-NAME  build/initramfs-NAME.cpio (modules, tools, in-guest tests)

SHELL := /bin/bash
.DEFAULT_GOAL := help
# The scripts share build/src and use every core themselves.
.NOTPARALLEL:

FLAVOURS := $(shell awk '!/^\#/ && NF { print $$1 }' configs/flavours)
# make check-vm TESTS="bootparams grabber": only these test scripts.
TESTS ?=
# make bench PARTS=area: only these parts (main boot area).
PARTS ?=

## Daily targets
help: ## this list
	@awk -F':.*## ' '/^## /{ sub(/^## /, ""); print "\n" $$0 ":"; next } \
		/^[a-z][a-z-]*:.*## /{ printf "  make %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo; echo "  flavours ($(FLAVOURS)): make tree-NAME, config-NAME, kernel-NAME, initramfs-NAME"

demo: initramfs-test ## end to end: deps, kernel, VM, capture video, build/demo/contact-sheet.png
	@scripts/demo

check: kernel-test initramfs-test ## all tests (host + VM); ends with "N passed, N failed, N skipped"
	@tests/run all $(TESTS)

check-host: deps kernel-test ## host-side tests (series, build scripts, userspace)
	@tests/run host $(TESTS)

check-vm: initramfs-test ## VM tests (KUnit, in-guest suite, boot parameters, grabber)
	@tests/run vm $(TESTS)

check-debug: initramfs-debug kernel-test kernel-i386 tree-bisect ## debug kernel: every VM test + sparse + i386 build + every series prefix builds
	@tests/run debug $(TESTS)

bench: bench-deps initramfs-bench ## benchmarks -> build/bench/results.{txt,json,png}
	@scripts/bench $(PARTS)

kernel: kernel-test ## the test kernel in build/obj-test (KSRC=/path/to/linux: that tree)

userspace: deps ## libbigphys and tools (userspace/build/)
	@$(MAKE) -s -C userspace

initramfs: initramfs-test ## the VM's initramfs (build/initramfs-test.cpio)

vm: initramfs-test ## interactive shell in the test VM (bigphysarea=64M)
	scripts/vm-run --shell --append "bigphysarea=64M"

deps: ## install the Debian packages the build and tests need
	@scripts/deps

v4l-utils: deps ## v4l2-compliance and v4l2-ctl 1.32.0, static, in build/v4l-utils/bin (for the initramfs)
	@scripts/v4l-utils

bench-deps:
	@scripts/deps bench

clean: ## remove build output but keep the trees and ccache
	rm -rf build/obj-* build/*/obj-* build/initramfs-* build/logs build/hosttest build/demo build/bench
	@$(MAKE) -s -C userspace clean

distclean: ## remove build/ and userspace/build/ entirely
	rm -rf build userspace/build

define flavour
tree-$(1): deps
	@FLAVOUR=$(1) scripts/tree
config-$(1): tree-$(1)
	@FLAVOUR=$(1) scripts/configure
kernel-$(1): config-$(1)
	@FLAVOUR=$(1) scripts/build-kernel
initramfs-$(1): kernel-$(1) userspace v4l-utils
	@FLAVOUR=$(1) scripts/initramfs
.PHONY: tree-$(1) config-$(1) kernel-$(1) initramfs-$(1)
endef
$(foreach f,$(FLAVOURS),$(eval $(call flavour,$(f))))

.PHONY: help demo check check-host check-vm check-debug bench kernel userspace \
	initramfs vm deps v4l-utils bench-deps clean distclean
