// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/brkscope/: processes, stats and pid, text for cat.
 *
 * Addresses are read live from the mm at read time (view.c), never copied
 * into a record, so a sub-page move of brk, which no probe on do_brk_flags
 * sees, shows exactly.  The files are root-only, so the /proc access rule is
 * not applied here.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/threads.h>
#include <linux/uaccess.h>

#include "brkscope.h"

static struct dentry *dir;

/* The pid last written by anyone: what a later `cat pid` answers for. */
static DEFINE_MUTEX(query_lock);
static struct pid *query_pid;

static void put_view_header(struct seq_file *m)
{
	seq_printf(m, "%-8s %-16s %-18s %-18s %-18s %-12s %-6s %-12s %-13s %-8s %-13s %-18s %s\n",
		   "pid", "comm", "start_brk", "brk", "heap_end", "heap_bytes",
		   "grows", "grown_bytes", "failed_grows", "shrinks",
		   "shrunk_bytes", "peak_brk", "cgroup");
}

static void put_view_row(struct seq_file *m, const struct brkscope_view *v)
{
	seq_printf(m, "%-8d ", v->pid);
	/* comm is the one free-form field: escape blanks to keep columns. */
	seq_escape(m, v->comm, " \t\n\\");
	seq_printf(m, "%*s 0x%-16lx 0x%-16lx 0x%-16lx %-12lu %-6llu %-12llu %-13llu %-8llu %-13llu 0x%-16lx %llu\n",
		   (int)(16 - min_t(size_t, strlen(v->comm), 16)), "",
		   v->start_brk, v->brk, v->heap_end, v->heap_bytes,
		   v->c.grows, v->c.grown_bytes, v->c.failed_grows,
		   v->c.shrinks, v->c.shrunk_bytes, v->peak_brk, v->cgroup_id);
}

static int cmp_view_pid(const void *a, const void *b)
{
	const struct brkscope_view *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* debugfs is root's: no access rule, pids in the reader's namespace. */
static void debugfs_reader(struct brkscope_reader *rd)
{
	rd->opener = NULL;
	rd->ns = task_active_pid_ns(current);
	rd->check = false;
}

static int processes_show(struct seq_file *m, void *unused)
{
	size_t cap = brkscope_records_in_use() + 64, n, i, shown = 0;
	struct brkscope_reader rd;
	struct brkscope_row *rows;
	struct brkscope_view *views;
	int ret = 0;

	cap = min_t(size_t, cap, brkscope_records_limit());
	rows = kvmalloc_array(cap, sizeof(*rows), GFP_KERNEL);
	views = kvmalloc_array(cap, sizeof(*views), GFP_KERNEL);
	if (!rows || !views) {
		ret = -ENOMEM;
		goto out;
	}
	debugfs_reader(&rd);
	n = brkscope_records_snapshot(rows, cap);
	for (i = 0; i < n; i++) {
		struct task_struct *task = brkscope_task_of_record(rows[i].tgid);

		cond_resched();
		if (!task)
			continue;
		if (!brkscope_view_task(task, &rd, &rows[i], &views[shown]))
			shown++;
		put_task_struct(task);
	}
	sort(views, shown, sizeof(*views), cmp_view_pid, NULL);
	put_view_header(m);
	for (i = 0; i < shown; i++)
		put_view_row(m, &views[i]);
out:
	kvfree(views);
	kvfree(rows);
	return ret;
}

/*
 * A row is at most some 230 bytes (a comm of 16 escaped bytes is 64).  A
 * buffer sized for every record at once spares seq_file's retries, each of
 * which would redo the whole walk with twice the buffer (ten of them for
 * 10,000 processes).  Processes that appear meanwhile may still need one.
 */
#define PROCESSES_ROW_BYTES 256

static int processes_open(struct inode *inode, struct file *file)
{
	size_t size = (brkscope_records_in_use() + 64) * PROCESSES_ROW_BYTES;

	return single_open_size(file, processes_show, inode->i_private, size);
}

static const struct file_operations processes_fops = {
	.owner		= THIS_MODULE,
	.open		= processes_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int stats_show(struct seq_file *m, void *unused)
{
	struct brkscope_stat st[BRKSCOPE_NR_STATS];
	int i;

	brkscope_stats_read(st);
	for (i = 0; i < BRKSCOPE_NR_STATS; i++)
		seq_printf(m, "%-20s %llu\n", st[i].name, st[i].value);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/*
 * The pid file.  Each open file remembers the pid written through it, so a
 * process that writes and reads one descriptor gets its own answer even
 * while others use the file; a plain `cat` gets the pid last written by
 * anyone (`echo PID > pid; cat pid`).
 */
struct pid_file {
	struct pid *pid;
};

static int pid_show(struct seq_file *m, void *unused)
{
	struct pid_file *pf = m->private;
	struct task_struct *task;
	struct brkscope_view v = {};
	struct brkscope_reader rd;
	struct pid *pid;
	int ret;

	mutex_lock(&query_lock);
	pid = get_pid(pf->pid ? pf->pid : query_pid);
	mutex_unlock(&query_lock);
	if (!pid)
		return -ENODATA;	/* nothing written yet */

	ret = -ESRCH;
	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task)
		goto out;
	debugfs_reader(&rd);
	ret = brkscope_view_task(task, &rd, NULL, &v);
	put_task_struct(task);
	if (ret)
		goto out;

	seq_printf(m, "%-13s %d\n", "pid", v.pid);
	seq_printf(m, "%-13s ", "comm");
	seq_escape(m, v.comm, " \t\n\\");
	seq_printf(m, "\n%-13s 0x%lx\n", "start_brk", v.start_brk);
	seq_printf(m, "%-13s 0x%lx\n", "brk", v.brk);
	seq_printf(m, "%-13s 0x%lx\n", "heap_end", v.heap_end);
	seq_printf(m, "%-13s %lu\n", "heap_bytes", v.heap_bytes);
	seq_printf(m, "%-13s %llu\n", "grows", v.c.grows);
	seq_printf(m, "%-13s %llu\n", "grown_bytes", v.c.grown_bytes);
	seq_printf(m, "%-13s %llu\n", "failed_grows", v.c.failed_grows);
	seq_printf(m, "%-13s %llu\n", "shrinks", v.c.shrinks);
	seq_printf(m, "%-13s %llu\n", "shrunk_bytes", v.c.shrunk_bytes);
	seq_printf(m, "%-13s 0x%lx\n", "peak_brk", v.peak_brk);
	if (v.c.last_change_ns)
		seq_printf(m, "%-13s %llu.%09llu\n", "last_change",
			   v.c.last_change_ns / NSEC_PER_SEC,
			   v.c.last_change_ns % NSEC_PER_SEC);
	else
		seq_printf(m, "%-13s never\n", "last_change");
	seq_printf(m, "%-13s %s\n", "tracked", v.tracked ? "yes" : "no");
	seq_printf(m, "%-13s %llu\n", "cgroup", v.cgroup_id);
out:
	put_pid(pid);
	return ret;
}

static int pid_open(struct inode *inode, struct file *file)
{
	struct pid_file *pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	int ret;

	if (!pf)
		return -ENOMEM;
	ret = single_open(file, pid_show, pf);
	if (ret)
		kfree(pf);
	return ret;
}

static int pid_release(struct inode *inode, struct file *file)
{
	struct pid_file *pf = ((struct seq_file *)file->private_data)->private;

	put_pid(pf->pid);
	kfree(pf);
	return single_release(inode, file);
}

/*
 * Parse one decimal pid, as a whole write: "1234" or "1234\n" and nothing
 * else.  kstrtoint() accepts exactly one trailing newline; the length checks
 * catch what it cannot see (an embedded NUL, text past our buffer).
 */
static int parse_pid(const char __user *ubuf, size_t count, int *nr)
{
	char buf[32];

	if (count == 0 || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (strlen(buf) != count || kstrtoint(buf, 10, nr))
		return -EINVAL;
	if (*nr <= 0 || *nr > PID_MAX_LIMIT)
		return -EINVAL;
	return 0;
}

static ssize_t pid_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	struct pid_file *pf = ((struct seq_file *)file->private_data)->private;
	struct task_struct *task;
	struct mm_struct *mm = NULL;
	struct pid *pid;
	int nr, ret;

	ret = parse_pid(ubuf, count, &nr);
	if (ret)
		return ret;
	pid = find_get_pid(nr);		/* in the writer's pid namespace */
	task = get_pid_task(pid, PIDTYPE_PID);
	if (task) {
		mm = brkscope_process_mm(task);
		put_task_struct(task);
	}
	if (!mm) {			/* gone, or a kernel thread: no heap */
		put_pid(pid);
		return -ESRCH;
	}
	mmput(mm);

	mutex_lock(&query_lock);
	put_pid(pf->pid);
	pf->pid = get_pid(pid);
	put_pid(query_pid);
	query_pid = pid;
	mutex_unlock(&query_lock);
	return count;
}

static const struct file_operations pid_fops = {
	.owner		= THIS_MODULE,
	.open		= pid_open,
	.read		= seq_read,
	.write		= pid_write,
	.llseek		= seq_lseek,
	.release	= pid_release,
};

void brkscope_debugfs_init(void)
{
	/* debugfs failures are not fatal and its API says not to check. */
	dir = debugfs_create_dir("brkscope", NULL);
	debugfs_create_file("processes", 0400, dir, NULL, &processes_fops);
	debugfs_create_file("stats", 0400, dir, NULL, &stats_fops);
	debugfs_create_file("pid", 0600, dir, NULL, &pid_fops);
}

/* Waits for readers inside our file operations before returning. */
void brkscope_debugfs_exit(void)
{
	debugfs_remove_recursive(dir);
	mutex_lock(&query_lock);
	put_pid(query_pid);
	query_pid = NULL;
	mutex_unlock(&query_lock);
}
