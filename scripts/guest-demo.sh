#!/bin/sh
# Runs inside the demo VM (scripts/demo.sh): the seed's experiment, seen by
# strace, by the program itself, and by brkscope through debugfs.
# usage: guest-demo.sh MODULE.ko SELFTEST-DIR CLIENT
ko=$1
spy=$2/heap_spy
client=$3
dbg=/sys/kernel/debug/brkscope

say() { printf '\n== %s\n' "$*"; }
# others COLUMN FILE: the names in COLUMN of FILE's lines (after its header)
# that are not heap_spy, each once, comma-separated.
others() {
	awk -v c="$1" 'NR > 1 && $c != "heap_spy" && !seen[$c]++ { printf "%s%s", n++ ? ", " : "", $c }' "$2"
}

say "The seed: heap_spy prints sbrk(0), calls malloc(1000), prints sbrk(0)"
echo "\$ strace -e trace=brk heap_spy"
strace -e trace=brk "$spy" 2>&1
echo

say "Load brkscope and run heap_spy again, kept alive so we can look at it"
echo "\$ insmod brkscope.ko"
insmod "$ko" || exit 1
fifo=/tmp/heap_spy.stdin
mkfifo "$fifo"
"$spy" --wait <"$fifo" >/tmp/heap_spy.out &
pid=$!
exec 3>"$fifo"
while ! grep -q After /tmp/heap_spy.out 2>/dev/null; do sleep 0.1; done
cat /tmp/heap_spy.out
before=$(sed -n 's/.*Before:\(0x[0-9a-f]*\).*/\1/p' /tmp/heap_spy.out)
after=$(sed -n 's/.*After:\(0x[0-9a-f]*\).*/\1/p' /tmp/heap_spy.out)
printf '  -> brk moved by 0x%x bytes (%d) for a 1000-byte malloc: glibc\n' \
	$((after - before)) $((after - before))
echo "     asks the kernel for a big block once and serves mallocs from it."

say "What brkscope saw: every process whose heap moved since it was loaded"
echo "\$ cat $dbg/processes"
cat $dbg/processes >/tmp/processes.out
cat /tmp/processes.out
echo "  start_brk/brk are read live from the process's mm; grows and"
echo "  grown_bytes count what do_brk_flags() really mapped (page-aligned)."
# What else the listing showed, in words that match it.
others=$(others 2 /tmp/processes.out)
if [ -n "$others" ]; then
	echo "  The other lines ($others) are programs that ran meanwhile: every"
	echo "  process whose break moved is listed, not only heap_spy."
fi

say "Ask about one process (any live one, even one that never grew)"
echo "\$ echo $pid > $dbg/pid; cat $dbg/pid"
echo "$pid" >$dbg/pid
cat $dbg/pid

say "The same through generic netlink, with the brkscope client"
echo "\$ brkscope get $pid"
"$client" get "$pid"

say "The kernel's own views, for comparison"
echo "\$ cut -d' ' -f47 /proc/$pid/stat     # start_brk, the only brk field /proc has"
printf '%d = 0x%x\n' "$(cut -d' ' -f47 /proc/$pid/stat)" "$(cut -d' ' -f47 /proc/$pid/stat)"
echo "\$ grep '\\[heap\\]' /proc/$pid/maps       # page-aligned, no exact brk"
grep '\[heap\]' /proc/$pid/maps

say "Probe statistics"
echo "\$ cat $dbg/stats"
cat $dbg/stats

exec 3>&-
wait "$pid"

say "Heap events as they happen: brkscope monitor while heap_spy runs once more"
echo "\$ brkscope monitor -c 3 & sleep 1; heap_spy; heap_spy; heap_spy"
"$client" monitor -c 3 >/tmp/monitor.out 2>&1 &
mon=$!
sleep 1
for i in 1 2 3; do "$spy" >/dev/null; done
wait "$mon"
cat /tmp/monitor.out
# Say what the excerpt really shows: which processes the events came from.
others=$(others 3 /tmp/monitor.out)
spies=$(awk 'NR > 1 && $3 == "heap_spy"' /tmp/monitor.out | wc -l)
if [ -n "$others" ]; then
	echo "  ($spies of these events are heap_spy's; the rest came from $others:"
	echo "  every process is seen, not only heap_spy.)"
else
	echo "  ($spies events, all heap_spy's: one growth per run.  Every process is"
	echo "  seen: any other that moved its break meanwhile would be listed too.)"
fi

rmmod brkscope
