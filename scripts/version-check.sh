#!/bin/bash
# The version is VERSION's, and only VERSION's: the module and the client
# are built with it, dkms.conf gets it where it is installed
# (PACKAGE_VERSION="#MODULE_VERSION#"), and the copies that cannot be
# derived must agree with it: debian/changelog's first entry (a native
# package: no Debian revision) and brkscope(8)'s title line.  Prints what
# disagrees; exits non-zero if anything does.  (Documentation/packaging.rst
# says how to change the version.)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
fails=0
bad() { echo "$*"; fails=$((fails + 1)); }

v=$(cat "$top/VERSION")
[[ $v =~ ^[0-9]+(\.[0-9]+)+$ ]] || bad "VERSION: '$v' is not a plain N.N.N version"
cl=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version 2>&1)
[ "$cl" = "$v" ] || bad "debian/changelog: its first entry is '$cl', VERSION says '$v'"
grep -qx 'PACKAGE_VERSION="#MODULE_VERSION#"' "$top/dkms.conf" ||
	bad "dkms.conf: PACKAGE_VERSION should be \"#MODULE_VERSION#\" (filled in from VERSION)"
th=$(sed -n 's/^\.TH BRKSCOPE 8 "[^"]*" "brkscope \([^"]*\)".*/\1/p' "$top/Documentation/brkscope.8")
[ "$th" = "$v" ] || bad "Documentation/brkscope.8: its .TH says '$th', VERSION says '$v'"
[ "$fails" = 0 ]
