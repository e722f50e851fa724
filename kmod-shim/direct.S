/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The direct-call trampoline (redirect.c): the ftrace call of every
 * function shunt redirects by direct call is "call shunt_direct_tramp".
 * It finds the function by its call site (the return address) in
 * shunt_direct_tab, an open-addressed table of {site, patched, calls,
 * unpatched} that is never freed (nor are the counters), so it reads no
 * RCU-protected memory while preemptible.
 *
 *   patched == unpatched: no transition involves the function: go
 *               there (0: return to the function's body, the original);
 *   they differ: its top entry is in transition: current's state picks
 *               one, from shunt_task_sel (pertask.c) in one per-CPU
 *               load; when that does not hold current's state, ask
 *               shunt_direct_slow(site), in C with preemption off,
 *               keeping the argument registers.
 *
 * The first two count the call in the function's per-CPU counters
 * (calls.h) with one "incq %gs:", which needs no preemption off: a task
 * moved to another CPU between the load and the increment still counts
 * in the right function's counters, on that CPU. Likewise a task moved
 * between its two per-CPU reads of the state reads its own state twice.
 *
 * Only %r10 and %r11 are used before that: neither carries an argument
 * at a function's entry. The whole trampoline is UNWIND_HINT_UNDEFINED:
 * a stack walk of a task stopped in it is unreliable, so such a task is
 * never switched while it may still jump to the code it is leaving.
 */
#include <linux/linkage.h>
#include <linux/objtool.h>
#include <linux/version.h>
#include <asm/percpu.h>
#include <asm/unwind_hints.h>
#include "direct.h"

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
/*
 * UNWIND_HINT_UNDEFINED came with 6.4. Before, UNWIND_HINT_EMPTY ends
 * the walk without an error, but not at the top of the task's stack:
 * the walk (compat.c, stack_end_real()) does not trust such an end.
 */
#define UNWIND_HINT_UNDEFINED UNWIND_HINT_EMPTY
#endif
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#define SHUNT_CURRENT_TASK	current_task
#else
/* pcpu_hot.current_task, at offset 0 (a static_assert in compat.c) */
#define SHUNT_CURRENT_TASK	pcpu_hot
#endif

	.text
SYM_CODE_START(shunt_direct_tramp)
	UNWIND_HINT_UNDEFINED
	ANNOTATE_NOENDBR
	movq	(%rsp), %r11
	subq	$SHUNT_CALL_SIZE, %r11
	movabsq	$SHUNT_DIRECT_GOLDEN, %r10
	imulq	%r11, %r10
	shrq	$(64 - SHUNT_DIRECT_BITS), %r10
	shlq	$SHUNT_DIRECT_ENT_SHIFT, %r10
.Lprobe:
	cmpq	%r11, shunt_direct_tab(%r10)
	je	.Lfound
	cmpq	$0, shunt_direct_tab(%r10)
	je	.Loriginal
	addq	$(1 << SHUNT_DIRECT_ENT_SHIFT), %r10
	andq	$((1 << (SHUNT_DIRECT_ENT_SHIFT + SHUNT_DIRECT_BITS)) - 1), %r10
	jmp	.Lprobe
.Lfound:
	movq	shunt_direct_tab+SHUNT_DIRECT_PATCHED(%r10), %r11
	cmpq	shunt_direct_tab+SHUNT_DIRECT_UNPATCHED(%r10), %r11
	jne	.Ltransition
.Lcount:
	/* %r11: where the call goes; counted new unless it is the original */
	movq	shunt_direct_tab+SHUNT_DIRECT_CALLS(%r10), %r10
	testq	%r11, %r11
	jz	.Lold
	/* the function's per-CPU counter (calls.h): one instruction */
	incq	%gs:SHUNT_CALLS_NEW(%r10)
.Ljump:
	/*
	 * Return to the target in place of the ftrace return address, as
	 * ftrace's own trampolines go to a modified ip: no indirect jump,
	 * so no retpoline.
	 */
	movq	%r11, (%rsp)
	RET
.Lold:
	incq	%gs:SHUNT_CALLS_OLD(%r10)
	RET
.Ltransition:
	movq	PER_CPU_VAR(shunt_task_sel), %r11
	xorq	PER_CPU_VAR(SHUNT_CURRENT_TASK), %r11
	cmpq	$SHUNT_SEL_PATCHED, %r11
	je	.Lpatched
	testq	%r11, %r11
	jnz	.Lslow
	/* not switched yet: the code below the top entry, counted old */
	movq	shunt_direct_tab+SHUNT_DIRECT_UNPATCHED(%r10), %r11
	movq	shunt_direct_tab+SHUNT_DIRECT_CALLS(%r10), %r10
	incq	%gs:SHUNT_CALLS_OLD(%r10)
	testq	%r11, %r11
	jnz	.Ljump
	RET
.Lpatched:
	movq	shunt_direct_tab+SHUNT_DIRECT_PATCHED(%r10), %r11
	jmp	.Lcount
.Lslow:
	/* shunt_direct_slow() counts this call itself */
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%r8
	pushq	%r9
	pushq	%rax
	movq	7*8(%rsp), %rdi
	subq	$SHUNT_CALL_SIZE, %rdi
	call	shunt_direct_slow
	movq	%rax, %r11
	popq	%rax
	popq	%r9
	popq	%r8
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	testq	%r11, %r11
	jnz	.Ljump
.Loriginal:
	RET
SYM_CODE_END(shunt_direct_tramp)
