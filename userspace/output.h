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
 *
 * Output is built in a buffer inside struct out, without stdio's printf
 * family on the way of print_fields() and the print_*() helpers (a
 * caller's own format for print_u64(), print_title() and print_note()
 * excepted), and handed to the stream with one fwrite() whenever no
 * object is open: after each table row, top-level object or note, so the
 * stream sees everything in order with what else is written to it, and
 * with stderr after fflush(stdout).  out_hold() lets a command that writes
 * nothing else keep whole rows until the buffer fills.
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
#define OUT_BUF_SIZE	16384	/* output kept before the stream gets it */
#define OUT_MAX_FIELDS	32	/* print_fields() remembers this many */

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
 * enum out_type - how print_fields() shows a value
 * @OUT_U64: decimal, as print_u64() with no format
 * @OUT_HEX: "0x" and hex digits in text, decimal in JSON
 * @OUT_SIZE: a byte count, as print_size()
 * @OUT_TIME_NS: nanoseconds since boot, as print_time_ns()
 * @OUT_BOOL: as print_bool(), the number not 0 being true
 * @OUT_STR: as print_str()
 */
enum out_type {
	OUT_U64,
	OUT_HEX,
	OUT_SIZE,
	OUT_TIME_NS,
	OUT_BOOL,
	OUT_STR,
};

/**
 * struct out_field - one field of the objects print_fields() writes
 * @key: JSON key and table column, as for the print_*() helpers
 * @label: text label in blocks, NULL for none
 * @type: how its value is shown
 */
struct out_field {
	const char *key;
	const char *label;
	enum out_type type;
};

/**
 * struct out_value - the value of one out_field
 * @u: the number (OUT_U64 ... OUT_BOOL)
 * @s: OUT_STR: the string; a null value: its text, as print_null()'s @text
 * @null: JSON null, as print_null()
 */
struct out_value {
	uint64_t u;
	const char *s;
	bool null;
};

/**
 * struct out - output state of one command
 * @fp: where to write
 * @json: JSON rather than text
 * @hold: keep whole rows in @buf until it fills (out_hold())
 * @depth: JSON: open containers
 * @objects_open: JSON: how many of them are objects
 * @in_object: JSON: whether each open container is an object
 * @nonempty: JSON: whether each open container has a member yet
 * @style: text: layout of top-level objects
 * @label_width: text, block style: width of the "label:" column
 * @objects: text: top-level objects begun so far
 * @text_depth: text: open objects
 * @titled: text, block style: the current block has a title (indent)
 * @cols: text, table style: the columns
 * @ncols: text, table style: number of @cols
 * @row_room: text, table style: bytes the widest row can take
 * @cells: text, table style: the current row
 * @cell_len: text, table style: the length of each of @cells
 * @fields: print_fields(): the fields that @field_col and @key_len are for
 * @nfields: number of @fields
 * @field_col: text, table style: the column of each of @fields, or -1
 * @key_len: JSON: the length of each of @fields' keys, -1 if it needs
 *	escaping
 * @werr: errno of the first write to @fp that failed, 0 if none
 * @len: bytes in @buf
 * @buf: output not handed to @fp yet
 */
struct out {
	FILE *fp;
	bool json;
	bool hold;
	unsigned int depth;
	unsigned int objects_open;
	bool in_object[OUT_MAX_DEPTH];
	bool nonempty[OUT_MAX_DEPTH];
	enum out_style style;
	int label_width;
	unsigned long objects;
	unsigned int text_depth;
	bool titled;
	const struct out_col *cols;
	size_t ncols;
	size_t row_room;
	char cells[OUT_MAX_COLS][OUT_CELL_SIZE];
	unsigned char cell_len[OUT_MAX_COLS];
	const struct out_field *fields;
	size_t nfields;
	signed char field_col[OUT_MAX_FIELDS];
	short key_len[OUT_MAX_FIELDS];
	int werr;
	size_t len;
	char buf[OUT_BUF_SIZE];
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
 *
 * A row as wide as the columns' widths, heads and full cells allow must
 * fit in OUT_BUF_SIZE bytes.
 */
void out_table(struct out *o, const struct out_col *cols, size_t ncols);

/**
 * out_hold() - keep whole rows and objects until the buffer fills
 * @o: output
 *
 * For a command that writes nothing else to the stream, and nothing to
 * stderr, until out_flush(): the stream then gets its output in writes
 * of up to OUT_BUF_SIZE bytes rather than one per row.
 */
void out_hold(struct out *o);

/**
 * out_flush() - hand everything to the stream and flush it
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
 * out_titles() - whether print_title() prints anything
 * @o: output
 *
 * Return: true in text, block style: a caller may skip making a title
 * nobody sees.
 */
bool out_titles(const struct out *o);

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
 * print_fields() - many fields at once
 * @o: output
 * @fields: the fields, which must stay valid and unchanged while @o is
 *	used: what is worked out for them is kept
 * @values: a value for each of @fields
 * @n: number of @fields and @values
 *
 * Writes what print_u64(), print_size(), print_time_ns(), print_bool(),
 * print_str() and print_null() would for each field in turn, byte for
 * byte, faster: the column of each field and the length of each key are
 * worked out once for @fields (up to OUT_MAX_FIELDS of them), and fields
 * a text layout does not show are not formatted at all.
 */
void print_fields(struct out *o, const struct out_field *fields,
		  const struct out_value *values, size_t n);

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
 * out_utf8_len() - the length of the UTF-8 sequence a string starts with
 * @s: the string, not at its end
 *
 * Return: 1 to 4, or 0 if @s does not start a valid UTF-8 sequence
 * (overlong forms, surrogates and code points above U+10FFFF are invalid).
 */
size_t out_utf8_len(const char *s);

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
