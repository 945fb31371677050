/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kselftest_harness.h for the library's objects, whose functions assert
 * with the harness (ASSERT_*, EXPECT_*, TH_LOG on the caller's _metadata).
 *
 * The 6.1 harness defines four symbols without "static": each test
 * program has them, so the library's copies get names of their own, and
 * are weak, as more than one library object includes this.  The library
 * never runs tests: they are unused here.
 */
#ifndef BRKTEST_HARNESS_H
#define BRKTEST_HARNESS_H

#define __active_test	brktest_lib_active_test
#define __wait_for_test	brktest_lib_wait_for_test
#define __run_test	brktest_lib_run_test
#define _fixture_global	brktest_lib_fixture_global
#include "kselftest_harness.h"
#pragma weak brktest_lib_active_test
#pragma weak brktest_lib_wait_for_test
#pragma weak brktest_lib_run_test
#pragma weak brktest_lib_fixture_global
#undef __active_test
#undef __wait_for_test
#undef __run_test
#undef _fixture_global

#endif /* BRKTEST_HARNESS_H */
