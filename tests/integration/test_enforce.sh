#!/bin/bash
# Enforcement suite: every limit and every known way around it, on the
# backend under test (GB_BACKEND=auto|lsm|landlock, default auto). Each case
# checks three things: the denied action fails with EPERM or EACCES, it left
# no side effect (no file, no byte at the listener, no program run), and the
# audit stream has the decision event saying so; and the allowed action next
# to it succeeds (with its allow event for writes and connects, its exec
# event for programs).
#
# Cases a backend cannot satisfy are listed once, in docs/known-gaps.md under
# "## Known gaps by test", as rows "| BACKEND | test_name | reason |". Such a
# test still runs: failing, it prints "GAP  test_name: reason" and counts as
# a known gap (in "skipped"); passing, it fails the suite, so the list never
# goes stale.
#
# Environment:
#   GLOVEBOX      the binary under test (default ./glovebox)
#   GB_BACKEND    auto, lsm or landlock (default auto)
#   GB_RUN_FLAGS  extra options for every `glovebox run`, e.g. --allow-degraded
#   GB_DUMP_AUDIT=1  print every test's decision events (debugging)
#   GB_HELPERS    directory of the prebuilt helpers (default .output/tests;
#                 built here from tests/integration/enforce/*.c when gcc exists)
# usage: tests/integration/test_enforce.sh [NAME...]   (run the tests whose names contain a NAME)
# shellcheck disable=SC2016  # '${WORKSPACE}' in rules is not a shell variable
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

REPO=$PWD
ENF=$REPO/tests/integration/enforce
BACKEND=${GB_BACKEND:-auto}
HELPERS=${GB_HELPERS:-$REPO/.output/tests}
case $GLOVEBOX in /*) GB=$GLOVEBOX ;; *) GB=$REPO/$GLOVEBOX ;; esac
LOG=$GB_TMP/listener.log
SANDBOX_PATH=/usr/bin:/bin

# Rules as written in the policies (single quotes: ${WORKSPACE} is literal).
R_SECRET='${WORKSPACE}/secret'
R_RW='${WORKSPACE}/rw'
R_LATER='${WORKSPACE}/later.env'
R_WS='${WORKSPACE}'

# Processes started outside the sandboxes; killed at exit whatever happens.
OUTSIDE=()
cleanup() {
	local p
	for p in "${OUTSIDE[@]}"; do kill "$p" 2>/dev/null; done
	[ -n "${LISTENER:-}" ] && kill "$LISTENER" 2>/dev/null
	rm -rf "$GB_TMP"
}
trap cleanup EXIT

# ---------------------------------------------------------------- helpers

build_helpers() {
	local p src
	mkdir -p "$HELPERS" || return 1
	for p in gbtry marker; do
		src=$ENF/$p.c
		if [ -x "$HELPERS/$p" ] && ! [ "$src" -nt "$HELPERS/$p" ]; then
			continue
		fi
		if ! command -v "${CC:-gcc}" >/dev/null 2>&1; then
			[ -x "$HELPERS/$p" ] && continue
			echo "cannot build $HELPERS/$p: no ${CC:-gcc}" >&2
			return 1
		fi
		"${CC:-gcc}" -O2 -g -Wall -Wextra -Werror -o "$HELPERS/$p" "$src" || return 1
	done
}

# The backend a run actually gets: doctor's choice for auto.
resolve_backend() {
	if [ "$BACKEND" != auto ]; then
		echo "$BACKEND"
		return
	fi
	"$GB" doctor --json 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["backend"])' 2>/dev/null ||
		echo unknown
}

cg2_root() { # the mount point of cgroup2 (fields after " - ": type, source)
	awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' \
		/proc/self/mountinfo
}

alive() {
	[ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}

# A fresh workspace WS for one test:
#   ro/        readable (file.txt, bin/marker: a program outside the exec set,
#              netclient.py)
#   rw/        writable (existing.txt); sandboxed commands start here
#   secret/    denied (key)
#   tools/     in the exec set (gbtry, marker)
mkws() {
	WS=$GB_TMP/ws-$1
	rm -rf "$WS"
	mkdir -p "$WS/ro/bin" "$WS/rw" "$WS/secret" "$WS/tools" || return 1
	echo original >"$WS/ro/file.txt"
	echo TOPSECRET >"$WS/secret/key"
	echo existing >"$WS/rw/existing.txt"
	cp "$HELPERS/marker" "$WS/ro/bin/marker" &&
		cp "$HELPERS/gbtry" "$HELPERS/marker" "$WS/tools/" &&
		cp tests/integration/netclient.py "$WS/ro/netclient.py"
}

# gb POLICY AUDIT [run options...] -- CMD...: run CMD in a sandbox on the
# backend under test, with workspace $WS, from $WS/rw, with PATH=/usr/bin:/bin.
# glovebox's stderr goes to $GB_TMP/err (and is kept in $GB_TMP/err.all).
gb() {
	local pol=$1 audit=$2 rc
	shift 2
	# shellcheck disable=SC2086  # GB_RUN_FLAGS is a list of options
	(cd "$WS/rw" && PATH=$SANDBOX_PATH exec "$GB" run --backend "$BACKEND" ${GB_RUN_FLAGS:-} \
		--policy "$ENF/$pol" --workspace "$WS" --audit "$audit" "$@") 2>"$GB_TMP/err"
	rc=$?
	cat "$GB_TMP/err" >>"$GB_TMP/err.all"
	return $rc
}

# try POLICY AUDIT [run options...] -- GBTRY-ARGS...: run gbtry in a sandbox;
# prints its output. The sandbox must exit 0 (gbtry reports failures itself).
try() {
	local pol=$1 audit=$2 opts=() out rc
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	out=$(gb "$pol" "$audit" "${opts[@]}" -- "$WS/tools/gbtry" "$@")
	rc=$?
	echo "$out"
	if [ $rc != 0 ]; then
		echo "glovebox run exited $rc: $(head -c 600 "$GB_TMP/err")" >&2
		return $rc
	fi
}

# Output of gbtry says ACTION failed with EPERM or EACCES.
assert_denied() { # output action what
	case "$1" in
	*"$2 EPERM"* | *"$2 EACCES"*) return 0 ;;
	esac
	_gb_fail "${3:-$2}: expected EPERM or EACCES, got: $(echo "$1" | grep "^$2 " | head -1)"
	return 1
}

assert_ok() { # output action what
	case "$1" in *"$2 ok"*) return 0 ;; esac
	_gb_fail "${3:-$2}: expected ok, got: $(echo "$1" | grep "^$2 " | head -1)"
	return 1
}

assert_absent() { # path what
	[ -e "$1" ] || [ -L "$1" ] || return 0
	_gb_fail "${2:-side effect}: '$1' exists"
	return 1
}

assert_present() {
	[ -e "$1" ] && return 0
	_gb_fail "${2:-allowed action}: '$1' does not exist"
	return 1
}

# Events matching conditions. Each condition is KEY=V (the field's value,
# as text, is V), KEY=V1|V2 (one of them), KEY^=P (starts with P) or KEY!
# (no such field). ints compare as their decimal text.
_events() { # mode audit cond...
	python3 - "$@" <<'PY'
import json, sys
mode, path, conds = sys.argv[1], sys.argv[2], sys.argv[3:]
try:
    evs = [json.loads(l) for l in open(path) if l.strip()]
except FileNotFoundError:
    evs = []
def match(e, c):
    if c.endswith("!"):
        return c[:-1] not in e
    if "^=" in c:
        k, v = c.split("^=", 1)
        return k in e and any(str(e[k]).startswith(x) for x in v.split("|"))
    k, v = c.split("=", 1)
    return k in e and str(e[k]) in v.split("|")
hits = [e for e in evs if all(match(e, c) for c in conds)]
if mode == "count":
    print(len(hits))
    sys.exit(0)
if (mode == "some") == bool(hits):
    sys.exit(0)
if mode == "some":
    kinds = [c.split("=", 1)[1] for c in conds if c.startswith("event=")]
    near = [e for e in evs if not kinds or e.get("event") in kinds[0].split("|")]
    print("no event with " + " ".join(conds) + "; events of that type:", file=sys.stderr)
    for e in near[:12]:
        e = {k: v for k, v in e.items() if k not in ("ts", "sandbox", "ppid", "uid")}
        print("    " + json.dumps(e)[:400], file=sys.stderr)
    if not near:
        print("    (none)", file=sys.stderr)
    other = [e for e in evs if e not in near and e.get("verdict") in ("deny", "audit")]
    if other:
        print("  other denials:", file=sys.stderr)
        for e in other[:6]:
            e = {k: v for k, v in e.items() if k not in ("ts", "sandbox", "ppid", "uid")}
            print("    " + json.dumps(e)[:400], file=sys.stderr)
else:
    print("unexpected event(s): " + json.dumps(hits[0])[:400], file=sys.stderr)
sys.exit(1)
PY
}

assert_event() { # audit what cond...
	local a=$1 what=$2 msg
	shift 2
	msg=$(_events some "$a" "$@" 2>&1) && return 0
	_gb_fail "$what: $msg"
	return 1
}

assert_no_event() {
	local a=$1 what=$2 msg
	shift 2
	msg=$(_events none "$a" "$@" 2>&1) && return 0
	_gb_fail "$what: $msg"
	return 1
}

count_events() { # audit cond...
	_events count "$@"
}

start_listener() {
	: >"$LOG"
	python3 tests/integration/listener.py "$LOG" 7111 7112 7113 >"$GB_TMP/listener.out" 2>&1 &
	LISTENER=$!
	for _ in $(seq 200); do
		grep -q READY "$GB_TMP/listener.out" 2>/dev/null && return 0
		sleep 0.05
	done
	_gb_fail "listener did not start: $(cat "$GB_TMP/listener.out")"
	return 1
}

stop_listener() {
	sleep 0.2 # let the last datagram be logged
	kill "$LISTENER" 2>/dev/null
	wait "$LISTENER" 2>/dev/null
	LISTENER=
}

heard() { # "tcp 7111": how many reached the listener
	grep -c "^$1\$" "$LOG"
}

# netclient inside the sandbox
net() { # policy audit [run options...] -- actions...
	local pol=$1 audit=$2 opts=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	gb "$pol" "$audit" "${opts[@]}" -- /usr/bin/python3 "$WS/ro/netclient.py" "$@"
}

start_outside_sleep() { # -> $! style: sets OUT_PID
	sleep 300 &
	OUT_PID=$!
	OUTSIDE+=("$OUT_PID")
}

stop_outside() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# ------------------------------------------------------ filesystem limit

test_fs_read_allowed_and_denied() {
	local a=$GB_TMP/read.jsonl out
	mkws read || return
	echo outside >"$GB_TMP/outside.txt"
	out=$(try base.json "$a" -- read "$WS/ro/file.txt" read "$WS/secret/key" read "$GB_TMP/outside.txt") || return
	assert_ok "$out" read "read of ro/file.txt" || return
	assert_denied "$(echo "$out" | sed -n 2p)" read "read of secret/key" || return
	assert_denied "$(echo "$out" | sed -n 3p)" read "read of a file under no rule" || return
	assert_event "$a" "deny event for secret/key" event=file limit=filesystem op=read \
		path="$WS/secret/key" verdict=deny rule="$R_SECRET" || return
	assert_event "$a" "deny event for a file under no rule" event=file limit=filesystem op=read \
		path="$GB_TMP/outside.txt" verdict=deny rule=default || return
	assert_audit_wellformed "$a" || return
}

test_fs_write_allowed_and_denied() {
	local a=$GB_TMP/write.jsonl out
	mkws write || return
	out=$(try base.json "$a" -- write "$WS/rw/existing.txt" write "$WS/ro/file.txt" write "$WS/secret/key") || return
	assert_ok "$(echo "$out" | sed -n 1p)" write "write into rw/" || return
	assert_denied "$(echo "$out" | sed -n 2p)" write "write of read-only ro/file.txt" || return
	assert_denied "$(echo "$out" | sed -n 3p)" write "write of denied secret/key" || return
	assert_contains "$WS/rw/existing.txt" gbtry "the allowed write happened" || return
	assert_eq "$(cat "$WS/ro/file.txt")" original "ro/file.txt unchanged" || return
	assert_eq "$(cat "$WS/secret/key")" TOPSECRET "secret/key unchanged" || return
	assert_event "$a" "allow event" event=file limit=filesystem op=write \
		path="$WS/rw/existing.txt" verdict=allow rule="$R_RW" || return
	assert_event "$a" "deny event for ro/file.txt" event=file limit=filesystem op=write \
		path="$WS/ro/file.txt" verdict=deny rule=default || return
	assert_event "$a" "deny event for secret/key" event=file limit=filesystem op=write \
		path="$WS/secret/key" verdict=deny rule="$R_SECRET" || return
}

test_fs_create_delete_rename_mkdir() {
	local a=$GB_TMP/cdrm.jsonl out op
	mkws cdrm || return
	echo gone >"$WS/rw/c"
	out=$(try base.json "$a" -- create "$WS/rw/a" mkdir "$WS/rw/d" rename "$WS/rw/a" "$WS/rw/b" delete "$WS/rw/c" \
		create "$WS/ro/new" mkdir "$WS/ro/d" rename "$WS/ro/file.txt" "$WS/ro/moved" delete "$WS/ro/file.txt") || return
	for op in create mkdir rename delete; do
		assert_ok "$(echo "$out" | grep "^$op " | sed -n 1p)" "$op" "$op in rw/" || return
		assert_denied "$(echo "$out" | grep "^$op " | sed -n 2p)" "$op" "$op in ro/" || return
	done
	assert_present "$WS/rw/b" "create + rename in rw/" || return
	assert_absent "$WS/rw/a" "renamed away" || return
	assert_true "mkdir in rw/" test -d "$WS/rw/d" || return
	assert_absent "$WS/rw/c" "deleted in rw/" || return
	assert_absent "$WS/ro/new" "denied create" || return
	assert_absent "$WS/ro/d" "denied mkdir" || return
	assert_absent "$WS/ro/moved" "denied rename" || return
	assert_eq "$(cat "$WS/ro/file.txt")" original "denied rename/delete left ro/file.txt" || return
	assert_event "$a" "allow create" event=file op=create path="$WS/rw/a" verdict=allow rule="$R_RW" || return
	assert_event "$a" "allow mkdir" event=file op=mkdir path="$WS/rw/d" verdict=allow rule="$R_RW" || return
	assert_event "$a" "allow rename" event=file op=rename path="$WS/rw/a" target="$WS/rw/b" verdict=allow rule="$R_RW" || return
	assert_event "$a" "allow delete" event=file op=delete path="$WS/rw/c" verdict=allow rule="$R_RW" || return
	assert_event "$a" "deny create" event=file limit=filesystem op=create path="$WS/ro/new" verdict=deny rule=default || return
	assert_event "$a" "deny mkdir" event=file limit=filesystem op=mkdir path="$WS/ro/d" verdict=deny rule=default || return
	assert_event "$a" "deny rename" event=file limit=filesystem op=rename path="$WS/ro/file.txt" \
		target="$WS/ro/moved" verdict=deny rule=default || return
	assert_event "$a" "deny delete" event=file limit=filesystem op=delete path="$WS/ro/file.txt" verdict=deny rule=default || return
}

# --------------------------------------------------------------- exec limit

test_exec_allowed_and_denied() {
	local a=$GB_TMP/exec.jsonl out
	mkws exec || return
	out=$(try base.json "$a" -- exec "$WS/tools/marker" "$WS/rw/ran-allowed" exec "$WS/ro/bin/marker" "$WS/rw/ran-denied") || return
	assert_ok "$(echo "$out" | sed -n 1p)" exec "program in the exec set" || return
	assert_denied "$(echo "$out" | sed -n 2p)" exec "program outside the exec set" || return
	assert_present "$WS/rw/ran-allowed" "allowed program ran" || return
	assert_absent "$WS/rw/ran-denied" "denied program did not run" || return
	assert_event "$a" "exec event of the allowed program" event=exec binary="$WS/tools/marker" || return
	assert_no_event "$a" "no exec event of the denied program" event=exec binary="$WS/ro/bin/marker" || return
	assert_event "$a" "deny event" event=exec_decision limit=exec op=exec path="$WS/ro/bin/marker" \
		verdict=deny rule=default || return
}

# ------------------------------------------------------------ network limit

test_net_connect_allowed_and_denied() {
	local a=$GB_TMP/net.jsonl out
	mkws net || return
	start_listener || return
	out=$(net base.json "$a" -- tcp:127.0.0.1:7111 tcp:127.0.0.1:7112)
	stop_listener
	assert_contains "$out" "tcp:127.0.0.1:7111 ok" || return
	assert_contains "$out" "tcp:127.0.0.1:7112 EPERM" || return
	assert_eq "$(heard 'tcp 7111')" 1 "allowed connection reached the listener" || return
	assert_eq "$(heard 'tcp 7112')" 0 "denied connection never reached it" || return
	assert_event "$a" "allow event" event=network limit=network op=connect addr=127.0.0.1 port=7111 \
		proto=tcp verdict=allow rule=127.0.0.1:7111/tcp || return
	assert_event "$a" "deny event" event=network limit=network op=connect addr=127.0.0.1 port=7112 \
		verdict=deny rule=default || return
}

# ------------------------------------------------------------ process limit

test_process_max_pids() {
	local a=$GB_TMP/pids.jsonl out
	mkws pids || return
	# gbtry is the first of the 8 tasks: 7 more can start, the 8th fork fails.
	out=$(try pids.json "$a" -- forks 12) || return
	assert_eq "$out" "forks 7 EAGAIN" "forks under max_pids 8" || return
	assert_eq "$(count_events "$a" event=fork pid="$(audit_query "$a" '[e["pid"] for e in evs if e["event"]=="exec"][0]')")" 7 \
		"fork events of gbtry" || return
	assert_eq "$(audit_query "$a" 'evs[0]["limits"]["process"]["status"]')" enforce "process limit status" || return
	# The limit is per sandbox: the same forks outside succeed.
	assert_eq "$("$HELPERS/gbtry" forks 12)" "forks 12 ok" "outside the sandbox" || return
}

# --------------------------------------------------------- bypass attempts

test_bypass_symlink_to_denied_file() {
	local a=$GB_TMP/sym.jsonl out
	mkws sym || return
	ln -s "$WS/secret/key" "$WS/ro/keysym"
	out=$(try base.json "$a" -- read "$WS/ro/keysym" read "$WS/ro/file.txt") || return
	assert_denied "$(echo "$out" | sed -n 1p)" read "read through a symlink to secret/key" || return
	assert_ok "$(echo "$out" | sed -n 2p)" read || return
	assert_event "$a" "deny event naming the deny rule" event=file limit=filesystem op=read \
		"path=$WS/ro/keysym|$WS/secret/key" verdict=deny rule="$R_SECRET" || return
}

test_bypass_hardlink_made_inside() {
	local a=$GB_TMP/hl.jsonl out
	mkws hl || return
	out=$(try base.json "$a" -- link "$WS/secret/key" "$WS/rw/keylink" read "$WS/rw/keylink") || return
	assert_denied "$(echo "$out" | sed -n 1p)" link "hard link to secret/key" || return
	assert_absent "$WS/rw/keylink" "the link was not made" || return
	assert_event "$a" "deny event" event=file limit=filesystem op=link path="$WS/secret/key" \
		target="$WS/rw/keylink" verdict=deny rule="$R_SECRET" || return
}

# A deny entry that is a directory: a hard link to a file inside it, made
# before launch in an allowed tree.
test_bypass_hardlink_before_launch_into_denied_dir() {
	local a=$GB_TMP/hlb.jsonl out
	mkws hlb || return
	ln "$WS/secret/key" "$WS/ro/keylink"
	out=$(try base.json "$a" -- read "$WS/ro/keylink") || return
	assert_denied "$out" read "read through a hard link made before launch" || return
	assert_event "$a" "deny event naming the deny rule" event=file limit=filesystem op=read \
		"path=$WS/ro/keylink|$WS/secret/key" verdict=deny rule="$R_SECRET" || return
}

# A deny entry that is the file itself, hard-linked before launch.
test_bypass_hardlink_before_launch_to_denied_file() {
	local a=$GB_TMP/hlf.jsonl out
	mkws hlf || return
	echo TOKEN >"$WS/ro/token"
	ln "$WS/ro/token" "$WS/rw/tokenlink"
	out=$(try hardlink.json "$a" -- read "$WS/rw/tokenlink" read "$WS/ro/token") || return
	assert_denied "$(echo "$out" | sed -n 1p)" read "read through the other name" || return
	assert_denied "$(echo "$out" | sed -n 2p)" read "read of the denied name" || return
	assert_event "$a" "deny event naming the deny rule" event=file limit=filesystem op=read \
		"path=$WS/rw/tokenlink|$WS/ro/token" verdict=deny rule='${WORKSPACE}/ro/token' || return
}

test_bypass_proc_self_root() {
	local a=$GB_TMP/psr.jsonl out p
	mkws psr || return
	p=/proc/self/root$WS/secret/key
	out=$(try base.json "$a" -- read "$p" read "/proc/self/root$WS/ro/file.txt") || return
	assert_denied "$(echo "$out" | sed -n 1p)" read "read through /proc/self/root" || return
	assert_ok "$(echo "$out" | sed -n 2p)" read "allowed file through /proc/self/root" || return
	assert_event "$a" "deny event naming the deny rule" event=file limit=filesystem op=read \
		"path=$p|$WS/secret/key" verdict=deny rule="$R_SECRET" || return
}

test_bypass_rename_denied_file_out() {
	local a=$GB_TMP/ren.jsonl out
	mkws ren || return
	out=$(try base.json "$a" -- rename "$WS/secret/key" "$WS/rw/key" read "$WS/rw/key") || return
	assert_denied "$(echo "$out" | sed -n 1p)" rename "rename of secret/key into rw/" || return
	assert_eq "$(cat "$WS/secret/key")" TOPSECRET "secret/key still in place" || return
	assert_absent "$WS/rw/key" "nothing arrived in rw/" || return
	assert_event "$a" "deny event" event=file limit=filesystem op=rename path="$WS/secret/key" \
		target="$WS/rw/key" verdict=deny rule="$R_SECRET" || return
}

test_bypass_ldso_runs_program_outside_exec() {
	local a=$GB_TMP/ldso.jsonl out
	mkws ldso || return
	out=$(try base.json "$a" -- ldso "$WS/ro/bin/marker" "$WS/rw/ran" ldso "$WS/tools/marker" "$WS/rw/ran-allowed") || return
	assert_present "$WS/rw/ran-allowed" "ld.so runs a program in the exec set" || return
	assert_absent "$WS/rw/ran" "ld.so did not run the program outside the exec set" || return
	case "$(echo "$out" | sed -n 1p)" in
	"ldso ok") _gb_fail "ld.so $WS/ro/bin/marker succeeded"; return 1 ;;
	esac
	# ld.so names errno only when the open fails, not when the mapping does.
	assert_true "ld.so failed to open or map the program ($(head -c 300 "$GB_TMP/err"))" \
		grep -qE 'Operation not permitted|Permission denied|failed to map segment' "$GB_TMP/err" || return
	assert_event "$a" "deny event" event=exec_decision limit=exec "op=exec|mmap_exec" \
		path="$WS/ro/bin/marker" verdict=deny rule=default || return
}

# Under a policy that declares only the exec limit, so that nothing but the
# exec limit can stop it (a memfd is under no read rule either).
test_bypass_memfd_exec() {
	local a=$GB_TMP/memfd.jsonl out
	mkws memfd || return
	out=$(try exec-only.json "$a" -- memfd "$WS/ro/bin/marker" "$WS/rw/ran") || return
	assert_denied "$out" memfd "exec of a memfd" || return
	assert_absent "$WS/rw/ran" "the memfd program did not run" || return
	assert_event "$a" "deny event" event=exec_decision limit=exec op=exec verdict=deny || return
}

# An openat submitted through io_uring is denied either at the open (and
# reported as a file decision) or by refusing io_uring itself (and reported
# as a process decision).
test_bypass_io_uring_open() {
	local a=$GB_TMP/uring.jsonl out
	mkws uring || return
	out=$(try base.json "$a" -- iouring "$WS/secret/key") || return
	case "$out" in
	"iouring_setup "*)
		assert_denied "$out" iouring_setup "io_uring_setup" || return
		assert_event "$a" "deny event for io_uring_setup" event=process limit=process op=io_uring_setup \
			verdict=deny rule="sandbox boundary" || return
		;;
	*)
		assert_denied "$out" iouring "openat of secret/key through io_uring" || return
		assert_event "$a" "deny event" event=file limit=filesystem op=read path="$WS/secret/key" \
			verdict=deny rule="$R_SECRET" || return
		;;
	esac
}

test_bypass_ipv4_mapped_connect() {
	local a=$GB_TMP/mapped.jsonl out
	mkws mapped || return
	start_listener || return
	out=$(net base.json "$a" -- "tcp:[::ffff:127.0.0.1]:7112" "tcp:[::ffff:127.0.0.1]:7111")
	stop_listener
	assert_contains "$out" "tcp:[::ffff:127.0.0.1]:7112 EPERM" || return
	assert_contains "$out" "tcp:[::ffff:127.0.0.1]:7111 ok" || return
	assert_eq "$(heard 'tcp 7112')" 0 "denied connection never reached the listener" || return
	assert_eq "$(heard 'tcp 7111')" 1 "allowed connection did" || return
	assert_event "$a" "deny event" event=network op=connect addr=127.0.0.1 port=7112 family=inet6 \
		verdict=deny rule=default || return
}

test_bypass_udp_sendto() {
	local a=$GB_TMP/udp.jsonl out
	mkws udp || return
	start_listener || return
	out=$(net base.json "$a" -- udp:127.0.0.1:7112 udp:127.0.0.1:7113)
	stop_listener
	assert_contains "$out" "udp:127.0.0.1:7112 EPERM" || return
	assert_contains "$out" "udp:127.0.0.1:7113 ok" || return
	assert_eq "$(heard 'udp 7112')" 0 "denied datagram never arrived" || return
	assert_eq "$(heard 'udp 7113')" 1 "allowed datagram arrived" || return
	assert_event "$a" "deny event" event=network op=sendmsg addr=127.0.0.1 port=7112 proto=udp \
		verdict=deny rule=default || return
}

# ------------------------------------------------ the sandbox boundary
# These run under boundary.json, which declares no filesystem or exec limit:
# the boundary holds whatever the policy says.

test_boundary_af_packet() {
	local a=$GB_TMP/packet.jsonl out
	mkws packet || return
	out=$(try boundary.json "$a" -- packet) || return
	assert_denied "$out" packet "socket(AF_PACKET)" || return
	assert_event "$a" "deny event" event=process limit=process op=socket verdict=deny rule="sandbox boundary" || return
}

test_boundary_ptrace_outside() {
	local a=$GB_TMP/ptrace.jsonl out
	mkws ptrace || return
	start_outside_sleep
	out=$(try boundary.json "$a" -- ptrace "$OUT_PID")
	assert_denied "$out" ptrace "PTRACE_ATTACH to a process outside" || { stop_outside "$OUT_PID"; return 1; }
	assert_true "the outside process is alive" alive "$OUT_PID" || { stop_outside "$OUT_PID"; return 1; }
	assert_eq "$(awk '/^TracerPid:/ { print $2 }' "/proc/$OUT_PID/status")" 0 "TracerPid" || { stop_outside "$OUT_PID"; return 1; }
	stop_outside "$OUT_PID"
	assert_event "$a" "deny event" event=process limit=process op=ptrace target_pid="$OUT_PID" \
		verdict=deny rule="sandbox boundary" || return
}

test_boundary_kill_outside() {
	local a=$GB_TMP/kill.jsonl out
	mkws kill || return
	start_outside_sleep
	out=$(gb boundary.json "$a" -- sh -c "\"$WS/tools/gbtry\" kill $OUT_PID; sleep 30 & \"$WS/tools/gbtry\" kill \$!; wait")
	assert_denied "$(echo "$out" | sed -n 1p)" kill "kill of a process outside" || { stop_outside "$OUT_PID"; return 1; }
	assert_ok "$(echo "$out" | sed -n 2p)" kill "kill of a process inside" || { stop_outside "$OUT_PID"; return 1; }
	sleep 0.1
	assert_true "the outside process is alive" alive "$OUT_PID" || { stop_outside "$OUT_PID"; return 1; }
	stop_outside "$OUT_PID"
	assert_event "$a" "deny event" event=process limit=process op=kill target_pid="$OUT_PID" \
		verdict=deny rule="sandbox boundary" || return
}

test_boundary_bpf() {
	local a=$GB_TMP/bpf.jsonl out
	mkws bpf || return
	out=$(try boundary.json "$a" -- bpf) || return
	assert_denied "$out" bpf "bpf(BPF_MAP_CREATE)" || return
	# bpf() checks CAP_BPF before the bpf hook: a denial of that capability
	# is the same decision.
	if [ "$(count_events "$a" event=process op=capability capability=39 verdict=deny)" = 0 ]; then
		assert_event "$a" "deny event" event=process limit=process op=bpf verdict=deny \
			rule="sandbox boundary" || return
	fi
}

# A device node in a writable directory would reach the device whatever the
# path rules say (a block device: the raw disk).
test_boundary_mknod_device() {
	local a=$GB_TMP/mknod.jsonl
	mkws mknod || return
	gb boundary.json "$a" -- mknod "$WS/rw/km" c 1 11
	assert_false "mknod of a character device exits 0" test $? = 0 || return
	assert_absent "$WS/rw/km" "no device node was made" || return
	assert_event "$a" "deny event" "event=process|file" "op=capability|mknod" verdict=deny || return
}

# listen() on a socket never bound binds it to the wildcard address and a
# port the kernel picks: a bind that network.bind must decide.
test_bypass_listen_without_bind() {
	local a=$GB_TMP/listen.jsonl out
	mkws listen || return
	out=$(gb boundary.json "$a" -- python3 -c 'import socket
s = socket.socket()
try:
    s.listen()
    print("listen ok", s.getsockname())
except OSError as e:
    print("listen errno", e.errno)')
	assert_contains "$out" "listen errno 1" "listen on an unbound socket (autobind) is refused" || return
	assert_event "$a" "deny event" event=network op=bind port=0 verdict=deny || return
}

# A unix socket outside the write set (a daemon's, say) is not reachable by
# path: connecting to it is writing to it.
test_bypass_unix_socket_outside_write_set() {
	local a=$GB_TMP/unix.jsonl out lpid
	mkws unix || return
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(4)
open(sys.argv[1] + ".ready", "w").close()
s.settimeout(15)
try:
    c, _ = s.accept(); open(sys.argv[1] + ".reached", "w").close()
except OSError:
    pass' "$WS/ro/daemon.sock" &
	lpid=$!
	for _ in $(seq 100); do [ -e "$WS/ro/daemon.sock.ready" ] && break; sleep 0.05; done
	out=$(gb base.json "$a" -- python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
    print("connect ok")
except OSError as e:
    print("connect errno", e.errno)' "$WS/ro/daemon.sock")
	sleep 0.2
	kill $lpid 2>/dev/null
	wait $lpid 2>/dev/null
	assert_true "connect refused with EPERM or EACCES (got: $out)" grep -qE 'connect errno (1|13)$' <<<"$out" || return
	assert_absent "$WS/ro/daemon.sock.reached" "the listener saw no connection" || return
	assert_event "$a" "deny event" event=file limit=filesystem op=connect_unix "path=$WS/ro/daemon.sock" verdict=deny || return
}

# Input pushed into an inherited terminal (TIOCSTI) would be run by the
# user's shell after the sandbox ends.
test_boundary_tiocsti() {
	local a=$GB_TMP/tiocsti.jsonl out
	mkws tiocsti || return
	out=$(python3 - "$GB" "$BACKEND" "$ENF/boundary.json" "$WS" "$a" <<'PY'
import os, pty, subprocess, sys
gb, backend, policy, ws, audit = sys.argv[1:]
master, slave = pty.openpty()
code = ("import fcntl, termios\n"
        "try:\n"
        "    fcntl.ioctl(0, termios.TIOCSTI, b'x')\n"
        "    print('tiocsti ok')\n"
        "except OSError as e:\n"
        "    print('tiocsti errno', e.errno)\n")
r = subprocess.run([gb, "run", "--backend", backend, "--policy", policy, "--workspace", ws,
                    "--audit", audit, "--", "/usr/bin/python3", "-c", code],
                   stdin=slave, capture_output=True, text=True)
os.set_blocking(master, False)
try:
    pushed = os.read(master, 100)
except BlockingIOError:
    pushed = b""
print(r.stdout.strip(), "pushed", len(pushed))
PY
)
	assert_contains "$out" "tiocsti errno 1" "TIOCSTI refused with EPERM" || return
	assert_contains "$out" "pushed 0" "nothing reached the terminal" || return
	assert_event "$a" "deny event" event=process "op=ioctl|capability" verdict=deny || return
}

test_boundary_unshare_user() {
	local a=$GB_TMP/unshare.jsonl
	mkws unshare || return
	gb boundary.json "$a" -- unshare -U touch "$WS/rw/ran"
	assert_false "unshare -U exits 0" test $? = 0 || return
	assert_absent "$WS/rw/ran" "the command in the new namespace did not run" || return
	assert_true "unshare failed with EPERM or EACCES ($(head -c 300 "$GB_TMP/err"))" \
		grep -qE 'Operation not permitted|Permission denied' "$GB_TMP/err" || return
	assert_event "$a" "deny event" event=process limit=process "op=unshare|userns_create" verdict=deny \
		rule="sandbox boundary" || return
}

# Moving itself to another cgroup would take the task out of every per-cgroup
# limit (network rules, pids, the timebox).
cgroup_escape() { # policy name
	local a=$GB_TMP/$2.jsonl out procs
	mkws "$2" || return
	procs=$(cg2_root)/cgroup.procs
	out=$(try "$1" "$a" -- cgself cgmove "$procs" cgself) || return
	assert_denied "$(echo "$out" | grep '^cgmove')" cgmove "write of our pid into $procs" || return
	assert_false "started in a sandbox cgroup, not the root ($(echo "$out" | sed -n 1p))" \
		test "$(echo "$out" | sed -n 1p)" = "cgself /" || return
	assert_eq "$(echo "$out" | sed -n 3p)" "$(echo "$out" | sed -n 1p)" "still in the sandbox cgroup" || return
	assert_event "$a" "deny event" "event=file|process" "path=$procs|$(readlink -f "$procs")" verdict=deny || return
}

test_boundary_cgroup_escape() {
	cgroup_escape base.json cgesc
}

test_boundary_cgroup_escape_no_fs_limit() {
	cgroup_escape boundary.json cgesc-nofs
}

# ------------------------------------- a denied path created after launch

test_deny_path_created_later() {
	local a=$GB_TMP/later.jsonl out
	mkws later || return
	out=$(try later.json "$a" -- create "$WS/later.env" create "$WS/rw/x" rename "$WS/rw/x" "$WS/later.env") || return
	assert_denied "$(echo "$out" | sed -n 1p)" create "create of the denied later.env" || return
	assert_ok "$(echo "$out" | sed -n 2p)" create "create in rw/" || return
	assert_denied "$(echo "$out" | sed -n 3p)" rename "rename onto the denied later.env" || return
	assert_absent "$WS/later.env" "later.env was not created" || return
	assert_present "$WS/rw/x" "rw/x stayed" || return
	assert_event "$a" "deny event for create" event=file limit=filesystem op=create path="$WS/later.env" \
		verdict=deny rule="$R_LATER" || return
	assert_event "$a" "deny event for rename" event=file limit=filesystem op=rename path="$WS/rw/x" \
		target="$WS/later.env" verdict=deny rule="$R_LATER" || return
}

# Only the denied name is out: its siblings can still be created.
test_deny_path_created_later_sibling_allowed() {
	local a=$GB_TMP/later2.jsonl out
	mkws later2 || return
	out=$(try later.json "$a" -- create "$WS/other.txt" mkdir "$WS/newdir") || return
	assert_ok "$(echo "$out" | sed -n 1p)" create "create of a sibling of later.env" || return
	assert_ok "$(echo "$out" | sed -n 2p)" mkdir "mkdir beside later.env" || return
	assert_present "$WS/other.txt" || return
	assert_event "$a" "allow event" event=file op=create path="$WS/other.txt" verdict=allow rule="$R_WS" || return
}

# ------------------------------------------------------------- audit mode

test_audit_mode_filesystem() {
	local a=$GB_TMP/am-fs.jsonl out
	mkws am-fs || return
	out=$(try base.json "$a" --mode audit -- read "$WS/secret/key" write "$WS/ro/file.txt" create "$WS/ro/new") || return
	assert_ok "$(echo "$out" | sed -n 1p)" read "audit mode: read of secret/key" || return
	assert_ok "$(echo "$out" | sed -n 2p)" write "audit mode: write of ro/file.txt" || return
	assert_ok "$(echo "$out" | sed -n 3p)" create "audit mode: create in ro/" || return
	assert_present "$WS/ro/new" || return
	assert_eq "$(audit_query "$a" 'evs[0]["limits"]["filesystem"]["status"]')" audit "filesystem status" || return
	assert_event "$a" "audit event for the read" event=file limit=filesystem op=read path="$WS/secret/key" \
		verdict=audit rule="$R_SECRET" || return
	assert_event "$a" "audit event for the write" event=file limit=filesystem op=write path="$WS/ro/file.txt" \
		verdict=audit rule=default || return
	assert_event "$a" "audit event for the create" event=file limit=filesystem op=create path="$WS/ro/new" \
		verdict=audit rule=default || return
	assert_no_event "$a" "nothing denied" verdict=deny || return
}

test_audit_mode_exec() {
	local a=$GB_TMP/am-exec.jsonl out
	mkws am-exec || return
	out=$(try base.json "$a" --mode audit -- exec "$WS/ro/bin/marker" "$WS/rw/ran") || return
	assert_ok "$out" exec "audit mode: program outside the exec set" || return
	assert_present "$WS/rw/ran" "it ran" || return
	assert_eq "$(audit_query "$a" 'evs[0]["limits"]["exec"]["status"]')" audit "exec status" || return
	assert_event "$a" "audit event" event=exec_decision limit=exec op=exec path="$WS/ro/bin/marker" \
		verdict=audit rule=default || return
	assert_event "$a" "exec event" event=exec binary="$WS/ro/bin/marker" || return
}

test_audit_mode_network() {
	local a=$GB_TMP/am-net.jsonl out
	mkws am-net || return
	start_listener || return
	out=$(net base.json "$a" --mode audit -- tcp:127.0.0.1:7112 udp:127.0.0.1:7112)
	stop_listener
	assert_contains "$out" "tcp:127.0.0.1:7112 ok" || return
	assert_contains "$out" "udp:127.0.0.1:7112 ok" || return
	assert_eq "$(heard 'tcp 7112')" 1 "audit mode: the connection reached the listener" || return
	assert_eq "$(heard 'udp 7112')" 1 "audit mode: the datagram arrived" || return
	assert_eq "$(audit_query "$a" 'evs[0]["limits"]["network"]["status"]')" audit "network status" || return
	assert_event "$a" "audit event for connect" event=network op=connect addr=127.0.0.1 port=7112 \
		verdict=audit rule=default || return
	assert_event "$a" "audit event for sendmsg" event=network op=sendmsg addr=127.0.0.1 port=7112 \
		verdict=audit rule=default || return
}

# ------------------------------------------------- two sandboxes at once

test_two_sandboxes_each_held_to_its_own_policy() {
	local a=$GB_TMP/two-a.jsonl b=$GB_TMP/two-b.jsonl oa ob pa pb x
	mkws two || return
	echo A >"$WS/a-secret"
	echo B >"$WS/b-secret"
	start_listener || return
	for x in a b; do
		gb "two-$x.json" "$GB_TMP/two-$x.jsonl" -- sh -c "sleep 0.5; \"$WS/tools/gbtry\" read \"$WS/a-secret\" read \"$WS/b-secret\";
			/usr/bin/python3 \"$WS/ro/netclient.py\" tcp:127.0.0.1:7111 tcp:127.0.0.1:7112" >"$GB_TMP/two-$x.out" &
		[ $x = a ] && pa=$! || pb=$!
	done
	wait "$pa"
	wait "$pb"
	stop_listener
	oa=$(cat "$GB_TMP/two-a.out") ob=$(cat "$GB_TMP/two-b.out")
	assert_denied "$(echo "$oa" | sed -n 1p)" read "sandbox a: its denied a-secret" || return
	assert_ok "$(echo "$oa" | sed -n 2p)" read "sandbox a: b-secret" || return
	assert_ok "$(echo "$ob" | sed -n 1p)" read "sandbox b: a-secret" || return
	assert_denied "$(echo "$ob" | sed -n 2p)" read "sandbox b: its denied b-secret" || return
	assert_contains "$oa" "tcp:127.0.0.1:7111 ok" "sandbox a" || return
	assert_contains "$oa" "tcp:127.0.0.1:7112 EPERM" "sandbox a" || return
	assert_contains "$ob" "tcp:127.0.0.1:7111 EPERM" "sandbox b" || return
	assert_contains "$ob" "tcp:127.0.0.1:7112 ok" "sandbox b" || return
	assert_eq "$(heard 'tcp 7111')" 1 "one connection to 7111 (from a)" || return
	assert_eq "$(heard 'tcp 7112')" 1 "one connection to 7112 (from b)" || return
	assert_event "$a" "a: deny of a-secret" event=file op=read path="$WS/a-secret" verdict=deny rule='${WORKSPACE}/a-secret' || return
	assert_event "$b" "b: deny of b-secret" event=file op=read path="$WS/b-secret" verdict=deny rule='${WORKSPACE}/b-secret' || return
	assert_no_event "$a" "a: no file denial but its own" event=file verdict=deny path="$WS/b-secret" || return
	assert_no_event "$b" "b: no file denial but its own" event=file verdict=deny path="$WS/a-secret" || return
	assert_event "$a" "a: deny of 7112" event=network port=7112 verdict=deny || return
	assert_event "$b" "b: deny of 7111" event=network port=7111 verdict=deny || return
	assert_eq "$(audit_query "$a" 'sorted(set(e["sandbox"] for e in evs))')" \
		"$(audit_query "$a" '[evs[0]["sandbox"]]')" "a's stream has only a's events" || return
}

# ---------------------------------------------------------------- runner

GAPS_DOC=docs/known-gaps.md
GAPS_SECTION="## Known gaps by test"
GAPS_PROPOSED=tests/integration/enforce/known-gaps-rows.md

# The file the rows come from: docs/known-gaps.md once it has the section.
gaps_file() {
	if grep -qxF "$GAPS_SECTION" "$GAPS_DOC" 2>/dev/null; then
		echo "$GAPS_DOC"
	else
		echo "$GAPS_PROPOSED"
	fi
}

# Rows "| backend | test_name | reason |" of the section, as "backend<TAB>test<TAB>reason".
gap_rows() {
	local f
	f=$(gaps_file)
	[ -f "$f" ] || return 0
	awk -v h="$GAPS_SECTION" '
		$0 == h { on = 1; next }
		on && /^## / { on = 0 }
		on && /^\|/ {
			n = split($0, c, "|")
			for (i = 2; i < n; i++) gsub(/^[ \t]+|[ \t]+$/, "", c[i])
			gsub(/`/, "", c[2])
			gsub(/`/, "", c[3])
			if (c[3] ~ /^test_/) print c[2] "\t" c[3] "\t" c[4]
		}' "$f"
}

declare -A GAP
load_gaps() { # backend; prints errors for bad rows, returns their count
	local backend=$1 b t r bad=0
	while IFS=$'\t' read -r b t r; do
		[ -n "$t" ] || continue
		if [ "$b" != lsm ] && [ "$b" != landlock ]; then
			echo "FAIL known gaps: row for $t names backend '$b' (expected lsm or landlock)"
			bad=$((bad + 1))
		elif ! declare -F "$t" >/dev/null; then
			echo "FAIL known gaps: row '| $b | $t |' names a test that does not exist in $0"
			bad=$((bad + 1))
		elif [ "$b" = "$backend" ]; then
			GAP[$t]=$r
		fi
	done < <(gap_rows)
	return $bad
}

# GB_DUMP_AUDIT=1: print each test's decision events (and remove its audit
# files, so the next test's are its own).
dump_audit() { # test
	local f
	for f in "$GB_TMP"/*.jsonl; do
		[ -f "$f" ] || continue
		echo "--- $1: $(basename "$f")"
		python3 - "$f" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e["event"] in ("file", "exec_decision", "process", "network"):
        e = {k: v for k, v in e.items() if k not in ("ts", "sandbox", "ppid", "uid")}
        print("    " + json.dumps(e)[:500])
PY
		rm -f "$f"
	done
}

selected() { # test name...: the test's name contains one of the names
	local t=$1 n
	shift
	for n in "$@"; do
		[[ "$t" == *"$n"* ]] && return 0
	done
	return 1
}

run_enforce_tests() {
	local passed=0 failed=0 skipped=0 gaps=0 t rc backend errf
	backend=$(resolve_backend)
	echo "backend: $backend (GB_BACKEND=$BACKEND), known gaps from $(gaps_file)"
	load_gaps "$backend"
	failed=$?
	if ! build_helpers; then
		echo "FAIL cannot build the helper programs"
		echo "0 known gaps"
		echo "0 passed, $((failed + 1)) failed, 0 skipped"
		return 1
	fi
	errf=$GB_TMP/test.err
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		if [ $# -gt 0 ] && ! selected "$t" "$@"; then
			continue
		fi
		_gb_failed=0
		_gb_skipped=0
		: >"$GB_TMP/err.all"
		if [ -n "${GAP[$t]+x}" ]; then
			"$t" 2>"$errf"
		else
			"$t"
		fi
		rc=$?
		[ "${GB_DUMP_AUDIT:-0}" = 1 ] && dump_audit "$t"
		if [ $_gb_failed = 0 ] && [ $rc != 0 ] && [ $_gb_skipped = 0 ]; then
			if [ -n "${GAP[$t]+x}" ]; then
				echo "$t: returned $rc" >>"$errf"
			else
				echo "$t: returned $rc" >&2
			fi
			_gb_failed=1
		fi
		if [ -n "${GAP[$t]+x}" ]; then
			if [ $_gb_failed = 1 ]; then
				echo "GAP  $t: ${GAP[$t]}"
				sed -n '1{s/^/       (/;s/$/)/;p}' "$errf"
				gaps=$((gaps + 1))
			else
				cat "$errf" >&2
				echo "FAIL $t: listed as a known gap but passes: remove it from $(gaps_file)"
				failed=$((failed + 1))
			fi
		elif [ $_gb_failed = 1 ]; then
			[ -s "$GB_TMP/err.all" ] && sed 's/^/    glovebox: /' "$GB_TMP/err.all" | head -5 >&2
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
	echo "$gaps known gaps"
	echo "$passed passed, $failed failed, $((skipped + gaps)) skipped"
	[ $failed = 0 ]
}

run_enforce_tests "$@"
