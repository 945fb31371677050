# SPDX-License-Identifier: GPL-2.0
# bash completion for brkscope(8): its options, its commands, their
# options, --sort's keys, and for get the pids of live processes.
# Installed as /usr/share/bash-completion/completions/brkscope, where
# bash-completion loads it the first time brkscope is completed.

# The pids of live processes, from /proc (no ps needed).
_brkscope_pids()
{
	local d
	for d in /proc/[0-9]*; do
		printf '%s\n' "${d#/proc/}"
	done
}

_brkscope()
{
	local cur prev words cword split
	_init_completion -s || return

	# The command: the first word after brkscope that is no option.
	local i cmd=
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	case $cmd in
	'')
		case $prev in
		-h | --help | -V | --version) return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-j --json -h --help -V --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W 'get list monitor stats' -- "$cur"))
		fi
		;;
	get)
		COMPREPLY=($(compgen -W '$(_brkscope_pids)' -- "$cur"))
		;;
	list)
		if [[ $prev == --sort ]]; then
			COMPREPLY=($(compgen -W 'heap grows pid' -- "$cur"))
			return
		fi
		$split && return
		COMPREPLY=($(compgen -W '--sort' -- "$cur"))
		;;
	monitor)
		case $prev in
		-c | --count) return ;; # a number
		esac
		$split && return
		COMPREPLY=($(compgen -W '-c --count' -- "$cur"))
		;;
	esac
} &&
	complete -F _brkscope brkscope
