# TEST: shunt.ko loads, creates /sys/kernel/shunt, and unloads leaving nothing behind
insmod "$SHUNT_KO" || fail "insmod shunt.ko"
test -d /sys/kernel/shunt || fail "/sys/kernel/shunt missing after insmod"
assert_eq "$(cat /sys/kernel/shunt/version)" "$(shunt --version | cut -d' ' -f2)" "shim version matches the loader's"
assert_klog 'shunt: loaded, version' "load message"
rmmod shunt || fail "rmmod shunt"
test ! -e /sys/kernel/shunt || fail "/sys/kernel/shunt still present after rmmod"
assert_klog 'shunt: unloaded' "unload message"
