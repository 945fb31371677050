#!/bin/bash
# make lint: every check that needs neither a VM nor a module loaded, in
# seconds to a minute.  For each test kernel (lib.sh: test_kernels, and
# cloud_kernels, Debian's cloud kernels) the
# module builds with W=1 and sparse (C=2) without a diagnostic, and dkms
# builds it from dkms.conf, and bench's brkfloor.ko builds; checkpatch
# finds no error in module/; the client, the selftests and the bench
# programs build with -Werror; the netlink spec
# (Documentation/netlink/specs/brkscope.yaml) validates against the
# kernel's schema and generates module/uapi/brkscope.h's enums and defines
# (scripts/ynl.sh); the one version agrees everywhere; the bash completion
# completes; the Debian packages build (make deb: build/deb) and lintian
# finds no error in them.  Prints TAP and "N passed, N failed, N skipped";
# exits non-zero on any failure.
#
#   scripts/lint.sh
#
# scripts/check.sh sources this file and calls lint() among its own
# checks; the modules built here (build/kmod/VER) are what its guests load.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$top/scripts/tap.sh"

lint() {
	local k kernels clouds
	mapfile -t kernels < <(test_kernels)
	echo "# test kernels: ${kernels[*]}"
	[ ${#kernels[@]} -eq 3 ] || tap "the three test kernels (6.1, 6.12, 6.12-rt) are installed" fail
	mapfile -t clouds < <(cloud_kernels)
	echo "# cloud kernels: ${clouds[*]}"
	[ ${#clouds[@]} -eq 2 ] || tap "the two cloud kernels (6.1, 6.12) are installed" fail
	for k in "${kernels[@]}" "${clouds[@]}"; do
		run -q "$k: module builds with W=1 and sparse (C=2), no diagnostics" build_module "$k" C=2
		run "$k: dkms builds the module from dkms.conf" bash "$top/scripts/dkms.sh" test "$k"
		run -q "$k: bench's brkfloor.ko builds with W=1, no diagnostics" build_floor "$k"
	done
	run "checkpatch: no errors in module/" bash "$top/scripts/checkpatch.sh"
	run -q "selftests build with -Werror" make -s -C "$top/selftests"
	run -q "brkscope client builds with -Wall -Wextra -Werror" make -s -C "$top/userspace"
	run -q "bench programs build with -Werror" make -s -C "$top/bench"
	# The kernel's ynl tools are extracted from linux-source-6.12 into
	# build/ynl/kernel on the first run (20-40 s); check.sh's guests use them.
	run "netlink spec validates against linux-source-6.12's schema" \
		bash "$top/scripts/ynl.sh" validate
	run "ynl-gen-c.py makes module/uapi/brkscope.h's enums and defines from the spec" \
		bash "$top/scripts/ynl.sh" compare
	run "one version: debian/changelog and brkscope(8) say VERSION's, dkms.conf takes it" \
		bash "$top/scripts/version-check.sh"
	run "bash completion offers commands, options, --sort keys and live pids" \
		bash "$top/scripts/completion-test.sh" "$top/userspace/brkscope.bash"
	run "make deb: brkscope-dkms and brkscope build (dpkg-buildpackage), lintian finds no error" \
		bash "$top/scripts/deb.sh"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -uo pipefail
	log=$build/lint && rm -rf "$log" && mkdir -p "$log"
	start=$SECONDS
	echo "TAP version 13"
	lint
	echo "# lint took $((SECONDS - start)) s"
	tap_end
fi
