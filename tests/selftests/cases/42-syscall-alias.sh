# TEST: a patch of __x64_sys_getpid, one of several names at one address: applies under shunt while many processes call getpid() (and under the kernel's livepatch, the reference, before they start), counts their calls as klp's does, reverts; an atomic replace over it puts the original back
# TIMEOUT: 600
M=$SHUNT_MODULES
C=/sys/module/shunt_test_syscall/parameters/calls
# processes calling getpid() all the time: every new ash asks for its pid
start_callers() {
	callers=""
	for i in 1 2 3 4; do
		sh -c 'while :; do sh -c :; done' &
		callers="$callers $!"
	done
}
stop_callers() { kill $callers 2>/dev/null; wait 2>/dev/null; }

for backend in klp shunt; do
	say "backend $backend"
	if [ $backend = klp ]; then
		# the callers start after klp's transition: at its start and end
		# klp rewrites the cond_resched() static calls, each text_poke
		# waiting for IPIs that busy vCPUs take minutes to answer under
		# TCG (README, Performance: under load klp takes 78 s)
		load_module shunt_test_syscall || fail "insmod"
		wait_eq 60 /sys/kernel/livepatch/shunt_test_syscall/transition 0
		start_callers
	else
		start_callers
		shunt_ok apply --no-metrics $M/shunt_test_syscall.ko
		assert_match "$(cat /tmp/shunt.out)" "vmlinux: __x64_sys_getpid,1 -> new_getpid" "apply names the alias"
	fi
	n1=$(cat $C)
	sleep 1
	n2=$(cat $C)
	[ "$n2" -gt "$n1" ] || fail "$backend: the new getpid is not called ($n1 -> $n2)"
	say "ok: $backend: new getpid served $((n2 - n1)) calls in a second"
	stop_callers
	if [ $backend = klp ]; then
		echo 0 > /sys/kernel/livepatch/shunt_test_syscall/enabled
		wait_for 60 "klp unpatching" test ! -d /sys/kernel/livepatch/shunt_test_syscall
		rmmod shunt_test_syscall || fail "rmmod"
	else
		shunt_ok revert shunt_test_syscall
	fi
	module_loaded shunt_test_syscall && fail "module still loaded"
done

say "an atomic replace whose predecessor patches __x64_sys_getpid"
shunt_ok apply --no-metrics $M/shunt_test_syscall.ko
shunt_ok apply --no-metrics $M/shunt_test_replace.ko
assert_match "$(cat /tmp/shunt.out)" "applied shunt_test_replace" "replace applied"
wait_for 30 "the replaced patch to go" sh -c '! test -d /sys/kernel/shunt/shunt_test_syscall'
rmmod shunt_test_syscall || fail "rmmod of the replaced patch"
[ -z "$(grep __x64_sys_getpid /sys/kernel/tracing/enabled_functions)" ] || fail "getpid still redirected after the replace"
assert_klog "shunt: 'shunt_test_syscall': replaced by 'shunt_test_replace'" "replaced"
shunt_ok revert shunt_test_replace
assert_no_shunt_patches
