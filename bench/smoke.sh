#!/bin/bash
# The benchmarks' smoke test, run inside an already-booted test guest:
# every bench program once with a tiny count, so they keep building and
# running between `make bench` runs.  It asserts only that each one exits
# 0 and prints a sane figure (a positive number), never how fast.  Takes
# seconds.  Prints TAP lines ("ok N - bench: ..."); exits 1 on a failure.
#
#   bench/smoke.sh BRKSCOPE.KO BENCH-DIR [CLIENT]
#
# BENCH-DIR is what `make -C bench` and bench/run.sh build (build/bench:
# bin/ and kmod/VER/brkfloor.ko); CLIENT defaults to
# build/userspace/brkscope next to it.  brkscope.ko is loaded for the
# client's part unless it already is, and then unloaded again; brkfloor.ko
# is skipped (with a "# SKIP") when it was not built for this kernel.
set -uo pipefail
ko=${1:?usage: smoke.sh BRKSCOPE.KO BENCH-DIR [CLIENT]}
dir=${2:?usage: smoke.sh BRKSCOPE.KO BENCH-DIR [CLIENT]}
client=${3:-$dir/../userspace/brkscope}
bin=$dir/bin
floor=$dir/kmod/$(uname -r)/brkfloor.ko
n=0 failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# check NAME CMD...: CMD must exit 0 and print "<positive number> ns/...".
check() {
	local name=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1) && [[ $out =~ ^[0-9]+(\.[0-9]+)?\ ns/ ]] &&
		awk -v v="${out%% *}" 'BEGIN { exit !(v > 0) }'; then
		echo "ok $n - bench: $name ($out)"
	else
		failed=$((failed + 1))
		echo "not ok $n - bench: $name"
		printf '%s\n' "$out" | head -n 5 | sed 's/^/#   /'
	fi
}

# plain NAME CMD...: CMD must exit 0.
plain() {
	local name=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - bench: $name"
	else
		failed=$((failed + 1))
		echo "not ok $n - bench: $name"
		printf '%s\n' "$out" | tail -n 5 | sed 's/^/#   /'
	fi
}

cp "$bin/nop" "$tmp/nop" || exit 1
check "storm" "$bin/storm" 10
check "churn" "$bin/churn" 5
check "topchunk" "$bin/topchunk" 1000
check "syscalls" "$bin/syscalls" 1000
check "forkexec" "$bin/forkexec" 2 "$tmp/nop"
check "timeit procscan PID" "$bin/timeit" 1 "$bin/procscan" $$
# The client's event path, fed without a module: its fast path must give
# the bytes the output helpers give, odd events and padding included.
check "monitor_replay: text, the helpers' bytes" "$bin/monitor_replay" -c -w 3000
check "monitor_replay: JSON, padded, the helpers' bytes" "$bin/monitor_replay" -c -w -p -j 3000
plain "procscan -a lists this shell" sh -c "'$bin/procscan' -a | grep -q '^$$ '"
plain "holders starts 3 processes" sh -c "'$bin/holders' 3 </dev/null | grep -qx 'ready 3'"
plain "guest-bench.sh and guest-dump.sh parse" sh -c "bash -n '$(dirname "$0")/guest-bench.sh' && bash -n '$(dirname "$0")/guest-dump.sh'"
# The client over a simulated kernel: a row per process, odd input too.
plain "list_replay: brkscope list, 300 processes" sh -c "LIST_REPLAY=n=300 '$bin/list_replay' list | wc -l | grep -qx 301"
plain "list_replay: brkscope -j list and get, odd input" sh -c "LIST_REPLAY=n=300,odd,pad '$bin/list_replay' -j list >/dev/null && LIST_REPLAY=n=300,odd '$bin/list_replay' get 1 2 3 >/dev/null"
check "timeit list_replay list (1000)" "$bin/timeit" 1 env LIST_REPLAY=n=1000 "$bin/list_replay" list

# The empty probes, every kind: they load, fire, and unload.
for mode in kretprobe kprobe ftrace; do
	n=$((n + 1))
	if [ ! -e "$floor" ]; then
		echo "ok $n - bench: brkfloor brk=$mode # SKIP no $floor"
		continue
	fi
	# The unload message counts the hits; only one printed by this load counts.
	seen=$(dmesg | grep -c "brk=$mode entry_hits=")
	out=$( { insmod "$floor" brk=$mode && "$bin/storm" 10 && rmmod brkfloor &&
		dmesg | grep "brk=$mode entry_hits=" | tail -n +$((seen + 1)); } 2>&1)
	if grep -q "brk=$mode entry_hits=[1-9]" <<<"$out"; then
		echo "ok $n - bench: brkfloor brk=$mode counts hits"
	else
		failed=$((failed + 1))
		echo "not ok $n - bench: brkfloor brk=$mode counts hits"
		printf '%s\n' "$out" | tail -n 5 | sed 's/^/#   /'
		rmmod brkfloor 2>/dev/null
	fi
done

# The client's side of the dump comparison.
loaded=
if ! grep -q '^brkscope ' /proc/modules; then
	insmod "$ko" && loaded=1
fi
check "timeit brkscope get" "$bin/timeit" 1 "$client" get $$
check "timeit brkscope -j list" "$bin/timeit" 1 "$client" -j list
[ -z "$loaded" ] || rmmod brkscope

echo "# bench smoke: $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
