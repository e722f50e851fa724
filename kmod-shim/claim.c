// SPDX-License-Identifier: GPL-2.0
/*
 * Claims: the loader names a patch module (and hands over the vmlinux
 * symbols it may refer to) before loading it, so that the module's
 * klp_enable_patch() call is served by the shim instead of the kernel's
 * livepatch. Unclaimed modules are never touched.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "shunt.h"
#include "shunt_abi.h"

enum shunt_claim_state {
	SHUNT_CLAIM_PENDING,
	SHUNT_CLAIM_APPLIED,
	SHUNT_CLAIM_FAILED,
};

struct shunt_claim_sym {
	unsigned long addr;
	char *name;
};

struct shunt_claim {
	struct list_head node;		/* in shunt_claims, RCU for routing */
	struct rcu_head rcu;
	char name[MODULE_NAME_LEN];
	struct pid *owner;		/* the process that claimed it */
	struct shunt_options opts;
	enum shunt_claim_state state;
	int err;
	char msg[256];
	struct shunt_claim_sym *syms;	/* in /proc/kallsyms order */
	unsigned int nr_syms, max_syms;
};

static LIST_HEAD(shunt_claims);
static DEFINE_MUTEX(shunt_claim_mutex);

/*
 * A claim belongs to the process that wrote it: only a module that
 * process loads is routed to the shim (a module's init runs in the
 * process that loads it). A dead loader's claim captures nobody else's
 * load, and it is dropped at the next write and not shown.
 */
static bool claim_mine(const struct shunt_claim *c)
{
	return c->owner == task_tgid(current);
}

static bool claim_owner_alive(const struct shunt_claim *c)
{
	struct task_struct *task;
	bool alive;

	rcu_read_lock();
	task = pid_task(c->owner, PIDTYPE_TGID);
	alive = task && !(task->flags & PF_EXITING);
	rcu_read_unlock();
	return alive;
}

/* the caller's claim of name; any process's with anyone */
static struct shunt_claim *claim_lookup(const char *name, bool anyone)
{
	struct shunt_claim *c;

	list_for_each_entry(c, &shunt_claims, node)
		if (!strcmp(c->name, name) && (anyone || claim_mine(c)))
			return c;
	return NULL;
}

static struct shunt_claim *claim_find(const char *name)
{
	return claim_lookup(name, false);
}

static void claim_free(struct shunt_claim *c)
{
	unsigned int i;

	put_pid(c->owner);
	for (i = 0; i < c->nr_syms; i++)
		kfree(c->syms[i].name);
	kvfree(c->syms);
	kfree(c);
}

static void claim_free_rcu(struct rcu_head *rcu)
{
	claim_free(container_of(rcu, struct shunt_claim, rcu));
}

/* each claim holds the routing hooks (route.c) */
static void claim_remove(struct shunt_claim *c)
{
	list_del_rcu(&c->node);
	call_rcu(&c->rcu, claim_free_rcu);
	shunt_route_put();
}

/*
 * Called from the routing ftrace handler: RCU only, no locks. A claimed
 * module is ours when its owner loads it, until the loader unclaims it,
 * also after a failed attempt: a retry (busybox insmod falls back from
 * finit_module() to init_module()) must not slip through to the kernel's
 * livepatch.
 */
bool shunt_claim_exists(const char *modname)
{
	struct shunt_claim *c;
	bool ret = false;

	rcu_read_lock();
	list_for_each_entry_rcu(c, &shunt_claims, node) {
		if (!strcmp(c->name, modname) && claim_mine(c)) {
			ret = true;
			break;
		}
	}
	rcu_read_unlock();
	return ret;
}

int shunt_claim_options(const char *modname, struct shunt_options *opts)
{
	struct shunt_claim *c;
	int ret = -ENOENT;

	mutex_lock(&shunt_claim_mutex);
	c = claim_find(modname);
	if (c) {
		*opts = c->opts;
		c->state = SHUNT_CLAIM_PENDING;
		ret = 0;
	}
	mutex_unlock(&shunt_claim_mutex);
	return ret;
}

/*
 * The sympos'th vmlinux symbol called sym among those the loader handed
 * over, with the kernel's meaning of old_sympos: 0 means it must be
 * unique.
 */
int shunt_claim_lookup_sym(const char *modname, const char *sym,
			   unsigned long sympos, unsigned long *addr,
			   char *err, size_t errlen)
{
	unsigned long count = 0, found = 0;
	struct shunt_claim *c;
	unsigned int i;

	mutex_lock(&shunt_claim_mutex);
	c = claim_find(modname);
	for (i = 0; c && i < c->nr_syms; i++) {
		if (strcmp(c->syms[i].name, sym))
			continue;
		count++;
		if (count == sympos || (!sympos && count == 1))
			found = c->syms[i].addr;
	}
	mutex_unlock(&shunt_claim_mutex);

	if (!count) {
		snprintf(err, errlen, "symbol '%s' not found in vmlinux", sym);
		return -EINVAL;
	}
	if (!sympos && count > 1) {
		snprintf(err, errlen,
			 "symbol '%s' is ambiguous in vmlinux (%lu matches, set old_sympos)",
			 sym, count);
		return -EINVAL;
	}
	if (!found) {
		snprintf(err, errlen,
			 "symbol '%s' position %lu not found in vmlinux (%lu matches)",
			 sym, sympos, count);
		return -EINVAL;
	}
	*addr = found;
	return 0;
}

void shunt_claim_set_result(const char *modname, int ret, const char *msg)
{
	struct shunt_claim *c;

	mutex_lock(&shunt_claim_mutex);
	c = claim_find(modname);
	if (c) {
		c->err = ret;
		strscpy(c->msg, msg ? msg : "", sizeof(c->msg));
		WRITE_ONCE(c->state, ret ? SHUNT_CLAIM_FAILED : SHUNT_CLAIM_APPLIED);
	}
	mutex_unlock(&shunt_claim_mutex);
}

ssize_t shunt_claim_show(char *buf)
{
	static const char * const names[] = {
		[SHUNT_CLAIM_PENDING] = "pending",
		[SHUNT_CLAIM_APPLIED] = "applied",
		[SHUNT_CLAIM_FAILED] = "failed",
	};
	struct shunt_claim *c;
	ssize_t len = 0;

	mutex_lock(&shunt_claim_mutex);
	list_for_each_entry(c, &shunt_claims, node) {
		if (!claim_owner_alive(c))
			continue;
		if (c->state == SHUNT_CLAIM_FAILED)
			len += sysfs_emit_at(buf, len, "%s failed %d %s\n",
					     c->name, c->err, c->msg);
		else
			len += sysfs_emit_at(buf, len, "%s %s\n", c->name,
					     names[c->state]);
	}
	mutex_unlock(&shunt_claim_mutex);
	return len;
}

/* kept as ",f1,f2," so that a lookup is one strstr() */
static int claim_add_immediate(struct shunt_options *opts, const char *func)
{
	size_t used = strlen(opts->immediate_funcs);
	size_t size = sizeof(opts->immediate_funcs);

	if (!*func || used + strlen(func) + 2 >= size)
		return -EINVAL;
	if (!used)
		strscpy(opts->immediate_funcs, ",", size);
	strlcat(opts->immediate_funcs, func, size);
	strlcat(opts->immediate_funcs, ",", size);
	return 0;
}

static int claim_parse_option(struct shunt_options *opts, const char *opt)
{
	if (!strcmp(opt, "redirect=" SHUNT_REDIRECT_FTRACE))
		opts->redirect = SHUNT_REDIRECT_FTRACE_ID;
	else if (!strcmp(opt, "redirect=" SHUNT_REDIRECT_KPROBE))
		opts->redirect = SHUNT_REDIRECT_KPROBE_ID;
	else if (!strcmp(opt, "consistency=" SHUNT_CONSISTENCY_IMMEDIATE))
		opts->consistency = SHUNT_CONSISTENCY_IMMEDIATE_ID;
	else if (!strcmp(opt, "consistency=" SHUNT_CONSISTENCY_PER_TASK))
		opts->consistency = SHUNT_CONSISTENCY_PER_TASK_ID;
	else if (!strcmp(opt, "consistency=" SHUNT_CONSISTENCY_STOP_MACHINE))
		opts->consistency = SHUNT_CONSISTENCY_STOP_MACHINE_ID;
	else if (!strcmp(opt, "park-kthreads=1"))
		opts->park_kthreads = true;
	else if (!strcmp(opt, "direct=0"))
		opts->no_direct = true;
	else if (!strcmp(opt, "direct=1"))
		opts->no_direct = false;
	else if (!strcmp(opt, "replace=0"))
		opts->replace = 0;
	else if (!strcmp(opt, "replace=1"))
		opts->replace = 1;
	else if (str_has_prefix(opt, "stop-retries="))
		return kstrtouint(opt + 13, 10, &opts->stop_retries) ?:
		       (opts->stop_retries > SHUNT_STOP_RETRIES_MAX ? -EINVAL : 0);
	else if (str_has_prefix(opt, "immediate-func="))
		return claim_add_immediate(opts, opt + 15);
	else
		return -EINVAL;
	return 0;
}

static int claim_cmd_claim(char **args, int nargs)
{
	struct shunt_claim *c, *old;
	int i;

	if (nargs < 1 || strlen(args[0]) >= MODULE_NAME_LEN)
		return -EINVAL;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	strscpy(c->name, args[0], sizeof(c->name));
	c->owner = get_task_pid(current, PIDTYPE_TGID);
	c->opts.redirect = SHUNT_REDIRECT_FTRACE_ID;
	c->opts.consistency = SHUNT_CONSISTENCY_PER_TASK_ID;
	c->opts.replace = -1;
	c->opts.stop_retries = 5;
	for (i = 1; i < nargs; i++) {
		if (claim_parse_option(&c->opts, args[i])) {
			pr_err("claim '%s': unknown option '%s'\n", c->name, args[i]);
			claim_free(c);
			return -EINVAL;
		}
	}
	if (c->opts.park_kthreads &&
	    c->opts.consistency != SHUNT_CONSISTENCY_PER_TASK_ID) {
		pr_err("claim '%s': park-kthreads needs consistency=per-task\n",
		       c->name);
		claim_free(c);
		return -EINVAL;
	}
	if (shunt_route_get()) {
		pr_err("claim '%s': cannot hook klp_enable_patch()\n", c->name);
		claim_free(c);
		return -EBUSY;
	}
	old = claim_find(c->name);
	if (old)
		claim_remove(old);
	list_add_tail_rcu(&c->node, &shunt_claims);
	return 0;
}

static int claim_cmd_sym(char **args, int nargs)
{
	struct shunt_claim *c;
	unsigned long addr;
	char *name;

	if (nargs != 3 || kstrtoul(args[2], 16, &addr) || !addr ||
	    strlen(args[1]) >= KSYM_NAME_LEN)
		return -EINVAL;
	c = claim_find(args[0]);
	if (!c)
		return -ENOENT;
	if (c->nr_syms == c->max_syms) {
		unsigned int max = c->max_syms ? c->max_syms * 2 : 64;
		struct shunt_claim_sym *syms;

		syms = shunt_kvrealloc(c->syms, c->max_syms * sizeof(*syms),
				       max * sizeof(*syms), GFP_KERNEL);
		if (!syms)
			return -ENOMEM;
		c->syms = syms;
		c->max_syms = max;
	}
	name = kstrdup(args[1], GFP_KERNEL);
	if (!name)
		return -ENOMEM;
	c->syms[c->nr_syms].name = name;
	c->syms[c->nr_syms].addr = addr;
	c->nr_syms++;
	return 0;
}

static int claim_cmd_unclaim(char **args, int nargs)
{
	struct shunt_claim *c;

	if (nargs != 1)
		return -EINVAL;
	c = claim_find(args[0]) ?: claim_lookup(args[0], true);
	if (!c)
		return -ENOENT;
	claim_remove(c);
	return 0;
}

#define CLAIM_MAX_ARGS 24

static int claim_exec_line(char *line)
{
	char *args[CLAIM_MAX_ARGS + 1], *tok;
	int nargs = 0;

	while ((tok = strsep(&line, " \t")) != NULL) {
		if (!*tok)
			continue;
		if (nargs == CLAIM_MAX_ARGS + 1)
			return -E2BIG;
		args[nargs++] = tok;
	}
	if (!nargs)
		return 0;
	if (!strcmp(args[0], "claim"))
		return claim_cmd_claim(args + 1, nargs - 1);
	if (!strcmp(args[0], "sym"))
		return claim_cmd_sym(args + 1, nargs - 1);
	if (!strcmp(args[0], "unclaim"))
		return claim_cmd_unclaim(args + 1, nargs - 1);
	return -EINVAL;
}

/* a dead loader's claims go (with the hooks they held) */
static void claims_drop_dead(void)
{
	struct shunt_claim *c, *tmp;

	list_for_each_entry_safe(c, tmp, &shunt_claims, node)
		if (!claim_owner_alive(c))
			claim_remove(c);
}

ssize_t shunt_claim_store(const char *buf, size_t count)
{
	char *text, *cur, *line;
	int ret = 0;

	text = kmemdup_nul(buf, count, GFP_KERNEL);
	if (!text)
		return -ENOMEM;
	cur = text;
	mutex_lock(&shunt_claim_mutex);
	claims_drop_dead();
	while (!ret && (line = strsep(&cur, "\n")) != NULL)
		ret = claim_exec_line(line);
	mutex_unlock(&shunt_claim_mutex);
	kfree(text);
	return ret ? ret : count;
}

/* The routing hook is gone by now: nobody reads the list under RCU. */
void shunt_claim_exit(void)
{
	struct shunt_claim *c, *tmp;

	mutex_lock(&shunt_claim_mutex);
	list_for_each_entry_safe(c, tmp, &shunt_claims, node)
		claim_remove(c);
	mutex_unlock(&shunt_claim_mutex);
	/* wait for claim_free_rcu() callbacks: their code is ours */
	rcu_barrier();
}
