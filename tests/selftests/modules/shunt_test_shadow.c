// SPDX-License-Identifier: GPL-2.0
/*
 * Shadow variables under shunt: the new shunt_target_value() of
 * shunt_test_target keeps a per-task call count in a klp shadow variable
 * attached to the calling task (klp_shadow_get_or_alloc() with a
 * constructor) and reports it as "shadow <count>". Each reading process
 * gets its own count; a process reading again finds its shadow. The
 * post_unpatch callback frees them all with a destructor and logs how
 * many it freed and how many are left, so a test can check that nothing
 * stays behind and that a new patch starts from scratch.
 *
 * A task_struct can be reused once its task is gone, so a shadow records
 * the start time of the task it belongs to and starts over for a new one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>

#define SHADOW_COUNT_ID 0x5a17

struct shadow_count {
	u64 start_time;
	unsigned long calls;
};

static atomic_t shadows_live = ATOMIC_INIT(0);
static atomic_t shadows_freed = ATOMIC_INIT(0);

static int shadow_ctor(void *obj, void *shadow_data, void *ctor_data)
{
	struct shadow_count *sc = shadow_data;

	sc->start_time = current->start_time;
	sc->calls = 0;
	atomic_inc(&shadows_live);
	return 0;
}

static void shadow_dtor(void *obj, void *shadow_data)
{
	atomic_dec(&shadows_live);
	atomic_inc(&shadows_freed);
}

/* the tests read from one process at a time */
static char value[32];

static const char *shadow_target_value(void)
{
	struct shadow_count *sc;

	sc = klp_shadow_get_or_alloc(current, SHADOW_COUNT_ID, sizeof(*sc),
				     GFP_KERNEL, shadow_ctor, NULL);
	if (!sc)
		return "shadow: no memory";
	if (sc->start_time != current->start_time) {
		sc->start_time = current->start_time;
		sc->calls = 0;
	}
	sc->calls++;
	snprintf(value, sizeof(value), "shadow %lu", sc->calls);
	return value;
}

static int shadow_pre_patch(struct klp_object *obj)
{
	atomic_set(&shadows_freed, 0);
	return 0;
}

static void shadow_post_unpatch(struct klp_object *obj)
{
	klp_shadow_free_all(SHADOW_COUNT_ID, shadow_dtor);
	pr_info("freed %d shadow variables, %d left\n",
		atomic_read(&shadows_freed), atomic_read(&shadows_live));
}

static struct klp_func funcs[] = {
	{ .old_name = "shunt_target_value", .new_func = shadow_target_value },
	{ }
};

static struct klp_object objs[] = {
	{
		.name = "shunt_test_target",
		.funcs = funcs,
		.callbacks = {
			.pre_patch = shadow_pre_patch,
			.post_unpatch = shadow_post_unpatch,
		},
	},
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int shadow_init(void)
{
	return klp_enable_patch(&patch);
}

static void shadow_exit(void)
{
}

module_init(shadow_init);
module_exit(shadow_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt selftest: klp shadow variables, one per calling task");
MODULE_INFO(livepatch, "Y");
