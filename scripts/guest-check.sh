#!/bin/sh
# Runs inside the test VM (scripts/vm-run.sh): load the module, run the
# selftests, unload.  Prints TAP lines; check.sh numbers them.
# usage: guest-check.sh MODULE.ko SELFTEST-DIR [debug] [SUITE...]
#
# SUITEs are selftest programs to run (default: the list below, the one
# list of them); BRKSCOPE_SKIP_SUITES names some not to run.
# Nothing else may start or end while a selftest runs: the storm counts
# records_in_use, and any process whose heap moves has a record.
# On a kernel with kmemleak, leaks are looked for after the module is
# unloaded (the kernel's own, found by a scan before insmod, are cleared
# first); on one with lockdep, lockdep must still be on at the end.
# "debug" (make check-debug) requires kmemleak and two CPUs, and prints
# each selftest's time.
#
# Env: BRKSCOPE_STORM_PROCS and BRKSCOPE_RELOAD_CYCLES size stress_test
# (defaults below); BRKSCOPE_PID_MAX, if set, lowers kernel.pid_max first,
# so that the storm wraps pid numbers around many times, and then the
# storm must report at least as many wraps as that forces.
ko=$1
tests=$2
shift 2
debug=
if [ "${1:-}" = debug ]; then
	debug=debug
	shift
fi
[ $# -gt 0 ] || set -- brkscope_test get_test dump_test events_test hostile_test permission_test opener_test client_test cgroup_test top_test uffd_test export_test ia32_test stress_test
kml=/sys/kernel/debug/kmemleak
st=/tmp/selftest

# now: centiseconds since boot, in $now (no fork: this runs a lot slower
# on the debug kernel).
now() {
	read -r now _ </proc/uptime
	now=${now%.*}${now#*.}
}

# secs CS: centiseconds as seconds, "12.34".
secs() {
	printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}

# leak_scan [once]: kmemleak only reports an object that a scan finds
# unreferenced once it is 5 s old, and false references from stale stack
# slots go away on a second scan: two scans, 6 s apart, unless "once".
# Each takes half a minute on the debug kernel.  Prints the suspects' count.
leak_scan() {
	echo scan >"$kml" || return 1
	if [ -z "${1:-}" ]; then
		sleep 6
		echo scan >"$kml" || return 1
	fi
	grep -c '^unreferenced object' "$kml" || :
}

# Boot is long over (over 5 s): one scan finds what the kernel leaked.
if [ -e "$kml" ]; then
	now; t0=$now
	if before=$(leak_scan once); then
		echo clear >"$kml"
	else
		before="? (scan failed)"
	fi
	now; echo "# kmemleak: $before suspects before insmod, cleared (scan took $(secs $((now - t0))) s)"
elif [ -n "$debug" ]; then
	echo "not ok - kmemleak is on ($kml)"
fi
# Races need two CPUs: a kernel that found only one would hide them.
if [ -n "$debug" ]; then
	if [ "$(nproc)" -ge 2 ]; then
		echo "ok - the guest runs on $(nproc) CPUs"
	else
		echo "not ok - the guest runs on 2 CPUs (it found $(nproc))"
	fi
fi

if insmod "$ko"; then
	echo "ok - insmod $(basename "$ko")"
else
	echo "not ok - insmod $(basename "$ko")"
	exit 1
fi

# suite NAME: run the selftest program NAME; its TAP lines pass through,
# then one line for its exit status.  Its output is kept in $st.NAME.  In
# debug mode it is passed on as it comes, with each test's time: the
# harness flushes its output before each test, so the time between a
# "RUN" line and its result line is what the test took.  Otherwise it is
# passed on when the program ends: nothing else runs meanwhile.
suite() {
	if [ -z "$debug" ]; then
		BRKSCOPE_KO=$ko "$tests/$1" >"$st.$1" 2>&1
		rc=$?
		cat "$st.$1"
	else
		BRKSCOPE_KO=$ko "$tests/$1" >"$st.$1" 2>&1 &
		pid=$!
		tail -n +1 -s 0.5 -f --pid=$pid "$st.$1" 2>/dev/null | while IFS= read -r line; do
			now
			echo "$line"
			case $line in
			"#  RUN "*) start=$now ;;
			"ok "* | "not ok "*)
				[ -z "${start:-}" ] || echo "# took $(secs $((now - start))) s"
				start= ;;
			esac
		done
		wait $pid
		rc=$?
	fi
	if [ $rc = 0 ]; then
		echo "ok - $1 exits 0"
	else
		echo "not ok - $1 exits 0 (it said $rc)"
	fi
}

# wraps_check: with kernel.pid_max lowered to M, the storm's N processes
# must have wrapped pids at least ceil(N / (M - 1)) - 1 times: between two
# wraps its pids rise through at most M - 1 values.
wraps_check() {
	w=$(sed -n 's/.*figure: .* processes spawned.*pids wrapped \([0-9]*\) times.*/\1/p' "$st.stress_test" | tail -n 1)
	need=$(((BRKSCOPE_STORM_PROCS + pid_max - 2) / (pid_max - 1) - 1))
	if [ -n "$w" ] && [ "$w" -ge "$need" ]; then
		echo "ok - the storm wrapped pids $w times with pid_max $pid_max (at least $need for $BRKSCOPE_STORM_PROCS processes)"
	else
		echo "not ok - the storm wrapped pids ${w:-?} times with pid_max $pid_max (at least $need for $BRKSCOPE_STORM_PROCS processes)"
	fi
}

# The stress tests' sizes, unless the caller set them: 100 reloads (1 to
# 2 s each under TCG) and a fork/exec storm of 10,000 processes.
# scripts/check.sh sets them for each guest.
export BRKSCOPE_RELOAD_CYCLES=${BRKSCOPE_RELOAD_CYCLES:-100}
export BRKSCOPE_STORM_PROCS=${BRKSCOPE_STORM_PROCS:-10000}
pid_max=
if [ -n "${BRKSCOPE_PID_MAX:-}" ]; then
	was=$(cat /proc/sys/kernel/pid_max)
	if echo "$BRKSCOPE_PID_MAX" >/proc/sys/kernel/pid_max &&
		[ "$(cat /proc/sys/kernel/pid_max)" = "$BRKSCOPE_PID_MAX" ]; then
		pid_max=$BRKSCOPE_PID_MAX
		echo "ok - kernel.pid_max lowered from $was to $pid_max"
	else
		echo "not ok - kernel.pid_max lowered from $was to $BRKSCOPE_PID_MAX"
	fi
fi
echo "# sizes: $BRKSCOPE_RELOAD_CYCLES reload cycles, storm of $BRKSCOPE_STORM_PROCS processes, pid_max $(cat /proc/sys/kernel/pid_max)"
for t in "$@"; do
	case " ${BRKSCOPE_SKIP_SUITES:-} " in *" $t "*) continue ;; esac
	suite "$t"
	[ "$t" != stress_test ] || [ -z "$pid_max" ] || wraps_check
done
# BRKSCOPE_YNL=DIR (build/ynl/kernel, scripts/ynl.sh): the kernel's ynl
# CLI, with the module still loaded, reads what the client reads
# (scripts/guest-ynl.py); its TAP lines pass through.
if [ -n "${BRKSCOPE_YNL:-}" ]; then
	if /usr/bin/python3 scripts/guest-ynl.py "$BRKSCOPE_YNL" "$tests"; then
		echo "ok - ynl test exits 0"
	else
		echo "not ok - ynl test exits 0"
	fi
fi
# BRKSCOPE_BENCH=DIR (build/bench): every bench program once, tiny, with
# the module still loaded; its TAP lines pass through.
if [ -n "${BRKSCOPE_BENCH:-}" ]; then
	if bash bench/smoke.sh "$ko" "$BRKSCOPE_BENCH"; then
		echo "ok - bench smoke test exits 0"
	else
		echo "not ok - bench smoke test exits 0"
	fi
fi
if rmmod brkscope; then
	echo "ok - rmmod brkscope"
else
	echo "not ok - rmmod brkscope"
fi
# BRKSCOPE_DKMS=VERSION: the host has brkscope's .debs installed
# (scripts/deb-test.sh): modprobe loads the module dkms built.
if [ -n "${BRKSCOPE_DKMS:-}" ]; then
	now; t0=$now
	sh scripts/guest-deb.sh "$BRKSCOPE_DKMS"
	now; echo "# guest-deb.sh took $(secs $((now - t0))) s"
fi

if [ -e "$kml" ]; then
	now; t0=$now
	if after=$(leak_scan); then
		now; echo "# figure: kmemleak: $after unreferenced objects after rmmod (scans took $(secs $((now - t0))) s)"
		dmesg | grep 'kmemleak:' | sed 's/^/# /'
		if [ "$after" = 0 ]; then
			echo "ok - no kmemleak report"
		else
			echo "not ok - no kmemleak report ($after unreferenced objects)"
			head -n 400 "$kml" | sed 's/^/# /'
		fi
	else
		echo "not ok - no kmemleak report (scanning failed: kmemleak is off?)"
	fi
fi

# Lockdep turns itself off after its first report, or when it runs out of
# room: then it checked only part of the run.
if [ -r /proc/lockdep_stats ]; then
	grep -E 'lock-classes|direct dependencies|debug_locks' /proc/lockdep_stats |
		sed 's/^ */# lockdep: /'
	if grep -Eq 'debug_locks: +1$' /proc/lockdep_stats; then
		echo "ok - lockdep still on at the end"
	else
		echo "not ok - lockdep still on at the end (debug_locks is 0: see dmesg)"
	fi
fi
