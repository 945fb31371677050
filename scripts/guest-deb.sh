#!/bin/sh
# Runs inside a test VM (scripts/vm-run.sh), whose root is the host's: the
# host has brkscope's .debs installed (scripts/deb-test.sh), so modprobe
# loads the module dkms built for this kernel from /lib/modules, and the
# packaged client talks to it.  No brkscope.ko may be loaded when it
# starts; it leaves none loaded.  Prints TAP lines; check.sh numbers them.
# usage: guest-deb.sh VERSION
v=$1
k=$(uname -r)
gv=$(sed -n 's/^#define BRKSCOPE_FAMILY_VERSION[[:space:]]*\([0-9]*\)$/\1/p' module/uapi/brkscope.h)
bin=/usr/sbin/brkscope
tmp=/tmp/guest-deb
mkdir -p $tmp

ok() { echo "ok - dkms: $*"; }
nok() { echo "not ok - dkms: $*"; }

if [ -e /sys/module/brkscope ]; then
	nok "no brkscope.ko is loaded before modprobe (one is: not testing)"
	exit 1
fi
ko=$(modinfo -n brkscope 2>&1)
case $ko in
/lib/modules/"$k"/updates/dkms/brkscope.ko*) ok "modinfo finds brkscope in /lib/modules/$k/updates/dkms" ;;
*) nok "modinfo finds brkscope in /lib/modules/$k/updates/dkms (it said: $ko)" ;;
esac

if ! modprobe brkscope; then
	nok "modprobe brkscope"
	exit 1
fi
# The loaded module is that file: same version, same build id (the tree's
# own build, from other paths, has another).
case $ko in
*.xz) xz -dc "$ko" >$tmp/m.ko ;;
*.zst) zstd -qdc "$ko" >$tmp/m.ko ;;
*.gz) gzip -dc "$ko" >$tmp/m.ko ;;
*) cp "$ko" $tmp/m.ko ;;
esac
objcopy -O binary --only-section=.note.gnu.build-id $tmp/m.ko $tmp/id 2>/dev/null
got=$(cat /sys/module/brkscope/version 2>&1)
if [ "$got" = "$v" ] && [ -s $tmp/id ] &&
	cmp -s $tmp/id /sys/module/brkscope/notes/.note.gnu.build-id; then
	ok "modprobe brkscope loads $v from /lib/modules (the build id of the loaded module is that file's)"
else
	nok "modprobe brkscope loads $v from /lib/modules (version '$got'; build ids: file $(od -An -tx1 $tmp/id | tr -d ' \n' | tail -c 40), loaded $(od -An -tx1 /sys/module/brkscope/notes/.note.gnu.build-id 2>&1 | tr -d ' \n' | tail -c 40))"
fi

if $bin list >$tmp/list 2>&1 && head -n 1 $tmp/list | grep -q '^ *PID'; then
	ok "the packaged client's brkscope list answers ($(($(wc -l <$tmp/list) - 1)) processes)"
else
	nok "the packaged client's brkscope list answers"
	sed 's/^/# /' $tmp/list | head -n 20
fi
out=$($bin --version 2>&1)
rc=$?
if [ $rc = 0 ] && [ "$out" = "brkscope $v
brkscope.ko $v, netlink family brkscope version $gv" ]; then
	ok "brkscope --version: client and module $v, family version $gv, exit 0"
else
	nok "brkscope --version: client and module $v, family version $gv, exit 0 (exit $rc)"
	echo "$out" | sed 's/^/# /'
fi

if rmmod brkscope; then
	ok "rmmod brkscope"
else
	nok "rmmod brkscope"
fi
