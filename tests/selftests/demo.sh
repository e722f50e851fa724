# SPDX-License-Identifier: GPL-2.0
# make demo: the main job end to end, step by step, in the test VM.
# Each step runs for real; what does not exist yet is said, never faked.
. /shunt/tests/lib.sh
step() { printf '\n==> %s\n' "$*"; }
run() { echo "\$ $*"; "$@"; }

step "the running kernel"
run uname -r
run cat /proc/cmdline

step "load the shunt shim"
run insmod "$SHUNT_KO" || exit 1
run ls /sys/kernel/shunt

if shunt --help | grep -q '^  apply'; then
	step "apply the sample patch through shunt"
	run shunt apply "$SHUNT_MODULES/shunt_sample_cmdline.ko" || exit 1
	run cat /proc/cmdline
	run shunt list
	step "BPF programs attached by shunt"
	run bpftool prog show
	step "revert"
	run shunt revert shunt_sample_cmdline || exit 1
	run cat /proc/cmdline
else
	step "shunt apply is not available in this build yet; the same module through the kernel's livepatch:"
	run insmod "$SHUNT_MODULES/shunt_sample_cmdline.ko" || exit 1
	wait_for 30 "klp transition" test "$(cat /sys/kernel/livepatch/shunt_sample_cmdline/transition)" = 0
	run cat /proc/cmdline
	run sh -c 'echo 0 > /sys/kernel/livepatch/shunt_sample_cmdline/enabled'
	wait_for 30 "klp unpatch" test ! -d /sys/kernel/livepatch/shunt_sample_cmdline
	run rmmod shunt_sample_cmdline
	run cat /proc/cmdline
fi
step "unload the shim"
run rmmod shunt
echo
echo "demo finished"
