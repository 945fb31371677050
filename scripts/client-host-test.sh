#!/bin/bash
# The client's answers that need no module: on the host, where brkscope.ko
# cannot be loaded, every command must say so and exit 5, and every bad
# argument must get a message on stderr and exit 2 before any netlink.
set -u
. "$(dirname "$0")/lib.sh"
bin=$build/userspace/brkscope
fails=0

# expect RC STDERR-WORDS ARGS...: exit status RC and a message with WORDS.
expect() {
	local want=$1 words=$2 err rc
	shift 2
	err=$("$bin" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" != "$want" ] || [ -z "$err" ] || ! grep -q -- "$words" <<<"$err"; then
		echo "brkscope $*: exit $rc, stderr '$err'; wanted exit $want and '$words'"
		fails=$((fails + 1))
	fi
}

nomod="family brkscope not found: is brkscope.ko loaded?"
expect 5 "$nomod" stats
expect 5 "$nomod" get 1
expect 5 "$nomod" list
expect 5 "$nomod" monitor -c 1
expect 5 "$nomod" -j stats
expect 5 "$nomod" top -b -n 1
expect 5 "$nomod" top
expect 5 "$nomod" export -o -
for pid in abc -1 0 12x "" 99999999999; do
	expect 2 "bad pid" get "$pid"
done
expect 2 "bad pid" get 1 abc
expect 2 "" get
expect 2 "" list --sort size
expect 2 "" monitor -c 0
expect 2 "" monitor -c x
for bytes in 0 -1 x 1X 2G 99999999999 ""; do
	expect 2 "" monitor --rcvbuf "$bytes"
done
expect 2 "bad interval" top -d 0
expect 2 "bad count of refreshes" top -n 0
expect 2 "bad --by" top --by uid
expect 2 "no JSON output" -j top
expect 2 "no JSON output" -j export
expect 2 "bad --top" export --top x
expect 2 "bad --top" export --top 1000001
expect 2 "unexpected argument" export foo
expect 2 "names a directory" export -o /tmp/
expect 2 "needs a file name" export -o ""
expect 2 "" frobnicate
expect 2 "" --no-such-option stats
expect 2 "" ""
"$bin" --help | grep -q "Exit status" || { echo "--help lists no exit codes"; fails=$((fails + 1)); }
# --version: the client's version, and that the module is not loaded, exit 0.
out=$("$bin" --version 2>&1)
rc=$?
want="brkscope $(cat "$top/VERSION")
brkscope.ko not loaded"
if [ "$rc" != 0 ] || [ "$out" != "$want" ]; then
	echo "brkscope --version: exit $rc, '$out'; wanted exit 0 and '$want'"
	fails=$((fails + 1))
fi
[ "$fails" = 0 ]
