# SPDX-License-Identifier: GPL-2.0
# The benchmark inside the test VM (busybox sh), started by bench/run with
# the bench modules and benchtool in /extra. Prints one line per sample:
#   @@R ID VALUE      a measurement (repeated: the host takes the median)
#   @@A ID REASON     a row that cannot be measured in this build, and why
#   @@F ID REASON     a measurement that failed (the run then fails)
#   @@I KEY VALUE     facts about the run
#   @@N TEXT          something noticed on the way, printed under the tables
# and "# ..." progress lines. Warm-up runs are done and never printed.
# Arguments: KEY=VALUE settings (lists comma-separated), see the defaults.
. /shunt/tests/lib.sh

call_calls=50000	# calls per round of the per-call loop
call_rounds=11		# rounds per run (the module reports the median round)
call_reps=5		# runs per row and pass
call_warm=1		# runs discarded first, per row and pass
call_passes=2		# the plain rows' apply, measure, revert sequence, repeated
metrics_div=10		# metrics rows: call_calls / metrics_div calls per round
reps=5			# transition cycles per row (idle and loaded)
warm=1			# cycles discarded first, per backend and scenario
loaded_sleepers=1000	# the loaded scenario: sleeping threads...
loaded_spinners=2	# ...and busy ones (both CPUs; see README, Performance)
loaded_klp_reps=1	# klp under load: see README, Performance
loaded_klp_warm=0
sizes=1,10,100,1000	# functions per generated patch
size_reps=3,3,2,1	# cycles per size (no warm-up for sizes past the first)
threads=100,1000,5000	# sleeping threads for the thread scale
thread_reps=3		# cycles per thread count and backend...
thread_warm=1		# ...after these
for a in "$@"; do
	case $a in
	*=*) eval "${a%%=*}='${a#*=}'" ;;
	esac
done
sizes=$(echo "$sizes" | tr , ' ')
size_reps=$(echo "$size_reps" | tr , ' ')
threads=$(echo "$threads" | tr , ' ')

B=/extra
T=$B/benchtool
LP=/sys/kernel/livepatch
SP=/sys/kernel/shunt
TR=/sys/kernel/tracing
PARAMS=/sys/module/bench_target/parameters
BAD=/tmp/bench.bad
rm -f "$BAD"

# ---- output ----

res() { echo "@@R $1 $2"; }
absent() { echo "@@A $*"; }
failed() {
	echo "@@F $*"
	touch "$BAD"
}
info() { echo "@@I $*"; }
note() { echo "@@N $*"; }

# ---- the kernel log ----

# klog: move the new kernel log lines to /tmp/bench.klog (and the whole
# log), and flag any WARNING/BUG/Oops line: the run fails then.
klog() {
	local bad
	dmesg -c > /tmp/bench.klog 2>/dev/null
	cat /tmp/bench.klog >> "$KLOG_ALL"
	bad=$(kernel_log_bad < /tmp/bench.klog)
	if [ -n "$bad" ]; then
		echo "# kernel log has unexpected lines:"
		printf '%s\n' "$bad" | head -n 20 | sed 's/^/#   /'
		touch "$BAD"
	fi
}

# kspan START END: ms from the first kernel log line (of /tmp/bench.klog)
# matching START to the first one after it matching END (printk stamps)
kspan() {
	awk -v s="$1" -v e="$2" '
		function ts(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); return l + 0 }
		t0 == "" && index($0, s) { t0 = ts($0); next }
		t0 != "" && index($0, e) { printf "%.3f\n", (ts($0) - t0) * 1000; exit }
	' /tmp/bench.klog
}

# ---- helpers ----

# ms from benchtool's "total NS steps ..." line
ms() { awk '/^total / { printf "%.3f\n", $2 / 1e6 }' /tmp/bench.time; }

# btime STEP...: benchtool time, its output in /tmp/bench.time
btime() { "$T" time -t 600 "$@" > /tmp/bench.time 2> /tmp/bench.err; }

err() { head -c 300 /tmp/bench.err | tr '\n' ' '; }

# take every patch away, kernel livepatch and shunt alike
cleanup() {
	local p n
	[ -d $PARAMS ] && echo 0 > $PARAMS/hold
	for p in $LP/* $SP/*; do
		[ -f "$p/enabled" ] || continue
		n=$(basename "$p")
		echo 0 > "$p/enabled" 2>/dev/null
		wait_gone 600 "$p"
		rmmod "$n" 2>/dev/null
	done
	return 0
}

wait_gone() {
	local i=0
	while [ -e "$2" ]; do
		i=$((i + 1))
		[ $i -ge $(($1 * 10)) ] && return 1
		sleep 0.1
	done
}

# shunt apply options: BPF metrics off for the plain rows, when the
# loader has them
NOMETRICS=""
METRICS=""
help=$(shunt apply --help 2>&1)
case $help in *--no-metrics*) NOMETRICS=--no-metrics ;; esac
case $help in *--probe*) METRICS=yes ;; esac
# --latency: the BPF per-call probes are an option, the default metrics
# are the shim's call counters
LATENCY=""
case $help in *--latency*) LATENCY=--latency ;; esac
NODIRECT=""
case $help in *--no-direct*) NODIRECT=yes ;; esac

# ---- per-call cost ----

# call_row ID MODE [CALLS]: the per-call loop, call_warm + call_reps times.
# MODE pair: rounds of the (patched) target call and of the
# direct call in turn; each run then also gives ID.ov (overhead, ns) and
# ID.rel (overhead / direct, ppm) from rounds milliseconds apart, and a
# sample of call.direct
call_row() {
	local i=0 line
	while [ $i -lt $((call_warm + call_reps)) ]; do
		if ! echo "$2 ${3:-$call_calls} $call_rounds" > /proc/bench_call; then
			failed "$1 the caller module refused '$2'"
			return 1
		fi
		line=$(cat /proc/bench_call)
		if [ $i -ge $call_warm ]; then
			set -- "$1" "$2" "${3:-}" $line
			res "$1" "$5"
			if [ "$2" = pair ]; then
				res call.direct "${15}"
				res "$1.ov" "${17}"
				res "$1.rel" "${19}"
			fi
		fi
		i=$((i + 1))
	done
}

hold() {
	echo "$1" > $PARAMS/hold
	[ "$1" = 1 ] && wait_for 10 "the kthread to sleep in bench_target_block" \
		grep -q Y $PARAMS/blocked
}

# shunt_call ID KIND APPLY-OPTIONS...: apply bench_patch through shunt
# and run the loop; KIND plain, counters (the default metrics: the shim's
# call counters must count every call) or metrics (BPF metrics must then
# be attached); with hold, while the transition is held open, if ID has
# "-trans"
shunt_call() {
	local id=$1 kind=$2 trans=""
	shift 2
	case $id in *-trans*) trans=1 ;; esac
	[ -n "$trans" ] && hold 1
	if ! shunt apply ${trans:+--no-wait} "$@" $B/bench_patch.ko > /tmp/bench.err 2>&1; then
		failed "$id shunt apply $*: $(err)"
		cleanup
		return 1
	fi
	if [ -n "$trans" ] && ! grep -q 1 $SP/bench_patch/transition; then
		failed "$id the transition was not held open"
		cleanup
		return 1
	fi
	if [ "$kind" = metrics ] && [ ! -d /sys/fs/bpf/shunt/bench_patch ]; then
		absent "$id shunt apply $* left no BPF metrics pinned (no /sys/fs/bpf/shunt/bench_patch)"
	elif [ "$kind" = counters ] && [ ! -f $SP/bench_patch/calls ]; then
		absent "$id shunt.ko has no call counters in this build (no $SP/bench_patch/calls)"
	else
		if [ "$kind" = metrics ]; then
			call_row "$id" pair $((call_calls / metrics_div))
		else
			call_row "$id" pair
			[ "$kind" = counters ] && counted_all "$id"
		fi
	fi
	if [ -n "$trans" ]; then
		hold 0
		btime -w $SP/bench_patch/transition=0 || failed "$id transition did not end: $(err)"
	fi
	shunt revert bench_patch > /tmp/bench.err 2>&1 || { failed "$id shunt revert: $(err)"; cleanup; }
	kprobe_settle "shunt revert bench_patch (applied with $*)" "$id"
}

# counted_all ID: the shim's counters of bench_target_fn hold at least
# every call the loop made (the kthread's calls come on top)
counted_all() {
	local want=$(((call_warm + call_reps) * call_calls * call_rounds)) got
	got=$(awk '$1 ~ /:bench_target_fn,/ { print $2 + $3 }' $SP/bench_patch/calls)
	[ "${got:-0}" -ge "$want" ] ||
		failed "$1 the shim's call counters say ${got:-nothing} calls, the loop made $want"
}

# klp_call: the plain klp rows, one pass
klp_call() {
	if btime -x "insmod $B/bench_patch.ko" -w $LP/bench_patch/transition=0; then
		call_row call.klp pair
		btime -e $LP/bench_patch/enabled=0 -g $LP/bench_patch -x "rmmod bench_patch" ||
			failed "call.klp revert: $(err)"
	else
		failed "call.klp insmod: $(err)"
	fi
	hold 1
	if insmod $B/bench_patch.ko && grep -q 1 $LP/bench_patch/transition; then
		call_row call.klp-trans pair
	else
		failed "call.klp-trans the klp transition was not held open"
	fi
	hold 0
	btime -w $LP/bench_patch/transition=0 -e $LP/bench_patch/enabled=0 \
		-g $LP/bench_patch -x "rmmod bench_patch" || failed "call.klp-trans revert: $(err)"
	cleanup
}

# kprobe_settle WHAT ID: wait (10 s at most) until no kprobe is registered
# any more; note it when some outlived the command that removed them.
# Registering a kprobe where one is still being torn down is what the
# next row would do otherwise (kernel: reuse_unused_kprobe() warns).
kprobe_settle() {
	local kl=/sys/kernel/debug/kprobes/list left
	left=$(grep -c . $kl 2>/dev/null)
	[ "${left:-0}" = 0 ] && return 0
	if btime -t 10 -z $kl; then
		note "after '$1' $left kprobe(s) stayed registered for $(ms) ms more"
	else
		failed "$2 kprobes still registered 10 s after '$1': $(head -n 3 $kl | tr '\n' ' ')"
	fi
}

section_call() {
	local probe id pass=0
	say "per-call cost: $call_passes passes x $call_reps runs x $call_rounds rounds x $call_calls calls per row"
	if ! insmod $B/bench_target.ko || ! insmod $B/bench_caller.ko; then
		failed "call.original insmod"
		return 1
	fi
	# pass 1 measures klp before shunt.ko is even loaded, later passes
	# with it loaded (its hook is on klp_enable_patch(), not on the call)
	while [ $pass -lt "$call_passes" ]; do
		call_row call.original pair
		klp_call
		shunt_call call.shunt-ftrace plain $NOMETRICS
		if [ -n "$NODIRECT" ]; then
			shunt_call call.shunt-ops plain $NOMETRICS --no-direct
		else
			absent "call.shunt-ops shunt apply has no --no-direct in this build"
		fi
		shunt_call call.shunt-kprobe plain $NOMETRICS --redirect=kprobe
		shunt_call call.shunt-trans plain $NOMETRICS
		pass=$((pass + 1))
	done
	# the default metrics: the shim's call counters (and BPF probes off
	# the call path), no option
	for id in shunt-ftrace shunt-trans shunt-kprobe; do
		set --
		[ $id = shunt-kprobe ] && set -- --redirect=kprobe
		shunt_call call.$id.counters counters "$@"
	done
	# a probe left behind by one row must not weigh on the next
	for probe in fentry kprobe; do
		for id in shunt-ftrace shunt-trans shunt-kprobe; do
			if [ -z "$METRICS" ]; then
				absent "call.$id.$probe shunt apply has no BPF metrics in this build (no --probe in 'shunt apply --help')"
				continue
			fi
			if [ -n "$LATENCY" ] && case $(uname -r) in 6.1.*) true ;; *) false ;; esac; then
				absent "call.$id.$probe no --latency on 6.1 (its ftrace cannot share a function between BPF probes and an IPMODIFY ftrace_ops)"
				continue
			fi
			set -- $LATENCY --probe=$probe
			[ $id = shunt-kprobe ] && set -- "$@" --redirect=kprobe
			shunt_call call.$id.$probe metrics "$@"
		done
	done
	cleanup
	rmmod bench_caller bench_target
}

# ---- transitions ----

# cycle ID BACKEND PATCH [warm]: apply and revert PATCH (a module in
# /extra) with BACKEND (klp, per-task, stop-machine, immediate); unless
# warm, print ID.apply, ID.apply-k (in the kernel, from its log),
# ID.revert, ID.revert-k and, for stop-machine, ID.stall (the longest
# stop_machine() of the cycle, from the shunt:shunt_stop_machine event).
# With MEM set, also what the applied patch holds (ID.slab etc.).
cycle() {
	local id=$1 be=$2 mod=$3 keep=1 dir cmd msg0 msg1 rmsg0 rmsg1
	[ "${4:-}" = warm ] && keep=""
	if [ "$be" = klp ]; then
		dir=$LP/$mod
		cmd="insmod $B/$mod.ko"
		msg0="livepatch: enabling patch '$mod'"
		msg1="livepatch: '$mod': patching complete"
		rmsg0="livepatch: '$mod': starting unpatching transition"
		rmsg1="livepatch: '$mod': unpatching complete"
	else
		dir=$SP/$mod
		cmd="shunt apply --no-wait $NOMETRICS --consistency=$be $B/$mod.ko"
		msg0="shunt: '$mod': enabling patch"
		msg1="shunt: '$mod': patching complete"
		rmsg0="shunt: '$mod': reverting patch"
		rmsg1="shunt: '$mod': unpatching complete"
	fi
	[ -n "$MEM" ] && [ -n "$keep" ] && mem_snap /tmp/mem.before $mod
	klog
	[ "$be" = stop-machine ] && echo > $TR/trace
	if ! btime -x "$cmd" -w $dir/transition=0; then
		failed "$id.apply $be $mod: $(err)"
		cleanup
		return 1
	fi
	klog
	if [ -n "$keep" ]; then
		res "$id.apply" "$(ms)"
		res "$id.apply-k" "$(kspan "$msg0" "$msg1")"
		[ -n "$MEM" ] && mem_delta "$id" $mod
	fi
	if ! btime -e $dir/enabled=0 -g $dir -x "rmmod $mod"; then
		failed "$id.revert $be $mod: $(err)"
		cleanup
		return 1
	fi
	klog
	if [ -n "$keep" ]; then
		res "$id.revert" "$(ms)"
		res "$id.revert-k" "$(kspan "$rmsg0" "$rmsg1")"
		[ "$be" = stop-machine ] && res "$id.stall" "$(stall_ms)"
	fi
	return 0
}

# the longest CPU stall of the shunt:shunt_stop_machine events traced
stall_ms() {
	awk '/shunt_stop_machine:/ {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^duration_ns=/) {
				v = substr($i, 13) + 0
				if (v > m) m = v
			}
	} END { printf "%.3f\n", m / 1e6 }' $TR/trace
}

# cycles ID BACKEND PATCH WARM REPS
cycles() {
	local i=0
	while [ $i -lt "$4" ]; do cycle "$1" "$2" "$3" warm || return 1; i=$((i + 1)); done
	i=0
	while [ $i -lt "$5" ]; do cycle "$1" "$2" "$3" || return 1; i=$((i + 1)); done
}

# threads_start SLEEPERS SPINNERS / threads_stop
threads_start() {
	# on both CPUs (this shell is pinned to CPU 0)
	taskset 3 "$T" threads "$1" "$2" > /tmp/threads.out 2>&1 &
	THREADS=$!
	wait_for 120 "$1 threads" grep -q ready /tmp/threads.out
	say "$1 sleeping and $2 busy threads running (loadavg: $(cat /proc/loadavg))"
}

threads_stop() {
	kill "$THREADS"
	wait "$THREADS" 2>/dev/null
	THREADS=""
}

section_trans() {
	local scen be
	say "transition time: $warm warm-up + $reps cycles per backend; idle, then with $loaded_sleepers sleeping + $loaded_spinners busy threads"
	insmod $B/bench_target.ko || { failed "trans insmod bench_target"; return 1; }
	for scen in idle loaded; do
		[ $scen = loaded ] && threads_start $loaded_sleepers $loaded_spinners
		for be in klp per-task stop-machine immediate; do
			if [ $scen = loaded ] && [ $be = klp ]; then
				cycles trans.$scen.$be $be bench_patch $loaded_klp_warm $loaded_klp_reps
			else
				cycles trans.$scen.$be $be bench_patch $warm $reps
			fi
		done
		[ $scen = loaded ] && threads_stop
	done
	cleanup
	rmmod bench_target
}

# ---- scale ----

# mem_snap FILE PATCH: slab bytes (active objects x object size, from
# /proc/slabinfo) in all and per cache ("cache.NAME"), VmallocUsed and
# Percpu (kB, /proc/meminfo), and the patch module's own size
# (/proc/modules) when it is loaded
mem_snap() {
	sleep 0.3	# the patch module's init memory is freed from a work item
	{
		awk 'NR > 2 { s += $2 * $4; print "cache." $1, $2 * $4 }
		     END { print "slab", s }' /proc/slabinfo
		awk '$1 == "VmallocUsed:" { print "vmalloc", $2 * 1024 }
		     $1 == "Percpu:" { print "percpu", $2 * 1024 }' /proc/meminfo
		awk -v m="$2" '$1 == m { print "module", $2 }' /proc/modules
	} > "$1"
}

# mem_delta ID PATCH: what applying PATCH added; the module image
# (identical for every backend) is taken out of the vmalloc figure. The
# caches whose bytes changed each get a row, ID.cache.NAME.
mem_delta() {
	mem_snap /tmp/mem.after "$2"
	awk -v id="$1" '
		FNR == NR { b[$1] = $2; next }
		{ a[$1] = $2 }
		END {
			for (k in a)
				if (k ~ /^cache\./ && a[k] != b[k])
					print "@@R " id "." k " " a[k] - b[k]
			for (k in b)
				if (k ~ /^cache\./ && !(k in a))
					print "@@R " id "." k " " -b[k]
			print "@@R " id ".slab " a["slab"] - b["slab"]
			print "@@R " id ".vmalloc " a["vmalloc"] - b["vmalloc"] - a["module"]
			print "@@R " id ".percpu " a["percpu"] - b["percpu"]
		}' /tmp/mem.before /tmp/mem.after
}

section_scale() {
	local n r t first=1 be
	say "scale: patches of $sizes functions, cycles per size: $size_reps (memory from the same cycles)"
	set -- $size_reps
	for n in $sizes; do
		r=${1:-1}
		shift
		insmod $B/bench_gen_target_$n.ko || { failed "scale.f$n insmod target"; continue; }
		for be in klp per-task; do
			# the first size warms both backends up; the rest are too slow
			# under emulation to repeat much (see README: Performance)
			[ -n "$first" ] && cycles scale.f$n.$be $be bench_gen_patch_$n 1 0
			MEM=1
			cycles scale.f$n.$be $be bench_gen_patch_$n 0 "$r"
			MEM=""
		done
		first=""
		rmmod bench_gen_target_$n
	done
	say "scale: transition time with $threads sleeping threads, $thread_reps cycles per backend"
	insmod $B/bench_target.ko || { failed "scale.t insmod bench_target"; return 1; }
	for t in $threads; do
		threads_start "$t" 0
		for be in klp per-task stop-machine; do
			cycles scale.t$t.$be $be bench_patch $thread_warm $thread_reps
		done
		threads_stop
	done
	cleanup
	rmmod bench_target
}

# ---- main ----

MEM=""
info kernel "$(uname -r)"
info cpus "$(grep -c ^processor /proc/cpuinfo)"
info mem_kb "$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)"
info cpu_model "$(awk -F': ' '$1 ~ /^model name/ { print $2; exit }' /proc/cpuinfo)"
info shunt_version "$(shunt --version 2>/dev/null | head -n1)"
info no_metrics_flag "${NOMETRICS:-absent}"
info metrics "${METRICS:-absent}"
info sizes "$sizes"
info threads "$threads"
info loaded "$loaded_sleepers $loaded_spinners"
btime -x "cat /proc/kallsyms" && info kallsyms_read_ms "$(ms) ($(grep -c . /proc/kallsyms) symbols)"
info reps "call $call_passes x ($call_warm+$call_reps) metrics-calls /$metrics_div trans $warm+$reps loaded-klp $loaded_klp_warm+$loaded_klp_reps sizes $size_reps threads $thread_warm+$thread_reps"
info call "$call_calls calls x $call_rounds rounds, each patched row in rounds alternating with the direct call"
# everything on CPU 0 but the threads we start, which may use both
taskset -p 1 $$ > /dev/null
start=$(cut -d' ' -f1 /proc/uptime)

# timed SECTION: run section_SECTION, say how long it took
timed() {
	local t0
	t0=$(cut -d' ' -f1 /proc/uptime)
	"section_$1"
	info "seconds_$1" "$(awk -v s="$t0" '{ printf "%.0f", $1 - s }' /proc/uptime)"
}

timed call
# shunt.ko stays loaded from here on: its routing hook on
# klp_enable_patch() is then on the klp rows' path too (one ftrace call)
module_loaded shunt || insmod "$SHUNT_KO"
echo 1 > $TR/events/shunt/shunt_stop_machine/enable
timed trans
timed scale
echo 0 > $TR/events/shunt/shunt_stop_machine/enable
klog
info seconds_all "$(awk -v s="$start" '{ printf "%.0f", $1 - s }' /proc/uptime)"
[ ! -e "$BAD" ]
