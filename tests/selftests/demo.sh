# SPDX-License-Identifier: GPL-2.0
# make demo: the main job end to end, step by step, in the test VM.
# Each step runs for real; what does not exist yet is said, never faked.
. /shunt/tests/lib.sh
step() { printf '\n==> %s\n' "$*"; }
run() { echo "\$ $*"; "$@"; }
M=$SHUNT_MODULES

step "the running kernel and the file we will patch"
run uname -r
run cat /proc/cmdline

step "apply an ordinary klp module through shunt (per-task consistency; shunt.ko is loaded on demand)"
run modinfo -F livepatch $M/shunt_sample_cmdline.ko
run shunt apply $M/shunt_sample_cmdline.ko || exit 1
run cat /proc/cmdline
run shunt list
run ls /sys/kernel/livepatch

step "what redirects the function: one IPMODIFY ftrace_ops of shunt.ko"
run grep cmdline_proc_show /sys/kernel/tracing/enabled_functions

step "metrics: the shim's call counters, BPF safety probes pinned under /sys/fs/bpf/shunt/<patch>/"
run bpftool prog show
run ls /sys/fs/bpf/shunt/shunt_sample_cmdline
for i in 1 2 3 4 5 6 7 8; do cat /proc/cmdline > /dev/null; done
run cat /sys/kernel/shunt/shunt_sample_cmdline/calls
run shunt report shunt_sample_cmdline

step "a transition held up by a kthread sleeping in the function being replaced"
run insmod $M/shunt_test_busy.ko hold=1
sleep 0.3
run shunt apply --timeout=3 $M/shunt_test_busy_patch.ko
echo "(the loader named the blocking task and reversed the transition)"

step "the same held transition, watched: who blocks, who still runs old code"
run insmod $M/shunt_test_busy.ko hold=1 2>/dev/null
run shunt apply --no-wait $M/shunt_test_tick_patch.ko
sleep 1
run cat /proc/shunt_test_tick
run shunt show shunt_test_tick_patch
run shunt report shunt_test_tick_patch --interval 0.5 --count 2
echo 0 > /sys/module/shunt_test_busy/parameters/hold
sleep 0.5
run shunt report shunt_test_tick_patch
run shunt revert shunt_test_tick_patch
echo 0 > /sys/module/shunt_test_busy/parameters/hold
run shunt apply --consistency=stop-machine $M/shunt_test_busy_patch.ko
run shunt revert shunt_test_busy_patch
run rmmod shunt_test_busy

step "revert"
run shunt revert shunt_sample_cmdline || exit 1
run cat /proc/cmdline
run shunt list
run rmmod shunt
echo
echo "demo finished"
