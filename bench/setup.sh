#!/bin/bash
# What make bench needs beyond scripts/setup.sh: bpftrace (one of the
# configurations compared), strace (another), gnuplot (the plot), bc (the
# guest's arithmetic).  Installed with apt-get when missing, as setup.sh does.
set -euo pipefail
want=(bpftrace strace gnuplot-nox bc procps python3)
todo=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || todo+=("$p")
done
[ ${#todo[@]} -gt 0 ] || exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: missing packages: ${todo[*]}; run as root so they can be installed" >&2
	exit 1
fi
echo "bench: installing ${todo[*]}"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${todo[@]}" >/dev/null
