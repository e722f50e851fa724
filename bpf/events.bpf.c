// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's shunt:* tracepoints, for one patch: the phase the metrics
 * count in, who switched how and when, stop_machine() stalls.
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

/* only the apply transition counts: metrics go before a revert */
SEC("raw_tp/shunt_transition_start")
int BPF_PROG(shunt_tp_start, const char *patch, int target)
{
	struct shunt_events *ev = shunt_events();

	if (!ev || !ours(patch) || target != 1)
		return 0;
	ev->start_ns = bpf_ktime_get_ns();
	ev->result = -1;
	ev->phase = SHUNT_DURING;
	return 0;
}

SEC("raw_tp/shunt_transition_end")
int BPF_PROG(shunt_tp_end, const char *patch, int target, int result)
{
	struct shunt_events *ev = shunt_events();

	if (!ev || !ours(patch) || ev->phase != SHUNT_DURING)
		return 0;
	ev->end_ns = bpf_ktime_get_ns();
	ev->target = target;
	ev->result = result;
	ev->phase = SHUNT_AFTER;
	return 0;
}

/* one transition runs at a time: during ours, the switches are ours */
SEC("raw_tp/shunt_task_switch")
int BPF_PROG(shunt_tp_switch, pid_t pid, int how, u64 waited)
{
	struct shunt_events *ev = shunt_events();

	if (!ev || ev->phase != SHUNT_DURING)
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

	if (!ev || !ours(patch))
		return 0;
	shunt_hist_add(&ev->stop_stall, duration);
	if (ret)
		__sync_fetch_and_add(&ev->stop_failed, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
