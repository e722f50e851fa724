# TEST: bad input to shunt apply (not a file, not ELF, truncated, not a livepatch, another kernel's vermagic, a missing or ambiguous symbol): each gives one line of error naming the file or symbol and the cause, a clean kernel log, and leaves nothing behind; the kernel's livepatch refuses the same symbols
M=$SHUNT_MODULES
S=$M/shunt_sample_cmdline.ko

# check_clean: no shunt patch or claim, no test or sample module loaded
# (but the target of the symbol tests)
check_clean() {
	local left
	assert_no_shunt_patches
	left=$(cut -d' ' -f1 /proc/modules | grep -E '^shunt_(test|sample)_' | grep -vx shunt_test_target)
	[ -z "$left" ] || fail "modules left loaded: $left"
	return 0
}

# refused ERE ARGS...: 'shunt apply ARGS' exits 1 with one line on stderr
# that matches ERE, leaves the kernel log clean and nothing behind
refused() {
	local ere=$1
	shift
	shunt_fails "$ere" apply "$@"
	assert_eq "$(wc -l < /tmp/shunt.err)" 1 "one line of error"
	kernel_log_clean "of 'shunt apply $*'" || fail "kernel log not clean"
	check_clean
}

refused "^shunt: /tmp: .*not a regular file" /tmp
refused "^shunt: /nonexistent\.ko: .*No such file or directory" /nonexistent.ko
printf '#!/bin/sh\necho hi\n' > /tmp/script.ko
refused "^shunt: /tmp/script\.ko: .*not an ELF file" /tmp/script.ko
head -c 4000 $S > /tmp/trunc.ko
refused "^shunt: /tmp/trunc\.ko: .*truncated" /tmp/trunc.ko
: > /tmp/empty.ko
refused "^shunt: /tmp/empty\.ko: .*(empty|not an ELF|truncated)" /tmp/empty.ko
refused "^shunt: .*/shunt_test_warn\.ko: .*'shunt_test_warn' is not a livepatch module" $M/shunt_test_warn.ko

say "modules for another kernel: copies of the sample with one byte of vermagic changed"
rel=$(uname -r)
off=$(strings -t d $S | sed -n 's/^ *\([0-9]*\) vermagic=.*/\1/p')
[ -n "$off" ] || fail "no vermagic in $S"
assert_match "$(strings $S | grep '^vermagic=')" "^vermagic=$(echo "$rel" | sed 's/[.+]/\\&/g') " "the sample's vermagic"
# setbyte FILE OFFSET CHAR
setbyte() { printf '%s' "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }
# another release: the first digit of the release changed
other=9
[ "$(echo "$rel" | cut -c1)" = 9 ] && other=8
cp $S /tmp/other-release.ko
setbyte /tmp/other-release.ko $((off + 9)) $other
other_rel=$other$(echo "$rel" | cut -c2-)
assert_match "$(strings /tmp/other-release.ko | grep '^vermagic=')" "^vermagic=$(echo "$other_rel" | sed 's/[.+]/\\&/g') " "rewritten release"
cmp -l $S /tmp/other-release.ko > /tmp/cmp.out
assert_eq "$(wc -l < /tmp/cmp.out)" 1 "one byte differs"
refused "^shunt: /tmp/other-release\.ko: .*$(echo "$other_rel" | sed 's/[.+]/\\&/g').*$(echo "$rel" | sed 's/[.+]/\\&/g')" /tmp/other-release.ko
# another configuration: the first letter after the release ("SMP")
# changed; the release matches, and the kernel refuses the module
cp $S /tmp/other-config.ko
setbyte /tmp/other-config.ko $((off + 9 + ${#rel} + 1)) X
assert_match "$(strings /tmp/other-config.ko | grep '^vermagic=')" "^vermagic=$(echo "$rel" | sed 's/[.+]/\\&/g') X" "rewritten configuration"
insmod /tmp/other-config.ko 2>/tmp/insmod.err && fail "the kernel loaded a module for another configuration"
assert_match "$(cat /tmp/insmod.err)" "invalid module format|Exec format error" "insmod refuses it"
assert_klog "shunt_sample_cmdline: version magic" "the kernel names the mismatch"
kernel_log_clean "of insmod" || fail "kernel log not clean"
refused "^shunt: /tmp/other-config\.ko: .*(Exec format error|version magic|vermagic)" /tmp/other-config.ko

say "symbols"
refused "shunt_no_such_function.*not found" $M/shunt_test_badsym.ko which=missing
load_module shunt_test_target || fail "insmod shunt_test_target"
refused "shunt_target_dup.*ambiguous" $M/shunt_test_badsym.ko which=dup
refused "shunt_target_dup.*(position|sympos).*3" $M/shunt_test_badsym.ko which=dup sympos=3

say "the kernel's livepatch refuses the same symbols"
load_module shunt_test_badsym which=missing 2>/dev/null && fail "klp loaded a patch of a missing symbol"
assert_klog "livepatch: symbol 'shunt_no_such_function' not found" "klp: missing symbol"
load_module shunt_test_badsym which=dup 2>/dev/null && fail "klp loaded a patch of an ambiguous symbol"
assert_klog "livepatch: unresolvable ambiguity for symbol 'shunt_target_dup' in object 'shunt_test_target'" "klp: ambiguous symbol"
kernel_log_clean "of the klp refusals" || fail "kernel log not clean"
check_clean

say "old_sympos 2 picks the second one"
shunt_ok apply $M/shunt_test_badsym.ko which=dup sympos=2
assert_match "$(cat /proc/shunt_test_target)" "dup: dup-a dup-patched" "second shunt_target_dup patched"
assert_eq "$(patch_attr shunt_test_badsym shunt_test_target/patched)" 1 "object patched"
test -d "$SHUNT_ROOT/shunt_test_badsym/shunt_test_target/shunt_target_dup,2" || fail "function directory shunt_target_dup,2 missing"
shunt_ok revert shunt_test_badsym
assert_match "$(cat /proc/shunt_test_target)" "dup: dup-a dup-b" "original after revert"
check_clean
