/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What shunt.ko and the shunt command agree on. Included by kernel and
 * userspace code alike, so it holds only macros.
 *
 * sysfs layout (root-only writes):
 *
 * /sys/kernel/shunt/version         shim version, SHUNT_VERSION
 * /sys/kernel/shunt/claim           claims: see below
 * /sys/kernel/shunt/<patch>/        one per shunt patch, named after its
 *                                   module, as in /sys/kernel/livepatch
 *     enabled      rw  1 while applied or being applied; writing 0
 *                      reverts the patch; writing the opposite during a
 *                      transition reverses it
 *     transition   r   1 while a transition or the module release runs
 *     force        w   1: every task counts as switched (the module is
 *                      then never released, as with the kernel's force)
 *     forced       r   1 once forced
 *     stats        r   the last transition: "duration_ns N",
 *                      "stop_machine_ns N", "stop_machine_tries N",
 *                      "pending N" (tasks yet to switch while the
 *                      transition runs, else 0), "switched_HOW N" for
 *                      stack, boundary, idle, inherit, force, exit, all
 *                      (so far, while it runs)
 *     state        r   applying | applied | reverting | releasing |
 *                      replaced (by an atomic replace; module kept)
 *     seq          r   apply order: 1 for the first patch applied, ...
 *     replace      r   klp_patch.replace (or the claim's override)
 *     consistency  r   immediate | per-task | stop-machine
 *     redirect     r   ftrace | kprobe
 *     blocked      r   tasks holding up a transition or the release of
 *                      the module, one a line: "PID COMM SYMBOL+OFF/SIZE"
 *     parked       r   kthreads park-kthreads=1 parked in the running (or
 *                      last) transition, one a line: "PID COMM"
 *     funcs        r   one line per function of the patch (the three
 *                      files list them in the same order):
 *                      "OBJECT:FUNCTION,SYMPOS IMMEDIATE NEW_FUNC",
 *                      IMMEDIATE 1 when it switches for every task at
 *                      once, NEW_FUNC the replacement as %ps prints it
 *                      ("name [module]"; "(nop)" for a no-op), to the
 *                      end of the line
 *     addrs        r   (root) "OBJECT:FUNCTION,SYMPOS OLD_ADDR OLD_SIZE
 *                      OLD_BODY NEW_ADDR NEW_SIZE DIRECT": the original's
 *                      address (0 while its module is not loaded) and
 *                      size; its first instruction past the ftrace call
 *                      (only the original body runs there); the
 *                      replacement's address (0: no-op) and size; DIRECT
 *                      1 while the function's ftrace call is a direct
 *                      call to shunt's trampoline. Addresses 0x and 16
 *                      hex digits, sizes right-aligned in 10 columns
 *     calls        r   the shim's call counters, one line per function:
 *                      "OBJECT:FUNCTION,SYMPOS NEW OLD": calls it sent to
 *                      this patch's replacement (NEW) and calls it let go
 *                      to the code below (OLD: the original or an older
 *                      patch's; unswitched tasks, a no-op) while this
 *                      patch's entry was the function's newest; each
 *                      right-aligned in 20 columns
 *                  funcs, addrs, calls: any number of lines (binary
 *                  attributes); a line's length is fixed for the
 *                  patch's life and a read() returns whole lines when
 *                  its buffer holds one, so each line is one moment's
 *     <object>/                  "vmlinux" or the target module's name
 *         patched  r   1 while the object's functions are redirected
 *         <function,sympos>/     sympos 1 when klp_func.old_sympos is 0;
 *                                no files (as the kernel's livepatch)
 *
 * Claiming a patch module: before init_module(), the loader writes lines
 * to /sys/kernel/shunt/claim (each write holds whole lines, < 4096 bytes):
 *
 *     claim NAME [redirect=ftrace|kprobe] [direct=0|1]
 *                [consistency=per-task|stop-machine|immediate]
 *                [stop-retries=N (<= SHUNT_STOP_RETRIES_MAX)]
 *                [park-kthreads=1 (per-task only)]
 *                [immediate-func=FUNC]... [replace=0|1]
 *         NAME's klp_enable_patch() calls are served by the shim until
 *         the claim is dropped, also after a failed attempt. Defaults:
 *         ftrace, per-task, 5 stop-machine retries, direct=1 (with
 *         ftrace, a function's ftrace call becomes a direct call to
 *         shunt's trampoline; direct=0 keeps an IPMODIFY ftrace_ops,
 *         which BPF fentry/fexit of the original can share). A new claim for NAME
 *         replaces the old one.
 *     sym NAME SYMBOL ADDR
 *         candidate vmlinux symbol for claim NAME, ADDR in hex, lines
 *         in /proc/kallsyms order (that order gives old_sympos its
 *         meaning). The shim verifies each one it uses with
 *         sprint_symbol(). Symbols of modules are read by the shim from
 *         the module's own symbol table. A module with klp relocation
 *         sections for module objects (.klp.rela.<object>.*, SHF_RELA_
 *         LIVEPATCH, <object> not vmlinux) also gets the kernel's
 *         SHUNT_SYM_APPLY_RELOCATE_ADD and SHUNT_SYM_CLEAR_RELOCATE_ADD,
 *         which write and clear them (not exported to modules).
 *     unclaim NAME
 *         forget the claim (and its result).
 *
 * Reading /sys/kernel/shunt/claim gives one line per claim:
 *     NAME pending
 *     NAME applied
 *     NAME failed ERRNO MESSAGE...      (ERRNO negative, MESSAGE names
 *                                        the object, function and cause)
 *
 * An unclaimed livepatch module goes to the kernel's livepatch untouched.
 */
#ifndef SHUNT_ABI_H
#define SHUNT_ABI_H

#define SHUNT_VERSION		"0.1.0"

#define SHUNT_SYSFS_ROOT	"/sys/kernel/shunt"
#define SHUNT_KLP_SYSFS_ROOT	"/sys/kernel/livepatch"
#define SHUNT_CLAIM_FILE	SHUNT_SYSFS_ROOT "/claim"

/* module name of the shim itself */
#define SHUNT_MODULE_NAME	"shunt"

/*
 * stop-machine attempts after the first: each waits 20 ms doubling to 1 s
 * with the shim's mutex held, so at most about 45 s in all
 */
#define SHUNT_STOP_RETRIES_MAX	50

/* kernel functions handed over for klp relocations of module objects */
#define SHUNT_SYM_APPLY_RELOCATE_ADD	"apply_relocate_add"
#define SHUNT_SYM_CLEAR_RELOCATE_ADD	"clear_relocate_add"

/* the largest write the claim file takes at once */
#define SHUNT_CLAIM_WRITE_MAX	4000

#define SHUNT_REDIRECT_FTRACE	"ftrace"
#define SHUNT_REDIRECT_KPROBE	"kprobe"

#define SHUNT_CONSISTENCY_IMMEDIATE	"immediate"

/*
 * How a task reached the target state: the "how" of the shunt_task_switch
 * tracepoint and the "switched_HOW" lines of stats, in this order.
 */
#define SHUNT_NR_HOW		7
#define SHUNT_HOW_NAMES		{ "stack", "boundary", "idle", "inherit", \
				  "force", "exit", "all" }
#define SHUNT_CONSISTENCY_PER_TASK	"per-task"
#define SHUNT_CONSISTENCY_STOP_MACHINE	"stop-machine"

#endif /* SHUNT_ABI_H */
