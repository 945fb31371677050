/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus's text exposition format (version 0.0.4), built in memory:
 * what brkscope export writes for node_exporter's textfile collector.
 *
 * A metric family is begun once with prom_family() (its HELP and TYPE
 * lines) and its samples follow it with prom_sample(), which takes the
 * family's name from the last prom_family(): the samples of a family are
 * contiguous and under the one HELP and TYPE the format allows, by
 * construction.  Label values are escaped here; they must be valid UTF-8
 * (prom_utf8() makes them so).
 */
#ifndef BRKSCOPE_PROM_H
#define BRKSCOPE_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum prom_type {
	PROM_GAUGE,
	PROM_COUNTER,
};

/**
 * struct prom_label - one label of a sample
 * @name: a valid label name (constant)
 * @value: any valid UTF-8 string, escaped when written
 */
struct prom_label {
	const char *name;
	const char *value;
};

/**
 * struct prom - the exposition being built
 * @buf: the text, not NUL-terminated
 * @len: its length
 * @cap: room in @buf
 * @family: the name of the family prom_family() began last
 * @failed: an allocation failed: the text is incomplete (prom_done())
 */
struct prom {
	char *buf;
	size_t len;
	size_t cap;
	const char *family;
	bool failed;
};

void prom_init(struct prom *p);
void prom_free(struct prom *p);

/**
 * prom_family() - begin a metric family: its HELP and TYPE lines
 * @p: the exposition
 * @name: the metric's name, valid as the format has it; kept, not copied
 * @type: gauge or counter
 * @help: one line of text, escaped when written
 *
 * The caller begins each family once: the format allows one HELP and one
 * TYPE line per name.
 */
void prom_family(struct prom *p, const char *name, enum prom_type type,
		 const char *help);

/**
 * prom_sample() - one sample of the current family
 * @p: the exposition
 * @labels: its labels, or NULL
 * @n: how many
 * @value: the value, an integer
 */
void prom_sample(struct prom *p, const struct prom_label *labels, size_t n,
		 uint64_t value);

/**
 * prom_done() - whether the text is complete
 * @p: the exposition
 *
 * Return: 0, or -1 with errno ENOMEM if an allocation failed on the way.
 */
int prom_done(const struct prom *p);

/**
 * prom_utf8() - a string as a label value may have it: valid UTF-8
 * @s: a string of any bytes, e.g. a comm or a cgroup directory's path
 *
 * Label values must be UTF-8: node_exporter refuses the whole file for
 * one that is not.  Comms and paths are bytes; a comm is cut at 15 bytes,
 * often in the middle of a character.  Each byte that does not start or
 * continue a valid UTF-8 sequence (overlong forms, surrogates and code
 * points above U+10FFFF included) becomes the four characters \xNN, in
 * the style of out_sanitize(); the rest is kept as it is, so that paths
 * with systemd's own \x2d escapes read as they do in the file system.
 *
 * The mapping can make two strings one (a literal "\x80" and a byte 0x80):
 * callers that need distinct label sets merge what became equal.
 *
 * Return: the new string (free() it), or NULL with errno ENOMEM.
 */
char *prom_utf8(const char *s);

#endif /* BRKSCOPE_PROM_H */
