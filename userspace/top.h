/* SPDX-License-Identifier: GPL-2.0 */
/*
 * brkscope top: what cmd_top.c (options, refreshes, history, keys) hands
 * top_view.c (layout, curses and plain-text drawing).
 */
#ifndef BRKSCOPE_TOP_H
#define BRKSCOPE_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "stats.h"

/* How far back the sparkline reaches, in seconds. */
#define TOP_SPARK_SECONDS	60

/* The orders rows can be shown in; the keys that pick them. */
enum top_sort {
	TOP_SORT_RATE,		/* 'r': growth rate, fastest first */
	TOP_SORT_HEAP,		/* 'h': heap size, largest first */
	TOP_SORT_GROWS,		/* 'g': grows, most first */
	TOP_SORT_PID,		/* 'p': pid (group name with --by) */
	TOP_SORT_COUNT,
};

/**
 * struct top_sample - one refresh's heap size of a row
 * @t: when, in seconds on CLOCK_MONOTONIC
 * @heap: heap bytes then
 */
struct top_sample {
	double t;
	uint64_t heap;
};

/**
 * struct top_row - a process, or a group with --by, and its recent past
 * @id: pid; with --by cgroup the cgroup id, with --by comm 0
 * @name: command name ("" with --by cgroup)
 * @cgroup: with --by cgroup the cgroup's path (valid until the next
 *	refresh), else NULL
 * @procs: processes in the group (1 for a process)
 * @start_brk: where the heap starts (processes only)
 * @brk: the program break (processes only)
 * @heap: heap bytes
 * @grows: growths counted
 * @rate: heap growth over the last interval, bytes per second
 * @has_rate: @rate is known (the row was there at the previous refresh)
 * @ring: the last @nsamples samples, oldest at @head; @cap of them fit
 * @head: index of the oldest sample in @ring
 * @nsamples: samples in @ring
 * @cap: room in @ring
 */
struct top_row {
	uint64_t id;
	char name[64];
	const char *cgroup;
	uint64_t procs;
	uint64_t start_brk;
	uint64_t brk;
	uint64_t heap;
	uint64_t grows;
	double rate;
	bool has_rate;
	struct top_sample *ring;
	size_t head;
	size_t nsamples;
	size_t cap;
};

/**
 * struct top_frame - everything one screen or batch frame shows
 * @rows: the rows
 * @order: indexes into @rows, in the order shown
 * @n: how many rows
 * @nprocs: processes seen in this refresh
 * @st: the module's figures
 * @now: CLOCK_MONOTONIC seconds of this refresh, for the sparklines
 * @wall: wall-clock time of this refresh (time(2)), for the header
 * @by: 0, GROUP_BY_COMM or GROUP_BY_CGROUP
 * @sort: the order of @order
 * @delay: seconds between refreshes
 * @bytes: sizes as exact byte counts rather than "1.5M"
 * @utf8: the locale is UTF-8: the sparkline uses block characters
 */
struct top_frame {
	const struct top_row *rows;
	const size_t *order;
	size_t n;
	size_t nprocs;
	const struct stats *st;
	double now;
	int64_t wall;
	unsigned int by;
	enum top_sort sort;
	double delay;
	bool bytes;
	bool utf8;
};

/* The sort names the header and -s use, by enum top_sort. */
extern const char *const top_sort_names[TOP_SORT_COUNT];

/**
 * top_draw_curses() - draw @f on stdscr and refresh the terminal
 * @f: the frame
 *
 * Whatever the size of the terminal: columns are dropped or narrowed to
 * fit its width, rows cut at its height.
 */
void top_draw_curses(const struct top_frame *f);

/**
 * top_print_batch() - write @f as a plain-text frame (no width limit)
 * @f: the frame
 * @fp: where to write
 *
 * Return: 0, or -1 with errno set if writing failed.
 */
int top_print_batch(const struct top_frame *f, FILE *fp);

#endif /* BRKSCOPE_TOP_H */
