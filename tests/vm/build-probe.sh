#!/bin/bash
# build-probe.sh OUTDIR
#
# Build the BPF-LSM smoke test (lsm_probe.bpf.c + lsm_probe.c) into
# OUTDIR/probe/lsm_probe.  Steps: vmlinux.h -> clang -target bpf ->
# bpftool gen skeleton -> gcc ... -lbpf -lelf -lz.
#
# Environment:
#   VMLINUX_H=path  use this vmlinux.h instead of dumping the host's
#                   /sys/kernel/btf/vmlinux (CO-RE relocates either way)
#   CLANG, BPFTOOL, CC   tool overrides
# Needs: clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev gcc.
set -eu

die() { echo "build-probe: error: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
HERE=$(cd "$(dirname "$0")" && pwd)
B=$1/probe
mkdir -p "$B" || die "cannot create $B"
B=$(cd "$B" && pwd)
CLANG=${CLANG:-clang}
BPFTOOL=${BPFTOOL:-$(command -v bpftool || echo /usr/sbin/bpftool)}
CC=${CC:-gcc}
for t in "$CLANG" "$BPFTOOL" "$CC"; do
    command -v "$t" >/dev/null 2>&1 || die "missing tool: $t (apt-get install -y clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev)"
done
[ -f /usr/include/bpf/libbpf.h ] || die "missing libbpf headers (apt-get install -y libbpf-dev)"

if [ -n "${VMLINUX_H:-}" ]; then
    [ -f "$VMLINUX_H" ] || die "VMLINUX_H not found: $VMLINUX_H"
    cp "$VMLINUX_H" "$B/vmlinux.h"
elif [ ! -s "$B/vmlinux.h" ]; then
    [ -r /sys/kernel/btf/vmlinux ] || die "no /sys/kernel/btf/vmlinux on this host; set VMLINUX_H"
    "$BPFTOOL" btf dump file /sys/kernel/btf/vmlinux format c > "$B/vmlinux.h.tmp" ||
        die "bpftool btf dump of /sys/kernel/btf/vmlinux failed"
    mv "$B/vmlinux.h.tmp" "$B/vmlinux.h"
fi

"$CLANG" -target bpf -O2 -g -Wall -Werror -D__TARGET_ARCH_x86 \
    -I"$B" -c "$HERE/lsm_probe.bpf.c" -o "$B/lsm_probe.bpf.o" ||
    die "clang -target bpf failed for lsm_probe.bpf.c"
"$BPFTOOL" gen skeleton "$B/lsm_probe.bpf.o" name lsm_probe_bpf > "$B/lsm_probe.skel.h.tmp" ||
    die "bpftool gen skeleton failed"
mv "$B/lsm_probe.skel.h.tmp" "$B/lsm_probe.skel.h"
"$CC" -O2 -g -Wall -Wextra -Werror -I"$B" "$HERE/lsm_probe.c" -o "$B/lsm_probe" -lbpf -lelf -lz ||
    die "gcc failed for lsm_probe.c"
echo "build-probe: ok: $B/lsm_probe" >&2
