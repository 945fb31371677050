#!/bin/bash
# make demo: build, boot Debian 12's kernel in a VM and show the seed's
# experiment through brkscope.  (`make demo` runs scripts/setup.sh first.)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$top"

kver=$(newest_kernel '6.1.*-amd64')
[ -n "$kver" ] || { echo "demo: no 6.1 kernel in /boot" >&2; exit 1; }
echo "demo: building brkscope.ko for $kver and the seed program"
build_module "$kver"
make -s -C selftests
make -s -C userspace
echo "demo: booting $kver in QEMU (software emulation, about 10 s)"
bash scripts/vm-run.sh --kernel "$kver" --out "$build/vm/demo" -- \
	sh scripts/guest-demo.sh "$build/kmod/$kver/module/brkscope.ko" "$build/selftests" \
	"$build/userspace/brkscope"
