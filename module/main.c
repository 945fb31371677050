// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope: where each process's heap starts, where its break is now, and
 * how it got there, from probes on do_brk_flags() and brk(2).
 */

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "brkscope.h"

static unsigned int max_records = 8192;
module_param(max_records, uint, 0444);
MODULE_PARM_DESC(max_records,
		 "Processes tracked at once; events of others are dropped and counted (default 8192)");

static unsigned int event_ring = 16384;
module_param(event_ring, uint, 0444);
MODULE_PARM_DESC(event_ring,
		 "Events queued for subscribers at most, a power of two; more are dropped and counted (default 16384)");

static int __init brkscope_init(void)
{
	int ret;

	if (max_records < 1 || max_records > (1U << 22)) {
		pr_err("max_records=%u is out of range 1..%u\n",
		       max_records, 1U << 22);
		return -EINVAL;
	}
	if (event_ring < 64 || event_ring > (1U << 20) || !is_power_of_2(event_ring)) {
		pr_err("event_ring=%u is not a power of two in 64..%u\n",
		       event_ring, 1U << 20);
		return -EINVAL;
	}
	/*
	 * Each part is set up after those it uses (events send through the
	 * family), probes last: everything they feed must exist when they
	 * fire.  Teardown, here on error and in brkscope_exit(), is the exact
	 * mirror, so the event work is stopped before the family goes.
	 */
	ret = brkscope_records_init(max_records);
	if (ret)
		return ret;
	ret = brkscope_netlink_init();
	if (ret)
		goto out_records;
	ret = brkscope_events_init(event_ring);
	if (ret)
		goto out_netlink;
	brkscope_debugfs_init();
	ret = brkscope_probes_init();
	if (ret)
		goto out_debugfs;
	return 0;

out_debugfs:
	brkscope_debugfs_exit();
	brkscope_events_exit();
out_netlink:
	brkscope_netlink_exit();
out_records:
	brkscope_records_exit();
	return ret;
}

/* The mirror of brkscope_init(): nothing new comes in once probes are gone. */
static void __exit brkscope_exit(void)
{
	brkscope_probes_exit();
	brkscope_debugfs_exit();
	brkscope_events_exit();
	brkscope_netlink_exit();
	brkscope_records_exit();
}

module_init(brkscope_init);
module_exit(brkscope_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The brkscope developers");
MODULE_DESCRIPTION("Per-process heap (brk) growth observed through kprobes");
MODULE_VERSION(BRKSCOPE_VERSION);
