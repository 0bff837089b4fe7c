#!/bin/bash
# suite.sh: run the enforcement suite (tests/integration/test_enforce.sh) and
# `glovebox doctor` checks inside a QEMU guest whose kernel has BPF LSM
# (Debian's cloud kernel, see README.md), on the lsm backend by default.
#
# Steps: build ./glovebox and the suite's helpers, fetch the kernel
# (fetch-kernel.sh, cached in .output/vm), pack an initramfs with the binaries,
# bash, python3 and its standard library, bpftool and a copy of the
# repository's tests, policies and docs (mkinitramfs.sh), boot it (run.sh)
# with tests/vm/enforce-init.sh as the test script, and report.
#
# Exit status: run.sh's: 0 when every check passed (known gaps allowed) and
# the kernel logged no WARNING/BUG; the guest's status when tests failed;
# 124 timeout, 126 the guest died, 127 kernel error; 1 when a build step failed.
#
# Environment:
#   VM_BACKEND=lsm         GB_BACKEND in the guest (lsm or landlock)
#   VM_SUITES=enforce,net,doctor  comma-separated suites: enforce, net, doctor, run
#   VM_TESTS=a,b           only tests whose names contain a or b
#   VM_RUN_FLAGS=--x,--y   options added to every `glovebox run` in the guest
#                          (e.g. --allow-degraded)
#   VM_OUTDIR              initramfs and logs (default .output/vm/enforce)
#   VM_KERNEL_DIR          kernel cache (default .output/vm, shared with selftest.sh)
#   VM_TIMEOUT=900, VM_MEM=1024, VM_SMP, VM_VERBOSE: as for run.sh
set -eu

die() { echo "vm-suite: error: $*" >&2; exit 1; }
log() { echo "vm-suite: $*" >&2; }

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
KDIR=${VM_KERNEL_DIR:-$REPO/.output/vm}
OUT=${VM_OUTDIR:-$REPO/.output/vm/enforce}
BACKEND=${VM_BACKEND:-lsm}
case $BACKEND in lsm | landlock) ;; *) die "VM_BACKEND must be lsm or landlock, got '$BACKEND'" ;; esac
for v in VM_SUITES VM_TESTS VM_RUN_FLAGS; do
	case ${!v:-} in *[[:space:]\"]*) die "$v must not contain spaces or quotes (use commas)" ;; esac
done
PY=$(readlink -f /usr/bin/python3) || die "no /usr/bin/python3 (apt-get install python3)"
PYLIB=/usr/lib/$(basename "$PY")
[ -f "$PYLIB/os.py" ] || die "no Python standard library at $PYLIB"
BPFTOOL=$(command -v bpftool || echo /usr/sbin/bpftool)
[ -x "$BPFTOOL" ] || die "bpftool not found (apt-get install bpftool)"

t0=$(date +%s)
make -C "$REPO" --no-print-directory glovebox >/dev/null || die "make glovebox failed"
mkdir -p "$REPO/.output/tests"
for p in gbtry marker; do
	"${CC:-gcc}" -O2 -g -Wall -Wextra -Werror -o "$REPO/.output/tests/$p" "$REPO/tests/integration/enforce/$p.c" ||
		die "cannot build tests/integration/enforce/$p.c"
done
t1=$(date +%s)
"$HERE/fetch-kernel.sh" "$KDIR" || die "fetch-kernel.sh failed"
t2=$(date +%s)

# The guest's files besides the binaries: the repository's tests, policies
# and docs under /glovebox, Python's standard library (without the parts
# that only matter for building or testing Python itself).
mkdir -p "$OUT"
STAGE=$OUT/stage
rm -rf "$STAGE"
mkdir -p "$STAGE/glovebox/tests" "$STAGE/usr/bin" "$STAGE/usr/lib"
cp -a "$REPO/tests/integration" "$REPO/tests/policies" "$STAGE/glovebox/tests/"
cp -a "$REPO/policies" "$REPO/docs" "$STAGE/glovebox/" 2>/dev/null || cp -a "$REPO/policies" "$STAGE/glovebox/"
tar -C /usr/lib -cf - \
	--exclude='config-*' --exclude=test --exclude=tests --exclude=idlelib --exclude=tkinter \
	--exclude=turtledemo --exclude=lib2to3 --exclude=pydoc_data --exclude=ensurepip \
	--exclude=distutils --exclude=dist-packages --exclude='_test*' --exclude='xxlimited*' \
	"$(basename "$PYLIB")" | tar -C "$STAGE/usr/lib" -xf - || die "cannot copy $PYLIB"
ln -s "$(basename "$PY")" "$STAGE/usr/bin/python3"

# Binaries (with their libraries): never onto a busybox applet's name, which
# mkinitramfs.sh would write through the applet's symlink into busybox.
bins=(
	"$REPO/glovebox:/glovebox/glovebox"
	"$REPO/.output/tests/gbtry:/glovebox/.output/tests/gbtry"
	"$REPO/.output/tests/marker:/glovebox/.output/tests/marker"
	"$(readlink -f /usr/bin/bash):/usr/bin/bash"
	"$PY:/usr/bin/$(basename "$PY")"
	"$BPFTOOL:/usr/sbin/bpftool"
)
for b in nohup pgrep; do # test_run.sh uses them; busybox-static lacks them
	p=$(command -v $b) && bins+=("$(readlink -f "$p"):/usr/local/bin/$b")
done
applets=" $(busybox --list-full 2>/dev/null | tr '\n' ' ') "
for b in "${bins[@]}"; do
	case $applets in *" ${b#*:/} "*) die "${b#*:} is a busybox applet; install it elsewhere" ;; esac
done
VM_EXTRA="$STAGE:/" "$HERE/mkinitramfs.sh" "$OUT" "$HERE/enforce-init.sh" "${bins[@]}" ||
	die "mkinitramfs.sh failed"
rm -rf "$STAGE"
cp "$KDIR/version" "$OUT/version" 2>/dev/null || true
t3=$(date +%s)

append="VM_BACKEND=$BACKEND VM_SUITES=${VM_SUITES:-enforce,net,doctor}"
[ -z "${VM_RUN_FLAGS:-}" ] || append="$append VM_RUN_FLAGS=$VM_RUN_FLAGS"
[ -z "${VM_APPEND:-}" ] || append="$append $VM_APPEND"
rc=0
VM_KERNEL=$KDIR/vmlinuz VM_TIMEOUT=${VM_TIMEOUT:-900} VM_APPEND=$append "$HERE/run.sh" "$OUT" || rc=$?
t4=$(date +%s)

log "initramfs $(du -k "$OUT/initrd.gz" | cut -f1) KiB; build $((t1 - t0))s, kernel $((t2 - t1))s," \
	"initramfs $((t3 - t2))s, boot+run $((t4 - t3))s"
summary=$(tr -d '\r' <"$OUT/guest.out" | sed -n '/^== summary/,$p' | grep -E 'known gaps|passed, ' || true)
if [ -n "$summary" ]; then
	log "guest (GB_BACKEND=$BACKEND): $(echo "$summary" | tr '\n' ';' | sed 's/;$//; s/;/; /')"
fi
exit $rc
