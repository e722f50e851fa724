# TEST: shunt --help and --version answer in the guest; unknown verbs are usage errors; --stop-retries is bounded in the loader and in the shim
out=$(shunt --help) || fail "shunt --help failed"
assert_match "$out" '^usage: shunt' "--help text"
assert_match "$(shunt --version)" '^shunt [0-9]+\.[0-9]+\.[0-9]+$' "--version"
shunt frobnicate 2>/tmp/err
assert_eq $? 2 "unknown verb exit status"
assert_match "$(cat /tmp/err)" "unknown verb 'frobnicate'" "unknown verb message"
say "--stop-retries is bounded: an unbounded retry loop would hold the shim's mutex in module init"
shunt apply --consistency=stop-machine --stop-retries=4294967295 $SHUNT_MODULES/shunt_sample_cmdline.ko 2>/tmp/err
assert_eq $? 2 "--stop-retries past the maximum is a usage error"
assert_match "$(cat /tmp/err)" "bad --stop-retries '4294967295' \(0 to 50\)" "the bound is named"
insmod "$SHUNT_KO" 2>/dev/null
printf 'claim shunt_sample_cmdline stop-retries=51\n' > /sys/kernel/shunt/claim 2>/dev/null && fail "the shim took stop-retries=51"
assert_eq "$(cat /sys/kernel/shunt/claim)" "" "no claim made"
printf 'claim shunt_sample_cmdline stop-retries=50\n' > /sys/kernel/shunt/claim || fail "the shim refused stop-retries=50"
printf 'unclaim shunt_sample_cmdline\n' > /sys/kernel/shunt/claim
