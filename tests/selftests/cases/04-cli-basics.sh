# TEST: shunt --help and --version answer in the guest; unknown verbs are usage errors
out=$(shunt --help) || fail "shunt --help failed"
assert_match "$out" '^usage: shunt' "--help text"
assert_match "$(shunt --version)" '^shunt [0-9]+\.[0-9]+\.[0-9]+$' "--version"
shunt frobnicate 2>/tmp/err
assert_eq $? 2 "unknown verb exit status"
assert_match "$(cat /tmp/err)" "unknown verb 'frobnicate'" "unknown verb message"
