# TEST: per-task: a CPU-bound task that calls the patched function in a tight syscall loop on the other CPU, started before shunt.ko was loaded, switches at its syscall boundary: apply and revert finish within seconds
# TIMEOUT: 90
M=$SHUNT_MODULES
orig=$(cat /proc/cmdline)
module_loaded shunt && { rmmod shunt || fail "shunt.ko loaded and busy"; }
rm -f /tmp/busy.stop
# the read builtin: open, read, close of /proc/cmdline, no fork, no sleep
( while [ ! -e /tmp/busy.stop ]; do read -r l < /proc/cmdline; done ) &
reader=$!
trap 'touch /tmp/busy.stop' EXIT
taskset -p 2 $reader > /dev/null || fail "taskset the reader"
taskset -p 1 $$ > /dev/null || fail "taskset the shell"
sleep 1
# the loader loads shunt.ko now, after the reader started
shunt_ok apply --timeout=15 $M/shunt_sample_cmdline.ko
assert_eq "$(cat /proc/cmdline)" "patched: shunt_sample_cmdline" "patched"
assert_match "$(patch_attr shunt_sample_cmdline stats)" "switched_boundary [1-9]|switched_stack [1-9]" "tasks switched"
shunt_ok revert --timeout=15 shunt_sample_cmdline
assert_eq "$(cat /proc/cmdline)" "$orig" "original"
touch /tmp/busy.stop
wait $reader
assert_no_shunt_patches
