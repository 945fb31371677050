# SPDX-License-Identifier: GPL-2.0
#
# brkscope: `make` builds module/brkscope.ko for this machine's kernel and
# the brkscope client (build/userspace/brkscope);
# `make demo` and `make check` set everything up (`make setup`: apt-get
# installs what is missing) and run it in test VMs; `make check-debug` runs
# the guest tests on a KASAN/lockdep/kmemleak kernel; `make lint` runs the
# build checks that need no VM (W=1, sparse, checkpatch, dkms, -Werror);
# `make bench` measures what brkscope costs (Documentation/benchmarks.md);
# `make deb` builds the Debian packages into build/deb
# (Documentation/packaging.rst).

# The running kernel's headers if there are any, else the newest Debian
# headers installed (a build host often runs another kernel than it targets).
KVER ?= $(shell v=$$(uname -r); [ -d /lib/modules/$$v/build ] && echo $$v || \
	ls -d /lib/modules/*/build 2>/dev/null | grep -v -e -rt- -e -cloud- | \
	sed 's|/lib/modules/||; s|/build||' | sort -V | tail -n 1)
KDIR ?= /lib/modules/$(KVER)/build

.PHONY: all module userspace selftests clean install dkms-install check \
	check-debug demo setup style sparse lint bench deb

all: module userspace

module:
	@test -d "$(KDIR)" || { echo "no kernel headers at '$(KDIR)': run 'sudo make setup' or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

userspace:
	$(MAKE) -C userspace

selftests:
	$(MAKE) -C selftests

setup:
	bash scripts/setup.sh

install: module userspace
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(KVER)
	$(MAKE) -C userspace install

dkms-install:
	bash scripts/dkms.sh install

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules

style:
	bash scripts/checkpatch.sh

# Each of these first installs what is missing (one dpkg query when
# nothing is).
lint: setup
	bash scripts/lint.sh

check: setup
	bash scripts/check.sh

check-debug: setup
	bash scripts/check.sh debug

demo: setup
	bash scripts/demo.sh

# brkscope-dkms and brkscope .debs, built from a copy of this tree, and
# lintian; everything under build/deb.
deb: setup
	bash scripts/deb.sh

# ROUNDS=N: rounds per figure (default 5, the median is taken).
bench:
	bash bench/run.sh $(ROUNDS)

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf build
