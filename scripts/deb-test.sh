#!/bin/bash
# brkscope's Debian packages (make deb, build/deb), installed for real on
# this host, as root: what make check does with them
# (Documentation/packaging.rst).  The host never loads the module; the
# guests of make check do (scripts/guest-deb.sh), from /lib/modules, which
# they see through the host's root shared over 9p.
#
#   deb-test.sh install OWNER  install both .debs with apt-get; dkms has
#                              built the module for each test kernel
#                              (lib.sh's test_kernels), and dpkg, modinfo
#                              and brkscope --version agree on VERSION; the
#                              packages stay installed for the guests.
#                              OWNER is the pid of the process that will
#                              purge them (make check's).
#   deb-test.sh purge OWNER    apt-get purge them if OWNER installed them;
#                              nothing they or dkms installed is left
#   deb-test.sh all [KVER...]  install, one guest per KVER (default: the
#                              6.1 test kernel) running guest-deb.sh, purge;
#                              closes with "N passed, N failed"
#
# Prints TAP lines without numbers ("ok - ..."; check.sh numbers them) and
# plain lines check.sh turns into comments.  install exits 0 if the
# packages are installed for the guests to test (whatever its checks
# said), 1 on a failure, 2 if it skipped: brkscope packages or a dkms tree
# of brkscope were on the host already and are left alone, or another live
# run has them installed.  Whatever install said, purge OWNER undoes what
# OWNER's install did (and only that); a run that died without purging is
# cleaned up by the next install.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1

[ "$(id -u)" = 0 ] || { echo "deb-test.sh: must run as root" >&2; exit 1; }
version=$(cat VERSION)
arch=$(dpkg --print-architecture)
debs=("$build/deb/brkscope-dkms_${version}_all.deb" "$build/deb/brkscope_${version}_$arch.deb")
pkgs=(brkscope brkscope-dkms)
state=$build/deb-test
# Who installed the packages: a directory (mkdir is atomic) holding the
# owner's pid and start time, and what was on the host before (before,
# before-dkms), outside the clone, as the packages are.
mark=/var/tmp/brkscope-deb-test
export DEBIAN_FRONTEND=noninteractive
# apt-get waits up to 15 minutes for someone else's apt-get or dpkg (a
# kernel being installed: a busy shared host) rather than failing at once.
apt=(apt-get -o DPkg::Lock::Timeout=900)

ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; }
# check NAME CMD...: one TAP line; CMD's output, if it failed, as comments.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		nok "$name"
		[ -z "$out" ] || sed 's/^/  /' <<<"$out"
	fi
}

# starttime PID: the process's start time (stat field 22), or nothing.
starttime() {
	local st
	read -r st <"/proc/$1/stat" 2>/dev/null || return 0
	# shellcheck disable=SC2086
	set -- ${st##*) }
	echo "${20}"
}

# owner_alive: the recorded owner still runs.
owner_alive() {
	local pid start
	read -r pid start <"$mark/owner" 2>/dev/null || return 1
	[ -n "$pid" ] && [ "$(starttime "$pid")" = "$start" ]
}

# installed_anything: a brkscope package is known to dpkg (even as
# config-files), or dkms or /usr/src holds brkscope.
installed_anything() {
	local p
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qv '^not-installed$' && return 0
	done
	[ -e /var/lib/dkms/brkscope ] && return 0
	compgen -G '/usr/src/brkscope-*' >/dev/null
}

# paths_of_debs: every path the two .debs hold, one per line.
paths_of_debs() {
	local d
	for d in "${debs[@]}"; do
		dpkg-deb --fsys-tarfile "$d" | tar -t | sed 's|^\./|/|; s|/$||' | grep -v '^\.\?$'
	done | sort -u
}

# ko_of KVER: the module dkms installed for KVER, if any.
ko_of() {
	compgen -G "/lib/modules/$1/updates/dkms/brkscope.ko*" | head -n 1
}

# ---- purge ----

purge_now() {
	local p k left f was
	local start=$SECONDS
	check "apt-get purge brkscope brkscope-dkms" \
		"${apt[@]}" purge -y -q "${pkgs[@]}"
	echo "deb-test: purge took $((SECONDS - start)) s"
	left=$(for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$p" 2>/dev/null
	done)
	check "dpkg knows neither package any more (no config-files left)" test -z "$left"
	# Each path the packages held: gone, unless it was there before them
	# (/usr, /usr/share/man/man8, ...).
	left=$(while IFS=' ' read -r was f; do
		[ "$was" = 1 ] || [ ! -e "$f" ] || echo "$f"
	done <"$mark/before")
	check "every file and directory the packages installed is gone" test -z "$left"
	[ -z "$left" ] || echo "$left" | sed 's/^/  left: /'
	left=$( (ls -d /var/lib/dkms/brkscope /usr/src/brkscope-* \
		/lib/modules/*/updates/dkms/brkscope.ko* 2>/dev/null) || true)
	check "dkms's tree and every module it installed are gone" test -z "$left"
	check "purge disabled brkscope-export.timer" \
		test ! -e /etc/systemd/system/timers.target.wants/brkscope-export.timer
	[ -z "$left" ] || echo "$left" | sed 's/^/  left: /'
	left=$( (grep -l 'brkscope\.ko' /lib/modules/*/modules.dep 2>/dev/null) || true)
	check "no modules.dep names brkscope any more" test -z "$left"
	# If dkms leaves a directory it made under /lib/modules, empty, it goes
	# too, so the host is left as it was: one that was not there at
	# install time (a kernel installed meanwhile had dkms build brkscope).
	for f in /lib/modules/*/updates/dkms /lib/modules/*/updates; do
		if [ -d "$f" ] && ! grep -qx "1 $f" "$mark/before-dkms"; then
			rmdir "$f" 2>/dev/null && echo "deb-test: removed $f, which dkms made and left empty"
		fi
	done
	left=$(while IFS=' ' read -r was f; do
		[ "$was" = 1 ] || [ ! -e "$f" ] || echo "$f"
	done <"$mark/before-dkms")
	check "the host is left as it was: no directory dkms made is left" test -z "$left"
	# Forget the owner only once the packages are gone: else the next
	# install purges them.
	if installed_anything; then
		echo "deb-test: brkscope is still installed: $mark stays, so the next run purges it"
	else
		rm -rf "$mark"
	fi
}

# ---- install ----

install_now() {
	local k ko v out start d
	mkdir -p "$state"
	for d in "${debs[@]}"; do
		if [ ! -f "$d" ]; then
			nok "make deb's packages are in build/deb (no ${d#"$top"/})"
			return 1
		fi
	done
	if ! mkdir "$mark" 2>/dev/null; then
		if owner_alive; then
			ok "install brkscope's .debs # SKIP another run (pid $(cut -d' ' -f1 "$mark/owner")) has them installed"
			return 2
		fi
		echo "deb-test: a run that died left brkscope's packages installed: purging them first"
		purge_now | sed 's/^/  /'
		mkdir "$mark" || { nok "take $mark"; return 1; }
	fi
	if installed_anything; then
		rm -rf "$mark"
		ok "install brkscope's .debs # SKIP brkscope packages or a dkms tree of brkscope are on this host already (not a test's): left alone"
		return 2
	fi
	echo "$OWNER $(starttime "$OWNER")" >"$mark/owner"

	# What was there before, to tell afterwards what is new.
	paths_of_debs | while IFS= read -r f; do
		echo "$([ -e "$f" ] && echo 1 || echo 0) $f"
	done >"$mark/before"
	for k in /lib/modules/*; do
		for d in "$k/updates" "$k/updates/dkms"; do
			echo "$([ -e "$d" ] && echo 1 || echo 0) $d"
		done
	done >"$mark/before-dkms"

	# setup.sh installs what the packages depend on: apt-get must add
	# nothing else, or purging them would leave it behind.
	out=$("${apt[@]}" install -s --no-install-recommends "${debs[@]}" 2>&1 | sed -n 's/^Inst \([^ ]*\) .*/\1/p' | sort | tr '\n' ' ')
	if [ "$out" != "brkscope brkscope-dkms " ]; then
		nok "apt-get would install brkscope and brkscope-dkms and nothing else (it would install: $out)"
		rm -rf "$mark"
		return 1
	fi
	ok "apt-get would install brkscope and brkscope-dkms and nothing else"

	start=$SECONDS
	if ! "${apt[@]}" install -y -q --no-install-recommends "${debs[@]}" >"$state/install.log" 2>&1; then
		nok "apt-get install ./brkscope-dkms_${version}_all.deb ./brkscope_${version}_$arch.deb"
		tail -n 30 "$state/install.log" | sed 's/^/  /'
		return 1	# perhaps half-installed: purge OWNER still purges
	fi
	ok "apt-get install ./brkscope-dkms_${version}_all.deb ./brkscope_${version}_$arch.deb"
	echo "deb-test: apt-get install took $((SECONDS - start)) s (dkms built: $(grep -c '^Building initial module for' "$state/install.log"))"

	# dkms's postinst builds for every kernel under /lib/modules when the
	# running kernel has none there (a VM or container host, like CI's),
	# else for the running and the newest one: any test kernel it left
	# out is installed here.
	for k in "${kernels[@]}"; do
		if ! dkms status -m brkscope -v "$version" -k "$k" 2>/dev/null | grep -q ': installed'; then
			echo "deb-test: $k: the postinst did not build for it: dkms install -k $k"
			dkms install -m brkscope -v "$version" -k "$k" >"$state/dkms-$k.log" 2>&1 ||
				tail -n 20 "$state/dkms-$k.log" | sed 's/^/  /'
		fi
		ko=$(ko_of "$k")
		v=$( [ -z "$ko" ] || modinfo -F version "$ko")
		out=$(modinfo -k "$k" -n brkscope 2>&1)
		if [ -n "$ko" ] && [ "$v" = "$version" ] && [ "$out" = "$ko" ] &&
			modinfo -F vermagic "$ko" | grep -q "^$k "; then
			ok "$k: dkms built and installed brkscope.ko $version (${ko#/lib/modules/"$k"/}), which modinfo finds by name"
		else
			nok "$k: dkms built and installed brkscope.ko $version (file '${ko:-none}', version '$v', modinfo -n: '$out')"
		fi
	done
	check "nothing loaded brkscope.ko on this host" test ! -e /sys/module/brkscope

	v=$(dpkg-query -W -f='${Version} ' "${pkgs[@]}")
	check "dpkg: both packages are version $version" test "$v" = "$version $version "
	check "dpkg -L: brkscope-dkms has the module's sources and dkms.conf, PACKAGE_VERSION=\"$version\", under /usr/src/brkscope-$version" \
		bash -c "dpkg -L brkscope-dkms | grep -qx /usr/src/brkscope-$version/module/main.c &&
			dpkg -L brkscope-dkms | grep -qx /usr/src/brkscope-$version/VERSION &&
			grep -qx 'PACKAGE_VERSION=\"$version\"' /usr/src/brkscope-$version/dkms.conf"
	check "dpkg -L: brkscope has /usr/sbin/brkscope, its man page and its bash completion" \
		bash -c "dpkg -L brkscope | grep -qx /usr/sbin/brkscope &&
			dpkg -L brkscope | grep -qx /usr/share/man/man8/brkscope.8.gz &&
			dpkg -L brkscope | grep -qx /usr/share/bash-completion/completions/brkscope"
	check "brkscope-export.timer and .service are installed, the timer enabled (timers.target wants it)" \
		bash -c "dpkg -L brkscope | grep -qx /lib/systemd/system/brkscope-export.timer &&
			dpkg -L brkscope | grep -qx /lib/systemd/system/brkscope-export.service &&
			test -L /etc/systemd/system/timers.target.wants/brkscope-export.timer"
	out=$(/usr/sbin/brkscope --version 2>&1)
	check "brkscope --version says brkscope $version and that the module is not loaded, exit 0" \
		test "$out" = "brkscope $version
brkscope.ko not loaded"
	[ "$out" = "brkscope $version
brkscope.ko not loaded" ] || sed 's/^/  said: /' <<<"$out"
	check "bash-completion finds the installed completion: commands, options, --sort keys, live pids" \
		bash "$top/scripts/completion-test.sh"
	return 0
}

mapfile -t kernels < <(test_kernels)
cmd=${1:-}
case $cmd in
install)
	OWNER=${2:?usage: deb-test.sh install OWNER}
	install_now
	;;
purge)
	OWNER=${2:?usage: deb-test.sh purge OWNER}
	read -r pid start <"$mark/owner" 2>/dev/null || exit 0
	[ "$pid" = "$OWNER" ] && [ "$(starttime "$OWNER")" = "$start" ] || exit 0
	purge_now
	;;
all)
	# The TAP lines of _all, then "N passed, N failed".
	shift
	mkdir -p "$state"
	bash "$top/scripts/deb-test.sh" _all "$@" | tee "$state/all.out"
	p=$(grep -c '^ok ' "$state/all.out")
	f=$(grep -c '^not ok ' "$state/all.out")
	echo "$p passed, $f failed"
	[ "$f" = 0 ]
	;;
_all)
	shift
	OWNER=$$
	[ $# -gt 0 ] || set -- "$(newest_kernel '6.1.*-amd64')"
	trap 'bash "$top/scripts/deb-test.sh" purge $$ >/dev/null 2>&1' EXIT
	if install_now; then
		for k in "$@"; do
			out=$build/vm/deb-$k
			start=$SECONDS
			bash scripts/vm-run.sh --kernel "$k" --out "$out" -- \
				sh scripts/guest-deb.sh "$version" >"$state/vm-$k.log" 2>&1
			[ -f "$out/rc" ] || nok "$k: the guest ran guest-deb.sh to its end (see $state/vm-$k.log)"
			sed "s/^ok - /ok - $k: /; s/^not ok - /not ok - $k: /" "$out/output" 2>/dev/null
			echo "deb-test: guest $k took $((SECONDS - start)) s"
		done
	fi
	bash "$top/scripts/deb-test.sh" purge $$
	trap - EXIT
	;;
*)
	echo "usage: deb-test.sh install OWNER | purge OWNER | all [KVER...]" >&2
	exit 2
	;;
esac
