#!/bin/sh
# Print the facts about the test VM's kernel as shell assignments:
#   VM_KREL     release of the Debian 6.12 kernel the VM boots
#   VM_KDIR     its kbuild headers directory
#   VM_KERNEL   its bzImage
# The release is derived from the installed metapackage, never a literal.
# Usage: eval "$(scripts/kernel-env.sh)"
set -eu
meta=${SHUNT_KERNEL_META:-linux-image-6.12-amd64}
krel=$(dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null |
	tr ',' '\n' | sed -n 's/^ *linux-image-\([^ ]*\).*/\1/p' | head -n1)
if [ -z "$krel" ]; then
	echo "kernel-env: $meta is not installed; run 'make deps'" >&2
	exit 1
fi
echo "VM_KREL=$krel"
echo "VM_KDIR=/usr/src/linux-headers-$krel"
echo "VM_KERNEL=/boot/vmlinuz-$krel"
