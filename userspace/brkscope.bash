# SPDX-License-Identifier: GPL-2.0
# bash completion for brkscope(8): its options, its commands, their
# options, --sort's keys, for get the pids of live processes, and for
# export -o file names.
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

# _brkscope_offer WORDS: those of WORDS that complete $cur.
_brkscope_offer()
{
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
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
			_brkscope_offer '-j --json -h --help -V --version'
		else
			_brkscope_offer 'export get list monitor stats top'
		fi
		;;
	export)
		case $prev in
		-o | --output)
			_filedir
			return
			;;
		--top) return ;; # a number
		esac
		$split && return
		_brkscope_offer '-o --output --top'
		;;
	get)
		_brkscope_offer "$(_brkscope_pids)"
		;;
	list)
		case $prev in
		--sort)
			_brkscope_offer 'heap grows pid name'
			return
			;;
		--by)
			_brkscope_offer 'comm cgroup'
			return
			;;
		esac
		$split && return
		_brkscope_offer '--sort --by'
		;;
	monitor)
		case $prev in
		-c | --count) return ;; # a number
		esac
		$split && return
		_brkscope_offer '-c --count'
		;;
	top)
		case $prev in
		-s | --sort)
			_brkscope_offer 'rate heap grows pid name'
			return
			;;
		--by)
			_brkscope_offer 'comm cgroup'
			return
			;;
		-d | --delay | -n | --iterations) return ;; # a number
		esac
		$split && return
		_brkscope_offer '-b --batch -B --bytes -d --delay -n --iterations -s --sort --by'
		;;
	esac
} &&
	complete -F _brkscope brkscope
