# SPDX-License-Identifier: GPL-2.0
# A small strict JSON parser for the tests: reads one JSON value per
# input line and prints every scalar as "PATH=VALUE" (PATH like
# functions.0.new.calls; strings without their quotes). Exits 1 with a
# message on the first syntax error.
#   shunt report NAME --json | awk -f json.awk
function die(msg) {
	printf "json.awk: line %d, offset %d: %s\n", NR, pos, msg > "/dev/stderr"
	bad = 1
	exit 1
}
function ws() { while (pos <= n && substr(s, pos, 1) ~ /[ \t\r\n]/) pos++ }
function peek() { ws(); return substr(s, pos, 1) }
function expect(c) { if (peek() != c) die("expected '" c "'"); pos++ }
function str(   out, c) {
	expect("\"")
	out = ""
	while (pos <= n) {
		c = substr(s, pos, 1)
		if (c == "\"") { pos++; return out }
		if (c == "\\") {
			c = substr(s, pos + 1, 1)
			if (c == "u") {
				if (substr(s, pos + 2, 4) !~ /^[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]$/)
					die("bad \\u escape")
				out = out "?"; pos += 6; continue
			}
			if (index("\"\\/bfnrt", c) == 0) die("bad escape")
			out = out (c == "n" ? "\n" : c == "t" ? "\t" : c); pos += 2; continue
		}
		if (c < " ") die("control character in a string")
		out = out c; pos++
	}
	die("unterminated string")
}
function num(   m) {
	if (!match(substr(s, pos), /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/))
		die("bad number")
	m = substr(s, pos, RLENGTH); pos += RLENGTH; return m
}
function value(path,   c, i, k) {
	c = peek()
	if (c == "{") {
		pos++
		if (peek() == "}") { pos++; return }
		while (1) {
			k = str(); expect(":")
			value(path == "" ? k : path "." k)
			c = peek(); pos++
			if (c == "}") return
			if (c != ",") die("expected ',' or '}'")
		}
	}
	if (c == "[") {
		pos++
		if (peek() == "]") { pos++; return }
		for (i = 0; ; i++) {
			value(path == "" ? i : path "." i)
			c = peek(); pos++
			if (c == "]") return
			if (c != ",") die("expected ',' or ']'")
		}
	}
	if (c == "\"") { print path "=" str(); return }
	if (substr(s, pos, 4) == "true" || substr(s, pos, 4) == "null") {
		print path "=" substr(s, pos, 4); pos += 4; return
	}
	if (substr(s, pos, 5) == "false") { print path "=false"; pos += 5; return }
	print path "=" num()
}
{
	s = $0; n = length(s); pos = 1
	if (peek() == "") next
	value("")
	if (peek() != "") die("trailing characters")
}
END { if (bad) exit 1 }
