#!/bin/sh
# Install what building shunt and running its test VM need, from Debian's
# archive. Idempotent: returns at once when everything is present.
# libclang-rt-14-dev: the libFuzzer and sanitizer runtimes of the fuzz
# targets (clang only recommends it, and recommends are not installed).
# dkms, debhelper, dh-dkms, lintian: make deb and its checks (tests/package);
# systemd: systemd-analyze verify of shunt.service (no init change: the
# package only brings the tools here); liblzma-dev: DKMS's shunt.ko.xz.
# The two kernels the VM boots (scripts/kernel-env.sh, KERNEL=6.12|6.1):
# Debian's 6.12 and bookworm's default 6.1, whose metapackages
# linux-image-amd64 and linux-headers-amd64 pull in the current 6.1.0-N
# image and headers of the archive.
set -eu
pkgs="linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12
linux-image-amd64 linux-headers-amd64
qemu-system-x86 busybox-static cpio libbpf-dev bpftool clang llvm
libclang-rt-14-dev libelf-dev zlib1g-dev liblzma-dev dwarves make gcc python3
dkms debhelper dh-dkms lintian systemd man-db bash-completion dpkg-dev xz-utils"

missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing; run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
echo "deps: done"
