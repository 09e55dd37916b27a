#!/usr/bin/env bash
# t0001-style.sh - the STYLE.md rules a compiler does not check.
#
#  1. Every src/LAYER/*.c includes "banned.h", as its last #include (banned.h
#     turns strcpy, sprintf, strtok, atoi, gmtime, ... into compile errors,
#     and system headers included after it would trip its macros).
#  2. Every header of the harness (src/, lib/, lib/arch/, tests/unit/) opens
#     with its guard TL_<NAME>_H: "#ifndef" and "#define" of the same name
#     as its first two directives, "#endif" as its last. NAME is the file
#     name upper-cased, without ".h" and without a leading "tl_"
#     (lib/ring.h: TL_RING_H; tests/unit/tl_test.h: TL_TEST_H).
#  3. No "#if/#ifdef/#ifndef/#elif ... __linux__" outside src/base/os.c, in any
#     C, C++ or assembly file of src/ lib/ workload/ tests/ experiments/.
#
# The checker first runs on a small tree that breaks each rule once and
# must report exactly those breaks, so this test cannot pass by checking
# nothing. Then it runs on the working tree (committed or not).
set -u
ROOT=${TL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d /tmp/t0001.XXXXXX)
trap 'rm -rf "$T"' EXIT

# check_tree DIR: prints one "file: problem" line per violation.
check_tree() {
	local dir=$1 f name guard last
	(
		cd "$dir" || exit 1
		shopt -s nullglob
		for f in src/*/*.c; do
			case $f in src/launch/*) continue ;; esac # a static program of its own
			last=$(grep -E '^[[:space:]]*#[[:space:]]*include' "$f" |
				tail -n 1)
			case $last in
			*'"base/banned.h"'*) ;;
			*) echo "$f: \"banned.h\" is not its last #include" ;;
			esac
		done
		for f in src/*/*.h lib/*.h lib/arch/*.h tests/unit/*.h; do
			name=$(basename "$f" .h)
			name=${name#tl_}
			guard="TL_$(printf '%s' "$name" | tr 'a-z.-' 'A-Z__')_H"
			grep -E '^[[:space:]]*#' "$f" | awk -v g="$guard" '
				{ sub(/^[[:space:]]*#[[:space:]]*/, "#"); d[NR] = $0 }
				END {
					ok = NR >= 3 && d[1] ~ ("^#ifndef " g "[[:space:]]*$") &&
						d[2] ~ ("^#define " g "([[:space:]]|$)") &&
						d[NR] ~ /^#endif/
					exit !ok
				}' || echo "$f: no include guard $guard"
		done
		find src lib workload tests experiments \
			\( -name '*.[chS]' -o -name '*.cc' -o -name '*.cpp' \
			-o -name '*.hpp' \) -type f -print0 2>/dev/null |
			xargs -0 -r grep -nHE \
				'^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)\b.*__linux__' |
			grep -v '^src/base/os\.c:' |
			sed 's|$| (OS code belongs in src/base/os.c)|'
	)
}

# The self-test tree: one break of each rule, and one file of each kind
# that is right.
mk() { mkdir -p "$(dirname "$T/bad/$1")" && cat >"$T/bad/$1"; }
mk src/base/good.c <<'EOF'
#include "good.h"

#include <stdio.h>

#include "base/banned.h"
EOF
mk src/base/late.c <<'EOF'
#include "base/banned.h"
#include <string.h>
EOF
mk src/base/good.h <<'EOF'
/* good.h - a comment before the guard is fine. */
#ifndef TL_GOOD_H
#define TL_GOOD_H
#include <stddef.h>
#endif
EOF
mk lib/ring_x.h <<'EOF'
#ifndef RING_X_H
#define RING_X_H
#endif
EOF
mk tests/unit/tl_test.h <<'EOF'
#ifndef TL_TEST_H
#define TL_TEST_H
#endif
EOF
mk src/base/os.c <<'EOF'
#ifdef __linux__
#include "base/banned.h"
#endif
EOF
mk lib/pool.c <<'EOF'
/* A comment naming __linux__ is fine. */
#if defined(__linux__) && 1
#endif
EOF
want="lib/pool.c:2:#if defined(__linux__) && 1 (OS code belongs in src/base/os.c)
lib/ring_x.h: no include guard TL_RING_X_H
src/base/late.c: \"banned.h\" is not its last #include"
got=$(check_tree "$T/bad" | sort)
if [ "$got" != "$want" ]; then
	echo "FAIL: the checker is broken; on the self-test tree it said:"
	printf '%s\n' "$got" | sed 's/^/    /'
	echo "  and should have said:"
	printf '%s\n' "$want" | sed 's/^/    /'
	exit 1
fi

got=$(check_tree "$ROOT")
if [ -n "$got" ]; then
	echo "FAIL: STYLE.md rules broken:"
	printf '%s\n' "$got" | sed 's/^/    /'
	exit 1
fi
echo "ok: banned.h, include guards, __linux__ only in src/base/os.c"
