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

cat >"$stage/init" <<'EOF'
#!/bin/sh
# PID 1 of the brkscope test VM.  The host passes vmrun.out=DIR: DIR is a
# writable 9p share holding guest.sh; we mount the host's root read-only,
# enter it, run guest.sh and leave output, rc and dmesg in DIR.  The
# project's directory (vmrun.root=) comes as a share of its own, mounted
# after the guest's own /tmp and /run, so a clone in the host's /tmp is
# seen too.  Whatever
# happens we end with reboot -f (QEMU runs with -no-reboot, so it exits):
# never hang, never drop to a shell.
PATH=/bin
export PATH
mount -t devtmpfs dev /dev 2>/dev/null
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1

R=/host # where the host's root is, as seen from here
out=
outok=

bye() {
	sync
	reboot -f
	sleep 10
	echo b >/proc/sysrq-trigger # reboot -f cannot fail, but be sure
}
fail() {
	echo "brkscope-init: FAILED: $*"
	if [ -n "$outok" ]; then
		echo "brkscope-init: FAILED: $*" >>"$R$out/init-error"
		dmesg >"$R$out/dmesg"
	fi
	bye
}

mount -t proc proc /proc || fail "mount /proc"
for w in $(cat /proc/cmdline); do
	case $w in
	vmrun.out=*) out=${w#vmrun.out=} ;;
	vmrun.root=*) root=${w#vmrun.root=} ;;
	esac
done
[ -n "$out" ] || fail "no vmrun.out=DIR on the kernel command line"
[ -n "${root:-}" ] || fail "no vmrun.root=DIR on the kernel command line"

for m in /mods/*.ko; do
	[ -e "$m" ] || continue
	insmod "$m" || fail "insmod $m"
done

o9p=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "$o9p,ro,cache=loose" hostroot /host || fail "mount host root over 9p"
mount -t tmpfs tmp /host/tmp || fail "mount /tmp"
mount -t tmpfs run /host/run || fail "mount /run"
# Where a tmpfs now hides them, the mount points are made in it.
mkdir -p "/host$root" "/host$out"
mount -t 9p -o "$o9p,ro,cache=loose" brkscope_root "/host$root" || fail "mount $root over 9p"
# No cache=loose here: the host reads these files while we write them.
mount -t 9p -o "$o9p" brkscope_out "/host$out" || fail "mount $out over 9p"
outok=1

mount -t proc proc /host/proc || fail "mount proc"
mount -t sysfs sys /host/sys || fail "mount sysfs"
mount -t devtmpfs dev /host/dev || fail "mount devtmpfs"
mkdir -p /host/dev/pts /host/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /host/dev/pts || fail "mount devpts"
mount -t tmpfs tmp /host/dev/shm || fail "mount /dev/shm"
mount -t debugfs debugfs /host/sys/kernel/debug || fail "mount debugfs"

# Like switch_root, not a plain chroot: in a plain chroot the kernel refuses
# unshare(CLONE_NEWUSER) with EPERM.  After the move, the host's root is
# reached relative to our cwd; our own busybox stays at /bin.
cd /host && mount --move . / || fail "mount --move /host /"
R=.
chroot . /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root TERM=dumb /bin/sh "$out/guest.sh" <"$R/dev/null" >"$R$out/output" 2>&1
rc=$?
dmesg >"$R$out/dmesg"
echo "$rc" >"$R$out/rc" # last: the host takes its presence as "all done"
bye
EOF
chmod 755 "$stage/init"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$out.tmp.$$"
mv "$out.tmp.$$" "$out" # atomic: parallel runs may share the cache
