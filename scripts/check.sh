#!/bin/bash
# make check: build and run every test, on the host where no module needs
# loading (scripts/lint.sh, the client's own checks) and in QEMU guests
# where one does.  Prints TAP and a closing "N passed, N failed, N skipped";
# exits non-zero on any failure, kernel splat or hung guest.  (`make check`
# runs scripts/setup.sh first, which installs what is missing.)
#
#   scripts/check.sh [debug]
#
# "debug" (make check-debug) runs the guest tests on our debug kernel
# instead (KASAN, UBSAN, lockdep, kmemleak: scripts/debug-kernel.sh, cached
# once per machine under /var/cache/brkscope), with the module built
# against it; of the host-side checks it keeps the builds of the selftests
# and the client, which the guests run.
#
# Env: VM_JOBS (guests at once, default 2: each runs on one host thread),
# VM_TIMEOUT (overrides every guest's timeout).
set -uo pipefail
# lint.sh brings lib.sh (paths, kernels, module builds), tap.sh (TAP
# helpers) and lint(), the host-side checks make check shares with make lint.
. "$(dirname "$0")/lint.sh"
cd "$top" || exit 1

mode=${1:-}
case $mode in
'' | debug) ;;
*) echo "usage: $0 [debug]" >&2; exit 2 ;;
esac

log=$build/check${mode:+-$mode} && rm -rf "$log" && mkdir -p "$log"
figures=()

# instrumented KO: the module calls into KASAN and UBSAN, so its own code
# is checked too, not only the kernel's.
instrumented() {
	local undef
	undef=$(nm -u "$1") || return 1
	grep -q '__asan_' <<<"$undef" || { echo "$1: no __asan_ calls"; return 1; }
	grep -q '__ubsan_handle_' <<<"$undef" || { echo "$1: no __ubsan_handle_ calls"; return 1; }
}

# ---- The guests ----
#
# job LABEL KVER IMAGE MEM TIMEOUT SUITES ENV: one guest, described once.
# It boots IMAGE (a bzImage), or Debian's /boot/vmlinuz-KVER if IMAGE is
# empty, with MEM MiB; loads build/kmod/KVER's module; runs
# scripts/guest-check.sh with the selftest programs SUITES (empty: its
# default list) and the environment ENV (NAME=VALUE words); and is
# stopped after TIMEOUT seconds.
jobs=()
job() {
	local IFS='|'
	jobs+=("$*")
}
# job_fields I: job I's fields, as the variables label, kver, image, mem,
# tmo, suites and env; slug (label as a file name) and out (its results).
job_fields() {
	IFS='|' read -r label kver image mem tmo suites env <<<"${jobs[$1]}"
	slug=${label// /-}
	out=$build/vm/check-$slug
}

# start_job I: boot job I's guest in the background; its pid in pids[I].
start_job() {
	local label kver image mem tmo suites env slug out boot envs suitelist
	job_fields "$1"
	boot=(--kernel "$kver")
	[ -z "$image" ] || boot=(--image "$image")
	read -ra envs <<<"$env"
	read -ra suitelist <<<"$suites"
	echo "# guest $label: started (${env:-default sizes}${suites:+; $suites})"
	VM_TIMEOUT=${VM_TIMEOUT:-$tmo} bash scripts/vm-run.sh "${boot[@]}" --mem "$mem" \
		--out "$out" -- env "${envs[@]}" sh scripts/guest-check.sh \
		"$build/kmod/$kver/module/brkscope.ko" "$build/selftests" ${mode:+"$mode"} \
		"${suitelist[@]}" >"$log/vm-$slug.log" 2>&1 &
	pids[$1]=$!
	started[$1]=$SECONDS
}

# report_job I RC: job I's TAP lines, how its guest ended, and the splat
# scan vm-run.sh made of its logs.
report_job() {
	local label kver image mem tmo suites env slug out
	job_fields "$1"
	[ ! -f "$out/output" ] || relay_tap "$label" "$out/output"
	[ -f "$out/rc" ] ||
		tap "$label: guest ran its tests to the end (vm-run.sh exit $2, see its log)" fail "$log/vm-$slug.log"
	if [ ! -e "$out/splats" ]; then
		tap "$label: no kernel splat in the guest's log (no log was scanned)" fail "$log/vm-$slug.log"
	elif [ -s "$out/splats" ]; then
		tap "$label: no kernel splat in the guest's log" fail "$out/splats"
		splats=$((splats + 1))
	else
		tap "$label: no kernel splat in the guest's log" ok
	fi
}

# run_jobs: the one scheduler.  VM_JOBS guests at a time, each started as
# soon as a slot frees up, in the order listed (longest first); results are
# reported in that order too, each as soon as it and those before it are in.
run_jobs() {
	local njobs=${#jobs[@]} next=0 reported=0 pid rc i
	local -a rcs=() pids=() started=()
	local -A running=()	# pid -> job
	splats=0
	while ((reported < njobs)); do
		while ((${#running[@]} < ${VM_JOBS:-2} && next < njobs)); do
			start_job $next
			running[${pids[next]}]=$next
			next=$((next + 1))
		done
		if ((${#running[@]} > 0)); then
			rc=0
			wait -n -p pid "${!running[@]}" || rc=$?
			i=${running[$pid]}
			unset "running[$pid]"
			rcs[i]=$rc
			echo "# guest $(job_fields "$i"; echo "$label"): finished in $((SECONDS - started[i])) s (vm-run.sh exit $rc)"
		fi
		while ((reported < njobs)) && [ -n "${rcs[reported]:-}" ]; do
			report_job $reported "${rcs[reported]}"
			reported=$((reported + 1))
		done
	done
	figures+=("guests with a splat in their log: $splats of $njobs")
}

# ---- The Debian packages (scripts/deb-test.sh) ----
#
# make deb's .debs (built by lint) are installed on this host before the
# guests boot and purged after them, or when check.sh dies (EXIT trap);
# meanwhile the suites guest of each Debian kernel loads the module dkms
# built from /lib/modules (guest-check.sh runs scripts/guest-deb.sh when
# BRKSCOPE_DKMS is set).  deb_env is what those guests get.
deb_env=
deb_install() {
	local start=$SECONDS rc=0
	trap deb_purge EXIT
	trap 'exit 130' INT TERM HUP
	bash scripts/deb-test.sh install $$ >"$log/deb-install.out" 2>&1 || rc=$?
	relay_tap "deb" "$log/deb-install.out"
	[ $rc != 0 ] || deb_env=" BRKSCOPE_DKMS=$(cat VERSION)"
	echo "# deb: install on the host and its checks took $((SECONDS - start)) s"
}
deb_purge() {
	local start=$SECONDS
	trap - EXIT
	bash scripts/deb-test.sh purge $$ >"$log/deb-purge.out" 2>&1
	relay_tap "deb" "$log/deb-purge.out"
	echo "# deb: purge and its checks took $((SECONDS - start)) s"
}

echo "TAP version 13"

# ---- On the host ----
if [ "$mode" = debug ]; then
	out=$log/debug-kernel.log
	start=$SECONDS
	if bash scripts/debug-kernel.sh >"$out" 2>&1; then
		tap "debug kernel builds from scripts/debug-kernel.config, every option as asked" ok
		dk=$(cat "$debug_kernel_src/include/config/kernel.release")
	else
		tap "debug kernel builds from scripts/debug-kernel.config, every option as asked" fail "$out"
		dk=
	fi
	sed 's/^/# /' "$out" | grep -v '^# debug kernel: '
	said=$(grep '^debug kernel: ' "$out" | tail -n 1)
	echo "# ${said:-debug kernel: none} (check-debug's step took $((SECONDS - start)) s)"
	figures+=("${said:-debug kernel: none}")
	if [ -n "$dk" ]; then
		run -q "$dk: module builds with W=1, no diagnostics" \
			build_module_in "$debug_kernel_src" "$build/kmod/$dk"
		run "$dk: module is instrumented by KASAN and UBSAN" \
			instrumented "$build/kmod/$dk/module/brkscope.ko"
	fi
	run -q "selftests build with -Werror" make -s -C selftests
	run -q "brkscope client builds with -Wall -Wextra -Werror" make -s -C userspace
else
	lint
	run "brkscope client: usage errors exit 2, no module exits 5" bash scripts/client-host-test.sh
	deb_install
fi

# ---- The guest jobs, longest first ----
#
# Every test kernel runs the selftests (guest-check.sh's list) in two
# guests side by side: one the suites other than stress_test, the other
# stress_test alone ("stress").  Each guest runs on one host thread
# (vm-run.sh), so two at a time keep the host's two cores busy.
#
# Debian's kernels (2 GiB: netlink_test's dump forks 10,000 processes, more
# than threads-max allows at 1 GiB): the stress guest's storm is 100,000
# processes (1.5 to 1.8 ms each: about 3 minutes), wrapping pid numbers
# around the default pid_max (32,768) three times.
#
# The debug kernel (4 GiB: KASAN doubles kernel stacks): a storm process
# costs about 24 ms there, so the stress guest lowers kernel.pid_max to
# 1024 and a storm of 20,000 processes (some 8 minutes) wraps pids around
# (28 times in the last run; at least 19 times or it fails: guest-check.sh).
# The suites guest keeps the default pid_max.
#
# Both run 50 reload cycles: since brk(2) and do_brk_flags() are hooked by
# ftrace callbacks, whose dynamic trampolines go only after RCU-tasks grace
# periods, a cycle costs about twice what it did with kprobes (50 take 120
# to 220 s a kernel, 440 s on the debug one).
if [ "$mode" = debug ]; then
	if [ -n "$dk" ]; then
		job "$dk stress" "$dk" "$debug_kernel_image" 4096 3000 stress_test \
			"BRKSCOPE_PID_MAX=1024 BRKSCOPE_STORM_PROCS=20000 BRKSCOPE_RELOAD_CYCLES=50"
		job "$dk" "$dk" "$debug_kernel_image" 4096 3000 "" "BRKSCOPE_SKIP_SUITES=stress_test"
	fi
else
	mapfile -t kernels < <(test_kernels)
	for k in "${kernels[@]}"; do
		job "$k stress" "$k" "" 2048 900 stress_test \
			"BRKSCOPE_STORM_PROCS=100000 BRKSCOPE_RELOAD_CYCLES=50"
	done
	# The suites guests also run every bench program once, tiny
	# (bench/smoke.sh), so make bench cannot rot between its runs, and
	# the kernel's ynl CLI against the client (scripts/guest-ynl.py, with
	# the tools lint() extracted), and load the module the Debian packages
	# had dkms build ($deb_env).
	for k in "${kernels[@]}"; do
		job "$k" "$k" "" 2048 900 "" \
			"BRKSCOPE_SKIP_SUITES=stress_test BRKSCOPE_BENCH=$build/bench BRKSCOPE_YNL=$build/ynl/kernel$deb_env"
	done
	# Debian's cloud kernels have no 9p: vm-run.sh boots them with a
	# self-contained initramfs (testing.rst).  A suites guest each, with
	# the bench smoke test; no stress guest, to keep make check short.
	mapfile -t clouds < <(cloud_kernels)
	for k in "${clouds[@]}"; do
		job "$k" "$k" "" 2048 900 "" \
			"BRKSCOPE_SKIP_SUITES=stress_test BRKSCOPE_BENCH=$build/bench"
	done
fi
for ((i = 0; i < ${#jobs[@]}; i++)); do
	job_fields $i
	if [ ! -f "$build/kmod/$kver/module/brkscope.ko" ]; then
		tap "$label: guest tests (no module was built for $kver)" fail
		unset 'jobs[i]'
	fi
done
jobs=("${jobs[@]}")
run_jobs
[ "$mode" = debug ] || deb_purge

# The figures the tests report (TH_LOG "figure: ..."), per guest, so the
# closing lines say how much was tried, not only that it passed.
for ((i = 0; i < ${#jobs[@]}; i++)); do
	job_fields $i
	grep -h 'figure: ' "$out/output" 2>/dev/null | sed "s/.*figure: /# figure: $label: /"
done
printf '# figure: %s\n' "${figures[@]}"
tap_end
