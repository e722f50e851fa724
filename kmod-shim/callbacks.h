/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The klp callbacks of a shunt object, with the kernel's rules: pre_patch
 * may fail; post_unpatch only follows a pre_patch that ran and succeeded.
 * Callbacks run under shunt_mutex with shunt_callback_task set, so that
 * their klp_get_prev_state() calls come to shunt_get_prev_state()
 * (route.c, state.c).
 */
#ifndef SHUNT_CALLBACKS_H
#define SHUNT_CALLBACKS_H

#include "shunt.h"

/*
 * Callbacks get a copy of the klp_object with ->mod set, as the kernel's
 * livepatch would have it (samples print obj->mod->name); the patch
 * module's own structures stay untouched.
 */
static inline struct klp_object *shunt_callback_enter(struct shunt_object *obj)
{
	lockdep_assert_held(&shunt_mutex);
	WRITE_ONCE(shunt_callback_patch, obj->patch);
	WRITE_ONCE(shunt_callback_task, current);
	obj->cb_obj = *obj->desc;
	obj->cb_obj.mod = obj->mod;
	return &obj->cb_obj;
}

static inline void shunt_callback_exit(void)
{
	WRITE_ONCE(shunt_callback_task, NULL);
}

static inline int shunt_pre_patch_callback(struct shunt_object *obj)
{
	int ret = 0;

	if (obj->desc->callbacks.pre_patch) {
		ret = obj->desc->callbacks.pre_patch(shunt_callback_enter(obj));
		shunt_callback_exit();
	}
	obj->pre_patch_done = !ret;
	return ret;
}

static inline void shunt_post_patch_callback(struct shunt_object *obj)
{
	if (obj->desc->callbacks.post_patch) {
		obj->desc->callbacks.post_patch(shunt_callback_enter(obj));
		shunt_callback_exit();
	}
}

static inline void shunt_pre_unpatch_callback(struct shunt_object *obj)
{
	if (obj->desc->callbacks.pre_unpatch) {
		obj->desc->callbacks.pre_unpatch(shunt_callback_enter(obj));
		shunt_callback_exit();
	}
}

static inline void shunt_post_unpatch_callback(struct shunt_object *obj)
{
	if (obj->pre_patch_done && obj->desc->callbacks.post_unpatch) {
		obj->desc->callbacks.post_unpatch(shunt_callback_enter(obj));
		shunt_callback_exit();
	}
	obj->pre_patch_done = false;
}

#endif /* SHUNT_CALLBACKS_H */
