#!/bin/bash
# make bench: measure what brkscope costs, on each test kernel, in one
# QEMU guest per kernel under icount (-icount shift=1 -smp 1: guest time
# follows executed instructions, so ratios measured inside one boot are
# robust to the load other guests put on the host), and write
# Documentation/benchmarks.md and Documentation/benchmarks.png.
#
#   bench/run.sh [ROUNDS]          (make bench; default 5 rounds)
#
# Env: BENCH_KERNELS="VER..." to pick kernels (default: the newest
# installed 6.1.*-amd64 and 6.12.*+deb12-amd64), BENCH_NO_DOC=1 to print
# the table without rewriting Documentation/, BENCH_* sizes (guest-bench.sh).
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
cd "$top"
rounds=${1:-5}
out=$build/bench
started=$(date -u '+%Y-%m-%d %H:%M UTC')
t0=$SECONDS

bash scripts/setup.sh
bash bench/setup.sh

if [ -n "${BENCH_KERNELS:-}" ]; then
	read -ra kernels <<<"$BENCH_KERNELS"
else
	kernels=("$(newest_kernel '6.1.*-amd64')" "$(newest_kernel '6.12.*+deb12-amd64')")
fi

echo "bench: building for ${kernels[*]}"
for k in "${kernels[@]}"; do
	build_module "$k" >&2
	build_floor "$k"
done
make -s userspace
make -s -C bench

# The guests would pass BENCH_* through only on their command line.
genv=()
for v in BENCH_STORM BENCH_CHURN BENCH_TOP BENCH_FORK BENCH_STRACE_DIV \
	BENCH_GET_RUNS BENCH_DUMP_SIZES BENCH_CONFIGS BENCH_WORKLOADS; do
	[ -z "${!v+set}" ] || genv+=("$v=${!v}")
done

# One guest per kernel, both at once: each runs on one host thread, and
# under icount what one does to the other's wall time does not reach the
# figures.  2 GiB: the dump of 10,000 processes needs them.  vm-run.sh
# passes -smp 2; QEMU takes the last -smp given, so QEMU_EXTRA's wins.
pids=()
for k in "${kernels[@]}"; do
	echo "bench: booting $k"
	QEMU_EXTRA="-icount shift=1 -smp 1" \
		scripts/vm-run.sh --kernel "$k" --mem 2048 --timeout "${VM_TIMEOUT:-1700}" \
		--out "$out/vm/$k" -- env "${genv[@]}" bench/guest-bench.sh \
		"build/kmod/$k/module/brkscope.ko" "build/bench/kmod/$k/brkfloor.ko" \
		build/userspace/brkscope build/bench/bin "$rounds" \
		>"$out/raw-$k.txt" 2>"$out/vm-$k.log" &
	pids+=($!)
done
rc=0
for i in "${!kernels[@]}"; do
	if ! wait "${pids[$i]}"; then
		echo "bench: the ${kernels[$i]} guest failed: $out/vm-${kernels[$i]}.log, $out/raw-${kernels[$i]}.txt" >&2
		tail -n 20 "$out/vm-${kernels[$i]}.log" >&2
		rc=1
	fi
done

host="$(nproc) cores, $(qemu-system-x86_64 --version | head -n 1), TCG"
commit=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
cmd="make bench"
[ "$rounds" = 5 ] || cmd+=" ROUNDS=$rounds"
args=(--date "$started" --command "$cmd" --minutes $(((SECONDS - t0 + 30) / 60)) --host "$host" --commit "$commit")
if [ "${BENCH_NO_DOC:-0}" != 1 ]; then
	args+=(--markdown Documentation/benchmarks.md --png Documentation/benchmarks.png --plotdir "$out/plot")
fi
for k in "${kernels[@]}"; do
	args+=("$out/raw-$k.txt")
done
python3 bench/report.py "${args[@]}"
exit $rc
