#!/bin/bash
# brkscope's bash completion offers its options, commands, their options,
# --sort's keys, live pids for get, and file names for export -o.
#   completion-test.sh FILE   the completion script FILE (the tree's)
#   completion-test.sh        the one bash-completion finds for brkscope
#                             (an installed package's)
# Prints what failed; exits non-zero if anything did.
set -u
# shellcheck source=/dev/null
. /usr/share/bash-completion/bash_completion || exit 1
if [ -n "${1:-}" ]; then
	# shellcheck source=/dev/null
	. "$1" || exit 1
else
	__load_completion brkscope || { echo "bash-completion finds no completion for brkscope"; exit 1; }
fi
fails=0

# comp WORD...: what completing the last WORD offers, sorted, one line.
# The words are split as bash splits them (COMP_WORDBREAKS: "=" is a word).
comp() {
	local COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMP_LINE COMP_POINT
	COMP_LINE=$(sed 's/ = /=/g; s/ =$/=/' <<<"$*")
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_brkscope brkscope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

# expect WANT WORD...: completing WORD... offers exactly WANT.
expect() {
	local want=$1 got
	shift
	got=$(comp "$@")
	if [ "$got" != "$want" ]; then
		echo "completing '$*': got '$got', wanted '$want'"
		fails=$((fails + 1))
	fi
}

expect "export get list monitor stats top" brkscope ""
expect "get" brkscope g
expect "list" brkscope -j l
expect "--help --json --version -V -h -j" brkscope -
expect "--json" brkscope --j
expect "heap" brkscope list --sort h
expect "grows heap name pid" brkscope list --sort ""
expect "grows heap name pid" brkscope list --sort = ""
expect "pid" brkscope list --sort = p
expect "cgroup comm" brkscope list --by ""
expect "cgroup" brkscope list --by cg
expect "--by --sort" brkscope list -
expect "--count -c" brkscope monitor -
expect "" brkscope monitor -c ""
expect "" brkscope stats ""
expect "--batch --by --bytes --delay --iterations --sort -B -b -d -n -s" brkscope top -
expect "grows heap name pid rate" brkscope top -s ""
expect "rate" brkscope top --sort = r
expect "cgroup comm" brkscope top --by ""
expect "" brkscope top -d ""
expect "--output --top -o" brkscope export -
expect "" brkscope export --top ""
# export -o: file names, of the directory completed in.
d=$(mktemp -d) && touch "$d/a.prom" "$d/b.prom" &&
	expect "$d/a.prom $d/b.prom" brkscope export -o "$d/" &&
	expect "$d/a.prom" brkscope export --output = "$d/a"
rm -rf "${d:?}"
# get: live pids, ours among them, and nothing that is not one.
pids=$(comp brkscope get "")
grep -qw -- "$$" <<<"$pids" || { echo "get offers no pid $$ (its own shell)"; fails=$((fails + 1)); }
[ -z "$(tr ' ' '\n' <<<"$pids" | grep -v '^[0-9][0-9]*$')" ] ||
	{ echo "get offers what is no pid: $pids"; fails=$((fails + 1)); }
for p in $(comp brkscope get 1 "$$"); do
	case $p in "$$"*) ;; *) echo "get 1 $$<TAB> offers $p"; fails=$((fails + 1)) ;; esac
done
[ "$fails" = 0 ]
