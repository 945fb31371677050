#!/bin/bash
# Runs inside the benchmark guest (bench/run.sh boots one per kernel with
# -icount shift=1 -smp 1): every workload under every configuration,
# interleaved, then the client against /proc, then the module's memory.
#
#   guest-bench.sh BRKSCOPE.KO BRKFLOOR.KO CLIENT BINDIR [ROUNDS]
#
# Prints one line per figure for bench/report.py to read:
#   R CONFIG WORKLOAD ROUND NS       ns per operation, as the program timed it
#   L CONFIG WORKLOAD ROUND DELIVERED GAPS DROPPED SECONDS   events to `monitor`
#   X CONFIG REASON...               the configuration could not run here
#   N KEY VALUE...                   anything else worth reporting
# Progress goes to stderr.  Sizes come from BENCH_* (defaults below).
set -uo pipefail
ko=$1 floor=$2 client=$3 bin=$4 rounds=${5:-5}

# Sized so that one round of the slowest configuration stays in seconds
# of guest time: a storm round trip costs ~20 us under TCG, an exec ~1.5 ms.
storm_n=${BENCH_STORM:-20000}
churn_n=${BENCH_CHURN:-2000}
top_n=${BENCH_TOP:-500000}
# forkexec: 400, not 100: at 100 (0.15 s a run) a ratio moved by a point
# between rounds, more than idle's whole cost there (6.12: empty probes
# 1.010, idle 1.009, bpftrace 1.003 in one make bench; at 400 in the same
# kind of boot 1.004, 1.001, 1.003).
fork_n=${BENCH_FORK:-400}
sys_n=${BENCH_SYSCALLS:-100000}
# strace stops the tracee at every system call, ~35x a brk call's cost:
# it runs 1/div of the iterations.  The figures are per operation, so
# its ratio stays comparable.
strace_div=${BENCH_STRACE_DIV:-10}
get_runs=${BENCH_GET_RUNS:-20}
dump_sizes=${BENCH_DUMP_SIZES-1000 10000}

# BENCH_CONFIGS and BENCH_WORKLOADS pick a subset, to look at one change
# quickly; BENCH_DUMP_SIZES="" leaves the dumps out.
read -ra configs <<<"${BENCH_CONFIGS:-none floor-kret floor-kprobe floor-ftrace idle monitor bt-count bt-print strace}"
read -ra workloads <<<"${BENCH_WORKLOADS:-storm churn topchunk forkexec syscalls}"
declare -A broken=()

log() { echo "guest-bench: $*" >&2; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }

# Executables run from tmpfs: an exec from the 9p root costs a fifth more
# and would dominate forkexec.
cp "$bin/nop" /tmp/nop || exit 1

# stat NAME: one figure of `brkscope stats`.
stat() { "$client" stats | awk -v k="$1:" '$1 == k { print $2 }'; }

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

probe_listed() { grep -q "$1" /sys/kernel/debug/kprobes/list 2>/dev/null; }
gone() { ! kill -0 "$1" 2>/dev/null; }

# stop PID WHAT: SIGINT to a background consumer and wait for it, 60 s at
# most: then SIGKILL, and say so.  An unbounded wait once hung a whole
# guest (round 1, after bt-count, on 6.1) until vm-run's silence timeout.
stop() {
	kill -INT "$1" 2>/dev/null
	if ! wait_for 60 gone "$1"; then
		log "$2 did not exit within 60 s of SIGINT: killed"
		echo "N stuck $2"
		kill -KILL "$1" 2>/dev/null
	fi
	wait "$1"
}
mon_lines() { local c; c=$(grep -c '"seq"' /tmp/mon.json 2>/dev/null); echo "${c:-0}"; }
mon_seen() { [ "$(mon_lines)" -gt 0 ] || { "$bin/storm" 1 >/dev/null; false; }; }

bgpid=
wrap=()
# up CONFIG: set the configuration up; on failure print why and return 1.
up() {
	wrap=()
	case $1 in
	none) ;;
	floor-kret) insmod "$floor" brk=kretprobe 2>/tmp/up.err ;;
	floor-kprobe) insmod "$floor" brk=kprobe 2>/tmp/up.err ;;
	floor-ftrace) insmod "$floor" brk=ftrace 2>/tmp/up.err ;;
	idle)
		insmod "$ko" 2>/tmp/up.err || return 1
		# Its kinds on brk(2) with nobody subscribed, as the kernel lists
		# them: a kretprobe, a kprobe, or an ftrace callback alone.
		if grep -q '  r  __x64_sys_brk+' /sys/kernel/debug/kprobes/list; then
			echo "N idle-probes kretprobe"
		elif grep -q '  k  __x64_sys_brk+' /sys/kernel/debug/kprobes/list; then
			echo "N idle-probes kprobe"
		else
			echo "N idle-probes ftrace"
		fi
		;;
	monitor)
		insmod "$ko" 2>/tmp/up.err || return 1
		: >/tmp/mon.json
		"$client" -j monitor >>/tmp/mon.json 2>/tmp/up.err &	# O_APPEND: run_monitored truncates it
		bgpid=$!
		# Subscribed once an event of ours comes back.
		wait_for 30 mon_seen || { echo "monitor saw no event in 30 s" >>/tmp/up.err; down monitor; return 1; }
		: >/tmp/mon.json
		;;
	bt-count | bt-print)
		local prog='kprobe:do_brk_flags { @[pid] = count(); }' sym=do_brk_flags
		if [ "$1" = bt-print ]; then
			prog='kretprobe:__x64_sys_brk { printf("%d %s 0x%lx\n", pid, comm, retval); }'
			sym=__x64_sys_brk
		fi
		bpftrace -e "$prog" >/tmp/bt.out 2>/tmp/up.err &
		bgpid=$!
		# Attached once the kprobe layer lists the probe (BEGIN may run before).
		wait_for 120 probe_listed "$sym" || { cat /tmp/bt.out >>/tmp/up.err; down "$1"; return 1; }
		;;
	strace)
		command -v strace >/dev/null || { echo "no strace" >/tmp/up.err; return 1; }
		wrap=(strace -f -e trace=brk -o /tmp/strace.out)
		;;
	esac
}

down() {
	case $1 in
	floor-*) rmmod brkfloor && echo "N hits $1 $(dmesg | grep -o 'brk=[a-z]* entry_hits=.*' | tail -n 1)" ;;
	idle) rmmod brkscope ;;
	monitor) stop "$bgpid" monitor; rmmod brkscope ;;
	bt-*)
		stop "$bgpid" "$1"
		# bpftrace says "Lost N events" when its perf buffer overflowed.
		[ "$1" != bt-print ] ||
			echo "N bt-print-lost $(grep -o '^Lost [0-9]*' /tmp/bt.out | awk '{ s += $2 } END { print s + 0 }')"
		;;
	esac
	bgpid=
}

# run CONFIG WORKLOAD ROUND: one timed run, its figure on stdout.
run() {
	local n cmd out
	case $2 in
	storm) n=$storm_n; cmd=("$bin/storm") ;;
	churn) n=$churn_n; cmd=("$bin/churn") ;;
	topchunk) n=$top_n; cmd=("$bin/topchunk") ;;
	forkexec) n=$fork_n; cmd=("$bin/forkexec") ;;
	syscalls) n=$sys_n; cmd=("$bin/syscalls") ;;
	esac
	[ "$1" != strace ] || [ "$2" = topchunk ] || n=$((n / strace_div))
	cmd+=("$n")
	[ "$2" != forkexec ] || cmd+=(/tmp/nop)
	if [ "$1" = monitor ]; then
		run_monitored "$@" "${cmd[@]}"
	elif out=$("${wrap[@]}" "${cmd[@]}"); then
		echo "R $1 $2 $3 ${out%% *}"
		[ "$1" != bt-print ] || drain /tmp/bt.out " ($(comms "$2")) 0x" >/dev/null
	else
		log "$1 $2 round $3 failed: $out"
	fi
}

# comms WORKLOAD: the commands whose events a workload makes (grep -E).
comms() {
	case $1 in
	forkexec) echo 'forkexec|nop' ;;
	*) echo "$1" ;;
	esac
}

# drain FILE PATTERN: wait until an asynchronous consumer (monitor,
# bpftrace) has written out what the workload made: until the lines
# matching PATTERN in FILE stop growing for half a second.  Only the
# workload's own lines are counted: every command run here, this loop's
# included, calls brk and so makes lines too.  Without this, a consumer
# still printing the last workload's backlog would slow the next one
# (a topchunk loop under bpftrace looked 1.6x slower).  Prints the count.
drain() {
	local last=-1 cur
	cur=$(grep -cE "$2" "$1")
	while [ "$cur" != "$last" ]; do
		sleep 0.5
		last=$cur
		cur=$(grep -cE "$2" "$1")
	done
	echo "$cur"
}

# run_monitored CONFIG WORKLOAD ROUND CMD...: the monitor configuration
# also counts what reached the subscriber: the workload's events it wrote,
# the sequence gaps it reported, the module's drops, and the seconds until
# it drained.
run_monitored() {
	local cfg=$1 wl=$2 round=$3 out d0 t0 got gaps
	shift 3
	d0=$(stat events_dropped) t0=$(uptime_s)
	if ! out=$("$@"); then
		log "monitor $wl round $round failed: $out"
		return
	fi
	echo "R $cfg $wl $round ${out%% *}"
	got=$(drain /tmp/mon.json "\"comm\":\"($(comms "$wl"))\"")
	gaps=$(grep -o '"missed":[0-9]*' /tmp/mon.json | cut -d: -f2 | paste -sd+ | bc)
	echo "L $cfg $wl $round $got ${gaps:-0} $(($(stat events_dropped) - d0)) $(echo "$(uptime_s) - $t0" | bc)"
	: >/tmp/mon.json	# the next count starts from zero
}

log "$(uname -r): $rounds rounds; storm $storm_n, churn $churn_n, topchunk $top_n, forkexec $fork_n, syscalls $sys_n"
echo "N kernel $(uname -r)"
echo "N nproc $(nproc)"
echo "N sizes storm=$storm_n churn=$churn_n topchunk=$top_n forkexec=$fork_n syscalls=$sys_n strace_div=$strace_div"

# Warm-up, not measured: page cache over 9p, the dynamic loader's caches.
for w in "${workloads[@]}"; do
	wrap=()
	run none "$w" 0 >/dev/null
done

# Round-robin: each round runs every configuration once, each starting
# from the next one, so no configuration always follows the same other.
nc=${#configs[@]}
for ((r = 1; r <= rounds; r++)); do
	for ((i = 0; i < nc; i++)); do
		c=${configs[(i + r - 1) % nc]}
		[ -z "${broken[$c]:-}" ] || continue
		if ! up "$c"; then
			broken[$c]=1
			echo "X $c $(tr '\n' ' ' </tmp/up.err | cut -c1-200)"
			continue
		fi
		log "round $r: $c"
		for w in "${workloads[@]}"; do
			run "$c" "$w" "$r"
		done
		down "$c"
	done
done

# The client against /proc, brkscope loaded and idle, over N processes
# that each moved their break once.
[ -z "$dump_sizes" ] ||
	bash "$(dirname "$0")/guest-dump.sh" "$ko" "$client" "$bin" "$rounds" "$get_runs" $dump_sizes

# Memory: what each record slot costs, from the module's vmalloc areas at
# two max_records (records_init's pool and hash table grow with it; the
# event ring does not).
for m in 8192 65536; do
	insmod "$ko" max_records=$m || continue
	echo "N vmalloc $m $(grep brkscope /proc/vmallocinfo | awk '{ s += $2 } END { print s }')"
	rmmod brkscope
done
log done
