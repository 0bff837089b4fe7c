#!/bin/bash
# mkinitramfs.sh OUTDIR INIT_SCRIPT [BINARY[:DEST]]...
#
# Build OUTDIR/initrd.gz: a busybox-static initramfs that boots straight into
# the test script.
#
#   INIT_SCRIPT  shell script installed as /init-tests; /init runs it with
#                `sh /init-tests` after mounting proc, sysfs, devtmpfs,
#                securityfs, bpffs, cgroup2, tracefs and debugfs.  Its exit
#                status is reported on the serial line as
#                "GLOVEBOX-VM-EXIT <status>" and the VM powers off.
#   BINARY       executables to include, installed as /usr/local/bin/<name>
#                (or at DEST when given as SRC:DEST).  Their shared libraries
#                (from ldd) and the dynamic loader are copied at their real
#                paths, with the paths ldd printed as symlinks to them.
#
# Environment:
#   VM_EXTRA="src:dst ..."  extra files or directories to copy into the image
#                           (a directory's contents land in dst; dst is an
#                           absolute path inside the guest).
#   VM_MODULES="veth ..."   kernel modules to include and modprobe at boot,
#                           with their dependencies; needs OUTDIR/modroot from
#                           fetch-kernel.sh (or VM_MODROOT=dir).
#   BUSYBOX=path            busybox binary (default: busybox in PATH); must be
#                           static (Debian package busybox-static).
set -eu

die() { echo "mkinitramfs: error: $*" >&2; exit 1; }
log() { echo "mkinitramfs: $*" >&2; }

[ $# -ge 2 ] || die "usage: $0 OUTDIR INIT_SCRIPT [BINARY[:DEST]]..."
OUT=$1; INIT_SCRIPT=$2; shift 2

for t in cpio gzip ldd find sort; do
    command -v "$t" >/dev/null 2>&1 || die "missing tool: $t"
done
BUSYBOX=${BUSYBOX:-$(command -v busybox || true)}
{ [ -n "$BUSYBOX" ] && [ -x "$BUSYBOX" ]; } || die "busybox not found (apt-get install busybox-static)"
if ldd "$BUSYBOX" >/dev/null 2>&1; then
    die "$BUSYBOX is dynamically linked; install busybox-static or set BUSYBOX="
fi
[ -f "$INIT_SCRIPT" ] || die "INIT_SCRIPT not found: $INIT_SCRIPT"

mkdir -p "$OUT" || die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/glovebox-initramfs.XXXXXX") || die "mktemp failed"
tmp=""
trap 'rm -rf "$ROOT" ${tmp:+"$tmp"}' EXIT

# ---------------------------------------------------------------- skeleton
# Merged-/usr layout like Debian bookworm, so every path ldd prints resolves.
mkdir -p "$ROOT"/usr/bin "$ROOT"/usr/sbin "$ROOT"/usr/lib "$ROOT"/usr/lib64 \
         "$ROOT"/usr/local/bin "$ROOT"/usr/local/sbin
ln -s usr/bin "$ROOT/bin"
ln -s usr/sbin "$ROOT/sbin"
ln -s usr/lib "$ROOT/lib"
ln -s usr/lib64 "$ROOT/lib64"
mkdir -p "$ROOT"/proc "$ROOT"/sys "$ROOT"/dev "$ROOT"/tmp "$ROOT"/run \
         "$ROOT"/root "$ROOT"/home/user "$ROOT"/etc "$ROOT"/var/tmp "$ROOT"/mnt
chmod 1777 "$ROOT/tmp" "$ROOT/var/tmp"
chmod 0700 "$ROOT/root"

# The kernel opens /dev/console before running /init; without the node /init
# starts with no stdio (it re-opens /dev/console after mounting devtmpfs, so
# this is only best effort when not root).
mknod -m 600 "$ROOT/dev/console" c 5 1 2>/dev/null ||
    log "warning: cannot mknod /dev/console (not root?); /init will reopen it after devtmpfs"
mknod -m 666 "$ROOT/dev/null" c 1 3 2>/dev/null || true

cat > "$ROOT/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:unprivileged test user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat > "$ROOT/etc/group" <<'EOF'
root:x:0:
user:x:1000:
nogroup:x:65534:
EOF
chown 1000:1000 "$ROOT/home/user" 2>/dev/null || true
cat > "$ROOT/etc/hosts" <<'EOF'
127.0.0.1 localhost
::1 localhost ip6-localhost ip6-loopback
EOF
echo 'hosts: files' > "$ROOT/etc/nsswitch.conf"
echo glovebox-vm > "$ROOT/etc/hostname"

# ----------------------------------------------------------------- busybox
cp "$BUSYBOX" "$ROOT/usr/bin/busybox"
"$BUSYBOX" --list-full | while read -r applet; do
    case $applet in ''|linuxrc) continue ;; esac
    [ -e "$ROOT/$applet" ] || [ -L "$ROOT/$applet" ] || ln -s /usr/bin/busybox "$ROOT/$applet"
done
[ -e "$ROOT/bin/sh" ] || die "busybox has no sh applet"

# --------------------------------------------------- binaries + libraries
# copy_path SRC: copy host file SRC into the image at its real path and make
# SRC itself (if it is a symlink or under a symlinked dir) resolve to it.
copy_path() {
    local src=$1 real
    real=$(readlink -f "$src") || die "cannot resolve $src"
    [ -f "$real" ] || die "not a file: $src"
    if [ ! -e "$ROOT$real" ]; then
        mkdir -p "$ROOT$(dirname "$real")"
        cp "$real" "$ROOT$real"
    fi
    if [ "$src" != "$real" ] && [ ! -e "$ROOT$src" ] && [ ! -L "$ROOT$src" ]; then
        mkdir -p "$ROOT$(dirname "$src")"
        ln -s "$real" "$ROOT$src"
    fi
}

copy_libs() {
    local bin=$1 out line lib
    if ! out=$(ldd "$bin" 2>&1); then
        case $out in
            *"not a dynamic executable"*|*"statically linked"*) return 0 ;;
            *) die "ldd $bin failed: $out" ;;
        esac
    fi
    case $out in *"statically linked"*) return 0 ;; esac
    while IFS= read -r line; do
        case $line in
            *"not found"*) die "$bin needs a library that is not installed: ${line%% *}" ;;
            *linux-vdso*|*linux-gate*) continue ;;
        esac
        lib=""
        case $line in
            *" => /"*) lib=${line#* => }; lib=${lib%% (*} ;;
            *[[:space:]]/*" ("*) lib=${line#"${line%%/*}"}; lib=${lib%% (*} ;;
        esac
        [ -n "$lib" ] || continue
        copy_path "$lib"
    done <<EOF
$out
EOF
}

for spec in "$@"; do
    case $spec in
        *:*) src=${spec%%:*}; dst=${spec#*:} ;;
        *) src=$spec; dst=/usr/local/bin/$(basename "$spec") ;;
    esac
    [ -f "$src" ] || die "binary not found: $src"
    case $dst in /*) ;; *) die "destination must be absolute: $spec" ;; esac
    mkdir -p "$ROOT$(dirname "$dst")"
    cp "$src" "$ROOT$dst"
    chmod 0755 "$ROOT$dst"
    if head -c 4 "$src" | grep -q 'ELF'; then
        copy_libs "$src"
    fi
done

# ------------------------------------------------------------ extra trees
for spec in ${VM_EXTRA:-}; do
    case $spec in
        *:/*) src=${spec%%:*}; dst=${spec#*:} ;;
        *) die "VM_EXTRA entry must be src:/abs/dst, got: $spec" ;;
    esac
    [ -e "$src" ] || die "VM_EXTRA source not found: $src"
    if [ -d "$src" ]; then
        mkdir -p "$ROOT$dst"
        cp -a "$src/." "$ROOT$dst/"
    else
        mkdir -p "$ROOT$(dirname "$dst")"
        cp -a "$src" "$ROOT$dst"
    fi
done

# ---------------------------------------------------------- kernel modules
: > "$ROOT/etc/vm-modules"
if [ -n "${VM_MODULES:-}" ]; then
    MODROOT=${VM_MODROOT:-$OUT/modroot}
    [ -f "$OUT/kver" ] || [ -n "${VM_KVER:-}" ] || die "VM_MODULES needs OUTDIR/kver (run fetch-kernel.sh OUTDIR) or VM_KVER"
    KVER=${VM_KVER:-$(cat "$OUT/kver")}
    MODDIR=$MODROOT/lib/modules/$KVER
    [ -f "$MODDIR/modules.dep" ] || die "no $MODDIR/modules.dep (run fetch-kernel.sh OUTDIR)"
    mkdir -p "$ROOT/lib/modules/$KVER"
    : > "$ROOT/lib/modules/$KVER/modules.dep"
    for m in $VM_MODULES; do
        name=$(echo "$m" | tr - _)
        # modules.dep keys use the file name, which may spell - or _.
        line=$(awk -v n="$name" -F: '{ f=$1; sub(".*/", "", f); sub("\\.ko.*$", "", f); gsub("-", "_", f);
                                        if (f == n) { print; exit } }' "$MODDIR/modules.dep")
        if [ -z "$line" ]; then
            if grep -q "/$name.ko\$\|/$(echo "$m" | tr _ -).ko\$" "$MODDIR/modules.builtin" 2>/dev/null; then
                log "module $m is built into the kernel; skipping"
                continue
            fi
            die "kernel module not found: $m (not in $MODDIR/modules.dep)"
        fi
        grep -qxF "$line" "$ROOT/lib/modules/$KVER/modules.dep" || echo "$line" >> "$ROOT/lib/modules/$KVER/modules.dep"
        for f in $(echo "$line" | tr -d :); do
            mkdir -p "$ROOT/lib/modules/$KVER/$(dirname "$f")"
            cp "$MODDIR/$f" "$ROOT/lib/modules/$KVER/$f"
            # each dependency also needs its own modules.dep line for modprobe
            dl=$(grep "^$f:" "$MODDIR/modules.dep" || true)
            [ -z "$dl" ] || grep -qxF "$dl" "$ROOT/lib/modules/$KVER/modules.dep" ||
                echo "$dl" >> "$ROOT/lib/modules/$KVER/modules.dep"
        done
        echo "$m" >> "$ROOT/etc/vm-modules"
    done
fi

# ------------------------------------------------------------------- /init
cp "$INIT_SCRIPT" "$ROOT/init-tests"
chmod 0755 "$ROOT/init-tests"

cat > "$ROOT/init" <<'INIT'
#!/bin/sh
# /init generated by tests/vm/mkinitramfs.sh (busybox sh, PID 1).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C
umask 022
cd /

devtmpfs=0
mount -t devtmpfs -o mode=0755,nosuid devtmpfs /dev 2>/dev/null && devtmpfs=1
exec </dev/console >/dev/console 2>&1

say() { echo "init: $*"; }
fatal=0
mnt() { # mnt required|optional TYPE DIR [OPTIONS]
    _req=$1 _type=$2 _dir=$3 _opt=${4:-}
    mkdir -p "$_dir"
    if ! mount -t "$_type" ${_opt:+-o "$_opt"} "$_type" "$_dir"; then
        say "mount $_type on $_dir failed"
        [ "$_req" = optional ] || fatal=1
    fi
}
mnt required proc /proc nosuid,nodev,noexec
mnt required sysfs /sys nosuid,nodev,noexec
[ "$devtmpfs" = 1 ] || mnt required devtmpfs /dev mode=0755,nosuid
mkdir -p /dev/pts /dev/shm
mnt optional devpts /dev/pts gid=5,mode=620,ptmxmode=666
mnt optional tmpfs /dev/shm mode=1777,nosuid,nodev
mnt optional tmpfs /run mode=0755,nosuid,nodev
mnt optional tmpfs /tmp mode=1777,nosuid,nodev
mnt required securityfs /sys/kernel/security
mnt required bpf /sys/fs/bpf mode=0700
mnt required cgroup2 /sys/fs/cgroup nsdelegate
mnt optional tracefs /sys/kernel/tracing
mnt optional debugfs /sys/kernel/debug
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
hostname glovebox-vm
chown 1000:1000 /home/user
ip link set lo up || say "ip link set lo up failed"

# Test output channel: run.sh attaches a second serial port (ttyS1) so test
# output is not interleaved with kernel messages on the console (ttyS0).
# VM_OUT may be given on the kernel command line to override.
if [ -z "${VM_OUT:-}" ]; then
    VM_OUT=/dev/console
    if [ -c /dev/ttyS1 ] && [ "$(cat /sys/class/tty/ttyS1/type 2>/dev/null)" != 0 ]; then
        VM_OUT=/dev/ttyS1
    fi
fi
case $VM_OUT in
    /dev/ttyS*) stty -F "$VM_OUT" -opost -echo 2>/dev/null || true ;;
esac
export VM_OUT

out() { echo "$*" > "$VM_OUT"; [ "$VM_OUT" = /dev/console ] || echo "$*"; }

status=0
lsm=$(cat /sys/kernel/security/lsm 2>/dev/null || echo "?")
out "init: kernel $(uname -r), lsm=$lsm, cpus=$(nproc)"

if [ "$fatal" != 0 ]; then
    out "init: a required filesystem failed to mount"
    status=120
fi
case ",$lsm," in
    *,bpf,*) ;;
    *) [ "$status" != 0 ] || { out "init: bpf is not an active LSM (need lsm=...,bpf on the kernel command line)"; status=121; } ;;
esac
if [ "$status" = 0 ] && [ -s /etc/vm-modules ]; then
    while read -r m; do
        modprobe "$m" || { out "init: modprobe $m failed"; status=122; }
    done < /etc/vm-modules
fi

if [ "$status" = 0 ]; then
    echo "init: running /init-tests" > /dev/kmsg 2>/dev/null || true
    sh /init-tests </dev/null >"$VM_OUT" 2>&1
    status=$?
    echo "init: /init-tests exited $status" > /dev/kmsg 2>/dev/null || true
fi

out "GLOVEBOX-VM-EXIT $status"
sync
poweroff -f
echo o > /proc/sysrq-trigger
sleep 5
INIT
chmod 0755 "$ROOT/init"

# ------------------------------------------------------------------ pack
tmp=$(mktemp "$OUT/initrd.gz.XXXXXX") || die "mktemp in $OUT failed"
(cd "$ROOT" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
    cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) |
    gzip -n -6 > "$tmp" || die "cpio/gzip of the initramfs failed"
chmod 0644 "$tmp"
mv "$tmp" "$OUT/initrd.gz"
tmp=""
log "ok: $OUT/initrd.gz ($(du -k "$OUT/initrd.gz" | cut -f1) KiB, $(find "$ROOT" | wc -l) entries)"
