# SPDX-License-Identifier: GPL-2.0
# Host-side helpers to stage an initramfs and boot the test VM.
# Sourced by vm-run, run_tests, the demo and the benchmarks.
#
# The guest gets two serial ports: ttyS0 is the kernel console (kept in a
# log file, never mixed into test output), ttyS1 carries what the guest
# script prints and is streamed to stdout.

VM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
VM_EXIT_MARK='@@SHUNT-VM-EXIT'

vm_die() {
	echo "vm: $*" >&2
	exit 1
}

# The kernel the VM boots ($KERNEL: 6.12 or 6.1, scripts/kernel-env.sh),
# and VM_BUILD, where everything built for it is (build/<release>/).
vm_kernel_env() {
	local env
	env=$("$VM_TOP/scripts/kernel-env.sh") || exit 1
	eval "$env"
	[ -r "$VM_KERNEL" ] || vm_die "kernel image $VM_KERNEL not readable; run 'make deps'"
	VM_DIR=$VM_BUILD/vm
}

# Copy a dynamically linked program with the libraries ldd names.
vm_copy_prog() {
	local prog=$1 root=$2 dest=${3:-$1} lib
	mkdir -p "$root$(dirname "$dest")"
	cp "$prog" "$root$dest"
	for lib in $(ldd "$prog" 2>/dev/null | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# vm_stage ROOT SCRIPT [EXTRA...]: build the guest root file system.
vm_stage() {
	local root=$1 script=$2 f
	shift 2
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,extra,shunt/bin,shunt/modules,shunt/tests}
	cp /bin/busybox "$root/bin/busybox"
	cp "$VM_TOP/tests/selftests/guest/init" "$root/init"
	vm_copy_prog "$(command -v bpftool)" "$root" /usr/sbin/bpftool
	[ -x "$VM_BUILD/shunt" ] || vm_die "$VM_BUILD/shunt missing; run 'make KERNEL=$VM_KVER'"
	cp "$VM_BUILD/shunt" "$root/shunt/bin/"
	for f in kill-at-syscall uring-read; do	# test tools
		if [ -x "$VM_BUILD/tools/$f" ]; then
			cp "$VM_BUILD/tools/$f" "$root/shunt/bin/"
		fi
	done
	[ -f "$VM_BUILD/kmod-shim/shunt.ko" ] ||
		vm_die "$VM_BUILD/kmod-shim/shunt.ko missing; run 'make KERNEL=$VM_KVER'"
	cp "$VM_BUILD/kmod-shim/shunt.ko" "$root/shunt/"
	ln -s ../shunt.ko "$root/shunt/bin/shunt.ko"	# the loader looks beside itself
	for f in "$VM_BUILD"/samples/*.ko "$VM_BUILD"/modules/*.ko \
		"$VM_BUILD"/testdata/*.ko; do
		[ -f "$f" ] && cp "$f" "$root/shunt/modules/"
	done
	cp "$VM_TOP"/tests/selftests/guest/*.sh "$VM_TOP"/tests/selftests/guest/*.awk \
		"$root/shunt/tests/"
	cp -r "$VM_TOP/tests/selftests/cases" "$root/shunt/tests/cases"
	# the Debian packages unpacked (tests/package/run), for case 60: their
	# shunt is linked dynamically, so its libraries come along
	if [ -x "$VM_BUILD/pkgroot/usr/sbin/shunt" ]; then
		cp -r "$VM_BUILD/pkgroot" "$root/shunt/pkgroot"
		vm_copy_prog "$VM_BUILD/pkgroot/usr/sbin/shunt" "$root" /shunt/pkgroot/usr/sbin/shunt
	fi
	cp "$script" "$root/run/script"
	echo "$VM_KVER" > "$root/run/kernel"	# KERNEL, for the guest's skips
	for f in "$@"; do
		[ -e "$f" ] || vm_die "extra file $f does not exist"
		cp -r "$f" "$root/extra/"
	done
}

# Is KVM usable? /dev/kvm can open yet hang a guest (nested virt), so a
# tiny boot is tried once and the answer cached.
vm_accel() {
	local cache=$VM_DIR/accel probe
	if [ -n "${SHUNT_VM_ACCEL:-}" ]; then
		echo "$SHUNT_VM_ACCEL"
		return
	fi
	if [ -s "$cache" ]; then
		cat "$cache"
		return
	fi
	mkdir -p "$VM_DIR"
	echo tcg > "$cache"
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		probe=$VM_DIR/kvm-probe
		rm -rf "$probe"
		mkdir -p "$probe/bin"
		cp /bin/busybox "$probe/bin/"
		printf '#!/bin/busybox sh\n/bin/busybox echo KVM-PROBE-OK\n/bin/busybox poweroff -f\n' > "$probe/init"
		chmod +x "$probe/init"
		(cd "$probe" && find . | cpio -o -H newc --quiet) > "$probe.cpio"
		if timeout 20 qemu-system-x86_64 -machine q35,accel=kvm -cpu host \
			-m 256 -display none -monitor none -serial stdio -no-reboot \
			-kernel "$VM_KERNEL" -initrd "$probe.cpio" \
			-append "console=ttyS0 panic=-1 quiet" </dev/null 2>/dev/null |
			grep -q KVM-PROBE-OK; then
			echo kvm > "$cache"
		fi
	fi
	cat "$cache"
}

# vm_boot ROOT TIMEOUT TRANSCRIPT CONSOLE_LOG: boot, stream ttyS1 to
# stdout and TRANSCRIPT; return the guest script's status, or 124 on
# timeout, 125 when the guest died (panic) without reporting one.
vm_boot() {
	local root=$1 timeout=$2 transcript=$3 console=$4 accel cpu rc
	(cd "$root" && find . | cpio -o -H newc --quiet) > "$root.cpio"
	accel=$(vm_accel)
	cpu=max
	[ "$accel" = kvm ] && cpu=host
	# Multi-threaded TCG (QEMU 7.2) once ran a stale int3 byte of an
	# ftrace text patch during 200 rapid apply/revert cycles ("Oops:
	# int3" in the patched function), which the same kernel protocol does
	# not do on hardware. Interleave the two vCPUs on one host thread
	# unless told otherwise (SHUNT_VM_TCG_THREAD=multi).
	[ "$accel" = tcg ] && accel="tcg,thread=${SHUNT_VM_TCG_THREAD:-single}"
	echo "# vm: booting $(basename "$VM_KERNEL") with $accel, 2 vCPUs, console log: $console"
	timeout --foreground "$timeout" qemu-system-x86_64 \
		-machine q35 -accel "$accel" -cpu "$cpu" -smp 2 -m "${SHUNT_VM_MEM:-2048}" \
		-display none -monitor none -net none -no-reboot \
		-serial "file:$console" -serial stdio \
		-kernel "$VM_KERNEL" -initrd "$root.cpio" \
		-append "console=ttyS0 loglevel=7 panic=-1 edd=off${SHUNT_VM_APPEND:+ $SHUNT_VM_APPEND}" </dev/null 2>&1 |
		sed -u 's/\r$//' | tee "$transcript" | grep --line-buffered -v "^$VM_EXIT_MARK"
	rc=${PIPESTATUS[0]}
	[ "$rc" = 124 ] && { echo "# vm: timed out after ${timeout}s"; return 124; }
	rc=$(sed -n "s/^$VM_EXIT_MARK \([0-9]*\)@@.*/\1/p" "$transcript" | tail -n1)
	if [ -z "$rc" ]; then
		echo "# vm: guest stopped without reporting a status (panic?); see $console"
		grep -m5 -E 'Kernel panic|BUG:|Oops' "$console" | sed 's/^/# vm: /'
		return 125
	fi
	return "$rc"
}
