# TEST: names and privileges: revert, force, show and report refuse a name that is not a module name ('../livepatch/NAME', '..', 'a/b', too long, empty) in one line, and the kernel livepatch it aims at stays enabled and untouched; apply refuses a module whose .modinfo name is a path; as a non-root user apply, revert and force say in one line that they need root and change nothing, while list and show still work
M=$SHUNT_MODULES
S=$M/shunt_sample_cmdline.ko
KLP=/sys/kernel/livepatch/shunt_sample_cmdline

# name_refused VERB NAME: exit 2, one line naming the verb and the cause
name_refused() {
	shunt "$1" "$2" > /tmp/shunt.out 2> /tmp/shunt.err
	assert_eq "$?" 2 "exit status of 'shunt $1 $2'"
	assert_eq "$(wc -l < /tmp/shunt.err)" 1 "one line of error"
	assert_match "$(cat /tmp/shunt.err)" "^shunt: $1: '.*' is not a module name: " "shunt $1 '$2'"
}

# klp_untouched: the kernel livepatch is as insmod left it
klp_untouched() {
	assert_eq "$(cat $KLP/enabled)" 1 "kernel livepatch still enabled"
	assert_eq "$(cat $KLP/transition)" 0 "no kernel livepatch transition"
	assert_no_match "$(klog)" "shunt_sample_cmdline.*(unpatching|disabling)" "kernel log"
	assert_eq "$(cat /proc/cmdline)" "patched: shunt_sample_cmdline" "the sample's replacement still runs"
}

say "a kernel livepatch to aim at, with shunt.ko loaded (its sysfs root is where '..' starts)"
module_loaded shunt || insmod "$SHUNT_KO" || fail "insmod shunt.ko"
load_module shunt_sample_cmdline || fail "insmod the sample"
wait_eq 30 $KLP/transition 0
klp_untouched

long=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcd
assert_eq "${#long}" 56 "a name one past the kernel's MODULE_NAME_LEN"
for verb in revert force show report; do
	for name in ../livepatch/shunt_sample_cmdline .. a/b "$long" "" "bad name"; do
		name_refused "$verb" "$name"
	done
done
klp_untouched

say "a module file whose .modinfo name is a path"
off=$(strings -t d $S | sed -n 's/^ *\([0-9]*\) name=shunt_sample_cmdline$/\1/p')
[ -n "$off" ] || fail "no name= in $S"
cp $S /tmp/pathname.ko
printf '../../xx' | dd of=/tmp/pathname.ko bs=1 seek=$((off + 5)) conv=notrunc 2>/dev/null
assert_match "$(strings /tmp/pathname.ko | grep '^name=')" '^name=\.\./\.\./xx' "rewritten name"
shunt_fails "^shunt: /tmp/pathname\.ko: name in \.modinfo: '\.\./\.\./xxmple_cmdline' is not a module name" apply /tmp/pathname.ko
assert_eq "$(wc -l < /tmp/shunt.err)" 1 "one line of error"
assert_no_shunt_patches

say "not root: busybox su to nobody (an /etc/passwd made for it)"
made_etc=
if [ ! -e /etc/passwd ]; then
	mkdir -p /etc
	printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/tmp:/bin/sh\n' > /etc/passwd
	printf 'root:x:0:\nnogroup:x:65534:\n' > /etc/group
	made_etc=1
fi
# as_nobody ARGS...: shunt as uid 65534; its output in /tmp/shunt.out/.err
as_nobody() {
	su -s /bin/sh nobody -c "/shunt/bin/shunt $*" > /tmp/shunt.out 2> /tmp/shunt.err
}
su -s /bin/sh nobody -c 'grep CapEff /proc/self/status' > /tmp/caps
assert_match "$(cat /tmp/caps)" "^CapEff:[[:space:]]+0+$" "nobody has no capabilities"
for args in "apply $S" "apply --no-metrics /nonexistent.ko" "revert shunt_sample_cmdline" "force shunt_sample_cmdline"; do
	as_nobody $args
	rc=$?
	sed 's/^/#   /' /tmp/shunt.err
	assert_eq "$rc" 1 "exit status of 'shunt $args' as nobody"
	assert_eq "$(wc -l < /tmp/shunt.err)" 1 "one line of error"
	assert_match "$(cat /tmp/shunt.err)" "^shunt: ${args%% *}: needs root: CAP_SYS_MODULE" "shunt $args as nobody"
done
assert_no_shunt_patches
klp_untouched
as_nobody list || fail "shunt list as nobody: $(cat /tmp/shunt.err)"
assert_match "$(cat /tmp/shunt.out)" "^shunt_sample_cmdline +klp " "shunt list as nobody"
as_nobody show shunt_sample_cmdline || fail "shunt show as nobody: $(cat /tmp/shunt.err)"
assert_match "$(cat /tmp/shunt.out)" "shunt_sample_cmdline" "shunt show as nobody"
as_nobody apply --help || fail "shunt apply --help as nobody"

say "as root, the real name still works"
shunt_ok show shunt_sample_cmdline
echo 0 > $KLP/enabled
wait_for 30 "the kernel livepatch to go" test ! -d $KLP
rmmod shunt_sample_cmdline
say "kernel addresses in a shunt patch's sysfs are root's only"
shunt_ok apply --no-metrics $SHUNT_MODULES/shunt_test_stack1.ko
F=$SHUNT_ROOT/shunt_test_stack1
su -s /bin/sh nobody -c "cat $F/addrs" > /dev/null 2>&1 && fail "nobody can read addrs"
assert_eq "$(stat -c %a $F/addrs) $(stat -c %a $F/funcs) $(stat -c %a $F/calls)" "400 444 444" "modes of addrs, funcs, calls"
assert_match "$(cat $F/addrs)" "^vmlinux:cmdline_proc_show,1 0x[0-9a-f]{16} +[1-9][0-9]* 0x[0-9a-f]{16} 0x[0-9a-f]{16} +[1-9][0-9]* [01]$" "root reads addrs"
assert_eq "$(awk '$2 != "0x0000000000000000" && $5 != "0x0000000000000000" { n++ } END { print n, NR }' $F/addrs)" "2 2" "old_addr and new_addr set for both functions"
su -s /bin/sh nobody -c "cat $F/funcs" > /tmp/nf 2>&1 || fail "nobody cannot read funcs"
assert_match "$(cat /tmp/nf)" "^vmlinux:cmdline_proc_show,1 0 stack_cmdline_show \[shunt_test_stack1\]$" "funcs names a symbol, no address"
su -s /bin/sh nobody -c "cat $F/calls" > /tmp/nf 2>&1 || fail "nobody cannot read calls"
assert_match "$(cat /tmp/nf)" "^vmlinux:cmdline_proc_show,1 +[0-9]+ +[0-9]+$" "nobody reads calls"
say "any read size gives the same text: whole lines, or a line in pieces"
cat $F/funcs > /tmp/funcs.all
for bs in 1 7 40 100 4096; do
	assert_eq "$(dd if=$F/funcs bs=$bs 2>/dev/null)" "$(cat /tmp/funcs.all)" "funcs read $bs bytes at a time"
	assert_eq "$(dd if=$F/addrs bs=$bs 2>/dev/null | wc -c)" "$(wc -c < $F/addrs)" "addrs read $bs bytes at a time"
done
shunt_ok revert shunt_test_stack1
[ -n "$made_etc" ] && rm -f /etc/passwd /etc/group
kernel_log_clean "of the case" || fail "kernel log not clean"
