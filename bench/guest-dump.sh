#!/bin/bash
# Runs inside the benchmark guest, from guest-bench.sh: brkscope's client
# against /proc, both timed as commands a user runs (timeit: exec, start-up,
# output to /dev/null), with brkscope loaded and nobody subscribed.
#
#   guest-dump.sh BRKSCOPE.KO CLIENT BINDIR ROUNDS GET-RUNS SIZE...
#
# For each SIZE, SIZE processes that each moved their break (holders), then
# ROUNDS interleaved rounds of:
#   list-text  `brkscope list`      list-json  `brkscope -j list`
#   list-proc  procscan -a: stat field 47 and maps' [heap] of every process
# and, for the first SIZE, "get one pid" (GET-RUNS runs per figure):
#   get-text `brkscope get PID`, get-json `brkscope -j get PID`, get-proc
#   procscan PID.
# Prints "R dump-SIZE WHAT ROUND NS" (ns per run) and N lines.
set -uo pipefail
ko=$1 client=$2 bin=$3 rounds=$4 get_runs=$5
shift 5

log() { echo "guest-dump: $*" >&2; }

insmod "$ko" || { echo "X dump insmod failed"; exit 1; }
first=1
for size in "$@"; do
	# holders keeps its processes until its stdin closes: a FIFO we hold.
	rm -f /tmp/hold.fifo && mkfifo /tmp/hold.fifo
	"$bin/holders" "$size" </tmp/hold.fifo >/tmp/hold.out 2>&1 &
	hp=$!
	exec 7>/tmp/hold.fifo
	for ((i = 0; i < 6000; i++)); do
		grep -q ready /tmp/hold.out && break
		kill -0 "$hp" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q ready /tmp/hold.out; then
		echo "X dump-$size holders did not start: $(tr '\n' ' ' </tmp/hold.out)"
		exec 7>&-
		wait "$hp"
		continue
	fi
	# What each side lists: "N rows SIZE LIST-LINES JSON-BYTES PROC-LINES
	# RECORDS-IN-USE RECORDS-LIMIT" (a process needs no record to be listed).
	echo "N rows $size $("$client" list | wc -l) $("$client" -j list | wc -c)" \
		"$("$bin/procscan" -a | wc -l)" \
		"$("$client" stats | awk '$1 == "records_in_use:" || $1 == "records_limit:" { printf "%s ", $2 }')"
	# One run per figure for big dumps, more for small ones.
	k=$((size >= 10000 ? 1 : 10000 / size))
	whats=(list-text list-json list-proc)
	[ -z "$first" ] || whats+=(get-text get-json get-proc)
	nw=${#whats[@]}
	for ((r = 1; r <= rounds; r++)); do
		log "dump-$size round $r"
		for ((i = 0; i < nw; i++)); do
			w=${whats[(i + r - 1) % nw]}
			case $w in
			list-text) cmd=("$k" "$client" list) ;;
			list-json) cmd=("$k" "$client" -j list) ;;
			list-proc) cmd=("$k" "$bin/procscan" -a) ;;
			get-text) cmd=("$get_runs" "$client" get "$hp") ;;
			get-json) cmd=("$get_runs" "$client" -j get "$hp") ;;
			get-proc) cmd=("$get_runs" "$bin/procscan" "$hp") ;;
			esac
			if out=$("$bin/timeit" "${cmd[@]}"); then
				echo "R dump-$size $w $r ${out%% *}"
			else
				log "dump-$size $w round $r failed: $out"
			fi
		done
	done
	first=
	exec 7>&-
	wait "$hp"
done
rmmod brkscope
