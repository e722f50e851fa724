# TEST: the Debian packages unpacked into a scratch root (tests/package/run: dpkg -x, DKMS's shunt.ko in updates/dkms): shunt install of two patches, list and status before; with the kill switch shunt.enable=0 'apply --all' applies nothing; what shunt.service's ExecStart runs loads DKMS's shunt.ko.xz and applies both in install order; status 0; shunt info --json of each matches shunt show --json; uninstall
# TIMEOUT: 240
P=/shunt/pkgroot
M=$SHUNT_MODULES
R=$(uname -r)
R_RE=$(echo "$R" | sed 's/[.+]/\\&/g')	# as an ERE
[ -x $P/usr/sbin/shunt ] || fail "$P/usr/sbin/shunt missing: tests/package/run makes it (tests/run runs it first)"
S=$P/usr/sbin/shunt
unit=$P/lib/systemd/system/shunt.service
cleanup() {
	rm -rf /var/lib/shunt /lib/modules/$R/updates
}
trap cleanup EXIT

# DKMS's module where 'dkms install' puts it; no shunt.ko beside the binary
mkdir -p /lib/modules/$R/updates/dkms
cp $P/lib/modules/$R/updates/dkms/shunt.ko* /lib/modules/$R/updates/dkms/ || fail "no DKMS-built shunt.ko for $R"
test ! -e $P/usr/sbin/shunt.ko || fail "a shunt.ko beside the packaged binary"
module_loaded shunt && { rmmod shunt || fail "rmmod shunt"; }

load_module shunt_test_target || fail "insmod shunt_test_target"
"$S" install --no-metrics $M/shunt_sample_cmdline.ko > /tmp/inst.out 2>&1 || fail "install: $(cat /tmp/inst.out)"
assert_match "$(cat /tmp/inst.out)" "installed shunt_sample_cmdline for $R_RE" "install output"
"$S" install --timeout=30 $M/shunt_test_klp_rela.ko > /tmp/inst.out 2>&1 || fail "install 2: $(cat /tmp/inst.out)"
assert_eq "$(cat /var/lib/shunt/$R/order | tr '\n' ' ')" "shunt_sample_cmdline shunt_test_klp_rela " "install order"
assert_eq "$(tr '\n' ' ' < /var/lib/shunt/$R/shunt_test_klp_rela.args)" "--timeout=30 -- " "stored options"
assert_match "$("$S" list)" "shunt_test_klp_rela +- +installed" "list shows an installed patch"
assert_status 1 "status before apply" "$S" status
module_loaded shunt && fail "shunt.ko loaded before anything was applied"

say "the kill switch: shunt.enable=0 on the command line"
echo "console=ttyS0 shunt.enable=0 quiet" > /tmp/cmdline
SHUNT_CMDLINE=/tmp/cmdline "$S" apply --all > /tmp/all.out 2>&1 || fail "apply --all with the kill switch: $(cat /tmp/all.out)"
assert_match "$(cat /tmp/all.out)" "shunt.enable=0 on the kernel command line: no patch applied" "kill switch message"
module_loaded shunt && fail "shunt.ko loaded with the kill switch"
module_loaded shunt_sample_cmdline && fail "a patch applied with the kill switch"
echo "console=ttyS0 shunt.enable=1" > /tmp/cmdline
grep -q "shunt.enable=0" /proc/cmdline && fail "this boot has the kill switch"

say "what shunt.service runs at boot"
exec_start=$(sed -n 's/^ExecStart=//p' $unit)
assert_eq "$exec_start" "/usr/sbin/shunt apply --all" "the unit's ExecStart"
# the package lives in $P here, not in /
cmd=$(echo "$exec_start" | sed "s|^/usr/sbin/shunt|$S|")
$cmd > /tmp/all.out 2>&1
rc=$?
sed 's/^/#   /' /tmp/all.out
[ "$rc" = 0 ] || fail "ExecStart exited $rc"
module_loaded shunt || fail "shunt.ko not loaded"
assert_match "$(cat /tmp/all.out)" "2 of 2 installed patch\(es\) for $R_RE applied now" "apply --all summary"
assert_eq "$(patch_attr shunt_sample_cmdline seq)" 1 "first installed, first applied"
assert_eq "$(patch_attr shunt_test_klp_rela seq)" 2 "second installed, second applied"
assert_eq "$(patch_attr shunt_sample_cmdline state)" applied "sample applied"
assert_eq "$(patch_attr shunt_test_klp_rela state)" applied "klp_rela applied"
assert_match "$(cat /proc/cmdline)" "^shunt_test_klp_rela: max_threads=" "the top patch's /proc/cmdline"
"$S" status > /tmp/st.out 2>&1 || fail "status after apply --all: $(cat /tmp/st.out)"
"$S" status --json > /tmp/st.json || fail "status --json"
assert_eq "$(json_get /tmp/st.json ok)" true "status --json ok"
"$S" apply --all > /tmp/all.out 2>&1 || fail "apply --all again: $(cat /tmp/all.out)"
assert_match "$(cat /tmp/all.out)" "shunt_sample_cmdline: applied already" "apply --all again"

say "shunt info --json against shunt show --json"
# funcs FILE: "OBJECT FUNCTION,SYMPOS NEW" lines; sympos 0 is shown as 1
funcs() {
	awk -f $SHUNT_TESTS/json.awk "$1" | awk -F= '
		/^objects\.[0-9]+\.name=/ { split($1, a, "."); obj[a[2]] = $2 }
		/^objects\.[0-9]+\.functions\.[0-9]+\.(name|sympos|new_func)=/ {
			split($1, a, "."); k = a[2] "." a[4]; v[k, a[5]] = $2; keys[k] = 1 }
		END { for (k in keys) { split(k, b, "."); pos = v[k, "sympos"]; if (pos == 0) pos = 1
			nf = v[k, "new_func"]; sub(/[+ ].*/, "", nf)
			print obj[b[1]], v[k, "name"] "," pos, nf } }' | sort
}
# info_matches_show NAME: shunt info --json of its module, shunt show --json of the patch
info_matches_show() {
	local p=$1 rep
	"$S" info --json $M/$p.ko > /tmp/info.json || fail "info $p"
	"$S" show --json $p > /tmp/show.json || fail "show $p"
	assert_eq "$(json_get /tmp/info.json name)" $p "info name"
	assert_eq "$(json_get /tmp/info.json vermagic_matches)" true "$p: vermagic matches the running kernel"
	rep=$(json_get /tmp/info.json replace)
	assert_eq "$(json_get /tmp/show.json replace)" "$([ "$rep" = true ] && echo 1 || echo 0)" "$p: replace of info ($rep) and show"
	funcs /tmp/info.json > /tmp/info.funcs
	funcs /tmp/show.json > /tmp/show.funcs
	[ -s /tmp/info.funcs ] || fail "$p: info lists no function"
	assert_eq "$(cat /tmp/info.funcs)" "$(cat /tmp/show.funcs)" "$p: objects, functions, sympos and new functions of info and show"
}
info_matches_show shunt_sample_cmdline
info_matches_show shunt_test_klp_rela
"$S" info -p $M/shunt_test_klp_rela.ko > /tmp/info.pretty || fail "info -p"
assert_match "$(cat /tmp/info.pretty)" '^    "klp_relocations": \[' "info -p indents"
assert_eq "$(json_get /tmp/info.json klp_relocations.1.symbols.1)" ".klp.sym.shunt_test_target.shunt_target_dup,2" "a klp relocation's symbol"

say "uninstall: the patches stay applied, but are no longer installed"
"$S" uninstall shunt_test_klp_rela > /dev/null || fail "uninstall"
"$S" uninstall shunt_sample_cmdline > /dev/null || fail "uninstall 2"
"$S" uninstall shunt_sample_cmdline 2> /tmp/un.err && fail "uninstall twice"
assert_match "$(cat /tmp/un.err)" "^shunt: shunt_sample_cmdline: not installed for $R_RE" "uninstall twice"
assert_eq "$(cat /var/lib/shunt/$R/order)" "" "nothing installed"
assert_eq "$(patch_attr shunt_test_klp_rela state)" applied "still applied"
"$S" revert shunt_test_klp_rela > /dev/null 2>&1 || fail "revert klp_rela"
"$S" revert shunt_sample_cmdline > /dev/null 2>&1 || fail "revert sample"
assert_no_shunt_patches
"$S" status > /dev/null 2>&1 || fail "status with nothing installed"

say "more modules: info --json against what apply made of them"
for p in shunt_test_stack1 shunt_test_stack2 shunt_test_stack3 shunt_test_replace \
	 shunt_test_shadow shunt_test_syscall; do
	"$S" apply --no-metrics $M/$p.ko > /tmp/apply.out 2>&1 || fail "apply $p: $(cat /tmp/apply.out)"
	info_matches_show $p
	"$S" revert $p > /dev/null 2>&1 || fail "revert $p"
done
assert_no_shunt_patches
