/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink test programs' fixture, "netlink": state in struct
 * nl_fixture (lib/nltest.h), set up and torn down by the library.  Include
 * once, in the program, after kselftest_harness.h and lib/nltest.h.
 */
#ifndef BRKTEST_NLFIXTURE_H
#define BRKTEST_NLFIXTURE_H

FIXTURE(netlink) {
	struct nl_fixture nl;
};

FIXTURE_SETUP(netlink)
{
	nl_fixture_setup(&self->nl);
}

FIXTURE_TEARDOWN(netlink)
{
	nl_fixture_teardown(&self->nl);
}

#endif /* BRKTEST_NLFIXTURE_H */
