#!/bin/bash
# Build the initramfs the test VM boots with kernel VER (see vm-run.sh).
# It holds only static busybox, the modules needed to mount the host's root
# over virtio-9p, and /init; everything else comes from the host's disk, so
# the image stays small and never goes stale when the host's tools change.
# With --builtin instead of VER it holds no modules at all, for a kernel
# with virtio-pci and 9p built in and no /lib/modules (the debug kernel).
set -euo pipefail

die() { echo "mkinitramfs: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: $0 VER|--builtin OUT.cpio.gz"
ver=$1 out=$2
moddir=/lib/modules/$ver
busybox=/bin/busybox
[ "$ver" = --builtin ] || [ -f "$moddir/modules.dep" ] ||
	die "no $moddir/modules.dep (kernel $ver not installed?)"
[ -x "$busybox" ] || die "no $busybox (install busybox-static)"
# A dynamic busybox would need the host's libc inside the initramfs.
if ldd "$busybox" >/dev/null 2>&1; then die "$busybox is not static (install busybox-static)"; fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,host,mods}
cp "$busybox" "$stage/bin/busybox"
for a in $("$busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$stage/bin/$a"
done
# The kernel opens /dev/console for init before anything is mounted.
mknod "$stage/dev/console" c 5 1 2>/dev/null || true

# Resolve the 9p stack from this kernel's modules.dep: what is a module and
# what is built in differs between kernel versions, so nothing is hard-coded.
# Depth-first, dependencies first, so the files load in the order listed.
declare -A seen=()
order=()
modname() { local n=${1##*/}; n=${n%%.ko*}; echo "${n//-/_}"; }
visit() {
	local name=$1 line path d
	[ -z "${seen[$name]:-}" ] || return 0
	seen[$name]=1
	line=$(awk -F: -v n="$name" '{ b = $1; sub(/.*\//, "", b); sub(/\.ko.*/, "", b);
		gsub(/-/, "_", b); if (b == n) { print; exit } }' "$moddir/modules.dep")
	if [ -z "$line" ]; then
		grep -Eq "/${name//_/[-_]}\.ko\$" "$moddir/modules.builtin" ||
			die "kernel $ver has module $name neither as a module nor built in"
		return 0
	fi
	path=${line%%:*}
	for d in ${line#*:}; do visit "$(modname "$d")"; done
	order+=("$path")
}
[ "$ver" = --builtin ] || for m in 9p 9pnet_virtio virtio_pci; do visit "$m"; done

i=0
for path in "${order[@]}"; do
	i=$((i + 1))
	dst=$stage/mods/$(printf %02d "$i")-$(modname "$path").ko
	# busybox insmod only reads plain .ko files.
	case $path in
	*.xz) xz -dc "$moddir/$path" >"$dst" ;;
	*.zst) zstd -qdc "$moddir/$path" >"$dst" ;;
	*.gz) gzip -dc "$moddir/$path" >"$dst" ;;
	*) cp "$moddir/$path" "$dst" ;;
	esac
done
if [ "$ver" = --builtin ]; then
	echo "mkinitramfs: no modules (everything built in)" >&2
else
	echo "mkinitramfs: $ver: $(cd "$stage/mods" && echo *)" >&2
fi

# /init is scripts/guest-init.sh, as it is.
cp "$(dirname "${BASH_SOURCE[0]}")/guest-init.sh" "$stage/init"
chmod 755 "$stage/init"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$out.tmp.$$"
mv "$out.tmp.$$" "$out" # atomic: parallel runs may share the cache
