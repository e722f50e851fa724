// SPDX-License-Identifier: GPL-2.0
/*
 * Per-function metrics of a shunt patch: calls and log2 latency of the
 * original (old) and the replacement (new), per phase of the transition,
 * and the old-body probe.
 *
 * The entry probe of the original fires for every call, redirected or
 * not, so it only takes the time. The old-body probe sits past the
 * ftrace call, where only calls that really run the original arrive: it
 * counts the old calls and marks the call, so that the exit probe adds
 * the latency to the old histogram. The replacement's own probes count
 * the new calls.
 *
 * The replacement lives in the patch module and is always probed with a
 * kprobe/kretprobe: an fentry/fexit program on module code holds that
 * module for as long as it lives, and the patch module must be removable
 * once the patch ends, whoever ends it. The original is probed with
 * fentry/fexit (loaded once per function, func_idx says which) or, with
 * --probe=kprobe and for the originals of module objects, by kprobe; the
 * kprobe programs are loaded once and attached per function with the
 * function index as the BPF cookie.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "shunt_common.bpf.h"

const volatile __u32 func_idx;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SHUNT_NR_CALLS);
	__type(key, __u32);
	__type(value, struct shunt_calls);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SHUNT_MAX_FUNCS);
	__type(key, __u32);
	__type(value, struct shunt_func_info);
} funcs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SHUNT_MAX_VIOLATIONS);
	__type(key, __u32);
	__type(value, struct shunt_violation);
} violations SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct shunt_old_task);
} oldtasks SEC(".maps");

struct start_key {
	__u32 tid;
	__u32 func;
	__u32 version;
};

struct start_val {
	__u64 ts;
	__u32 phase;
	__u32 body;		/* the old body ran in this call */
};

/* calls in progress; a recursive call overwrites its caller's start */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct start_key);
	__type(value, struct start_val);
} starts SEC(".maps");

static __always_inline __u32 phase_of(const struct shunt_events *ev)
{
	return ev->phase < SHUNT_NR_PHASES ? ev->phase : SHUNT_AFTER;
}

static __always_inline struct shunt_calls *calls_of(__u32 func, __u32 version,
						    __u32 phase)
{
	__u32 idx;

	if (func >= SHUNT_MAX_FUNCS)
		return NULL;
	idx = shunt_calls_index(func, version, phase);
	return bpf_map_lookup_elem(&calls, &idx);
}

static __always_inline void call_start(__u32 func, __u32 version)
{
	struct shunt_events *ev = shunt_events();
	struct start_key key = {
		.tid = (__u32)bpf_get_current_pid_tgid(),
		.func = func,
		.version = version,
	};
	struct start_val val = {};
	struct shunt_calls *c;

	if (shunt_ended(ev))
		return;
	val.ts = bpf_ktime_get_ns();
	val.phase = phase_of(ev);
	bpf_map_update_elem(&starts, &key, &val, BPF_ANY);
	/* old calls are counted where the body runs */
	if (version == SHUNT_NEW) {
		c = calls_of(func, version, val.phase);
		if (c)
			__sync_fetch_and_add(&c->entries, 1);
	}
}

static __always_inline void call_end(__u32 func, __u32 version)
{
	struct start_key key = {
		.tid = (__u32)bpf_get_current_pid_tgid(),
		.func = func,
		.version = version,
	};
	struct shunt_func_info *fi;
	struct start_val *val;
	struct shunt_calls *c;
	__u64 ns;

	if (shunt_ended(shunt_events()))
		return;
	val = bpf_map_lookup_elem(&starts, &key);
	if (!val)
		return;
	ns = bpf_ktime_get_ns() - val->ts;
	/* an old entry without the body: redirected, the new side counts it */
	if (version == SHUNT_NEW || val->body) {
		c = calls_of(func, version, val->phase);
		if (c)
			shunt_hist_add(&c->lat, ns);
	}
	if (version == SHUNT_OLD && val->body) {
		fi = bpf_map_lookup_elem(&funcs, &func);
		if (fi)
			__sync_fetch_and_add(&fi->in_flight, -1);
	}
	bpf_map_delete_elem(&starts, &key);
}

static __always_inline void record_violation(void *ctx, struct shunt_events *ev,
					     __u32 func)
{
	__u64 n = __sync_fetch_and_add(&ev->violations, 1);
	__u32 idx = n % SHUNT_MAX_VIOLATIONS;
	struct shunt_violation *v;
	long len;

	v = bpf_map_lookup_elem(&violations, &idx);
	if (!v)
		return;
	v->pid = (__u32)bpf_get_current_pid_tgid();
	v->func = func;
	v->time_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(v->comm, sizeof(v->comm));
	len = bpf_get_stack(ctx, v->frames, sizeof(v->frames), 0);
	v->nr_frames = len > 0 ? len / sizeof(__u64) : 0;
}

static __always_inline void old_body(void *ctx, __u32 func)
{
	struct start_key key = {
		.tid = (__u32)bpf_get_current_pid_tgid(),
		.func = func,
		.version = SHUNT_OLD,
	};
	struct shunt_events *ev = shunt_events();
	struct shunt_func_info *fi;
	struct shunt_old_task *ot, fresh = {};
	struct start_val *val;
	struct shunt_calls *c;
	__u32 phase, pid;

	if (shunt_ended(ev))
		return;
	phase = phase_of(ev);
	c = calls_of(func, SHUNT_OLD, phase);
	if (c)
		__sync_fetch_and_add(&c->entries, 1);
	val = bpf_map_lookup_elem(&starts, &key);
	if (val && !val->body) {
		val->body = 1;
		fi = bpf_map_lookup_elem(&funcs, &func);
		if (fi)
			__sync_fetch_and_add(&fi->in_flight, 1);
	}
	/* after a completed apply every call must be redirected, until a revert */
	if (phase == SHUNT_AFTER && ev->result == 0 && ev->target == 1 &&
	    !ev->reverting) {
		record_violation(ctx, ev, func);
		return;
	}
	if (phase != SHUNT_DURING)
		return;
	pid = key.tid;
	ot = bpf_map_lookup_elem(&oldtasks, &pid);
	if (!ot) {
		bpf_get_current_comm(fresh.comm, sizeof(fresh.comm));
		bpf_map_update_elem(&oldtasks, &pid, &fresh, BPF_NOEXIST);
		ot = bpf_map_lookup_elem(&oldtasks, &pid);
		if (!ot)
			return;
	}
	__sync_fetch_and_add(&ot->runs, 1);
}

SEC("fentry")
int BPF_PROG(shunt_old_entry)
{
	call_start(func_idx, SHUNT_OLD);
	return 0;
}

SEC("fexit")
int BPF_PROG(shunt_old_exit)
{
	call_end(func_idx, SHUNT_OLD);
	return 0;
}

SEC("kprobe")
int shunt_old_body(struct pt_regs *ctx)
{
	old_body(ctx, (__u32)bpf_get_attach_cookie(ctx));
	return 0;
}

SEC("kprobe")
int shunt_kold_in(struct pt_regs *ctx)
{
	call_start((__u32)bpf_get_attach_cookie(ctx), SHUNT_OLD);
	return 0;
}

SEC("kretprobe")
int shunt_kold_out(struct pt_regs *ctx)
{
	call_end((__u32)bpf_get_attach_cookie(ctx), SHUNT_OLD);
	return 0;
}

SEC("kprobe")
int shunt_knew_in(struct pt_regs *ctx)
{
	call_start((__u32)bpf_get_attach_cookie(ctx), SHUNT_NEW);
	return 0;
}

SEC("kretprobe")
int shunt_knew_out(struct pt_regs *ctx)
{
	call_end((__u32)bpf_get_attach_cookie(ctx), SHUNT_NEW);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
