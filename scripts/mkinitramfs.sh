#!/bin/bash
# Build the initramfs the test VM boots with kernel VER (see vm-run.sh).
#
#   mkinitramfs.sh VER|--builtin OUT.cpio.gz
#   mkinitramfs.sh --self VER OUT.cpio PATH...
#
# The first holds only static busybox, the modules needed to mount the
# host's root over virtio-9p, and /init; everything else comes from the
# host's disk, so the image stays small and never goes stale when the
# host's tools change.  With --builtin instead of VER it holds no modules
# at all, for a kernel with virtio-pci and 9p built in and no /lib/modules
# (the debug kernel).
#
# --self is for a kernel without 9p (Debian's cloud kernels): the image
# carries, under /self, the whole root the guest will run in, which /init
# copies into a tmpfs and enters (guest-init.sh): each PATH (a file or
# directory of the host: the project's scripts and build outputs, the
# guest's command) at the same path; dash as /bin/sh, bash, and python3
# with the standard modules `import json` loads (client_test parses the
# client's JSON with it); the host's /etc/passwd and /etc/group; every
# shared library any carried program loads (ldd: libc, libmnl...), and
# libgcc_s, which glibc loads for pthread_exit() unseen by ldd; and
# static busybox for every other command (insmod, grep, awk...).  No
# kernel module: results go back over the second serial port, and the
# 8250 driver must be built in (it is in Debian's kernels).  It is made
# for one run (vm-run.sh writes it beside the run's results), so it is
# left uncompressed: nothing to deflate on the host, nothing to inflate
# under emulation.
set -euo pipefail
trap 'echo "mkinitramfs: line $LINENO: a command failed (exit $?)" >&2' ERR

die() { echo "mkinitramfs: $*" >&2; exit 1; }
self=
if [ "${1:-}" = --self ]; then
	self=1
	shift
	[ $# -ge 2 ] || die "usage: $0 --self VER OUT.cpio PATH..."
else
	[ $# -eq 2 ] || die "usage: $0 VER|--builtin OUT.cpio.gz"
fi
ver=$1 out=$2
shift 2
moddir=/lib/modules/$ver
busybox=/bin/busybox
[ "$ver" = --builtin ] || [ -f "$moddir/modules.dep" ] ||
	die "no $moddir/modules.dep (kernel $ver not installed?)"
[ -x "$busybox" ] || die "no $busybox (install busybox-static)"
# A dynamic busybox would need the host's libc inside the initramfs.
if ldd "$busybox" >/dev/null 2>&1; then die "$busybox is not static (install busybox-static)"; fi
if [ -n "$self" ]; then
	grep -Eq '/8250\.ko$' "$moddir/modules.builtin" ||
		die "kernel $ver has no built-in 8250 serial driver: the results could not come back"
fi

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
[ "$ver" = --builtin ] || [ -n "$self" ] || for m in 9p 9pnet_virtio virtio_pci; do visit "$m"; done

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
elif [ -z "$self" ]; then
	echo "mkinitramfs: $ver: $(cd "$stage/mods" && echo *)" >&2
fi

# /init is scripts/guest-init.sh, as it is.
cp "$(dirname "${BASH_SOURCE[0]}")/guest-init.sh" "$stage/init"
chmod 755 "$stage/init"

# ---- --self: the guest's whole root, under /self ----
#
# carry PATH: the host's file (followed if a symlink) at the same path.
carry() {
	mkdir -p "$root$(dirname "$1")"
	cp -L "$1" "$root$1"
}
if [ -n "$self" ]; then
	root=$stage/self
	mkdir -p "$root"/{dev,proc,sys,run,root,etc,usr/bin,usr/sbin,usr/lib,usr/lib64}
	install -d -m 1777 "$root/tmp"
	chmod 700 "$root/root"
	# The host's layout: on Debian 12 /bin, /sbin, /lib, /lib64 lead into /usr.
	for d in bin sbin lib lib64; do
		if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$root/$d"; else mkdir -p "$root/$d"; fi
	done
	cp /etc/passwd /etc/group "$root/etc/"
	carry /usr/bin/dash
	ln -s dash "$root/usr/bin/sh"
	carry /usr/bin/bash
	carry /usr/bin/python3
	# The modules python3 -I -S loads for `import json` (the frozen ones
	# too: their files are os.py's neighbours, which python looks for to
	# find its library), their compiled copies where the host has them,
	# and os.py, the landmark python finds its library by.
	pylib=$(/usr/bin/python3 -I -S -c 'import os; print(os.path.dirname(os.__file__))')
	mkdir -p "$root$pylib/lib-dynload"
	for f in "$pylib/os.py" $(env -i /usr/bin/python3 -I -S -c 'import json, sys
for m in list(sys.modules.values()):
    for f in (getattr(m, "__file__", None), getattr(m, "__cached__", None)):
        if f: print(f)'); do
		[ ! -e "$f" ] || carry "$f"
	done
	# Busybox for every other command, where the host's would be.
	cp "$busybox" "$root/usr/bin/busybox"
	for a in $("$busybox" --list-full); do
		[ -e "$root/$a" ] || [ -L "$root/$a" ] || ln -s /usr/bin/busybox "$root/$a"
	done
	# What the guest runs, at the paths it has on the host.
	for p in "$@"; do
		[ -e "$p" ] || die "$p: no such file or directory"
		case $p in /*) ;; *) die "$p: not an absolute path" ;; esac
		mkdir -p "$root$(dirname "$p")"
		cp -a "$p" "$root$(dirname "$p")/"
	done
	# Every shared library a carried program or library loads (ldd lists
	# them all, dependencies of dependencies too; it fails on a script).
	libs=$(find "$root" -type f \( -perm /111 -o -name '*.so*' \) -print0 |
		xargs -0 -r -n 1 ldd 2>/dev/null |
		sed -n 's|^[^/]*\(/[^ ]*\) (0x[0-9a-f]*)$|\1|p' | sort -u) || true
	[ -n "$libs" ] || die "ldd found no shared library to carry"
	# And what glibc loads with dlopen, which ldd cannot see: libgcc_s
	# (pthread_exit and thread cancellation unwind with it).
	# (awk reads to the end: leaving early, ldconfig could die of SIGPIPE.)
	gcc_s=$(/sbin/ldconfig -p | awk '$1 == "libgcc_s.so.1" && /x86-64/ && !n++ { print $NF }')
	[ -n "$gcc_s" ] || die "no libgcc_s.so.1 (ldconfig -p)"
	libs="$libs $gcc_s"
	for lib in $libs; do
		[ -e "$root$lib" ] || carry "$lib"
	done
fi

mkdir -p "$(dirname "$out")"
if [ -n "$self" ]; then
	(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp.$$"
	mv "$out.tmp.$$" "$out"
	echo "mkinitramfs: $ver: self-contained, $(du -sh "$stage/self" | cut -f1)B" >&2
	exit 0
fi
(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$out.tmp.$$"
mv "$out.tmp.$$" "$out" # atomic: parallel runs may share the cache
