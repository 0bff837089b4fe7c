#!/bin/bash
# selftest.sh [OUTDIR]   (default: .output/vm under the repository root)
#
# End-to-end check of the VM harness itself: fetch the kernel, build the
# BPF-LSM probe, pack it into an initramfs with probe-init.sh as the test
# script, boot it, and require "LSM-PROBE OK".
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../.output/vm}
mkdir -p "$OUT"

t0=$(date +%s)
"$HERE/fetch-kernel.sh" "$OUT"
t1=$(date +%s)
"$HERE/build-probe.sh" "$OUT"
t2=$(date +%s)
"$HERE/mkinitramfs.sh" "$OUT" "$HERE/probe-init.sh" "$OUT/probe/lsm_probe"
t3=$(date +%s)
rc=0
"$HERE/run.sh" "$OUT" || rc=$?
t4=$(date +%s)
echo "selftest: fetch $((t1 - t0))s, build $((t2 - t1))s, initramfs $((t3 - t2))s, boot+run $((t4 - t3))s" >&2
if [ $rc -ne 0 ]; then
    echo "selftest: error: VM run failed (exit $rc)" >&2
    exit $rc
fi
grep -qx 'LSM-PROBE OK' "$OUT/guest.out" || { echo "selftest: error: no 'LSM-PROBE OK' in $OUT/guest.out" >&2; exit 1; }
echo "selftest: LSM-PROBE OK" >&2
