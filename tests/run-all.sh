#!/bin/bash
# Every suite `make test` runs, one after another; each suite's own summary
# line ("N passed, N failed, N skipped") is added up into the final line.
# usage: tests/run-all.sh OUTPUT_DIR UNIT_TEST...
cd "$(dirname "$0")/.." || exit 1
out=$1
shift

P=0 F=0 S=0
summary=()

run_suite() { # name command...
	local name=$1 log line p f s
	shift
	log=$(mktemp)
	echo "== $name"
	"$@" 2>&1 | tee "$log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	if [ -z "$line" ]; then
		echo "$name: no summary line (the suite crashed?)"
		p=0 f=1 s=0
	else
		p=$(echo "$line" | awk '{print $1}')
		f=$(echo "$line" | awk '{print $3}')
		s=$(echo "$line" | awk '{print $5}')
		s=${s:-0}
	fi
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$log"; then
		echo "$name: sanitizer report in the output"
		f=$((f + 1))
	fi
	rm -f "$log"
	P=$((P + p)) F=$((F + f)) S=$((S + s))
	summary+=("$(printf '%-34s %3d passed, %d failed, %d skipped' "$name" "$p" "$f" "$s")")
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

for t in "$@"; do
	run_suite "unit/$t" "$out/$t"
	run_suite "unit/$t (asan+ubsan)" "$out/asan/$t"
done

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: integration tests need root (cgroups, BPF)"
	S=$((S + 1))
else
	for t in tests/integration/test_*.sh; do
		n=$(basename "$t" .sh)
		run_suite "integration/$n" env GLOVEBOX=./glovebox "$t"
		run_suite "integration/$n (asan+ubsan)" env GLOVEBOX="$out/asan/glovebox" "$t"
	done
fi

# The lsm backend's suite, in a QEMU guest whose kernel loads BPF LSM
# programs (this machine's may not): it must run, never skip.
if [ "$(id -u)" = 0 ]; then
	run_suite "vm/enforce+doctor (lsm backend)" tests/vm/suite.sh
fi

echo "== summary"
printf '%s\n' "${summary[@]}"
echo "$S skipped"
echo "$P passed, $F failed"
[ "$F" = 0 ]
