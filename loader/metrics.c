// SPDX-License-Identifier: GPL-2.0
#include "metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "blockers.skel.h"
#include "btf.h"
#include "events.skel.h"
#include "metrics.skel.h"
#include "patchinfo.h"
#include "shimfs.h"
#include "util.h"

/* what the probes of one patched function need, from the shim's sysfs */
struct target {
	char label[SHUNT_FUNC_NAME_LEN];	/* obj:func,sympos */
	char old_name[256], new_name[256];
	unsigned long sympos;
	__u64 old_addr, old_size, old_body, new_addr, new_size;
};

static int pinned_fd(const char *name, const char *map);

struct attach_ctx {
	const char *patch;
	const struct metrics_opts *o;
	char dir[PATH_MAX];
	int nr_links, failed;
	struct events_bpf *ev;
	int events_fd;		/* pinned by metrics_begin() */
	struct metrics_bpf *main;
	struct metrics_bpf *per_func[SHUNT_MAX_FUNCS];
	struct blockers_bpf *bl;
};

char *metrics_path(char *buf, size_t len, const char *name, const char *file)
{
	snprintf(buf, len, "%s/%s%s%s", SHUNT_BPF_ROOT, name, file ? "/" : "",
		 file ? file : "");
	return buf;
}

int metrics_present(const char *name)
{
	char path[PATH_MAX];

	return is_dir(metrics_path(path, sizeof(path), name, NULL));
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
			struct shimfs_func_addrs a;
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
			shimfs_read_func_addrs(name, po->name, pf->name,
					       pf->sympos, &a);
			if (!a.old_addr || !a.new_addr) {
				fprintf(stderr, "shunt: metrics: %s not probed: %s\n", label,
					!a.new_addr ? "a no-op (atomic replace)" :
					"its module is not loaded");
				(*skipped)++;
				continue;
			}
			memset(x, 0, sizeof(*x));
			x->old_addr = a.old_addr;
			x->old_size = a.old_size;
			x->old_body = a.old_body;
			x->new_addr = a.new_addr;
			x->new_size = a.new_size;
			x->sympos = pf->sympos;
			copy_str(x->label, sizeof(x->label), label);
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

static int pin_link(struct attach_ctx *c, struct bpf_link *link,
		    const char *what)
{
	char path[PATH_MAX + 64];
	int err;

	snprintf(path, sizeof(path), "%s/%s", c->dir, what);
	err = bpf_link__pin(link, path);
	/*
	 * From now on only the pin holds it: our fd would keep it (and the
	 * module of a probed function) alive until we exit, and an apply
	 * that is undone must be able to remove that module.
	 */
	bpf_link__disconnect(link);
	close(bpf_link__fd(link));
	bpf_link__destroy(link);
	if (err) {
		fprintf(stderr, "shunt: metrics: cannot pin %s: %s\n", path,
			strerror(-err));
		return -1;
	}
	c->nr_links++;
	return 0;
}

static int pin_map(struct attach_ctx *c, struct bpf_map *map)
{
	char path[PATH_MAX + 64];
	int err;

	snprintf(path, sizeof(path), "%s/%s", c->dir, bpf_map__name(map));
	err = bpf_map__pin(map, path);
	if (err)
		fprintf(stderr, "shunt: metrics: cannot pin %s: %s\n", path,
			strerror(-err));
	return err ? -1 : 0;
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
			 const struct target *t, int idx, __u64 addr, int ret,
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
	return pin_link(c, link, what);
}

static int mkdirs(const char *dir)
{
	if (mkdir(SHUNT_BPF_ROOT, 0700) && errno != EEXIST)
		return -1;
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -1;
	return 0;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level != LIBBPF_WARN || !getenv("SHUNT_LIBBPF_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int load_events(struct attach_ctx *c)
{
	struct bpf_link *link;
	struct bpf_program *p;
	int err;

	c->ev = events_bpf__open();
	if (!c->ev)
		return -1;
	copy_str((char *)c->ev->rodata->patch_name,
		 sizeof(c->ev->rodata->patch_name), c->patch);
	err = events_bpf__load(c->ev);
	if (err) {
		fprintf(stderr, "shunt: metrics: cannot load the transition programs: %s\n",
			strerror(-err));
		return -1;
	}
	bpf_object__for_each_program(p, c->ev->obj) {
		link = bpf_program__attach(p);
		if (!link) {
			fprintf(stderr, "shunt: metrics: cannot attach %s to the shunt:* tracepoints: %s\n",
				bpf_program__name(p), strerror(errno));
			return -1;
		}
		if (pin_link(c, link, bpf_program__name(p)))
			return -1;
	}
	return pin_map(c, c->ev->maps.events);
}

int metrics_begin(const char *name)
{
	struct attach_ctx c = { .patch = name };
	int ret;

	libbpf_set_print(libbpf_quiet);
	metrics_path(c.dir, sizeof(c.dir), name, NULL);
	metrics_detach(name);	/* a stale one from an earlier module */
	if (mkdirs(c.dir)) {
		fprintf(stderr, "shunt: metrics: cannot create %s: %s (is bpffs mounted?)\n",
			c.dir, strerror(errno));
		return -1;
	}
	ret = load_events(&c);
	if (ret)
		metrics_detach(name);
	events_bpf__destroy(c.ev);
	return ret;
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

	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if (bpf_map__reuse_fd(maps[i][0], bpf_map__fd(maps[i][1])))
			return -1;
	return 0;
}

static int load_main(struct attach_ctx *c, const struct target *t, int n)
{
	struct metrics_bpf *m;
	int err, kp = c->o->kprobe, kp_old = kp;

	/* module objects' originals are always probed with kprobes */
	for (int i = 0; i < n; i++)
		if (strncmp(t[i].label, "vmlinux:", 8))
			kp_old = 1;

	m = c->main = metrics_bpf__open();
	if (!m)
		return -1;
	if (bpf_map__reuse_fd(m->maps.events, c->events_fd))
		return -1;
	bpf_program__set_autoload(m->progs.shunt_old_entry, false);
	bpf_program__set_autoload(m->progs.shunt_old_exit, false);
	bpf_program__set_autoload(m->progs.shunt_new_entry, false);
	bpf_program__set_autoload(m->progs.shunt_new_exit, false);
	bpf_program__set_autoload(m->progs.shunt_kold_in, kp_old);
	bpf_program__set_autoload(m->progs.shunt_kold_out, kp_old);
	bpf_program__set_autoload(m->progs.shunt_knew_in, kp);
	bpf_program__set_autoload(m->progs.shunt_knew_out, kp);
	err = metrics_bpf__load(m);
	if (err) {
		fprintf(stderr, "shunt: metrics: cannot load the probes: %s\n",
			strerror(-err));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct shunt_func_info fi = {
			.old_addr = t[i].old_addr, .old_size = t[i].old_size,
			.new_addr = t[i].new_addr, .new_size = t[i].new_size,
		};
		__u32 key = i;

		copy_str(fi.name, sizeof(fi.name), t[i].label);
		bpf_map_update_elem(bpf_map__fd(m->maps.funcs), &key, &fi, BPF_ANY);
	}
	if (pin_map(c, m->maps.calls) || pin_map(c, m->maps.funcs) ||
	    pin_map(c, m->maps.violations) || pin_map(c, m->maps.oldtasks))
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

static int attach_fentry(struct attach_ctx *c, const struct target *t, int i,
			 const char *obj, int old_by_kprobe)
{
	struct metrics_bpf *m;
	const char *oldp, *newp;
	char why_old[256], why_new[256], what[64];
	struct bpf_link *link;
	struct {
		struct bpf_program *prog;
		const char *pin;
	} progs[4];
	int err;

	oldp = old_by_kprobe ? "" :
	       fentry_target_problem(t->old_name, obj, t->sympos, why_old,
				     sizeof(why_old));
	newp = fentry_target_problem(t->new_name, c->patch, 0, why_new,
				     sizeof(why_new));
	if (oldp && oldp[0] && probe_failed(c, t, "fentry/fexit (old)", oldp))
		return -1;
	if (newp && probe_failed(c, t, "fentry/fexit (new)", newp))
		return -1;
	if (oldp && newp)
		return 0;
	m = c->per_func[i] = metrics_bpf__open();
	if (!m || reuse_maps(m, c->main))
		return -1;
	m->rodata->func_idx = i;
	bpf_object__for_each_program(progs[0].prog, m->obj)
		bpf_program__set_autoload(progs[0].prog, false);
	progs[0].prog = m->progs.shunt_old_entry;
	progs[0].pin = "old_entry";
	progs[1].prog = m->progs.shunt_old_exit;
	progs[1].pin = "old_exit";
	progs[2].prog = m->progs.shunt_new_entry;
	progs[2].pin = "new_entry";
	progs[3].prog = m->progs.shunt_new_exit;
	progs[3].pin = "new_exit";
	for (int k = 0; k < 4; k++) {
		const char *fn = k < 2 ? t->old_name : t->new_name;

		if (k < 2 ? !!oldp : !!newp)
			continue;
		bpf_program__set_autoload(progs[k].prog, true);
		bpf_program__set_attach_target(progs[k].prog, 0, fn);
	}
	err = metrics_bpf__load(m);
	if (err)
		return probe_failed(c, t, "fentry/fexit", strerror(-err));
	for (int k = 0; k < 4; k++) {
		if (k < 2 ? !!oldp : !!newp)
			continue;
		link = bpf_program__attach(progs[k].prog);
		if (!link) {
			if (probe_failed(c, t, progs[k].pin, strerror(errno)))
				return -1;
			continue;
		}
		snprintf(what, sizeof(what), "f%d_%s", i, progs[k].pin);
		if (pin_link(c, link, what))
			return -1;
	}
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct shunt_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* the iterator naming who has an old function on its stack */
static int load_blockers(struct attach_ctx *c, const struct target *t, int n)
{
	struct shunt_range r[SHUNT_MAX_RANGES] = { 0 };
	struct bpf_link *link;
	int nr = 0;

	c->bl = blockers_bpf__open_and_load();
	if (!c->bl) {
		fprintf(stderr, "shunt: metrics: cannot load the blockers iterator: %s\n",
			strerror(errno));
		return -1;
	}
	for (int i = 0; i < n && nr < SHUNT_MAX_RANGES; i++) {
		if (!t[i].old_size)
			continue;
		r[nr].start = t[i].old_addr;
		r[nr].end = t[i].old_addr + t[i].old_size;
		r[nr].func = i;
		nr++;
	}
	qsort(r, nr, sizeof(r[0]), by_start);
	r[0].count = nr;
	for (__u32 i = 0; i < (__u32)nr; i++)
		bpf_map_update_elem(bpf_map__fd(c->bl->maps.ranges), &i, &r[i],
				    BPF_ANY);
	link = bpf_program__attach_iter(c->bl->progs.shunt_blockers, NULL);
	if (!link) {
		fprintf(stderr, "shunt: metrics: cannot attach the blockers iterator: %s\n",
			strerror(errno));
		return -1;
	}
	if (pin_link(c, link, "blockers"))
		return -1;
	return pin_map(c, c->bl->maps.ranges);
}

static int object_of(const char *label, char *obj, size_t len)
{
	size_t n = strcspn(label, ":");

	if (n >= len)
		return -1;
	memcpy(obj, label, n);
	obj[n] = '\0';
	return 0;
}

int metrics_attach(const char *name, const struct metrics_opts *o)
{
	static struct target t[SHUNT_MAX_FUNCS];
	struct attach_ctx c = { .patch = name, .o = o, .events_fd = -1 };
	int n = 0, skipped, ret = -1;
	char obj[64];

	libbpf_set_print(libbpf_quiet);
	metrics_path(c.dir, sizeof(c.dir), name, NULL);
	c.events_fd = pinned_fd(name, "events");
	if (c.events_fd < 0) {
		fprintf(stderr, "shunt: metrics: %s/events: %s\n", c.dir,
			strerror(errno));
		goto out;
	}
	n = read_targets(name, t, SHUNT_MAX_FUNCS, &skipped);
	if (n < 0 || (skipped && o->strict))
		goto out;
	if (load_main(&c, t, n))
		goto out;
	for (int i = 0; i < n; i++) {
		struct metrics_bpf *m = c.main;
		int old_kp;

		if (object_of(t[i].label, obj, sizeof(obj)))
			goto out;
		/* an fentry trampoline would keep the target module from going */
		old_kp = o->kprobe || strcmp(obj, "vmlinux");
		if (attach_kprobe(&c, m->progs.shunt_old_body, &t[i], i,
				  t[i].old_body, 0, "old_body"))
			goto out;
		if (old_kp &&
		    (attach_kprobe(&c, m->progs.shunt_kold_in, &t[i], i,
				   t[i].old_addr, 0, "kold_in") ||
		     attach_kprobe(&c, m->progs.shunt_kold_out, &t[i], i,
				   t[i].old_addr, 1, "kold_out")))
			goto out;
		if (o->kprobe) {
			if (attach_kprobe(&c, m->progs.shunt_knew_in, &t[i], i,
					  t[i].new_addr, 0, "knew_in") ||
			    attach_kprobe(&c, m->progs.shunt_knew_out, &t[i], i,
					  t[i].new_addr, 1, "knew_out"))
				goto out;
		} else if (attach_fentry(&c, &t[i], i, obj, old_kp)) {
			goto out;
		}
	}
	if (load_blockers(&c, t, n))
		goto out;
	printf("  metrics: %d function(s), %s, %d probe(s) pinned in %s%s\n", n,
	       o->kprobe ? "kprobe/kretprobe" : "fentry/fexit", c.nr_links,
	       c.dir, c.failed ? " (some probes missing, see above)" : "");
	ret = 0;
out:
	if (ret)
		metrics_detach(name);
	for (int i = 0; i < n; i++)
		metrics_bpf__destroy(c.per_func[i]);
	metrics_bpf__destroy(c.main);
	blockers_bpf__destroy(c.bl);
	btf_cache_free();
	if (c.events_fd >= 0)
		close(c.events_fd);
	return ret;
}

/* The entries of a "funcs" map in use (the loader fills them from 0). */
static int read_funcs(int fd, struct shunt_func_info *funcs)
{
	int n = 0;

	for (__u32 k = 0; k < SHUNT_MAX_FUNCS; k++, n++)
		if (bpf_map_lookup_elem(fd, &k, &funcs[k]) || !funcs[k].name[0])
			break;
	return n;
}

#define KPROBES_LIST "/sys/kernel/debug/kprobes/list"
#define KPROBES_GONE_MS 5000

/* Does the kprobe list have a probe inside one of the patch's functions? */
static int kprobes_left(const struct shunt_func_info *f, int n)
{
	char line[512];
	int found = 0;
	FILE *fp = fopen(KPROBES_LIST, "r");

	if (!fp)
		return 0;	/* no debugfs: nothing to wait for that we can see */
	while (!found && fgets(line, sizeof(line), fp)) {
		unsigned long long a = strtoull(line, NULL, 16);

		for (int i = 0; i < n && !found; i++)
			found = (a >= f[i].old_addr && a < f[i].old_addr + f[i].old_size) ||
				(a >= f[i].new_addr && a < f[i].new_addr + f[i].new_size);
	}
	fclose(fp);
	return found;
}

int metrics_detach(const char *name)
{
	static struct shunt_func_info funcs[SHUNT_MAX_FUNCS];
	char dir[PATH_MAX], path[PATH_MAX];
	char **files;
	int n, ret = 0, nr_funcs = 0, fd;
	double start;

	metrics_path(dir, sizeof(dir), name, NULL);
	if (!is_dir(dir))
		return 0;
	fd = pinned_fd(name, "funcs");
	if (fd >= 0) {
		nr_funcs = read_funcs(fd, funcs);
		close(fd);
	}
	files = dir_list(dir, DIR_LIST_FILES, &n);
	for (int i = 0; i < n; i++)
		if (unlink(path_join(path, sizeof(path), dir, files[i])))
			ret = -1;
	free_names(files, n);
	if (rmdir(dir)) {
		fprintf(stderr, "shunt: metrics: cannot remove %s: %s\n", dir,
			strerror(errno));
		ret = -1;
	}
	/*
	 * The kernel frees the kprobes of unpinned links a little later; a
	 * patch applied or reverted meanwhile would find the functions still
	 * probed (and a kprobe re-registered on a dying one WARNs).
	 */
	start = now_ms();
	while (kprobes_left(funcs, nr_funcs)) {
		if (now_ms() - start > KPROBES_GONE_MS) {
			fprintf(stderr, "shunt: metrics: kprobes of %s still registered after %d s\n",
				name, KPROBES_GONE_MS / 1000);
			break;
		}
		sleep_ms(10);
	}
	return ret;
}

static int pinned_fd(const char *name, const char *map)
{
	char path[PATH_MAX];

	return bpf_obj_get(metrics_path(path, sizeof(path), name, map));
}

int metrics_read(const char *name, struct metrics_snapshot *s)
{
	int fd_calls, fd_funcs, fd_ev, fd_vio, fd_old, ret = -1;
	struct timespec ts;
	__u32 key, next, *prev = NULL;
	__u64 stored;

	memset(s, 0, sizeof(*s));
	fd_calls = pinned_fd(name, "calls");
	fd_funcs = pinned_fd(name, "funcs");
	fd_ev = pinned_fd(name, "events");
	fd_vio = pinned_fd(name, "violations");
	fd_old = pinned_fd(name, "oldtasks");
	if (fd_calls < 0 || fd_funcs < 0 || fd_ev < 0 || fd_vio < 0 || fd_old < 0) {
		fprintf(stderr, "shunt: %s: no metrics pinned in %s/%s (applied with --no-metrics, or not a shunt patch)\n",
			name, SHUNT_BPF_ROOT, name);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->time_ns = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	key = 0;
	bpf_map_lookup_elem(fd_ev, &key, &s->events);
	s->nr_funcs = read_funcs(fd_funcs, s->funcs);
	for (key = 0; key < (__u32)s->nr_funcs * SHUNT_NR_VERSIONS * SHUNT_NR_PHASES; key++)
		bpf_map_lookup_elem(fd_calls, &key, &s->calls[key]);
	stored = s->events.violations < SHUNT_MAX_VIOLATIONS ?
		 s->events.violations : SHUNT_MAX_VIOLATIONS;
	for (key = 0; key < stored; key++)
		bpf_map_lookup_elem(fd_vio, &key, &s->violations[key]);
	s->nr_violations = stored;
	while (s->nr_old_tasks < 256 && !bpf_map_get_next_key(fd_old, prev, &next)) {
		s->old_tasks[s->nr_old_tasks].pid = next;
		if (!bpf_map_lookup_elem(fd_old, &next, &s->old_tasks[s->nr_old_tasks].t))
			s->nr_old_tasks++;
		key = next;
		prev = &key;
	}
	ret = 0;
out:
	for (int *fd = (int[]){ fd_calls, fd_funcs, fd_ev, fd_vio, fd_old, -1 }; *fd != -1; fd++)
		if (*fd >= 0)
			close(*fd);
	return ret;
}

int metrics_blockers(const char *name, const struct metrics_snapshot *s,
		     char *out, size_t len)
{
	char path[PATH_MAX], buf[8192], comm[32];
	unsigned long long off;
	int fd, pid, n = 0;
	unsigned int func;
	size_t used = 0;
	ssize_t got, total = 0;

	fd = open(metrics_path(path, sizeof(path), name, "blockers"), O_RDONLY);
	if (fd < 0)
		return -1;
	while (total < (ssize_t)sizeof(buf) - 1 &&
	       (got = read(fd, buf + total, sizeof(buf) - 1 - total)) > 0)
		total += got;
	close(fd);
	buf[total > 0 ? total : 0] = '\0';
	out[0] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (sscanf(line, "%d %31s %u %llu", &pid, comm, &func, &off) != 4)
			continue;
		used += snprintf(out + used, used < len ? len - used : 0,
				 "%d %s %s+0x%llx\n", pid, comm,
				 (int)func < s->nr_funcs ? s->funcs[func].name : "?",
				 off);
		n++;
	}
	return n;
}
