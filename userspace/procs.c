// SPDX-License-Identifier: GPL-2.0
/*
 * Processes from BRKSCOPE_CMD_GET messages: parsed in one walk over each
 * message's attributes, for get, list, export and top.
 */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "internal.h"
#include "procs.h"

/* The attributes a process must have, as bits (1 << BRKSCOPE_A_*). */
#define PROC_REQUIRED							\
	(1u << BRKSCOPE_A_PID | 1u << BRKSCOPE_A_COMM |			\
	 1u << BRKSCOPE_A_START_BRK | 1u << BRKSCOPE_A_BRK |		\
	 1u << BRKSCOPE_A_HEAP_END | 1u << BRKSCOPE_A_GROWS |		\
	 1u << BRKSCOPE_A_GROWN_BYTES | 1u << BRKSCOPE_A_FAILED_GROWS |	\
	 1u << BRKSCOPE_A_SHRINKS | 1u << BRKSCOPE_A_SHRUNK_BYTES |	\
	 1u << BRKSCOPE_A_PEAK_BRK)

_Static_assert(BRKSCOPE_A_MAX < 32, "attribute bits fit a uint32_t");

/*
 * Fill @p from a BRKSCOPE_CMD_GET message, in one walk over its
 * attributes.  What is malformed is what brkscope_msg() (common.c) and
 * the check for required attributes found malformed: a known top-level
 * attribute of the wrong size (NUL_STRING: unterminated, FLAG: not empty,
 * NESTED: not empty and shorter than a header) or a required one missing;
 * attributes of a newer module are skipped, the last of two counts.
 * Return: 1, 0 if it is not one (skip), -1 with errno set if malformed.
 */
int proc_from_msg(const struct nlmsghdr *nlh, const struct nl_ctx *nl,
			 struct proc *p)
{
	const struct genlmsghdr *genl;
	const char *pos, *tail;
	uint32_t seen = 0;

	if (nlh->nlmsg_type != nl->family_id)
		return 0;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl))
		goto malformed;
	genl = mnl_nlmsg_get_payload(nlh);
	if (genl->cmd != BRKSCOPE_CMD_GET)
		return 0;

	/*
	 * mnl_attr_for_each(), without four libmnl calls per attribute: the
	 * same start and end, and an attribute that does not fit ends the
	 * walk, as mnl_attr_ok() has it.
	 */
	pos = mnl_nlmsg_get_payload_offset(nlh, sizeof(*genl));
	tail = mnl_nlmsg_get_payload_tail(nlh);
	while (tail - pos >= (ptrdiff_t)sizeof(struct nlattr)) {
		const struct nlattr *attr = (const struct nlattr *)pos;
		const char *data = pos + MNL_ATTR_HDRLEN;
		uint16_t type = attr->nla_type & NLA_TYPE_MASK, len;
		uint64_t *u64 = NULL;
		size_t n;

		if (attr->nla_len < sizeof(*attr) || attr->nla_len > tail - pos)
			break;
		len = attr->nla_len - MNL_ATTR_HDRLEN;
		pos += MNL_ALIGN(attr->nla_len);

		switch (type) {
		case BRKSCOPE_A_PID:
			if (len != sizeof(p->pid))
				goto malformed;
			memcpy(&p->pid, data, sizeof(p->pid));
			break;
		case BRKSCOPE_A_COMM:
			if (!len || data[len - 1])
				goto malformed;
			n = strnlen(data, sizeof(p->comm) - 1);
			memcpy(p->comm, data, n);
			p->comm[n] = '\0';
			break;
		case BRKSCOPE_A_START_BRK:
			u64 = &p->start_brk;
			break;
		case BRKSCOPE_A_BRK:
			u64 = &p->brk;
			break;
		case BRKSCOPE_A_HEAP_END:
			u64 = &p->heap_end;
			break;
		case BRKSCOPE_A_HEAP_BYTES:
			u64 = &p->heap_bytes;
			break;
		case BRKSCOPE_A_GROWS:
			u64 = &p->grows;
			break;
		case BRKSCOPE_A_GROWN_BYTES:
			u64 = &p->grown_bytes;
			break;
		case BRKSCOPE_A_FAILED_GROWS:
			u64 = &p->failed_grows;
			break;
		case BRKSCOPE_A_SHRINKS:
			u64 = &p->shrinks;
			break;
		case BRKSCOPE_A_SHRUNK_BYTES:
			u64 = &p->shrunk_bytes;
			break;
		case BRKSCOPE_A_PEAK_BRK:
			u64 = &p->peak_brk;
			break;
		case BRKSCOPE_A_LAST_CHANGE_NS:
			u64 = &p->last_change_ns;
			break;
		case BRKSCOPE_A_CGROUP_ID:
			u64 = &p->cgroup_id;
			break;
		case BRKSCOPE_A_TRACKED:
			if (len)
				goto malformed;
			break;
		/* Attributes of other commands, checked all the same. */
		case BRKSCOPE_A_EVENT_TYPE:
		case BRKSCOPE_A_EVENT_SOURCE:
			if (len != sizeof(uint8_t))
				goto malformed;
			break;
		case BRKSCOPE_A_EVENT_SEQ:
		case BRKSCOPE_A_EVENT_OLD_BRK:
		case BRKSCOPE_A_EVENT_NEW_BRK:
		case BRKSCOPE_A_EVENT_LEN:
		case BRKSCOPE_A_EVENT_TIME_NS:
			if (len != sizeof(uint64_t))
				goto malformed;
			break;
		case BRKSCOPE_A_STATS:
			if (len && len < MNL_ATTR_HDRLEN)
				goto malformed;
			break;
		default:	/* UNSPEC, PAD, and a newer module's */
			continue;
		}
		if (u64) {
			if (len != sizeof(*u64))
				goto malformed;
			memcpy(u64, data, sizeof(*u64));
		}
		seen |= 1u << type;
	}
	if ((seen & PROC_REQUIRED) != PROC_REQUIRED)
		goto malformed;
	/* A module from before cgroups: 0, "the module did not say". */
	if (!(seen & 1u << BRKSCOPE_A_CGROUP_ID))
		p->cgroup_id = 0;
	/* The module derives it; an older module does not send it. */
	if (!(seen & 1u << BRKSCOPE_A_HEAP_BYTES))
		p->heap_bytes = p->brk > p->start_brk ? p->brk - p->start_brk : 0;
	p->has_last_change = seen & 1u << BRKSCOPE_A_LAST_CHANGE_NS;
	if (!p->has_last_change)
		p->last_change_ns = 0;
	p->tracked = seen & 1u << BRKSCOPE_A_TRACKED;
	return 1;

malformed:
	errno = EPROTO;
	return -1;
}

struct list_data {
	const struct nl_ctx *nl;
	struct proc_vec pv;
};

/* Each process straight into the array, no copy. */
static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct list_data *d = data;
	struct proc_vec *pv = &d->pv;
	int ret;

	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 1024;
		struct proc *v = reallocarray(pv->v, cap, sizeof(*v));

		if (!v)
			return MNL_CB_ERROR;	/* errno: ENOMEM */
		pv->v = v;
		pv->cap = cap;
	}
	ret = proc_from_msg(nlh, d->nl, &pv->v[pv->n]);
	if (ret < 0)
		return MNL_CB_ERROR;
	pv->n += (size_t)ret;
	return MNL_CB_OK;
}

int procs_dump(struct nl_ctx *nl, struct proc_vec *pv)
{
	struct list_data d = { .nl = nl, .pv = *pv };
	struct nlmsghdr *nlh;
	int ret;

	d.pv.n = 0;
	nlh = nl_genl_msg(nl, nl->family_id, BRKSCOPE_CMD_GET,
			  BRKSCOPE_FAMILY_VERSION, NLM_F_DUMP);
	ret = nl_request(nl, nlh, list_cb, &d);
	*pv = d.pv;	/* what grew is the caller's to free, even on error */
	return ret ? -1 : 0;
}

void proc_vec_free(struct proc_vec *pv)
{
	free(pv->v);
	pv->v = NULL;
	pv->n = 0;
	pv->cap = 0;
}
