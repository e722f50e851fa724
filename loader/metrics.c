// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF metrics of a shunt patch: the per-function probes of
 * bpf/metrics.bpf.c (by default the old-body kprobe alone, which runs
 * only when the original's body does: the calls themselves are counted
 * by the shim; with --latency also kprobes on the new functions and
 * fentry/fexit per function or kprobes on the originals), and when
 * they come and go together with the transition programs (events.c) and
 * the blockers iterator (blockers.c) in the patch's pin directory.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "blockers.h"
#include "bpfpin.h"
#include "btf.h"
#include "events.h"
#include "metrics.h"
#include "metrics.skel.h"
#include "patchinfo.h"
#include "shimfs.h"
#include "snapshot.h"
#include "util.h"

/* what the probes of one patched function need, from the shim's sysfs */
struct target {
	char label[SHUNT_FUNC_NAME_LEN];	/* obj:func,sympos */
	char obj[64];
	char old_name[256], new_name[256];
	unsigned long sympos;
	bool in_module;		/* the original is in a module, not vmlinux */
	struct shimfs_func_addrs a;
};

struct attach_ctx {
	const char *patch;
	const struct metrics_opts *o;
	struct pin_dir pd;
	int failed;
	int events_fd;		/* pinned by metrics_begin() */
	struct metrics_bpf *main;
	struct metrics_bpf *per_func[SHUNT_MAX_FUNCS];
};

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level != LIBBPF_WARN || !getenv("SHUNT_LIBBPF_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int metrics_present(const char *name)
{
	return pin_dir_exists(name);
}

int metrics_begin(const char *name)
{
	struct pin_dir pd;
	int ret;

	libbpf_set_print(libbpf_quiet);
	metrics_detach(name);	/* a stale one from an earlier module */
	if (pin_dir_create(&pd, name)) {
		fprintf(stderr, "shunt: metrics: cannot create %s: %s (is bpffs mounted?)\n",
			pd.path, strerror(errno));
		return -1;
	}
	ret = events_attach(&pd, name);
	if (ret)
		metrics_detach(name);
	return ret;
}

/* The functions of patch name that metrics can probe; the rest named. */
static int read_targets(const char *name, struct target *t, int max,
			int *skipped)
{
	struct patch_info pi;
	int n = 0;

	*skipped = 0;
	if (shunt_patch_read(name, &pi)) {
		fprintf(stderr, "shunt: %s: no such shunt patch\n", name);
		return -1;
	}
	for (int i = 0; i < pi.nr_objs; i++) {
		const struct patch_obj *po = &pi.objs[i];

		for (int j = 0; j < po->nr_funcs; j++) {
			const struct patch_func *pf = &po->funcs[j];
			const struct shimfs_func_addrs *a = &pf->addrs;
			struct target *x = &t[n];
			char label[512];

			snprintf(label, sizeof(label), "%s:%s,%lu", po->name,
				 pf->name, pf->sympos);
			if (n == max) {
				fprintf(stderr, "shunt: metrics: %s not probed: more than %d functions\n",
					label, max);
				(*skipped)++;
				continue;
			}
			if (!pf->have_addrs || !a->old_addr || !a->new_addr) {
				fprintf(stderr, "shunt: metrics: %s not probed: %s\n", label,
					!pf->have_addrs ? "no addresses in the patch's addrs (root's)" :
					!a->new_addr ? "a no-op (atomic replace)" :
					"its module is not loaded");
				(*skipped)++;
				continue;
			}
			memset(x, 0, sizeof(*x));
			x->a = *a;
			x->sympos = pf->sympos;
			x->in_module = strcmp(po->name, SHIM_OBJ_VMLINUX) != 0;
			copy_str(x->label, sizeof(x->label), label);
			copy_str(x->obj, sizeof(x->obj), po->name);
			copy_str(x->old_name, sizeof(x->old_name), pf->name);
			/* "%ps": "name [module]" */
			copy_str(x->new_name, sizeof(x->new_name), pf->new_func);
			x->new_name[strcspn(x->new_name, " ")] = '\0';
			n++;
		}
	}
	patch_info_free(&pi);
	return n;
}

/* the "funcs" map entry of a target */
static void func_info(const struct target *t, struct shunt_func_info *fi)
{
	memset(fi, 0, sizeof(*fi));
	copy_str(fi->name, sizeof(fi->name), t->label);
	fi->old_addr = t->a.old_addr;
	fi->old_size = t->a.old_size;
	fi->new_addr = t->a.new_addr;
	fi->new_size = t->a.new_size;
}

/* A probe that cannot be attached: named, and fatal only with --strict. */
static int probe_failed(struct attach_ctx *c, const struct target *t,
			const char *what, const char *why)
{
	fprintf(stderr, "shunt: metrics: %s: no %s probe: %s\n", t->label, what,
		why);
	c->failed++;
	return c->o->strict ? -1 : 0;
}

static int attach_kprobe(struct attach_ctx *c, struct bpf_program *prog,
			 const struct target *t, int idx, __u64 addr, bool ret,
			 const char *pin)
{
	LIBBPF_OPTS(bpf_kprobe_opts, ko, .offset = addr, .bpf_cookie = idx,
		    .retprobe = ret);
	struct bpf_link *link;
	char what[64];

	link = bpf_program__attach_kprobe_opts(prog, NULL, &ko);
	if (!link)
		return probe_failed(c, t, pin, strerror(errno));
	snprintf(what, sizeof(what), "f%d_%s", idx, pin);
	return pin_link(&c->pd, link, what);
}

/*
 * The object every kprobe program and the maps live in; the per-function
 * fentry objects share its maps.
 */
static int load_main(struct attach_ctx *c, const struct target *t,
		     const struct shunt_func_info *fi, int n)
{
	struct metrics_bpf *m;
	bool lat = c->o->latency, kp_old = lat && c->o->kprobe;
	int err;

	/* module objects' originals are always probed with kprobes */
	for (int i = 0; i < n && lat; i++)
		if (t[i].in_module || t[i].a.direct)
			kp_old = true;

	m = c->main = metrics_bpf__open();
	if (!m)
		return -1;
	if (bpf_map__reuse_fd(m->maps.events, c->events_fd))
		return -1;
	bpf_program__set_autoload(m->progs.shunt_old_entry, false);
	bpf_program__set_autoload(m->progs.shunt_old_exit, false);
	bpf_program__set_autoload(m->progs.shunt_kold_in, kp_old);
	bpf_program__set_autoload(m->progs.shunt_kold_out, kp_old);
	/* new functions: always kprobes (see attach_target()) */
	bpf_program__set_autoload(m->progs.shunt_knew_in, lat);
	bpf_program__set_autoload(m->progs.shunt_knew_out, lat);
	err = metrics_bpf__load(m);
	if (err) {
		fprintf(stderr, "shunt: metrics: cannot load the probes: %s\n",
			strerror(-err));
		return -1;
	}
	for (__u32 i = 0; i < (__u32)n; i++)
		bpf_map_update_elem(bpf_map__fd(m->maps.funcs), &i, &fi[i], BPF_ANY);
	if (pin_map(&c->pd, m->maps.calls) || pin_map(&c->pd, m->maps.funcs) ||
	    pin_map(&c->pd, m->maps.violations) || pin_map(&c->pd, m->maps.oldtasks))
		return -1;
	return 0;
}

static int reuse_maps(struct metrics_bpf *dst, struct metrics_bpf *src)
{
	struct bpf_map *maps[][2] = {
		{ dst->maps.events, src->maps.events },
		{ dst->maps.calls, src->maps.calls },
		{ dst->maps.funcs, src->maps.funcs },
		{ dst->maps.violations, src->maps.violations },
		{ dst->maps.oldtasks, src->maps.oldtasks },
		{ dst->maps.starts, src->maps.starts },
	};

	for (size_t i = 0; i < ARRAY_SIZE(maps); i++)
		if (bpf_map__reuse_fd(maps[i][0], bpf_map__fd(maps[i][1])))
			return -1;
	return 0;
}

/* fentry/fexit by name: only when the name leads to the right function */
static const char *fentry_target_problem(const char *fn, const char *owner,
					 unsigned long sympos, char *why,
					 size_t len)
{
	char first[64];
	int n = btf_func_owners(fn, first, sizeof(first));

	if (n < 0)
		return "kernel BTF unreadable";
	if (n == 0) {
		snprintf(why, len, "'%s' is not in any kernel BTF", fn);
		return why;
	}
	if (sympos > 1 || strcmp(first, owner)) {
		snprintf(why, len,
			 "fentry by name would reach '%s' in %s; use --probe=kprobe",
			 fn, first);
		return why;
	}
	return NULL;
}

/*
 * fentry/fexit on the original of target i (in vmlinux): one object per
 * function, its maps the main one's. An original fentry cannot reach is
 * named and skipped.
 */
static int attach_fentry(struct attach_ctx *c, const struct target *t, int i)
{
	struct bpf_program *progs[2];
	static const char *const pins[2] = { "old_entry", "old_exit" };
	const char *why_not;
	struct bpf_link *link;
	struct bpf_program *p;
	struct metrics_bpf *m;
	char why[256], what[64];
	int err;

	why_not = fentry_target_problem(t->old_name, t->obj, t->sympos, why,
					sizeof(why));
	if (why_not)
		return probe_failed(c, t, "fentry/fexit (old)", why_not);
	m = c->per_func[i] = metrics_bpf__open();
	if (!m || reuse_maps(m, c->main))
		return -1;
	m->rodata->func_idx = i;
	bpf_object__for_each_program(p, m->obj)
		bpf_program__set_autoload(p, false);
	progs[0] = m->progs.shunt_old_entry;
	progs[1] = m->progs.shunt_old_exit;
	for (int k = 0; k < 2; k++) {
		bpf_program__set_autoload(progs[k], true);
		bpf_program__set_attach_target(progs[k], 0, t->old_name);
	}
	err = metrics_bpf__load(m);
	if (err)
		return probe_failed(c, t, "fentry/fexit (old)", strerror(-err));
	for (int k = 0; k < 2; k++) {
		link = bpf_program__attach(progs[k]);
		if (!link) {
			if (probe_failed(c, t, pins[k], strerror(errno)))
				return -1;
			continue;
		}
		snprintf(what, sizeof(what), "f%d_%s", i, pins[k]);
		if (pin_link(&c->pd, link, what))
			return -1;
	}
	return 0;
}

/*
 * Every probe of target i: the old-body kprobe, the original's entry and
 * exit, the new function's. The new function is patch-module code:
 * always a kprobe, which does not hold the module (an fentry trampoline
 * would, and the module must be removable once the patch ends however
 * it ends). The original of a module object likewise: its module must
 * stay removable while patched.
 */
static int attach_target(struct attach_ctx *c, const struct target *t, int i)
{
	struct metrics_bpf *m = c->main;
	bool old_kp = c->o->kprobe || t->in_module || t->a.direct;

	if (attach_kprobe(c, m->progs.shunt_old_body, t, i, t->a.old_body,
			  false, "old_body"))
		return -1;
	/* by default the shim counts the calls: nothing on the call path */
	if (!c->o->latency)
		return 0;
	/* an older patch put a direct call there: no BPF trampoline fits */
	if (!c->o->kprobe && !t->in_module && t->a.direct)
		fprintf(stderr, "shunt: metrics: %s: kprobe/kretprobe on the original: an earlier shunt patch gave it a direct call, which no BPF trampoline can share\n",
			t->label);
	if (old_kp &&
	    (attach_kprobe(c, m->progs.shunt_kold_in, t, i, t->a.old_addr,
			   false, "kold_in") ||
	     attach_kprobe(c, m->progs.shunt_kold_out, t, i, t->a.old_addr,
			   true, "kold_out")))
		return -1;
	if (!old_kp && attach_fentry(c, t, i))
		return -1;
	if (attach_kprobe(c, m->progs.shunt_knew_in, t, i, t->a.new_addr,
			  false, "knew_in") ||
	    attach_kprobe(c, m->progs.shunt_knew_out, t, i, t->a.new_addr,
			  true, "knew_out"))
		return -1;
	return 0;
}

int metrics_attach(const char *name, const struct metrics_opts *o)
{
	static struct target t[SHUNT_MAX_FUNCS];
	static struct shunt_func_info fi[SHUNT_MAX_FUNCS];
	struct attach_ctx c = { .patch = name, .o = o, .events_fd = -1 };
	int n = 0, skipped, ret = -1;

	libbpf_set_print(libbpf_quiet);
	pin_dir_init(&c.pd, name);
	c.events_fd = pin_open(name, PIN_EVENTS);
	if (c.events_fd < 0) {
		fprintf(stderr, "shunt: metrics: %s/%s: %s\n", c.pd.path,
			PIN_EVENTS, strerror(errno));
		goto out;
	}
	n = read_targets(name, t, SHUNT_MAX_FUNCS, &skipped);
	if (n < 0 || (skipped && o->strict))
		goto out;
	for (int i = 0; i < n; i++)
		func_info(&t[i], &fi[i]);
	if (load_main(&c, t, fi, n))
		goto out;
	for (int i = 0; i < n; i++)
		if (attach_target(&c, &t[i], i))
			goto out;
	if (blockers_attach(&c.pd, fi, n))
		goto out;
	if (o->latency)
		printf("  metrics: %d function(s), latency: %s, kprobe/kretprobe on the new functions, %d probe(s) pinned in %s%s\n",
		       n, o->kprobe ? "kprobe/kretprobe on the originals" :
		       "fentry/fexit on vmlinux's originals", c.pd.nr_links,
		       c.pd.path, c.failed ? " (some probes missing, see above)" : "");
	else
		printf("  metrics: %d function(s), call counters in the shim, BPF old-body probes, %d probe(s) pinned in %s%s\n",
		       n, c.pd.nr_links, c.pd.path,
		       c.failed ? " (some probes missing, see above)" : "");
	ret = 0;
out:
	if (ret)
		metrics_detach(name);
	for (int i = 0; i < n; i++)
		metrics_bpf__destroy(c.per_func[i]);
	metrics_bpf__destroy(c.main);
	btf_cache_free();
	if (c.events_fd >= 0)
		close(c.events_fd);
	return ret;
}

#define KPROBES_LIST "/sys/kernel/debug/kprobes/list"
#define KPROBES_GONE_MS 5000

static bool in_func(unsigned long long a, __u64 start, __u64 size)
{
	return a >= start && a < start + size;
}

/*
 * Does the kprobe list have a probe inside one of the patch's functions?
 * Originals that other pinned patches probe too (stacked patches) do not
 * count: their probes stay.
 */
static bool kprobes_left(const struct shunt_func_info *f, int n,
			 const bool *old_shared)
{
	char line[512];
	bool found = false;
	FILE *fp = fopen(KPROBES_LIST, "r");

	if (!fp)
		return false;	/* no debugfs: nothing to wait for that we can see */
	while (!found && fgets(line, sizeof(line), fp)) {
		unsigned long long a = strtoull(line, NULL, 16);

		for (int i = 0; i < n && !found; i++)
			found = (!old_shared[i] &&
				 in_func(a, f[i].old_addr, f[i].old_size)) ||
				in_func(a, f[i].new_addr, f[i].new_size);
	}
	fclose(fp);
	return found;
}

/* old_shared[i]: another pinned patch than name probes original i too */
static void find_shared_originals(const char *name,
				  const struct shunt_func_info *f, int n,
				  bool *old_shared)
{
	static struct shunt_func_info other[SHUNT_MAX_FUNCS];
	char **names;
	int nr_names, nr_other;

	memset(old_shared, 0, n * sizeof(*old_shared));
	names = pin_dir_names(&nr_names);
	for (int k = 0; k < nr_names; k++) {
		if (!strcmp(names[k], name))
			continue;
		nr_other = snapshot_funcs(names[k], other);
		for (int i = 0; i < n; i++)
			for (int j = 0; j < nr_other; j++)
				old_shared[i] |= other[j].old_addr == f[i].old_addr;
	}
	free_names(names, nr_names);
}

int metrics_detach(const char *name)
{
	static struct shunt_func_info funcs[SHUNT_MAX_FUNCS];
	bool old_shared[SHUNT_MAX_FUNCS];
	int ret, nr_funcs;
	double start;

	if (!pin_dir_exists(name))
		return 0;
	nr_funcs = snapshot_funcs(name, funcs);
	find_shared_originals(name, funcs, nr_funcs, old_shared);
	ret = pin_dir_remove(name);
	/*
	 * The kernel frees the kprobes of unpinned links a little later; a
	 * patch applied or reverted meanwhile would find the functions still
	 * probed (and a kprobe re-registered on a dying one WARNs).
	 */
	start = now_ms();
	while (kprobes_left(funcs, nr_funcs, old_shared)) {
		if (now_ms() - start > KPROBES_GONE_MS) {
			fprintf(stderr, "shunt: metrics: kprobes of %s still registered after %d s\n",
				name, KPROBES_GONE_MS / 1000);
			break;
		}
		sleep_ms(10);
	}
	return ret;
}

void metrics_detach_replaced(const char *name)
{
	char **names;
	int n;

	names = pin_dir_names(&n);
	for (int i = 0; i < n; i++) {
		if (!strcmp(names[i], name) || metrics_detach(names[i]))
			continue;
		printf("  metrics of %s removed: %s replaces it\n", names[i], name);
	}
	free_names(names, n);
}
