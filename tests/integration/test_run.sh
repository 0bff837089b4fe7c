#!/bin/bash
# Integration tests of `glovebox run` on this machine's kernel: real
# sandboxes, real processes, the audit stream read back.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

POL=tests/integration/policies

cg2_root() {
	awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo
}

# gbrun AUDITFILE [run options...] -- CMD...: run under the minimal policy.
gbrun() {
	local audit=$1
	shift
	"$GLOVEBOX" run --policy "$POL/minimal.json" --audit "$audit" "$@"
}

# A process is alive if it exists and is not a zombie waiting to be reaped.
alive() {
	[ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}

sandbox_map_has() { # cgroup id
	local m
	for m in /sys/fs/bpf/glovebox/*/gb_sandboxes; do
		[ -e "$m" ] || continue
		bpftool map dump pinned "$m" -j 2>/dev/null |
			python3 -c 'import json,sys; ks=[int.from_bytes(bytes(int(b,16) for b in e["key"]),"little") for e in json.load(sys.stdin)]; sys.exit(0 if int(sys.argv[1]) in ks else 1)' "$1" && return 0
	done
	return 1
}

test_exec_tree_in_audit() {
	local a=$GB_TMP/tree.jsonl out
	out=$(gbrun "$a" -- sh -c 'ls / >/dev/null; /bin/true one two; echo done')
	assert_eq "$?" 0 "exit status" || return
	assert_eq "$out" "done" "command stdout passes through untouched" || return
	assert_audit_wellformed "$a" || return
	assert_eq "$(audit_query "$a" 'evs[0]["event"]')" sandbox_start "first event" || return
	assert_eq "$(audit_query "$a" 'evs[-1]["event"]')" sandbox_end "last event" || return
	local sh_pid ls_ppid true_argv
	sh_pid=$(audit_query "$a" '[e["pid"] for e in evs if e["event"]=="exec" and e["argv"][0]=="sh"][0]')
	ls_ppid=$(audit_query "$a" '[e["ppid"] for e in evs if e["event"]=="exec" and e["binary"]=="/usr/bin/ls"][0]')
	assert_eq "$ls_ppid" "$sh_pid" "ls is a child of sh" || return
	true_argv=$(audit_query "$a" '[e["argv"] for e in evs if e["event"]=="exec" and e["binary"].endswith("/true")][0]')
	assert_eq "$true_argv" '["/bin/true", "one", "two"]' "argv of true" || return
	assert_eq "$(audit_query "$a" '[e["cwd"] for e in evs if e["event"]=="exec"][0]')" "$PWD" "cwd" || return
	assert_eq "$(audit_query "$a" 'len([e for e in evs if e["event"]=="exit"])')" 3 "exit events" || return
	assert_eq "$(audit_query "$a" 'evs[-1]["counts"]["exec"]')" 3 "sandbox_end counts" || return
	assert_eq "$(audit_query "$a" 'evs[-1]["lost"]')" 0 "lost" || return
}

test_exec_argv_truncated() {
	local a=$GB_TMP/trunc.jsonl long
	long=$(head -c 3000 /dev/zero | tr '\0' x)
	gbrun "$a" -- /bin/true "$long" || return
	assert_eq "$(audit_query "$a" '[e["truncated"] for e in evs if e["event"]=="exec"][0]')" true "truncated flag" || return
	assert_eq "$(audit_query "$a" '[e["truncated"] for e in evs if e["event"]=="exec"][0]')" true || return
}

test_exit_status_contract() {
	local a=$GB_TMP/status.jsonl rc
	gbrun "$a" -- true; assert_eq $? 0 "true" || return
	gbrun "$a" -- sh -c 'exit 3'; assert_eq $? 3 "exit 3" || return
	gbrun "$a" -- sh -c 'kill -KILL $$'; assert_eq $? 137 "killed by SIGKILL" || return
	gbrun "$a" -- sh -c 'kill -TERM $$'; assert_eq $? 143 "killed by SIGTERM" || return
	gbrun "$a" -- /nonexistent/cmd 2>"$GB_TMP/err"; assert_eq $? 127 "not found" || return
	assert_contains "$(cat "$GB_TMP/err")" "glovebox: cannot run '/nonexistent/cmd': No such file or directory" || return
	echo 'data' >"$GB_TMP/noexec"
	chmod 0644 "$GB_TMP/noexec"
	gbrun "$a" -- "$GB_TMP/noexec" 2>/dev/null; assert_eq $? 126 "not executable" || return
	gbrun "$a" --timeout 300ms -- sleep 10; assert_eq $? 124 "timebox" || return
	assert_eq "$(audit_query "$a" '[e["exit_status"] for e in evs if e["event"]=="sandbox_end"]')" \
		"[0, 3, 137, 143, 127, 126, 124]" "sandbox_end exit_status" || return
}

test_timebox_kills_setsid_and_nohup_grandchildren() {
	local a=$GB_TMP/timebox.jsonl pids=$GB_TMP/pids rc p
	gbrun "$a" --timeout 1s -- sh -c "setsid sleep 3001 & echo \$! >$pids; nohup sleep 3002 >/dev/null 2>&1 & echo \$! >>$pids; (sleep 3003 &) ; sleep 3004"
	rc=$?
	assert_eq $rc 124 "exit status" || return
	assert_eq "$(wc -l <"$pids")" 2 "recorded pids" || return
	for p in $(cat "$pids"); do
		assert_false "process $p is gone" alive "$p" || return
	done
	assert_false "no sleep 300x survives" pgrep -f 'sleep 300[1-4]' || return
	assert_eq "$(audit_query "$a" '[e["action"] for e in evs if e["event"]=="timebox"]')" '["kill"]' "timebox event" || return
	assert_eq "$(audit_query "$a" '[e["reason"] for e in evs if e["event"]=="sandbox_end"][0]')" timebox || return
	assert_eq "$(audit_query "$a" 'len([e for e in evs if e["event"]=="exit" and e.get("signal")==9])')" 5 "5 processes killed" || return
}

test_leftovers_die_with_the_command() {
	local a=$GB_TMP/left.jsonl pids=$GB_TMP/lpids
	gbrun "$a" -- sh -c "setsid sleep 310 >/dev/null 2>&1 & echo \$! >$pids"
	assert_eq $? 0 "exit status of the command" || return
	assert_false "daemonized child is gone" alive "$(cat "$pids")" || return
}

test_sigint_cleans_up() {
	local a=$GB_TMP/int.jsonl gpid id i rc cg
	"$GLOVEBOX" run --policy "$POL/minimal.json" --audit "$a" -- sleep 320 &
	gpid=$!
	for i in $(seq 100); do
		grep -q '"event":"exec"' "$a" 2>/dev/null && break
		sleep 0.05
	done
	id=$(audit_query "$a" 'evs[0]["cgroup_id"]')
	cg=$(audit_query "$a" 'evs[0]["cgroup"]')
	assert_true "cgroup exists while running" test -d "$cg" || return
	assert_true "sandbox in the BPF map while running" sandbox_map_has "$id" || return
	kill -INT $gpid
	wait $gpid
	rc=$?
	assert_eq $rc 130 "exit status after SIGINT" || return
	assert_false "cgroup removed" test -e "$cg" || return
	assert_false "sleep is gone" pgrep -f 'sleep 320' || return
	assert_false "sandbox removed from the BPF map" sandbox_map_has "$id" || return
	assert_eq "$(audit_query "$a" '[e["signal_name"] for e in evs if e["event"]=="interrupted"]')" '["SIGINT"]' || return
	assert_eq "$(audit_query "$a" '[evs[-1]["event"], evs[-1]["reason"], evs[-1]["exit_status"]]')" '["sandbox_end", "signal", 130]' || return
}

test_no_state_left_after_run() {
	local a=$GB_TMP/state.jsonl id cg
	gbrun "$a" -- true || return
	id=$(audit_query "$a" 'evs[0]["cgroup_id"]')
	cg=$(audit_query "$a" 'evs[0]["cgroup"]')
	assert_false "cgroup removed" test -e "$cg" || return
	assert_false "sandbox removed from the BPF map" sandbox_map_has "$id" || return
	if [ -d /sys/fs/cgroup/pids/glovebox ]; then
		assert_false "v1 pids cgroup removed" test -e "/sys/fs/cgroup/pids/glovebox/$(basename "$cg")" || return
	fi
}

test_two_sandboxes_keep_separate_streams() {
	local a=$GB_TMP/one.jsonl b=$GB_TMP/two.jsonl
	gbrun "$a" --name sep-one -- sh -c 'for i in 1 2 3 4 5; do /bin/echo one-$i >/dev/null; sleep 0.05; done' &
	local p1=$!
	gbrun "$b" --name sep-two -- sh -c 'for i in 1 2 3 4 5; do /bin/echo two-$i >/dev/null; sleep 0.05; done' &
	local p2=$!
	wait $p1 || { _gb_fail "first sandbox failed"; return 1; }
	wait $p2 || { _gb_fail "second sandbox failed"; return 1; }
	assert_eq "$(audit_query "$a" 'sorted(set(e["sandbox"] for e in evs))')" '["sep-one"]' "stream one" || return
	assert_eq "$(audit_query "$b" 'sorted(set(e["sandbox"] for e in evs))')" '["sep-two"]' "stream two" || return
	assert_eq "$(audit_query "$a" 'len([e for e in evs if e["event"]=="exec" and e["argv"][0]=="/bin/echo" and e["argv"][1].startswith("one-")])')" 5 || return
	assert_not_contains "$a" "two-" "stream one has nothing of two" || return
	assert_not_contains "$b" "one-" "stream two has nothing of one" || return
}

test_bad_policy_exits_125_and_runs_nothing() {
	local marker=$GB_TMP/ran err rc before after
	before=$(ls "$(cg2_root)/glovebox" 2>/dev/null | wc -l)
	err=$("$GLOVEBOX" run --policy "$POL/bad-prefix.json" --audit "$GB_TMP/bad.jsonl" -- touch "$marker" 2>&1)
	rc=$?
	assert_eq $rc 125 "exit status" || return
	assert_contains "$err" "$POL/bad-prefix.json:4:17: network.connect[0]:" "error names file:line:col and key" || return
	assert_eq "$(echo "$err" | wc -l)" 1 "one line" || return
	assert_false "command did not run" test -e "$marker" || return
	assert_false "no audit file created" test -e "$GB_TMP/bad.jsonl" || return
	after=$(ls "$(cg2_root)/glovebox" 2>/dev/null | wc -l)
	assert_eq "$after" "$before" "no cgroup left behind" || return
	"$GLOVEBOX" run --policy "$GB_TMP/missing.json" -- true 2>"$GB_TMP/err"
	assert_eq $? 125 "missing policy" || return
	assert_contains "$(cat "$GB_TMP/err")" "cannot open policy '$GB_TMP/missing.json': No such file or directory" || return
}

test_bad_flags_exit_125() {
	local err
	err=$("$GLOVEBOX" run --mode bogus -- true 2>&1); assert_eq $? 125 "--mode" || return
	assert_eq "$err" "glovebox: invalid --mode 'bogus': expected enforce or audit" || return
	"$GLOVEBOX" run --timeout 10x -- true 2>/dev/null; assert_eq $? 125 "--timeout" || return
	"$GLOVEBOX" run --policy "$POL/minimal.json" 2>/dev/null; assert_eq $? 125 "no command" || return
	"$GLOVEBOX" run --name '../x' -- true 2>/dev/null; assert_eq $? 125 "--name" || return
	"$GLOVEBOX" run --workspace /nonexistent -- true 2>/dev/null; assert_eq $? 125 "--workspace" || return
	"$GLOVEBOX" run --bogus -- true 2>/dev/null; assert_eq $? 125 "unknown flag" || return
	"$GLOVEBOX" frobnicate 2>/dev/null; assert_eq $? 2 "unknown command" || return
	local before after
	before=$(ls "$(cg2_root)/glovebox" 2>/dev/null | wc -l)
	err=$("$GLOVEBOX" run --policy "$POL/minimal.json" --audit /nonexistent/dir/a.jsonl -- touch "$GB_TMP/ran" 2>&1)
	assert_eq $? 125 "unwritable --audit" || return
	assert_eq "$err" "glovebox: cannot open audit file '/nonexistent/dir/a.jsonl': No such file or directory" || return
	assert_false "nothing ran" test -e "$GB_TMP/ran" || return
	after=$(ls "$(cg2_root)/glovebox" 2>/dev/null | wc -l)
	assert_eq "$after" "$before" "no cgroup left behind" || return
}

test_name_in_use_is_refused() {
	local a=$GB_TMP/n.jsonl err
	"$GLOVEBOX" run --policy "$POL/minimal.json" --audit "$a" --name dup-name -- sleep 320 &
	local p=$!
	for i in $(seq 100); do grep -q '"event":"exec"' "$a" 2>/dev/null && break; sleep 0.05; done
	err=$(gbrun "$GB_TMP/n2.jsonl" --name dup-name -- true 2>&1)
	assert_eq $? 125 "second sandbox with the same name" || { kill -TERM $p; return 1; }
	assert_contains "$err" "sandbox name 'dup-name' is in use" || { kill -TERM $p; return 1; }
	assert_true "first sandbox still running" kill -0 $p || return
	kill -TERM $p
	wait $p
	assert_eq $? 143 "first sandbox stopped by SIGTERM" || return
}

test_max_pids_is_enforced() {
	local a=$GB_TMP/pids.jsonl n
	"$GLOVEBOX" run --policy "$POL/pids8.json" --audit "$a" -- \
		sh -c 'for i in $(seq 20); do sleep 2 & done; wait' 2>"$GB_TMP/pids.err"
	n=$(audit_query "$a" 'len([e for e in evs if e["event"]=="exec" and e["argv"][0]=="sleep"])')
	assert_true "at most 7 sleeps started (got $n)" test "$n" -le 7 || return
	assert_true "at least 1 sleep started" test "$n" -ge 1 || return
	assert_contains "$GB_TMP/pids.err" "fork" "the shell saw fork fail" || return
}

test_undeclared_limits_are_reported() {
	local a=$GB_TMP/undecl.jsonl
	gbrun "$a" -- true || return
	assert_eq "$(audit_query "$a" 'evs[0]["limits"]["filesystem"]')" '{"declared": false, "status": "undeclared", "mechanism": null}' || return
	assert_eq "$(audit_query "$a" 'evs[0]["limits"]["time"]["status"]')" enforce || return
	assert_eq "$(audit_query "$a" 'evs[0]["policy"]')" minimal || return
}

test_check_command() {
	local out
	out=$("$GLOVEBOX" check "$POL/minimal.json" policies/*.json)
	assert_eq $? 0 "good policies" || return
	assert_contains "$out" "$POL/minimal.json: ok (policy 'minimal', mode enforce; unrestricted: filesystem, exec, network)" || return
	out=$("$GLOVEBOX" check "$POL/minimal.json" "$POL/bad-prefix.json" 2>&1)
	assert_eq $? 1 "a bad policy" || return
	assert_contains "$out" "$POL/bad-prefix.json:4:17: network.connect[0]: " || return
}

test_sandbox_dies_with_glovebox() {
	local a=$GB_TMP/kill9.jsonl gpid id cg spid
	"$GLOVEBOX" run --policy "$POL/minimal.json" --audit "$a" -- sh -c "sleep 330 & echo \$! >$GB_TMP/k9pid; wait" &
	gpid=$!
	for _ in $(seq 100); do
		[ -s "$GB_TMP/k9pid" ] && break
		sleep 0.05
	done
	id=$(audit_query "$a" 'evs[0]["cgroup_id"]')
	cg=$(audit_query "$a" 'evs[0]["cgroup"]')
	spid=$(cat "$GB_TMP/k9pid")
	assert_true "sandboxed process runs" alive "$spid" || return
	kill -KILL $gpid
	wait $gpid 2>/dev/null
	for _ in $(seq 100); do
		alive "$spid" || [ -e "$cg" ] || break
		sleep 0.05
	done
	assert_false "sandboxed process killed when glovebox died" alive "$spid" || return
	for _ in $(seq 100); do
		[ -e "$cg" ] || break
		sleep 0.05
	done
	assert_false "cgroup removed by the watchdog" test -e "$cg" || return
	assert_false "sandbox removed from the BPF map" sandbox_map_has "$id" || return
}

# glovebox and its watchdog both killed at once (a service manager killing
# their whole cgroup): the sandbox is left behind until `glovebox gc`.
test_gc_removes_sandboxes_left_behind() {
	local a=$GB_TMP/gc.jsonl gpid pids id cg spid
	"$GLOVEBOX" run --policy tests/integration/policies/net.json --audit "$a" -- \
		sh -c "sleep 340 & echo \$! >$GB_TMP/gcpid; wait" &
	gpid=$!
	for _ in $(seq 100); do [ -s "$GB_TMP/gcpid" ] && break; sleep 0.05; done
	spid=$(cat "$GB_TMP/gcpid")
	id=$(audit_query "$a" 'evs[0]["cgroup_id"]')
	cg=$(audit_query "$a" 'evs[0]["cgroup"]')
	pids="$gpid $(pgrep -P $gpid -x glovebox | tr '\n' ' ')"
	kill -KILL $pids
	wait $gpid 2>/dev/null
	sleep 0.3
	assert_true "the sandboxed process outlived glovebox and the watchdog" alive "$spid" || return
	"$GLOVEBOX" gc >"$GB_TMP/gc.out"
	assert_eq $? 0 "gc exit status" || return
	assert_contains "$(cat "$GB_TMP/gc.out")" "removed 1 sandbox left behind" || return
	assert_false "process killed" alive "$spid" || return
	assert_false "cgroup removed" test -e "$cg" || return
	assert_false "sandbox removed from the BPF map" sandbox_map_has "$id" || return
	"$GLOVEBOX" gc | grep -q "removed 0 sandboxes" || { _gb_fail "a second gc found more"; return 1; }
}

test_unload_refuses_while_in_use() {
	local a=$GB_TMP/unload.jsonl gpid err
	"$GLOVEBOX" run --policy "$POL/minimal.json" --audit "$a" -- sleep 2 &
	gpid=$!
	for _ in $(seq 100); do grep -q '"event":"exec"' "$a" 2>/dev/null && break; sleep 0.05; done
	err=$("$GLOVEBOX" unload 2>&1)
	assert_eq $? 1 "unload while a sandbox runs" || return
	assert_contains "$err" "glovebox runs are using build" || return
	assert_true "pinned programs still there" test -n "$(ls /sys/fs/bpf/glovebox/)" || return
	wait $gpid
	assert_eq $? 0 "the sandbox finished normally" || return
	"$GLOVEBOX" unload
	assert_eq $? 0 "unload when idle" || return
	assert_eq "$(ls /sys/fs/bpf/glovebox/ | wc -l)" 0 "nothing pinned" || return
	"$GLOVEBOX" run --policy "$POL/minimal.json" --audit "$GB_TMP/reload.jsonl" -- true
	assert_eq $? 0 "the next run loads the programs again" || return
	assert_eq "$(audit_query "$GB_TMP/reload.jsonl" 'len([e for e in evs if e["event"]=="exec"])')" 1 "and audits" || return
}

gb_run_tests "$@"
