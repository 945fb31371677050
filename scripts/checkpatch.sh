#!/bin/bash
# Run the kernel's checkpatch.pl (taken from Debian's linux-source-6.1, never
# committed) over the module's sources.  Exits non-zero on any ERROR;
# warnings are printed for a human to judge.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tools=$build/tools
cp=$tools/scripts/checkpatch.pl
if [ ! -f "$cp" ]; then
	mkdir -p "$tools"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tools" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi
cd "$top"
files=$(ls module/*.[ch] module/uapi/*.h module/Kbuild 2>/dev/null | grep -v "\.mod\.c$") || true
# shellcheck disable=SC2086
out=$(perl "$cp" --no-tree --strict --terse --show-types -f $files || true)
printf '%s\n' "$out" | grep -E 'ERROR|WARNING|CHECK' || true
! printf '%s\n' "$out" | grep -q ': ERROR:'
