// SPDX-License-Identifier: GPL-2.0
/*
 * brkfloor: empty probes at brkscope's probe points, for the benchmarks.
 *
 * The probes are of the kinds brkscope uses, on the same symbols, and only
 * count their hits, so what they cost is the floor any design with those
 * probes can reach: the difference between brkscope and this module is
 * brkscope's own work.
 *
 * Default (entry_only=0), as brkscope with nobody subscribed to events on
 * kernels before 6.6:
 *	do_brk_flags, exit_mmap		kprobes
 *	__x64_sys_brk, __ia32_sys_brk	kretprobes whose entry handler counts
 *					and declines every call
 * entry_only=1: kprobes on all four, as brkscope from 6.6 (its return probe
 * is there only while somebody subscribes), and the cheapest design that
 * still sees every call.
 *
 * The hit counts are printed when the module is unloaded: the benchmark
 * checks there that the probes really fired.
 */

#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>

static bool entry_only;
module_param(entry_only, bool, 0444);
MODULE_PARM_DESC(entry_only,
		 "Entry-only kprobes alone (default: also brkscope's declining kretprobes on brk(2))");

/* Per-CPU, as brkscope's own hit counters: no shared cache line to bounce. */
struct floor_hits {
	u64 entry;
	u64 ret;
};

static DEFINE_PER_CPU(struct floor_hits, hits);

static int count_pre(struct kprobe *p, struct pt_regs *regs)
{
	this_cpu_inc(hits.entry);
	return 0;
}

/* brkscope's brk(2) probes with nobody subscribed: no instance is kept. */
static int decline(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	this_cpu_inc(hits.entry);
	return 1;
}

static int count_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	this_cpu_inc(hits.ret);
	return 0;
}

static struct kretprobe rp_sys = {
	.kp.symbol_name	= "__x64_sys_brk",
	.entry_handler	= decline,
	.handler	= count_return,
};

#ifdef CONFIG_IA32_EMULATION
static struct kretprobe rp_sys_ia32 = {
	.kp.symbol_name	= "__ia32_sys_brk",
	.entry_handler	= decline,
	.handler	= count_return,
};
#endif

static struct kretprobe *kretprobes[] = {
	&rp_sys,
#ifdef CONFIG_IA32_EMULATION
	&rp_sys_ia32,
#endif
};

static struct kprobe kp_exit = { .symbol_name = "exit_mmap", .pre_handler = count_pre };
static struct kprobe kp_grow = { .symbol_name = "do_brk_flags", .pre_handler = count_pre };
static struct kprobe kp_sys = { .symbol_name = "__x64_sys_brk", .pre_handler = count_pre };
#ifdef CONFIG_IA32_EMULATION
static struct kprobe kp_sys_ia32 = { .symbol_name = "__ia32_sys_brk", .pre_handler = count_pre };
#endif

static struct kprobe *kprobes[] = {
	&kp_exit,
	&kp_grow,
	&kp_sys,
#ifdef CONFIG_IA32_EMULATION
	&kp_sys_ia32,
#endif
};

static int nr_kprobes(void)
{
	return entry_only ? ARRAY_SIZE(kprobes) : 2;
}

static int __init brkfloor_init(void)
{
	int i, ret;

	/* kprobes[] starts with the two that both designs have. */
	ret = register_kprobes(kprobes, nr_kprobes());
	if (ret || entry_only)
		return ret;
	for (i = 0; i < ARRAY_SIZE(kretprobes); i++)
		kretprobes[i]->maxactive = 256;	/* brkscope's default */
	ret = register_kretprobes(kretprobes, ARRAY_SIZE(kretprobes));
	if (ret)
		unregister_kprobes(kprobes, nr_kprobes());
	return ret;
}

static void __exit brkfloor_exit(void)
{
	u64 entry = 0, ret = 0;
	int cpu;

	if (!entry_only)
		unregister_kretprobes(kretprobes, ARRAY_SIZE(kretprobes));
	unregister_kprobes(kprobes, nr_kprobes());
	for_each_possible_cpu(cpu) {
		entry += per_cpu(hits.entry, cpu);
		ret += per_cpu(hits.ret, cpu);
	}
	pr_info("entry_only=%d entry_hits=%llu return_hits=%llu\n",
		entry_only, entry, ret);
}

module_init(brkfloor_init);
module_exit(brkfloor_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Empty probes at brkscope's probe points (benchmark floor)");
