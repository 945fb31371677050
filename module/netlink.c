// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "brkscope" (uapi/brkscope.h documents it).
 *
 * Strict everywhere: the family leaves resv_start_op at 0, so genetlink
 * rejects reserved header bits, odd flags and, for GET_STATS, which has no
 * policy, every attribute.  Each error this file returns carries an extack
 * message that says what was wrong.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/threads.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "brkscope.h"
#include "compat.h"
#include "uapi/brkscope.h"

/* Not const: 6.1's nla_policy takes a non-const pointer. */
static struct netlink_range_validation pid_range = {
	.min = 1,
	.max = PID_MAX_LIMIT,
};

static const struct nla_policy get_policy[BRKSCOPE_A_PID + 1] = {
	[BRKSCOPE_A_PID] = NLA_POLICY_FULL_RANGE(NLA_U32, &pid_range),
};

static struct genl_family brkscope_family;

static int put_u64(struct sk_buff *skb, int type, u64 value)
{
	return nla_put_u64_64bit(skb, type, value, BRKSCOPE_A_PAD);
}

/* The attributes of one process, as listed in uapi/brkscope.h. */
static int put_process(struct sk_buff *skb, const struct brkscope_view *v)
{
	if (nla_put_u32(skb, BRKSCOPE_A_PID, v->pid) ||
	    nla_put_string(skb, BRKSCOPE_A_COMM, v->comm) ||
	    put_u64(skb, BRKSCOPE_A_START_BRK, v->start_brk) ||
	    put_u64(skb, BRKSCOPE_A_BRK, v->brk) ||
	    put_u64(skb, BRKSCOPE_A_HEAP_END, v->heap_end) ||
	    put_u64(skb, BRKSCOPE_A_HEAP_BYTES, v->heap_bytes) ||
	    put_u64(skb, BRKSCOPE_A_GROWS, v->c.grows) ||
	    put_u64(skb, BRKSCOPE_A_GROWN_BYTES, v->c.grown_bytes) ||
	    put_u64(skb, BRKSCOPE_A_FAILED_GROWS, v->c.failed_grows) ||
	    put_u64(skb, BRKSCOPE_A_SHRINKS, v->c.shrinks) ||
	    put_u64(skb, BRKSCOPE_A_SHRUNK_BYTES, v->c.shrunk_bytes) ||
	    put_u64(skb, BRKSCOPE_A_PEAK_BRK, v->peak_brk) ||
	    put_u64(skb, BRKSCOPE_A_CGROUP_ID, v->cgroup_id))
		return -EMSGSIZE;
	if (v->c.last_change_ns &&
	    put_u64(skb, BRKSCOPE_A_LAST_CHANGE_NS, v->c.last_change_ns))
		return -EMSGSIZE;
	if (v->tracked && nla_put_flag(skb, BRKSCOPE_A_TRACKED))
		return -EMSGSIZE;
	return 0;
}

/*
 * The credentials the requesting socket was opened with.  A request is
 * handled in the context of whoever wrote it to the socket, and a dump is
 * resumed by whoever reads it: neither need be the socket's opener.  NULL
 * for a kernel socket, which has no file (as netlink_ns_capable() trusts).
 */
static const struct cred *opener_cred(const struct sk_buff *skb)
{
	const struct sock *sk = NETLINK_CB(skb).sk;

	if (!sk || !sk->sk_socket || !sk->sk_socket->file)
		return NULL;
	return sk->sk_socket->file->f_cred;
}

static int get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[BRKSCOPE_A_PID];
	struct brkscope_reader rd = {
		.opener	= opener_cred(skb),
		.ns	= task_active_pid_ns(current),
		.check	= true,
	};
	struct task_struct *task;
	struct brkscope_view v;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, BRKSCOPE_A_PID)) {
		NL_SET_ERR_MSG(info->extack, "GET needs a pid (BRKSCOPE_A_PID)");
		return -EINVAL;
	}
	task = brkscope_find_task(nla_get_u32(attr), rd.ns);
	if (!task) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "no such process in the caller's pid namespace");
		return -ESRCH;
	}
	ret = brkscope_view_task(task, &rd, NULL, &v);
	put_task_struct(task);
	if (ret == -ESRCH) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "process has no user address space (kernel thread or exiting)");
		return ret;
	}
	if (ret == -EPERM) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "no ptrace read access to this process, for the caller or the socket's opener (the rule of /proc/PID/stat)");
		return ret;
	}

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &brkscope_family, 0, BRKSCOPE_CMD_GET);
	if (!hdr || put_process(msg, &v)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * What a dump keeps between the recv() calls that resume it, pinned when it
 * starts: whom it answers to, and the next pid to look at.
 */
struct dump_state {
	const struct cred *opener;
	struct pid_namespace *ns;
	pid_t next;
};

static struct dump_state *dump_state(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct dump_state) > sizeof(cb->ctx));
	return (struct dump_state *)cb->ctx;
}

static int get_dump_start(struct netlink_callback *cb)
{
	const struct nlattr *attr = brkscope_dump_attrs(cb)[BRKSCOPE_A_PID];
	struct dump_state *st = dump_state(cb);
	const struct cred *opener;

	if (attr) {
		/* Before 6.5 a dump's start() has no extack: errno only. */
		NL_SET_ERR_MSG_ATTR(cb->extack, attr,
				    "a dump lists every process: leave out the pid, or drop NLM_F_DUMP");
		return -EINVAL;
	}
	/*
	 * The dump lists the pid namespace of the task that asked for it,
	 * whoever resumes it later: pids are numbers in one namespace only.
	 */
	opener = opener_cred(cb->skb);
	st->opener = opener ? get_cred(opener) : NULL;
	st->ns = get_pid_ns(task_active_pid_ns(current));
	st->next = 1;
	return 0;
}

/* Also when the socket is closed before the dump ended. */
static int get_dump_done(struct netlink_callback *cb)
{
	struct dump_state *st = dump_state(cb);

	if (st->opener)
		put_cred(st->opener);
	put_pid_ns(st->ns);
	return 0;
}

/*
 * Walk the dump's pid namespace in pid order, as /proc's readdir does, and
 * resume from the pid that did not fit.  A process that lives through the
 * whole dump is listed exactly once, whatever exits or forks meanwhile.
 * Each row must pass the /proc rule for the socket's opener and for the
 * task reading now.
 */
static int get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_state *st = dump_state(cb);
	struct brkscope_reader rd = {
		.opener	= st->opener,
		.ns	= st->ns,
		.check	= true,
	};
	pid_t nr = st->next;
	struct brkscope_view v;

	for (; nr > 0; nr++) {
		struct task_struct *task = NULL;
		struct pid *pid;
		void *hdr;
		int ret;

		/* Also between processes skipped: they may be thousands. */
		cond_resched();
		rcu_read_lock();
		pid = find_ge_pid(nr, rd.ns);
		if (pid) {
			nr = pid_nr_ns(pid, rd.ns);
			task = pid_task(pid, PIDTYPE_TGID);
			if (task)
				get_task_struct(task);
		}
		rcu_read_unlock();
		if (!pid) {
			nr = 0;		/* done: the next call returns nothing */
			break;
		}
		if (!task)
			continue;	/* a thread id, not a process */
		ret = brkscope_view_task(task, &rd, NULL, &v);
		put_task_struct(task);
		if (ret)
			continue;	/* no address space, or not ours to see */

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &brkscope_family,
				  NLM_F_MULTI, BRKSCOPE_CMD_GET);
		if (!hdr)
			break;
		if (put_process(skb, &v)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	st->next = nr;
	return skb->len;
}

/* The BRKSCOPE_A_STATS nest: the figures of debugfs's stats file. */
static int put_stats(struct sk_buff *msg)
{
	struct brkscope_stat st[BRKSCOPE_NR_STATS];
	struct nlattr *nest;
	int i;

	brkscope_stats_read(st);
	nest = nla_nest_start(msg, BRKSCOPE_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < BRKSCOPE_NR_STATS; i++) {
		if (nla_put_u64_64bit(msg, st[i].attr, st[i].value,
				      BRKSCOPE_STATS_A_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &brkscope_family, 0,
				BRKSCOPE_CMD_GET_STATS);
	if (!hdr || put_stats(msg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * The same right as joining the events group, of both the socket's opener
 * and the caller (a socket handed to a more privileged process gets no
 * more): without it, anyone could make every system call pay for the probe
 * on brk(2)'s return.
 */
static int arm_doit(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		GENL_SET_ERR_MSG(info, "arming brk(2) events needs CAP_SYS_ADMIN, as the events group");
		return -EPERM;
	}
	ret = brkscope_returns_arm();
	if (ret)
		GENL_SET_ERR_MSG(info, "brk(2)'s return cannot be probed (see the kernel log)");
	return ret;
}

/**
 * brkscope_netlink_new_batch() - a datagram for events
 *
 * NLMSG_GOODSIZE: what every netlink reader can take in one recv(), libmnl's
 * default buffer included.
 *
 * Return: an empty skb, or NULL.
 */
struct sk_buff *brkscope_netlink_new_batch(void)
{
	return nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
}

/*
 * One attribute at @p, its room already reserved: the event path writes
 * tens of thousands of messages a second in a storm, and nla_put()'s layers
 * cost ten times this.  No 64-bit padding: nla_put_u64_64bit() adds none
 * either where unaligned access is efficient, as on x86-64 (compat.h).
 */
static __always_inline void *put_attr(void *p, int type, const void *data, int len)
{
	struct nlattr *nla = p;

	nla->nla_type = type;
	nla->nla_len = nla_attr_size(len);
	/* Constant sizes: the copy and the padding are a few moves. */
	memcpy(nla_data(nla), data, len);
	memset(nla_data(nla) + len, 0, nla_padlen(len));
	return p + nla_total_size(len);
}

/*
 * The command name, NUL included (@len bytes), without a call to memcpy()
 * or memset() for a variable length: all TASK_COMM_LEN bytes are copied,
 * and what lies past the attribute is written over by the ones after it
 * (@p has room for them); the padding is zeroed.
 */
static __always_inline void *put_comm(void *p, const char *comm, int len)
{
	struct nlattr *nla = p;
	char *d = nla_data(nla);
	int i;

	nla->nla_type = BRKSCOPE_A_COMM;
	nla->nla_len = nla_attr_size(len);
	memcpy(d, comm, TASK_COMM_LEN);
	for (i = len; i < NLA_ALIGN(len); i++)
		d[i] = 0;
	return p + nla_total_size(len);
}

/**
 * brkscope_netlink_add_event() - append one event message to a batch
 * @skb: from brkscope_netlink_new_batch()
 * @ev:  the event
 *
 * The attributes of BRKSCOPE_CMD_EVENT, in the order uapi/brkscope.h lists
 * them.
 *
 * Return: 0, or -EMSGSIZE when it does not fit (@skb is left as it was).
 */
int brkscope_netlink_add_event(struct sk_buff *skb, const struct brkscope_event *ev)
{
	int comm_len = 1, len;
	u32 pid = ev->pid;
	struct nlmsghdr *nlh;
	struct genlmsghdr *gh;
	void *p;

	BUILD_BUG_ON(sizeof(ev->comm) != TASK_COMM_LEN);
	while (comm_len < TASK_COMM_LEN && ev->comm[comm_len - 1])
		comm_len++;
	len = NLMSG_HDRLEN + GENL_HDRLEN +
	      6 * nla_total_size(sizeof(u64)) + 2 * nla_total_size(sizeof(u8)) +
	      nla_total_size(sizeof(u32)) + nla_total_size(comm_len);
	if (skb_tailroom(skb) < len)
		return -EMSGSIZE;

	/*
	 * The headers genlmsg_put() would write (no header of the family's
	 * own, so the attributes follow at once), by hand: its
	 * nlmsg_put() and the zero-length padding memset() under it cost a
	 * storm's events more than the attributes do.
	 */
	BUILD_BUG_ON(!IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS));
	nlh = __skb_put(skb, len);
	nlh->nlmsg_len = len;
	nlh->nlmsg_type = brkscope_family.id;
	nlh->nlmsg_flags = 0;
	nlh->nlmsg_seq = 0;
	nlh->nlmsg_pid = 0;
	gh = nlmsg_data(nlh);
	gh->cmd = BRKSCOPE_CMD_EVENT;
	gh->version = BRKSCOPE_FAMILY_VERSION;
	gh->reserved = 0;
	p = (void *)gh + GENL_HDRLEN;
	p = put_attr(p, BRKSCOPE_A_EVENT_SEQ, &ev->seq, sizeof(u64));
	p = put_attr(p, BRKSCOPE_A_EVENT_TYPE, &ev->type, sizeof(u8));
	p = put_attr(p, BRKSCOPE_A_EVENT_SOURCE, &ev->source, sizeof(u8));
	p = put_attr(p, BRKSCOPE_A_PID, &pid, sizeof(u32));
	/* Not the last: put_comm() writes past its attribute. */
	p = put_comm(p, ev->comm, comm_len);
	p = put_attr(p, BRKSCOPE_A_EVENT_OLD_BRK, &ev->old_brk, sizeof(u64));
	p = put_attr(p, BRKSCOPE_A_EVENT_NEW_BRK, &ev->new_brk, sizeof(u64));
	p = put_attr(p, BRKSCOPE_A_EVENT_LEN, &ev->len, sizeof(u64));
	p = put_attr(p, BRKSCOPE_A_EVENT_TIME_NS, &ev->time_ns, sizeof(u64));
	put_attr(p, BRKSCOPE_A_CGROUP_ID, &ev->cgroup_id, sizeof(u64));
	return 0;
}

/**
 * brkscope_netlink_send_batch() - multicast a batch to the events group
 * @skb: from brkscope_netlink_new_batch(), consumed
 *
 * Process context (the events work item).
 *
 * Return: 0 when a subscriber got it; -ESRCH when none did: there was none,
 * or the only ones had full sockets (-ENOBUFS instead for those that set
 * NETLINK_BROADCAST_ERROR); -ENOMEM.
 */
int brkscope_netlink_send_batch(struct sk_buff *skb)
{
	return genlmsg_multicast(&brkscope_family, skb, 0, 0, GFP_KERNEL);
}

/* Safe in probe context: a bitmap test. */
bool brkscope_netlink_has_listeners(void)
{
	return genl_has_listeners(&brkscope_family, &init_net, 0) > 0;
}

static const struct genl_ops brkscope_ops[] = {
	{
		.cmd		= BRKSCOPE_CMD_GET,
		.doit		= get_doit,
		.start		= get_dump_start,
		.dumpit		= get_dumpit,
		.done		= get_dump_done,
		.policy		= get_policy,
		.maxattr	= BRKSCOPE_A_PID,
	},
	{
		.cmd		= BRKSCOPE_CMD_GET_STATS,
		.doit		= stats_doit,
	},
	{
		.cmd		= BRKSCOPE_CMD_ARM,
		.doit		= arm_doit,
	},
};

#if BRKSCOPE_ARM_ON_JOIN
/*
 * Called as a socket joins the events group (the only one), once the kernel
 * let it (GENL_MCAST_CAP_SYS_ADMIN), with genetlink's lock held for reading,
 * in the joining task's context.  The kernel judges CAP_SYS_ADMIN in the
 * socket's network namespace, which any user can own (a new user
 * namespace), and calls this for any namespace, while events go to the
 * initial one only: only a task with CAP_SYS_ADMIN there can be sent any,
 * so only its join arms the probe on brk(2)'s return.  Anyone else would
 * make every system call pay for nothing.
 */
static int events_bind(int mcgrp)
{
	if (ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN))
		brkscope_returns_arm();
	return 0;
}
#endif

static const struct genl_multicast_group brkscope_mcgrps[] = {
	/* Events show every process's heap addresses: admins only. */
	{ .name = BRKSCOPE_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

static struct genl_family brkscope_family __ro_after_init = {
	.name		= BRKSCOPE_FAMILY_NAME,
	.version	= BRKSCOPE_FAMILY_VERSION,
	.maxattr	= BRKSCOPE_A_MAX,
	.module		= THIS_MODULE,
	.parallel_ops	= true,
	.ops		= brkscope_ops,
	.n_ops		= ARRAY_SIZE(brkscope_ops),
	.mcgrps		= brkscope_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(brkscope_mcgrps),
#if BRKSCOPE_ARM_ON_JOIN
	.bind		= events_bind,
#endif
};

int brkscope_netlink_init(void)
{
	return genl_register_family(&brkscope_family);
}

/* Waits for requests in flight; a dump in flight holds the module. */
void brkscope_netlink_exit(void)
{
	genl_unregister_family(&brkscope_family);
}
