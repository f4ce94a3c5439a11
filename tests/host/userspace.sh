#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# userspace/: builds warning-free, library unit tests, static tools,
# pkg-config file, CLI behaviour without a device.
. "$(dirname "$0")/../tap.sh"
U=$TOP/userspace

out=$(make -s -C "$U" 2>&1)
check "userspace builds with -Wall -Wextra -Werror" test $? = 0
[ -n "$out" ] && diag "$out"

"$U/build/test/libbigphys-test"
check_eq "library unit tests exit status" "$?" 0

for t in bigphys bigphys-devtest; do
	check "$t is statically linked" sh -c "file -L '$U/build/bin/$t' 2>/dev/null | grep -q 'statically linked' || ! ldd '$U/build/bin/$t' >/dev/null 2>&1"
done
check "static and shared libraries built" test -f "$U/build/lib/libbigphys.a" -a -f "$U/build/lib/libbigphys.so"
check "shared library exports only bigphys_* symbols" \
	bash -c "! nm -D --defined-only '$U/build/lib/libbigphys.so' | awk '\$2 == \"T\" {print \$3}' | grep -v '^bigphys_'"
check_eq "pkg-config file gives -lbigphys" \
	"$(PKG_CONFIG_PATH=$U/build/lib/pkgconfig pkg-config --libs libbigphys | xargs)" "-L/usr/local/lib -lbigphys"

"$U/build/bin/bigphys" --help >/dev/null; check_eq "bigphys --help exits 0" "$?" 0
"$U/build/bin/bigphys" >/dev/null 2>&1; check_eq "bigphys without command exits 2" "$?" 2
"$U/build/bin/bigphys" --device /nonexistent info >/dev/null 2>&1
check_eq "bigphys with a missing device exits 3" "$?" 3
err=$("$U/build/bin/bigphys" --device /nonexistent info 2>&1)
check "missing device message names the path and the reason" grep -q '/nonexistent: No such file or directory' <<<"$err"
tap_done
