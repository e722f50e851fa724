/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shunt:* tracepoints, visible in tracefs (events/shunt/) and to perf and
 * BPF: the life of a patch and of each redirected function.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM shunt

#if !defined(SHUNT_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define SHUNT_TRACE_H

#include <linux/tracepoint.h>

#include "compat.h"

DECLARE_EVENT_CLASS(shunt_patch_event,
	TP_PROTO(const char *patch, const char *consistency,
		 const char *redirect),
	TP_ARGS(patch, consistency, redirect),
	TP_STRUCT__entry(
		__string(patch, patch)
		__string(consistency, consistency)
		__string(redirect, redirect)
	),
	TP_fast_assign(
		shunt_assign_str(patch);
		shunt_assign_str(consistency);
		shunt_assign_str(redirect);
	),
	TP_printk("patch=%s consistency=%s redirect=%s", __get_str(patch),
		  __get_str(consistency), __get_str(redirect))
);

/* a claimed module's klp_enable_patch() reached the shim */
DEFINE_EVENT(shunt_patch_event, shunt_patch_enable,
	TP_PROTO(const char *patch, const char *consistency,
		 const char *redirect),
	TP_ARGS(patch, consistency, redirect));

/* the patch was asked to go (enabled written 0) */
DEFINE_EVENT(shunt_patch_event, shunt_patch_revert,
	TP_PROTO(const char *patch, const char *consistency,
		 const char *redirect),
	TP_ARGS(patch, consistency, redirect));

DECLARE_EVENT_CLASS(shunt_patch_result,
	TP_PROTO(const char *patch, int ret),
	TP_ARGS(patch, ret),
	TP_STRUCT__entry(
		__string(patch, patch)
		__field(int, ret)
	),
	TP_fast_assign(
		shunt_assign_str(patch);
		__entry->ret = ret;
	),
	TP_printk("patch=%s ret=%d", __get_str(patch), __entry->ret)
);

/* applying ended: ret 0 applied, else the error */
DEFINE_EVENT(shunt_patch_result, shunt_patch_enabled,
	TP_PROTO(const char *patch, int ret),
	TP_ARGS(patch, ret));

/* the patch module was released (ret 0) or is still held (ret < 0) */
DEFINE_EVENT(shunt_patch_result, shunt_module_release,
	TP_PROTO(const char *patch, int ret),
	TP_ARGS(patch, ret));

DECLARE_EVENT_CLASS(shunt_func_event,
	TP_PROTO(const char *patch, const char *func, unsigned long addr,
		 const char *object),
	TP_ARGS(patch, func, addr, object),
	TP_STRUCT__entry(
		__string(patch, patch)
		__string(func, func)
		__string(object, object)
		__field(unsigned long, addr)
	),
	TP_fast_assign(
		shunt_assign_str(patch);
		shunt_assign_str(func);
		shunt_assign_str(object);
		__entry->addr = addr;
	),
	TP_printk("patch=%s object=%s func=%s", __get_str(patch),
		  __get_str(object), __get_str(func))
);

/* an entry of the patch was put on the function's stack */
DEFINE_EVENT(shunt_func_event, shunt_func_redirect,
	TP_PROTO(const char *patch, const char *func, unsigned long addr,
		 const char *object),
	TP_ARGS(patch, func, addr, object));

/* an entry of the patch was taken off the function's stack */
DEFINE_EVENT(shunt_func_event, shunt_func_restore,
	TP_PROTO(const char *patch, const char *func, unsigned long addr,
		 const char *object),
	TP_ARGS(patch, func, addr, object));

/* a transition began: target 1 patches, 0 unpatches */
TRACE_EVENT(shunt_transition_start,
	TP_PROTO(const char *patch, int target, const char *model,
		 unsigned int tasks),
	TP_ARGS(patch, target, model, tasks),
	TP_STRUCT__entry(
		__string(patch, patch)
		__string(model, model)
		__field(int, target)
		__field(unsigned int, tasks)
	),
	TP_fast_assign(
		shunt_assign_str(patch);
		shunt_assign_str(model);
		__entry->target = target;
		__entry->tasks = tasks;
	),
	TP_printk("patch=%s target=%s model=%s tasks=%u", __get_str(patch),
		  __entry->target ? "patched" : "unpatched", __get_str(model),
		  __entry->tasks)
);

/* a task got to the target state; waited: ns since the start */
TRACE_EVENT(shunt_task_switch,
	TP_PROTO(pid_t pid, int how, u64 waited),
	TP_ARGS(pid, how, waited),
	TP_STRUCT__entry(
		__field(pid_t, pid)
		__field(int, how)
		__field(u64, waited)
	),
	TP_fast_assign(
		__entry->pid = pid;
		__entry->how = how;
		__entry->waited = waited;
	),
	TP_printk("pid=%d how=%s waited_ns=%llu", __entry->pid,
		  __print_symbolic(__entry->how,
				   { 0, "stack" }, { 1, "boundary" },
				   { 2, "idle" }, { 3, "inherit" },
				   { 4, "force" }, { 5, "exit" }, { 6, "all" }),
		  __entry->waited)
);

/* result: 0 completed, 1 reversed (completed the other way), 2 forced */
TRACE_EVENT(shunt_transition_end,
	TP_PROTO(const char *patch, int target, int result, u64 duration),
	TP_ARGS(patch, target, result, duration),
	TP_STRUCT__entry(
		__string(patch, patch)
		__field(int, target)
		__field(int, result)
		__field(u64, duration)
	),
	TP_fast_assign(
		shunt_assign_str(patch);
		__entry->target = target;
		__entry->result = result;
		__entry->duration = duration;
	),
	TP_printk("patch=%s target=%s result=%s duration_ns=%llu",
		  __get_str(patch),
		  __entry->target ? "patched" : "unpatched",
		  __print_symbolic(__entry->result, { 0, "completed" },
				   { 1, "reversed" }, { 2, "forced" }),
		  __entry->duration)
);

/* one stop_machine() attempt: how long the CPUs were stopped */
TRACE_EVENT(shunt_stop_machine,
	TP_PROTO(const char *patch, u64 duration, unsigned int tasks, int ret),
	TP_ARGS(patch, duration, tasks, ret),
	TP_STRUCT__entry(
		__string(patch, patch)
		__field(u64, duration)
		__field(unsigned int, tasks)
		__field(int, ret)
	),
	TP_fast_assign(
		shunt_assign_str(patch);
		__entry->duration = duration;
		__entry->tasks = tasks;
		__entry->ret = ret;
	),
	TP_printk("patch=%s duration_ns=%llu tasks=%u ret=%d",
		  __get_str(patch), __entry->duration, __entry->tasks,
		  __entry->ret)
);

#endif /* SHUNT_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
