// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope export [-o FILE|-] [--top N]
 *
 * The heap figures summed per (cgroup, comm) pair and the module's own
 * figures, in Prometheus's text format, for node_exporter's textfile
 * collector.  The file is replaced atomically: node_exporter reads it at
 * any moment, and must see the old figures or the new ones, never part.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroups.h"
#include "groups.h"
#include "internal.h"
#include "output.h"
#include "procs.h"
#include "prom.h"
#include "stats.h"

/* Debian's prometheus-node-exporter reads its textfiles here. */
#define EXPORT_DEFAULT_PATH "/var/lib/prometheus/node-exporter/brkscope.prom"

/* The figures a series has: a group's, or one process's (--top). */
enum fig {
	FIG_PROCS,
	FIG_HEAP,
	FIG_GROWS,
	FIG_GROWN,
	FIG_SHRINKS,
	FIG_SHRUNK,
	FIG_FAILED,
	FIGS
};

/**
 * struct heap_metric - how one figure is exported
 * @group: the name of the per-(cgroup, comm) family
 * @proc: the name of the per-process family (--top), NULL for none
 * @type: gauge or counter
 * @group_help: @group's HELP text
 * @proc_help: @proc's HELP text
 */
struct heap_metric {
	const char *group;
	const char *proc;
	enum prom_type type;
	const char *group_help;
	const char *proc_help;
};

static const struct heap_metric heap_metrics[FIGS] = {
	[FIG_PROCS] = {
		"brkscope_processes", NULL, PROM_GAUGE,
		"Processes of this cgroup and command name.", NULL,
	},
	[FIG_HEAP] = {
		"brkscope_heap_bytes", "brkscope_process_heap_bytes", PROM_GAUGE,
		"Heap size (brk - start_brk) of this cgroup's processes of this command name, summed.",
		"Heap size (brk - start_brk) of the process.",
	},
	[FIG_GROWS] = {
		"brkscope_heap_grows_total", "brkscope_process_heap_grows_total",
		PROM_COUNTER,
		"Heap growths the kernel mapped for these processes, summed; drops when one exits.",
		"Heap growths the kernel mapped for the process.",
	},
	[FIG_GROWN] = {
		"brkscope_heap_grown_bytes_total",
		"brkscope_process_heap_grown_bytes_total", PROM_COUNTER,
		"Page-aligned bytes these processes' heap growths mapped, summed; drops when one exits.",
		"Page-aligned bytes the process's heap growths mapped.",
	},
	[FIG_SHRINKS] = {
		"brkscope_heap_shrinks_total", "brkscope_process_heap_shrinks_total",
		PROM_COUNTER,
		"Heap shrinks of these processes, summed; drops when one exits.",
		"Heap shrinks of the process.",
	},
	[FIG_SHRUNK] = {
		"brkscope_heap_shrunk_bytes_total",
		"brkscope_process_heap_shrunk_bytes_total", PROM_COUNTER,
		"Page-aligned bytes these processes' heap shrinks unmapped, summed; drops when one exits.",
		"Page-aligned bytes the process's heap shrinks unmapped.",
	},
	[FIG_FAILED] = {
		"brkscope_heap_failed_grows_total",
		"brkscope_process_heap_failed_grows_total", PROM_COUNTER,
		"Heap growths that failed for these processes, summed; drops when one exits.",
		"Heap growths that failed for the process.",
	},
};

/**
 * struct stat_metric - how one of the module's figures is exported
 * @attr: its BRKSCOPE_STATS_A_*
 * @name: the family; entries of one family are next to each other
 * @type: gauge or counter
 * @help: the family's HELP text, on its first entry only
 * @label: the label telling the family's samples apart, or NULL
 * @value: its value in this sample
 *
 * probe_hits and probe_missed are not exported: they are the sums of the
 * per-probe samples, which sum() gives.
 */
struct stat_metric {
	int attr;
	const char *name;
	enum prom_type type;
	const char *help;
	const char *label;
	const char *value;
};

static const struct stat_metric stat_metrics[] = {
	{ BRKSCOPE_STATS_A_DO_BRK_FLAGS_HITS, "brkscope_probe_hits_total",
	  PROM_COUNTER, "Hits of the module's probes.", "probe", "do_brk_flags" },
	{ BRKSCOPE_STATS_A_BRK_SYSCALL_HITS, "brkscope_probe_hits_total",
	  PROM_COUNTER, NULL, "probe", "brk_syscall" },
	{ BRKSCOPE_STATS_A_EXIT_MMAP_HITS, "brkscope_probe_hits_total",
	  PROM_COUNTER, NULL, "probe", "exit_mmap" },
	{ BRKSCOPE_STATS_A_DO_BRK_FLAGS_MISSED, "brkscope_probe_missed_total",
	  PROM_COUNTER,
	  "Hits of the module's probes that were not handled (recursion, or no return-probe instance free).",
	  "probe", "do_brk_flags" },
	{ BRKSCOPE_STATS_A_BRK_SYSCALL_MISSED, "brkscope_probe_missed_total",
	  PROM_COUNTER, NULL, "probe", "brk_syscall" },
	{ BRKSCOPE_STATS_A_EXIT_MMAP_MISSED, "brkscope_probe_missed_total",
	  PROM_COUNTER, NULL, "probe", "exit_mmap" },
	{ BRKSCOPE_STATS_A_LOADER_MAPS, "brkscope_loader_maps_total",
	  PROM_COUNTER,
	  "do_brk_flags() calls of the ELF loader (exec's .bss), not counted as heap growth.",
	  NULL, NULL },
	{ BRKSCOPE_STATS_A_RECORDS_IN_USE, "brkscope_records_in_use",
	  PROM_GAUGE,
	  "Processes the module keeps a record of now (stale records included until found).",
	  NULL, NULL },
	{ BRKSCOPE_STATS_A_RECORDS_LIMIT, "brkscope_records_limit",
	  PROM_GAUGE, "Records the module has room for (max_records).",
	  NULL, NULL },
	{ BRKSCOPE_STATS_A_RECORDS_DROPPED, "brkscope_records_dropped_total",
	  PROM_COUNTER, "brk(2) calls not counted because every record was in use.",
	  NULL, NULL },
	{ BRKSCOPE_STATS_A_RECORDS_STALE, "brkscope_records_stale_total",
	  PROM_COUNTER,
	  "Records found left by an address space whose teardown the module did not see.",
	  NULL, NULL },
	{ BRKSCOPE_STATS_A_EVENTS_SENT, "brkscope_events_sent_total",
	  PROM_COUNTER, "Heap events multicast to at least one subscriber.",
	  NULL, NULL },
	{ BRKSCOPE_STATS_A_EVENTS_DROPPED, "brkscope_events_dropped_total",
	  PROM_COUNTER,
	  "Heap events that reached no subscriber (the event ring or every subscriber's socket was full).",
	  NULL, NULL },
	{ BRKSCOPE_STATS_A_RECORD_POOL_BYTES, "brkscope_module_memory_bytes",
	  PROM_GAUGE, "Memory the module allocated at load time, by what it holds.",
	  "area", "record_pool" },
	{ BRKSCOPE_STATS_A_RECORD_TABLE_BYTES, "brkscope_module_memory_bytes",
	  PROM_GAUGE, NULL, "area", "record_table" },
	{ BRKSCOPE_STATS_A_EVENT_RING_BYTES, "brkscope_module_memory_bytes",
	  PROM_GAUGE, NULL, "area", "event_ring" },
};

/**
 * struct series - the label values and figures of one group or process
 * @cgroup: the cgroup label, valid UTF-8 (prom_utf8())
 * @comm: the comm label, likewise
 * @pid: the pid label, "" for a group
 * @v: the figures, by enum fig
 */
struct series {
	char *cgroup;
	char *comm;
	char pid[12];
	uint64_t v[FIGS];
};

struct series_vec {
	struct series *v;
	size_t n;
};

static void series_vec_free(struct series_vec *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++) {
		free(sv->v[i].cgroup);
		free(sv->v[i].comm);
	}
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

/* Room for @n series, which series_add() fills.  Return: 0 or -1 (ENOMEM). */
static int series_alloc(struct series_vec *sv, size_t n)
{
	sv->n = 0;
	sv->v = n ? calloc(n, sizeof(*sv->v)) : NULL;
	return n && !sv->v ? -1 : 0;
}

/*
 * The next series, with @cgroup and @comm as label values (prom_utf8())
 * and figures the caller sets.  Return: 0 or -1 (ENOMEM).
 */
static int series_add(struct series_vec *sv, const char *cgroup,
		      const char *comm)
{
	struct series *s = &sv->v[sv->n];

	s->cgroup = prom_utf8(cgroup);
	s->comm = prom_utf8(comm);
	if (!s->cgroup || !s->comm) {
		free(s->cgroup);
		free(s->comm);
		s->cgroup = s->comm = NULL;
		return -1;
	}
	sv->n++;
	return 0;
}

static int series_cmp(const void *a, const void *b)
{
	const struct series *x = a, *y = b;
	int c = strcmp(x->cgroup, y->cgroup);

	return c ? c : strcmp(x->comm, y->comm);
}

/*
 * One series per group.  Two groups whose labels prom_utf8() made equal
 * are merged, summed as one group of both would be: node_exporter
 * refuses a file with two samples of one name and label set.
 */
static int series_from_groups(const struct group_vec *gv,
			      struct series_vec *sv)
{
	size_t i, j;

	if (series_alloc(sv, gv->n))
		return -1;
	for (i = 0; i < gv->n; i++) {
		const struct group *g = &gv->v[i];
		struct series *s;

		if (series_add(sv, g->cgroup, g->comm))
			return -1;
		s = &sv->v[sv->n - 1];
		s->v[FIG_PROCS] = g->procs;
		s->v[FIG_HEAP] = g->heap_bytes;
		s->v[FIG_GROWS] = g->grows;
		s->v[FIG_GROWN] = g->grown_bytes;
		s->v[FIG_SHRINKS] = g->shrinks;
		s->v[FIG_SHRUNK] = g->shrunk_bytes;
		s->v[FIG_FAILED] = g->failed_grows;
	}
	if (sv->n)
		qsort(sv->v, sv->n, sizeof(*sv->v), series_cmp);
	for (i = j = 0; i < sv->n; i++) {
		int f;

		if (j && !series_cmp(&sv->v[j - 1], &sv->v[i])) {
			for (f = 0; f < FIGS; f++)
				sv->v[j - 1].v[f] += sv->v[i].v[f];
			free(sv->v[i].cgroup);
			free(sv->v[i].comm);
			continue;
		}
		sv->v[j++] = sv->v[i];
	}
	sv->n = j;
	return 0;
}

/* Largest heap first; of equal heaps the lower pid. */
static int proc_heap_cmp(const void *a, const void *b)
{
	const struct proc *x = *(const struct proc *const *)a;
	const struct proc *y = *(const struct proc *const *)b;

	if (x->heap_bytes != y->heap_bytes)
		return x->heap_bytes < y->heap_bytes ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* The @top processes with the largest heaps, largest first. */
static int series_from_top(const struct proc_vec *pv, size_t top,
			   struct cgroup_map *cg, struct series_vec *sv)
{
	const struct proc **by_heap;
	size_t i;
	int ret = -1;

	if (top > pv->n)
		top = pv->n;
	if (series_alloc(sv, top))
		return -1;
	if (!top)
		return 0;
	by_heap = malloc(pv->n * sizeof(*by_heap));
	if (!by_heap)
		return -1;
	for (i = 0; i < pv->n; i++)
		by_heap[i] = &pv->v[i];
	qsort(by_heap, pv->n, sizeof(*by_heap), proc_heap_cmp);
	for (i = 0; i < top; i++) {
		const struct proc *p = by_heap[i];
		struct series *s;

		if (series_add(sv, cgroup_map_name(cg, p->cgroup_id), p->comm))
			goto out;
		s = &sv->v[sv->n - 1];
		snprintf(s->pid, sizeof(s->pid), "%u", p->pid);
		s->v[FIG_PROCS] = 1;
		s->v[FIG_HEAP] = p->heap_bytes;
		s->v[FIG_GROWS] = p->grows;
		s->v[FIG_GROWN] = p->grown_bytes;
		s->v[FIG_SHRINKS] = p->shrinks;
		s->v[FIG_SHRUNK] = p->shrunk_bytes;
		s->v[FIG_FAILED] = p->failed_grows;
	}
	ret = 0;
out:
	free(by_heap);
	return ret;
}

/* Every family of heap figures: per group, then per process (--top). */
static void write_heap(struct prom *p, const struct series_vec *groups,
		       const struct series_vec *top)
{
	struct prom_label l[3];
	size_t i;
	int f;

	l[0].name = "cgroup";
	l[1].name = "comm";
	l[2].name = "pid";
	for (f = 0; f < FIGS; f++) {
		const struct heap_metric *m = &heap_metrics[f];

		if (!groups->n)
			break;
		prom_family(p, m->group, m->type, m->group_help);
		for (i = 0; i < groups->n; i++) {
			l[0].value = groups->v[i].cgroup;
			l[1].value = groups->v[i].comm;
			prom_sample(p, l, 2, groups->v[i].v[f]);
		}
	}
	for (f = 0; f < FIGS; f++) {
		const struct heap_metric *m = &heap_metrics[f];

		if (!top->n || !m->proc)
			continue;
		prom_family(p, m->proc, m->type, m->proc_help);
		for (i = 0; i < top->n; i++) {
			l[0].value = top->v[i].cgroup;
			l[1].value = top->v[i].comm;
			l[2].value = top->v[i].pid;
			prom_sample(p, l, 3, top->v[i].v[f]);
		}
	}
}

/*
 * The module's figures.  A family is written only if the module sent one
 * of its figures: an older module lacks some, and a family without
 * samples says nothing.
 */
static void write_stats(struct prom *p, const struct stats *st)
{
	size_t i, j, end;

	for (i = 0; i < ARRAY_SIZE(stat_metrics); i = end) {
		const struct stat_metric *m = &stat_metrics[i];
		bool any = false;

		for (end = i; end < ARRAY_SIZE(stat_metrics) &&
		     !strcmp(stat_metrics[end].name, m->name); end++)
			any |= st->has[stat_metrics[end].attr];
		if (!any)
			continue;
		prom_family(p, m->name, m->type, m->help);
		for (j = i; j < end; j++) {
			const struct stat_metric *s = &stat_metrics[j];
			struct prom_label l = { s->label, s->value };

			if (st->has[s->attr])
				prom_sample(p, s->label ? &l : NULL,
					    s->label ? 1 : 0, st->value[s->attr]);
		}
	}
}

/* All of @len bytes to @fd.  Return: 0, or -1 with errno set. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/**
 * replace_file() - make @path hold @len bytes of @data, atomically
 * @path: the file
 * @data: what it is to hold
 * @len: how many bytes
 *
 * Readers see the old file or the new one, whole: the bytes go to a
 * temporary file in @path's directory (rename() does not cross file
 * systems), made 0644 as the textfile collector's user must read it,
 * synced (a crash after the rename must not leave an empty file), then
 * renamed over @path.  The temporary name starts with a dot and does not
 * end in .prom, so that node_exporter never reads it.  On any failure the
 * temporary file is removed and @path left as it was.  SIGINT, SIGTERM
 * and SIGHUP wait meanwhile: dying between mkstemp() and the rename or
 * unlink would leave the temporary file behind.
 *
 * Return: EXIT_OK, or the exit code of the error, which was printed.
 */
static int replace_file(const char *path, const char *data, size_t len)
{
	const char *slash = strrchr(path, '/');
	int head = slash ? (int)(slash - path + 1) : 0;	/* "dir/" */
	char shown[1024], *tmp;
	sigset_t block, old;
	int fd, err, ret;

	if (asprintf(&tmp, "%.*s.%s.XXXXXX", head, path, path + head) < 0) {
		pr_err("export: %s", strerror(ENOMEM));
		return EXIT_ERROR;
	}
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &block, &old)) {
		pr_err("export: blocking signals: %s", strerror(errno));
		free(tmp);
		return EXIT_ERROR;
	}

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		char dir[1024];

		err = errno;
		/* The directory as given: "dir" of "dir/f", "/" of "/f". */
		snprintf(dir, sizeof(dir), "%.*s", head > 1 ? head - 1 : head,
			 head ? path : ".");
		pr_err("export: creating a temporary file in %s: %s",
		       out_sanitize(shown, sizeof(shown), dir), strerror(err));
		ret = errno_exit_code(err);
		goto out;
	}
	out_sanitize(shown, sizeof(shown), tmp);
	if (fchmod(fd, 0644)) {
		err = errno;
		pr_err("export: making %s mode 0644: %s", shown, strerror(err));
		goto fail;
	}
	if (write_all(fd, data, len)) {
		err = errno;
		pr_err("export: writing %s: %s", shown, strerror(err));
		goto fail;
	}
	if (fsync(fd)) {
		err = errno;
		pr_err("export: syncing %s: %s", shown, strerror(err));
		goto fail;
	}
	ret = close(fd);
	fd = -1;
	if (ret) {
		err = errno;
		pr_err("export: closing %s: %s", shown, strerror(err));
		goto fail;
	}
	if (rename(tmp, path)) {
		char to[1024];

		err = errno;
		pr_err("export: renaming %s to %s: %s", shown,
		       out_sanitize(to, sizeof(to), path), strerror(err));
		goto fail;
	}
	ret = EXIT_OK;
	goto out;
fail:
	ret = errno_exit_code(err);
	if (fd >= 0)
		close(fd);
	if (unlink(tmp))
		pr_err("export: removing %s: %s", shown, strerror(errno));
out:
	if (sigprocmask(SIG_SETMASK, &old, NULL)) {
		pr_err("export: unblocking signals: %s", strerror(errno));
		ret = EXIT_ERROR;
	}
	free(tmp);
	return ret;
}

static int write_stdout(const char *data, size_t len)
{
	if (fwrite(data, 1, len, stdout) != len || fflush(stdout) == EOF) {
		pr_err("export: writing to standard output: %s",
		       strerror(errno));
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/* --top's N: a decimal from 0 to @max. */
static int parse_top(const char *s, size_t max, size_t *n)
{
	size_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (size_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (size_t)(*s - '0');
	}
	*n = v;
	return 0;
}

/* What export fetched and made, freed by export_free(). */
struct export {
	struct proc_vec procs;
	struct stats stats;
	struct cgroup_map *cg;
	struct group_vec groups;
	struct series_vec group_series;
	struct series_vec top_series;
	struct prom prom;
};

static void export_free(struct export *e)
{
	prom_free(&e->prom);
	series_vec_free(&e->top_series);
	series_vec_free(&e->group_series);
	group_vec_free(&e->groups);
	if (e->cg)
		cgroup_map_free(e->cg);
	proc_vec_free(&e->procs);
}

/* Ask the module for the processes and its figures. */
static int export_fetch(struct export *e)
{
	struct nl_ctx nl;
	int ret;

	ret = open_family(&nl, "export");
	if (!ret && procs_dump(&nl, &e->procs))
		ret = report_nl_error("export: listing processes", &nl);
	if (!ret && stats_fetch(&nl, &e->stats))
		ret = report_nl_error("export: reading the module's figures",
				      &nl);
	nl_close(&nl);
	return ret;
}

/* The exposition, in e->prom. */
static int export_build(struct export *e, size_t top)
{
	e->cg = cgroup_map_new(NULL);
	if (!e->cg ||
	    groups_make(e->procs.v, e->procs.n, GROUP_BY_CGROUP | GROUP_BY_COMM,
			e->cg, &e->groups) ||
	    series_from_groups(&e->groups, &e->group_series) ||
	    series_from_top(&e->procs, top, e->cg, &e->top_series))
		goto fail;
	prom_init(&e->prom);
	write_heap(&e->prom, &e->group_series, &e->top_series);
	write_stats(&e->prom, &e->stats);
	if (prom_done(&e->prom))
		goto fail;
	return EXIT_OK;
fail:
	pr_err("export: %s", strerror(errno));
	return EXIT_ERROR;
}

int cmd_export(const struct opts *opts, int argc, char **argv)
{
	enum { OPT_TOP = 256 };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "top", required_argument, NULL, OPT_TOP },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = EXPORT_DEFAULT_PATH;
	struct export e = { 0 };
	size_t top = 0;
	char arg[64];
	int c, ret;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			path = optarg;
			break;
		case OPT_TOP:
			if (parse_top(optarg, 1000000, &top) < 0)
				return usage_err("export: bad --top '%s': a number from 0 to 1000000 is needed",
						 out_sanitize(arg, sizeof(arg), optarg));
			break;
		default:
			return option_err("export", c, argv);
		}
	}
	if (optind < argc)
		return usage_err("export: unexpected argument '%s'",
				 out_sanitize(arg, sizeof(arg), argv[optind]));
	if (opts->json)
		return usage_err("export: no JSON output: export writes Prometheus's text format");
	if (!*path)
		return usage_err("export: -o needs a file name (or - for standard output)");
	if (path[strlen(path) - 1] == '/')
		return usage_err("export: -o '%s' names a directory: give a file name in it",
				 out_sanitize(arg, sizeof(arg), path));

	ret = export_fetch(&e);
	if (!ret)
		ret = export_build(&e, top);
	if (!ret && !strcmp(path, "-"))
		ret = write_stdout(e.prom.buf, e.prom.len);
	else if (!ret)
		ret = replace_file(path, e.prom.buf, e.prom.len);
	export_free(&e);
	return ret;
}
