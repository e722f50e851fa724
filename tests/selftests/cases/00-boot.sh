# TEST: the VM boots the Debian kernel KERNEL names (6.12 or 6.1) with the file systems the suite needs
rel=$(uname -r)
assert_match "$rel" "^$(echo "$SHUNT_KERNEL" | sed 's/\./\\./')\\." "kernel release (KERNEL=$SHUNT_KERNEL)"
assert_eq "$(grep -c ^processor /proc/cpuinfo)" 2 "vCPUs"
for fs in tracefs bpf debugfs sysfs proc; do
	assert_match "$(cut -d' ' -f3 /proc/mounts | sort -u | tr '\n' ' ')" "(^| )$fs( |$)" "mounted $fs"
done
test -d /sys/kernel/livepatch || fail "kernel livepatch sysfs missing"
test -r /sys/kernel/btf/vmlinux || fail "no vmlinux BTF"
bpftool version >/dev/null || fail "bpftool does not run in the guest"
say "bpftool: $(bpftool version | head -n1)"
