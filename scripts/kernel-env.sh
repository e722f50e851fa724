#!/bin/sh
# Print the facts about the test VM's kernel as shell assignments:
#   VM_KVER     the kernel chosen: 6.12 (default) or 6.1, from $KERNEL
#   VM_KREL     its Debian release (6.12.117+deb12-amd64, 6.1.0-57-amd64)
#   VM_KDIR     its kbuild headers directory
#   VM_KERNEL   its bzImage
#   VM_BUILD    where everything built for it goes: build/VM_KREL
#               (under $SHUNT_BUILD instead of build/ when that is set)
# KERNEL=6.12 is Debian's linux-image-6.12-amd64, KERNEL=6.1 bookworm's
# default linux-image-amd64. The release is what the installed
# metapackage depends on, never a literal.
# Usage: eval "$(KERNEL=6.1 scripts/kernel-env.sh)"
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
kver=${KERNEL:-6.12}
case $kver in
6.12) meta=linux-image-6.12-amd64 ;;
6.1) meta=linux-image-amd64 ;;
*)
	echo "kernel-env: KERNEL=$kver: shunt supports KERNEL=6.12 and KERNEL=6.1" >&2
	exit 1
	;;
esac
meta=${SHUNT_KERNEL_META:-$meta}
krel=$(dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null |
	tr ',|' '\n\n' | sed -n 's/^ *linux-image-\([0-9][^ ]*\).*/\1/p' | head -n1)
if [ -z "$krel" ]; then
	echo "kernel-env: $meta (KERNEL=$kver) is not installed; run 'make deps'" >&2
	exit 1
fi
case $krel in
"$kver".*) ;;
*)
	echo "kernel-env: $meta points at $krel, not a $kver kernel" >&2
	exit 1
	;;
esac
echo "VM_KVER=$kver"
echo "VM_KREL=$krel"
echo "VM_KDIR=/usr/src/linux-headers-$krel"
echo "VM_KERNEL=/boot/vmlinuz-$krel"
echo "VM_BUILD=${SHUNT_BUILD:-$top/build}/$krel"
