#!/bin/bash
# dkms for brkscope.
#   dkms.sh install      add, build and install for the running kernel (root)
#   dkms.sh test KVER    add and build for KVER in a private dkms tree under
#                        build/dkms: proves dkms.conf works, changes nothing
#                        on the system and loads nothing
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# copy_source fills in dkms.conf's PACKAGE_VERSION from VERSION.
version=$(cat "$top/VERSION")

case "${1:-}" in
install)
	copy_source "/usr/src/brkscope-$version"
	dkms remove -m brkscope -v "$version" --all >/dev/null 2>&1 || true
	dkms add -m brkscope -v "$version"
	dkms install -m brkscope -v "$version"
	;;
test)
	kver=${2:?usage: dkms.sh test KVER}
	d=$build/dkms
	rm -rf "$d" && mkdir -p "$d/tree"
	copy_source "$d/src/brkscope-$version"
	opts=(--sourcetree "$d/src" --dkmstree "$d/tree" -m brkscope -v "$version")
	dkms add "${opts[@]}" >/dev/null
	if ! dkms build "${opts[@]}" -k "$kver"; then
		cat "$d/tree/brkscope/$version/build/make.log" 2>/dev/null || true
		exit 1
	fi
	find "$d/tree/brkscope/$version/$kver" -name 'brkscope.ko*' | grep -q .
	;;
*)
	echo "usage: dkms.sh install | test KVER" >&2
	exit 2
	;;
esac
