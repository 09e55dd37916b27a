#!/usr/bin/env bash
# t1730-help.sh - the help of every command and subcommand: exit 0, on
# stdout only, in the one layout cmd.h describes (usage; what it does in
# one or two lines; options; exit; two to four examples, last) within 80
# columns; `traplab help CMD` prints the same text; a usage error prints
# the synopsis on stderr and exits 2.
set -u
. "$(dirname "$0")/lib.sh"
[ -x "$TRAPLAB" ] || skip "no traplab binary"

layout() { # FILE: prints what is wrong with the help in FILE, if anything
	awk 'BEGIN { p = 0; ex_para = -1 }
	/^$/ { p++; next }
	{
		n[p]++
		if (n[p] == 1) head[p] = $0
		if (length($0) > 80) bad = bad " line " NR " is " length($0) " wide;"
		if (p == ex_para && /^  [^ ]/) ex++
	}
	/^examples:$/ { ex_para = p; ex = 0 }
	END {
		if (head[0] !~ /^usage: traplab /) bad = bad " no usage line first;"
		if (n[1] < 1 || n[1] > 2 || head[1] ~ /:$/)
			bad = bad " what it does takes " n[1] + 0 " lines, not 1-2;"
		if (head[2] !~ /^(options|subcommands):/) bad = bad " no options;"
		for (i = 3; i < p; i++) if (head[i] ~ /^exit:/) e = 1
		if (!e) bad = bad " no exit status;"
		if (head[p] != "examples:") bad = bad " examples not last;"
		else if (ex < 2 || ex > 4) bad = bad " " ex + 0 " examples;"
		printf "%s", bad
	}' "$1"
}

cmds=$("$TRAPLAB" --help | awk '/^commands:/ { f = 1; next }
	f && /^  [a-z]/ { print $1 } f && /^$/ { f = 0 }')
[ "$(echo $cmds | wc -w)" -ge 13 ] || fail "traplab --help lists: $cmds"
n=0
while read -r words; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	"$TRAPLAB" $words --help >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc = 0 ] || fail "'$words --help' exits $rc: $(head -3 "$tmp/err")"
	[ ! -s "$tmp/err" ] || fail "'$words --help' writes to stderr: $(head -3 "$tmp/err")"
	grep -q "^usage: traplab $words\( \|$\)" "$tmp/out" ||
		fail "'$words --help' does not start with its usage: $(head -1 "$tmp/out")"
	bad=$(layout "$tmp/out")
	[ -z "$bad" ] || fail "'$words --help':$bad"
	# shellcheck disable=SC2086
	[ "$words" = claims ] || "$TRAPLAB" help $words | cmp -s - "$tmp/out" ||
		fail "'traplab help $words' differs from '$words --help'"
done < <(printf '%s\n' $cmds "slo check" "slo rules" "slo tune" \
	"history trend" "history matrix" "history add")

# One text for both forms of slo check.
"$TRAPLAB" slo check --prometheus http://127.0.0.1:1 --help >"$tmp/a" &&
	"$TRAPLAB" slo check --help | cmp -s - "$tmp/a" || fail "two slo check helps"
# help claims is the claim language, from the code's tables.
"$TRAPLAB" help claims | grep -q "^predicates" || fail "help claims"

# A usage error: the synopsis on stderr, nothing on stdout, exit 2.
"$TRAPLAB" compare one.json >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] || fail "compare with one run: exit not 2"
[ ! -s "$tmp/out" ] && grep -q "^usage: traplab compare" "$tmp/err" &&
	grep -q "traplab compare --help" "$tmp/err" ||
	fail "compare usage error: $(cat "$tmp/out" "$tmp/err")"
"$TRAPLAB" help nosuch >/dev/null 2>&1
[ $? = 2 ] || fail "help of an unknown command: exit not 2"
echo "ok: $n helps in one layout"
