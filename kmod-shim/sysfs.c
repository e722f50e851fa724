// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/shunt/<patch>/<object>/<function,sympos>, mirroring
 * /sys/kernel/livepatch. The kobjects are embedded in the shim's own
 * structures, whose memory they free when the last reference goes. A
 * function's directory has no files, as in the kernel's livepatch: what
 * there is to say of each function is in the patch's funcs, addrs and
 * calls (funcfiles.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/sysfs.h>

#include "shunt.h"
#include "shunt_abi.h"
#include "transition.h"

#define to_patch(k) container_of(k, struct shunt_patch, kobj)
#define to_object(k) container_of(k, struct shunt_object, kobj)
#define to_func(k) container_of(k, struct shunt_func, kobj)

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_patch(kobj)->enabled));
}

static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	struct shunt_patch *patch = to_patch(kobj);
	bool enabled;
	int ret;

	ret = kstrtobool(buf, &enabled);
	if (ret)
		return ret;

	mutex_lock(&shunt_mutex);
	ret = shunt_set_enabled(patch, enabled);
	mutex_unlock(&shunt_mutex);
	return ret ? ret : count;
}

static ssize_t force_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	bool val;
	int ret;

	ret = kstrtobool(buf, &val);
	if (ret)
		return ret;
	if (!val)
		return count;
	mutex_lock(&shunt_mutex);
	ret = shunt_force_patch(to_patch(kobj));
	mutex_unlock(&shunt_mutex);
	return ret ? ret : count;
}

static ssize_t forced_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_patch(kobj)->forced));
}

/*
 * The last transition: how long, how tasks switched, stop_machine stall;
 * while one runs, how far it got ("pending" tasks, switched so far).
 */
static ssize_t stats_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	static const char * const how[] = SHUNT_HOW_NAMES;
	struct shunt_patch *patch = to_patch(kobj);
	struct shunt_trans_stats st;
	unsigned int pending = 0;
	ssize_t len;
	int i;

	mutex_lock(&shunt_mutex);
	st = patch->stats;
	if (!shunt_transition_progress(patch, &pending, st.switched, NULL, 0))
		pending = 0;
	mutex_unlock(&shunt_mutex);
	len = sysfs_emit(buf, "duration_ns %llu\nstop_machine_ns %llu\nstop_machine_tries %u\npending %u\n",
			 st.duration_ns, st.stop_ns, st.stop_tries, pending);
	for (i = 0; i < ARRAY_SIZE(how); i++)
		len += sysfs_emit_at(buf, len, "switched_%s %u\n", how[i],
				     st.switched[i]);
	return len;
}

static ssize_t transition_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  shunt_patch_state_busy(READ_ONCE(to_patch(kobj)->state)));
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  shunt_patch_state_name(READ_ONCE(to_patch(kobj)->state)));
}

static ssize_t seq_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%u\n", to_patch(kobj)->seq);
}

static ssize_t replace_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", to_patch(kobj)->replace);
}

static ssize_t consistency_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  shunt_consistency_name(to_patch(kobj)->opts.consistency));
}

static ssize_t redirect_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  shunt_redirect_name(to_patch(kobj)->opts.redirect));
}

/* who holds up the transition, else the module's release: whole lines */
static ssize_t blocked_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	unsigned int switched[SHUNT_NR_HOW], pending;
	struct shunt_patch *patch = to_patch(kobj);

	mutex_lock(&shunt_mutex);
	if (!shunt_transition_progress(patch, &pending, switched, buf,
				       PAGE_SIZE))
		strscpy(buf, patch->state == SHUNT_PATCH_RELEASING ?
			patch->blocked : "", PAGE_SIZE);
	mutex_unlock(&shunt_mutex);
	return strlen(buf);
}

/* kthreads --park-kthreads parked in the (last) transition: whole lines */
static ssize_t parked_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	mutex_lock(&shunt_mutex);
	shunt_transition_parked(to_patch(kobj), buf, PAGE_SIZE);
	mutex_unlock(&shunt_mutex);
	return strlen(buf);
}

static ssize_t error_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct shunt_patch *patch = to_patch(kobj);
	ssize_t len;

	mutex_lock(&shunt_mutex);
	len = sysfs_emit(buf, "%s\n", patch->error);
	mutex_unlock(&shunt_mutex);
	return len;
}

static ssize_t replaced_by_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_patch(kobj)->replaced_by);
}

static struct kobj_attribute enabled_attr = __ATTR(enabled, 0644,
						   enabled_show, enabled_store);
static struct kobj_attribute transition_attr = __ATTR_RO(transition);
static struct kobj_attribute state_attr = __ATTR_RO(state);
static struct kobj_attribute seq_attr = __ATTR_RO(seq);
static struct kobj_attribute replace_attr = __ATTR_RO(replace);
static struct kobj_attribute consistency_attr = __ATTR_RO(consistency);
static struct kobj_attribute redirect_attr = __ATTR_RO(redirect);
static struct kobj_attribute blocked_attr = __ATTR_RO(blocked);
static struct kobj_attribute parked_attr = __ATTR_RO(parked);
static struct kobj_attribute force_attr = __ATTR(force, 0200, NULL,
						 force_store);
static struct kobj_attribute forced_attr = __ATTR_RO(forced);
static struct kobj_attribute stats_attr = __ATTR_RO(stats);
static struct kobj_attribute error_attr = __ATTR_RO(error);
static struct kobj_attribute replaced_by_attr = __ATTR_RO(replaced_by);

static struct attribute *shunt_patch_attrs[] = {
	&enabled_attr.attr,
	&transition_attr.attr,
	&state_attr.attr,
	&seq_attr.attr,
	&replace_attr.attr,
	&consistency_attr.attr,
	&redirect_attr.attr,
	&blocked_attr.attr,
	&parked_attr.attr,
	&force_attr.attr,
	&forced_attr.attr,
	&stats_attr.attr,
	&error_attr.attr,
	&replaced_by_attr.attr,
	NULL,
};

/* funcs, addrs, calls: a line per function (funcfiles.c) */
static const struct attribute_group shunt_patch_group = {
	.attrs = shunt_patch_attrs,
	.bin_attrs = shunt_patch_bin_attrs,
};
__ATTRIBUTE_GROUPS(shunt_patch);

static ssize_t patched_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_object(kobj)->patched));
}

static struct kobj_attribute patched_attr = __ATTR_RO(patched);
static struct attribute *shunt_object_attrs[] = {
	&patched_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(shunt_object);

static void shunt_patch_kobj_release(struct kobject *kobj)
{
	kfree(to_patch(kobj));
}

static void shunt_object_kobj_release(struct kobject *kobj)
{
	kfree(to_object(kobj));
}

static void shunt_func_kobj_release(struct kobject *kobj)
{
	kfree(to_func(kobj)->nop_desc);
	kfree(to_func(kobj));
}

static const struct kobj_type shunt_patch_ktype = {
	.release = shunt_patch_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = shunt_patch_groups,
};

static const struct kobj_type shunt_object_ktype = {
	.release = shunt_object_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = shunt_object_groups,
};

static const struct kobj_type shunt_func_ktype = {
	.release = shunt_func_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
};

void shunt_sysfs_init_patch(struct shunt_patch *patch)
{
	kobject_init(&patch->kobj, &shunt_patch_ktype);
}

void shunt_sysfs_init_object(struct shunt_object *obj)
{
	kobject_init(&obj->kobj, &shunt_object_ktype);
}

void shunt_sysfs_init_func(struct shunt_func *func)
{
	kobject_init(&func->kobj, &shunt_func_ktype);
}

int shunt_sysfs_add_patch(struct shunt_patch *patch)
{
	struct shunt_object *obj;
	struct shunt_func *func;
	int ret;

	ret = kobject_add(&patch->kobj, shunt_root_kobj, "%s", patch->mod->name);
	if (ret)
		return ret;
	shunt_for_each_object(patch, obj) {
		ret = kobject_add(&obj->kobj, &patch->kobj, "%s", obj->name);
		if (ret)
			return ret;
		shunt_for_each_func(obj, func) {
			ret = kobject_add(&func->kobj, &obj->kobj, "%s,%lu",
					  func->desc->old_name, func->sympos);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* out of sysfs if it is there; the caller still holds a reference */
void shunt_sysfs_del(struct kobject *kobj)
{
	if (kobj->state_in_sysfs)
		kobject_del(kobj);
}

void shunt_sysfs_del_patch(struct shunt_patch *patch)
{
	struct shunt_object *obj;
	struct shunt_func *func;

	shunt_for_each_object(patch, obj) {
		shunt_for_each_func(obj, func)
			shunt_sysfs_del(&func->kobj);
		shunt_sysfs_del(&obj->kobj);
	}
	shunt_sysfs_del(&patch->kobj);
}
