#!/bin/bash
# run.sh OUTDIR
#
# Boot OUTDIR/vmlinuz + OUTDIR/initrd.gz (from fetch-kernel.sh and
# mkinitramfs.sh) under QEMU/TCG and turn the guest's result into an exit code.
#
# Serial ports:
#   ttyS0 -> OUTDIR/console.log  kernel console (+ /init's own messages)
#   ttyS1 -> OUTDIR/guest.out    output of /init-tests only, streamed to stdout
#
# Fails (non-zero) when the guest prints no "GLOVEBOX-VM-EXIT <n>" marker,
# when n != 0, when the guest exceeds VM_TIMEOUT, or when the kernel log has
# WARNING:, BUG:, Oops, Kernel panic, general protection fault or UBSAN:.
#
# Exit codes: 0 pass; guest status (1..255) when /init-tests failed;
#   124 timeout; 125 QEMU could not run; 126 marker missing (guest died);
#   127 kernel error in console.log while the tests passed.
#
# Environment:
#   VM_TESTS        passed to the guest as environment variable VM_TESTS
#                   (via the kernel command line; /init-tests may use it to
#                   select tests; use commas, not spaces)
#   VM_TIMEOUT=300  seconds before the guest is killed
#   VM_MEM=1024     guest memory (MiB)
#   VM_SMP=2        guest CPUs (multi-threaded TCG)
#   VM_APPEND       extra kernel command line arguments
#   VM_KERNEL, VM_INITRD   override OUTDIR/vmlinuz, OUTDIR/initrd.gz
#   VM_VERBOSE=1    also stream the kernel console to stderr
#   VM_ALLOW_KERNEL_ERRORS=1  report kernel errors but do not fail on them
#   QEMU=qemu-system-x86_64
set -eu

die() { echo "vm-run: error: $1" >&2; exit "${2:-125}"; }
log() { echo "vm-run: $*" >&2; }

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
OUT=$1
[ -d "$OUT" ] || die "OUTDIR not found: $OUT"
OUT=$(cd "$OUT" && pwd)
KERNEL=${VM_KERNEL:-$OUT/vmlinuz}
INITRD=${VM_INITRD:-$OUT/initrd.gz}
QEMU=${QEMU:-qemu-system-x86_64}
TIMEOUT=${VM_TIMEOUT:-300}
[ -f "$KERNEL" ] || die "kernel not found: $KERNEL (run tests/vm/fetch-kernel.sh $OUT)"
[ -f "$INITRD" ] || die "initramfs not found: $INITRD (run tests/vm/mkinitramfs.sh $OUT ...)"
command -v "$QEMU" >/dev/null 2>&1 || die "$QEMU not found (apt-get install qemu-system-x86)"
command -v timeout >/dev/null 2>&1 || die "timeout (coreutils) not found"
case $TIMEOUT in ''|*[!0-9]*) die "VM_TIMEOUT must be a number of seconds: $TIMEOUT" ;; esac

CONSOLE=$OUT/console.log
GUEST=$OUT/guest.out
QLOG=$OUT/qemu.log
rm -f "$CONSOLE" "$GUEST" "$QLOG"
: > "$CONSOLE"; : > "$GUEST"

# lsm=: bpf must be listed explicitly (Debian's default CONFIG_LSM has it
#   last, but the "lsm=" list is what gets enabled).
# panic=-1 + -no-reboot: a panic ends QEMU at once instead of hanging.
# oops=panic: an oops is fatal, so a test never limps on after a kernel bug.
APPEND="console=ttyS0 lsm=landlock,lockdown,yama,bpf panic=-1 oops=panic"
if [ -n "${VM_TESTS:-}" ]; then
    case $VM_TESTS in *[[:space:]\"]*) die "VM_TESTS must not contain spaces or quotes (use commas)" ;; esac
    APPEND="$APPEND VM_TESTS=$VM_TESTS"
fi
[ -z "${VM_APPEND:-}" ] || APPEND="$APPEND $VM_APPEND"

set -- "$QEMU" \
    -accel tcg,thread=multi -cpu max -smp "${VM_SMP:-2}" -m "${VM_MEM:-1024}" \
    -nodefaults -no-user-config -display none -monitor none -no-reboot \
    -kernel "$KERNEL" -initrd "$INITRD" -append "$APPEND" \
    -chardev "file,id=con,path=$CONSOLE" -serial chardev:con \
    -chardev "file,id=out,path=$GUEST" -serial chardev:out \
    -nic none

log "booting $(basename "$KERNEL") ($(cat "$OUT/version" 2>/dev/null || echo "unknown version")), timeout ${TIMEOUT}s"
start=$(date +%s)
timeout -k 5 "$TIMEOUT" "$@" </dev/null >"$QLOG" 2>&1 &
qpid=$!
# timeout(1) runs in its own process group, so ^C would not reach it.
trap 'kill $qpid 2>/dev/null || true' EXIT
trap 'kill $qpid 2>/dev/null; exit 130' INT TERM

# Stream the guest's test output (and optionally the console) while it runs.
# tail --pid reads the file to its end once more after QEMU has exited.
tail -n +1 -s 0.2 --pid=$qpid -f "$GUEST" | tr -d '\r' &
tpid=$!
cpid=""
if [ "${VM_VERBOSE:-0}" = 1 ]; then
    tail -n +1 -s 0.2 --pid=$qpid -f "$CONSOLE" | tr -d '\r' | sed 's/^/console| /' >&2 &
    cpid=$!
fi

set +e
wait $qpid
qrc=$?
wait $tpid
[ -z "$cpid" ] || wait $cpid
set -e
elapsed=$(( $(date +%s) - start ))

show_console_tail() {
    echo "vm-run: ---- last lines of $CONSOLE ----" >&2
    tr -d '\r' < "$CONSOLE" | tail -n "${1:-30}" >&2
    if [ -s "$QLOG" ]; then
        echo "vm-run: ---- $QLOG ----" >&2
        tail -n 10 "$QLOG" >&2
    fi
}

if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
    show_console_tail
    die "guest timed out after ${TIMEOUT}s (VM_TIMEOUT)" 124
fi

# The marker goes to ttyS1 and the console; prefer the clean channel.
marker=$(tr -d '\r' < "$GUEST" | sed -n 's/.*GLOVEBOX-VM-EXIT \([0-9][0-9]*\)$/\1/p' | tail -n1)
[ -n "$marker" ] ||
    marker=$(tr -d '\r' < "$CONSOLE" | sed -n 's/.*GLOVEBOX-VM-EXIT \([0-9][0-9]*\)$/\1/p' | tail -n1)

errors=$(tr -d '\r' < "$CONSOLE" |
    grep -nE 'WARNING:|BUG:|Oops|Kernel panic|general protection fault|UBSAN:' | head -n 20 || true)
notes=$(tr -d '\r' < "$CONSOLE" |
    grep -nE 'rcu.*(stall|detected stalls)|blocked for more than|soft lockup|hard LOCKUP|Call Trace:' | head -n 10 || true)

rc=0
if [ -z "$marker" ]; then
    show_console_tail 40
    if [ $qrc -ne 0 ] && ! grep -q 'Linux version' "$CONSOLE"; then
        die "QEMU failed (exit $qrc) before the kernel started; see $QLOG" 125
    fi
    log "FAIL: no GLOVEBOX-VM-EXIT marker: the guest died before /init finished (qemu exit $qrc)"
    rc=126
elif [ "$marker" != 0 ]; then
    log "FAIL: guest tests exited with status $marker"
    rc=$marker
fi
if [ -n "$notes" ]; then
    log "note: kernel reported (not fatal by itself):"
    echo "$notes" | sed 's/^/  console.log:/' >&2
fi
if [ -n "$errors" ]; then
    log "kernel errors in $CONSOLE:"
    echo "$errors" | sed 's/^/  console.log:/' >&2
    if [ "${VM_ALLOW_KERNEL_ERRORS:-0}" = 1 ]; then
        log "VM_ALLOW_KERNEL_ERRORS=1: not failing on them"
    else
        [ "$rc" -ne 0 ] || rc=127
        log "FAIL: kernel error in the console log"
    fi
fi
if [ "$rc" -eq 0 ]; then
    log "PASS (guest status 0, ${elapsed}s)"
else
    log "logs: $CONSOLE $GUEST"
fi
exit "$rc"
