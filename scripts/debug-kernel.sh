#!/bin/bash
# Build the debug kernel `make check-debug` boots, once per machine:
# Debian's linux-source-6.1 from tinyconfig plus scripts/debug-kernel.config
# (KASAN, UBSAN, lockdep, atomic-sleep checks, kmemleak, everything the test
# VM needs built in).
#
#   scripts/debug-kernel.sh
#
# The tree lives in a cache outside the clone, shared by every clone on
# the machine: /var/cache/brkscope/debug-kernel-KEY/src (scripts/lib.sh
# says what KEY hashes: the linux-source-6.1 package version, the
# fragment, the compiler, the recipe; BRKSCOPE_CACHE moves the cache).  Its
# bzImage is what vm-run.sh --image boots, and out-of-tree modules build
# against it with `make -C $debug_kernel_src M=DIR modules`.
#
# A tree is reused only if it verifies: its key file matches, and its
# bzImage, Module.symvers and .config are there, with the bzImage's sha256
# the one recorded when it was built.  Otherwise it is built again from
# scratch (minutes; the log is build.log next to src).  Builders of the same
# key wait for each other (flock).  Trees of other keys unused for
# BRKSCOPE_CACHE_DAYS days (default 14) are removed after a build.
#
# The last line on stdout says what happened, for make check-debug:
#   debug kernel: reused cache DIR (RELEASE, built WHEN): verified in N s
#   debug kernel: built DIR (RELEASE) in N min N s: extract ..., configure ..., compile ...
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
image=$debug_kernel_image
blog=$dir/build.log
start=$SECONDS

[ -r "$tarball" ] || die "no $tarball (install linux-source-6.1: scripts/setup.sh)"
mkdir -p "$debug_kernel_cache" || die "cannot create $debug_kernel_cache (run as root, or set BRKSCOPE_CACHE)"
# One builder per key at a time; the lock lives beside the tree, so that
# removing the tree leaves it alone.
exec 9>>"$dir.lock"
flock -n 9 || { say "waiting for another build of $dir"; flock 9; }

want=$(debug_kernel_inputs)

# verify: the tree is complete and its bzImage is the one that was built.
verify() {
	[ -f "$dir/key" ] && [ "$(cat "$dir/key")" = "$want" ] || { echo "no tree for this key"; return 1; }
	local f
	for f in "$image" "$src/Module.symvers" "$src/.config" "$src/include/config/kernel.release"; do
		[ -s "$f" ] || { echo "${f#"$dir"/} is missing"; return 1; }
	done
	[ -s "$dir/bzImage.sha256" ] || { echo "no recorded bzImage checksum"; return 1; }
	[ "$(sha256sum <"$image" | cut -d' ' -f1)" = "$(cat "$dir/bzImage.sha256")" ] ||
		{ echo "bzImage does not match its recorded checksum"; return 1; }
}

if why=$(verify); then
	touch "$dir/last-used"
	echo "debug kernel: reused cache $dir ($(cat "$src/include/config/kernel.release"), built $(date -u -r "$dir/bzImage.sha256" '+%Y-%m-%d %H:%M UTC')): verified in $(took $((SECONDS - start)))"
	exit 0
fi
if [ -e "$dir" ]; then
	say "rebuilding $dir: $why"
else
	say "no cached debug kernel for this key: building $dir"
fi
say "key: $(echo "$want" | paste -sd ';' | sed 's/;/; /g')"

# x86-64 kernels cannot be built without objtool, and objtool needs libelf.
if [ ! -r /usr/include/libelf.h ] || [ ! -r /usr/include/gelf.h ]; then
	[ "$(id -u)" -eq 0 ] || die "libelf-dev is missing (objtool needs it): install it, or run as root"
	say "installing libelf-dev (the kernel's objtool needs it)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		libelf-dev >&2 || die "could not install libelf-dev"
fi

# From scratch: nothing of a tree that failed to verify is trusted.
rm -rf "$dir"
mkdir -p "$dir/tmp"
: >"$blog"
say "extracting $tarball"
tar -xJf "$tarball" -C "$dir/tmp"
mv "$dir/tmp/linux-source-6.1" "$src"
rmdir "$dir/tmp"
extracted=$SECONDS

# tinyconfig, the fragment on top, then every new symbol to its default.
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

say "building with $(nproc) CPUs (a few minutes; log: $blog)"
# modules: nothing is one, but it writes Module.symvers, which out-of-tree
# modules need to link against this tree.
make -j"$(nproc)" bzImage modules >>"$blog" 2>&1 ||
	{ tail -n 30 "$blog" >&2; die "building failed (see $blog)"; }
[ -s "$image" ] && [ -s Module.symvers ] || die "no bzImage or Module.symvers after the build"

# The checksum and the key last: together they say "complete".
sha256sum <"$image" | cut -d' ' -f1 >"$dir/bzImage.sha256"
echo "$want" >"$dir/key"
touch "$dir/last-used"

# Prune trees of other keys nobody used for a while (and no one is
# building: their lock is free).
for old in "$debug_kernel_cache"/debug-kernel-*/; do
	old=${old%/}
	[ -d "$old" ] && [ "$old" != "$dir" ] || continue
	[ -z "$(find "$old" -maxdepth 1 -name last-used -mtime -"${BRKSCOPE_CACHE_DAYS:-14}")" ] || continue
	(
		flock -n 9 || exit 0
		say "pruning $old (unused for ${BRKSCOPE_CACHE_DAYS:-14} days)"
		rm -rf "$old" "$old.lock"
	) 9>>"$old.lock"
done

echo "debug kernel: built $dir ($(cat include/config/kernel.release)) in $(took $((SECONDS - start))): extract $(took $((extracted - start))), configure $(took $((configured - extracted))), compile $(took $((SECONDS - configured)))"
