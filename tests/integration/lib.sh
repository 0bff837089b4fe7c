#!/bin/bash
# Shared helpers for the integration suites: named test functions, assertions
# that print file:line and what failed, SKIP with a reason, and a summary
# line "N passed, N failed, N skipped".
#
# A suite defines test_* functions and ends with `gb_run_tests "$@"`.
# GLOVEBOX selects the binary under test (default ./glovebox); a test name
# (substring) as the first argument runs only matching tests.

GLOVEBOX=${GLOVEBOX:-./glovebox}
GB_TMP=$(mktemp -d /tmp/glovebox-test.XXXXXX)
trap 'rm -rf "$GB_TMP"' EXIT

_gb_failed=0
_gb_skipped=0

_gb_fail() {
	echo "${BASH_SOURCE[2]}:${BASH_LINENO[1]}: $*" >&2
	_gb_failed=1
}

# Each assert returns 1 on failure; tests use `assert_x ... || return`.
assert_eq() { # actual expected what
	[ "$1" = "$2" ] && return 0
	_gb_fail "${3:-value}: expected '$2', got '$1'"
	return 1
}

assert_true() { # what command...
	local what=$1
	shift
	"$@" && return 0
	_gb_fail "$what: '$*' failed"
	return 1
}

assert_false() {
	local what=$1
	shift
	"$@" || return 0
	_gb_fail "$what: '$*' succeeded"
	return 1
}

assert_contains() { # file-or-string needle what
	if [ -f "$1" ]; then
		grep -qF -- "$2" "$1" && return 0
		_gb_fail "${3:-file}: '$1' does not contain '$2'"
	else
		case "$1" in *"$2"*) return 0 ;; esac
		_gb_fail "${3:-text}: '$1' does not contain '$2'"
	fi
	return 1
}

assert_not_contains() {
	if [ -f "$1" ]; then
		grep -qF -- "$2" "$1" || return 0
	else
		case "$1" in *"$2"*) ;; *) return 0 ;; esac
	fi
	_gb_fail "${3:-text}: '$1' contains '$2'"
	return 1
}

skip() {
	echo "SKIP: $*" >&2
	_gb_skipped=1
	return 0
}

# jq-less JSON queries: python3 is a test dependency.
# audit_query FILE EXPR: EXPR is a python expression over `evs` (the list of
# events); prints the result.
audit_query() {
	python3 -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
r = eval(sys.argv[2])
print(json.dumps(r) if not isinstance(r, str) else r)
' "$1" "$2"
}

# Every line of FILE is one JSON object with the common fields.
assert_audit_wellformed() {
	python3 - "$1" <<'PY' && return 0
import json, re, sys
ts = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
for n, line in enumerate(open(sys.argv[1]), 1):
    e = json.loads(line)
    for k in ("ts", "sandbox", "event", "pid", "ppid", "uid", "comm"):
        if k not in e:
            sys.exit(f"line {n}: missing {k}: {line}")
    if not ts.match(e["ts"]):
        sys.exit(f"line {n}: bad ts {e['ts']}")
PY
	_gb_fail "audit stream '$1' is not well-formed"
	return 1
}

gb_run_tests() {
	local passed=0 failed=0 skipped=0 t
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		if [ -n "${1:-}" ] && [[ "$t" != *"$1"* ]]; then
			continue
		fi
		_gb_failed=0
		_gb_skipped=0
		"$t"
		local rc=$?
		if [ $_gb_failed = 1 ] || { [ $rc != 0 ] && [ $_gb_skipped = 0 ]; }; then
			[ $_gb_failed = 0 ] && echo "$t: returned $rc" >&2
			echo "FAIL $t"
			failed=$((failed + 1))
		elif [ $_gb_skipped = 1 ]; then
			echo "SKIP $t"
			skipped=$((skipped + 1))
		else
			echo "ok   $t"
			passed=$((passed + 1))
		fi
	done
	echo "$passed passed, $failed failed, $skipped skipped"
	[ $failed = 0 ]
}
