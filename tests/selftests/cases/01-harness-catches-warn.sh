# TEST: the harness notices a kernel WARNING (provoked by a test module) and would fail the test
load_module shunt_test_warn warn=1 || fail "insmod shunt_test_warn"
wait_for 5 "the warning to reach the log" sh -c 'dmesg | grep -q "WARNING:"'
bad=$(dmesg | kernel_log_bad)
assert_match "$bad" 'WARNING:.*shunt_test_warn' "harness flags the warning"
# now that the detector is proven, this test expects the splat
kernel_log_allow 'WARNING:|Call Trace'
rmmod shunt_test_warn || fail "rmmod shunt_test_warn"
