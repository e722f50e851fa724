# TEST: baseline: the sample patch applied by the kernel's own livepatch (insmod) changes /proc/cmdline, and disabling it restores it
orig=$(cat /proc/cmdline)
lp=/sys/kernel/livepatch/shunt_sample_cmdline
load_module shunt_sample_cmdline || fail "insmod shunt_sample_cmdline"
test -d $lp || fail "$lp missing"
wait_eq 30 $lp/transition 0
assert_eq "$(cat $lp/enabled)" 1 "klp enabled"
assert_eq "$(cat /proc/cmdline)" "patched: shunt_sample_cmdline" "/proc/cmdline while patched"
assert_klog "livepatch: 'shunt_sample_cmdline': patching complete" "klp patching message"
echo 0 > $lp/enabled
wait_for 30 "klp unpatch transition" test ! -d $lp
assert_eq "$(cat /proc/cmdline)" "$orig" "/proc/cmdline after disable"
rmmod shunt_sample_cmdline || fail "rmmod shunt_sample_cmdline"
