// SPDX-License-Identifier: GPL-2.0
/*
 * shunt report, and the report of a metrics snapshot that apply prints
 * too: text or one JSON line, whole or per interval.
 */
#include "report.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "histogram.h"
#include "json.h"
#include "orphans.h"
#include "util.h"

static const char *const phase_names[] = { "before", "during", "after" };
static const char *const version_names[] = { "old", "new" };
static const char *const how_names[] = SHUNT_HOW_NAMES;

static const char *phase_str(const struct shunt_events *ev)
{
	if (ev->phase == SHUNT_AFTER && ev->result == TRANS_REVERSED)
		return "after (reversed)";
	if (ev->phase == SHUNT_AFTER && ev->result == TRANS_FORCED)
		return "after (forced)";
	return ev->phase < SHUNT_NR_PHASES ? phase_names[ev->phase] : "?";
}

/* what ended the patch's metrics (enum shunt_end), NULL while live */
static const char *end_str(const struct shunt_events *ev)
{
	switch (ev->ended) {
	case SHUNT_LIVE:
		return NULL;
	case SHUNT_END_UNPATCHED:
		return "unpatched";
	case SHUNT_END_RELEASED:
		return "module released";
	}
	return "?";
}

static void hist_sub(struct shunt_hist *d, const struct shunt_hist *a,
		     const struct shunt_hist *b)
{
	d->count = a->count - b->count;
	d->total_ns = a->total_ns - b->total_ns;
	for (int i = 0; i < SHUNT_HIST_SLOTS; i++)
		d->slots[i] = a->slots[i] - b->slots[i];
}

void report_delta(struct metrics_snapshot *d,
		  const struct metrics_snapshot *cur,
		  const struct metrics_snapshot *prev)
{
	*d = *cur;
	for (int i = 0; i < SHUNT_NR_CALLS; i++) {
		d->calls[i].entries = cur->calls[i].entries - prev->calls[i].entries;
		hist_sub(&d->calls[i].lat, &cur->calls[i].lat, &prev->calls[i].lat);
	}
	for (int i = 0; i < SHUNT_NR_HOW; i++)
		d->events.switched[i] = cur->events.switched[i] -
					prev->events.switched[i];
	hist_sub(&d->events.switch_lat, &cur->events.switch_lat,
		 &prev->events.switch_lat);
	hist_sub(&d->events.stop_stall, &cur->events.stop_stall,
		 &prev->events.stop_stall);
	d->events.violations = cur->events.violations - prev->events.violations;
	for (int i = 0; i < cur->nr_funcs; i++) {
		d->shim[i].new_calls = cur->shim[i].new_calls - prev->shim[i].new_calls;
		d->shim[i].old_calls = cur->shim[i].old_calls - prev->shim[i].old_calls;
	}
}

/*
 * What measured the numbers: the shim's call counters always (while the
 * patch exists); BPF, when pinned, for the transition, the old body and,
 * with --latency, every call of the new function and of the original.
 */
static const char *mode_str(const struct metrics_snapshot *s)
{
	if (!s->bpf)
		return "counters-only";
	for (int i = 0; i < s->nr_funcs; i++)
		if (s->new_probed[i])
			return "latency";
	return "counters";
}

const char *report_mode_text(const struct metrics_snapshot *s)
{
	const char *m = mode_str(s);

	if (!strcmp(m, "counters-only"))
		return "the shim's call counters alone (no BPF programs: --no-metrics, or a kernel without BPF metrics)";
	if (!strcmp(m, "latency"))
		return "BPF probes on every call (--latency): calls and latency per phase; the shim's call counters";
	return "the shim's call counters (new calls), BPF old-body and transition probes (old calls, safety); latency needs --latency";
}

/* one version of one function: calls per phase, and every phase together */
struct version_total {
	__u64 calls;
	__u64 phase_calls[SHUNT_NR_PHASES];
	struct shunt_hist lat;
};

static void version_total(const struct metrics_snapshot *s, int f, int v,
			  struct version_total *t)
{
	memset(t, 0, sizeof(*t));
	for (int p = 0; p < SHUNT_NR_PHASES; p++) {
		const struct shunt_calls *c = &s->calls[shunt_calls_index(f, v, p)];

		t->phase_calls[p] = c->entries;
		t->calls += c->entries;
		t->lat.count += c->lat.count;
		t->lat.total_ns += c->lat.total_ns;
		for (int i = 0; i < SHUNT_HIST_SLOTS; i++)
			t->lat.slots[i] += c->lat.slots[i];
	}
}

static void print_hist(FILE *f, const struct shunt_hist *h, const char *indent)
{
	hist_print(f, h->slots, SHUNT_HIST_SLOTS,
		   hist_unit(h->slots, SHUNT_HIST_SLOTS), indent);
}

/* "    old: 12 calls (before 2, during 4, after 6); latency ..." */
static void print_version_text(FILE *f, const char *version,
			       const struct version_total *t)
{
	const struct shunt_hist *lat = &t->lat;

	fprintf(f, "    %s: %llu calls (", version, (unsigned long long)t->calls);
	for (int p = 0; p < SHUNT_NR_PHASES; p++)
		fprintf(f, "%s%s %llu", p ? ", " : "", phase_names[p],
			(unsigned long long)t->phase_calls[p]);
	fprintf(f, ")");
	if (lat->count)
		fprintf(f, "; latency p50 < %llu ns, p90 < %llu ns, p99 < %llu ns, avg %llu ns",
			(unsigned long long)hist_percentile(lat->slots, SHUNT_HIST_SLOTS, 50),
			(unsigned long long)hist_percentile(lat->slots, SHUNT_HIST_SLOTS, 90),
			(unsigned long long)hist_percentile(lat->slots, SHUNT_HIST_SLOTS, 99),
			(unsigned long long)(lat->total_ns / lat->count));
	fprintf(f, "\n");
	if (lat->count)
		print_hist(f, lat, "    ");
}

/* "HH:MM:SS metrics of NAME (since apply|last N s)", no newline */
static void print_report_head(FILE *f, const char *name, double interval_s)
{
	char when[32];
	time_t now = time(NULL);

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	fprintf(f, "%s metrics of %s%s", when, name,
		interval_s > 0 ? "" : " (since apply)");
	if (interval_s > 0)
		fprintf(f, " (last %.1f s)", interval_s);
}

static void print_new_counted(FILE *f, const struct shim_counts *sc);
static void print_text_counters(FILE *f, const char *name,
				const struct metrics_snapshot *s,
				double interval_s);

static void print_text(FILE *f, const char *name,
		       const struct metrics_snapshot *s, double interval_s)
{
	const struct shunt_events *ev = &s->events;
	int any = 0;

	if (!s->bpf) {
		print_text_counters(f, name, s, interval_s);
		return;
	}
	print_report_head(f, name, interval_s);
	fprintf(f, "; transition phase: %s", phase_str(ev));
	if (ev->phase == SHUNT_AFTER && ev->end_ns > ev->start_ns && ev->start_ns)
		fprintf(f, ", took %.3f ms", (ev->end_ns - ev->start_ns) / 1e6);
	if (end_str(ev))
		fprintf(f, "; the patch ended (%s), %.1f s ago: nothing counted since",
			end_str(ev), s->time_ns > ev->ended_ns ?
			(s->time_ns - ev->ended_ns) / 1e9 : 0);
	fprintf(f, "\n  tasks switched (seen by BPF):");
	for (int i = 0; i < SHUNT_NR_HOW; i++) {
		if (!ev->switched[i])
			continue;
		fprintf(f, " %s %llu", how_names[i],
			(unsigned long long)ev->switched[i]);
		any = 1;
	}
	fprintf(f, "%s\n", any ? "" : " none");
	fprintf(f, "  measured by %s\n", report_mode_text(s));
	if (ev->switch_lat.count) {
		fprintf(f, "  per-task switch latency (from the start of the transition):\n");
		print_hist(f, &ev->switch_lat, "  ");
	}
	if (ev->stop_stall.count) {
		fprintf(f, "  stop_machine: %llu stall(s), %llu found tasks in the functions; CPUs stopped:\n",
			(unsigned long long)ev->stop_stall.count,
			(unsigned long long)ev->stop_failed);
		print_hist(f, &ev->stop_stall, "  ");
	}
	fprintf(f, "  old-body executions after the transition completed: %llu%s\n",
		(unsigned long long)ev->violations,
		ev->violations ? "  <-- SAFETY VIOLATION" : "");
	for (int i = 0; i < s->nr_violations && interval_s <= 0; i++) {
		const struct shunt_violation *v = &s->violations[i];

		fprintf(f, "    pid %u (%s) ran the old body of %s; stack:", v->pid,
			v->comm, v->func < (__u32)s->nr_funcs ?
			s->funcs[v->func].name : "?");
		for (__u32 k = 0; k < v->nr_frames && k < SHUNT_STACK_DEPTH; k++)
			fprintf(f, " 0x%llx", (unsigned long long)v->frames[k]);
		fprintf(f, "\n");
	}
	if (s->nr_old_tasks) {
		fprintf(f, "  old-body executions during the transition, by task:");
		for (int i = 0; i < s->nr_old_tasks; i++)
			fprintf(f, " %u/%s:%llu", s->old_tasks[i].pid,
				s->old_tasks[i].t.comm,
				(unsigned long long)s->old_tasks[i].t.runs);
		fprintf(f, "\n");
	}
	for (int fn = 0; fn < s->nr_funcs; fn++) {
		const struct shim_counts *sc = &s->shim[fn];

		fprintf(f, "  %s: in the old body now: %lld\n", s->funcs[fn].name,
			(long long)s->funcs[fn].in_flight);
		for (int v = 0; v < SHUNT_NR_VERSIONS; v++) {
			struct version_total t;

			if (v == SHUNT_NEW && !s->new_probed[fn]) {
				print_new_counted(f, sc);
				continue;
			}
			version_total(s, fn, v, &t);
			print_version_text(f, version_names[v], &t);
		}
		if (sc->known)
			fprintf(f, "    routed by the shim: %llu to the new function, %llu to the code below\n",
				(unsigned long long)sc->new_calls,
				(unsigned long long)sc->old_calls);
	}
}

/* "    new: 12 calls (the shim's counter; ...)" without BPF on the new side */
static void print_new_counted(FILE *f, const struct shim_counts *sc)
{
	if (!sc->known) {
		fprintf(f, "    new: ? calls (the shim's counters went with the patch; per phase and latency with --latency)\n");
		return;
	}
	fprintf(f, "    new: %llu calls (the shim's counter; per phase and latency with --latency)\n",
		(unsigned long long)sc->new_calls);
}

/* Without BPF: the shim's counters are all there is. */
static void print_text_counters(FILE *f, const char *name,
				const struct metrics_snapshot *s,
				double interval_s)
{
	print_report_head(f, name, interval_s);
	fprintf(f, "; measured by %s\n", report_mode_text(s));
	for (int fn = 0; fn < s->nr_funcs; fn++)
		fprintf(f, "  %s:\n    new: %llu calls (sent to the new function)\n    old: %llu calls (let go to the code below)\n",
			s->funcs[fn].name,
			(unsigned long long)s->shim[fn].new_calls,
			(unsigned long long)s->shim[fn].old_calls);
}

static void json_hist(FILE *f, const char *key, const struct shunt_hist *h)
{
	fprintf(f, ",\"%s\":", key);
	hist_json(f, h->slots, SHUNT_HIST_SLOTS);
}

static void print_version_json(FILE *f, const char *version,
			       const struct version_total *t)
{
	fprintf(f, ",\"%s\":{\"calls\":%llu", version,
		(unsigned long long)t->calls);
	for (int p = 0; p < SHUNT_NR_PHASES; p++)
		fprintf(f, ",\"calls_%s\":%llu", phase_names[p],
			(unsigned long long)t->phase_calls[p]);
	json_hist(f, "latency", &t->lat);
	fprintf(f, "}");
}

/* ,"shim":{"new":N,"old":M} while the shim has the patch */
static void print_shim_json(FILE *f, const struct shim_counts *sc)
{
	if (sc->known)
		fprintf(f, ",\"shim\":{\"new\":%llu,\"old\":%llu}",
			(unsigned long long)sc->new_calls,
			(unsigned long long)sc->old_calls);
}

/* the rest of the JSON object without BPF: the shim's counters */
static void print_json_counters(FILE *f, const struct metrics_snapshot *s)
{
	fprintf(f, ",\"functions\":[");
	for (int fn = 0; fn < s->nr_funcs; fn++) {
		fprintf(f, "%s{", fn ? "," : "");
		json_kv_str(f, "name", s->funcs[fn].name, 1);
		fprintf(f, ",\"new\":{\"counted_by\":\"shim\",\"calls\":%llu},\"old\":{\"counted_by\":\"shim\",\"calls\":%llu}",
			(unsigned long long)s->shim[fn].new_calls,
			(unsigned long long)s->shim[fn].old_calls);
		print_shim_json(f, &s->shim[fn]);
		fprintf(f, "}");
	}
	fprintf(f, "]}\n");
}

static void print_json(FILE *f, const char *name,
		       const struct metrics_snapshot *s, double interval_s)
{
	const struct shunt_events *ev = &s->events;
	char when[32];
	time_t now = time(NULL);

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", localtime(&now));
	fprintf(f, "{");
	json_kv_str(f, "time", when, 1);
	json_kv_str(f, "patch", name, 0);
	fprintf(f, ",\"interval_s\":%.3f", interval_s > 0 ? interval_s : 0);
	json_kv_str(f, "mode", mode_str(s), 0);
	if (!s->bpf) {
		print_json_counters(f, s);
		return;
	}
	json_kv_str(f, "phase", phase_str(ev), 0);
	json_kv_str(f, "ended", end_str(ev) ? end_str(ev) : "", 0);
	if (ev->phase == SHUNT_AFTER && ev->end_ns > ev->start_ns && ev->start_ns)
		fprintf(f, ",\"transition_ns\":%llu",
			(unsigned long long)(ev->end_ns - ev->start_ns));
	fprintf(f, ",\"switched\":{");
	for (int i = 0; i < SHUNT_NR_HOW; i++)
		fprintf(f, "%s\"%s\":%llu", i ? "," : "", how_names[i],
			(unsigned long long)ev->switched[i]);
	fprintf(f, "}");
	json_hist(f, "switch_latency", &ev->switch_lat);
	json_hist(f, "stop_machine_stall", &ev->stop_stall);
	fprintf(f, ",\"stop_machine_failed\":%llu,\"old_body_after_completion\":%llu",
		(unsigned long long)ev->stop_failed,
		(unsigned long long)ev->violations);
	fprintf(f, ",\"old_body_tasks\":[");
	for (int i = 0; i < s->nr_old_tasks; i++) {
		fprintf(f, "%s{\"pid\":%u", i ? "," : "", s->old_tasks[i].pid);
		json_kv_str(f, "comm", s->old_tasks[i].t.comm, 0);
		fprintf(f, ",\"runs\":%llu}",
			(unsigned long long)s->old_tasks[i].t.runs);
	}
	fprintf(f, "],\"functions\":[");
	for (int fn = 0; fn < s->nr_funcs; fn++) {
		fprintf(f, "%s{", fn ? "," : "");
		json_kv_str(f, "name", s->funcs[fn].name, 1);
		fprintf(f, ",\"in_flight\":%lld", (long long)s->funcs[fn].in_flight);
		for (int v = 0; v < SHUNT_NR_VERSIONS; v++) {
			struct version_total t;

			if (v == SHUNT_NEW && !s->new_probed[fn]) {
				fprintf(f, ",\"new\":{\"counted_by\":\"shim\"");
				if (s->shim[fn].known)
					fprintf(f, ",\"calls\":%llu",
						(unsigned long long)s->shim[fn].new_calls);
				fprintf(f, "}");
				continue;
			}
			version_total(s, fn, v, &t);
			print_version_json(f, version_names[v], &t);
		}
		print_shim_json(f, &s->shim[fn]);
		fprintf(f, "}");
	}
	fprintf(f, "]}\n");
}

void report_print(FILE *f, const char *name, const struct metrics_snapshot *s,
		  double interval_s, int json)
{
	if (json)
		print_json(f, name, s, interval_s);
	else
		print_text(f, name, s, interval_s);
	fflush(f);
}

void report_usage(void)
{
	printf("usage: shunt report NAME [--interval S] [--count N] [--json]\n"
	       "\n"
	       "Print the metrics of shunt patch NAME: per function the calls the shim\n"
	       "sent to the new function and let go to the code below (its call\n"
	       "counters); with BPF probes pinned (apply without --no-metrics) old-body\n"
	       "executions per transition phase, task switches and stop_machine\n"
	       "stalls; with 'apply --latency' also new calls per phase and latency\n"
	       "of old and new. The report says which measured what. With --interval, print what\n"
	       "happened in each interval (--count times, default until interrupted).\n"
	       "--json prints one JSON object per line (per interval). For a patch\n"
	       "that is gone (reverted or replaced without 'shunt revert'), print\n"
	       "its last numbers once, then remove them.\n");
}

int report_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct metrics_snapshot cur, prev, delta;
	double interval = 0;
	const char *name;
	long count = -1;
	int json = 0, c;
	char *end;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			interval = parse_seconds(optarg);
			if (interval <= 0)
				return usage_error("report", "bad --interval '%s'", optarg);
			break;
		case 'c':
			count = strtol(optarg, &end, 10);
			if (*end || count <= 0)
				return usage_error("report", "bad --count '%s'", optarg);
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			report_usage();
			return EXIT_OK;
		default:
			return bad_option("report", argv, c);
		}
	}
	if (optind + 1 != argc)
		return usage_error("report", "expected one patch name");
	name = argv[optind];
	if (check_patch_name("report", name))
		return EXIT_USAGE;
	orphans_collect(name);
	if (snapshot_read(name, &cur))
		return EXIT_FAIL;
	if (orphan_patch_gone(name)) {
		fprintf(stderr, "shunt: %s: the patch is gone; its last numbers%s:\n",
			name, interval > 0 ? " (since apply, not per interval)" : "");
		report_print(stdout, name, &cur, 0, json);
		return orphan_remove(name) ? EXIT_FAIL : EXIT_OK;
	}
	if (interval <= 0) {
		report_print(stdout, name, &cur, 0, json);
		return EXIT_OK;
	}
	for (long i = 0; count < 0 || i < count; i++) {
		prev = cur;
		sleep_ms((unsigned int)(interval * 1000));
		if (snapshot_read(name, &cur))
			return EXIT_FAIL;
		report_delta(&delta, &cur, &prev);
		report_print(stdout, name, &delta, interval, json);
		if (orphan_patch_gone(name)) {
			fprintf(stderr, "shunt: %s: the patch is gone; that was its last interval\n",
				name);
			return orphan_remove(name) ? EXIT_FAIL : EXIT_OK;
		}
	}
	return EXIT_OK;
}
