#!/bin/bash
# Build the debug kernel `make check-debug` boots: Debian's linux-source-6.1
# from tinyconfig plus scripts/debug-kernel.config (KASAN, UBSAN, lockdep,
# atomic-sleep checks, kmemleak, everything the test VM needs built in).
#
#   scripts/debug-kernel.sh
#
# The tree is build/debug-kernel/src: its bzImage is what vm-run.sh --image
# boots, and out-of-tree modules build against it with
# `make -C build/debug-kernel/src M=DIR modules`.  Everything is cached: the
# tree is extracted again only when the tarball changed, configured and
# built again only when the tarball, the fragment or the compiler changed
# (build/debug-kernel/stamp holds their checksums).  A build takes minutes;
# it says how many, and its log is build/debug-kernel/build.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

die() { echo "debug-kernel: $*" >&2; exit 1; }
say() { echo "debug-kernel: $*" >&2; }
# took SECS: "3 min 14 s"
took() { if [ "$1" -ge 60 ]; then echo "$(($1 / 60)) min $(($1 % 60)) s"; else echo "$1 s"; fi; }

tarball=/usr/src/linux-source-6.1.tar.xz
frag=$top/scripts/debug-kernel.config
dir=$debug_kernel_dir
src=$debug_kernel_src
blog=$dir/build.log

[ -r "$tarball" ] || die "no $tarball (install linux-source-6.1: scripts/setup.sh)"
mkdir -p "$dir"
# One build at a time: check-debug runs may overlap.
exec 9>>"$dir/.lock"
flock -n 9 || { say "waiting for another build of the debug kernel"; flock 9; }

# x86-64 kernels cannot be built without objtool, and objtool needs libelf.
if [ ! -r /usr/include/libelf.h ] || [ ! -r /usr/include/gelf.h ]; then
	[ "$(id -u)" -eq 0 ] || die "libelf-dev is missing (objtool needs it): install it, or run as root"
	say "installing libelf-dev (the kernel's objtool needs it)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		libelf-dev >"$dir/apt.log" 2>&1 || { cat "$dir/apt.log" >&2; die "could not install libelf-dev"; }
fi

tar_sum=$(sha256sum <"$tarball" | cut -d' ' -f1)
want=$(printf 'tarball %s\nfragment %s\ncompiler %s\n' "$tar_sum" \
	"$(sha256sum <"$frag" | cut -d' ' -f1)" "$(gcc --version | head -n 1)")
if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$want" ] &&
	[ -s "$src/arch/x86/boot/bzImage" ] && [ -s "$src/Module.symvers" ]; then
	say "$(cat "$src/include/config/kernel.release") is up to date"
	exit 0
fi
rm -f "$dir/stamp"
start=$SECONDS

if [ ! -f "$dir/src.stamp" ] || [ "$(cat "$dir/src.stamp")" != "$tar_sum" ] || [ ! -d "$src" ]; then
	say "extracting $tarball"
	rm -rf "$src" "$dir/src.tmp" "$dir/src.stamp"
	mkdir "$dir/src.tmp"
	tar -xJf "$tarball" -C "$dir/src.tmp"
	mv "$dir/src.tmp/linux-source-6.1" "$src"
	rmdir "$dir/src.tmp"
	echo "$tar_sum" >"$dir/src.stamp"
fi
extracted=$SECONDS

# tinyconfig, the fragment on top, then every new symbol to its default.
: >"$blog"
cd "$src"
{
	make tinyconfig &&
		scripts/kconfig/merge_config.sh -m .config "$frag" &&
		make olddefconfig
} >>"$blog" 2>&1 || { tail -n 20 "$blog" >&2; die "configuring failed (see $blog)"; }

# Kconfig drops what it cannot satisfy without a word: check every line.
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		opt=${line%%=*}
		got=$(grep -E "^($opt=|# $opt is not set$)" .config || true)
		[ "$got" = "$line" ] && continue
		say "$opt: asked for '${line#*=}', got '${got:-nothing (not visible)}'" ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		got=$(grep -E "^$opt=" .config || true)
		[ -z "$got" ] && continue
		say "$opt: asked for off, got '$got'" ;;
	*)	continue ;;
	esac
	bad=1
done <"$frag"
[ "$bad" = 0 ] || die "the configuration is not what scripts/debug-kernel.config asks for"
configured=$SECONDS

say "building with $(nproc) CPUs (a few minutes; log: ${blog#"$top"/})"
# modules: nothing is one, but it writes Module.symvers, which out-of-tree
# modules need to link against this tree.
make -j"$(nproc)" bzImage modules >>"$blog" 2>&1 ||
	{ tail -n 30 "$blog" >&2; die "building failed (see $blog)"; }
[ -s arch/x86/boot/bzImage ] && [ -s Module.symvers ] || die "no bzImage or Module.symvers after the build"

echo "$want" >"$dir/stamp"
say "built $(cat include/config/kernel.release) in $(took $((SECONDS - start))): extract $(took $((extracted - start))), configure $(took $((configured - extracted))), compile $(took $((SECONDS - configured)))"
