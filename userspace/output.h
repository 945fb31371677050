/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output helpers: each command describes its output once with print_*()
 * calls, and they write either aligned text or JSON.
 *
 * JSON: containers and fields map one to one; a value completed at the top
 * level ends with a newline, so a stream of top-level objects is JSON Lines.
 *
 * Text: the top-level objects are laid out in one of two styles:
 *  - block: an optional title line, then one "label: value" line per field,
 *    labels padded to a common width; blocks are separated by a blank line;
 *  - table: one row per object, a field going to the column of its JSON
 *    key; the header is printed by out_table().
 * Fields whose text label is NULL (block) or which have no column (table)
 * appear in JSON only.
 */
#ifndef BRKSCOPE_OUTPUT_H
#define BRKSCOPE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OUT_MAX_DEPTH	8
#define OUT_MAX_COLS	16
#define OUT_CELL_SIZE	96

enum out_style {
	OUT_STYLE_BLOCK,
	OUT_STYLE_TABLE,
};

/**
 * struct out_col - one column of a text table
 * @key: JSON key of the field shown in the column
 * @head: header text
 * @width: minimum width
 * @left: left-align (numbers are right-aligned)
 * @sep: text before the column, NULL for one space (nothing for the first)
 */
struct out_col {
	const char *key;
	const char *head;
	int width;
	bool left;
	const char *sep;
};

/**
 * struct out - output state of one command
 * @fp: where to write
 * @json: JSON rather than text
 * @depth: JSON: open containers
 * @in_object: JSON: whether each open container is an object
 * @nonempty: JSON: whether each open container has a member yet
 * @style: text: layout of top-level objects
 * @label_width: text, block style: width of the "label:" column
 * @objects: text: top-level objects begun so far
 * @text_depth: text: open objects
 * @titled: text, block style: the current block has a title (indent)
 * @cols: text, table style: the columns
 * @ncols: text, table style: number of @cols
 * @cells: text, table style: the current row
 */
struct out {
	FILE *fp;
	bool json;
	unsigned int depth;
	bool in_object[OUT_MAX_DEPTH];
	bool nonempty[OUT_MAX_DEPTH];
	enum out_style style;
	int label_width;
	unsigned long objects;
	unsigned int text_depth;
	bool titled;
	const struct out_col *cols;
	size_t ncols;
	char cells[OUT_MAX_COLS][OUT_CELL_SIZE];
};

/**
 * out_init() - set up output in block style
 * @o: state to initialise
 * @fp: stream to write to
 * @json: write JSON
 * @label_width: width of the "label:" column of blocks
 */
void out_init(struct out *o, FILE *fp, bool json, int label_width);

/**
 * out_table() - switch to table style; in text, print the header
 * @o: output
 * @cols: the columns, which must stay valid while @o is used
 * @ncols: number of @cols, at most OUT_MAX_COLS
 */
void out_table(struct out *o, const struct out_col *cols, size_t ncols);

/**
 * out_flush() - flush the stream
 * @o: output
 *
 * Return: 0, or -1 with errno set if anything written so far failed.
 */
int out_flush(struct out *o);

/* Containers: @key names the member when inside a JSON object. */
void out_object_begin(struct out *o, const char *key);
void out_object_end(struct out *o);
void out_array_begin(struct out *o, const char *key);
void out_array_end(struct out *o);

/**
 * print_title() - the title line of a text block (nothing in JSON)
 * @o: output
 * @fmt: printf format; %s arguments should come from out_sanitize()
 */
void print_title(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Fields.  @key is the JSON key and the table column; @label the text label
 * in blocks.
 */

/* A number; @fmt (NULL: decimal) formats it for text, e.g. "0x%" PRIx64. */
void print_u64(struct out *o, const char *key, const char *label,
	       const char *fmt, uint64_t v);
/* A byte count: "135168 (132.0 KiB)" in blocks, "132K" in tables. */
void print_size(struct out *o, const char *key, const char *label,
		uint64_t bytes);
/* Nanoseconds since boot, as seconds in text. */
void print_time_ns(struct out *o, const char *key, const char *label,
		   uint64_t ns);
/* true/false; yes/no in text. */
void print_bool(struct out *o, const char *key, const char *label, bool v);
/* A string, escaped for JSON or, in text, for the terminal. */
void print_str(struct out *o, const char *key, const char *label,
	       const char *s);
/* JSON null; @text in text. */
void print_null(struct out *o, const char *key, const char *label,
		const char *text);

/**
 * print_note() - a line outside the current layout
 * @o: output
 * @key: JSON: the note is the top-level object {"@key": @v}
 * @v: value of @key; if @flag, the note is {"@key": true} instead
 * @flag: see @v
 * @fmt: printf format of the text line, without the newline
 */
void print_note(struct out *o, const char *key, uint64_t v, bool flag,
		const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/**
 * out_sanitize() - make a string safe to print on a terminal
 * @dst: buffer
 * @size: size of @dst
 * @src: string
 *
 * Backslashes and control characters become \\ and \xNN.
 *
 * Return: @dst.
 */
char *out_sanitize(char *dst, size_t size, const char *src);

/**
 * out_human_size() - a byte count in KiB, MiB, ... with one decimal
 * @dst: buffer
 * @size: size of @dst
 * @bytes: the count
 * @terse: "1.5M" rather than "1.5 MiB"
 *
 * Return: @dst.
 */
char *out_human_size(char *dst, size_t size, uint64_t bytes, bool terse);

#endif /* BRKSCOPE_OUTPUT_H */
