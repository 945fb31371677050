#!/bin/sh
# PID 1 of the brkscope test VM (scripts/vm-run.sh boots it; scripts/
# mkinitramfs.sh copies this file into the initramfs as /init; it runs
# under the initramfs's static busybox).
#
# The host passes vmrun.out=DIR and vmrun.root=DIR on the kernel command
# line.  vmrun.out is a writable 9p share holding guest.sh; we mount the
# host's root read-only, enter it, run guest.sh and leave in DIR:
#   started   written right before guest.sh runs (vm-run.sh stops a guest
#             that has not written it within a few minutes: a hung boot)
#   output    guest.sh's stdout and stderr
#   dmesg     the guest's kernel log, at the end
#   rc        guest.sh's exit status, written last ("all done")
#   init-error what went wrong before guest.sh could run, if anything
# The project's directory (vmrun.root=) comes as a share of its own,
# mounted after the guest's own /tmp and /run, so a clone in the host's
# /tmp is seen too.  Whatever happens we end with reboot -f (QEMU runs with
# -no-reboot, so it exits): never hang, never drop to a shell.
#
# A kernel without 9p (Debian's cloud kernels) gets an initramfs that
# carries the guest's whole root under /self (mkinitramfs.sh --self):
# we copy it into a tmpfs and enter that the same way, with DIR one of its
# directories.  The files above then go to the host over the second
# serial port, ttyS1, one line per line of a file, "NAME LINE" (vm-run.sh
# files them into DIR): started, output (as guest.sh writes it, up to an
# end marker, so that a process it left behind cannot keep us waiting),
# init-error, dmesg, and rc last.  The kernel's own messages go to the
# console, ttyS0, so nothing comes between those lines.
PATH=/bin
export PATH
mount -t devtmpfs dev /dev 2>/dev/null
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1

R=/host # where the host's root is, as seen from here
out=
outok=
self=
[ ! -d /self ] || self=1

bye() {
	# Closing ttyS1, its last user gone, waits until all written went out.
	[ -z "$self" ] || [ -z "$outok" ] || exec 3>&-
	sync
	reboot -f
	sleep 10
	echo b >/proc/sysrq-trigger # reboot -f cannot fail, but be sure
}
# result NAME: stdin becomes DIR/NAME on the host.
result() {
	if [ -n "$self" ]; then
		awk -v n="$1" '{ print n " " $0 }' >&3
	else
		cat >"$R$out/$1"
	fi
}
fail() {
	echo "brkscope-init: FAILED: $*"
	if [ -n "$outok" ]; then
		echo "brkscope-init: FAILED: $*" | result init-error
		dmesg | result dmesg
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

if [ -n "$self" ]; then
	exec 3>/dev/ttyS1 || fail "open /dev/ttyS1, where the results go"
	stty raw -echo <&3
	outok=1
	mount -t tmpfs -o mode=0755 root /host || fail "mount a tmpfs on /host"
	mkdir -p /host/tmp /host/run
	mount -t tmpfs tmp /host/tmp || fail "mount /tmp"
	mount -t tmpfs run /host/run || fail "mount /run"
	cp -a /self/. /host/ || fail "copy the guest's root into its tmpfs"
	rm -rf /self
else
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
fi

mount -t proc proc /host/proc || fail "mount proc"
mount -t sysfs sys /host/sys || fail "mount sysfs"
mount -t devtmpfs dev /host/dev || fail "mount devtmpfs"
mkdir -p /host/dev/pts /host/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /host/dev/pts || fail "mount devpts"
mount -t tmpfs tmp /host/dev/shm || fail "mount /dev/shm"
mount -t debugfs debugfs /host/sys/kernel/debug || fail "mount debugfs"
# As systemd mounts it: the cgroup tests make their groups here, and the
# client names the module's cgroup ids from it.
mount -t cgroup2 cgroup2 /host/sys/fs/cgroup || fail "mount cgroup2"

# Like switch_root, not a plain chroot: in a plain chroot the kernel refuses
# unshare(CLONE_NEWUSER) with EPERM.  After the move, the host's root is
# reached relative to our cwd; our own busybox stays at /bin.
cd /host && mount --move . / || fail "mount --move /host /"
R=.
result started </proc/uptime
# guest CMD...: CMD in the guest's root, with a clean environment.
guest() {
	chroot . /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root TERM=dumb "$@" <"$R/dev/null" 3>&-
}
if [ -n "$self" ]; then
	# Through a FIFO in our own root (/ here is still the initramfs).
	end='@@ brkscope-init: end of output @@'
	mkfifo /output || fail "mkfifo /output"
	awk -v e="$end" '{
		i = index($0, e)
		if (i) { if (i > 1) print "output " substr($0, 1, i - 1); exit }
		print "output " $0; fflush()
	}' </output >&3 &
	relay=$!
	{ guest /bin/sh "$out/guest.sh"; echo "$?" >/rc; echo "$end"; } >/output 2>&1
	wait "$relay"
	rc=$(cat /rc)
else
	guest /bin/sh "$out/guest.sh" >"$R$out/output" 2>&1
	rc=$?
fi
dmesg | result dmesg
echo "$rc" | result rc # last: the host takes its presence as "all done"
bye
