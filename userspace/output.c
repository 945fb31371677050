// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON output (see output.h).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

void out_init(struct out *o, FILE *fp, bool json, int label_width)
{
	memset(o, 0, sizeof(*o));
	o->fp = fp;
	o->json = json;
	o->style = OUT_STYLE_BLOCK;
	o->label_width = label_width;
}

int out_flush(struct out *o)
{
	if (fflush(o->fp) == EOF)
		return -1;
	if (ferror(o->fp)) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * Length of the valid UTF-8 sequence at @p, or 0 if @p does not start one
 * (overlong forms, surrogates and code points above U+10FFFF are invalid).
 */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

char *out_sanitize(char *dst, size_t size, const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t len = 0;

	if (!size)
		return dst;
	while (*p) {
		char piece[8];
		size_t n = utf8_len(p), plen;

		if (*p == '\\') {
			strcpy(piece, "\\\\");
			n = 1;
		} else if (n == 0 || *p < 0x20 || *p == 0x7f ||
			   (p[0] == 0xc2 && p[1] < 0xa0)) {
			/* control characters, C1 ones too, and stray bytes */
			snprintf(piece, sizeof(piece), "\\x%02x", *p);
			n = 1;
		} else {
			memcpy(piece, p, n);
			piece[n] = '\0';
		}
		plen = strlen(piece);
		if (len + plen >= size)
			break;
		memcpy(dst + len, piece, plen);
		len += plen;
		p += n;
	}
	dst[len] = '\0';
	return dst;
}

char *out_human_size(char *dst, size_t size, uint64_t bytes, bool terse)
{
	static const char *const units[] = {
		"KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	double v = (double)bytes / 1024.0;
	size_t i = 0;

	if (bytes < 1024) {
		snprintf(dst, size, terse ? "%" PRIu64 : "%" PRIu64 " B",
			 bytes);
		return dst;
	}
	while (v >= 1024.0 && i < sizeof(units) / sizeof(units[0]) - 1) {
		v /= 1024.0;
		i++;
	}
	if (!terse)
		snprintf(dst, size, "%.1f %s", v, units[i]);
	else if (v < 9.95)
		snprintf(dst, size, "%.1f%c", v, units[i][0]);
	else
		snprintf(dst, size, "%.0f%c", v, units[i][0]);
	return dst;
}

/* JSON */

static void json_string(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putc('"', fp);
	while (*p) {
		size_t n = utf8_len(p);

		switch (*p) {
		case '"':
			fputs("\\\"", fp);
			break;
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\b':
			fputs("\\b", fp);
			break;
		case '\f':
			fputs("\\f", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(fp, "\\u%04x", *p);
			} else if (n == 0) {
				fputs("\\ufffd", fp);	/* not UTF-8 */
			} else {
				fwrite(p, 1, n, fp);
				p += n;
				continue;
			}
		}
		p++;
	}
	putc('"', fp);
}

/* Comma and key before a value; @key is ignored outside objects. */
static void json_member(struct out *o, const char *key)
{
	unsigned int d = o->depth;

	if (!d)
		return;
	if (o->nonempty[d - 1])
		putc(',', o->fp);
	o->nonempty[d - 1] = true;
	if (o->in_object[d - 1]) {
		json_string(o->fp, key ? key : "");
		putc(':', o->fp);
	}
}

/* After a value: a complete top-level value ends its line. */
static void json_value_done(struct out *o)
{
	if (!o->depth)
		putc('\n', o->fp);
}

static void json_open(struct out *o, const char *key, bool object)
{
	if (o->depth >= OUT_MAX_DEPTH)
		abort();	/* a bug in a command, not bad input */
	json_member(o, key);
	putc(object ? '{' : '[', o->fp);
	o->in_object[o->depth] = object;
	o->nonempty[o->depth] = false;
	o->depth++;
}

static void json_close(struct out *o)
{
	if (!o->depth)
		abort();
	o->depth--;
	putc(o->in_object[o->depth] ? '}' : ']', o->fp);
	json_value_done(o);
}

/* Text */

/* The column of @key, or -1 if the table does not show it. */
static int find_col(const struct out *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->ncols; i++)
		if (!strcmp(o->cols[i].key, key))
			return (int)i;
	return -1;
}

/*
 * One row of cells, or the header, whose separators are blanks as wide as
 * the rows' ones; columns padded, no trailing blanks.
 */
static void text_row(struct out *o, bool header)
{
	size_t i;

	for (i = 0; i < o->ncols; i++) {
		const struct out_col *c = &o->cols[i];
		const char *sep = c->sep ? c->sep : " ";
		const char *cell = header ? c->head : o->cells[i];
		bool last = i + 1 == o->ncols;

		if (i && header)
			fprintf(o->fp, "%*s", (int)strlen(sep), "");
		else if (i)
			fputs(sep, o->fp);
		if (c->left && last)
			fputs(cell, o->fp);
		else
			fprintf(o->fp, c->left ? "%-*s" : "%*s", c->width, cell);
	}
	putc('\n', o->fp);
}

void out_table(struct out *o, const struct out_col *cols, size_t ncols)
{
	if (ncols > OUT_MAX_COLS)
		abort();	/* a bug in a command */
	o->style = OUT_STYLE_TABLE;
	o->cols = cols;
	o->ncols = ncols;
	if (o->json)
		return;
	text_row(o, true);
}

/* A field's text: a "label: value" line, or a cell of the current row. */
static void text_field(struct out *o, const char *key, const char *label,
		       const char *value)
{
	int col, pad;

	if (o->style == OUT_STYLE_TABLE) {
		col = find_col(o, key);
		if (col >= 0)
			snprintf(o->cells[col], OUT_CELL_SIZE, "%s", value);
		return;
	}
	if (!label)
		return;
	pad = o->label_width - (int)strlen(label) - 1;
	fprintf(o->fp, "%s%s:%*s %s\n", o->titled ? "  " : "", label,
		pad > 0 ? pad : 0, "", value);
}

void out_object_begin(struct out *o, const char *key)
{
	size_t i;

	if (o->json) {
		json_open(o, key, true);
		return;
	}
	if (o->text_depth++)
		return;
	if (o->style == OUT_STYLE_BLOCK && o->objects)
		putc('\n', o->fp);
	o->objects++;
	o->titled = false;
	for (i = 0; i < OUT_MAX_COLS; i++)
		o->cells[i][0] = '\0';
}

void out_object_end(struct out *o)
{
	if (o->json) {
		json_close(o);
		return;
	}
	if (!o->text_depth || --o->text_depth)
		return;
	if (o->style != OUT_STYLE_TABLE)
		return;
	text_row(o, false);
}

void out_array_begin(struct out *o, const char *key)
{
	if (o->json)
		json_open(o, key, false);
}

void out_array_end(struct out *o)
{
	if (o->json)
		json_close(o);
}

void print_title(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json || o->style != OUT_STYLE_BLOCK)
		return;
	va_start(ap, fmt);
	vfprintf(o->fp, fmt, ap);
	va_end(ap);
	putc('\n', o->fp);
	o->titled = true;
}

void print_u64(struct out *o, const char *key, const char *label,
	       const char *fmt, uint64_t v)
{
	char buf[32];

	if (o->json) {
		json_member(o, key);
		fprintf(o->fp, "%" PRIu64, v);
		json_value_done(o);
		return;
	}
	/* The format is the caller's, one uint64_t conversion. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(buf, sizeof(buf), fmt ? fmt : "%" PRIu64, v);
#pragma GCC diagnostic pop
	text_field(o, key, label, buf);
}

void print_size(struct out *o, const char *key, const char *label,
		uint64_t bytes)
{
	char human[32], buf[64];

	if (o->json) {
		print_u64(o, key, label, NULL, bytes);
		return;
	}
	if (o->style == OUT_STYLE_TABLE) {
		out_human_size(buf, sizeof(buf), bytes, true);
	} else if (bytes < 1024) {
		snprintf(buf, sizeof(buf), "%" PRIu64, bytes);
	} else {
		out_human_size(human, sizeof(human), bytes, false);
		snprintf(buf, sizeof(buf), "%" PRIu64 " (%s)", bytes, human);
	}
	text_field(o, key, label, buf);
}

void print_time_ns(struct out *o, const char *key, const char *label,
		   uint64_t ns)
{
	char buf[64];

	if (o->json) {
		print_u64(o, key, label, NULL, ns);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64 ".%06" PRIu64 "%s",
		 ns / 1000000000, ns % 1000000000 / 1000,
		 o->style == OUT_STYLE_BLOCK ? " s since boot" : "");
	text_field(o, key, label, buf);
}

void print_bool(struct out *o, const char *key, const char *label, bool v)
{
	if (o->json) {
		json_member(o, key);
		fputs(v ? "true" : "false", o->fp);
		json_value_done(o);
		return;
	}
	text_field(o, key, label, v ? "yes" : "no");
}

void print_str(struct out *o, const char *key, const char *label,
	       const char *s)
{
	char buf[OUT_CELL_SIZE];

	if (o->json) {
		json_member(o, key);
		json_string(o->fp, s);
		json_value_done(o);
		return;
	}
	text_field(o, key, label, out_sanitize(buf, sizeof(buf), s));
}

void print_null(struct out *o, const char *key, const char *label,
		const char *text)
{
	if (o->json) {
		json_member(o, key);
		fputs("null", o->fp);
		json_value_done(o);
		return;
	}
	text_field(o, key, label, text);
}

void print_note(struct out *o, const char *key, uint64_t v, bool flag,
		const char *fmt, ...)
{
	va_list ap;

	if (o->json) {
		json_open(o, NULL, true);
		if (flag)
			print_bool(o, key, NULL, true);
		else
			print_u64(o, key, NULL, NULL, v);
		json_close(o);
		return;
	}
	va_start(ap, fmt);
	vfprintf(o->fp, fmt, ap);
	va_end(ap);
	putc('\n', o->fp);
}
