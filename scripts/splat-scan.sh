#!/bin/bash
# Fail if a kernel log (dmesg or serial console) shows a splat: a WARN,
# BUG, oops, sanitizer or lockdep report, leak, stall or panic.  The guest
# runs without panic_on_warn so that a test completes and leaves its whole
# log; this scan is what turns a splat into a failure.
#
#   scripts/splat-scan.sh FILE...   exit 0 clean, 1 splat found, 2 usage
set -euo pipefail

[ $# -gt 0 ] || { echo "usage: $0 FILE..." >&2; exit 2; }

found=0
for f in "$@"; do
	[ -e "$f" ] || continue # e.g. no dmesg when the guest died early
	# Patterns are matched against the message with the "[  1.234]" time
	# stamp and "[T123]" caller tags removed.  WARNING:/BUG: only count at
	# the start of a message, as the kernel's WARN() and BUG reports print
	# them; elsewhere they are advice, e.g. "Spectre V2 : WARNING: ...".
	# Lockdep reports are WARNINGs; its boot banner ("Lock dependency
	# validator", "MAX_LOCKDEP_KEYS") is not a report.
	awk -v file="$f" '
	function splat(m) {
		if (m ~ /^(WARNING|BUG): / || m ~ /^BUG [^ ]+ \(.*\): /) return 1
		return m ~ /(^|[^A-Za-z])Oops([^A-Za-z]|$)|KASAN:|UBSAN:|KFENCE:|possible (circular|recursive) locking|inconsistent lock state|lockdep is turned off|turning off the locking correctness validator|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|scheduling while atomic|sleeping function called from invalid context|kernel BUG|general protection fault|Call Trace:|unreferenced object|suspected memory leak|RCU stall|self-detected stall|detected stalls? on CPU|soft lockup|hard LOCKUP|hung_task|blocked for more than|Kernel panic|\[ cut here \]/
	}
	{
		m = $0
		sub(/\r$/, "", m)
		while (sub(/^ *\[[^]]*\] */, "", m)) {}
		if (after > 0) { print file ":" FNR ": " $0; after--; next }
		if (!splat(m)) next
		if (!hits++) after = 20
		print file ":" FNR ": " $0
	}
	END { exit hits > 0 }' "$f" || found=1
done
exit "$found"
