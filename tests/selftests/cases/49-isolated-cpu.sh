# TEST: a user-space loop without syscalls on an isolated nohz_full CPU, where it never context-switches: the per-task transition still completes within seconds, the loop checked from an interrupt on its CPU
# BOOT: isolcpus=1 nohz_full=1
M=$SHUNT_MODULES
taskset -c 1 sh -c 'while :; do :; done' &
spinner=$!
sleep 1
assert_eq "$(awk '{print $39}' /proc/$spinner/stat)" 1 "the loop runs on CPU 1"
shunt_ok apply --no-metrics --timeout=30 $M/shunt_sample_cmdline.ko
assert_eq "$(cat /proc/cmdline)" "patched: shunt_sample_cmdline" "patched"
kill $spinner
wait $spinner 2>/dev/null
shunt_ok revert shunt_sample_cmdline
