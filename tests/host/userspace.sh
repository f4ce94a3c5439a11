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
"$U/build/test/libbigphys-fake-test"
check_eq "library tests against a fake device exit status" "$?" 0

for t in bigphys bigphys-devtest; do
	check "$t is statically linked" sh -c "file -L '$U/build/bin/$t' 2>/dev/null | grep -q 'statically linked' || ! ldd '$U/build/bin/$t' >/dev/null 2>&1"
done
check "static and shared libraries built" test -f "$U/build/lib/libbigphys.a" -a -f "$U/build/lib/libbigphys.so"
check "shared library exports only bigphys_* symbols" \
	bash -c "! nm -D --defined-only '$U/build/lib/libbigphys.so' | awk '\$2 == \"T\" {print \$3}' | grep -v '^bigphys_'"
check_eq "pkg-config file gives -lbigphys" \
	"$(PKG_CONFIG_PATH=$U/build/lib/pkgconfig pkg-config --libs libbigphys | xargs)" "-L/usr/local/lib -lbigphys"

# make install: versioned library, soname and dev links, header, .pc; a
# program built with pkg-config against the prefix loads libbigphys.so.0.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
P=$tmp/prefix L=$tmp/prefix/lib
out=$(make -s -C "$U" install PREFIX="$P" 2>&1)
check "make install PREFIX=... succeeds" test $? = 0
[ -n "$out" ] && diag "$out"
check "installed: libbigphys.so.0.1.0 is the real file" test -f "$L/libbigphys.so.0.1.0" -a ! -L "$L/libbigphys.so.0.1.0"
check_eq "installed: libbigphys.so.0 -> libbigphys.so.0.1.0" "$(readlink "$L/libbigphys.so.0")" libbigphys.so.0.1.0
check_eq "installed: libbigphys.so -> libbigphys.so.0" "$(readlink "$L/libbigphys.so")" libbigphys.so.0
check_eq "installed library's soname is libbigphys.so.0" \
	"$(readelf -d "$L/libbigphys.so.0.1.0" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" libbigphys.so.0
check "installed: static library, headers, bigphys CLI" test -f "$L/libbigphys.a" -a -f "$P/include/bigphys.h" \
	-a -f "$P/include/linux/bigphys.h" -a -x "$P/bin/bigphys"
check_eq "installed .pc names the prefix" \
	"$(PKG_CONFIG_PATH=$L/pkgconfig pkg-config --libs --cflags libbigphys | xargs)" "-I$P/include -L$L -lbigphys"
cat >"$tmp/prog.c" <<'EOF_C'
#include <stdio.h>
#include <bigphys.h>
int main(void)
{
	uint64_t v = 0;
	int err = bigphys_parse_size("64K", &v);

	printf("%d %llu %d\n", err, (unsigned long long)v, bigphys_parse_size("16 ", &v));
	return 0;
}
EOF_C
# shellcheck disable=SC2046
out=$(${CC:-gcc} -std=c11 -Wall -Wextra -Werror -o "$tmp/prog" "$tmp/prog.c" \
	$(PKG_CONFIG_PATH=$L/pkgconfig pkg-config --cflags --libs libbigphys) 2>&1)
check "a program builds against the installed prefix with pkg-config" test $? = 0
[ -n "$out" ] && diag "$out"
check_eq "it is linked dynamically: NEEDED libbigphys.so.0" \
	"$(readelf -d "$tmp/prog" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(libbigphys.*\)\]/\1/p')" libbigphys.so.0
check "ldd resolves libbigphys.so.0 in the prefix" \
	grep -qF "libbigphys.so.0 => $L/libbigphys.so.0 " <<<"$(LD_LIBRARY_PATH=$L ldd "$tmp/prog" 2>&1)"
check_eq "it runs with LD_LIBRARY_PATH=prefix/lib" "$(LD_LIBRARY_PATH=$L "$tmp/prog" 2>&1)" "0 65536 -22"
out=$(make -s -C "$U" install DESTDIR="$tmp/dest" PREFIX=/opt/bp 2>&1)
check "make install DESTDIR=... PREFIX=/opt/bp succeeds" test $? = 0
[ -n "$out" ] && diag "$out"
check_eq "DESTDIR install: everything under DESTDIR/opt/bp" "$(cd "$tmp/dest" && find . -mindepth 1 -maxdepth 2)" "./opt
./opt/bp"
check_eq "DESTDIR install: soname link" "$(readlink "$tmp/dest/opt/bp/lib/libbigphys.so.0")" libbigphys.so.0.1.0
check "DESTDIR install: .pc has prefix=/opt/bp" grep -qx 'prefix=/opt/bp' "$tmp/dest/opt/bp/lib/pkgconfig/libbigphys.pc"

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
