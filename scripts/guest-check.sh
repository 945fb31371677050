#!/bin/sh
# Runs inside the test VM (scripts/vm-run.sh): load the module, run the
# selftests, unload.  Prints TAP lines; check.sh numbers them.
# usage: guest-check.sh MODULE.ko SELFTEST-DIR
ko=$1
tests=$2

if insmod "$ko"; then
	echo "ok - insmod $(basename "$ko")"
else
	echo "not ok - insmod $(basename "$ko")"
	exit 1
fi
if BRKSCOPE_KO=$ko "$tests/brkscope_test"; then
	echo "ok - brkscope_test exits 0"
else
	echo "not ok - brkscope_test exits 0 (it said $?)"
fi
if rmmod brkscope; then
	echo "ok - rmmod brkscope"
else
	echo "not ok - rmmod brkscope"
fi
