# TEST: klp relocations (a converted, kpatch-shaped patch module), the kernel's livepatch and shunt alike: a vmlinux object reads a static vmlinux variable and calls an unexported function; a module object calls a static function and reads a static variable of its target (and sympos 2 of a duplicate static name) with the target loaded before, loaded after, unloaded while patched and loaded again twice; an unresolvable symbol is refused with its name, at apply and when the target loads later
# TIMEOUT: 300
M=$SHUNT_MODULES
P=shunt_test_klp_rela
B=shunt_test_klp_rela_bad
T=shunt_test_target
orig=$(cat /proc/cmdline)
threads_max=$(cat /proc/sys/kernel/threads-max)

# the backend under test: "shunt" or "klp" (insmod, the kernel's livepatch)
sysdir() {
	if [ $backend = shunt ]; then echo $SHUNT_ROOT/$1; else echo /sys/kernel/livepatch/$1; fi
}

# the kernel log lines since klog_mark (left in the log for the runner)
klog_mark() { dmesg | wc -l > /tmp/klog.mark; }
assert_klog_since() {
	dmesg | tail -n +$(($(cat /tmp/klog.mark) + 1)) | grep -qE -- "$1" ||
		fail "$2: no kernel log line since the mark matches /$1/"
	say "ok: $2: kernel log has /$1/"
}

patched_value() { echo "value: klp-rela static dup-b shows=$1"; }

for backend in klp shunt; do
	say "--- $backend: vmlinux object, target not loaded yet"
	backend_apply $P
	cmdline=$(cat /proc/cmdline)
	assert_match "$cmdline" "^shunt_test_klp_rela: max_threads=$threads_max processes=[1-9][0-9]*$" \
		"$backend: the static max_threads and nr_processes() through vmlinux klp relocations"
	assert_eq "$(cat $(sysdir $P)/$T/patched)" 0 "$backend: module object waits for its target"

	say "--- $backend: target loaded after the patch"
	load_module $T || fail "$backend: insmod $T while patched"
	assert_eq "$(cat $(sysdir $P)/$T/patched)" 1 "$backend: module object patched when its target came"
	assert_eq "$(head -n 1 /proc/$T)" "$(patched_value 1)" \
		"$backend: static function, sympos 2 and static variable of the target"
	assert_eq "$(head -n 1 /proc/$T)" "$(patched_value 2)" "$backend: the static counter is the target's own"
	assert_match "$(cat /proc/$T)" "shows: 3 static" "$backend: the target counts the same reads"

	for round in 1 2; do
		say "--- $backend: target unloaded while patched and loaded again ($round)"
		rmmod $T || fail "$backend: rmmod $T while patched ($round)"
		assert_eq "$(cat $(sysdir $P)/$T/patched)" 0 "$backend: object unpatched when the target went ($round)"
		if on_kernel 6.1; then
			# 6.1 has no clear_relocate_add(): the relocations stay
			# written and the target is refused until the patch goes,
			# by the kernel's livepatch and by shunt alike
			say "6.1: no clear_relocate_add(): the target cannot load again while patched"
			klog_mark
			load_module $T 2>/dev/null && fail "$backend: insmod $T again succeeded on 6.1"
			module_loaded $T && fail "$backend: $T loaded"
			if [ $backend = shunt ]; then
				dmesg | grep -q "'$P': this kernel has no clear_relocate_add()" ||
					fail "shunt: 6.1: the apply did not say that the relocations cannot be cleared"
				say "ok: shunt: 6.1: the apply said the relocations cannot be cleared"
				assert_klog_since "'$P': the klp relocations for the last '$T' are still written, and this kernel has no clear_relocate_add\\(\\) to clear them.*refusing to load module '$T'" \
					"shunt: 6.1: target refused, the missing function named"
			else
				assert_klog_since "existing value is nonzero" "klp: 6.1: relocation not cleared"
				assert_klog_since "refusing to load module '$T'" "klp: 6.1: target refused"
			fi
			backend_revert $P
			load_module $T || fail "$backend: insmod $T once the patch is gone (6.1)"
			break
		fi
		load_module $T || fail "$backend: insmod $T again ($round)"
		assert_eq "$(head -n 1 /proc/$T)" "$(patched_value 1)" \
			"$backend: relocations rewritten for the new target ($round)"
	done
	on_kernel 6.1 || backend_revert $P
	assert_eq "$(cat /proc/cmdline)" "$orig" "$backend: /proc/cmdline original after revert"
	assert_eq "$(head -n 1 /proc/$T)" "value: original" "$backend: target original after revert"
	rmmod $T || fail "$backend: rmmod $T after revert"

	say "--- $backend: target loaded before the patch"
	load_module $T || fail "$backend: insmod $T"
	assert_eq "$(head -n 1 /proc/$T)" "value: original" "$backend: target original"
	backend_apply $P
	assert_eq "$(cat $(sysdir $P)/$T/patched)" 1 "$backend: module object patched at apply"
	assert_eq "$(head -n 1 /proc/$T)" "$(patched_value 2)" "$backend: target loaded before is patched"
	backend_revert $P
	assert_eq "$(head -n 1 /proc/$T)" "value: original" "$backend: target original after revert"

	say "--- $backend: an unresolvable symbol, target loaded: refused"
	klog_mark
	if [ $backend = shunt ]; then
		shunt_fails "klp relocation section \.klp\.rela\.$T\.text, symbol \.klp\.sym\.$T\.shunt_target_missing,0, object '$T': symbol 'shunt_target_missing' not found in module '$T'" \
			apply $M/$B.ko
		assert_eq "$(cat $SHUNT_ROOT/claim)" "" "$backend: no claim left"
	else
		load_module $B 2>/dev/null && fail "klp: insmod $B succeeded"
		assert_klog_since "livepatch: symbol 'shunt_target_missing' not found" "klp: refused with the symbol's name"
	fi
	test -e $(sysdir $B) && fail "$backend: $(sysdir $B) exists after the refusal"
	module_loaded $B && fail "$backend: $B loaded after the refusal"
	assert_eq "$(head -n 1 /proc/$T)" "value: original" "$backend: target untouched"
	rmmod $T || fail "$backend: rmmod $T"

	say "--- $backend: an unresolvable symbol, target loaded later: the target is refused"
	backend_apply $B
	klog_mark
	load_module $T 2>/dev/null && fail "$backend: insmod $T succeeded with an unresolvable relocation"
	module_loaded $T && fail "$backend: $T loaded"
	if [ $backend = shunt ]; then
		assert_klog_since "'$B': klp relocation section .*shunt_target_missing.*; refusing to load module '$T'" \
			"shunt: target refused, the symbol named"
	else
		assert_klog_since "livepatch: symbol 'shunt_target_missing' not found" "klp: refused with the symbol's name"
		assert_klog_since "refusing to load module '$T'" "klp: target refused"
	fi
	assert_eq "$(cat $(sysdir $B)/$T/patched)" 0 "$backend: object not patched"
	backend_revert $B
	load_module $T || fail "$backend: insmod $T once the bad patch is gone"
	assert_eq "$(head -n 1 /proc/$T)" "value: original" "$backend: target loads and is original"
	rmmod $T || fail "$backend: rmmod $T"
done
