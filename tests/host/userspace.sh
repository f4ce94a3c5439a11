#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# userspace/: builds warning-free (also -m32), library unit tests, static
# tools, the static 32-bit device test, make install, pkg-config file, CLI
# behaviour without a device.
. "$(dirname "$0")/../tap.sh"
U=$TOP/userspace
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$(make -s -C "$U" 2>&1)
check "userspace builds with -Wall -Wextra -Werror" test $? = 0
[ -n "$out" ] && diag "$out"

"$U/build/test/libbigphys-test"
check_eq "library unit tests exit status" "$?" 0
"$U/build/test/libbigphys-fake-test"
check_eq "library tests against a fake device exit status" "$?" 0

for t in bigphys bigphys-devtest bigphys-dmabuf; do
	check "$t is statically linked" sh -c "test -x '$U/build/bin/$t' && file -L '$U/build/bin/$t' | grep -Eq 'statically linked|static-pie linked'"
done
# 32-bit: the in-guest device test as a static i386 program, the whole
# userspace warning-free with -m32, and the same uapi layout either way.
D32=$U/build/bin/bigphys-devtest32
check "bigphys-devtest32 is a static ELF32 i386 executable" sh -c \
	"file -L '$D32' | grep -q 'ELF 32-bit LSB executable, Intel 80386.*statically linked'"
check_eq "bigphys-devtest32: ELF32, Intel 80386, EXEC" \
	"$(readelf -h "$D32" 2>/dev/null | awk -F: '/Class|Machine|Type/ {gsub(/^ +/, "", $2); print $2}' | xargs)" \
	"ELF32 EXEC (Executable file) Intel 80386"
check "bigphys-devtest32 has no interpreter and no dynamic section" \
	sh -c "! readelf -l '$D32' | grep -q INTERP && readelf -d '$D32' | grep -q 'no dynamic section'"
out=$(make -s -C "$U" m32 2>&1)
check "the whole userspace builds with -m32 -Wall -Wextra -Werror (build/m32)" test $? = 0
[ -n "$out" ] && diag "$out"
if "$U/build/m32/test/libbigphys-test" >/dev/null 2>&1 || [ $? != 126 ]; then
	"$U/build/m32/test/libbigphys-test" >"$tmp/t32" 2>&1
	check_eq "32-bit library unit tests exit status" "$?" 0
	grep '^not ok' "$tmp/t32" | sed 's/^/# 32-bit: /'
	"$U/build/m32/test/libbigphys-fake-test" >"$tmp/t32" 2>&1
	check_eq "32-bit library tests against a fake device exit status" "$?" 0
	grep '^not ok' "$tmp/t32" | sed 's/^/# 32-bit: /'
else
	skip "32-bit library unit tests" "this host cannot run i386 programs"
fi
# The 64-bit build writes its struct sizes, offsets and ioctl numbers as
# _Static_asserts, which must hold when compiled -m32 (no run needed).
cat >"$tmp/layout.c" <<'EOF_C'
#include <stddef.h>
#include <stdio.h>
#include <linux/bigphys.h>
#define CHECKS \
	X(sizeof(struct bigphys_info)) X(sizeof(struct bigphys_alloc_req)) \
	X(sizeof(struct bigphys_free_req)) X(sizeof(struct bigphys_sync_req)) \
	X(sizeof(struct bigphys_export_req)) \
	X(offsetof(struct bigphys_info, page_size)) X(offsetof(struct bigphys_info, reserved)) \
	X(offsetof(struct bigphys_alloc_req, offset)) X(offsetof(struct bigphys_alloc_req, reserved)) \
	X(offsetof(struct bigphys_sync_req, offset)) X(offsetof(struct bigphys_sync_req, reserved)) \
	X(offsetof(struct bigphys_export_req, fd)) \
	X(BIGPHYS_IOC_INFO) X(BIGPHYS_IOC_ALLOC) X(BIGPHYS_IOC_FREE) X(BIGPHYS_IOC_SYNC) \
	X(BIGPHYS_IOC_EXPORT)
#ifdef EMIT
#define X(e) printf("_Static_assert((%s) == %lluULL, \"%s\");\n", #e, (unsigned long long)(e), #e);
int main(void)
{
	CHECKS
	return 0;
}
#else
#include "asserts.h"
#endif
EOF_C
out=$(${CC:-gcc} -std=c11 -DEMIT -I"$U/include" -o "$tmp/layout" "$tmp/layout.c" 2>&1 &&
	"$tmp/layout" >"$tmp/asserts.h" && ${CC:-gcc} -m32 -std=c11 -Wall -Werror -I"$U/include" \
	-c -o "$tmp/layout32.o" "$tmp/layout.c" 2>&1)
check "uapi struct layouts and ioctl numbers are the same with -m32 ($(wc -l <"$tmp/asserts.h") checks)" \
	test $? = 0
[ -n "$out" ] && diag "$out"
check "static and shared libraries built" test -f "$U/build/lib/libbigphys.a" -a -f "$U/build/lib/libbigphys.so"
check "shared library exports only bigphys_* symbols" \
	bash -c "! nm -D --defined-only '$U/build/lib/libbigphys.so' | awk '\$2 == \"T\" {print \$3}' | grep -v '^bigphys_'"
check_eq "pkg-config file gives -lbigphys" \
	"$(PKG_CONFIG_PATH=$U/build/lib/pkgconfig pkg-config --libs libbigphys | xargs)" "-L/usr/local/lib -lbigphys"

# make install: versioned library, soname and dev links, header, .pc; a
# program built with pkg-config against the prefix loads libbigphys.so.0.
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

# dma-bufs: --export and --heap parse before any device is opened; --heap
# combined with what only /dev/bigphys offers is a usage error.
out=$("$U/build/bin/bigphys" alloc --help 2>&1)
check "bigphys alloc --help names --export and --heap" \
	bash -c 'grep -q -- "--export" <<<"$1" && grep -q -- "--heap\[=HEAP\]" <<<"$1"' bash "$out"
for args in "--heap --export" "--heap --uncached" "--heap --write-combine" "--heap --align 1M" \
	"--heap=" "--export --export=1"; do
	# shellcheck disable=SC2086
	err=$("$U/build/bin/bigphys" --device /nonexistent alloc 1M $args 2>&1)
	check_eq "bigphys alloc 1M $args exits 2" "$?" 2
done
err=$("$U/build/bin/bigphys" alloc 1M --heap --align 1M 2>&1)
check "--heap --align says why" grep -qF -- "--heap takes no --align" <<<"$err"
"$U/build/bin/bigphys" --device /nonexistent alloc 1M --export --json >/dev/null 2>&1
check_eq "bigphys alloc 1M --export --json parses (then exits 3 without a device)" "$?" 3
err=$("$U/build/bin/bigphys" alloc 1M --heap=/nonexistent/heap --hold 1 2>&1)
check_eq "bigphys alloc --heap=/nonexistent/heap exits 3 at once" "$?" 3
check "missing heap message names the heap and the reason" \
	grep -qF "heap /nonexistent/heap: No such file or directory" <<<"$err"
"$U/build/bin/bigphys" alloc 1M --heap="$tmp" >/dev/null 2>&1
check_eq "bigphys alloc --heap=DIRECTORY (not a dma-buf heap) exits 3" "$?" 3
tap_done
