#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The build scripts: a re-run with nothing changed does no work, the
# configuration matches the fragments, build/linux is usable for M= builds,
# the initramfs is not built without the userspace, tests/run refuses
# test names it does not have. Needs the test kernel
# (make check-host builds it first).
. "$(dirname "$0")/../tap.sh"
. "$TOP/scripts/lib.sh"

out=$("$TOP/scripts/tree" 2>&1)
check_eq "scripts/tree with no change does nothing" "$out" ""
before=$(stat -c %Y "$OBJ/.config")
"$TOP/scripts/configure" >/dev/null 2>&1
check "scripts/configure succeeds and keeps the config" test $? = 0 -a "$(stat -c %Y "$OBJ/.config")" = "$before"
for sym in CONFIG_BIGPHYS_AREA CONFIG_BIGPHYS_AREA_KUNIT_TEST CONFIG_KUNIT CONFIG_CMA \
	CONFIG_X86_PAT CONFIG_MTRR CONFIG_MODULES CONFIG_SMP; do
	check "$sym=y in the built config" grep -qx "$sym=y" "$OBJ/.config"
done
check "build/linux points at the built tree" test -f "$BUILD/linux/Module.symvers"

# An external module builds against build/linux (what out-of-tree users do).
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/legacy.c" <<'C'
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/bigphysarea.h>
static int __init legacy_init(void)
{
#ifdef CONFIG_BIGPHYS_AREA
	void *p = bigphysarea_alloc_pages(4, 3, GFP_KERNEL);

	bigphysarea_free_pages(p);
#endif
	return 0;
}
module_init(legacy_init);
MODULE_LICENSE("GPL");
C
echo 'obj-m := legacy.o' >"$tmp/Makefile"
make -s -C "$BUILD/linux" M="$tmp" CC="ccache gcc" modules >"$tmp/log" 2>&1
check "classic-API external module builds with make -C build/linux M=..." test -f "$tmp/legacy.ko"

# scripts/initramfs refuses to build without the userspace: a copy of the
# repo without userspace/build, against this build/ (it stops before
# writing anything there).
mkdir "$tmp/repo"
tar -C "$TOP" --exclude=./build --exclude=./userspace/build --exclude=./.git -cf - . | tar -C "$tmp/repo" -xf -
before=$(stat -c %Y "$BUILD/initramfs-test.cpio" 2>/dev/null)
out=$(BUILD=$BUILD "$tmp/repo/scripts/initramfs" 2>&1)
check "scripts/initramfs without a built userspace fails" test $? != 0
check "...and says to run make userspace" grep -q 'make userspace' <<<"$out"
if [ -n "$before" ]; then
	check_eq "...and leaves build/initramfs-test.cpio alone" "$(stat -c %Y "$BUILD/initramfs-test.cpio" 2>/dev/null)" "$before"
else
	check "...and writes no build/initramfs-test.cpio" test ! -e "$BUILD/initramfs-test.cpio"
fi
# A test name that matches no test is a usage error, not an empty green run.
out=$("$TOP/tests/run" host no-such-test 2>&1)
check_eq "tests/run with an unknown test name exits 2" "$?" 2
check "...and names it" grep -q "no test 'no-such-test'" <<<"$out"
"$TOP/tests/run" arm64-build bootparams >/dev/null 2>&1
check_eq "tests/run arm64-build does not reach the VM tests" "$?" 2

tap_done
