#!/bin/bash
# Run a command as root inside a throw-away QEMU guest booting a Debian
# kernel, with the host's root filesystem shared read-only, so the module
# can be loaded and tested on kernels the host itself cannot load it into.
# The project's directory is shared on its own as well, as the guest mounts
# a tmpfs of its own on /tmp and /run that would hide a clone there.
#
#   scripts/vm-run.sh [--kernel VER | --image PATH] [--out DIR] [--timeout SECS] [--mem MB]
#                     [--self] [--carry PATH]... -- CMD [ARGS...]
#
# --image boots a kernel image of our own (the debug kernel of
# scripts/debug-kernel.sh) instead of /boot/vmlinuz-VER: one with virtio-pci
# and 9p built in, as it comes with no modules.  VER is then the release
# its bzImage header names.
#
# CMD runs in the project root (/init is scripts/guest-init.sh).  Its
# output, exit status and the guest's dmesg land in DIR (default
# build/vm/VER), with the console in DIR/console.log.  This is the one
# place guest logs are scanned for kernel splats (scripts/splat-scan.sh):
# what it matched goes to DIR/splats (empty: none).
#
# A guest is stopped early, with the tail of its console, if CMD has not
# started VM_START_TIMEOUT seconds after QEMU did (default 240: a hung
# boot), or if neither its console nor CMD's output grew for VM_SILENCE
# seconds (default 360) while QEMU idled (used under a tenth of a host
# core: a guest blocked for good), or for VM_SILENCE_BUSY seconds (default
# 1200) however busy it was (a livelock; and longer than the longest quiet
# selftest on the debug kernel under load, a storm).  360 s is above the
# 300 s a stress test may hang before its harness says so.
#
# A kernel without 9p (Debian's cloud kernels: /boot/config-VER has no
# CONFIG_9P_FS), or any kernel with --self, boots instead a self-contained
# initramfs made for this run (mkinitramfs.sh --self, DIR/initrd.cpio):
# the guest's root, with the project's scripts/, bench/ and VERSION, what
# build/ holds for the guests (selftests/, userspace/, bench/bin/ and
# VER's modules under kmod/ and bench/kmod/), tmux, prometheus-node-exporter,
# terminfo and the C.UTF-8 locale where the host has them, and each --carry PATH, all at the
# paths they have here; dash, bash, python3 (what `import json` needs) and
# busybox for the rest.  No host filesystem is shared: the
# guest sends its results over a second serial port into DIR/serial,
# which is filed into the same files as above as they come (demux).
#
# Exit status: CMD's, else
#   1    the kernel logged a splat (CMD exited 0)
#   2    usage or set-up error (nothing booted)
#   121  CMD did not start within VM_START_TIMEOUT s (guest stopped)
#   122  the guest was silent for VM_SILENCE s while idle, or for
#        VM_SILENCE_BUSY s (guest stopped)
#   124  the guest ran past --timeout / VM_TIMEOUT (default 300 s; killed)
#   125  the guest ended without a result (no DIR/rc: it crashed or
#        panicked)
# Env: VM_TIMEOUT, VM_START_TIMEOUT, VM_SILENCE, VM_SILENCE_BUSY, BRKSCOPE_KVM=1 to use
# KVM (it hangs on some hosts, so TCG is the default), VM_TCG_OPTS,
# QEMU_EXTRA (appended to QEMU's arguments).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
die() { echo "vm-run: $*" >&2; exit 2; }
usage() { die "usage: $0 [--kernel VER | --image PATH] [--out DIR] [--timeout SECS] [--mem MB] [--self] [--carry PATH]... -- CMD [ARGS...]"; }

ver='' image='' out='' tmo=${VM_TIMEOUT:-300} mem=1024 self='' carry=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) ver=${2:?}; shift 2 ;;
	--image) image=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--timeout) tmo=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--self) self=1; shift ;;
	--carry) carry+=("$(realpath -m "${2:?}")"); shift 2 ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[ $# -gt 0 ] || usage
[ -z "$ver" ] || [ -z "$image" ] || usage

# bzimage_release FILE: the release ("6.1.192-foo") a bzImage's setup
# header points at (boot protocol: "HdrS" at 0x202, kernel_version at 0x20e,
# an offset from 0x200), or nothing if FILE is no bzImage.
bzimage_release() {
	local off
	[ "$(dd if="$1" bs=1 skip=$((0x202)) count=4 2>/dev/null)" = HdrS ] || return 0
	off=$(od -An -tu2 -j $((0x20e)) -N 2 "$1" | tr -d ' ')
	[ "$off" -gt 0 ] || return 0
	dd if="$1" bs=1 skip=$((off + 0x200)) count=128 2>/dev/null | tr '\0' '\n' |
		head -n 1 | cut -d ' ' -f 1
}

if [ -n "$image" ]; then
	[ -r "$image" ] || die "no $image"
	kernel=$(realpath "$image")
	ver=$(bzimage_release "$kernel")
	[ -n "$ver" ] || die "$image is not a bzImage"
elif [ -z "$ver" ]; then
	ver=$(printf '%s\n' /boot/vmlinuz-6.1.*-amd64 | grep -v -e -cloud- -e -rt- | sort -V | tail -n 1)
	ver=${ver#/boot/vmlinuz-}
	[ -r "/boot/vmlinuz-$ver" ] || die "no /boot/vmlinuz-6.1.*-amd64 (run scripts/setup.sh)"
fi
[ -n "$image" ] || kernel=/boot/vmlinuz-$ver
[ -r "$kernel" ] || die "no $kernel"
if [ -z "$image" ] && ! grep -Eq '^CONFIG_9P_FS=[ym]' "/boot/config-$ver" 2>/dev/null; then
	self=1
fi
[ -z "$self" ] || [ -z "$image" ] || die "--self needs a Debian kernel (--kernel)"

out=$(realpath -m "${out:-$root/build/vm/$ver}")
# The guest mounts its own filesystems on these, over the shares; the
# kernel command line is split at spaces and QEMU's options at commas.
for d in "$out" "$root"; do
	case $d in
	/proc | /proc/* | /sys | /sys/* | /dev | /dev/*) die "$d: the guest hides this path" ;;
	*[[:space:],]*) die "'$d': no spaces or commas allowed" ;;
	esac
done
mkdir -p "$out"
# Empty DIR, but only one made by us: --out could point at anything.
mark=$out/.brkscope-vm
if [ ! -e "$mark" ] && [ -n "$(ls -A "$out")" ]; then
	die "$out is not empty and was not made by vm-run; refusing to empty it"
fi
exec 9>>"$mark"
flock -n 9 || { echo "vm-run: waiting for another run using $out" >&2; flock 9; }
find "$out" -mindepth 1 ! -path "$mark" -delete

# The initramfs depends only on the kernel's modules and on mkinitramfs.sh.
# A kernel of our own has everything built in and shares one without any
# modules (no Debian release starts with "builtin").  A self-contained one
# is made below, for this run.
if [ -n "$self" ]; then
	:
elif [ -n "$image" ]; then
	initrd=$root/build/initramfs/builtin.cpio.gz
	if [ ! -s "$initrd" ] || [ "$root/scripts/mkinitramfs.sh" -nt "$initrd" ] ||
		[ "$root/scripts/guest-init.sh" -nt "$initrd" ]; then
		"$root/scripts/mkinitramfs.sh" --builtin "$initrd"
	fi
else
	initrd=$root/build/initramfs/$ver.cpio.gz
	if [ ! -s "$initrd" ] || [ "$root/scripts/mkinitramfs.sh" -nt "$initrd" ] ||
		[ "$root/scripts/guest-init.sh" -nt "$initrd" ] ||
		[ "/lib/modules/$ver/modules.dep" -nt "$initrd" ]; then
		"$root/scripts/mkinitramfs.sh" "$ver" "$initrd"
	fi
fi

# /init runs this with /bin/sh (dash), which cannot read bash's %q quoting.
# shellcheck disable=SC2016
{
	echo '[ -n "${BASH_VERSION:-}" ] || exec /bin/bash "$0" "$@"'
	printf 'cd %q || exit\n' "$root"
	printf 'exec'
	printf ' %q' "$@"
	echo
} >"$out/guest.sh"

if [ -n "$self" ]; then
	for p in scripts bench VERSION build/selftests build/userspace build/bench/bin; do
		[ ! -e "$root/$p" ] || carry+=("$root/$p")
	done
	# The host programs top_test and export_test drive, where installed
	# (scripts/setup.sh installs them), the terminal descriptions tmux and
	# curses read, and the C.UTF-8 locale tmux insists on: without them
	# those tests skip.
	for p in /usr/bin/tmux /usr/bin/prometheus-node-exporter /usr/lib/terminfo \
		/usr/lib/locale/C.utf8; do
		[ ! -e "$p" ] || carry+=("$p")
	done
	while IFS= read -r p; do
		carry+=("$p")
	done < <(find "$root/build/kmod/$ver" "$root/build/bench/kmod/$ver" -name '*.ko' 2>/dev/null)
	initrd=$out/initrd.cpio
	"$root/scripts/mkinitramfs.sh" --self "$ver" "$initrd" "${carry[@]}" "$out/guest.sh" ||
		die "could not make the self-contained initramfs"
fi

# One host thread runs both vCPUs.  With multi-threaded TCG, code that one
# vCPU patches (kprobe and ftrace sites, text_poke_bp) can still run stale on
# the other: removing even the kernel's own tracefs kretprobe from
# __x64_sys_brk under a brk storm crashed 6.1 and 6.12 guests there, and
# never with thread=single or one vCPU (Documentation/testing.rst).
accel=(-accel "tcg,${VM_TCG_OPTS:-thread=single}")
[ "${BRKSCOPE_KVM:-0}" = 1 ] && accel=(-enable-kvm -cpu host)
share() { echo "-fsdev local,id=$1,path=$2,security_model=none,multidevs=remap$3 -device virtio-9p-pci,fsdev=$1,mount_tag=$1"; }
# The host's root and the project's directory shared read-only, DIR
# writable; or, self-contained, DIR/serial as the guest's ttyS1.
if [ -z "$self" ]; then
	io="$(share hostroot / ,readonly=on) $(share brkscope_root "$root" ,readonly=on) $(share brkscope_out "$out" "")"
else
	# Naming the console too: a second -serial alone would become ttyS0.
	io="-serial mon:stdio -serial file:$out/serial"
fi
start_tmo=${VM_START_TIMEOUT:-240}
silence=${VM_SILENCE:-360}
silence_busy=${VM_SILENCE_BUSY:-1200}
hz=$(getconf CLK_TCK)
# cpu_ticks PID: the user and system time PID used so far, in ticks.
cpu_ticks() {
	local st
	read -r st 2>/dev/null <"/proc/$1/stat" || { echo 0; return; }
	# shellcheck disable=SC2086
	set -- ${st##*) }	# from field 3, state: utime and stime are 12 and 13
	echo $((${12} + ${13}))
}
# console_tail: the end of the guest's console, for a guest stopped early.
console_tail() {
	echo "vm-run: the console's last lines ($out/console.log):" >&2
	tail -n 40 "$out/console.log" | sed 's/^/vm-run:   /' >&2
}
# demux: a self-contained guest's results, "NAME LINE" lines in DIR/serial,
# into DIR/NAME as a guest with the 9p share writes them: output from when
# it started, rc only once it came (the guest's last line).
demux() {
	[ -n "$self" ] || return 0
	awk -v d="$out" '
	{ sub(/\r$/, ""); sp = index($0, " ") }
	!sp { next }
	{ n = substr($0, 1, sp - 1); l = substr($0, sp + 1) }
	n == "started" { printf "" >(d "/output") }
	n == "started" || n == "output" || n == "init-error" || n == "dmesg" { print l >(d "/" n) }
	n == "rc" { rc = l; have = 1 }
	END { if (have) print rc >(d "/rc") }' "$out/serial" 2>/dev/null || true
}
# scan FILE...: the one splat scan; its findings in DIR/splats, and on stderr.
scan() {
	if "$root/scripts/splat-scan.sh" "$@" >"$out/splats" 2>&1; then
		return 0
	fi
	echo "vm-run: $ver: kernel splat (DIR/splats):" >&2
	head -n 60 "$out/splats" >&2
	return 1
}

start=$SECONDS
rc=0
# The console goes to a file: a pipe would stay open until QEMU exits and
# the first line can be lost anyway; results come back through the share
# (or the second serial port).
# shellcheck disable=SC2046,SC2086
timeout -k 10 "$tmo" qemu-system-x86_64 "${accel[@]}" -m "$mem" -smp 2 \
	-nographic -no-reboot -net none -kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 loglevel=5 vmrun.root=$root vmrun.out=$out" \
	$io ${QEMU_EXTRA:-} </dev/null >"$out/console.log" 2>&1 &
qpid=$!
trap 'kill "$qpid" 2>/dev/null' EXIT

# Watch it: has CMD started, is anything being written, is QEMU working?
stopped='' size=-1 quiet_since=$SECONDS busy_since=$SECONDS qemu='' ticks=0
while kill -0 "$qpid" 2>/dev/null; do
	sleep 2
	now=$SECONDS
	s=$(stat -c %s "$out/console.log" "$out/output" "$out/serial" 2>/dev/null | tr '\n' ' ' || true)
	if [ "$s" != "$size" ]; then
		size=$s quiet_since=$now busy_since=$now
		demux
	fi
	# QEMU is timeout's child; busy: a tenth of a core over these 2 s.
	[ -n "$qemu" ] || read -r qemu _ <"/proc/$qpid/task/$qpid/children" 2>/dev/null || true
	if [ -n "$qemu" ]; then
		t=$(cpu_ticks "$qemu")
		[ $((t - ticks)) -lt $((hz / 5)) ] || busy_since=$now
		ticks=$t
	fi
	if [ ! -e "$out/started" ] && [ $((now - start)) -ge "$start_tmo" ]; then
		stopped=121
		echo "vm-run: guest $ver: the command had not started after $start_tmo s (VM_START_TIMEOUT): stopped" >&2
	elif [ $((now - busy_since)) -ge "$silence" ]; then
		stopped=122
		echo "vm-run: guest $ver: silent and idle for $silence s (VM_SILENCE), $((now - start)) s in: stopped" >&2
	elif [ $((now - quiet_since)) -ge "$silence_busy" ]; then
		stopped=122
		echo "vm-run: guest $ver: silent for $silence_busy s (VM_SILENCE_BUSY) though busy, $((now - start)) s in: stopped" >&2
	fi
	if [ -n "$stopped" ]; then
		kill "$qpid" 2>/dev/null || true
		break
	fi
done
wait "$qpid" || rc=$?
trap - EXIT
secs=$((SECONDS - start))
demux

if [ -n "$stopped" ]; then
	console_tail
	scan "$out/console.log" || true
	exit "$stopped"
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "vm-run: guest $ver timed out after $tmo s" >&2
	console_tail
	scan "$out/console.log" || true
	exit 124
fi
[ ! -e "$out/init-error" ] || cat "$out/init-error" >&2
if [ ! -e "$out/rc" ]; then
	echo "vm-run: guest $ver gave no result (see $out/console.log)" >&2
	console_tail
	scan "$out/dmesg" "$out/console.log" || true
	exit 125
fi
cat "$out/output"
echo "vm-run: $ver: rc $(cat "$out/rc") in $secs s" >&2
scan "$out/dmesg" "$out/console.log" || { [ "$(cat "$out/rc")" != 0 ] || exit 1; }
exit "$(cat "$out/rc")"
