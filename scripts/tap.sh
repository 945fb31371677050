# shellcheck shell=bash
# TAP for the host-side scripts (check.sh, lint.sh): numbered results,
# counters, and the closing "N passed, N failed, N skipped" line that CI
# reads.  Needs $log, a directory for each check's log.

tap_n=0 tap_passed=0 tap_failed=0 tap_skipped=0

# tap NAME STATUS [LOGFILE]: one result (STATUS ok, skip or fail); on
# failure the log's tail follows as comments.
tap() {
	tap_n=$((tap_n + 1))
	case $2 in
	ok)	tap_passed=$((tap_passed + 1)); echo "ok $tap_n - $1" ;;
	skip)	tap_skipped=$((tap_skipped + 1)); echo "ok $tap_n - $1 # SKIP" ;;
	*)	tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $1"
		[ -z "${3:-}" ] || [ ! -e "$3" ] || tail -n 40 "$3" | sed 's/^/#   /' ;;
	esac
}

# run [-q] NAME CMD...: a host-side check, passing when CMD exits 0 and,
# with -q, prints nothing (a compiler or checker that speaks found
# something).  Its output is kept in $log.
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

# relay_tap PREFIX FILE: TAP lines someone else printed (a guest's), each
# "ok"/"not ok" line one result of ours, renumbered, its name prefixed;
# anything else is kept as a comment.
relay_tap() {
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

# tap_end: the plan, then the summary (the last line), and the exit status.
tap_end() {
	echo "1..$tap_n"
	echo "$tap_passed passed, $tap_failed failed, $tap_skipped skipped"
	[ "$tap_failed" -eq 0 ]
}
