// SPDX-License-Identifier: GPL-2.0
/*
 * brkfloor: empty probes at brkscope's probe points, for the benchmarks.
 *
 * The probes are of the kinds brkscope uses, on the same symbols, and only
 * count their hits, so what they cost is the floor any design with those
 * probes can reach: the difference between brkscope and this module is
 * brkscope's own work.
 *
 * brk=kretprobe (default), brkscope's kinds before it hooked brk(2) with
 * ftrace callbacks:
 *	do_brk_flags, exit_mmap		kprobes
 *	__x64_sys_brk, __ia32_sys_brk	kretprobes whose entry handler counts
 *					and declines every call
 * brk=kprobe: kprobes on all four.
 * brk=ftrace: brkscope's kinds with nobody subscribed: a kprobe on
 * exit_mmap, and ftrace callbacks that need no recursion guard of
 * ftrace's on do_brk_flags and the two brk(2) wrappers (the return probe is
 * there only while somebody subscribes).
 *
 * The hit counts are printed when the module is unloaded: the benchmark
 * checks there that the probes really fired.
 */

#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/string.h>

static char *brk = "kretprobe";
module_param(brk, charp, 0444);
MODULE_PARM_DESC(brk, "What probes brk(2): kretprobe (default), kprobe or ftrace");

enum brk_kind { BRK_KRETPROBE, BRK_KPROBE, BRK_FTRACE };
static enum brk_kind kind;

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

static void count_call(unsigned long ip, unsigned long parent_ip,
		       struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	this_cpu_inc(hits.entry);
}

/* Two, as brkscope has: do_brk_flags() and brk(2) have different work. */
static struct ftrace_ops grow_ops = { .func = count_call };
static struct ftrace_ops count_ops = { .func = count_call };

static const char *const grow_syms[] = { "do_brk_flags" };
static const char *const call_syms[] = {
	"__x64_sys_brk",
#ifdef CONFIG_IA32_EMULATION
	"__ia32_sys_brk",
#endif
};

static int hook(struct ftrace_ops *ops, const char *const *syms, int n)
{
	int i, ret = 0;

	for (i = 0; i < n && !ret; i++)
		ret = ftrace_set_filter(ops, (unsigned char *)syms[i], strlen(syms[i]), !i);
	if (!ret)
		ret = register_ftrace_function(ops);
	if (ret)
		ftrace_free_filter(ops);
	return ret;
}

static void unhook(struct ftrace_ops *ops)
{
	unregister_ftrace_function(ops);
	ftrace_free_filter(ops);
}

static int hook_all(void)
{
	int ret = hook(&grow_ops, grow_syms, ARRAY_SIZE(grow_syms));

	if (ret)
		return ret;
	ret = hook(&count_ops, call_syms, ARRAY_SIZE(call_syms));
	if (ret)
		unhook(&grow_ops);
	return ret;
}

/* kprobes[] starts with exit_mmap's, which every kind has, then do_brk_flags'. */
static int nr_kprobes(void)
{
	switch (kind) {
	case BRK_KPROBE:
		return ARRAY_SIZE(kprobes);
	case BRK_KRETPROBE:
		return 2;
	case BRK_FTRACE:
		break;
	}
	return 1;
}

static int __init brkfloor_init(void)
{
	int i, ret;

	if (!strcmp(brk, "kretprobe"))
		kind = BRK_KRETPROBE;
	else if (!strcmp(brk, "kprobe"))
		kind = BRK_KPROBE;
	else if (!strcmp(brk, "ftrace"))
		kind = BRK_FTRACE;
	else
		return -EINVAL;
	ret = register_kprobes(kprobes, nr_kprobes());
	if (ret || kind == BRK_KPROBE)
		return ret;
	if (kind == BRK_FTRACE) {
		ret = hook_all();
	} else {
		for (i = 0; i < ARRAY_SIZE(kretprobes); i++)
			kretprobes[i]->maxactive = 256;	/* brkscope's default */
		ret = register_kretprobes(kretprobes, ARRAY_SIZE(kretprobes));
	}
	if (ret)
		unregister_kprobes(kprobes, nr_kprobes());
	return ret;
}

static void __exit brkfloor_exit(void)
{
	u64 entry = 0, ret = 0;
	int cpu;

	if (kind == BRK_FTRACE) {
		unhook(&count_ops);
		unhook(&grow_ops);
	} else if (kind == BRK_KRETPROBE) {
		unregister_kretprobes(kretprobes, ARRAY_SIZE(kretprobes));
	}
	unregister_kprobes(kprobes, nr_kprobes());
	for_each_possible_cpu(cpu) {
		entry += per_cpu(hits.entry, cpu);
		ret += per_cpu(hits.ret, cpu);
	}
	pr_info("brk=%s entry_hits=%llu return_hits=%llu\n", brk, entry, ret);
}

module_init(brkfloor_init);
module_exit(brkfloor_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Empty probes at brkscope's probe points (benchmark floor)");
