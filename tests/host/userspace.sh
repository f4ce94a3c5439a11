#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# userspace/: builds warning-free, library unit tests, static tools,
# pkg-config file, CLI behaviour without a device.
. "$(dirname "$0")/../lib.sh"
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

# Malformed sizes are usage errors (2), found before the device is opened.
for size in "16 " "16K " "16Q" "" "0x" "16M@0"; do
	err=$("$U/build/bin/bigphys" --device /nonexistent alloc "$size" 2>&1)
	rc=$?
	check_eq "bigphys alloc '$size' exits 2" "$rc" 2
	check "bigphys alloc '$size' says the size is invalid" \
		grep -qF "invalid size '$size': expected a number" <<<"$err"
done
err=$("$U/build/bin/bigphys" --device /nonexistent alloc 17179869184G 2>&1)
check_eq "bigphys alloc 17179869184G exits 2" "$?" 2
check "bigphys alloc 17179869184G says too large" grep -qF "invalid size '17179869184G': too large" <<<"$err"
"$U/build/bin/bigphys" --device /nonexistent alloc 4K --align "1M " >/dev/null 2>&1
check_eq "bigphys alloc --align '1M ' exits 2" "$?" 2
"$U/build/bin/bigphys" --device /nonexistent alloc 16k >/dev/null 2>&1
check_eq "bigphys alloc 16k parses (then exits 3 without a device)" "$?" 3
tap_done
