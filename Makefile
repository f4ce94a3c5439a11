# SPDX-License-Identifier: GPL-2.0
# bigphys: top-level entry points. This file is the one dependency graph:
# every target names what it needs as prerequisites, and the scripts it
# runs each do one step. Every target works from a fresh clone.
#
# Kernel flavours (every row of configs/flavours) each get
#   tree-NAME       the flavour's source tree with the series applied
#   config-NAME     build/obj-NAME/.config from tinyconfig + its fragments
#   kernel-NAME     image + modules in build/obj-NAME
#   initramfs-NAME  build/initramfs-NAME.cpio (modules, tools, in-guest tests;
#                   flavours QEMU boots only)

SHELL := /bin/bash
.DEFAULT_GOAL := help
# The scripts share build/src and use every core themselves.
.NOTPARALLEL:

FLAVOURS := $(shell awk '!/^\#/ && NF { print $$1 }' configs/flavours)
# make TARGET ARCH=arm64: the daily targets (kernel, initramfs, check, vm,
# ...) use the arm64-NAME flavours. Only a command-line ARCH counts, and
# it stops here: each flavour's scripts take their ARCH from the table.
SEL_ARCH := $(if $(filter command line,$(origin ARCH)),$(ARCH),x86_64)
ifeq ($(filter $(SEL_ARCH),x86_64 arm64),)
$(error ARCH=$(SEL_ARCH): supported are x86_64 (the default) and arm64)
endif
P := $(if $(filter arm64,$(SEL_ARCH)),arm64-)
# Targets with no arm64 variant refuse ARCH=arm64 rather than build x86.
X86_ONLY := bench check-debug
ifneq ($(P),)
ifneq ($(filter $(X86_ONLY),$(MAKECMDGOALS)),)
$(error ARCH=arm64: $(filter $(X86_ONLY),$(MAKECMDGOALS)) runs on x86_64 only (check-debug builds every prefix for arm64 too))
endif
endif
MAKEOVERRIDES := $(filter-out ARCH=%,$(MAKEOVERRIDES))
unexport ARCH
# make check-vm TESTS="bootparams grabber": only these test scripts.
TESTS ?=
# make bench PARTS=area: only these parts (main boot area).
PARTS ?=
# A TESTS name that is no test of the target's kinds (tests/run's) stops
# make before anything is built.
TESTDIRS_check := $(if $(P),tests/arm64 tests/vm,tests/host tests/vm)
TESTDIRS_check-host := $(if $(P),tests/arm64,tests/host)
TESTDIRS_check-vm := tests/vm
TESTDIRS_check-debug := tests/vm tests/debug
ifneq ($(TESTS),)
$(foreach g,$(filter check check-host check-vm check-debug,$(MAKECMDGOALS)),$(foreach t,$(TESTS),\
	$(if $(wildcard $(addsuffix /$(t).sh,$(TESTDIRS_$(g)))),,\
	$(error TESTS: no test '$(t)' for make $(g) in $(TESTDIRS_$(g))))))
endif
# The series' sources (linux/, driver/, series.d/, what scripts/sources.map
# lists): patches/ must be what "scripts/series-dev gen" makes of them
# before any tree is built from it.
# Directories too: a file deleted from one makes build/series.ok stale.
SERIES_SOURCES := $(shell find $$(sed -e 's/\#.*//' -e '/^[[:space:]]*$$/d' scripts/sources.map | awk '{ print $$1 }') series.d scripts/sources.map patches 2>/dev/null)

## Daily targets
help: ## this list
	@awk -F':.*## ' '/^## /{ sub(/^## /, ""); print "\n" $$0 ":"; next } \
		/^[a-z][a-z0-9-]*:.*## /{ printf "  make %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo; echo "  flavours ($(FLAVOURS)): make tree-NAME, config-NAME, kernel-NAME, initramfs-NAME (booted ones)"

demo: initramfs-$(P)test ## end to end: deps, kernel, VM, capture video, build/demo/contact-sheet.png
	@FLAVOUR=$(P)test scripts/demo

check: kernel-$(P)test initramfs-$(P)test ## all tests (host + VM); ends with "N passed, N failed, N skipped"
	@FLAVOUR=$(P)test tests/run $(if $(P),arm64,all) $(TESTS)

check-host: deps kernel-$(P)test $(if $(P),userspace-arm64,userspace) ## host-side tests (series, build scripts, userspace)
	@FLAVOUR=$(P)test tests/run $(if $(P),arm64-build,host) $(TESTS)

check-vm: initramfs-$(P)test ## VM tests (KUnit, in-guest suite, boot parameters, grabber)
	@FLAVOUR=$(P)test tests/run vm $(TESTS)

check-debug: initramfs-debug kernel-test kernel-i386 tree-bisect tree-arm64-bisect ## debug kernel: every VM test + sparse + i386 build + every series prefix builds (x86_64 and arm64)
	@tests/run debug $(TESTS)

bench: bench-deps initramfs-bench ## benchmarks -> build/bench/results.{txt,json,png}
	@scripts/bench $(PARTS)

kernel: kernel-$(P)test ## the test kernel in build/obj-test (ARCH=arm64: build/obj-arm64-test; KSRC=/path/to/linux: that tree)

userspace: deps ## libbigphys and tools (userspace/build/)
	@$(MAKE) -s -C userspace

# The tools cross-built for arm64 guests (userspace/build/arm64/bin/).
userspace-arm64: deps-arm64
	@PATH="$(CURDIR)/build/cross/bin:$$PATH" $(MAKE) -s -C userspace O=build/arm64 CROSS_COMPILE=aarch64-linux-gnu- tools

initramfs: initramfs-$(P)test ## the VM's initramfs (build/initramfs-test.cpio)

vm: initramfs-$(P)test ## interactive shell in the test VM (bigphysarea=64M)
	FLAVOUR=$(P)test scripts/vm-run --shell --append "bigphysarea=64M"

deps: $(if $(P),deps-arm64) ## install the Debian packages the build and tests need
	@scripts/deps

deps-arm64:
	@scripts/deps arm64

v4l-utils: deps ## v4l2-compliance and v4l2-ctl 1.32.0, static, in build/v4l-utils/bin (for the initramfs)
	@scripts/v4l-utils

bench-deps:
	@scripts/deps bench

# patches/ and series agree with their sources (once per change of them).
build/series.ok: $(SERIES_SOURCES) series $(wildcard patches/*.patch) scripts/series-dev | deps
	@scripts/series-dev check || { echo "run: scripts/series-dev gen" >&2; exit 1; }
	@touch $@

clean: ## remove build output but keep the trees and ccache
	rm -rf build/obj-* build/*/obj-* build/initramfs-* build/logs build/hosttest build/demo build/bench
	@$(MAKE) -s -C userspace clean

distclean: ## remove build/ and userspace/build/ entirely
	rm -rf build userspace/build

# flavour NAME ARCH: its targets; arm64 flavours need the cross tools,
# the arm64 userspace and no v4l-utils (not cross-built). Only flavours
# QEMU boots (x86_64, arm64) have an initramfs.
define flavour
tree-$(1): deps $(if $(filter arm64,$(2)),deps-arm64) build/series.ok
	@FLAVOUR=$(1) scripts/tree
config-$(1): tree-$(1)
	@FLAVOUR=$(1) scripts/configure
kernel-$(1): config-$(1)
	@FLAVOUR=$(1) scripts/build-kernel
ifneq ($(filter x86_64 arm64,$(2)),)
initramfs-$(1): kernel-$(1) userspace $(if $(filter arm64,$(2)),userspace-arm64,v4l-utils)
	@FLAVOUR=$(1) scripts/initramfs
.PHONY: initramfs-$(1)
endif
.PHONY: tree-$(1) config-$(1) kernel-$(1)
endef
$(foreach f,$(FLAVOURS),$(eval $(call flavour,$(f),$(shell awk -v f=$(f) '!/^\#/ && $$1 == f { print $$2 }' configs/flavours))))

.PHONY: help demo check check-host check-vm check-debug bench kernel userspace \
	userspace-arm64 initramfs vm deps deps-arm64 v4l-utils bench-deps clean distclean
