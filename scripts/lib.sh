# shellcheck shell=bash
# Helpers shared by check.sh, demo.sh and the benchmarks: which kernels to
# test, and building the module for one of them.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$top/build

# newest_kernel GLOB: the newest installed kernel matching GLOB, or nothing.
newest_kernel() {
	local k
	for k in /boot/vmlinuz-$1; do
		[ -e "$k" ] && echo "${k#/boot/vmlinuz-}"
	done | sort -V | tail -n 1
}

# The kernels `make check` runs on: Debian 12's own 6.1 and the 6.12 LTS.
test_kernels() {
	newest_kernel '6.1.*-amd64'
	newest_kernel '6.12.*+deb12-amd64'
}

# build_module KVER [MAKEVAR...]: build brkscope.ko for KVER under
# build/kmod/KVER with W=1 (MAKEVAR may add C=2 for sparse) and print the
# compiler's diagnostics, if any, to stdout.  Out-of-tree builds write next
# to their sources, so each kernel gets a fresh copy of them.
build_module() {
	local kver=$1 dir=$build/kmod/$1 rc=0
	shift
	rm -rf "$dir" && mkdir -p "$dir"
	cp -a "$top/Kbuild" "$top/VERSION" "$top/module" "$dir/"
	make -s -C "/lib/modules/$kver/build" M="$dir" W=1 "$@" modules \
		>"$dir/build.log" 2>&1 || rc=$?
	grep -v -e '^Skipping BTF generation' -e '^make\[[0-9]*\]: ' "$dir/build.log"
	return $rc
}
