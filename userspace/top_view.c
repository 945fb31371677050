// SPDX-License-Identifier: GPL-2.0
/*
 * brkscope top: laying a frame out and drawing it, on the terminal through
 * curses or as plain text for -b.
 *
 * Both go through the same layout: the header is a list of items flowed
 * into lines, and the table's columns are picked by priority until the
 * width is used up (the pid and the heap first, the addresses last), so a
 * narrow terminal loses whole columns rather than wrapping.  Every line is
 * built in a buffer whose display width is counted as it grows: only
 * printable ASCII goes in, and the sparkline's block characters, which
 * are one column each, so a line never runs past the width it was laid
 * out for.
 */

#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "groups.h"
#include "internal.h"
#include "output.h"
#include "top.h"

/* Longest line built: a wide terminal's, block characters being 3 bytes. */
#define LINE_MAX_COLS	512
#define LINE_SIZE	(LINE_MAX_COLS * 3 + 1)
#define CELL_SIZE	512
/* The sparkline's width in batch frames and its bounds on a terminal. */
#define SPARK_BATCH	30
#define SPARK_MIN	10
#define SPARK_MAX	TOP_SPARK_SECONDS
/* A name column narrower than this is not worth showing. */
#define NAME_MIN	6
/* Longest group name shown whole (cgroup paths can be long). */
#define GROUP_NAME_MAX	40

const char *const top_sort_names[TOP_SORT_COUNT] = {
	[TOP_SORT_RATE]		= "rate",
	[TOP_SORT_HEAP]		= "heap",
	[TOP_SORT_GROWS]	= "grows",
	[TOP_SORT_PID]		= "pid",
};

/* The key that picks each order (cmd_top.c's read_keys()). */
static const char sort_keys[TOP_SORT_COUNT] = {
	[TOP_SORT_RATE]		= 'r',
	[TOP_SORT_HEAP]		= 'h',
	[TOP_SORT_GROWS]	= 'g',
	[TOP_SORT_PID]		= 'p',
};

enum col_id {
	COL_PID, COL_NAME, COL_START_BRK, COL_BRK, COL_PROCS, COL_HEAP,
	COL_RATE, COL_GROWS, COL_SPARK, COL_COUNT,
};

/**
 * struct col - one column of the table as laid out for a frame
 * @id: what it shows
 * @head: its header
 * @prio: lower keeps it longer as the width shrinks
 * @left: left-aligned (names); numbers are right-aligned
 * @flex: a name: may be narrower than its widest cell (cut with '~')
 * @natural: widest cell or header
 * @width: width given, 0 if dropped
 */
struct col {
	enum col_id id;
	const char *head;
	int prio;
	bool left;
	bool flex;
	int natural;
	int width;
};

/* A line being built, and its width in columns. */
struct line {
	char buf[LINE_SIZE];
	size_t len;
	int cols;
};

static void line_reset(struct line *l)
{
	l->len = 0;
	l->cols = 0;
	l->buf[0] = '\0';
}

/* Append @n bytes of one-column-each text (printable ASCII). */
static void line_add(struct line *l, const char *s, size_t n)
{
	if (n > LINE_MAX_COLS - (size_t)l->cols)
		n = LINE_MAX_COLS - (size_t)l->cols;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->cols += (int)n;
	l->buf[l->len] = '\0';
}

static void line_pad(struct line *l, int n)
{
	while (n-- > 0 && l->cols < LINE_MAX_COLS)
		line_add(l, " ", 1);
}

/* One column's worth of @glyph, which may be several bytes (UTF-8). */
static void line_glyph(struct line *l, const char *glyph)
{
	size_t n = strlen(glyph);

	if (l->cols >= LINE_MAX_COLS || l->len + n >= LINE_SIZE)
		return;
	memcpy(l->buf + l->len, glyph, n);
	l->len += n;
	l->cols++;
	l->buf[l->len] = '\0';
}

/*
 * Names come from processes and cgroup directories: anything but
 * printable ASCII becomes '?', so it can neither move the cursor nor take
 * a width other than one column.
 */
static void printable(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < size; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[i] = '\0';
}

static void fmt_size(char *dst, size_t size, uint64_t v, bool bytes)
{
	if (bytes)
		snprintf(dst, size, "%" PRIu64, v);
	else
		out_human_size(dst, size, v, true);
}

/* Bytes per second, signed: "+12K", "-4096", "0"; "-" if not known. */
static void fmt_rate(char *dst, size_t size, const struct top_row *r,
		     bool bytes)
{
	double a = fabs(r->rate);
	uint64_t v;

	if (!r->has_rate) {
		snprintf(dst, size, "-");
		return;
	}
	v = a >= 0x1p63 ? UINT64_MAX : (uint64_t)llround(a);
	if (!v) {
		snprintf(dst, size, "0");
		return;
	}
	dst[0] = r->rate < 0 ? '-' : '+';
	fmt_size(dst + 1, size - 1, v, bytes);
}

/* The text of cell @id of row @r (not the sparkline). */
static void cell_text(char *dst, size_t size, const struct top_frame *f,
		      const struct top_row *r, enum col_id id)
{
	switch (id) {
	case COL_PID:
		snprintf(dst, size, "%" PRIu64, r->id);
		break;
	case COL_NAME:
		printable(dst, size, f->by == GROUP_BY_CGROUP ?
				     (r->cgroup ? r->cgroup : "-") : r->name);
		break;
	case COL_START_BRK:
		snprintf(dst, size, "0x%" PRIx64, r->start_brk);
		break;
	case COL_BRK:
		snprintf(dst, size, "0x%" PRIx64, r->brk);
		break;
	case COL_PROCS:
		snprintf(dst, size, "%" PRIu64, r->procs);
		break;
	case COL_HEAP:
		fmt_size(dst, size, r->heap, f->bytes);
		break;
	case COL_RATE:
		fmt_rate(dst, size, r, f->bytes);
		break;
	case COL_GROWS:
		snprintf(dst, size, "%" PRIu64, r->grows);
		break;
	default:
		dst[0] = '\0';
		break;
	}
}

/* The columns of this mode, in the order they are shown. */
static size_t columns(const struct top_frame *f, struct col *c)
{
	size_t n = 0;

	if (!f->by) {
		c[n++] = (struct col){ COL_PID, "PID", 0, false, false, 0, 0 };
		c[n++] = (struct col){ COL_NAME, "COMM", 3, true, true, 0, 0 };
		c[n++] = (struct col){ COL_START_BRK, "START_BRK", 7, false,
				       false, 0, 0 };
		c[n++] = (struct col){ COL_BRK, "BRK", 6, false, false, 0, 0 };
	} else {
		c[n++] = (struct col){ COL_NAME, f->by == GROUP_BY_CGROUP ?
				       "CGROUP" : "COMM", 0, true, true, 0, 0 };
		c[n++] = (struct col){ COL_PROCS, "PROCS", 4, false, false,
				       0, 0 };
	}
	c[n++] = (struct col){ COL_HEAP, "HEAP", 1, false, false, 0, 0 };
	c[n++] = (struct col){ COL_RATE, "RATE/s", 2, false, false, 0, 0 };
	c[n++] = (struct col){ COL_GROWS, "GROWS", 4, false, false, 0, 0 };
	c[n++] = (struct col){ COL_SPARK, "LAST 60s", 5, true, true, 0, 0 };
	return n;
}

/**
 * layout() - pick the columns that fit and their widths
 * @f: the frame
 * @c: its columns (columns()), @n of them; widths set, 0 for dropped
 * @n: number of columns
 * @width: the terminal's width, 0 for no limit (batch)
 * @nrows: rows whose cells count for the widths (those that will show)
 *
 * In priority order, each column gets its natural width if that fits;
 * else a name may narrow down to NAME_MIN and the sparkline (which starts
 * at SPARK_MIN) take what is left, else the column is dropped.  What
 * width is left at the end widens the sparkline to a column a second.
 */
static void layout(const struct top_frame *f, struct col *c, size_t n,
		   int width, size_t nrows)
{
	char cell[CELL_SIZE];
	int used = 0, extra;
	size_t i, k;
	int prio;

	for (i = 0; i < n; i++) {
		c[i].natural = (int)strlen(c[i].head);
		c[i].width = 0;
		if (c[i].id == COL_SPARK) {
			c[i].natural = width ? SPARK_MAX : SPARK_BATCH;
			continue;
		}
		for (k = 0; k < nrows; k++) {
			int len;

			cell_text(cell, sizeof(cell), f,
				  &f->rows[f->order[k]], c[i].id);
			len = (int)strlen(cell);
			if (len > c[i].natural)
				c[i].natural = len;
		}
		if (width && c[i].id == COL_NAME &&
		    f->by == GROUP_BY_CGROUP && c[i].natural > GROUP_NAME_MAX)
			c[i].natural = GROUP_NAME_MAX;
	}
	if (!width) {
		for (i = 0; i < n; i++)
			c[i].width = c[i].natural;
		return;
	}

	/*
	 * Most important first, each whole if it fits, else (a name, the
	 * sparkline) at its least width, else not at all.
	 */
	for (prio = 0; prio < 8; prio++) {
		for (i = 0; i < n; i++) {
			int sep = used ? 1 : 0, least = c[i].natural;

			if (c[i].prio != prio)
				continue;
			if (c[i].flex) {
				int floor = c[i].id == COL_SPARK ? SPARK_MIN :
					    NAME_MIN;

				if (least > floor)
					least = floor;
			}
			if (c[i].id != COL_SPARK &&
			    used + sep + c[i].natural <= width)
				c[i].width = c[i].natural;
			else if (used + sep + least <= width)
				c[i].width = least;
			else
				continue;
			used += sep + c[i].width;
		}
	}
	/* What is left widens the sparkline, then a name cut short. */
	extra = width - used;
	for (k = 0; k < 2; k++) {
		for (i = 0; i < n && extra > 0; i++) {
			int more;

			if (!c[i].width || !c[i].flex ||
			    (c[i].id == COL_SPARK) != (k == 0))
				continue;
			more = c[i].natural - c[i].width;
			if (more > extra)
				more = extra;
			if (more > 0) {
				c[i].width += more;
				extra -= more;
			}
		}
	}
}

/* @s in a cell @w wide: padded, or cut with a '~' where it was cut. */
static void add_cell(struct line *l, const char *s, int w, bool left,
		     bool cut_front)
{
	int len = (int)strlen(s);

	if (len > w) {
		if (w <= 1) {
			line_add(l, "~", (size_t)w);
		} else if (cut_front) {
			line_add(l, "~", 1);
			line_add(l, s + len - (w - 1), (size_t)(w - 1));
		} else {
			line_add(l, s, (size_t)(w - 1));
			line_add(l, "~", 1);
		}
		return;
	}
	if (!left)
		line_pad(l, w - len);
	line_add(l, s, (size_t)len);
	if (left)
		line_pad(l, w - len);
}

/**
 * add_spark() - the last minute of @r's heap size, @w columns
 * @l: the line
 * @f: the frame (its time, and whether to use block characters)
 * @r: the row
 * @w: width
 *
 * Column i stands for the moment TOP_SPARK_SECONDS * (i + 1) / @w seconds
 * into the minute, and shows the heap size of the last sample taken by
 * then; before the row's first sample it is blank.  The heights run from
 * the least to the most size shown, so a small growth of a large heap
 * still shows; a heap that did not move is a flat line at the bottom.
 */
static void add_spark(struct line *l, const struct top_frame *f,
		      const struct top_row *r, int w)
{
	static const char *const blocks[8] = {
		"\u2581", "\u2582", "\u2583", "\u2584",
		"\u2585", "\u2586", "\u2587", "\u2588",
	};
	static const char ascii[8] = "_.-~=+*#";
	uint64_t v[SPARK_MAX], lo = UINT64_MAX, hi = 0;
	bool has[SPARK_MAX];
	size_t s = 0;
	int i;

	if (w > SPARK_MAX)
		w = SPARK_MAX;
	for (i = 0; i < w; i++) {
		double t = f->now - TOP_SPARK_SECONDS +
			   (double)TOP_SPARK_SECONDS * (i + 1) / w + 1e-6;

		while (s < r->nsamples &&
		       r->ring[(r->head + s) % r->cap].t <= t)
			s++;
		has[i] = s > 0;
		if (!has[i])
			continue;
		v[i] = r->ring[(r->head + s - 1) % r->cap].heap;
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	for (i = 0; i < w; i++) {
		int level = 0;

		if (!has[i]) {
			line_add(l, " ", 1);
			continue;
		}
		if (hi > lo)
			level = (int)llround((double)(v[i] - lo) * 7 /
					     (double)(hi - lo));
		if (f->utf8)
			line_glyph(l, blocks[level]);
		else
			line_add(l, &ascii[level], 1);
	}
}

/* The table's header line, or row @r's line. */
static void table_line(struct line *l, const struct top_frame *f,
		       const struct col *c, size_t n, const struct top_row *r)
{
	char cell[CELL_SIZE];
	bool first = true;
	size_t i;

	line_reset(l);
	for (i = 0; i < n; i++) {
		if (!c[i].width)
			continue;
		if (!first)
			line_add(l, " ", 1);
		first = false;
		if (!r) {
			add_cell(l, c[i].head, c[i].width, c[i].left, false);
		} else if (c[i].id == COL_SPARK) {
			add_spark(l, f, r, c[i].width);
		} else {
			cell_text(cell, sizeof(cell), f, r, c[i].id);
			add_cell(l, cell, c[i].width, c[i].left,
				 f->by == GROUP_BY_CGROUP &&
				 c[i].id == COL_NAME);
		}
	}
	/* No trailing blanks: they would only be noise in captured frames. */
	while (l->len && l->buf[l->len - 1] == ' ') {
		l->buf[--l->len] = '\0';
		l->cols--;
	}
}

#define ITEMS_MAX	12
#define ITEM_SIZE	64

/**
 * header_items() - the header's pieces of text
 * @f: the frame
 * @items: filled in: first the view's, then the module's figures, then
 *	(if @keys) the keys' help
 * @keys: add the keys' help (on a terminal)
 * @split: set to the index of the first of the module's figures, where
 *	a new line starts
 *
 * Return: how many items.
 */
static size_t header_items(const struct top_frame *f,
			   char items[ITEMS_MAX][ITEM_SIZE], bool keys,
			   size_t *split)
{
	const struct stats *st = f->st;
	const char *sort = top_sort_names[f->sort];
	size_t n = 0;
	struct tm tm;
	time_t wall = (time_t)f->wall;

	if (f->sort == TOP_SORT_PID && f->by)
		sort = "name";
	snprintf(items[n++], ITEM_SIZE, "brkscope top%s",
		 f->by == GROUP_BY_COMM ? " --by comm" :
		 f->by == GROUP_BY_CGROUP ? " --by cgroup" : "");
	if (localtime_r(&wall, &tm))
		strftime(items[n++], ITEM_SIZE, "%H:%M:%S", &tm);
	snprintf(items[n++], ITEM_SIZE, "sort: %s (%c)", sort,
		 sort_keys[f->sort]);
	snprintf(items[n++], ITEM_SIZE, "every %gs", f->delay);
	if (f->by)
		snprintf(items[n++], ITEM_SIZE, "%zu groups, %zu processes",
			 f->n, f->nprocs);
	else
		snprintf(items[n++], ITEM_SIZE, "%zu processes", f->nprocs);
	*split = n;
	snprintf(items[n++], ITEM_SIZE, "records %" PRIu64 "/%" PRIu64,
		 st->value[BRKSCOPE_STATS_A_RECORDS_IN_USE],
		 st->value[BRKSCOPE_STATS_A_RECORDS_LIMIT]);
	snprintf(items[n++], ITEM_SIZE, "probe hits %" PRIu64 " misses %" PRIu64,
		 st->value[BRKSCOPE_STATS_A_PROBE_HITS],
		 st->value[BRKSCOPE_STATS_A_PROBE_MISSED]);
	snprintf(items[n++], ITEM_SIZE, "events %" PRIu64 " sent %" PRIu64
		 " dropped", st->value[BRKSCOPE_STATS_A_EVENTS_SENT],
		 st->value[BRKSCOPE_STATS_A_EVENTS_DROPPED]);
	if (keys)
		snprintf(items[n++], ITEM_SIZE,
			 "keys: r h g p sort, b bytes, q quit");
	return n;
}

/* ---- curses ---- */

/* Line @y of the screen: @s, then blanks to the right edge. */
static void put_line(int y, const char *s, attr_t attr)
{
	if (y >= LINES)
		return;
	move(y, 0);
	attron(attr);
	addstr(s);	/* ERR at the bottom-right corner only: harmless */
	attroff(attr);
	clrtoeol();
}

/*
 * Flow items [@from, @to) into lines no wider than the screen, two
 * blanks apart, each cut if it is wider alone; from line @y.  Returns the
 * next free line.
 */
static int flow_items(char items[ITEMS_MAX][ITEM_SIZE], size_t from,
		      size_t to, int y, attr_t attr)
{
	struct line l;
	size_t i;

	line_reset(&l);
	for (i = from; i < to; i++) {
		int len = (int)strlen(items[i]);

		if (l.cols && l.cols + 2 + len > COLS) {
			put_line(y++, l.buf, attr);
			line_reset(&l);
		}
		if (l.cols)
			line_add(&l, "  ", 2);
		line_add(&l, items[i], (size_t)(len < COLS ? len : COLS));
	}
	if (l.cols)
		put_line(y++, l.buf, attr);
	return y;
}

void top_draw_curses(const struct top_frame *f)
{
	char items[ITEMS_MAX][ITEM_SIZE];
	struct col c[COL_COUNT];
	struct line l;
	size_t i, n, nitems, split, shown;
	int y;

	erase();
	nitems = header_items(f, items, true, &split);
	y = flow_items(items, 0, split, 0, A_BOLD);
	y = flow_items(items, split, nitems - 1, y, A_NORMAL);
	y = flow_items(items, nitems - 1, nitems, y, A_DIM);

	shown = LINES > y + 1 ? (size_t)(LINES - y - 1) : 0;
	if (shown > f->n)
		shown = f->n;
	n = columns(f, c);
	layout(f, c, n, COLS < LINE_MAX_COLS ? COLS : LINE_MAX_COLS, shown);
	table_line(&l, f, c, n, NULL);
	/* The bar spans the width, as the eye expects of a table's head. */
	line_pad(&l, (COLS < LINE_MAX_COLS ? COLS : LINE_MAX_COLS) - l.cols);
	put_line(y++, l.buf, A_REVERSE);
	for (i = 0; i < shown; i++) {
		table_line(&l, f, c, n, &f->rows[f->order[i]]);
		put_line(y++, l.buf, A_NORMAL);
	}
	refresh();
}

/* ---- batch ---- */

int top_print_batch(const struct top_frame *f, FILE *fp)
{
	char items[ITEMS_MAX][ITEM_SIZE];
	struct col c[COL_COUNT];
	struct line l;
	size_t i, n, nitems, split;

	nitems = header_items(f, items, false, &split);
	for (i = 0; i < nitems; i++)
		fprintf(fp, "%s%s", items[i], i + 1 == split ||
			i + 1 == nitems ? "\n" : "  ");
	n = columns(f, c);
	layout(f, c, n, 0, f->n);
	table_line(&l, f, c, n, NULL);
	fprintf(fp, "%s\n", l.buf);
	for (i = 0; i < f->n; i++) {
		table_line(&l, f, c, n, &f->rows[f->order[i]]);
		fprintf(fp, "%s\n", l.buf);
	}
	putc('\n', fp);
	if (fflush(fp) == EOF || ferror(fp)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}
