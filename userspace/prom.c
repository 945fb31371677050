// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus's text exposition format, built in memory (prom.h).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "prom.h"

void prom_init(struct prom *p)
{
	memset(p, 0, sizeof(*p));
}

void prom_free(struct prom *p)
{
	free(p->buf);
	prom_init(p);
}

/* Room for @more bytes; false (and @p failed) if there is none. */
static bool prom_room(struct prom *p, size_t more)
{
	size_t cap = p->cap ? p->cap : 4096;
	char *buf;

	if (p->failed)
		return false;
	if (more <= p->cap - p->len)
		return true;
	while (cap - p->len < more) {
		if (cap > SIZE_MAX / 2)
			goto fail;
		cap *= 2;
	}
	buf = realloc(p->buf, cap);
	if (!buf)
		goto fail;
	p->buf = buf;
	p->cap = cap;
	return true;
fail:
	p->failed = true;
	return false;
}

static void put(struct prom *p, const char *s, size_t n)
{
	if (prom_room(p, n)) {
		memcpy(p->buf + p->len, s, n);
		p->len += n;
	}
}

static void put_str(struct prom *p, const char *s)
{
	put(p, s, strlen(s));
}

/*
 * @s with the escapes the format wants: backslash and newline in HELP
 * text, and the double quote too in label values.
 */
static void put_escaped(struct prom *p, const char *s, bool quote)
{
	const char *run = s;

	for (; *s; s++) {
		const char *esc = NULL;

		if (*s == '\\')
			esc = "\\\\";
		else if (*s == '\n')
			esc = "\\n";
		else if (*s == '"' && quote)
			esc = "\\\"";
		if (esc) {
			put(p, run, (size_t)(s - run));
			put_str(p, esc);
			run = s + 1;
		}
	}
	put(p, run, (size_t)(s - run));
}

static void put_u64(struct prom *p, uint64_t v)
{
	char num[24];
	char *d = num + sizeof(num);

	do {
		*--d = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(p, d, (size_t)(num + sizeof(num) - d));
}

void prom_family(struct prom *p, const char *name, enum prom_type type,
		 const char *help)
{
	p->family = name;
	put_str(p, "# HELP ");
	put_str(p, name);
	put_str(p, " ");
	put_escaped(p, help, false);
	put_str(p, "\n# TYPE ");
	put_str(p, name);
	put_str(p, type == PROM_COUNTER ? " counter\n" : " gauge\n");
}

void prom_sample(struct prom *p, const struct prom_label *labels, size_t n,
		 uint64_t value)
{
	size_t i;

	put_str(p, p->family);
	for (i = 0; i < n; i++) {
		put_str(p, i ? "," : "{");
		put_str(p, labels[i].name);
		put_str(p, "=\"");
		put_escaped(p, labels[i].value, true);
		put_str(p, "\"");
	}
	if (n)
		put_str(p, "}");
	put_str(p, " ");
	put_u64(p, value);
	put_str(p, "\n");
}

int prom_done(const struct prom *p)
{
	if (p->failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

char *prom_utf8(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s), i, j, n;
	char *out;

	if (len > (SIZE_MAX - 1) / 4) {
		errno = ENOMEM;
		return NULL;
	}
	out = malloc(len * 4 + 1);
	if (!out)
		return NULL;
	for (i = j = 0; u[i]; i += n) {
		n = out_utf8_len(s + i);
		if (n) {
			memcpy(out + j, u + i, n);
			j += n;
			continue;
		}
		out[j++] = '\\';
		out[j++] = 'x';
		out[j++] = hex[u[i] >> 4];
		out[j++] = hex[u[i] & 0xf];
		n = 1;
	}
	out[j] = '\0';
	return out;
}
