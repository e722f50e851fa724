// SPDX-License-Identifier: GPL-2.0
/* vmlinux and module objects with callbacks: see shunt_test_patch_target.h */
#include "shunt_test_patch_target.h"
