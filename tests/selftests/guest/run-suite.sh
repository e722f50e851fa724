# SPDX-License-Identifier: GPL-2.0
# Run selftest cases inside the VM, one after the other, printing TAP.
# Usage: run-suite.sh [CASE...]   (default: every case, in name order)
# A case passes when it exits 0 and the kernel log it caused has no
# unexpected WARNING/BUG/Oops/Call Trace.
. /shunt/tests/lib.sh

# A case with "# BOOT: ARGS" needs a VM booted with those kernel
# arguments (tests/run boots one for it): in another boot it is skipped,
# said when it was named.
# a case's header: the comment lines it starts with
header() { sed -n "/^[^#]/q; s/^# $2: *//p" "$1"; }
boot_args() { header "$1" BOOT; }
booted_for() { [ -z "$1" ] || grep -qF -- "$1" /proc/cmdline; }

CASES=${SHUNT_CASES:-$SHUNT_TESTS/cases}
cases=""
if [ $# -gt 0 ]; then
	for c in "$@"; do cases="$cases $CASES/${c%.sh}.sh"; done
else
	for c in "$CASES"/*.sh; do
		booted_for "$(boot_args "$c")" && cases="$cases $c"
	done
fi

kernel_log_clean "during boot" || echo "# (boot log problems are reported again at exit)"
n=0
failed=0
for c in $cases; do
	n=$((n + 1))
	name=$(basename "$c" .sh)
	limit=$(header "$c" TIMEOUT)
	rm -f "$KLOG_ALLOW" "$SKIP_REASON"
	echo "# --- $name: $(header "$c" TEST)"
	start=$(cut -d' ' -f1 /proc/uptime)
	if [ ! -f "$c" ]; then
		echo "# no such case: $name"
		rc=1
	elif ! booted_for "$(boot_args "$c")"; then
		echo "ok $n - $name # SKIP needs a boot with '$(boot_args "$c")' (tests/run boots one)"
		continue
	else
		(cd /tmp && timeout "${limit:-300}" sh -c ". $SHUNT_TESTS/lib.sh; . $c") 2>&1
		rc=$?
	fi
	[ "$rc" = 143 ] && echo "# timed out after ${limit:-300}s"
	kernel_log_clean "of $name" || rc=1
	reset_kernel_state
	kernel_log_clean "after cleaning up $name" || rc=1
	end=$(cut -d' ' -f1 /proc/uptime)
	if [ "$rc" = "$SKIP_STATUS" ] && [ -s "$SKIP_REASON" ]; then
		echo "ok $n - $name # SKIP $(head -n1 "$SKIP_REASON")"
	elif [ "$rc" = 0 ]; then
		echo "ok $n - $name # time=$(echo "$start $end" | awk '{printf "%.1fs", $2-$1}')"
	else
		echo "not ok $n - $name"
		failed=$((failed + 1))
	fi
done
echo "1..$n"
rm -f "$KLOG_ALLOW"
[ "$failed" = 0 ]
