#!/bin/bash
# fetch-kernel.sh OUTDIR
#
# Resolve the newest Debian bookworm "cloud" kernel (unsigned image package),
# download it with apt-get, and extract into OUTDIR:
#   OUTDIR/vmlinuz        bootable bzImage
#   OUTDIR/config         the kernel's /boot/config-*
#   OUTDIR/kver           its `uname -r` string (e.g. 6.1.0-56-cloud-amd64)
#   OUTDIR/version        "<package>=<debian version>" that was extracted
#   OUTDIR/modroot/       a root holding lib/modules/<kver>/ plus modules.dep
#                         (only needed for modular drivers such as veth, dummy)
#
# Cached: if OUTDIR/vmlinuz exists and OUTDIR/version equals the resolved
# package=version, nothing is downloaded.  If apt cannot resolve a package
# (no network, no lists) but a cached kernel exists, the cache is used.
#
# Environment:
#   KERNEL_PKG   force a package name (e.g. linux-image-6.1.0-56-cloud-amd64-unsigned)
#   APT_UPDATE=1 run `apt-get update` before resolving (default: only when
#                apt-cache knows no cloud kernel at all)
set -eu

die() { echo "fetch-kernel: error: $*" >&2; exit 1; }
log() { echo "fetch-kernel: $*" >&2; }

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
OUT=$1
mkdir -p "$OUT" || die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)

# Serialise concurrent fetches into the same OUTDIR (parallel make).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$OUT/.fetch.lock"
    flock 9 || die "cannot lock $OUT/.fetch.lock"
fi

for t in apt-cache apt-get dpkg-deb; do
    command -v "$t" >/dev/null 2>&1 || die "missing tool: $t (this needs a Debian host)"
done

# Print "<name>=<version>" for the newest cloud kernel, or nothing.
resolve() {
    local pkg="" ver=""
    if [ -n "${KERNEL_PKG:-}" ]; then
        pkg=$KERNEL_PKG
    else
        # 1) The metapackage points at the current ABI; its -unsigned twin
        #    has the same vmlinuz without the shim/signing dependencies.
        local dep
        dep=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
              sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-cloud-amd64\)$/\1/p' | head -n1)
        if [ -n "$dep" ] && apt-cache show "$dep-unsigned" >/dev/null 2>&1; then
            pkg=$dep-unsigned
        else
            # 2) Fall back to the highest ABI among the unsigned images.
            pkg=$(apt-cache search --names-only '^linux-image-[0-9.]+-[0-9]+-cloud-amd64-unsigned$' 2>/dev/null |
                  awk '{print $1}' | sort -V | tail -n1)
        fi
    fi
    [ -n "$pkg" ] || return 0
    ver=$(apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | head -n1)
    [ -n "$ver" ] && [ "$ver" != "(none)" ] || return 0
    echo "$pkg=$ver"
}

if [ "${APT_UPDATE:-0}" = 1 ]; then
    log "apt-get update"
    apt-get update -qq >/dev/null || die "apt-get update failed"
fi
want=$(resolve)
if [ -z "$want" ] && [ "${APT_UPDATE:-0}" != 1 ]; then
    log "no cloud kernel known to apt-cache; running apt-get update"
    if apt-get update -qq >/dev/null 2>&1; then want=$(resolve); fi
fi

have=""
[ -f "$OUT/version" ] && have=$(cat "$OUT/version")

if [ -z "$want" ]; then
    if [ -s "$OUT/vmlinuz" ] && [ -n "$have" ]; then
        log "warning: cannot resolve a kernel package with apt; using cached $have"
        want=$have
    else
        die "cannot resolve ${KERNEL_PKG:-linux-image-*-cloud-amd64-unsigned} with apt-cache (apt-get update? mirror reachable?)"
    fi
fi

show_config() {
    local cfg=$1 opt val
    log "kernel config ($(cat "$OUT/kver")):"
    for opt in CONFIG_BPF_SYSCALL CONFIG_BPF_LSM CONFIG_BPF_JIT CONFIG_DEBUG_INFO_BTF \
               CONFIG_CGROUPS CONFIG_CGROUP_BPF CONFIG_SECURITY CONFIG_SECURITYFS \
               CONFIG_SECURITY_LANDLOCK CONFIG_SECURITY_NETWORK CONFIG_SECURITY_PATH \
               CONFIG_DEVTMPFS CONFIG_VETH CONFIG_DUMMY CONFIG_NET_CLS_BPF; do
        val=$(sed -n "s/^$opt=//p" "$cfg" | head -n1)
        [ -n "$val" ] || val="not set"
        printf '  %-26s %s\n' "$opt" "$val" >&2
    done
    val=$(sed -n 's/^CONFIG_LSM=//p' "$cfg")
    printf '  %-26s %s\n' CONFIG_LSM "${val:-not set}" >&2
    for opt in CONFIG_BPF_SYSCALL CONFIG_BPF_LSM CONFIG_DEBUG_INFO_BTF CONFIG_CGROUPS \
               CONFIG_SECURITY_LANDLOCK CONFIG_SECURITYFS; do
        grep -q "^$opt=y" "$cfg" || die "$opt is not =y in $(cat "$OUT/version"): BPF-LSM tests cannot run on it"
    done
}

if [ -s "$OUT/vmlinuz" ] && [ "$have" = "$want" ] && [ -f "$OUT/config" ] && [ -f "$OUT/kver" ]; then
    log "cached: $want ($OUT/vmlinuz)"
    show_config "$OUT/config"
    exit 0
fi

pkg=${want%%=*}
log "downloading $want"
dl="$OUT/.download"
rm -rf "$dl"
mkdir -p "$dl"
# _apt cannot write to a root-owned dir: let it (avoids the "unsandboxed" warning)
chmod 0777 "$dl" 2>/dev/null || true
(cd "$dl" && apt-get download -q "$want" >/dev/null) || die "apt-get download $want failed"
deb=$(find "$dl" -maxdepth 1 -name "*.deb" | head -n1)
[ -n "$deb" ] || die "apt-get download $want produced no .deb"

log "extracting $(basename "$deb")"
tree="$dl/tree"
dpkg-deb -x "$deb" "$tree" || die "dpkg-deb -x $deb failed"
img=$(find "$tree/boot" -maxdepth 1 -name "vmlinuz-*" 2>/dev/null | head -n1)
[ -n "$img" ] || die "no /boot/vmlinuz-* in $pkg"
kver=${img##*/vmlinuz-}
[ -f "$tree/boot/config-$kver" ] || die "no /boot/config-$kver in $pkg"
[ -d "$tree/lib/modules/$kver" ] || die "no /lib/modules/$kver in $pkg"

rm -rf "$OUT/modroot" "$OUT/vmlinuz" "$OUT/version"
mkdir -p "$OUT/modroot/lib/modules"
mv "$tree/lib/modules/$kver" "$OUT/modroot/lib/modules/$kver"
cp "$tree/boot/config-$kver" "$OUT/config"
echo "$kver" > "$OUT/kver"
# modules.dep is normally generated by depmod at install time; busybox's
# depmod is enough (host kmod is not required).
if command -v depmod >/dev/null 2>&1; then
    depmod -b "$OUT/modroot" "$kver" || die "depmod failed for $kver"
elif command -v busybox >/dev/null 2>&1; then
    busybox depmod -b "$OUT/modroot" "$kver" || die "busybox depmod failed for $kver"
else
    log "warning: no depmod/busybox: modules.dep not generated (VM_MODULES will not work)"
fi
cp "$img" "$OUT/vmlinuz.tmp" && mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
echo "$want" > "$OUT/version"
rm -rf "$dl"
log "ok: $want -> $OUT/vmlinuz (kernel $kver)"
show_config "$OUT/config"
