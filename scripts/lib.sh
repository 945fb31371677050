# shellcheck shell=bash
# Helpers shared by check.sh, demo.sh and the benchmarks: which kernels to
# test, and building the module for one of them.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$top/build

# newest_kernel GLOB: the newest installed kernel matching GLOB, or nothing.
# A flavour GLOB does not name is never taken for the one it does:
# '6.1.*-amd64' also matches 6.1.0-57-cloud-amd64, which sorts after
# 6.1.0-57-amd64.
newest_kernel() {
	local k v
	for k in /boot/vmlinuz-$1; do
		[ -e "$k" ] || continue
		v=${k#/boot/vmlinuz-}
		case $v in *-cloud-*) [[ $1 == *-cloud-* ]] || continue ;; esac
		case $v in *-rt-*) [[ $1 == *-rt-* ]] || continue ;; esac
		echo "$v"
	done | sort -V | tail -n 1
}

# The kernels `make check` runs on: Debian 12's own 6.1, the 6.12 LTS, and
# 6.12's PREEMPT_RT build, where spinlock_t sleeps and probe-context code
# that takes one is caught.
test_kernels() {
	newest_kernel '6.1.*-amd64'
	newest_kernel '6.12.*+deb12-amd64'
	newest_kernel '6.12.*+deb12-rt-amd64'
}

# The kernels Debian's cloud images boot (linux-image-cloud-amd64 and the
# 6.12 release's cloud build): kprobes and debugfs but no 9p, so vm-run.sh
# boots them with everything the guest runs inside its initramfs.
cloud_kernels() {
	newest_kernel '6.1.*-cloud-amd64'
	newest_kernel '6.12.*+deb12-cloud-amd64'
}

# copy_source DIR: the module's sources, and nothing built from them, into
# DIR (what an out-of-tree build or dkms needs); dkms.conf's version is
# VERSION's.
copy_source() {
	rm -rf "$1" && mkdir -p "$1/module"
	cp -a "$top/Kbuild" "$top/VERSION" "$1/"
	sed "s/#MODULE_VERSION#/$(cat "$top/VERSION")/" "$top/dkms.conf" >"$1/dkms.conf"
	cp -a "$top/module/Kbuild" "$top/module/uapi" "$1/module/"
	local f
	for f in "$top"/module/*.[ch]; do
		case $f in *.mod.c) ;; *) cp -a "$f" "$1/module/" ;; esac
	done
}

# build_module KVER [MAKEVAR...]: build brkscope.ko for KVER under
# build/kmod/KVER with W=1 (MAKEVAR may add C=2 for sparse) and print the
# compiler's diagnostics, if any, to stdout.  Out-of-tree builds write next
# to their sources, so each kernel gets a fresh copy of them.
build_module() {
	local kver=$1
	shift
	build_module_in "/lib/modules/$kver/build" "$build/kmod/$kver" "$@"
}

# build_module_in KDIR DIR [MAKEVAR...]: the same against the kernel tree
# KDIR (the debug kernel's), under DIR.
build_module_in() {
	local kdir=$1 dir=$2 rc=0
	shift 2
	copy_source "$dir"
	make -s -j"$(nproc)" -C "$kdir" M="$dir" W=1 "$@" modules >"$dir/build.log" 2>&1 || rc=$?
	grep -v -e '^Skipping BTF generation' -e '^make\[[0-9]*\]: ' "$dir/build.log" || true
	return $rc
}

# The debug kernel of `make check-debug` (scripts/debug-kernel.sh) lives
# outside the clone, built once per machine and shared by every clone:
# /var/cache/brkscope/debug-kernel-KEY (BRKSCOPE_CACHE overrides the
# directory).  KEY is a hash of what the build depends on: the version of
# the linux-source-6.1 package, the fragment scripts/debug-kernel.config,
# the compiler, and the recipe (debug_kernel_recipe, bumped when
# debug-kernel.sh builds differently).  Its tree, which out-of-tree modules
# build against, is debug_kernel_src; the image it boots debug_kernel_image.
debug_kernel_recipe=1
debug_kernel_cache=${BRKSCOPE_CACHE:-/var/cache/brkscope}
# debug_kernel_inputs: the key's ingredients, one per line.
debug_kernel_inputs() {
	printf 'recipe %s\n' "$debug_kernel_recipe"
	printf 'linux-source-6.1 %s\n' \
		"$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo none)"
	printf 'fragment sha256 %s\n' "$(sha256sum <"$top/scripts/debug-kernel.config" | cut -d' ' -f1)"
	printf 'compiler %s\n' "$(gcc --version 2>/dev/null | head -n 1)"
}
debug_kernel_key=$(debug_kernel_inputs | sha256sum | cut -c1-16)
debug_kernel_dir=$debug_kernel_cache/debug-kernel-$debug_kernel_key
debug_kernel_src=$debug_kernel_dir/src
debug_kernel_image=$debug_kernel_src/arch/x86/boot/bzImage

# build_floor KVER: bench/kmod's brkfloor.ko (empty probes at brkscope's
# points, the benchmarks' floor) for KVER under build/bench/kmod/KVER, W=1;
# prints the compiler's diagnostics, if any, to stdout.
build_floor() {
	local dir=$build/bench/kmod/$1 rc=0
	rm -rf "$dir" && mkdir -p "$dir"
	cp "$top/bench/kmod/Kbuild" "$top/bench/kmod/brkfloor.c" "$dir/"
	make -s -C "/lib/modules/$1/build" M="$dir" W=1 modules >"$dir/build.log" 2>&1 || rc=$?
	grep -v -e '^Skipping BTF generation' -e '^make\[[0-9]*\]: ' "$dir/build.log" || true
	return $rc
}
