// SPDX-License-Identifier: GPL-2.0
/* the same patch under a second name, for stacking and replacing it */
#include "shunt_test_patch_target.h"
