#!/bin/bash
# The kernel's YNL tools, for brkscope's netlink spec
# (Documentation/netlink/specs/brkscope.yaml).  They come from Debian's
# linux-source-6.12 (scripts/setup.sh installs it, with python3-yaml and
# python3-jsonschema): tools/net/ynl, the schemas Documentation/netlink/*.yaml
# and MAINTAINERS (ynl-gen-c.py looks for it to find the tree's root) are
# extracted into build/ynl/kernel once per version of that package (some
# 20-40 s), never installed, never committed.
#
#   scripts/ynl.sh tree       extract if needed; print the tree's path
#   scripts/ynl.sh validate   the spec validates against the schema of its
#                             protocol level (genetlink.yaml)
#   scripts/ynl.sh compare    ynl-gen-c.py --mode uapi makes build/ynl/brkscope.h
#                             from the spec; it must define what
#                             module/uapi/brkscope.h defines, with the same
#                             values (scripts/uapi-compare.py says what differs)
#   scripts/ynl.sh cli ARG... the ynl CLI with our spec and its schema, e.g.
#                             scripts/ynl.sh cli --do get --json '{"pid": 1}'
#
# Env: BRKSCOPE_PYTHON (default /usr/bin/python3, Debian's, which has
# python3-yaml and python3-jsonschema).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

py=${BRKSCOPE_PYTHON:-/usr/bin/python3}
tarball=/usr/src/linux-source-6.12.tar.xz
tree=$build/ynl/kernel
spec=$top/Documentation/netlink/specs/brkscope.yaml
hand=$top/module/uapi/brkscope.h
gen=$build/ynl/brkscope.h

die() { echo "ynl.sh: $*" >&2; exit 1; }

# extract: the tree, unless it is there from this very tarball.
extract() {
	local want tmp
	[ -r "$tarball" ] || die "$tarball missing: install linux-source-6.12 (sudo make setup)"
	want="$(stat -c '%n %s %Y' "$tarball")"
	# Read-only (in a test guest) is fine once extracted.
	[ "$(cat "$tree/.extracted" 2>/dev/null)" != "$want" ] || return 0
	mkdir -p "$build/ynl"
	exec 8>"$build/ynl/.lock"
	flock 8
	if [ "$(cat "$tree/.extracted" 2>/dev/null)" != "$want" ]; then
		tmp=$build/ynl/kernel.tmp
		rm -rf "$tmp" && mkdir -p "$tmp"
		tar -xJf "$tarball" -C "$tmp" --strip-components=1 --wildcards \
			'linux-source-6.12/tools/net/ynl/*' \
			'linux-source-6.12/Documentation/netlink/*' \
			linux-source-6.12/MAINTAINERS
		echo "$want" >"$tmp/.extracted"
		rm -rf "$tree" && mv "$tmp" "$tree"
	fi
	exec 8>&-
}

# schema: the schema of the spec's protocol level.
schema() {
	local proto
	proto=$(sed -n 's/^protocol:[[:space:]]*\([a-z-]*\).*/\1/p' "$spec")
	echo "$tree/Documentation/netlink/${proto:-genetlink}.yaml"
}

case ${1:-} in
tree)
	extract
	echo "$tree"
	;;
validate)
	extract
	"$py" - "$spec" "$(schema)" <<'EOF'
import sys, yaml, jsonschema
spec, schema = sys.argv[1], sys.argv[2]
with open(spec) as f:
    y = yaml.safe_load(f)
with open(schema) as f:
    s = yaml.safe_load(f)
errors = sorted(jsonschema.Draft7Validator(s).iter_errors(y), key=lambda e: list(e.path))
for e in errors:
    print(f"{spec}: {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}")
if errors:
    sys.exit(1)
print(f"{spec}: valid against {schema}")
EOF
	;;
compare)
	extract
	# The generator finds the schema next to the spec's directory, and
	# the tree's root above it: it reads a copy of the spec in the tree.
	cp "$spec" "$tree/Documentation/netlink/specs/brkscope.yaml"
	timeout 120 "$py" "$tree/tools/net/ynl/ynl-gen-c.py" --mode uapi --header \
		--spec "$tree/Documentation/netlink/specs/brkscope.yaml" -o "$gen"
	cd "$top"
	"$py" scripts/uapi-compare.py "${gen#"$top"/}" "${hand#"$top"/}" "${spec#"$top"/}"
	;;
cli)
	shift
	extract
	exec "$py" "$tree/tools/net/ynl/cli.py" --spec "$spec" --schema "$(schema)" "$@"
	;;
*)
	echo "usage: $0 tree | validate | compare | cli ARG..." >&2
	exit 2
	;;
esac
