// SPDX-License-Identifier: GPL-2.0
/* shunt apply: check a patch module, claim it, load it, follow its transition. */
#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "applyall.h"
#include "claim.h"
#include "cmd.h"
#include "holder.h"
#include "kallsyms.h"
#include "kprobes.h"
#include "metrics.h"
#include "modfile.h"
#include "patchinfo.h"
#include "report.h"
#include "revert.h"
#include "shim.h"
#include "shimfs.h"
#include "shunt_abi.h"
#include "snapshot.h"
#include "strbuf.h"
#include "util.h"

#define APPLY_TIMEOUT_S 60
#define UNDO_TIMEOUT_S 30
#define POLL_MS 20

struct apply_opts {
	struct claim_opts claim;
	const char *shim;
	double timeout;
	int timeout_set;	/* --timeout given: a signal reverses too */
	int no_wait;
	int no_metrics;
	int all;		/* --all: the installed patches (applyall.c) */
	struct metrics_opts metrics;
};

void apply_usage(void)
{
	printf("usage: shunt apply [OPTIONS] FILE.ko [PARAM=VALUE...]\n"
	       "       shunt apply --all [--shim=PATH]\n"
	       "\n"
	       "Apply an ordinary livepatch module through shunt.ko (loaded first if\n"
	       "needed). PARAMs are module parameters, as insmod takes them.\n"
	       "\n"
	       "  --consistency=MODEL   per-task (default), stop-machine or immediate\n"
	       "  --immediate-func=F    switch function F for every task at once\n"
	       "                        (repeatable; per-task and stop-machine)\n"
	       "  --redirect=HOW        ftrace (default) or kprobe (refused while kprobes\n"
	       "                        are disarmed; a patched function called from\n"
	       "                        another kprobe's handler runs its old body)\n"
	       "  --no-direct           ftrace: keep the IPMODIFY ftrace_ops handler on\n"
	       "                        the functions instead of a direct call (a BPF\n"
	       "                        fentry/fexit of an original needs it; metrics,\n"
	       "                        but for --probe=kprobe, imply it)\n"
	       "  --replace             replace every shunt patch applied before\n"
	       "  --stop-retries=N      stop-machine attempts after the first (5, at most 50)\n"
	       "  --park-kthreads       per-task: park a per-CPU hotplug kthread (smpboot:\n"
	       "                        ksoftirqd, watchdog, ...) that sleeps in code the\n"
	       "                        transition replaces, switch it, unpark it; no other\n"
	       "                        kthread is parked: none says it will park, and\n"
	       "                        waiting for one that never does would hang\n"
	       "  --timeout=S           give the transition S seconds (%d), then name\n"
	       "                        the blocking tasks and reverse it\n"
	       "  --no-wait             return once the transition has started\n"
	       "  --no-metrics          attach no BPF programs at all (the shim's call\n"
	       "                        counters count anyway; no report is printed)\n"
	       "                        Default metrics: the shim's call counters and\n"
	       "                        BPF probes of the transition and of old-body\n"
	       "                        runs, none on the call path\n"
	       "  --latency             also BPF probes on every call of the originals\n"
	       "                        and the new functions: calls per phase and\n"
	       "                        latency, at microseconds per call (not on 6.1)\n"
	       "  --probe=KIND          --latency's probes of vmlinux's originals: fentry\n"
	       "                        (default: fentry/fexit) or kprobe\n"
	       "                        (kprobe/kretprobe); implies --latency; new\n"
	       "                        functions and the originals in modules always\n"
	       "                        get kprobes, which do not hold their module\n"
	       "  --strict              fail (and undo the apply) when a function\n"
	       "                        cannot be probed\n"
	       "  --shim=PATH           shunt.ko to load if it is not loaded (default:\n"
	       "                        beside this binary, else\n"
	       "                        /lib/modules/$(uname -r)/updates/dkms/shunt.ko(.xz),\n"
	       "                        else .../extra/shunt.ko)\n"
	       "  --all                 apply every patch installed for the running kernel\n"
	       "                        ('shunt install') in install order, each with the\n"
	       "                        options it was installed with; none when the\n"
	       "                        kernel command line has shunt.enable=0\n"
	       "\n"
	       "Ctrl-C or SIGTERM: before the module is loaded, nothing is applied; once\n"
	       "its transition runs, it goes on in the kernel and shunt says how to\n"
	       "follow it (shunt show) or undo it (shunt revert); with --timeout given,\n"
	       "the transition is reversed, as when the time runs out. Exit status\n"
	       "128 + the signal.\n",
	       APPLY_TIMEOUT_S);
}

static int one_of(const char *v, const char *a, const char *b, const char *c)
{
	return !strcmp(v, a) || !strcmp(v, b) || (c && !strcmp(v, c));
}

/* OPTS_OK, OPTS_HELP, or EXIT_USAGE after a message */
static int parse_opts(int argc, char **argv, struct apply_opts *o)
{
	static const struct option longopts[] = {
		{ "redirect", required_argument, NULL, 'r' },
		{ "consistency", required_argument, NULL, 'c' },
		{ "immediate-func", required_argument, NULL, 'i' },
		{ "replace", no_argument, NULL, 'R' },
		{ "stop-retries", required_argument, NULL, 's' },
		{ "park-kthreads", no_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 't' },
		{ "no-wait", no_argument, NULL, 'n' },
		{ "no-metrics", no_argument, NULL, 'M' },
		{ "no-direct", no_argument, NULL, 'D' },
		{ "probe", required_argument, NULL, 'p' },
		{ "latency", no_argument, NULL, 'L' },
		{ "strict", no_argument, NULL, 'X' },
		{ "shim", required_argument, NULL, 'S' },
		{ "all", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char **funcs;
	char *end;
	int c;

	o->timeout = APPLY_TIMEOUT_S;
	optind = 1;
	opterr = 0;
	/* '+': FILE ends the options, what follows are module parameters */
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (!one_of(optarg, SHUNT_REDIRECT_FTRACE,
				    SHUNT_REDIRECT_KPROBE, NULL))
				return usage_error(argv[0], "--redirect is ftrace or kprobe, not '%s'",
						   optarg);
			o->claim.redirect = optarg;
			break;
		case 'c':
			if (!one_of(optarg, SHUNT_CONSISTENCY_PER_TASK,
				    SHUNT_CONSISTENCY_STOP_MACHINE,
				    SHUNT_CONSISTENCY_IMMEDIATE))
				return usage_error(argv[0], "--consistency is per-task, stop-machine or immediate, not '%s'",
						   optarg);
			o->claim.consistency = optarg;
			break;
		case 'i':
			if (!optarg[0] || strpbrk(optarg, " \t\n"))
				return usage_error(argv[0], "bad --immediate-func '%s'", optarg);
			funcs = realloc(o->claim.immediate_funcs,
					(o->claim.nr_immediate_funcs + 1) * sizeof(*funcs));
			if (!funcs)
				return usage_error(argv[0], "out of memory");
			funcs[o->claim.nr_immediate_funcs++] = optarg;
			o->claim.immediate_funcs = funcs;
			break;
		case 'R':
			o->claim.replace = 1;
			break;
		case 'P':
			o->claim.park_kthreads = 1;
			break;
		case 's':
			errno = 0;
			o->claim.stop_retries = strtol(optarg, &end, 10);
			if (end == optarg || *end || errno || o->claim.stop_retries < 0 ||
			    o->claim.stop_retries > SHUNT_STOP_RETRIES_MAX)
				return usage_error(argv[0], "bad --stop-retries '%s' (0 to %d)",
						   optarg, SHUNT_STOP_RETRIES_MAX);
			break;
		case 't':
			o->timeout = parse_seconds(optarg);
			if (o->timeout < 0)
				return usage_error(argv[0], "bad --timeout '%s' (seconds)", optarg);
			o->timeout_set = 1;
			break;
		case 'n':
			o->no_wait = 1;
			break;
		case 'M':
			o->no_metrics = 1;
			break;
		case 'D':
			o->claim.no_direct = 1;
			break;
		case 'p':
			if (!one_of(optarg, "fentry", "kprobe", NULL))
				return usage_error(argv[0], "--probe is fentry or kprobe, not '%s'",
						   optarg);
			o->metrics.kprobe = !strcmp(optarg, "kprobe");
			o->metrics.latency = 1;
			break;
		case 'L':
			o->metrics.latency = 1;
			break;
		case 'X':
			o->metrics.strict = 1;
			break;
		case 'S':
			o->shim = optarg;
			break;
		case 'A':
			o->all = 1;
			break;
		case 'h':
			return OPTS_HELP;
		default:
			return bad_option(argv[0], argv, c);
		}
	}
	if (o->all) {
		/* each patch gets the options it was installed with */
		for (int i = 1; i < optind; i++)
			if (strcmp(argv[i], "--all") && strncmp(argv[i], "--shim", 6))
				return usage_error(argv[0], "--all takes no option but --shim, not '%s'",
						   argv[i]);
		if (optind < argc)
			return usage_error(argv[0], "--all takes no FILE, not '%s'", argv[optind]);
		return OPTS_OK;
	}
	if (optind >= argc)
		return usage_error(argv[0], "which module? FILE.ko is missing");
	if (o->no_metrics && o->metrics.latency)
		return usage_error(argv[0], "--latency (or --probe) and --no-metrics exclude each other");
	if (o->claim.park_kthreads && o->claim.consistency &&
	    strcmp(o->claim.consistency, SHUNT_CONSISTENCY_PER_TASK))
		return usage_error(argv[0], "--park-kthreads needs --consistency=per-task");
	return OPTS_OK;
}

int apply_check_opts(int argc, char **argv)
{
	struct apply_opts o = { .claim = CLAIM_OPTS_INIT };
	int ret;

	/* before FILE: options; --all is apply's alone */
	for (int i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--all"))
			return usage_error(argv[0], "--all is apply's option, not %s's", argv[0]);
	ret = parse_opts(argc, argv, &o);
	free(o.claim.immediate_funcs);
	return ret;
}

/*
 * The shim refuses a claim with EBUSY when it cannot hook
 * klp_enable_patch(): ftrace may be switched off (its hooks are
 * permanent ftrace users), which the kernel does not tell it.
 */
static void explain_claim_failure(const char *name, int err)
{
	if (err == EBUSY && read_long("/proc/sys/kernel", "ftrace_enabled", 1) == 0)
		fprintf(stderr, "shunt: %s: cannot claim %s: ftrace is disabled (sysctl kernel.ftrace_enabled=0)\n",
			SHUNT_CLAIM_FILE, name);
	else
		fprintf(stderr, "shunt: %s: cannot claim %s: %s\n", SHUNT_CLAIM_FILE,
			name, strerror(err));
}

/* "shunt: FILE: MESSAGE" for a module the kernel would not load */
static void explain_failure(const char *file, const char *name, int err)
{
	struct claim_status st;
	char holder[256], fn[256];
	const char *q;

	if (claim_read_status(name, &st) || strcmp(st.state, CLAIM_FAILED) || !st.msg[0]) {
		fprintf(stderr, "shunt: %s: loading the module failed: %s\n", file,
			strerror(err));
		return;
	}
	q = strstr(st.msg, "function '");
	/* a function someone else redirects: say who, unless it is shunt */
	if (st.err == -EBUSY && q && !strstr(st.msg, "by shunt") &&
	    sscanf(q, "function '%255[^']'", fn) == 1) {
		describe_holder(&holder_paths_default, fn, holder, sizeof(holder));
		/* the shim already said "another IPMODIFY ftrace user" */
		if (strstr(st.msg, holder + strlen("held by ")))
			fprintf(stderr, "shunt: %s: %s\n", file, st.msg);
		else
			fprintf(stderr, "shunt: %s: %s (%s)\n", file, st.msg, holder);
		return;
	}
	fprintf(stderr, "shunt: %s: %s\n", file, st.msg);
}

/* "  transition: 1.234 ms; tasks switched by stack 58, idle 2" */
static void print_stats(const struct patch_info *pi)
{
	static const char *const how_names[SHUNT_NR_HOW] = SHUNT_HOW_NAMES;
	const char *stats = patch_attr_value(pi, SHIM_ATTR_STATS);
	struct strbuf how = { 0 };
	struct shimfs_stats st;

	if (!stats)
		return;
	shimfs_parse_stats(stats, &st);
	for (int i = 0; i < SHUNT_NR_HOW; i++)
		if (st.switched[i])
			strbuf_addf(&how, "%s%s %llu", how.len ? ", " : "",
				    how_names[i], st.switched[i]);
	printf("  transition: %.3f ms; tasks switched by %s\n",
	       st.duration_ns / 1e6, how.len ? how.buf : "(none)");
	if (st.stop_ns)
		printf("  stop_machine: CPUs stopped for %.3f ms\n", st.stop_ns / 1e6);
	strbuf_free(&how);
}

/* "  parked: 12 shunt_park/0, 13 shunt_park/1" */
static void print_parked(const struct patch_info *pi)
{
	const char *parked = patch_attr_value(pi, SHIM_ATTR_PARKED);
	int first = 1;

	if (!parked || !parked[0])
		return;
	printf("  parked:");
	for (const char *p = parked; *p; first = 0) {
		size_t n = strcspn(p, "\n");

		printf("%s %.*s", first ? "" : ",", (int)n, p);
		p += n + (p[n] == '\n');
	}
	putchar('\n');
}

static void print_applied(const char *name)
{
	struct patch_info pi;

	if (shunt_patch_read(name, &pi)) {
		printf("shunt: applied %s\n", name);
		return;
	}
	printf("shunt: applied %s (consistency %s, redirect %s)\n", name,
	       pi.consistency, pi.redirect);
	for (int i = 0; i < pi.nr_objs; i++) {
		const struct patch_obj *po = &pi.objs[i];

		for (int j = 0; j < po->nr_funcs; j++) {
			const struct patch_func *pf = &po->funcs[j];

			printf("  %s: %s,%lu -> %s%s\n", po->name, pf->name,
			       pf->sympos, pf->new_func[0] ? pf->new_func : "?",
			       pf->immediate > 0 ? " (immediate)" : "");
		}
		if (po->patched == 0)
			printf("  %s: not loaded; patched when it loads\n", po->name);
	}
	print_stats(&pi);
	print_parked(&pi);
	patch_info_free(&pi);
}

/* "3 pending, 57 switched" from the shim's live stats */
static void read_progress(const char *name, char *buf, size_t len)
{
	struct shimfs_stats st;

	buf[0] = '\0';
	if (shimfs_read_stats(name, &st))
		return;
	snprintf(buf, len, "%llu task(s) pending, %llu switched", st.pending,
		 shimfs_stats_switched(&st));
}

/*
 * Wait while the patch is in transition; 0 done, -1 timed out. On a
 * terminal a live progress line; otherwise a line whenever the blocking
 * tasks change.
 */
/*
 * SIGINT and SIGTERM end the apply at the next step, never in the middle
 * of one: before the module is loaded everything is undone; once its
 * transition runs, it goes on in the kernel (or is reversed when
 * --timeout was given, as when the time runs out).
 */
static volatile sig_atomic_t apply_signal;

static void apply_on_signal(int sig)
{
	apply_signal = sig;
}

static void apply_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = apply_on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* 128 + the signal, as a shell reports a process it ended */
static int interrupted_before_load(const char *name)
{
	fprintf(stderr, "shunt: %s: interrupted (%s) before the module was loaded: nothing applied\n",
		name, strsignal(apply_signal));
	return 128 + apply_signal;
}

static int wait_transition(const char *name, double timeout)
{
	char blocked[4096], last[4096] = "", progress[128];
	int tty = isatty(STDOUT_FILENO), shown = 0;
	double start = now_ms(), elapsed;

	while (shimfs_patch_exists(name) &&
	       shimfs_read_long(name, SHIM_ATTR_TRANSITION, 0)) {
		elapsed = (now_ms() - start) / 1000;
		if (elapsed >= timeout || apply_signal)
			goto out;
		read_progress(name, progress, sizeof(progress));
		if (tty) {
			shimfs_read_blocked(name, blocked, sizeof(blocked));
			printf("\rshunt: %s: transition %.1f s: %s; blocked by: %.50s\033[K",
			       name, elapsed, progress,
			       blocked[0] ? strtok(blocked, "\n") : "-");
			fflush(stdout);
			shown = 1;
		} else if (elapsed > 0.5) {
			/* after half a second, say who holds it up */
			shimfs_read_blocked(name, blocked, sizeof(blocked));
			if (strcmp(blocked, last)) {
				printf("shunt: %s: waiting for the transition (%.1f s, %s); blocked by:\n%s\n",
				       name, elapsed, progress,
				       blocked[0] ? blocked : "-");
				fflush(stdout);
				copy_str(last, sizeof(last), blocked);
			}
		}
		sleep_ms(POLL_MS);
	}
	elapsed = -1;
out:
	if (shown)
		printf("\n");
	return elapsed < 0 ? 0 : -1;
}

/*
 * Turn the apply around: revert the patch, remove its module. The metrics
 * go first, whatever the shim says: a failed apply keeps none.
 */
static void undo_apply(const char *name)
{
	metrics_detach(name);
	switch (revert_patch(name, UNDO_TIMEOUT_S, false)) {
	case REVERT_REFUSED:
		fprintf(stderr, "shunt: %s: cannot reverse the transition: %s\n",
			name, strerror(errno));
		break;
	case REVERT_NOT_RELEASED:
		fprintf(stderr, "shunt: %s: the reversed transition is still running; see 'shunt show %s'\n",
			name, name);
		break;
	case REVERT_UNLOAD_FAILED:
		fprintf(stderr, "shunt: %s: transition reversed; removing module %s failed: %s\n",
			name, name, strerror(errno));
		break;
	case REVERT_KEPT:
	case REVERT_KEPT_FORCED:
		/* forced while we waited: its module must stay */
		fprintf(stderr, "shunt: %s: transition reversed; module %s kept: the patch was forced\n",
			name, name);
		break;
	case REVERT_REMOVED:
		fprintf(stderr, "shunt: %s: transition reversed, nothing applied\n", name);
		break;
	}
}

/* The transition took too long: name who blocks it, turn it around. */
static void give_up(const char *name, double timeout)
{
	char blocked[4096];

	shimfs_read_blocked(name, blocked, sizeof(blocked));
	fprintf(stderr, "shunt: %s: transition not done after %g s; blocked by:\n%s\n",
		name, timeout, blocked[0] ? blocked : "(no task named)");
	undo_apply(name);
}

/* How an apply's BPF metrics stand after each step */
enum apply_metrics {
	METRICS_OFF,		/* --no-metrics, or going on without them */
	METRICS_SHIM,		/* no BPF here: the shim's counters alone */
	METRICS_ON,
	METRICS_FATAL,		/* --strict, and they could not be attached */
};

/*
 * On 6.1 BPF metrics on a function shunt redirects are not safe: with a
 * BPF trampoline (fentry/fexit) and shunt's IPMODIFY ftrace_ops on one
 * function, ftrace's list function meets an ops without a handler
 * ("WARNING ... kernel/trace/ftrace.c ... arch_ftrace_ops_list_func"),
 * skips the redirection, and taking the probes down warns and has locked
 * up the VM. 6.12 is fine. There apply goes with the shim's call
 * counters alone, and says so; --latency is refused.
 */
static bool metrics_safe_here(void)
{
	struct utsname uts;
	int major = 0, minor = 0;

	if (uname(&uts) || sscanf(uts.release, "%d.%d", &major, &minor) != 2)
		return true;
	return major > 6 || (major == 6 && minor >= 12);
}

/* The transition's tracepoints, before the module starts it. */
static enum apply_metrics begin_metrics(const char *name,
					const struct apply_opts *o)
{
	if (o->no_metrics)
		return METRICS_OFF;
	if (!metrics_safe_here()) {
		printf("shunt: %s: no BPF metrics on this kernel: its ftrace cannot share a function between BPF probes and an IPMODIFY ftrace_ops (6.1; 6.12 can); the shim's call counters only\n",
		       name);
		fflush(stdout);
		if (o->metrics.strict)
			return METRICS_FATAL;
		return METRICS_SHIM;
	}
	if (!metrics_begin(name))
		return METRICS_ON;
	if (o->metrics.strict) {
		fprintf(stderr, "shunt: %s: metrics could not be attached (--strict); nothing applied\n",
			name);
		return METRICS_FATAL;
	}
	fprintf(stderr, "shunt: %s: applying without BPF metrics\n", name);
	return METRICS_OFF;
}

/* The probes on the functions, once the module is loaded; FATAL undoes it. */
static enum apply_metrics attach_metrics(const char *name,
					 const struct apply_opts *o)
{
	if (!metrics_attach(name, &o->metrics))
		return METRICS_ON;
	if (o->metrics.strict) {
		fprintf(stderr, "shunt: %s: metrics could not be attached (--strict)\n",
			name);
		undo_apply(name);
		return METRICS_FATAL;
	}
	fprintf(stderr, "shunt: %s: applied without BPF metrics\n", name);
	return METRICS_OFF;
}

static void print_metrics(const char *name)
{
	static struct metrics_snapshot snap;

	if (!snapshot_read(name, &snap))
		report_print(stdout, name, &snap, 0, 0);
}

/* The claim: its "claim" line, then the vmlinux symbols the module may use. */
static int build_claim(const char *file, const struct modfile *mf,
		       const struct claim_opts *co, struct strbuf *claim)
{
	static char buf[1 << 20];
	struct strset *names;
	long nsyms, nonzero;
	FILE *ks;

	if (claim_format(claim, mf->info.name, co)) {
		fprintf(stderr, "shunt: %s: out of memory\n", file);
		return -1;
	}
	names = modfile_names(mf);
	if (!names) {
		fprintf(stderr, "shunt: %s: out of memory\n", file);
		return -1;
	}
	ks = fopen("/proc/kallsyms", "r");
	if (!ks) {
		fprintf(stderr, "shunt: /proc/kallsyms: %s\n", strerror(errno));
		strset_free(names);
		return -1;
	}
	/* ~200k lines: big reads, not one page per read() */
	setvbuf(ks, buf, _IOFBF, sizeof(buf));
	nsyms = kallsyms_claim_lines(ks, names, mf->info.name, claim, &nonzero);
	fclose(ks);
	strset_free(names);
	if (nsyms < 0) {
		fprintf(stderr, "shunt: /proc/kallsyms: out of memory\n");
		return -1;
	}
	if (!nonzero) {
		fprintf(stderr, "shunt: /proc/kallsyms: cannot read kernel symbol addresses (kernel.kptr_restrict?)\n");
		return -1;
	}
	/* 6.1 has no clear_relocate_add(): say what that costs (compat.c) */
	if (modfile_has_module_klp_relocs(mf) &&
	    !memmem(claim->buf, claim->len, " " SHUNT_SYM_CLEAR_RELOCATE_ADD " ",
		    strlen(SHUNT_SYM_CLEAR_RELOCATE_ADD) + 2))
		fprintf(stderr, "shunt: %s: this kernel has no clear_relocate_add(): a target module of its module objects that goes while it is applied cannot load again until it is reverted\n",
			mf->info.name);
	return 0;
}

/* After finit_module() succeeded: the patch must be shunt's. */
static int check_routed(const char *file, const char *name)
{
	if (shimfs_patch_exists(name))
		return 0;
	if (shimfs_klp_patch_exists(name))
		fprintf(stderr, "shunt: %s: the kernel's livepatch took module %s, not shunt.ko\n",
			file, name);
	else
		fprintf(stderr, "shunt: %s: module %s loaded, but it made no patch (no klp_enable_patch() call?)\n",
			file, name);
	return -1;
}

static int apply(const char *file, const char *params, struct apply_opts *o)
{
	struct strbuf claim = { 0 };
	struct utsname uts;
	struct modfile mf;
	const char *name;
	char err[512];
	enum apply_metrics metrics;
	int ret = EXIT_FAIL;

	apply_catch_signals();

	if (modfile_load(file, &mf))
		return EXIT_FAIL;
	name = mf.info.name;
	uname(&uts);
	if (modfile_check_patch(&mf.info, uts.release, err, sizeof(err))) {
		fprintf(stderr, "shunt: %s: %s\n", file, err);
		goto out;
	}
	if (o->claim.redirect && !strcmp(o->claim.redirect, "kprobe") &&
	    kprobes_state_problem(kprobes_state())) {
		fprintf(stderr, "shunt: %s: --redirect=kprobe would not take effect: %s\n",
			file, kprobes_state_problem(kprobes_state()));
		goto out;
	}
	if (shim_ensure_loaded(o->shim))
		goto out;
	if (module_is_loaded(name)) {
		fprintf(stderr, "shunt: %s: module %s is already loaded\n", file, name);
		goto out;
	}
	if (o->metrics.latency && !metrics_safe_here()) {
		fprintf(stderr, "shunt: %s: --latency is not available on this kernel: its ftrace cannot share a function between BPF probes and an IPMODIFY ftrace_ops (6.1; 6.12 can)\n",
			file);
		goto out;
	}
	/*
	 * --latency's fentry/fexit on vmlinux's originals is a BPF
	 * trampoline, a direct ftrace user: it can share a function with an
	 * IPMODIFY ftrace_ops, not with the shim's direct call. The default
	 * metrics (the shim's counters count on either path) keep the
	 * ftrace_ops too, as before: anybody's BPF trampoline still fits on
	 * the originals, and an atomic replace that drops a function takes
	 * it off ftrace at once (a registered direct ops cannot lose
	 * addresses on 6.12). Only --no-metrics and --probe=kprobe get the
	 * direct call.
	 */
	if (!o->no_metrics && !o->metrics.kprobe)
		o->claim.no_direct = 1;
	if (build_claim(file, &mf, &o->claim, &claim))
		goto out;
	if (apply_signal) {
		ret = interrupted_before_load(name);
		goto out;
	}
	if (claim_write(claim.buf, claim.len)) {
		explain_claim_failure(name, errno);
		claim_drop(name);
		goto out;
	}
	metrics = begin_metrics(name, o);
	if (metrics == METRICS_FATAL) {
		claim_drop(name);
		goto out;
	}
	if (apply_signal) {
		claim_drop(name);
		metrics_detach(name);
		ret = interrupted_before_load(name);
		goto out;
	}
	/* the very file checked above: no second open by path */
	if (module_load_fd(mf.fd, params)) {
		explain_failure(file, name, errno);
		claim_drop(name);
		metrics_detach(name);
		goto out;
	}
	claim_drop(name);
	if (check_routed(file, name)) {
		metrics_detach(name);
		goto out;
	}
	/* with or without metrics of its own: the replaced patches' end */
	if (shimfs_read_long(name, SHIM_ATTR_REPLACE, 0) > 0)
		metrics_detach_replaced(name);
	if (metrics == METRICS_ON)
		metrics = attach_metrics(name, o);
	if (metrics == METRICS_FATAL)
		goto out;
	if (o->no_wait) {
		printf("shunt: %s: transition started; 'shunt show %s' follows it\n",
		       name, name);
		ret = EXIT_OK;
		goto out;
	}
	if (wait_transition(name, o->timeout)) {
		if (!apply_signal) {
			give_up(name, o->timeout);
			goto out;
		}
		ret = 128 + apply_signal;
		if (o->timeout_set) {
			fprintf(stderr, "shunt: %s: interrupted (%s): reversing the transition, as --timeout asks\n",
				name, strsignal(apply_signal));
			undo_apply(name);
			goto out;
		}
		fprintf(stderr, "shunt: %s: interrupted (%s): the transition goes on in the kernel; follow it with 'shunt show %s', undo it with 'shunt revert %s'\n",
			name, strsignal(apply_signal), name, name);
		goto out;
	}
	print_applied(name);
	if (metrics == METRICS_ON || metrics == METRICS_SHIM)
		print_metrics(name);
	ret = EXIT_OK;
out:
	strbuf_free(&claim);
	modfile_free(&mf);
	return ret;
}

int apply_run(int argc, char **argv)
{
	struct apply_opts o = { .claim = CLAIM_OPTS_INIT };
	struct strbuf params = { 0 };
	int ret = parse_opts(argc, argv, &o);

	if (ret == OPTS_HELP) {
		apply_usage();
		ret = EXIT_OK;
	} else if (ret == OPTS_OK && o.all) {
		ret = require_sys_module("apply");
		if (ret == EXIT_OK)
			ret = apply_all(o.shim);
	} else if (ret == OPTS_OK) {
		/* before the file is even opened */
		ret = require_sys_module("apply");
		/* module parameters, as one string the way insmod joins them */
		for (int i = optind + 1; ret == EXIT_OK && i < argc; i++)
			strbuf_addf(&params, "%s%s", i > optind + 1 ? " " : "", argv[i]);
		if (ret == EXIT_OK)
			ret = apply(argv[optind], params.len ? params.buf : "", &o);
	}
	strbuf_free(&params);
	free(o.claim.immediate_funcs);
	return ret;
}
