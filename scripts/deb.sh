#!/bin/bash
# make deb: brkscope's Debian packages, built with dpkg-buildpackage from a
# copy of this tree (build/deb/src), into build/deb/: brkscope-dkms (the
# module's sources for dkms) and brkscope (the client), with the source
# package and the .changes; then lintian on the .changes, which must find
# no error.  Needs no root; nothing outside build/deb is written.
# Documentation/packaging.rst says more.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

version=$(cat "$top/VERSION")
out=$build/deb
src=$out/src
rm -rf "$out" && mkdir -p "$src"

# The tree as git sees it: tracked files as they are now and new files
# not ignored (no build products); without git, all but build/ and .git.
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$top" ls-files -z --cached --others --exclude-standard |
		tar -C "$top" --null -T - --ignore-failed-read -cf - 2>/dev/null |
		tar -C "$src" -xf -
else
	tar -C "$top" --exclude=./build --exclude=./.git -cf - . | tar -C "$src" -xf -
fi

start=$SECONDS
echo "deb: dpkg-buildpackage in $src (log: $out/build.log)"
if ! (cd "$src" && dpkg-buildpackage --no-sign -jauto) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
fi
echo "deb: built in $((SECONDS - start)) s:"
(cd "$out" && ls -1 ./*.deb ./*.changes ./*.dsc ./*.tar.* | sed 's|^\./|  build/deb/|')

changes=$out/brkscope_${version}_$(dpkg-architecture -qDEB_HOST_ARCH).changes
start=$SECONDS
# Warnings are shown (Documentation/packaging.rst lists the ones kept);
# errors fail.  As root, lintian says it would rather not be: it is only
# reading what was built here.
rc=0
lintian --fail-on error "$changes" 2> >(grep -v 'running with root privileges' >&2) | tee "$out/lintian.log" || rc=$?
echo "deb: lintian took $((SECONDS - start)) s: $(grep -c '^E: ' "$out/lintian.log" || true) errors, $(grep -c '^W: ' "$out/lintian.log" || true) warnings"
exit $rc
