// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope export selftests: what `brkscope export` writes, read back the
 * way Prometheus gets it, from Debian's prometheus-node-exporter serving
 * the file with its textfile collector on 127.0.0.1, fetched with a plain
 * HTTP/1.0 GET; and what export does with bad input.
 *
 * The known processes are brk_child helpers, each moved into a cgroup of
 * its own (made under the cgroup2 mount, /sys/fs/cgroup, mounted there if
 * it is not) before it moves its break, so that its figures are those of
 * a (cgroup, comm) group alone: every expected value comes from the
 * helper's own sbrk(0) answers and /proc/PID/stat field 47.
 *
 * node_exporter reprints what it read (floats in Go's shortest form, such
 * as 1.048576e+06): values are compared as doubles, exact for these
 * integers.  The tests that need it skip when /usr/bin/prometheus-node-
 * exporter (or $BRKSCOPE_NODE_EXPORTER) is missing: Debian's cloud
 * kernels' guests run from an initramfs without it.
 *
 * The client is ../userspace/brkscope from this binary's directory, or
 * $BRKSCOPE_CLIENT; brk_child sits next to this binary.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/files.h"
#include "lib/kids.h"
#include "lib/module.h"

#define MODULE_SYSFS	"/sys/module/brkscope"
#define NODE_EXPORTER	"/usr/bin/prometheus-node-exporter"
#define CGROUP_ROOT	"/sys/fs/cgroup"
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define OUT_MAX		(1 << 20)	/* a client's stdout */
#define ERR_MAX		(16 << 10)
#define BODY_MAX	(4 << 20)	/* node_exporter's /metrics */
#define SAMPLES_MAX	16384
#define LABELS_MAX	8
#define FAMILIES_MAX	1024
#define CMD_TIMEOUT_MS	60000
/* node_exporter is a 13 MB Go binary read over 9p: TCG takes its time. */
#define NE_START_MS	90000
#define HTTP_TIMEOUT_MS	30000
/*
 * The torn-file test: exports and scrapes side by side this long, and on
 * until RACE_MIN exports are done (the debug kernel did 18 in 20 s), up
 * to RACE_CAP_SECONDS.
 */
#define RACE_SECONDS	20
#define RACE_CAP_SECONDS 150
#define RACE_MIN	20	/* exports and scrapes it needs at least */

#define EXPORT_TEST(name)	TEST_F_TIMEOUT(export, name, 300)

#define REQUIRE_BRKSCOPE()	REQUIRE_LOADED(MODULE_SYSFS)

/* The families every export has, per group and of the module's figures. */
static const char *const group_families[] = {
	"brkscope_processes",
	"brkscope_heap_bytes",
	"brkscope_heap_grows_total",
	"brkscope_heap_grown_bytes_total",
	"brkscope_heap_shrinks_total",
	"brkscope_heap_shrunk_bytes_total",
	"brkscope_heap_failed_grows_total",
};

static const char *const stat_families[] = {
	"brkscope_probe_hits_total",
	"brkscope_probe_missed_total",
	"brkscope_loader_maps_total",
	"brkscope_records_in_use",
	"brkscope_records_limit",
	"brkscope_records_dropped_total",
	"brkscope_records_stale_total",
	"brkscope_events_sent_total",
	"brkscope_events_dropped_total",
	"brkscope_module_memory_bytes",
};

static char client_path[PATH_MAX + 32];
static char client_out[OUT_MAX];	/* the last client's stdout */
static size_t client_out_len;
static char client_err[ERR_MAX];	/* ... and stderr */

/* ---- a parsed exposition: node_exporter's /metrics or export's -o - ---- */

struct sample {
	char *name;
	int nlabels;
	char *key[LABELS_MAX];
	char *val[LABELS_MAX];		/* unescaped */
	double value;
};

struct family {
	char *name;
	int help;			/* HELP lines */
	int type;			/* TYPE lines */
	char *type_text;
	int first, last;		/* its samples' indexes, -1: none */
	bool broken;			/* samples not next to each other */
};

struct scrape {
	char text[BODY_MAX];
	struct sample s[SAMPLES_MAX];
	int n;
	struct family f[FAMILIES_MAX];
	int nf;
};

static struct scrape scrape;

static struct family *family_of(struct scrape *sc, const char *name)
{
	int i;

	for (i = 0; i < sc->nf; i++)
		if (!strcmp(sc->f[i].name, name))
			return &sc->f[i];
	if (sc->nf == FAMILIES_MAX)
		return NULL;
	sc->f[sc->nf] = (struct family){ .name = (char *)name, .first = -1,
					 .last = -1 };
	return &sc->f[sc->nf++];
}

static bool name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == ':' || (!first && c >= '0' && c <= '9');
}

/*
 * Parse one sample line in place (labels unescaped where they stand).
 * Returns NULL, or what is wrong with it.
 */
static const char *parse_sample(char *line, struct sample *s)
{
	char *p = line, *end;

	if (!name_char(*p, true))
		return "no metric name";
	while (name_char(*p, false))
		p++;
	s->name = line;
	s->nlabels = 0;
	if (*p == '{') {
		*p++ = '\0';
		while (*p != '}') {
			char *d;

			if (s->nlabels == LABELS_MAX)
				return "too many labels";
			s->key[s->nlabels] = p;
			while (name_char(*p, false))
				p++;
			if (p == s->key[s->nlabels] || p[0] != '=' || p[1] != '"')
				return "bad label";
			*p = '\0';
			p += 2;
			s->val[s->nlabels] = d = p;
			for (; *p != '"'; p++) {
				if (!*p)
					return "unterminated label value";
				if (*p == '\\') {
					p++;
					if (*p == 'n')
						*d++ = '\n';
					else if (*p == '\\' || *p == '"')
						*d++ = *p;
					else
						return "bad escape";
				} else {
					*d++ = *p;
				}
			}
			*d = '\0';
			p++;
			s->nlabels++;
			if (*p == ',')
				p++;
			else if (*p != '}')
				return "no , or } after a label";
		}
		p++;
	}
	if (*p != ' ')
		return "no space before the value";
	*p++ = '\0';
	errno = 0;
	s->value = strtod(p, &end);
	if (end == p || errno || (*end && *end != ' '))
		return "bad value";
	return NULL;
}

/*
 * Parse text (NUL-terminated, in sc->text) into samples and families.
 * Fails the test on anything the format does not allow.
 */
static void parse_exposition(struct __test_metadata *_metadata,
			     struct scrape *sc)
{
	char *pos = sc->text, *line;
	int lineno = 0;

	sc->n = 0;
	sc->nf = 0;
	while ((line = next_line(&pos))) {
		struct family *f;
		const char *bad;

		lineno++;
		if (!*line)
			continue;
		if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
			bool help = line[2] == 'H';
			char *name = line + 7, *sp = strchr(name, ' ');

			ASSERT_NE(NULL, sp) TH_LOG("line %d: '%s'", lineno, line);
			*sp = '\0';
			f = family_of(sc, name);
			ASSERT_NE(NULL, f);
			ASSERT_EQ(-1, f->first)
				TH_LOG("line %d: %s of %s after its samples",
				       lineno, help ? "HELP" : "TYPE", name);
			if (help) {
				f->help++;
			} else {
				f->type++;
				f->type_text = sp + 1;
			}
			continue;
		}
		if (line[0] == '#')
			continue;
		ASSERT_LT(sc->n, SAMPLES_MAX);
		bad = parse_sample(line, &sc->s[sc->n]);
		ASSERT_EQ(NULL, bad) TH_LOG("line %d: %s", lineno, bad);
		f = family_of(sc, sc->s[sc->n].name);
		ASSERT_NE(NULL, f);
		if (f->first < 0)
			f->first = sc->n;
		else if (f->last != sc->n - 1)
			f->broken = true;
		f->last = sc->n;
		sc->n++;
	}
}

/* The sample of @name whose labels include all of @want's (NULL-ended). */
static const struct sample *find_sample(const struct scrape *sc,
					const char *name,
					const char *const want[])
{
	int i, j, k;

	for (i = 0; i < sc->n; i++) {
		const struct sample *s = &sc->s[i];
		bool all = true;

		if (strcmp(s->name, name))
			continue;
		for (j = 0; want[j] && all; j += 2) {
			bool found = false;

			for (k = 0; k < s->nlabels; k++)
				if (!strcmp(s->key[k], want[j]) &&
				    !strcmp(s->val[k], want[j + 1]))
					found = true;
			all = found;
		}
		if (all)
			return s;
	}
	return NULL;
}

/* Whether any sample has a label named @key. */
static bool any_label(const struct scrape *sc, const char *key)
{
	int i, k;

	for (i = 0; i < sc->n; i++)
		for (k = 0; k < sc->s[i].nlabels; k++)
			if (!strcmp(sc->s[i].key[k], key))
				return true;
	return false;
}

/*
 * Every family export always writes is there, whole: one HELP and one
 * TYPE line, the right type, and at least one sample.  Returns a
 * description of the first that is not, or NULL.
 */
static const char *families_incomplete(const struct scrape *sc)
{
	static char why[256];
	size_t i;
	int j;

	for (i = 0; i < ARRAY_SIZE(group_families) + ARRAY_SIZE(stat_families);
	     i++) {
		const char *name = i < ARRAY_SIZE(group_families) ?
			group_families[i] :
			stat_families[i - ARRAY_SIZE(group_families)];
		const struct family *f = NULL;
		size_t len = strlen(name);
		bool counter = len > 6 && !strcmp(name + len - 6, "_total");

		for (j = 0; j < sc->nf; j++)
			if (!strcmp(sc->f[j].name, name))
				f = &sc->f[j];
		if (!f)
			snprintf(why, sizeof(why), "no %s", name);
		else if (f->help != 1 || f->type != 1)
			snprintf(why, sizeof(why), "%s: %d HELP and %d TYPE lines",
				 name, f->help, f->type);
		else if (strcmp(f->type_text, counter ? "counter" : "gauge"))
			snprintf(why, sizeof(why), "%s: TYPE %s", name,
				 f->type_text);
		else if (f->first < 0)
			snprintf(why, sizeof(why), "%s: no sample", name);
		else
			continue;
		return why;
	}
	return NULL;
}

/* ---- running programs ---- */

/*
 * Run the client with @args (NULL-ended); its output in client_out and
 * client_err.  Returns its exit code; a crash or timeout fails the test.
 */
static int client(struct __test_metadata *_metadata, const char *const args[])
{
	char *argv[16];
	int fout, ferr, pid, status, i;
	ssize_t n;

	argv[0] = client_path;
	for (i = 0; args[i]; i++) {
		ASSERT_LT(i, (int)ARRAY_SIZE(argv) - 2);
		argv[i + 1] = (char *)args[i];
	}
	argv[i + 1] = NULL;
	ASSERT_EQ(0, access(client_path, X_OK))
		TH_LOG("%s: %s (set BRKSCOPE_CLIENT)", client_path, strerror(errno));
	fout = memfd_create("stdout", MFD_CLOEXEC);
	ferr = memfd_create("stderr", MFD_CLOEXEC);
	ASSERT_LE(0, fout) TH_LOG("memfd_create: %s", strerror(errno));
	ASSERT_LE(0, ferr);
	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		signal(SIGPIPE, SIG_DFL);
		if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
		    dup2(fout, STDOUT_FILENO) < 0 || dup2(ferr, STDERR_FILENO) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	status = wait_timeout(pid, CMD_TIMEOUT_MS);
	n = read_memfd(fout, client_out, sizeof(client_out));
	close(fout);
	ASSERT_LE(0, n) TH_LOG("stdout too large");
	client_out_len = n;
	n = read_memfd(ferr, client_err, sizeof(client_err));
	close(ferr);
	ASSERT_LE(0, n) TH_LOG("stderr too large");
	ASSERT_NE(-1, status) TH_LOG("brkscope %s: killed after %d ms",
				     argv[1] ? argv[1] : "", CMD_TIMEOUT_MS);
	ASSERT_TRUE(WIFEXITED(status))
		TH_LOG("brkscope %s: status %#x; stderr: %s",
		       argv[1] ? argv[1] : "", status, client_err);
	ASSERT_NE(127, WEXITSTATUS(status)) TH_LOG("cannot exec %s", argv[0]);
	return WEXITSTATUS(status);
}

#define CLIENT(...) client(_metadata, (const char *const[]){ __VA_ARGS__, NULL })

/* ---- node_exporter over loopback ---- */

/* A TCP port on 127.0.0.1 nobody listens on now. */
static int free_port(struct __test_metadata *_metadata)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&a, sizeof(a)))
		TH_LOG("bind 127.0.0.1:0: %s", strerror(errno));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&a, &len));
	close(fd);
	return ntohs(a.sin_port);
}

/*
 * GET /metrics over HTTP/1.0 from 127.0.0.1:@port into scrape.text (the
 * body, NUL-terminated).  Returns 0, -errno if it could not connect, or
 * fails the test for a broken answer.
 */
static int http_get(struct __test_metadata *_metadata, int port)
{
	static char buf[BODY_MAX];
	static const char req[] =
		"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct timeval tv = { .tv_sec = HTTP_TIMEOUT_MS / 1000 };
	size_t len = 0;
	char *body;
	ssize_t n;
	int fd, err;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		err = errno;
		close(fd);
		return -err;
	}
	n = send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL);
	ASSERT_EQ((ssize_t)sizeof(req) - 1, n) TH_LOG("send: %s", strerror(errno));
	for (;;) {
		n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		ASSERT_LE(0, n) TH_LOG("recv: %s", strerror(errno));
		if (!n)
			break;
		len += n;
		ASSERT_LT(len, sizeof(buf) - 1) TH_LOG("/metrics too large");
	}
	close(fd);
	buf[len] = '\0';
	ASSERT_EQ(0, strncmp(buf, "HTTP/1.0 200 ", 13) &&
		     strncmp(buf, "HTTP/1.1 200 ", 13))
		TH_LOG("answer: %.200s", buf);
	body = strstr(buf, "\r\n\r\n");
	ASSERT_NE(NULL, body) TH_LOG("no end of headers");
	body += 4;
	memcpy(scrape.text, body, len - (size_t)(body - buf) + 1);
	return 0;
}

/* Scrape node_exporter and parse what it served. */
static void scrape_metrics(struct __test_metadata *_metadata, int port)
{
	int ret = http_get(_metadata, port);

	ASSERT_EQ(0, ret) TH_LOG("connect 127.0.0.1:%d: %s", port,
				 strerror(-ret));
	parse_exposition(_metadata, &scrape);
}

/* node_exporter's verdict on the textfile directory: 0 when it read all. */
static double textfile_scrape_error(struct __test_metadata *_metadata)
{
	static const char *const none[] = { NULL };
	const struct sample *s = find_sample(&scrape, "node_textfile_scrape_error",
					     none);

	ASSERT_NE(NULL, s) TH_LOG("node_exporter served no node_textfile_scrape_error");
	return s->value;
}

/*
 * Bring the loopback device up if it is down (the test guests leave it
 * so), or down again (@up false); *@changed says whether it was changed.
 * The module's family lives in the initial network namespace only, where
 * the client must run: node_exporter listens there too.  No assertion:
 * teardown calls it.  Returns 0 or -errno.
 */
static int set_loopback(bool up, bool *changed)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = 0;

	*changed = false;
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ret = -errno;
	} else if (!!(ifr.ifr_flags & IFF_UP) != up) {
		ifr.ifr_flags = up ? ifr.ifr_flags | IFF_UP :
				     ifr.ifr_flags & ~IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			ret = -errno;
		else
			*changed = true;
	}
	close(fd);
	return ret;
}

/* ---- the fixture ---- */

FIXTURE(export) {
	char dir[64];		/* a temporary directory, export's output */
	char prom[128];		/* dir/brkscope.prom */
	char cg[2][128];	/* cgroups made, "" if none */
	bool mounted_cgroup2;	/* this test mounted CGROUP_ROOT */
	struct kid kids[2];
	bool lo_raised;		/* this test brought lo up */
	int ne_pid;		/* node_exporter, 0 if not running */
	int port;		/* its port */
	char ne_log[128];	/* its stderr */
};

FIXTURE_SETUP(export)
{
	const char *env = getenv("BRKSCOPE_CLIENT");
	int i;

	page_size = sysconf(_SC_PAGESIZE);
	find_exe_dir();
	if (env && *env)
		snprintf(client_path, sizeof(client_path), "%s", env);
	else
		snprintf(client_path, sizeof(client_path),
			 "%s/../userspace/brkscope", exe_dir);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < 2; i++)
		self->kids[i].to = self->kids[i].from = -1;
	snprintf(self->dir, sizeof(self->dir), "/tmp/brkscope-export-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir)) TH_LOG("mkdtemp: %s", strerror(errno));
	snprintf(self->prom, sizeof(self->prom), "%s/brkscope.prom", self->dir);
	snprintf(self->ne_log, sizeof(self->ne_log), "%s/node_exporter.log",
		 self->dir);
}

/* Remove what is in @dir (files only), then @dir. */
static void remove_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' && (!de->d_name[1] ||
		    (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) && errno == EISDIR) {
			/* private_tmpfs()'s mount point */
			umount2(path, MNT_DETACH);
			rmdir(path);
		}
	}
	closedir(d);
	rmdir(dir);
}

FIXTURE_TEARDOWN(export)
{
	int i;

	if (self->ne_pid > 0) {
		kill(self->ne_pid, SIGTERM);
		if (wait_timeout(self->ne_pid, 10000) == -1)
			TH_LOG("node_exporter did not stop on SIGTERM: killed");
	}
	if (self->lo_raised && set_loopback(false, &self->lo_raised))
		TH_LOG("lo left up: %s", strerror(errno));
	kill_kids_and_others(self->kids, NULL);
	reap_all_children();
	for (i = 0; i < 2; i++)
		if (self->cg[i][0] && rmdir(self->cg[i]))
			TH_LOG("rmdir %s: %s", self->cg[i], strerror(errno));
	if (self->mounted_cgroup2)
		umount2(CGROUP_ROOT, MNT_DETACH);
	remove_dir(self->dir);
}

/* node_exporter's path: $BRKSCOPE_NODE_EXPORTER or Debian's. */
static const char *node_exporter(void)
{
	const char *ne = getenv("BRKSCOPE_NODE_EXPORTER");

	return ne && *ne ? ne : NODE_EXPORTER;
}

/* In a test: skip it unless node_exporter is there, else start it. */
#define START_NODE_EXPORTER() do {					\
	if (access(node_exporter(), X_OK))				\
		SKIP(return, "%s: %s (Debian's prometheus-node-exporter)", \
		     node_exporter(), strerror(errno));			\
	start_node_exporter(_metadata, self);				\
} while (0)

/* Start node_exporter on a free port, serving dir's *.prom. */
static void start_node_exporter(struct __test_metadata *_metadata,
				FIXTURE_DATA(export) *self)
{
	const char *ne = node_exporter();
	char listen[64], textdir[128], log[4096];
	uint64_t deadline;
	int status, ret;

	ret = set_loopback(true, &self->lo_raised);
	ASSERT_EQ(0, ret) TH_LOG("bringing lo up: %s", strerror(-ret));
	self->port = free_port(_metadata);
	snprintf(listen, sizeof(listen), "--web.listen-address=127.0.0.1:%d",
		 self->port);
	snprintf(textdir, sizeof(textdir), "--collector.textfile.directory=%s",
		 self->dir);
	self->ne_pid = fork();
	ASSERT_LE(0, self->ne_pid) TH_LOG("fork: %s", strerror(errno));
	if (!self->ne_pid) {
		char *argv[] = {
			(char *)ne, listen, "--collector.disable-defaults",
			"--collector.textfile", textdir, NULL,
		};
		int log_fd = open(self->ne_log, O_WRONLY | O_CREAT | O_TRUNC,
				  0644);

		if (log_fd < 0 || dup2(log_fd, STDOUT_FILENO) < 0 ||
		    dup2(log_fd, STDERR_FILENO) < 0)
			_exit(126);
		execv(ne, argv);
		_exit(127);
	}
	deadline = boottime_ns() + NE_START_MS * 1000000ULL;
	for (;;) {
		ret = http_get(_metadata, self->port);
		if (!ret)
			break;
		if (waitpid(self->ne_pid, &status, WNOHANG) == self->ne_pid) {
			self->ne_pid = 0;
			read_file(self->ne_log, log, sizeof(log));
			ASSERT_TRUE(false) TH_LOG("node_exporter exited (status %#x): %s",
						  status, log);
		}
		ASSERT_EQ(-ECONNREFUSED, ret)
			TH_LOG("connect 127.0.0.1:%d: %s", self->port, strerror(-ret));
		ASSERT_GT(deadline, boottime_ns())
			TH_LOG("node_exporter not listening on 127.0.0.1:%d after %d ms: %s",
			       self->port, NE_START_MS, strerror(-ret));
		usleep(50000);
	}
}

/* The cgroup2 mount, mounted if it is not there. */
static void need_cgroup2(struct __test_metadata *_metadata,
			 FIXTURE_DATA(export) *self)
{
	struct statfs st;

	if (!statfs(CGROUP_ROOT, &st) && st.f_type == CGROUP2_SUPER_MAGIC)
		return;
	ASSERT_EQ(0, mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL))
		TH_LOG("mount cgroup2 on %s: %s", CGROUP_ROOT, strerror(errno));
	self->mounted_cgroup2 = true;
}

/* Make cgroup @name (slot @i) and return its path under the mount ("/..."). */
static const char *make_cgroup(struct __test_metadata *_metadata,
			       FIXTURE_DATA(export) *self, int i,
			       const char *name)
{
	need_cgroup2(_metadata, self);
	snprintf(self->cg[i], sizeof(self->cg[i]), "%s/%s", CGROUP_ROOT, name);
	if (mkdir(self->cg[i], 0755)) {
		int err = errno;

		self->cg[i][0] = '\0';
		ASSERT_EQ(0, err) TH_LOG("mkdir %s/%s: %s", CGROUP_ROOT, name,
					 strerror(err));
	}
	return self->cg[i] + strlen(CGROUP_ROOT);
}

/* Move process @pid into cgroup slot @i. */
static void move_to_cgroup(struct __test_metadata *_metadata,
			   FIXTURE_DATA(export) *self, int i, int pid)
{
	char path[160], num[16];
	int fd, n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", self->cg[i]);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", path, strerror(errno));
	n = snprintf(num, sizeof(num), "%d\n", pid);
	ASSERT_EQ(n, write(fd, num, n)) TH_LOG("%s <- %d: %s", path, pid,
					       strerror(errno));
	close(fd);
}

/**
 * struct known - what one helper did, as export must report it
 * @cgroup: its cgroup's path under the mount
 * @comm: its command name
 * @pid: its pid
 * @heap: brk - start_brk
 * @grows, @grown, @shrinks, @shrunk: its growths and shrinks
 */
struct known {
	char cgroup[128];
	char comm[32];
	int pid;
	unsigned long heap, grows, grown, shrinks, shrunk;
};

/*
 * brk_child in slot @i, moved into a new cgroup @name before it moves its
 * break by each of @incs (pages, 0-ended): its heap figures all belong to
 * that (cgroup, "brk_child") group.
 */
static void known_child(struct __test_metadata *_metadata,
			FIXTURE_DATA(export) *self, int i, const char *name,
			const long *incs, struct known *k)
{
	unsigned long start, old, cur = 0, prev;
	struct kid *kid;

	memset(k, 0, sizeof(*k));
	snprintf(k->cgroup, sizeof(k->cgroup), "%s",
		 make_cgroup(_metadata, self, i, name));
	kid = start_brk_child(_metadata, &self->kids[i]);
	k->pid = kid->pid;
	snprintf(k->comm, sizeof(k->comm), "brk_child");
	ASSERT_EQ(0, proc_start_brk(kid->pid, &start));
	move_to_cgroup(_metadata, self, i, kid->pid);
	prev = kid->ready_brk;
	for (; *incs; incs++) {
		cur = child_move(_metadata, kid, *incs * (long)page_size, &old);
		ASSERT_EQ(prev, old);
		if (*incs > 0) {
			k->grows++;
			k->grown += page_align(cur) - page_align(old);
		} else {
			k->shrinks++;
			k->shrunk += page_align(old) - page_align(cur);
		}
		prev = cur;
	}
	k->heap = cur - start;
}

/* Two helpers in two cgroups: a grows three times, b grows and shrinks. */
static void two_known(struct __test_metadata *_metadata,
		      FIXTURE_DATA(export) *self, struct known k[2])
{
	static const long a[] = { 3, 5, 7, 0 }, b[] = { 6, -2, 0 };
	char name[64];

	snprintf(name, sizeof(name), "brkscope-export-%d-a", getpid());
	known_child(_metadata, self, 0, name, a, &k[0]);
	snprintf(name, sizeof(name), "brkscope-export-%d-b", getpid());
	known_child(_metadata, self, 1, name, b, &k[1]);
}

/* The sample of family @name for group @k; fails if there is none. */
static double group_value(struct __test_metadata *_metadata,
			  const struct known *k, const char *name)
{
	const char *const want[] = {
		"cgroup", k->cgroup, "comm", k->comm, NULL,
	};
	const struct sample *s = find_sample(&scrape, name, want);

	ASSERT_NE(NULL, s) TH_LOG("no %s{cgroup=\"%s\",comm=\"%s\"}", name,
				  k->cgroup, k->comm);
	return s->value;
}

/* Every per-group figure of @k is what it did. */
static void expect_group(struct __test_metadata *_metadata,
			 const struct known *k)
{
	EXPECT_EQ(1.0, group_value(_metadata, k, "brkscope_processes"));
	EXPECT_EQ((double)k->heap, group_value(_metadata, k, "brkscope_heap_bytes"));
	EXPECT_EQ((double)k->grows,
		  group_value(_metadata, k, "brkscope_heap_grows_total"));
	EXPECT_EQ((double)k->grown,
		  group_value(_metadata, k, "brkscope_heap_grown_bytes_total"));
	EXPECT_EQ((double)k->shrinks,
		  group_value(_metadata, k, "brkscope_heap_shrinks_total"));
	EXPECT_EQ((double)k->shrunk,
		  group_value(_metadata, k, "brkscope_heap_shrunk_bytes_total"));
	EXPECT_EQ(0.0, group_value(_metadata, k, "brkscope_heap_failed_grows_total"));
}

/* export -o dir/brkscope.prom, which must succeed. */
static void export_ok(struct __test_metadata *_metadata,
		      FIXTURE_DATA(export) *self)
{
	int rc = CLIENT("export", "-o", self->prom);

	ASSERT_EQ(0, rc) TH_LOG("export: %s", client_err);
	ASSERT_STREQ("", client_err);
}

/* ---- the tests ---- */

/*
 * node_exporter serves the two groups' figures exactly as the helpers
 * made them.
 */
EXPORT_TEST(node_exporter_serves_the_exact_figures_of_two_cgroups)
{
	struct known k[2];

	REQUIRE_BRKSCOPE();
	START_NODE_EXPORTER();
	two_known(_metadata, self, k);
	export_ok(_metadata, self);
	scrape_metrics(_metadata, self->port);
	EXPECT_EQ(0.0, textfile_scrape_error(_metadata));
	EXPECT_EQ(NULL, families_incomplete(&scrape))
		TH_LOG("%s", families_incomplete(&scrape));
	TH_LOG("a: heap %lu, %lu grows of %lu bytes; b: heap %lu, %lu grows of %lu bytes, %lu shrinks of %lu",
	       k[0].heap, k[0].grows, k[0].grown, k[1].heap, k[1].grows,
	       k[1].grown, k[1].shrinks, k[1].shrunk);
	expect_group(_metadata, &k[0]);
	expect_group(_metadata, &k[1]);
}

/*
 * Exports replace the file while node_exporter is scraped over and over:
 * no scrape ever sees part of a file (node_exporter would report a parse
 * error, or families or samples would be missing).
 */
EXPORT_TEST(exports_while_node_exporter_scrapes_never_show_a_torn_file)
{
	uint64_t t0 = boottime_ns();
	uint64_t until = t0 + RACE_SECONDS * 1000000000ULL;
	uint64_t cap = t0 + RACE_CAP_SECONDS * 1000000000ULL;
	int pipefd[2], pid, status, exports = 0, scrapes = 0;
	struct known k[2];
	ssize_t n;

	REQUIRE_BRKSCOPE();
	START_NODE_EXPORTER();
	two_known(_metadata, self, k);
	export_ok(_metadata, self);

	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/*
		 * Exports for RACE_SECONDS and at least RACE_MIN of them (up to
		 * RACE_CAP_SECONDS); the count, or -1 on a failure.
		 */
		while ((boottime_ns() < until || exports < RACE_MIN) &&
		       boottime_ns() < cap) {
			char *argv[] = { client_path, "export", "-o", self->prom,
					 NULL };
			int c = fork();

			if (c == 0) {
				execv(client_path, argv);
				_exit(127);
			}
			if (c < 0 || wait_timeout(c, CMD_TIMEOUT_MS) != 0) {
				exports = -1;
				break;
			}
			exports++;
		}
		n = write(pipefd[1], &exports, sizeof(exports));
		_exit(n == sizeof(exports) ? 0 : 1);
	}
	close(pipefd[1]);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		scrape_metrics(_metadata, self->port);
		scrapes++;
		ASSERT_EQ(0.0, textfile_scrape_error(_metadata))
			TH_LOG("scrape %d: node_exporter could not read the file", scrapes);
		ASSERT_EQ(NULL, families_incomplete(&scrape))
			TH_LOG("scrape %d: %s", scrapes, families_incomplete(&scrape));
		expect_group(_metadata, &k[0]);
		expect_group(_metadata, &k[1]);
	}
	n = read(pipefd[0], &exports, sizeof(exports));
	close(pipefd[0]);
	ASSERT_EQ((ssize_t)sizeof(exports), n);
	TH_LOG("figure: %d exports and %d scrapes in %.1f s", exports, scrapes,
	       (boottime_ns() - t0) / 1e9);
	ASSERT_NE(-1, exports) TH_LOG("an export failed");
	EXPECT_LE(RACE_MIN, exports);
	EXPECT_LE(RACE_MIN, scrapes);
}

/*
 * The checks of the test above catch a torn file: a file cut short in a
 * line makes node_exporter report an error, one cut after a line lacks
 * families.
 */
EXPORT_TEST(a_file_cut_short_fails_the_torn_file_checks)
{
	char text[OUT_MAX];
	const char *cut;
	struct known k[2];
	int fd;

	REQUIRE_BRKSCOPE();
	START_NODE_EXPORTER();
	two_known(_metadata, self, k);
	ASSERT_EQ(0, CLIENT("export", "-o", "-")) TH_LOG("%s", client_err);
	memcpy(text, client_out, client_out_len + 1);

	/* In the middle of a sample's line. */
	cut = strstr(text, "\nbrkscope_heap_grows_total{");
	ASSERT_NE(NULL, cut);
	fd = open(self->prom, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(cut + 10 - text, write(fd, text, cut + 10 - text));
	close(fd);
	scrape_metrics(_metadata, self->port);
	EXPECT_EQ(1.0, textfile_scrape_error(_metadata));

	/* After a whole line: the families after it are missing. */
	fd = open(self->prom, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(cut + 1 - text, write(fd, text, cut + 1 - text));
	close(fd);
	scrape_metrics(_metadata, self->port);
	EXPECT_EQ(0.0, textfile_scrape_error(_metadata));
	EXPECT_NE(NULL, families_incomplete(&scrape));
}

/*
 * A comm and a cgroup with the characters label values escape (double
 * quote, backslash, newline) and a byte that is not UTF-8 reach
 * Prometheus as they are, the byte as the text \xff: node_exporter
 * reads the file without error.
 */
EXPORT_TEST(odd_comm_and_cgroup_names_reach_node_exporter_escaped)
{
	static const char comm[] = "q\"b\\s\nn\xff";
	char link[PATH_MAX], target[PATH_MAX + 32], cgname[64];
	const char *cgroup;
	struct kid *kid = &self->kids[0];
	int in[2], out[2];
	unsigned long old, cur;

	REQUIRE_BRKSCOPE();
	START_NODE_EXPORTER();
	snprintf(cgname, sizeof(cgname), "brkscope-export-%d-q\"\\", getpid());
	cgroup = make_cgroup(_metadata, self, 0, cgname);
	snprintf(target, sizeof(target), "%s/brk_child", exe_dir);
	snprintf(link, sizeof(link), "%s/%s", self->dir, comm);
	ASSERT_EQ(0, symlink(target, link)) TH_LOG("symlink: %s", strerror(errno));

	/* spawn() runs helpers by their own name: exec the link instead. */
	ASSERT_EQ(0, pipe2(in, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(out, O_CLOEXEC));
	kid->pid = fork();
	ASSERT_LE(0, kid->pid);
	if (!kid->pid) {
		char *argv[] = { link, NULL };

		if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0)
			_exit(126);
		execv(link, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	kid->to = in[1];
	kid->from = out[0];
	expect_ready(_metadata, kid);
	move_to_cgroup(_metadata, self, 0, kid->pid);
	cur = child_move(_metadata, kid, 4 * (long)page_size, &old);

	export_ok(_metadata, self);
	scrape_metrics(_metadata, self->port);
	ASSERT_EQ(0.0, textfile_scrape_error(_metadata));
	{
		const char *const want[] = {
			"cgroup", cgroup, "comm", "q\"b\\s\nn\\xff", NULL,
		};
		const struct sample *s = find_sample(&scrape, "brkscope_heap_grown_bytes_total",
						     want);

		ASSERT_NE(NULL, s) TH_LOG("no sample with the odd labels");
		EXPECT_EQ((double)(page_align(cur) - page_align(old)), s->value);
	}
}

/*
 * Every family export writes has one HELP and one TYPE line before its
 * samples, which follow each other; counters end in _total and gauges do
 * not; and no sample has a pid label unless --top asks for them.
 */
EXPORT_TEST(each_family_has_one_help_and_type_and_no_pid_label_by_default)
{
	struct known k[2];
	int i;

	REQUIRE_BRKSCOPE();
	two_known(_metadata, self, k);
	ASSERT_EQ(0, CLIENT("export", "-o", "-")) TH_LOG("%s", client_err);
	ASSERT_LT(client_out_len, sizeof(scrape.text));
	memcpy(scrape.text, client_out, client_out_len + 1);
	parse_exposition(_metadata, &scrape);
	EXPECT_EQ(NULL, families_incomplete(&scrape))
		TH_LOG("%s", families_incomplete(&scrape));
	for (i = 0; i < scrape.nf; i++) {
		const struct family *f = &scrape.f[i];
		size_t len = strlen(f->name);
		bool total = len > 6 && !strcmp(f->name + len - 6, "_total");

		EXPECT_EQ(0, strncmp(f->name, "brkscope_", 9)) TH_LOG("%s", f->name);
		EXPECT_EQ(1, f->help) TH_LOG("%s", f->name);
		EXPECT_EQ(1, f->type) TH_LOG("%s", f->name);
		EXPECT_FALSE(f->broken) TH_LOG("%s: samples apart", f->name);
		EXPECT_STREQ(total ? "counter" : "gauge", f->type_text ? f->type_text : "")
			TH_LOG("%s", f->name);
	}
	EXPECT_FALSE(any_label(&scrape, "pid"));
	expect_group(_metadata, &k[0]);
	expect_group(_metadata, &k[1]);
}

/* --top N adds one series per process, with its pid, for the N largest. */
EXPORT_TEST(top_n_adds_per_process_series_with_their_pid)
{
	struct known k[2];
	char pid[16];
	int i;

	REQUIRE_BRKSCOPE();
	two_known(_metadata, self, k);
	ASSERT_EQ(0, CLIENT("export", "--top", "100000", "-o", "-"))
		TH_LOG("%s", client_err);
	memcpy(scrape.text, client_out, client_out_len + 1);
	parse_exposition(_metadata, &scrape);
	for (i = 0; i < 2; i++) {
		const char *const want[] = { "pid", pid, "comm", "brk_child",
					     "cgroup", k[i].cgroup, NULL };
		const struct sample *s;

		snprintf(pid, sizeof(pid), "%d", k[i].pid);
		s = find_sample(&scrape, "brkscope_process_heap_bytes", want);
		ASSERT_NE(NULL, s) TH_LOG("no series for pid %s", pid);
		EXPECT_EQ((double)k[i].heap, s->value);
		s = find_sample(&scrape, "brkscope_process_heap_grows_total", want);
		ASSERT_NE(NULL, s);
		EXPECT_EQ((double)k[i].grows, s->value);
		s = find_sample(&scrape, "brkscope_process_heap_shrunk_bytes_total",
				want);
		ASSERT_NE(NULL, s);
		EXPECT_EQ((double)k[i].shrunk, s->value);
	}

	/* --top 1: the one largest heap, and no other. */
	ASSERT_EQ(0, CLIENT("export", "--top", "1", "-o", "-"))
		TH_LOG("%s", client_err);
	memcpy(scrape.text, client_out, client_out_len + 1);
	parse_exposition(_metadata, &scrape);
	{
		const struct family *f = family_of(&scrape, "brkscope_process_heap_bytes");

		ASSERT_LE(0, f->first);
		EXPECT_EQ(f->first, f->last);
	}
}

/* The file is replaced by a new one of mode 0644, whatever the umask. */
EXPORT_TEST(the_file_is_world_readable_and_no_temporary_file_stays)
{
	struct stat st;
	struct dirent *de;
	int files = 0;
	DIR *d;

	REQUIRE_BRKSCOPE();
	umask(077);
	export_ok(_metadata, self);
	export_ok(_metadata, self);
	ASSERT_EQ(0, stat(self->prom, &st));
	EXPECT_EQ(0644, st.st_mode & 07777);
	d = opendir(self->dir);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			files++;
			EXPECT_STREQ("brkscope.prom", de->d_name);
		}
	closedir(d);
	EXPECT_EQ(1, files);
}

/* An old file to be left alone, and a check that it was. */
static const char old_text[] = "# HELP old_figures An export from before.\n"
			       "# TYPE old_figures gauge\nold_figures 1\n";

static void write_old(struct __test_metadata *_metadata, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_EQ((ssize_t)sizeof(old_text) - 1,
		  write(fd, old_text, sizeof(old_text) - 1));
	ASSERT_EQ(0, close(fd));
}

/* @dir holds the old file, as it was, and nothing else. */
static void expect_old_alone(struct __test_metadata *_metadata,
			     const char *dir)
{
	char path[PATH_MAX], text[256];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/brkscope.prom", dir);
	ASSERT_EQ((ssize_t)sizeof(old_text) - 1, read_file(path, text, sizeof(text)));
	EXPECT_STREQ(old_text, text);
	d = opendir(dir);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			EXPECT_STREQ("brkscope.prom", de->d_name);
	closedir(d);
}

/* A bad option or argument: exit 2 with a clear message, the file unread. */
EXPORT_TEST(bad_options_exit_2_and_leave_the_old_file)
{
	write_old(_metadata, self->prom);
	EXPECT_EQ(2, CLIENT("export", "--bogus", "-o", self->prom));
	EXPECT_NE(NULL, strstr(client_err, "export: unknown option '--bogus'"))
		TH_LOG("%s", client_err);
	EXPECT_EQ(2, CLIENT("export", "--top", "-1", "-o", self->prom));
	EXPECT_NE(NULL, strstr(client_err, "export: bad --top '-1'"))
		TH_LOG("%s", client_err);
	EXPECT_EQ(2, CLIENT("export", "-o", self->prom, "extra"));
	EXPECT_NE(NULL, strstr(client_err, "export: unexpected argument 'extra'"))
		TH_LOG("%s", client_err);
	EXPECT_EQ(2, CLIENT("export", "-o"));
	EXPECT_NE(NULL, strstr(client_err, "needs an argument"))
		TH_LOG("%s", client_err);
	EXPECT_EQ(2, CLIENT("-j", "export", "-o", self->prom));
	EXPECT_NE(NULL, strstr(client_err, "export: no JSON output"))
		TH_LOG("%s", client_err);
	expect_old_alone(_metadata, self->dir);
}

/*
 * Mount a tmpfs with @opts on dir/sub, in a mount namespace of this
 * test's own (the harness runs each test in a process of its own: the
 * mounts go with it).  Returns dir/sub.
 */
static const char *private_tmpfs(struct __test_metadata *_metadata,
				 FIXTURE_DATA(export) *self, const char *opts)
{
	static char sub[128];

	snprintf(sub, sizeof(sub), "%s/sub", self->dir);
	ASSERT_EQ(0, mkdir(sub, 0755));
	ASSERT_EQ(0, unshare(CLONE_NEWNS)) TH_LOG("unshare: %s", strerror(errno));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, mount("export_test", sub, "tmpfs", 0, opts))
		TH_LOG("mount tmpfs %s: %s", opts, strerror(errno));
	return sub;
}

/* A read-only directory: a clear error, exit 1, the old file intact. */
EXPORT_TEST(read_only_directory_fails_clearly_and_keeps_the_old_file)
{
	const char *sub;
	char path[PATH_MAX], want[PATH_MAX + 64];

	REQUIRE_BRKSCOPE();
	sub = private_tmpfs(_metadata, self, "mode=0755");
	snprintf(path, sizeof(path), "%s/brkscope.prom", sub);
	write_old(_metadata, path);
	ASSERT_EQ(0, mount(NULL, sub, NULL, MS_REMOUNT | MS_RDONLY, NULL))
		TH_LOG("remount read-only: %s", strerror(errno));
	EXPECT_EQ(1, CLIENT("export", "-o", path));
	snprintf(want, sizeof(want),
		 "brkscope: export: creating a temporary file in %s: %s\n", sub,
		 strerror(EROFS));
	EXPECT_STREQ(want, client_err);
	expect_old_alone(_metadata, sub);
}

/* A directory that is not there: a clear error, exit 1. */
EXPORT_TEST(missing_directory_fails_clearly)
{
	char path[PATH_MAX], want[PATH_MAX + 64];

	REQUIRE_BRKSCOPE();
	snprintf(path, sizeof(path), "%s/none/brkscope.prom", self->dir);
	EXPECT_EQ(1, CLIENT("export", "-o", path));
	snprintf(want, sizeof(want),
		 "brkscope: export: creating a temporary file in %s/none: %s\n",
		 self->dir, strerror(ENOENT));
	EXPECT_STREQ(want, client_err);
}

/*
 * A full file system fails the write: the temporary file is removed and
 * the old file stays as it was.
 */
EXPORT_TEST(full_file_system_removes_the_temporary_file_and_keeps_the_old)
{
	const char *sub;
	char path[PATH_MAX];

	REQUIRE_BRKSCOPE();
	/* One page: the old file takes it. */
	sub = private_tmpfs(_metadata, self, "size=4k,mode=0755");
	snprintf(path, sizeof(path), "%s/brkscope.prom", sub);
	write_old(_metadata, path);
	EXPECT_EQ(1, CLIENT("export", "-o", path));
	EXPECT_NE(NULL, strstr(client_err, "brkscope: export: writing "))
		TH_LOG("%s", client_err);
	EXPECT_NE(NULL, strstr(client_err, strerror(ENOSPC))) TH_LOG("%s", client_err);
	EXPECT_EQ(NULL, strstr(client_err, "removing")) TH_LOG("%s", client_err);
	expect_old_alone(_metadata, sub);
}

TEST_HARNESS_MAIN
