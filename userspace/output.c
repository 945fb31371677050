// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON output (see output.h).
 *
 * Everything is built in o->buf: out_room() gives room for a piece whose
 * size is bounded, out_put() and out_blanks() take any size.  Numbers are
 * converted by hand (fmt_dec(), fmt_hex(), fmt_time(), fmt_human()), to
 * the very bytes the printf formats they stand for give: "%" PRIu64,
 * "0x%" PRIx64, "%" PRIu64 ".%06" PRIu64, and "%.1f" / "%.0f" of a byte
 * count divided by 1024 in a double.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

/* The longest number: 20 decimal digits, or "0x" and 16 hex digits. */
#define NUM_MAX		20
/* The longest key print_fields() writes without escaping it. */
#define KEY_MAX		255

static const char xdigits[] = "0123456789abcdef";

/* Buffer */

/*
 * Write to the stream.  A short write sets the stream's error flag, which
 * out_flush() checks; the first one's errno is kept for its message, since
 * stdio may have dropped what failed by then.
 */
static void out_write(struct out *o, const void *s, size_t n)
{
	if (fwrite(s, 1, n, o->fp) != n && !o->werr)
		o->werr = errno ? errno : EIO;
}

/* Hand the buffer to the stream. */
static void out_commit(struct out *o)
{
	if (o->len)
		out_write(o, o->buf, o->len);
	o->len = 0;
}

/* Room for @n bytes, @n at most OUT_BUF_SIZE; out_end() says what was used. */
static char *out_room(struct out *o, size_t n)
{
	if (OUT_BUF_SIZE - o->len < n)
		out_commit(o);
	return o->buf + o->len;
}

static void out_end(struct out *o, const char *end)
{
	o->len = (size_t)(end - o->buf);
}

static void out_put(struct out *o, const void *s, size_t n)
{
	if (OUT_BUF_SIZE - o->len < n) {
		out_commit(o);
		if (n > OUT_BUF_SIZE) {
			out_write(o, s, n);
			return;
		}
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_putc(struct out *o, char c)
{
	*out_room(o, 1) = c;
	o->len++;
}

static void out_blanks(struct out *o, size_t n)
{
	while (n) {
		size_t k = n < OUT_BUF_SIZE ? n : OUT_BUF_SIZE;

		memset(out_room(o, k), ' ', k);
		o->len += k;
		n -= k;
	}
}

/* printf() into the buffer, or straight to the stream if it is too long. */
__attribute__((format(printf, 2, 0)))
static void out_vprintf(struct out *o, const char *fmt, va_list ap)
{
	size_t room = OUT_BUF_SIZE - o->len;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(o->buf + o->len, room, fmt, aq);
	va_end(aq);
	if (n >= 0 && (size_t)n < room) {
		o->len += (size_t)n;
		return;
	}
	out_commit(o);
	vfprintf(o->fp, fmt, ap);
}

/*
 * At the end of every call: whatever is complete goes to the stream when
 * no object is open, unless the command holds it.
 */
static void out_settle(struct out *o)
{
	if (!o->hold && !o->objects_open && !o->text_depth)
		out_commit(o);
}

void out_init(struct out *o, FILE *fp, bool json, int label_width)
{
	memset(o, 0, offsetof(struct out, buf));
	o->fp = fp;
	o->json = json;
	o->style = OUT_STYLE_BLOCK;
	o->label_width = label_width;
}

void out_hold(struct out *o)
{
	o->hold = true;
}

int out_flush(struct out *o)
{
	out_commit(o);
	if (fflush(o->fp) == EOF)
		return -1;
	if (ferror(o->fp)) {
		errno = o->werr ? o->werr : EIO;
		return -1;
	}
	return 0;
}

/* Numbers */

/* @v in decimal at @p ("%" PRIu64); returns the end. */
static char *fmt_dec(char *p, uint64_t v)
{
	static const uint64_t pow10[20] = {
		1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
		100000000, 1000000000, 10000000000ULL, 100000000000ULL,
		1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
		1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL,
		10000000000000000000ULL,
	};
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324"
		"25262728293031323334353637383940414243444546474849"
		"50515253545556575859606162636465666768697071727374"
		"75767778798081828384858687888990919293949596979899";
	unsigned int digits;
	char *end;

	if (v < 10) {
		*p = (char)('0' + v);
		return p + 1;
	}
	/* bits * log10(2), then one look at the power of ten it may reach */
	digits = (64 - (unsigned int)__builtin_clzll(v)) * 1233 >> 12;
	digits += v >= pow10[digits];
	end = p + digits;
	p = end;
	while (v >= 100) {
		unsigned int r = (unsigned int)(v % 100);

		v /= 100;
		p -= 2;
		memcpy(p, &pairs[2 * r], 2);
	}
	if (v >= 10)
		memcpy(p - 2, &pairs[2 * v], 2);
	else
		p[-1] = (char)('0' + v);
	return end;
}

/* "0x%" PRIx64 */
static char *fmt_hex(char *p, uint64_t v)
{
	int n = v ? (64 - __builtin_clzll(v) + 3) / 4 : 1;
	int i;

	*p++ = '0';
	*p++ = 'x';
	for (i = n - 1; i >= 0; i--) {
		p[i] = xdigits[v & 15];
		v >>= 4;
	}
	return p + n;
}

/* Nanoseconds as seconds: "%" PRIu64 ".%06" PRIu64, microseconds cut. */
static char *fmt_time(char *p, uint64_t ns)
{
	unsigned int us = (unsigned int)(ns % 1000000000 / 1000);
	int i;

	p = fmt_dec(p, ns / 1000000000);
	*p++ = '.';
	for (i = 5; i >= 0; i--) {
		p[i] = (char)('0' + us % 10);
		us /= 10;
	}
	return p + 6;
}

/* @x / 2^@k rounded to nearest, ties to even (0 < @k < 64). */
static uint64_t round_shift(uint64_t x, unsigned int k)
{
	uint64_t q = x >> k, r = x & ((1ULL << k) - 1), half = 1ULL << (k - 1);

	return q + (r > half || (r == half && (q & 1)));
}

/* 9.95 as a double is NINE95 / 2^49 (0x1.3e66666666666p+3). */
#define NINE95	0x13e66666666666ULL

/*
 * A byte count of at least 1024 the way out_human_size() always showed
 * it: v = (double)bytes / 1024, divided by 1024 while v >= 1024 up to
 * EiB, then "%.1f %s" (v, unit), or terse "%.1f%c" if v < 9.95, else
 * "%.0f%c" (v, unit's letter).
 *
 * The same in integers: the double is m * 2^e, the count rounded to 53
 * bits (ties to even, as the conversion rounds); dividing it by a power of
 * two is exact, so v = m * 2^(e - s) exactly, and printf() rounds v's
 * exact value to nearest, ties to even.
 */
static char *fmt_human(char *p, uint64_t bytes, bool terse)
{
	static const char units[][4] = {
		"KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	unsigned int width = 64 - (unsigned int)__builtin_clzll(bytes);
	unsigned int e = 0, i, s, bits;
	uint64_t m = bytes, tenths;
	int k;

	if (width > 53) {
		e = width - 53;
		m = round_shift(bytes, e);	/* may round up to 2^53 */
	}
	/* v >= 1024 <=> the double >= 2^(10 (i + 2)) */
	bits = 64 - (unsigned int)__builtin_clzll(m) + e;
	i = (bits - 1) / 10 - 1;
	if (i > 5)
		i = 5;
	s = 10 * (i + 1);	/* > e: v = m / 2^(s - e) */
	tenths = round_shift(m * 10, s - e);

	/* v < 9.95 <=> m * 2^k < NINE95 */
	k = (int)e + 49 - (int)s;
	if (terse && !(k >= 0 ? m < (NINE95 + (1ULL << k) - 1) >> k :
			       m >> -k < NINE95)) {
		p = fmt_dec(p, round_shift(m, s - e));
		*p++ = units[i][0];
		return p;
	}
	p = fmt_dec(p, tenths / 10);
	*p++ = '.';
	*p++ = (char)('0' + tenths % 10);
	if (terse) {
		*p++ = units[i][0];
	} else {
		*p++ = ' ';
		memcpy(p, units[i], 3);
		p += 3;
	}
	return p;
}

char *out_human_size(char *dst, size_t size, uint64_t bytes, bool terse)
{
	char buf[32], *end;
	size_t n;

	if (bytes < 1024) {
		end = fmt_dec(buf, bytes);
		if (!terse) {
			memcpy(end, " B", 2);
			end += 2;
		}
	} else {
		end = fmt_human(buf, bytes, terse);
	}
	if (!size)
		return dst;
	n = (size_t)(end - buf);
	if (n > size - 1)
		n = size - 1;
	memcpy(dst, buf, n);
	dst[n] = '\0';
	return dst;
}

/* Strings */

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

/* out_sanitize(), returning the length; stops before a piece that does not fit. */
static size_t sanitize(char *dst, size_t size, const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t len = 0, n;

	if (!size)
		return 0;
	while (*p) {
		unsigned char c = *p;

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (len + 1 >= size)
				break;
			dst[len++] = (char)c;
			p++;
			continue;
		}
		if (c == '\\') {
			if (len + 2 >= size)
				break;
			dst[len++] = '\\';
			dst[len++] = '\\';
			p++;
			continue;
		}
		n = utf8_len(p);
		if (n == 0 || c < 0x20 || c == 0x7f ||
		    (c == 0xc2 && p[1] < 0xa0)) {
			/* control characters, C1 ones too, and stray bytes */
			if (len + 4 >= size)
				break;
			dst[len++] = '\\';
			dst[len++] = 'x';
			dst[len++] = xdigits[c >> 4];
			dst[len++] = xdigits[c & 15];
			p++;
			continue;
		}
		if (len + n >= size)
			break;
		memcpy(dst + len, p, n);
		len += n;
		p += n;
	}
	dst[len] = '\0';
	return len;
}

char *out_sanitize(char *dst, size_t size, const char *src)
{
	sanitize(dst, size, src);
	return dst;
}

/* JSON */

static void json_string(struct out *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	out_putc(o, '"');
	for (;;) {
		const unsigned char *run = p;
		char esc[6] = { '\\', 'u', '0', '0' };
		size_t n;

		while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			out_put(o, run, (size_t)(p - run));
		if (!*p)
			break;
		if (*p >= 0x80) {
			n = utf8_len(p);
			if (n) {
				out_put(o, p, n);
				p += n;
			} else {
				out_put(o, "\\ufffd", 6);	/* not UTF-8 */
				p++;
			}
			continue;
		}
		switch (*p) {
		case '"':
			out_put(o, "\\\"", 2);
			break;
		case '\\':
			out_put(o, "\\\\", 2);
			break;
		case '\b':
			out_put(o, "\\b", 2);
			break;
		case '\f':
			out_put(o, "\\f", 2);
			break;
		case '\n':
			out_put(o, "\\n", 2);
			break;
		case '\r':
			out_put(o, "\\r", 2);
			break;
		case '\t':
			out_put(o, "\\t", 2);
			break;
		default:	/* other controls and DEL: "\\u%04x" */
			esc[4] = xdigits[*p >> 4];
			esc[5] = xdigits[*p & 15];
			out_put(o, esc, sizeof(esc));
		}
		p++;
	}
	out_putc(o, '"');
}

/* Comma and key before a value; @key is ignored outside objects. */
static void json_member(struct out *o, const char *key)
{
	unsigned int d = o->depth;

	if (!d)
		return;
	if (o->nonempty[d - 1])
		out_putc(o, ',');
	o->nonempty[d - 1] = true;
	if (o->in_object[d - 1]) {
		json_string(o, key ? key : "");
		out_putc(o, ':');
	}
}

/* After a value: a complete top-level value ends its line. */
static void json_value_done(struct out *o)
{
	if (!o->depth)
		out_putc(o, '\n');
}

/* A value of a field: a number, true/false, a string or null. */
static void json_value(struct out *o, enum out_type type,
		       const struct out_value *v)
{
	if (v->null)
		out_put(o, "null", 4);
	else if (type == OUT_BOOL)
		out_put(o, v->u ? "true" : "false", v->u ? 4 : 5);
	else if (type == OUT_STR)
		json_string(o, v->s);
	else
		out_end(o, fmt_dec(out_room(o, NUM_MAX), v->u));
}

static void json_open(struct out *o, const char *key, bool object)
{
	if (o->depth >= OUT_MAX_DEPTH)
		abort();	/* a bug in a command, not bad input */
	json_member(o, key);
	out_putc(o, object ? '{' : '[');
	o->in_object[o->depth] = object;
	o->nonempty[o->depth] = false;
	o->depth++;
	o->objects_open += object;
}

static void json_close(struct out *o)
{
	if (!o->depth)
		abort();
	o->depth--;
	o->objects_open -= o->in_object[o->depth];
	out_putc(o, o->in_object[o->depth] ? '}' : ']');
	json_value_done(o);
}

/* Text */

/* The column of @key, or -1 if the table does not show it. */
static int find_col(const struct out *o, const char *key)
{
	size_t i;

	if (!key)
		return -1;
	for (i = 0; i < o->ncols; i++)
		if (o->cols[i].key == key || !strcmp(o->cols[i].key, key))
			return (int)i;
	return -1;
}

/*
 * One cell at @p, padded to its column's width as "%*s" (or "%-*s" for a
 * left-aligned one) pads it, but for a left-aligned last column; returns
 * the end.  There must be room for max(width, @len) bytes.
 */
static char *put_cell(char *p, const struct out_col *c, const char *s,
		      size_t len, bool last)
{
	size_t w = c->width < 0 ? -(size_t)c->width : (size_t)c->width;
	size_t pad = len < w ? w - len : 0;
	bool left = c->left || c->width < 0;

	if (c->left && last)
		pad = 0;
	if (!left) {
		memset(p, ' ', pad);
		p += pad;
	}
	memcpy(p, s, len);
	p += len;
	if (left) {
		memset(p, ' ', pad);
		p += pad;
	}
	return p;
}

/*
 * One row of cells, or the header, whose separators are blanks as wide as
 * the rows' ones; columns padded, no trailing blanks.  out_table() made
 * sure a row fits the buffer.
 */
static void text_row(struct out *o, bool header)
{
	char *p = out_room(o, o->row_room);
	size_t i;

	for (i = 0; i < o->ncols; i++) {
		const struct out_col *c = &o->cols[i];
		bool last = i + 1 == o->ncols;

		if (i && !c->sep) {
			*p++ = ' ';
		} else if (i) {
			size_t n = strlen(c->sep);

			if (header)
				memset(p, ' ', n);
			else
				memcpy(p, c->sep, n);
			p += n;
		}
		if (header)
			p = put_cell(p, c, c->head, strlen(c->head), last);
		else
			p = put_cell(p, c, o->cells[i], o->cell_len[i], last);
	}
	*p++ = '\n';
	out_end(o, p);
}

void out_table(struct out *o, const struct out_col *cols, size_t ncols)
{
	size_t i, room = 1;

	if (ncols > OUT_MAX_COLS)
		abort();	/* a bug in a command */
	/* The widest row: every cell full, or as wide as its column. */
	for (i = 0; i < ncols; i++) {
		size_t w = cols[i].width < 0 ? -(size_t)cols[i].width :
			   (size_t)cols[i].width;
		size_t head = strlen(cols[i].head);
		size_t cell = head > OUT_CELL_SIZE - 1 ? head : OUT_CELL_SIZE - 1;

		room += (cols[i].sep ? strlen(cols[i].sep) : 1) +
			(w > cell ? w : cell);
		if (room > OUT_BUF_SIZE)
			abort();	/* a bug in a command */
	}
	o->style = OUT_STYLE_TABLE;
	o->cols = cols;
	o->ncols = ncols;
	o->row_room = room;
	o->fields = NULL;	/* print_fields() maps its fields anew */
	if (o->json)
		return;
	text_row(o, true);
	out_settle(o);
}

/* @value as the cell of column @col: cut as snprintf() into a cell cuts. */
static void set_cell(struct out *o, int col, const char *value, size_t len)
{
	if (len > OUT_CELL_SIZE - 1)
		len = OUT_CELL_SIZE - 1;
	if (value != o->cells[col])
		memcpy(o->cells[col], value, len);
	o->cell_len[col] = (unsigned char)len;
}

/* Block style: "label: value", labels padded to the label width. */
static void block_line(struct out *o, const char *label, const char *value,
		       size_t len)
{
	size_t llen = strlen(label);
	int pad = o->label_width - (int)llen - 1;

	if (o->titled)
		out_put(o, "  ", 2);
	out_put(o, label, llen);
	out_putc(o, ':');
	if (pad > 0)
		out_blanks(o, (size_t)pad);
	out_putc(o, ' ');
	out_put(o, value, len);
	out_putc(o, '\n');
}

/* A field's text: a "label: value" line, or a cell of the current row. */
static void text_field(struct out *o, const char *key, const char *label,
		       const char *value, size_t len)
{
	int col;

	if (o->style == OUT_STYLE_TABLE) {
		col = find_col(o, key);
		if (col >= 0)
			set_cell(o, col, value, len);
		return;
	}
	if (label)
		block_line(o, label, value, len);
}

/*
 * The text of a value that is not null at @buf (OUT_CELL_SIZE bytes), as
 * a table (@block false) or a block shows it; returns its length.
 */
static size_t value_text(char *buf, enum out_type type,
			 const struct out_value *v, bool block)
{
	char *end = buf;

	switch (type) {
	case OUT_U64:
		end = fmt_dec(buf, v->u);
		break;
	case OUT_HEX:
		end = fmt_hex(buf, v->u);
		break;
	case OUT_SIZE:
		if (v->u < 1024) {
			end = fmt_dec(buf, v->u);
		} else if (!block) {
			end = fmt_human(buf, v->u, true);
		} else {	/* "%" PRIu64 " (%s)" */
			end = fmt_dec(buf, v->u);
			*end++ = ' ';
			*end++ = '(';
			end = fmt_human(end, v->u, false);
			*end++ = ')';
		}
		break;
	case OUT_TIME_NS:
		end = fmt_time(buf, v->u);
		if (block) {
			memcpy(end, " s since boot", 13);
			end += 13;
		}
		break;
	case OUT_BOOL:
		if (v->u) {
			memcpy(buf, "yes", 3);
			return 3;
		}
		memcpy(buf, "no", 2);
		return 2;
	case OUT_STR:
		return sanitize(buf, OUT_CELL_SIZE, v->s);
	}
	return (size_t)(end - buf);
}

/* A field in text: its value made right in its cell, if it has one. */
static void text_value_field(struct out *o, const char *label, int col,
			     enum out_type type, const struct out_value *v)
{
	const char *null_text = v->s ? v->s : "(null)";
	char buf[OUT_CELL_SIZE];

	if (o->style == OUT_STYLE_TABLE) {
		if (col < 0)
			return;
		if (v->null)
			set_cell(o, col, null_text, strlen(null_text));
		else
			o->cell_len[col] = (unsigned char)
				value_text(o->cells[col], type, v, false);
		return;
	}
	if (!label)
		return;
	if (v->null)
		block_line(o, label, null_text, strlen(null_text));
	else
		block_line(o, label, buf, value_text(buf, type, v, true));
}

/* One field, the way of the print_*() helpers. */
static void put_field(struct out *o, const char *key, const char *label,
		      enum out_type type, const struct out_value *v)
{
	if (o->json) {
		json_member(o, key);
		json_value(o, type, v);
		json_value_done(o);
		return;
	}
	text_value_field(o, label,
			 o->style == OUT_STYLE_TABLE ? find_col(o, key) : -1,
			 type, v);
}

void out_object_begin(struct out *o, const char *key)
{
	if (o->json) {
		json_open(o, key, true);
		return;
	}
	if (o->text_depth++)
		return;
	if (o->style == OUT_STYLE_BLOCK && o->objects)
		out_putc(o, '\n');
	o->objects++;
	o->titled = false;
	memset(o->cell_len, 0, sizeof(o->cell_len));
}

void out_object_end(struct out *o)
{
	if (o->json) {
		json_close(o);
		out_settle(o);
		return;
	}
	if (!o->text_depth || --o->text_depth)
		return;
	if (o->style == OUT_STYLE_TABLE)
		text_row(o, false);
	out_settle(o);
}

void out_array_begin(struct out *o, const char *key)
{
	if (o->json) {
		json_open(o, key, false);
		out_settle(o);
	}
}

void out_array_end(struct out *o)
{
	if (o->json) {
		json_close(o);
		out_settle(o);
	}
}

bool out_titles(const struct out *o)
{
	return !o->json && o->style == OUT_STYLE_BLOCK;
}

void print_title(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (!out_titles(o))
		return;
	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
	out_putc(o, '\n');
	o->titled = true;
	out_settle(o);
}

void print_u64(struct out *o, const char *key, const char *label,
	       const char *fmt, uint64_t v)
{
	struct out_value val = { .u = v };
	char buf[32];

	if (!fmt || o->json) {
		put_field(o, key, label, OUT_U64, &val);
	} else if (!strcmp(fmt, "0x%" PRIx64)) {
		put_field(o, key, label, OUT_HEX, &val);
	} else {
		/* The format is the caller's, one uint64_t conversion. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(buf, sizeof(buf), fmt, v);
#pragma GCC diagnostic pop
		text_field(o, key, label, buf, strlen(buf));
	}
	out_settle(o);
}

void print_size(struct out *o, const char *key, const char *label,
		uint64_t bytes)
{
	struct out_value val = { .u = bytes };

	put_field(o, key, label, OUT_SIZE, &val);
	out_settle(o);
}

void print_time_ns(struct out *o, const char *key, const char *label,
		   uint64_t ns)
{
	struct out_value val = { .u = ns };

	put_field(o, key, label, OUT_TIME_NS, &val);
	out_settle(o);
}

void print_bool(struct out *o, const char *key, const char *label, bool v)
{
	struct out_value val = { .u = v };

	put_field(o, key, label, OUT_BOOL, &val);
	out_settle(o);
}

void print_str(struct out *o, const char *key, const char *label,
	       const char *s)
{
	struct out_value val = { .s = s };

	put_field(o, key, label, OUT_STR, &val);
	out_settle(o);
}

void print_null(struct out *o, const char *key, const char *label,
		const char *text)
{
	struct out_value val = { .s = text, .null = true };

	put_field(o, key, label, OUT_STR, &val);
	out_settle(o);
}

/* The length of @key if JSON shows it as it is, else -1. */
static short plain_key(const char *key)
{
	size_t i;

	for (i = 0; key && key[i]; i++)
		if (i == KEY_MAX || key[i] < 0x20 || key[i] > 0x7e ||
		    key[i] == '"' || key[i] == '\\')
			return -1;
	return (short)i;
}

/* What print_fields() works out once for @fields. */
static void map_fields(struct out *o, const struct out_field *fields,
		       size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		o->field_col[i] = (signed char)(o->style == OUT_STYLE_TABLE ?
						find_col(o, fields[i].key) : -1);
		o->key_len[i] = plain_key(fields[i].key);
	}
	o->fields = fields;
	o->nfields = n;
}

/* print_fields() in a JSON object: each key written whole. */
static void json_fields(struct out *o, const struct out_field *fields,
			const struct out_value *values, size_t n)
{
	bool *nonempty = &o->nonempty[o->depth - 1];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct out_value *v = &values[i];
		enum out_type type = fields[i].type;
		size_t klen;
		char *p;

		if (o->key_len[i] < 0) {
			json_member(o, fields[i].key);
			json_value(o, type, v);
			continue;
		}
		klen = (size_t)o->key_len[i];
		p = out_room(o, klen + 4 + NUM_MAX);
		if (*nonempty)
			*p++ = ',';
		*nonempty = true;
		*p++ = '"';
		memcpy(p, fields[i].key, klen);
		p += klen;
		*p++ = '"';
		*p++ = ':';
		if (!v->null && type != OUT_BOOL && type != OUT_STR) {
			out_end(o, fmt_dec(p, v->u));
			continue;
		}
		out_end(o, p);
		json_value(o, type, v);
	}
}

void print_fields(struct out *o, const struct out_field *fields,
		  const struct out_value *values, size_t n)
{
	size_t i;

	if (n > OUT_MAX_FIELDS ||
	    (o->json && !(o->depth && o->in_object[o->depth - 1]))) {
		/* Nothing worth remembering, or values without keys. */
		for (i = 0; i < n; i++)
			put_field(o, fields[i].key, fields[i].label,
				  fields[i].type, &values[i]);
		out_settle(o);
		return;
	}
	if (fields != o->fields || n != o->nfields)
		map_fields(o, fields, n);
	if (o->json) {
		json_fields(o, fields, values, n);
	} else if (o->style == OUT_STYLE_TABLE) {
		for (i = 0; i < n; i++)
			if (o->field_col[i] >= 0)
				text_value_field(o, NULL, o->field_col[i],
						 fields[i].type, &values[i]);
	} else {
		for (i = 0; i < n; i++)
			if (fields[i].label)
				text_value_field(o, fields[i].label, -1,
						 fields[i].type, &values[i]);
	}
	out_settle(o);
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
		out_settle(o);
		return;
	}
	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
	out_putc(o, '\n');
	out_settle(o);
}

size_t out_utf8_len(const char *s)
{
	return utf8_len((const unsigned char *)s);
}
