#!/bin/bash
# Install what building and testing brkscope needs, on Debian 12, as root.
# Idempotent: packages already present are left alone, so a second run costs
# one dpkg query.  The 6.12 kernel has no meta-package on bookworm: the
# newest linux-image-6.12.*+deb12-amd64 the archive offers is chosen here.
set -euo pipefail

# prometheus-node-exporter: export_test's guests run it from the host's
# root (on a host that runs systemd, the package also starts its own
# service, on port 9100).
want=(gcc make libc6-dev bc flex bison kmod cpio xz-utils gzip
      busybox-static qemu-system-x86 util-linux strace sparse dkms
      libmnl-dev pkg-config linux-image-amd64 linux-headers-amd64
      linux-source-6.1 python3 libelf-dev
      linux-source-6.12 python3-yaml python3-jsonschema
      debhelper dh-dkms dpkg-dev lintian bash-completion
      libncurses-dev tmux prometheus-node-exporter)

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

# newest_612 [-rt]: the newest 6.12 release the archive has, or of its
# PREEMPT_RT flavour.
newest_612() {
	apt-cache search --names-only "^linux-image-6\\.12\\.[0-9]+\\+deb12${1:-}-amd64\$" |
		awk '{print $1}' | sed 's/^linux-image-//' | sort -V | tail -n 1
}

# Say what is wrong before apt-get does, in words a newcomer can act on.
if [ "$(id -u)" -ne 0 ]; then
	todo=$(missing "${want[@]}")
	if [ -n "$todo" ]; then
		echo "setup: missing packages: $todo" >&2
		echo "setup: run as root (sudo make ...) so they can be installed" >&2
		exit 1
	fi
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/brkscope-update-stamp
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ]; then
	apt-get update -qq
	mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi

v612=$( (ls -d /lib/modules/6.12.*+deb12-amd64 2>/dev/null || true) | sort -V | tail -n 1 | xargs -r basename)
[ -n "$v612" ] || v612=$(newest_612)
if [ -z "$v612" ]; then
	echo "setup: no linux-image-6.12.*+deb12-amd64 in the apt sources" >&2
	exit 1
fi
want+=("linux-image-$v612" "linux-headers-$v612")

# The PREEMPT_RT build of the same release where the archive has it (its
# headers then share linux-headers-*-common with the one above).
rt=${v612%-amd64}-rt-amd64
if ! apt-cache show "linux-image-$rt" >/dev/null 2>&1; then
	rt=$( (ls -d /lib/modules/6.12.*+deb12-rt-amd64 2>/dev/null || true) | sort -V | tail -n 1 | xargs -r basename)
	[ -n "$rt" ] || rt=$(newest_612 -rt)
fi
if [ -z "$rt" ]; then
	echo "setup: no linux-image-6.12.*+deb12-rt-amd64 in the apt sources" >&2
	exit 1
fi
want+=("linux-image-$rt" "linux-headers-$rt")

# The kernels Debian's cloud images boot: linux-image-cloud-amd64 (6.1),
# and the cloud build of the 6.12 release above (what
# linux-image-6.12-cloud-amd64 points at; its headers, too, share
# linux-headers-*-common with that release).  They have no 9p:
# vm-run.sh boots them with a self-contained initramfs.
want+=(linux-image-cloud-amd64 linux-headers-cloud-amd64)
cloud=${v612%-amd64}-cloud-amd64
if ! apt-cache show "linux-image-$cloud" >/dev/null 2>&1; then
	cloud=$( (ls -d /lib/modules/6.12.*+deb12-cloud-amd64 2>/dev/null || true) | sort -V | tail -n 1 | xargs -r basename)
	[ -n "$cloud" ] || cloud=$(newest_612 -cloud)
fi
if [ -z "$cloud" ]; then
	echo "setup: no linux-image-6.12.*+deb12-cloud-amd64 in the apt sources" >&2
	exit 1
fi
want+=("linux-image-$cloud" "linux-headers-$cloud")

todo=$(missing "${want[@]}")
if [ -n "$todo" ]; then
	echo "setup: installing: $todo"
	# On a shared host another run may hold dpkg's lock (deb-test.sh's
	# installs, or another setup): wait for it rather than fail.
	# shellcheck disable=SC2086
	apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $todo >/dev/null
fi
