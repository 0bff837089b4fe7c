#!/bin/sh
# Guest side of tests/vm/suite.sh, installed as /init-tests (busybox sh).
# Runs `glovebox doctor` checks, then the integration suites, from the copy
# of the repository at /glovebox, and ends with the summary lines:
#   N known gaps
#   N passed, N failed, N skipped
# Exit status 0 only if nothing failed (and the kernel logged no WARNING or
# BUG while the suites ran).
#
# Settings come from the kernel command line (run.sh / VM_APPEND); lists use
# commas, since the command line cannot hold spaces:
#   VM_BACKEND=lsm        GB_BACKEND for the suites (lsm or landlock)
#   VM_SUITES=enforce,net,doctor  suites to run: tests/integration/test_<name>.sh
#   VM_TESTS=a,b          only the tests whose names contain a or b
#   VM_RUN_FLAGS=--x,--y  GB_RUN_FLAGS: options added to every `glovebox run`
#   VM_DUMP_AUDIT=1       GB_DUMP_AUDIT: print each test's decision events
set -u
cd /glovebox || { echo "enforce-init: no /glovebox in the image"; exit 1; }

BACKEND=${VM_BACKEND:-lsm}
SUITES=$(echo "${VM_SUITES:-enforce,net,doctor}" | tr , ' ')
NAMES=$(echo "${VM_TESTS:-}" | tr , ' ')
GB_RUN_FLAGS=$(echo "${VM_RUN_FLAGS:-}" | tr , ' ')
GB_BACKEND=$BACKEND
GB_EXPECT_BACKEND=$BACKEND
GB_DUMP_AUDIT=${VM_DUMP_AUDIT:-0}
GLOVEBOX=./glovebox
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export GB_EXPECT_BACKEND GB_BACKEND GB_RUN_FLAGS GB_DUMP_AUDIT GLOVEBOX PATH

P=0 F=0 S=0 G=0
LOGF=/tmp/enforce-init.log

mark() {
	echo "$*"
	echo "$*" > /dev/kmsg 2>/dev/null || true
}

kernel_errors() {
	dmesg 2>/dev/null | grep -cE 'WARNING:|BUG:|Oops|general protection fault|UBSAN:'
}

# Add the last "N passed, N failed, N skipped" and "N known gaps" of $LOGF.
add_summary() { # name
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOGF" | tail -n 1)
	if [ -z "$line" ]; then
		echo "enforce-init: $1: no summary line (the suite crashed?)"
		F=$((F + 1))
		return
	fi
	# shellcheck disable=SC2086  # split "N passed, N failed, N skipped" into words
	set -- $line
	P=$((P + $1)) F=$((F + $3)) S=$((S + ${5:-0}))
	gaps=$(sed -n 's/^\([0-9][0-9]*\) known gaps$/\1/p' "$LOGF" | tail -n 1)
	G=$((G + ${gaps:-0}))
}

# ---------------------------------------------------------------- doctor
mark "== glovebox doctor (GB_BACKEND=$BACKEND)"
./glovebox doctor
echo "doctor exit $?"
./glovebox doctor --json > /tmp/doctor.json 2>/tmp/doctor.err
python3 - "$BACKEND" /tmp/doctor.json > "$LOGF" 2>&1 <<'PY'
import json, sys
want = sys.argv[1]
checks = []
try:
    d = json.load(open(sys.argv[2]))
except Exception as e:
    print(f"FAIL doctor_json: {e}")
    print("0 passed, 1 failed, 0 skipped")
    sys.exit(0)
p = d["probes"]
checks.append(("doctor_json", True, ""))
checks.append(("doctor_kernel_has_btf", p.get("btf") is True, f"btf={p.get('btf')}"))
checks.append(("doctor_bpf_lsm_listed", p.get("bpf_lsm_listed") is True, f"bpf_lsm_listed={p.get('bpf_lsm_listed')}"))
checks.append(("doctor_cgroup2", p.get("cgroup2") is True, f"cgroup2={p.get('cgroup2')}"))
if want == "lsm":
    checks.append(("doctor_backend_lsm", d.get("backend") == "lsm",
                   f"backend={d.get('backend')} ({d.get('reason')})"))
    checks.append(("doctor_all_enforced", d.get("all_enforced") is True,
                   ", ".join(f"{k}: {v['status']}" for k, v in d["limits"].items() if v["status"] != "enforce")))
else:
    checks.append(("doctor_landlock_abi", p.get("landlock_abi", 0) > 0, f"landlock_abi={p.get('landlock_abi')}"))
ok = 0
for name, passed, why in checks:
    print(("ok   " if passed else "FAIL ") + name + ("" if passed else ": " + why))
    ok += passed
print(f"{ok} passed, {len(checks) - ok} failed, 0 skipped")
PY
cat "$LOGF"
add_summary doctor

# ---------------------------------------------------------------- suites
for s in $SUITES; do
	t=tests/integration/test_$s.sh
	if [ ! -f "$t" ]; then
		echo "enforce-init: no suite $t"
		F=$((F + 1))
		continue
	fi
	before=$(kernel_errors)
	mark "== test_$s (GB_BACKEND=$BACKEND${NAMES:+, tests: $NAMES}${GB_RUN_FLAGS:+, run flags: $GB_RUN_FLAGS})"
	start=$(date +%s)
	if [ "$s" = enforce ] || [ -z "$NAMES" ]; then
		# test_enforce.sh takes several names; the others one at a time.
		# shellcheck disable=SC2086
		bash "$t" $NAMES > "$LOGF" 2>&1
		cat "$LOGF"
		add_summary "test_$s"
	else
		for n in $NAMES; do
			bash "$t" "$n" > "$LOGF" 2>&1
			cat "$LOGF"
			add_summary "test_$s $n"
		done
	fi
	after=$(kernel_errors)
	mark "== test_$s done in $(( $(date +%s) - start ))s"
	if [ "$after" != "$before" ]; then
		echo "enforce-init: the kernel logged WARNING/BUG lines during test_$s:"
		dmesg | grep -E 'WARNING:|BUG:|Oops|general protection fault|UBSAN:' | tail -n 5
		F=$((F + 1))
	fi
done

echo "== summary (GB_BACKEND=$BACKEND)"
echo "$G known gaps"
echo "$P passed, $F failed, $S skipped"
[ "$F" = 0 ]
