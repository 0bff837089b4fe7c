#!/bin/bash
# `glovebox doctor`: what this kernel can enforce, per limit. The expected
# backend comes from GB_EXPECT_BACKEND (the VM suite sets lsm); otherwise it
# is worked out from the kernel: lsm when BPF LSM programs load, else landlock.
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

expected_backend() {
	if [ -n "${GB_EXPECT_BACKEND:-}" ]; then
		echo "$GB_EXPECT_BACKEND"
	elif "$GLOVEBOX" doctor --json | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["probes"]["bpf_lsm_load_errno"] == 0 else 1)'; then
		echo lsm
	else
		echo landlock
	fi
}

test_doctor_json_names_backend_and_every_limit() {
	local out rc
	out=$("$GLOVEBOX" doctor --json)
	rc=$?
	assert_eq "$(echo "$out" | wc -l)" 1 "one JSON object" || return
	assert_eq "$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["backend"])')" "$(expected_backend)" "backend" || return
	assert_eq "$(echo "$out" | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin)["limits"])))')" \
		"audit exec filesystem network process time" "limits reported" || return
	# Exit 0 exactly when every limit is enforced.
	local all
	all=$(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(int(all(v["status"]=="enforce" for v in d["limits"].values())))')
	if [ "$all" = 1 ]; then assert_eq $rc 0 "exit status" || return; else assert_eq $rc 1 "exit status" || return; fi
	assert_eq "$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["all_enforced"])')" "$([ "$all" = 1 ] && echo True || echo False)" || return
}

test_doctor_text_matches_json() {
	local text json l st
	text=$("$GLOVEBOX" doctor)
	json=$("$GLOVEBOX" doctor --json)
	assert_contains "$text" "backend  $(expected_backend) (" || return
	for l in filesystem exec network process time audit; do
		st=$(echo "$json" | python3 -c "import json,sys; print(json.load(sys.stdin)['limits']['$l']['status'])")
		assert_true "text row for $l says $st" grep -Eq "^$l +$st " <<<"$text" || return
	done
}

test_doctor_on_this_kernel() {
	local json b
	json=$("$GLOVEBOX" doctor --json)
	b=$(expected_backend)
	q() { echo "$json" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
	assert_eq "$(q 'd["limits"]["network"]["status"]')" enforce "network (cgroup BPF)" || return
	assert_eq "$(q 'd["limits"]["time"]["status"]')" enforce "time" || return
	if [ "$b" = lsm ]; then
		assert_contains "$(q 'd["limits"]["filesystem"]["mechanism"]')" "bpf lsm" || return
		assert_contains "$(q 'd["limits"]["exec"]["mechanism"]')" "bprm_check_security" || return
		assert_contains "$(q 'd["reason"]')" "BPF LSM programs load" || return
	else
		assert_contains "$(q 'd["limits"]["filesystem"]["mechanism"]')" "landlock" || return
		assert_contains "$(q 'd["reason"]')" "lsm backend unusable" || return
		assert_true "landlock ABI probed" test "$(q 'd["probes"]["landlock_abi"]')" -ge 1 || return
	fi
}

test_doctor_bad_usage() {
	"$GLOVEBOX" doctor --bogus 2>"$GB_TMP/err"
	assert_eq $? 2 "usage error" || return
	assert_contains "$(cat "$GB_TMP/err")" "usage: glovebox doctor [--json]" || return
}

test_backend_flag() {
	local b err
	b=$(expected_backend)
	"$GLOVEBOX" run --backend "$b" --policy tests/integration/policies/minimal.json --audit "$GB_TMP/b.jsonl" -- true
	assert_eq $? 0 "run with --backend $b" || return
	assert_eq "$(audit_query "$GB_TMP/b.jsonl" 'evs[0]["backend"]')" "$b" || return
	err=$("$GLOVEBOX" run --backend bogus -- true 2>&1)
	assert_eq $? 125 "bad --backend" || return
	assert_contains "$err" "invalid --backend 'bogus'" || return
	if [ "$b" = landlock ]; then
		err=$("$GLOVEBOX" run --backend lsm --policy tests/integration/policies/minimal.json -- touch "$GB_TMP/ran" 2>&1)
		assert_eq $? 125 "--backend lsm where BPF LSM is unusable" || return
		assert_contains "$err" "backend lsm is not usable here" || return
		assert_false "nothing ran" test -e "$GB_TMP/ran" || return
	fi
}

gb_run_tests "$@"
