// SPDX-License-Identifier: GPL-2.0
/*
 * shunt.ko - module entry: owns the sysfs root /sys/kernel/shunt.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "shunt_abi.h"

static struct kobject *shunt_root_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", SHUNT_VERSION);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);

static struct attribute *shunt_root_attrs[] = {
	&version_attr.attr,
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
	if (ret) {
		kobject_put(shunt_root_kobj);
		return ret;
	}

	pr_info("loaded, version %s\n", SHUNT_VERSION);
	return 0;
}

static void __exit shunt_exit(void)
{
	kobject_put(shunt_root_kobj);
	pr_info("unloaded\n");
}

module_init(shunt_init);
module_exit(shunt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("shunt: live-patching backend for ordinary klp modules");
MODULE_VERSION(SHUNT_VERSION);
