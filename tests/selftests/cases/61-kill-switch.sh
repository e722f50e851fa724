# TEST: the kill switch for real: booted with shunt.enable=0 on the kernel command line, 'shunt apply --all' (shunt.service's ExecStart) applies none of the installed patches and loads nothing; status says the patch is not applied
# BOOT: shunt.enable=0
M=$SHUNT_MODULES
cleanup() { rm -rf /var/lib/shunt; }
trap cleanup EXIT
grep -qw "shunt.enable=0" /proc/cmdline || fail "not booted with shunt.enable=0: $(cat /proc/cmdline)"
module_loaded shunt && { rmmod shunt || fail "rmmod shunt"; }
shunt_ok install --no-metrics $M/shunt_sample_cmdline.ko
shunt_ok apply --all
assert_match "$(cat /tmp/shunt.out)" "shunt.enable=0 on the kernel command line: no patch applied" "apply --all says why"
module_loaded shunt && fail "shunt.ko loaded"
module_loaded shunt_sample_cmdline && fail "the patch module loaded"
assert_status 1 "status: installed but not applied" shunt status
shunt_ok uninstall shunt_sample_cmdline
assert_no_shunt_patches
