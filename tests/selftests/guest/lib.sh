# SPDX-License-Identifier: GPL-2.0
# Guest-side helpers for the selftests: assertions and kernel-log checks.

KLOG_BAD='WARNING:|BUG:|Oops|Call Trace|Kernel panic|general protection fault'
KLOG_ALL=/tmp/kernel.log	# every line already checked, in order
KLOG_ALLOW=/tmp/klog-allow	# EREs the running test expects

say() { echo "# $*"; }

fail() {
	echo "# FAIL: $*"
	exit 1
}

# skip REASON: the case cannot run on this kernel (say which facility it
# lacks); run-suite.sh prints "ok N - NAME # SKIP REASON".
SKIP_REASON=/tmp/skip-reason
SKIP_STATUS=77
skip() {
	echo "$*" > "$SKIP_REASON"
	exit "$SKIP_STATUS"
}

# The kernel the VM boots, as KERNEL= names it: 6.12 or 6.1.
SHUNT_KERNEL=$(cat /run/kernel 2>/dev/null || echo 6.12)
on_kernel() { [ "$SHUNT_KERNEL" = "$1" ]; }

# assert_eq ACTUAL EXPECTED WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
	say "ok: $3 = '$2'"
}

# assert_match TEXT ERE WHAT
assert_match() {
	printf '%s\n' "$1" | grep -qE -- "$2" || fail "$3: '$1' does not match /$2/"
	say "ok: $3 ~ /$2/"
}

# assert_no_match TEXT ERE WHAT
assert_no_match() {
	! printf '%s\n' "$1" | grep -qE -- "$2" || fail "$3: '$1' matches /$2/"
	say "ok: $3 !~ /$2/"
}

# assert_status EXPECTED WHAT CMD...: run CMD, check its exit status
assert_status() {
	local want=$1 what=$2 got
	shift 2
	"$@"
	got=$?
	[ "$got" = "$want" ] || fail "$what: '$*' exited $got, expected $want"
	say "ok: $what (exit $got)"
}

# wait_for SECONDS WHAT CMD...: poll CMD every 0.1 s until it succeeds
wait_for() {
	local limit=$1 what=$2 i=0
	shift 2
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -ge $((limit * 10)) ] && fail "timed out after ${limit}s waiting for $what"
		sleep 0.1
	done
}

# wait_quietly SECONDS CMD...: wait_for that gives up without failing,
# for the cleanup between tests, which runs in the suite's own shell
wait_quietly() {
	local limit=$1 i=0
	shift
	while ! "$@" >/dev/null 2>&1 && [ "$i" -lt $((limit * 10)) ]; do
		i=$((i + 1))
		sleep 0.1
	done
}

# The kernel log the current test has produced so far (not yet checked).
klog() { dmesg; }

# assert_klog ERE WHAT: a kernel log line of this test matches
assert_klog() {
	dmesg | grep -qE -- "$1" || fail "$2: no kernel log line matches /$1/"
	say "ok: $2: kernel log has /$1/"
}

# The running test expects kernel log lines matching ERE (e.g. a WARNING
# it provokes on purpose); they will not fail it.
kernel_log_allow() { echo "$1" >> "$KLOG_ALLOW"; }

# Move the unchecked kernel log into $KLOG_ALL; the new lines go to stdout.
kernel_log_take() {
	dmesg -c > /tmp/klog.new 2>/dev/null
	cat /tmp/klog.new >> "$KLOG_ALL"
	cat /tmp/klog.new
}

# kernel_log_bad: read a log on stdin, print the unexpected bad lines.
kernel_log_bad() {
	if [ -s "$KLOG_ALLOW" ]; then
		grep -vE -f "$KLOG_ALLOW" | grep -E "$KLOG_BAD"
	else
		grep -E "$KLOG_BAD"
	fi
}

# kernel_log_clean WHAT: check the unchecked kernel log; complain and fail
# when it has WARNING/BUG/Oops/Call Trace lines nobody expected.
kernel_log_clean() {
	local bad
	bad=$(kernel_log_take | kernel_log_bad)
	[ -z "$bad" ] && return 0
	echo "# kernel log $1 has unexpected lines:"
	printf '%s\n' "$bad" | head -n 20 | sed 's/^/#   /'
	return 1
}

# Load a module shipped in the VM by name.
load_module() {
	local m=$1
	shift
	insmod "$SHUNT_MODULES/$m.ko" "$@"
}

module_loaded() { [ -d "/sys/module/$1" ]; }

# Disable and remove every kernel livepatch, then unload our modules, so
# the next test starts from a clean kernel.
reset_kernel_state() {
	local p m
	# a failed test may leave tasks held in a patch's code (kthreads,
	# readers): let them go first, or its release never ends
	p=/sys/module
	[ -e $p/shunt_test_busy/parameters/hold ] && echo 0 > $p/shunt_test_busy/parameters/hold
	[ -e $p/shunt_test_wait/parameters/release ] && echo 1 > $p/shunt_test_wait/parameters/release
	[ -e $p/shunt_test_late_patch/parameters/release ] && echo 1 > $p/shunt_test_late_patch/parameters/release
	[ -d /sys/kernel/shunt ] && revert_all
	# a releasing patch (reverted, its module code still on a stack) goes
	# once the tasks held there leave (no fail here: this runs in the
	# suite's own shell; what stays shows in the next test's check)
	for p in /sys/kernel/shunt/*/state; do
		wait_quietly 30 sh -c "[ \"\$(cat $p 2>/dev/null)\" != releasing ]"
	done
	# metrics of patches a failed test left behind hold their modules
	rm -rf /sys/fs/bpf/shunt
	for p in /sys/kernel/livepatch/*; do
		[ -d "$p" ] || continue
		echo 0 > "$p/enabled" 2>/dev/null
		wait_quietly 30 test ! -d "$p"
	done
	# a module another one uses goes in a later pass
	for pass in 1 2 3; do
		for m in "$SHUNT_MODULES"/*.ko "$SHUNT_KO"; do
			m=$(basename "$m" .ko)
			module_loaded "$m" && rmmod "$m" 2>/dev/null
		done
	done
	return 0
}

# ---- shunt patches ----

SHUNT_ROOT=/sys/kernel/shunt

# shunt_ok ARGS...: run the shunt command, fail the test unless it succeeds
shunt_ok() {
	shunt "$@" > /tmp/shunt.out 2>&1
	local rc=$?
	sed 's/^/#   /' /tmp/shunt.out
	[ "$rc" = 0 ] || fail "'shunt $*' exited $rc"
}

# shunt_fails ERE ARGS...: shunt must exit 1 with stderr matching ERE
shunt_fails() {
	local ere=$1 rc
	shift
	shunt "$@" > /tmp/shunt.out 2> /tmp/shunt.err
	rc=$?
	sed 's/^/#   /' /tmp/shunt.err
	[ "$rc" = 1 ] || fail "'shunt $*' exited $rc, expected 1"
	grep -qE -- "$ere" /tmp/shunt.err || fail "'shunt $*': stderr does not match /$ere/"
	[ "$(wc -l < /tmp/shunt.err)" -ge 1 ] || fail "no error message"
	say "ok: shunt $* refused: /$ere/"
}

# patch_attr NAME ATTR: a shunt patch's sysfs attribute
patch_attr() { cat "$SHUNT_ROOT/$1/$2" 2>/dev/null; }

# assert_no_shunt_patches: nothing applied, nothing claimed
assert_no_shunt_patches() {
	local left
	left=$(ls -d $SHUNT_ROOT/*/enabled 2>/dev/null)
	[ -z "$left" ] || fail "shunt patches left: $left"
	[ -z "$(cat $SHUNT_ROOT/claim 2>/dev/null)" ] || fail "claims left: $(cat $SHUNT_ROOT/claim)"
	[ -z "$(shunt list | grep -E '^[^ ]+ +shunt ')" ] || fail "shunt list shows shunt patches: $(shunt list)"
	[ -z "$(ls /sys/fs/bpf/shunt 2>/dev/null)" ] || fail "BPF metrics left pinned: $(ls /sys/fs/bpf/shunt)"
	say "ok: no shunt patch left"
}

# revert_all: revert every shunt patch, newest first
revert_all() {
	local p
	for p in $(shunt list --json | grep -o '"name":"[^"]*","backend":"shunt"' | cut -d'"' -f4 | tac); do
		shunt revert "$p" > /dev/null 2>&1
	done
}

# json_get FILE PATH: a value of the JSON in FILE (see json.awk), or fail
json_get() {
	awk -f "$SHUNT_TESTS/json.awk" "$1" > /tmp/json.flat || fail "$1: not valid JSON"
	grep -m1 "^$2=" /tmp/json.flat | cut -d= -f2-
}

# ---- one scenario under both backends ----
# $backend is "shunt" (shunt apply/revert) or "klp" (insmod, the kernel's
# livepatch, disabled through sysfs and rmmod'ed as klp tools do)

backend_apply() {
	local name=$1
	shift
	if [ $backend = shunt ]; then
		shunt_ok apply $SHUNT_MODULES/$name.ko "$@"
	else
		load_module $name "$@" || fail "klp: insmod $name"
		wait_eq 30 /sys/kernel/livepatch/$name/transition 0
	fi
}

backend_revert() {
	if [ $backend = shunt ]; then
		shunt_ok revert $1
	else
		echo 0 > /sys/kernel/livepatch/$1/enabled
		wait_for 30 "klp: $1 to go" test ! -d /sys/kernel/livepatch/$1
		# klp drops the module reference just after the directory goes
		wait_for 10 "klp: rmmod $1 to succeed" rmmod $1
	fi
	module_loaded $1 && fail "$backend: $1 still loaded after revert"
}

# ---- the shunt_test_busy target ----

busy_hold() { echo "$1" > /sys/module/shunt_test_busy/parameters/hold; }

# load shunt_test_busy and keep its kthread sleeping in shunt_busy_sleep()
busy_load_held() {
	load_module shunt_test_busy || fail "insmod shunt_test_busy"
	busy_hold 1
	wait_for 5 "the kthread to sleep in the old function" sh -c 'dmesg | grep -q "sleeping in shunt_busy_sleep (original)"'
}

# wait_eq SECONDS FILE VALUE: poll until FILE reads VALUE (re-read each time)
wait_eq() {
	local limit=$1 file=$2 want=$3 i=0
	while [ "$(cat "$file" 2>/dev/null)" != "$want" ]; do
		i=$((i + 1))
		[ "$i" -ge $((limit * 10)) ] && fail "timed out after ${limit}s waiting for $file to read '$want' (reads '$(cat "$file" 2>/dev/null)')"
		sleep 0.1
	done
}

# On a mix, how and when the reader that saw it switched: shunt's
# task_switch and transition events into the trace buffer.
# switch_trace_clear empties it; switch_trace 1|0 turns the events on or
# off (they exist once shunt.ko is in: pair_after_apply is the place);
# switch_trace_mixes says the switches of every reader that logged a
# mixed pair.
switch_trace_clear() {
	echo 16384 > /sys/kernel/tracing/buffer_size_kb
	: > /sys/kernel/tracing/trace
}
switch_trace() {
	local e
	for e in shunt_task_switch shunt_transition_start shunt_transition_end; do
		if [ -e /sys/kernel/tracing/events/shunt/$e ]; then
			echo "$1" > /sys/kernel/tracing/events/shunt/$e/enable
		fi
	done
}
switch_trace_mixes() {
	local pid
	for pid in $(dmesg | sed -n 's/.*mixed pair: .* in [^/]*\/\([0-9]*\)$/\1/p' | sort -u); do
		say "reader $pid saw a mix; its switches and the transitions:"
		grep -E "pid=$pid |shunt_transition" /sys/kernel/tracing/trace | tail -n 40 | sed 's/^/#   /'
	done
}

# pair_readers N: N readers of /proc/shunt_test_pair (shunt_test_busy),
# each writing its "old N new M mixed K" lines into /tmp/pair.I, until
# pair_readers_stop, which stops them, waits and tallies (pairs_tally)
pair_readers() {
	local r=1
	rm -f /tmp/pair.stop /tmp/pair.[0-9]
	while [ "$r" -le "$1" ]; do
		( while [ ! -e /tmp/pair.stop ]; do cat /proc/shunt_test_pair || break; done > /tmp/pair.$r ) &
		r=$((r + 1))
	done
}
pair_readers_stop() {
	touch /tmp/pair.stop
	wait
	pairs_tally /tmp/pair.[0-9]
}

# pair_cycles N OPTION...: N apply/revert cycles of shunt_test_pair_patch
# applied with OPTION...; after each apply, pair_after_apply I when the
# case defines it
pair_cycles() {
	local n=$1 i=0
	shift
	while [ "$i" -lt "$n" ]; do
		shunt apply "$@" "$SHUNT_MODULES/shunt_test_pair_patch.ko" > /dev/null 2>/tmp/err || fail "apply $i ($*): $(cat /tmp/err)"
		if type pair_after_apply > /dev/null 2>&1; then pair_after_apply "$i"; fi
		shunt revert shunt_test_pair_patch > /dev/null 2>/tmp/err || fail "revert $i ($*): $(cat /tmp/err)"
		i=$((i + 1))
	done
}

# pairs_tally FILE...: sum the "old N new M mixed K" lines the readers of
# /proc/shunt_test_pair wrote into old, new and mixed, and say them
pairs_tally() {
	cat "$@" > /tmp/pairs
	old=$(awk '{s += $2} END {print s + 0}' /tmp/pairs)
	new=$(awk '{s += $4} END {print s + 0}' /tmp/pairs)
	mixed=$(awk '{s += $6} END {print s + 0}' /tmp/pairs)
	say "calls: old $old, new $new, mixed $mixed, in $(wc -l < /tmp/pairs) reads"
}
