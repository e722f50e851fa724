# TEST: apply/revert the sample up to 200 times in about a minute (at least 20) (immediate, every tenth per-task) while a reader on the other CPU hammers the patched function: every step succeeds, the reader only sees the original or the patched line, no ftrace ops, claims or module references leak
# TIMEOUT: 600
# Under TCG an immediate cycle takes about 1.4 s with the reader running
# (0.7 s without): most of it is loading the module and reading
# /proc/kallsyms; a per-task one about a second more.
M=$SHUNT_MODULES
# a slow or loaded host runs fewer cycles, never into the timeout
N=200
MIN=20
BUDGET=60
orig=$(cat /proc/cmdline)
patched="patched: shunt_sample_cmdline"
# shunt.ko first: a busy task that predates it is 19-per-task-busy-task's
# subject, not this test's
insmod $SHUNT_KO || fail "insmod shunt.ko"
rm -f /tmp/stress.stop /tmp/reads.bad
# the read builtin opens and reads /proc/cmdline without forking, so the
# reader calls cmdline_proc_show() thousands of times a second; it counts
# what it sees and keeps anything unexpected
(
	o=0 p=0 b=0
	while [ ! -e /tmp/stress.stop ]; do
		read -r l < /proc/cmdline
		case $l in
		"$orig") o=$((o + 1)) ;;
		"$patched") p=$((p + 1)) ;;
		*) b=$((b + 1)); echo "$l" >> /tmp/reads.bad ;;
		esac
	done
	echo "$o $p $b" > /tmp/reads
) &
reader=$!
trap 'touch /tmp/stress.stop' EXIT
# the reader on CPU 1, this shell and the shunt commands on CPU 0
taskset -p 2 $reader > /dev/null || fail "taskset the reader"
taskset -p 1 $$ > /dev/null || fail "taskset the shell"
start=$(cut -d. -f1 /proc/uptime)
i=0
while [ $i -lt $N ]; do
	# every tenth cycle per-task, the others immediate (a per-task
	# transition takes about a second here); the last revert keeps the
	# module
	model=immediate
	[ $((i % 10)) = 0 ] && model=per-task
	last=
	[ $i = $((N - 1)) ] && last=1
	[ $i -ge $MIN ] && [ $(($(cut -d. -f1 /proc/uptime) - start)) -ge $BUDGET ] && last=1
	keep=
	[ -n "$last" ] && keep=--keep-module
	shunt apply --no-metrics --consistency=$model $M/shunt_sample_cmdline.ko > /dev/null 2>/tmp/err || fail "apply $i ($model): $(cat /tmp/err)"
	shunt revert $keep shunt_sample_cmdline > /dev/null 2>/tmp/err || fail "revert $i: $(cat /tmp/err)"
	i=$((i + 1))
	[ -n "$last" ] && break
done
N=$i
touch /tmp/stress.stop
wait $reader
read -r o p b < /tmp/reads
say "$N cycles; the reader saw the original $o times, the patch $p times, something else $b times"
[ "$b" = 0 ] || fail "the reader saw: $(sort /tmp/reads.bad | uniq -c | head -n 5)"
[ "$p" -gt 0 ] || fail "the reader never saw the patch"
[ "$o" -gt 0 ] || fail "the reader never saw the original"
assert_eq "$(cat /proc/cmdline)" "$orig" "original at the end"
[ -z "$(grep cmdline_proc_show /sys/kernel/tracing/enabled_functions)" ] || fail "ftrace ops left: $(grep cmdline_proc_show /sys/kernel/tracing/enabled_functions)"
assert_no_shunt_patches
say "the last revert kept the module: nothing holds it"
module_loaded shunt_sample_cmdline || fail "--keep-module did not keep the module"
assert_eq "$(cat /sys/module/shunt_sample_cmdline/refcnt)" 0 "sample module references"
rmmod shunt_sample_cmdline || fail "rmmod the sample"
assert_eq "$(cat /sys/module/shunt/refcnt)" 0 "shunt.ko references"
rmmod shunt || fail "rmmod shunt.ko"
