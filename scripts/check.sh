#!/bin/bash
# make check: set up, build, then run every test, on the host where no
# module needs loading and in one QEMU guest per test kernel where one does.
# Prints TAP and a closing "N passed, N failed, N skipped"; exits non-zero
# on any failure, kernel splat or hung guest.
#
#   scripts/check.sh [debug]
#
# "debug" (make check-debug) runs the guest tests on our debug kernel
# instead (KASAN, UBSAN, lockdep, kmemleak: scripts/debug-kernel.sh), after
# building it (cached) and the module against it; of the host-only tests
# of plain `make check` it keeps only the builds of the selftests and the
# client.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$top"

mode=${1:-}
case $mode in
'' | debug) ;;
*) echo "usage: $0 [debug]" >&2; exit 2 ;;
esac

bash scripts/setup.sh || exit 1

n=0 passed=0 failed=0 skipped=0 splats=0
log=$build/check${mode:+-$mode} && rm -rf "$log" && mkdir -p "$log"

# tap NAME STATUS [LOGFILE]: one result; on failure the log's tail follows.
tap() {
	n=$((n + 1))
	case $2 in
	ok)	passed=$((passed + 1)); echo "ok $n - $1" ;;
	skip)	skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP" ;;
	*)	failed=$((failed + 1)); echo "not ok $n - $1"
		[ -z "${3:-}" ] || tail -n 40 "$3" | sed 's/^/#   /' ;;
	esac
}

# run [-q] NAME CMD...: a host-side test, passing when CMD exits 0 and,
# with -q, prints nothing (a compiler or checker that speaks found something).
run() {
	local quiet=0 name out
	[ "$1" = -q ] && quiet=1 && shift
	name=$1
	shift
	out=$log/$(echo "$name" | tr -c 'a-zA-Z0-9.\n' '_').log
	if "$@" >"$out" 2>&1 && { [ $quiet = 0 ] || [ ! -s "$out" ]; }; then
		tap "$name" ok
	else
		tap "$name" fail "$out"
	fi
}

# debug_kernel: build the debug kernel (or find it built), its progress
# shown as TAP comments; sets kernels to its release.
debug_kernel() {
	local out=$log/debug-kernel.log
	bash scripts/debug-kernel.sh 2>&1 | tee "$out" | sed 's/^/# /'
	if [ "${PIPESTATUS[0]}" = 0 ]; then
		tap "debug kernel builds from scripts/debug-kernel.config, every option as asked" ok
		kernels=("$(cat "$debug_kernel_src/include/config/kernel.release")")
	else
		tap "debug kernel builds from scripts/debug-kernel.config, every option as asked" fail "$out"
		kernels=()
	fi
}

# instrumented KO: the module calls into KASAN and UBSAN, so its own code
# is checked too, not only the kernel's.
instrumented() {
	local undef
	undef=$(nm -u "$1") || return 1
	grep -q '__asan_' <<<"$undef" || { echo "$1: no __asan_ calls"; return 1; }
	grep -q '__ubsan_handle_' <<<"$undef" || { echo "$1: no __ubsan_handle_ calls"; return 1; }
}

echo "TAP version 13"
if [ "$mode" = debug ]; then
	debug_kernel
	for k in "${kernels[@]}"; do
		run -q "$k: module builds with W=1, no diagnostics" \
			build_module_in "$debug_kernel_src" "$build/kmod/$k"
		run "$k: module is instrumented by KASAN and UBSAN" \
			instrumented "$build/kmod/$k/module/brkscope.ko"
	done
else
	mapfile -t kernels < <(test_kernels)
	echo "# test kernels: ${kernels[*]}"
	[ ${#kernels[@]} -eq 3 ] || tap "the three test kernels (6.1, 6.12, 6.12-rt) are installed" fail

	for k in "${kernels[@]}"; do
		run -q "$k: module builds with W=1 and sparse (C=2), no diagnostics" build_module "$k" C=2
		run "$k: dkms builds the module from dkms.conf" bash scripts/dkms.sh test "$k"
	done
	run "checkpatch: no errors in module/" bash scripts/checkpatch.sh
fi
run -q "selftests build with -Werror" make -s -C selftests
run -q "brkscope client builds with -Wall -Wextra -Werror" make -s -C userspace
[ "$mode" = debug ] ||
	run "brkscope client: usage errors exit 2, no module exits 5" bash scripts/client-host-test.sh

# guest_tap KVER FILE: the guest's TAP lines, renumbered into ours.  Each
# "ok"/"not ok" line is one result; anything else is kept as a comment.
guest_tap() {
	local line name
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*)
			name=${line#ok }; name=${name#* }; tap "$1: ${name# }" skip ;;
		"ok "*)
			name=${line#ok }; name=${name#* }; tap "$1: ${name# }" ok ;;
		"not ok "*)
			name=${line#not ok }; name=${name#* }; tap "$1: ${name# }" fail ;;
		*)	echo "# $line" ;;
		esac
	done <"$2"
}

# The guests, one per test kernel; make check-debug runs two on the debug
# kernel: the whole suite, and beside it stress_test with a fork/exec storm
# of 100,000 processes, enough to wrap pid numbers around (some 40 minutes:
# a storm process costs about 24 ms there; Documentation/testing.rst).
# Each guest runs on one host thread (vm-run.sh), so two at a time keep
# the host's two cores busy; results are reported in the jobs' order.
# The debug kernel's tasks cost more memory (KASAN doubles kernel stacks):
# 4 GiB leave room for the 10,000 processes of the dump test.
labels=() slugs=() vmargs=() genv=() gargs=() tmos=()
# job LABEL SLUG TIMEOUT "VM-ARGS" "GUEST-ENV" "GUEST-ARGS"
job() {
	labels+=("$1") slugs+=("$2") tmos+=("$3") vmargs+=("$4") genv+=("$5") gargs+=("$6")
}
for k in "${kernels[@]}"; do
	ko=$build/kmod/$k/module/brkscope.ko
	if [ ! -f "$ko" ]; then
		tap "$k: guest tests (no module was built)" fail
		continue
	fi
	if [ "$mode" = debug ]; then
		job "$k" "$k" "${VM_TIMEOUT:-3000}" "--image $debug_kernel_image --mem 4096" \
			"" "$ko $build/selftests debug"
		job "$k storm" "$k-storm" "${VM_TIMEOUT:-4800}" "--image $debug_kernel_image --mem 4096" \
			"BRKSCOPE_STORM_PROCS=100000 BRKSCOPE_RELOAD_CYCLES=10" \
			"$ko $build/selftests debug stress_test"
	else
		job "$k" "$k" "${VM_TIMEOUT:-900}" "--kernel $k --mem 2048" "" "$ko $build/selftests"
	fi
done
njobs=${#labels[@]}
pids=()

# start_job I: boot job I's guest in the background.  The paths in its
# arguments have no spaces (vm-run.sh refuses them), so they split on blanks.
start_job() {
	# shellcheck disable=SC2086
	VM_TIMEOUT=${tmos[$1]} bash scripts/vm-run.sh ${vmargs[$1]} \
		--out "$build/vm/check-${slugs[$1]}" -- env ${genv[$1]} \
		sh scripts/guest-check.sh ${gargs[$1]} >"$log/vm-${slugs[$1]}.log" 2>&1 &
	pids[$1]=$!
}

# report_job I RC: job I's TAP lines, how its guest ended, and its splats.
report_job() {
	local name=${labels[$1]} out=$build/vm/check-${slugs[$1]}
	[ ! -f "$out/output" ] || guest_tap "$name" "$out/output"
	case $2 in
	124)	tap "$name: guest finished within ${tmos[$1]} s" fail "$log/vm-${slugs[$1]}.log" ;;
	125)	tap "$name: guest ran the tests" fail "$out/console.log" ;;
	esac
	if bash scripts/splat-scan.sh "$out/dmesg" "$out/console.log" \
		>"$log/splat-${slugs[$1]}.log" 2>&1; then
		tap "$name: no kernel splat in the guest's log" ok
	else
		tap "$name: no kernel splat in the guest's log" fail "$log/splat-${slugs[$1]}.log"
		splats=$((splats + 1))
	fi
}

for ((i = 0; i < njobs && i < 2; i++)); do
	start_job $i
done
for ((i = 0; i < njobs; i++)); do
	wait "${pids[i]}"
	rc=$?
	((i + 2 >= njobs)) || start_job $((i + 2))
	report_job $i $rc
done

# The figures the tests report (TH_LOG "figure: ..."), per guest, so the
# closing lines say how much was tried, not only that it passed.
for ((i = 0; i < njobs; i++)); do
	grep -h 'figure: ' "$build/vm/check-${slugs[i]}/output" 2>/dev/null |
		sed "s/.*figure: /# figure: ${labels[i]}: /"
done
echo "# figure: guests with a splat in their log: $splats of $njobs"

echo "1..$n"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
