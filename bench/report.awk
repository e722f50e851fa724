# SPDX-License-Identifier: GPL-2.0
# Turn the guest's samples (bench/guest.sh: @@R/@@A/@@F/@@I lines) into
# the benchmark's tables (markdown, to stdout and -v md=FILE) and JSON
# (-v json=FILE). Every expected row must have samples or a stated
# reason for being absent: a missing or failed row makes the exit status
# 1. POSIX awk (mawk): no asort, so sorting is done here.
#   awk -f report.awk -v md=FILE -v json=FILE [-v host=TEXT] TRANSCRIPT

/^# vm: booting / {
	for (i = 1; i <= NF; i++)
		if ($i == "with") { accel = $(i + 1); sub(/,$/, "", accel) }
}
/^@@R / { add($2, $3) }
/^@@A / { id = $2; $1 = $2 = ""; sub(/^ +/, ""); why_absent[id] = $0 }
/^@@F / {
	id = $2; $1 = $2 = ""; sub(/^ +/, "")
	why_failed[id] = (id in why_failed ? why_failed[id] "; " : "") $0
}
/^@@N / { $1 = ""; sub(/^ +/, ""); notes = notes "\n- " $0 }
/^@@I / { k = $2; $1 = $2 = ""; sub(/^ +/, ""); info[k] = $0; infok[++ninfo] = k }

function add(id, v) {
	if (v == "" || v !~ /^-?[0-9.]+$/) {
		why_failed[id] = "non-numeric sample '" v "'"
		return
	}
	n[id]++
	s[id, n[id]] = v + 0
}

# sort the samples of id into srt[1..n], then the statistics
function stats(id,    i, j, x, k) {
	k = n[id]
	for (i = 1; i <= k; i++) srt[i] = s[id, i]
	for (i = 2; i <= k; i++) {
		x = srt[i]
		for (j = i - 1; j >= 1 && srt[j] > x; j--) srt[j + 1] = srt[j]
		srt[j + 1] = x
	}
	med[id] = k % 2 ? srt[(k + 1) / 2] : (srt[k / 2] + srt[k / 2 + 1]) / 2
	lo[id] = srt[1]
	hi[id] = srt[k]
}

function have(id) { return (id in n) && !(id in why_failed) }

# expect(id): the row must come out; checked at the end
function expect(id) { expected[++nexp] = id }

function num(v, d) { return sprintf("%." d "f", v) }

# "median (min–max)" or why not
function cell(id, d) {
	expect(id)
	if (id in why_failed) return "FAILED"
	if (!(id in n)) return (id in why_absent) ? "absent" : "MISSING"
	if (n[id] == 1) return num(med[id], d)
	return num(med[id], d) " (" num(lo[id], d) "–" num(hi[id], d) ")"
}

function mcell(id, d) {
	expect(id)
	if (id in why_failed) return "FAILED"
	if (!(id in n)) return (id in why_absent) ? "absent" : "MISSING"
	return num(med[id], d)
}

function count(id) { return (id in n) ? n[id] : 0 }

# A row's overhead over the direct call, from its own pairs of rounds
# (the row's and the direct call's in turn, see bench_caller.c): the
# median of the rounds' differences (ns) and of their relative overheads
# (difference / direct). Ratios between rows divide the relative
# overheads, which a host whose speed changes between the rows scales
# alike.
function ovns(id) { return med[id ".ov"] }
function relov(id) { return med[id ".rel"] / 1e6 }
function paired(id) { return have(id) && have(id ".rel") && have(id ".ov") }

function out(line) {
	print line
	if (md != "") print line > md
}

function jstr(v) {
	gsub(/\\/, "\\\\", v)
	gsub(/"/, "\\\"", v)
	gsub(/\t/, " ", v)
	return "\"" v "\""
}

function label_backend(b) {
	if (b == "klp") return "klp"
	return "shunt " b
}

function call_section(    ids, labels, refs, i, id, d, ov, ref, k, probes, p, plain) {
	out("### Per-call cost (ns per call)")
	out("")
	d = "call.direct"
	ids[1] = "call.direct"; labels[1] = "new function called directly (no redirection)"
	ids[2] = "call.original"; labels[2] = "unpatched original (ftrace nop at entry)"
	ids[3] = "call.klp"; labels[3] = "klp (kernel livepatch)"
	ids[4] = "call.klp-trans"; labels[4] = "klp, transition held open"
	ids[5] = "call.shunt-ftrace"; labels[5] = "shunt --redirect=ftrace"
	ids[6] = "call.shunt-kprobe"; labels[6] = "shunt --redirect=kprobe"
	ids[7] = "call.shunt-trans"; labels[7] = "shunt ftrace, transition held open (per-task lookup)"
	ids[8] = "call.shunt-ops"; labels[8] = "shunt ftrace --no-direct (ftrace_ops handler)"
	k = 8
	# the default metrics (the shim's call counters) keep the ftrace_ops
	# handler, as --latency's fentry/fexit must (a BPF trampoline cannot
	# share a function with shunt's direct call); kprobe metrics do not
	probes["counters"] = "default metrics (the shim's call counters; ftrace: the ftrace_ops handler)"
	probes["fentry"] = "--latency fentry/fexit (ftrace_ops handler)"
	probes["kprobe"] = "--latency --probe=kprobe (kprobe/kretprobe)"
	split("counters fentry kprobe", plist, " ")
	for (p = 1; p <= 3; p++)
		for (i = 5; i <= 7; i++) {
			k++
			ids[k] = ids[i] "." plist[p]
			labels[k] = labels[i] " + " probes[plist[p]]
		}
	labels[5] = labels[5] " (direct call)"
	out("| case | ns/call: median (min–max) | runs | × direct | overhead ns (− direct) | overhead × klp |")
	out("| --- | ---: | ---: | ---: | ---: | ---: |")
	for (i = 1; i <= k; i++) {
		id = ids[i]
		ref = (id ~ /-trans/) ? "call.klp-trans" : "call.klp"
		line = "| " labels[i] " | " cell(id, 1) " | " count(id)
		if (i > 1 && paired(id)) {
			line = line " | " num(1 + relov(id), 2) " | " num(ovns(id), 1)
			if (id ~ /shunt/ && paired(ref) && relov(ref) > 0) {
				ratio[id] = relov(id) / relov(ref)
				line = line " | " num(ratio[id], 2)
			} else
				line = line " | "
		} else
			line = line " | " (i == 1 ? "1.00 | 0 | " : " |  | ")
		out(line " |")
	}
	for (i = 1; i <= k; i++)
		if (ids[i] in why_absent && !(ids[i] in n))
			absent_notes = absent_notes "\n- " labels[i] ": absent: " why_absent[ids[i]]
	# issue 15's row: what the default metrics cost per call, over klp's
	# overhead: all of it (row - direct), and beyond --no-metrics
	if (paired("call.shunt-ftrace.counters") && paired("call.shunt-ftrace") &&
	    paired("call.klp") && relov("call.klp") > 0) {
		ov = relov("call.klp")
		metrics_line = sprintf("the shim's call counters on the ftrace_ops handler: overhead %.1f ns = %.2f × klp's %.1f ns; extra over --no-metrics (direct call) %.2f × klp's; over --no-direct %s",
			ovns("call.shunt-ftrace.counters"), relov("call.shunt-ftrace.counters") / ov, ovns("call.klp"),
			(relov("call.shunt-ftrace.counters") - relov("call.shunt-ftrace")) / ov,
			paired("call.shunt-ops") ? sprintf("%.2f × klp's", (relov("call.shunt-ftrace.counters") - relov("call.shunt-ops")) / ov) : "n/a")
		out("")
		out("Default metrics: " metrics_line ".")
	}
	if (paired("call.shunt-ftrace") && paired("call.klp") && ("call.shunt-ftrace" in ratio)) {
		headline = sprintf("redirection overhead (patched − direct): shunt ftrace %.1f ns (%.0f%% of the direct call), klp %.1f ns (%.0f%%): shunt/klp = %.2f",
			ovns("call.shunt-ftrace"), 100 * relov("call.shunt-ftrace"),
			ovns("call.klp"), 100 * relov("call.klp"), ratio["call.shunt-ftrace"])
		out("")
		out("Headline: " headline ".")
	}
}

function trans_rows(prefix, label, backends,    b, bl, nb, i, id, line) {
	nb = split(backends, bl, " ")
	for (i = 1; i <= nb; i++) {
		b = bl[i]
		id = prefix "." b
		line = "| " label " | " label_backend(b) " | " cell(id ".apply", 1) " | " mcell(id ".apply-k", 1) \
			" | " cell(id ".revert", 1) " | " mcell(id ".revert-k", 1) " | "
		line = line (b == "stop-machine" ? cell(id ".stall", 2) : "—")
		out(line " | " count(id ".apply") " |")
	}
}

function trans_section(    ld) {
	split(info["loaded"], ld, " ")
	out("")
	out("### Transition time (ms)")
	out("")
	out("| scenario | backend | apply → done: median (min–max) | in kernel | revert → module removed | in kernel | longest stop_machine stall | cycles |")
	out("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	trans_rows("trans.idle", "idle", "klp per-task stop-machine immediate")
	trans_rows("trans.loaded", ld[1] " sleeping + " ld[2] " busy threads", "klp per-task stop-machine immediate")
}

function scale_section(    sz, ns, th, nt, i) {
	ns = split(info["sizes"], sz, " ")
	nt = split(info["threads"], th, " ")
	out("")
	out("### Scale: functions per patch (ms)")
	out("")
	out("| functions | backend | apply → done: median (min–max) | in kernel | revert → module removed | in kernel | longest stop_machine stall | cycles |")
	out("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for (i = 1; i <= ns; i++)
		trans_rows("scale.f" sz[i], sz[i], "klp per-task")
	out("")
	out("### Scale: sleeping threads (ms)")
	out("")
	out("| threads | backend | apply → done: median (min–max) | in kernel | revert → module removed | in kernel | longest stop_machine stall | cycles |")
	out("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
	for (i = 1; i <= nt; i++)
		trans_rows("scale.t" th[i], th[i], "klp per-task stop-machine")
}

# bytes per patched function: the slope between the smallest and the
# largest patch, so that what every patch costs once drops out
function mem_section(    sz, ns, a, b, bl, i, j, kinds, kl, v, tot, line, ok) {
	ns = split(info["sizes"], sz, " ")
	a = sz[1]; b = sz[ns]
	out("")
	out("### Memory per patched function (bytes)")
	out("")
	out("| backend | slab | vmalloc (beyond the module image) | percpu | total |")
	out("| --- | ---: | ---: | ---: | ---: |")
	split("klp per-task", bl, " ")
	split("slab vmalloc percpu", kl, " ")
	for (i = 1; i <= 2; i++) {
		line = "| " label_backend(bl[i]) " (" a " vs " b " functions)"
		tot = 0; ok = 1
		for (j = 1; j <= 3; j++) {
			ida = "scale.f" a "." bl[i] "." kl[j]
			idb = "scale.f" b "." bl[i] "." kl[j]
			expect(ida); expect(idb)
			if (have(ida) && have(idb) && b != a) {
				v = (med[idb] - med[ida]) / (b - a)
				perfn[bl[i], kl[j]] = v
				tot += v
				line = line " | " num(v, 0)
			} else {
				line = line " | " ((ida in why_failed || idb in why_failed) ? "FAILED" : "MISSING")
				ok = 0
			}
		}
		if (ok) perfn[bl[i], "total"] = tot
		out(line " | " (ok ? num(tot, 0) : "") " |")
	}
	out("")
	out("Where the slab goes: bytes per function in the " mem_top " caches that grew most (the same slope, per `/proc/slabinfo` cache):")
	out("")
	out("| backend | caches |")
	out("| --- | --- |")
	for (i = 1; i <= 2; i++)
		out("| " label_backend(bl[i]) " | " top_caches(bl[i], a, b) " |")
}

# the caches of backend be by bytes per function, largest first
function top_caches(be, a, b,    id, pa, pb, c, v, nc, name, val, i, j, x, line) {
	pa = "scale.f" a "." be ".cache."
	pb = "scale.f" b "." be ".cache."
	nc = 0
	for (id in n) {
		if (index(id, pb) == 1) c = substr(id, length(pb) + 1)
		else if (index(id, pa) == 1) c = substr(id, length(pa) + 1)
		else continue
		if (c in seen_cache) continue
		seen_cache[c] = 1
		v = ((pb c) in med ? med[pb c] : 0) - ((pa c) in med ? med[pa c] : 0)
		if (v / (b - a) < 0.5)
			continue	# slab granularity: not a cost of the functions
		name[++nc] = c
		val[nc] = v / (b - a)
		perfn[be, "cache." c] = val[nc]
	}
	delete seen_cache
	for (i = 2; i <= nc; i++) {
		x = val[i]; c = name[i]
		for (j = i - 1; j >= 1 && val[j] < x; j--) { val[j + 1] = val[j]; name[j + 1] = name[j] }
		val[j + 1] = x; name[j + 1] = c
	}
	line = ""
	for (i = 1; i <= nc && i <= mem_top; i++)
		line = line (i > 1 ? ", " : "") "`" name[i] "` " num(val[i], 0)
	return nc ? line : "none measured"
}

function write_json(    i, id, j, sep, k, first) {
	if (json == "") return
	printf "{\n  \"meta\": {" > json
	printf "\"accel\": %s, \"host\": %s, \"vm_seconds\": %d", jstr(accel), jstr(host), vm_seconds > json
	for (i = 1; i <= ninfo; i++)
		printf ", %s: %s", jstr(infok[i]), jstr(info[infok[i]]) > json
	printf "},\n" > json
	if (headline != "")
		printf "  \"headline\": %s,\n", jstr(headline) > json
	if (metrics_line != "")
		printf "  \"default_metrics\": %s,\n", jstr(metrics_line) > json
	printf "  \"overhead_vs_klp\": {" > json
	first = 1
	for (id in ratio) {
		printf "%s%s: %.4f", first ? "" : ", ", jstr(id), ratio[id] > json
		first = 0
	}
	printf "},\n  \"memory_bytes_per_function\": {" > json
	first = 1
	for (k in perfn) {
		split(k, kk, SUBSEP)
		printf "%s%s: %.1f", first ? "" : ", ", jstr(kk[1] "." kk[2]), perfn[k] > json
		first = 0
	}
	printf "},\n  \"notes\": [" > json
	nn = split(substr(notes, 4), nl, "\n- ")
	for (i = 1; i <= nn; i++)
		printf "%s%s", (i > 1 ? ", " : ""), jstr(nl[i]) > json
	printf "],\n  \"rows\": [\n" > json
	for (i = 1; i <= nexp; i++) {
		id = expected[i]
		if (seen_json[id]++) continue
		printf "%s    {\"id\": %s, \"unit\": %s", sep, jstr(id), jstr(unit(id)) > json
		sep = ",\n"
		if (id in why_failed) {
			printf ", \"failed\": %s}", jstr(why_failed[id]) > json
		} else if (id in n) {
			printf ", \"n\": %d, \"median\": %s, \"min\": %s, \"max\": %s, \"samples\": [", \
				n[id], med[id], lo[id], hi[id] > json
			for (j = 1; j <= n[id]; j++)
				printf "%s%s", (j > 1 ? ", " : ""), s[id, j] > json
			printf "]}" > json
		} else if (id in why_absent) {
			printf ", \"absent\": %s}", jstr(why_absent[id]) > json
		} else {
			printf ", \"missing\": true}" > json
		}
	}
	# measured rows no table shows (the memory of the middle sizes)
	for (id in n) {
		if (seen_json[id]++) continue
		printf "%s    {\"id\": %s, \"unit\": %s, \"n\": %d, \"median\": %s, \"min\": %s, \"max\": %s, \"samples\": [", \
			sep, jstr(id), jstr(unit(id)), n[id], med[id], lo[id], hi[id] > json
		for (j = 1; j <= n[id]; j++)
			printf "%s%s", (j > 1 ? ", " : ""), s[id, j] > json
		printf "]}" > json
	}
	printf "\n  ]\n}\n" > json
	close(json)
}

function unit(id) {
	if (id ~ /^call\..*\.rel$/) return "ppm of the direct call"
	if (id ~ /^call\./) return "ns/call"
	if (id ~ /\.(slab|vmalloc|percpu)$/ || id ~ /\.cache\./) return "bytes"
	return "ms"
}

END {
	mem_top = 6
	# a cache is reported only when it changed: a sample without it is 0
	for (id in n)
		if ((p = index(id, ".cache.")) && (substr(id, 1, p) "slab") in n)
			while (n[id] < n[substr(id, 1, p) "slab"]) add(id, 0)
	for (id in n) stats(id)
	if (md != "") printf "" > md
	out("Run: " (accel ~ /^kvm/ ? "KVM" : "TCG (software emulation)") " `" accel "`, " info["cpus"] " vCPUs, " \
		int(info["mem_kb"] / 1024) " MiB, kernel " info["kernel"] "; host: " host \
		"; in the guest " info["seconds_all"] " s (per-call " info["seconds_call"] " s, transitions " \
		info["seconds_trans"] " s, scale " info["seconds_scale"] " s). Repetitions: " info["reps"] "; " info["call"] ".")
	out("")
	call_section()
	trans_section()
	scale_section()
	mem_section()
	if (absent_notes != "") {
		out("")
		out("Absent rows:" absent_notes)
	}
	if (notes != "") {
		out("")
		out("Noticed during the run:" notes)
	}
	bad = 0
	for (i = 1; i <= nexp; i++) {
		id = expected[i]
		if (id in why_failed) { printf "report: %s FAILED: %s\n", id, why_failed[id] > "/dev/stderr"; bad = 1 }
		else if (!(id in n) && !(id in why_absent)) { printf "report: %s MISSING\n", id > "/dev/stderr"; bad = 1 }
	}
	for (id in why_failed) {
		found = 0
		for (i = 1; i <= nexp; i++) if (expected[i] == id) found = 1
		if (!found) { printf "report: FAILED: %s %s\n", id, why_failed[id] > "/dev/stderr"; bad = 1 }
	}
	write_json()
	exit bad
}
