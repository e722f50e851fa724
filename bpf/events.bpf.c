// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's shunt:* tracepoints, for one patch: the phase the metrics
 * count in, who switched how and when, stop_machine() stalls, and when
 * the patch ends, whoever ends it (the loader, enabled written 0, a
 * reversed transition, a replace): then every program of the patch
 * returns at once and the old body may legitimately run again.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "shunt_common.bpf.h"

#define NAME_LEN 64

const volatile char patch_name[NAME_LEN];

/* the tracepoint is about our patch */
static __always_inline int ours(const char *patch)
{
	char name[NAME_LEN];
	int i;

	if (bpf_probe_read_kernel_str(name, sizeof(name), patch) < 0)
		return 0;
	for (i = 0; i < NAME_LEN; i++) {
		if (name[i] != patch_name[i])
			return 0;
		if (!name[i])
			return 1;
	}
	return 1;
}

static __always_inline void end(struct shunt_events *ev, __u32 why)
{
	if (ev->ended != SHUNT_LIVE)
		return;
	ev->ended_ns = bpf_ktime_get_ns();
	ev->ended = why;
}

/* only the apply transition counts: a revert ends the metrics */
SEC("raw_tp/shunt_transition_start")
int BPF_PROG(shunt_tp_start, const char *patch, int target)
{
	struct shunt_events *ev = shunt_events();

	if (shunt_ended(ev) || !ours(patch) || target != 1)
		return 0;
	ev->start_ns = bpf_ktime_get_ns();
	ev->result = -1;
	ev->phase = SHUNT_DURING;
	return 0;
}

/*
 * The end of the apply transition (completed, or reversed to unpatched),
 * the end of a revert (the patch ended), or of a revert turned around
 * (patched again: the originals must not run any more).
 */
SEC("raw_tp/shunt_transition_end")
int BPF_PROG(shunt_tp_end, const char *patch, int target, int result)
{
	struct shunt_events *ev = shunt_events();

	if (shunt_ended(ev) || !ours(patch))
		return 0;
	if (ev->phase == SHUNT_DURING) {
		ev->end_ns = bpf_ktime_get_ns();
		ev->target = target;
		ev->result = result;
		ev->phase = SHUNT_AFTER;
	}
	if (target == 0)
		end(ev, SHUNT_END_UNPATCHED);
	else
		ev->reverting = 0;
	return 0;
}

/* enabled written 0: from now on tasks run the originals again */
SEC("raw_tp/shunt_patch_revert")
int BPF_PROG(shunt_tp_revert, const char *patch)
{
	struct shunt_events *ev = shunt_events();

	if (shunt_ended(ev) || !ours(patch))
		return 0;
	ev->reverting = 1;
	return 0;
}

/* the shim let go of the module: reverted, or replaced by another patch */
SEC("raw_tp/shunt_module_release")
int BPF_PROG(shunt_tp_gone, const char *patch, int ret)
{
	struct shunt_events *ev = shunt_events();

	/*
	 * ret last: before ours() the compiler folds "!ev || ret" into one
	 * OR, and 6.1's verifier then loses that ev was checked for NULL.
	 */
	if (shunt_ended(ev) || !ours(patch) || ret)
		return 0;
	end(ev, SHUNT_END_RELEASED);
	return 0;
}

/* one transition runs at a time: during ours, the switches are ours */
SEC("raw_tp/shunt_task_switch")
int BPF_PROG(shunt_tp_switch, pid_t pid, int how, u64 waited)
{
	struct shunt_events *ev = shunt_events();

	if (shunt_ended(ev) || ev->phase != SHUNT_DURING)
		return 0;
	if (how >= 0 && how < SHUNT_NR_HOW)
		__sync_fetch_and_add(&ev->switched[how], 1);
	shunt_hist_add(&ev->switch_lat, waited);
	return 0;
}

SEC("raw_tp/shunt_stop_machine")
int BPF_PROG(shunt_tp_stop, const char *patch, u64 duration,
	     unsigned int tasks, int ret)
{
	struct shunt_events *ev = shunt_events();

	if (shunt_ended(ev) || !ours(patch))
		return 0;
	shunt_hist_add(&ev->stop_stall, duration);
	if (ret)
		__sync_fetch_and_add(&ev->stop_failed, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
