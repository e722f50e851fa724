// SPDX-License-Identifier: GPL-2.0
/*
 * shunt.ko - applies ordinary livepatch modules through its own ftrace
 * redirection. Module entry: the sysfs root, the claim file, and the
 * order in which the parts start and stop.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "shunt.h"
#include "shunt_abi.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

struct kobject *shunt_root_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", SHUNT_VERSION);
}

static ssize_t claim_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return shunt_claim_show(buf);
}

static ssize_t claim_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	return shunt_claim_store(buf, count);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute claim_attr = __ATTR(claim, 0600, claim_show,
						 claim_store);

static struct attribute *shunt_root_attrs[] = {
	&version_attr.attr,
	&claim_attr.attr,
	NULL,
};

static const struct attribute_group shunt_root_group = {
	.attrs = shunt_root_attrs,
};

static int __init shunt_init(void)
{
	int ret;

	shunt_root_kobj = kobject_create_and_add("shunt", kernel_kobj);
	if (!shunt_root_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(shunt_root_kobj, &shunt_root_group);
	if (ret)
		goto err_kobj;
	ret = shunt_core_init();
	if (ret)
		goto err_kobj;

	pr_info("loaded, version %s\n", SHUNT_VERSION);
	return 0;

err_kobj:
	kobject_put(shunt_root_kobj);
	return ret;
}

/* Every applied patch holds a reference on us: none is left here. */
static void __exit shunt_exit(void)
{
	shunt_claim_exit();	/* the last claim disarms the routing hooks */
	shunt_core_exit();
	/*
	 * A routed klp_enable_patch() drops its reference on us just before
	 * it returns: wait until no task can still be in those last
	 * instructions (RCU-tasks waits for a voluntary switch of each).
	 */
	synchronize_rcu_tasks();
	shunt_redirect_exit();	/* no task can be in the trampoline now */
	kobject_put(shunt_root_kobj);
	pr_info("unloaded\n");
}

module_init(shunt_init);
module_exit(shunt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt: live-patching backend for ordinary klp modules");
MODULE_VERSION(SHUNT_VERSION);
