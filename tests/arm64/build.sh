#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The arm64 build (make kernel ARCH=arm64, make userspace-arm64): its own
# object directory, an arm64 image and modules, no compiler warning in the
# series' files, static aarch64 tools, and the device-tree binding.
. "$(dirname "$0")/../tap.sh"
export FLAVOUR=${FLAVOUR:-arm64-test}
. "$TOP/scripts/lib.sh"

check_eq "the arm64 flavour builds in build/obj-$FLAVOUR" "$OBJ" "$BUILD/obj-$FLAVOUR"
check "build/obj-$FLAVOUR is an arm64 configuration" grep -qx 'CONFIG_ARM64=y' "$OBJ/.config"
if [ -f "$BUILD/obj-test/.config" ]; then
	check "build/obj-test is still the x86_64 configuration" grep -qx 'CONFIG_X86_64=y' "$BUILD/obj-test/.config"
else
	skip "build/obj-test is still the x86_64 configuration" "no x86_64 build here"
fi
# only_flavour PATTERN MAKE-ARGS...: make -n names flavours, all matching.
only_flavour() {
	local pat=$1 lines out
	shift
	out=$(cd "$TOP" && make -n "$@") || return 1
	lines=$(grep -o 'FLAVOUR=[^ ]*' <<<"$out") || return 1
	[ -n "$lines" ] && ! grep -qv "$pat" <<<"$lines"
}
check "make kernel ARCH=arm64 builds only arm64 flavours" only_flavour '^FLAVOUR=arm64-' kernel ARCH=arm64
check "make kernel (no ARCH) builds only the x86_64 test flavour" only_flavour '^FLAVOUR=test$' kernel
check "the image is an arm64 Linux kernel Image" \
	sh -c "file '$OBJ/$KIMAGE' | grep -q 'Linux kernel ARM64 boot executable Image'"
mapfile -t kos < <(find "$OBJ/modinst/lib/modules" -name '*.ko' 2>/dev/null)
check "modules are installed (${#kos[@]})" test ${#kos[@]} -gt 0
check "modules are aarch64 objects" sh -c "file ${kos[*]} | grep -v 'ARM aarch64' | grep -q .; test \$? = 1"

# Every C file of the series compiles for arm64 without a warning
# (recompiled: ccache replays warnings, but only a real compile runs).
mapfile -t objs < <(series_built_objects)
check "the arm64 kernel builds the series' C files, the device-tree one too (${#objs[@]})" \
	sh -c "test ${#objs[@]} -gt 3 && printf '%s\\n' ${objs[*]} | grep -qx mm/bigphysarea_of.o"
# In a copy of the object directory: the VM suite boots this one next.
scratch=$(mktemp -d "$BUILD/obj-arm64-recompile.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cp -a "$OBJ/." "$scratch/"
rm -f "${objs[@]/#/$scratch/}"
log=$LOGS/arm64-series.log
OBJ=$scratch CCACHE_DISABLE=1 kmake "${objs[@]}" >"$log" 2>&1
check "the series' objects compile for arm64" test $? = 0
ours=$(series_diagnostics "$log")
if [ -z "$ours" ]; then pass "arm64: no compiler warnings in the series' code"; else
	fail "arm64: compiler warnings in the series' code"; sed 's/^/#   /' <<<"$ours"; fi
OBJ=$scratch kmake "$KTARGET" modules >>"$log" 2>&1
check "the arm64 kernel and modules link again" test $? = 0
rm -rf "$scratch"

# Userspace for the guest: static aarch64 programs.
mapfile -t tools < <(ls "$TOP"/userspace/build/arm64/bin/* 2>/dev/null)
check "arm64 tools are built (${#tools[@]})" test ${#tools[@]} -gt 5
for t in "${tools[@]}"; do
	check "$(basename "$t") is a static aarch64 executable" \
		sh -c "file '$t' | grep -q 'ARM aarch64.*statically linked'"
done

# The binding: Debian 12's dt-schema (2022.08) checks it against the
# meta-schema; the kernel's dt_binding_check wants dtschema >= 2023.9 and
# the reserved-memory.yaml it brings.
yaml=Documentation/devicetree/bindings/reserved-memory/bigphysarea.yaml
if command -v yamllint >/dev/null; then
	check "$yaml: yamllint with the kernel's rules" \
		yamllint -c "$SRC/Documentation/devicetree/bindings/.yamllint" "$SRC/$yaml"
else
	skip "$yaml: yamllint" "yamllint is not installed"
fi
if command -v dt-doc-validate >/dev/null; then
	out=$(dt-doc-validate -u "$SRC/Documentation/devicetree/bindings" "$SRC/$yaml" 2>&1)
	rc=$?
	out=$(grep -v 'Unable to find schema file matching $id: http://devicetree.org/schemas/reserved-memory/reserved-memory.yaml' <<<"$out")
	if [ $rc = 0 ] && [ -z "$out" ]; then pass "$yaml: dt-doc-validate (meta-schema)"; else
		fail "$yaml: dt-doc-validate (meta-schema)"; diag "$out"; fi
	v=$(dpkg-query -W -f='${Version}' dt-schema 2>/dev/null)
	if dpkg --compare-versions "${v:-0}" lt 2023.9; then
		skip "make dt_binding_check DT_SCHEMA_FILES=bigphysarea.yaml" "dt-schema ${v:-?} is older than the kernel's minimum 2023.9"
	else
		kmake dt_binding_check DT_SCHEMA_FILES=reserved-memory/bigphysarea.yaml >"$LOGS/dt-binding-check.log" 2>&1
		check "make dt_binding_check DT_SCHEMA_FILES=bigphysarea.yaml" test $? = 0
	fi
else
	skip "$yaml: dt-doc-validate and dt_binding_check" "dt-schema is not installed"
fi
tap_done
