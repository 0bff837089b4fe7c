# SPDX-License-Identifier: MIT
"""glovebox benchmarks: what a sandbox costs, measured against a baseline
taken in the same run.

Started by bench/run.sh (`make bench`), which builds the C programs first.
Every figure that has a baseline is measured interleaved with it (baseline,
subject, baseline, subject, ... or round-robin over several subjects), and
reported as the median of the per-round ratios with their spread, next to
the absolute medians.

Environment:
  BENCH_QUICK=1        smaller counts and fewer rounds (a smoke run, ~1.5 min)
  BENCH_ONLY=a,b       run only these sections: launch, breakdown, actions,
                       host, work, audit, scale
  BENCH_SCALE_N=N      sandboxes in the scale section (default 1000; 100 quick)
  BENCH_NO_UNLOAD=1    never run `glovebox unload` (skips cold-start and
                       host-tax-when-unloaded figures)

Output: the table on stdout; .output/bench/results.md (table and machine
description) and .output/bench/results.json (every sample)."""
import datetime
import json
import os
import platform
import re
import resource
import select
import shutil
import signal
import statistics
import subprocess
import threading
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, ".output", "bench")
BIN = os.path.join(OUT, "bin")
POL = os.path.join(OUT, "policies")
TMP = os.path.join(OUT, "tmp")
TREE = os.path.join(OUT, "tree")
WORK = os.path.join(OUT, "work")  # workspace of the per-action runs
GB = os.path.join(BIN, "glovebox")
QUICK = os.environ.get("BENCH_QUICK") == "1"
ONLY = {s for s in os.environ.get("BENCH_ONLY", "").split(",") if s}
NO_UNLOAD = os.environ.get("BENCH_NO_UNLOAD") == "1"
SECTIONS = ["launch", "breakdown", "actions", "host", "work", "audit", "scale"]

# Counts: (full, quick).
def q(full, quick):
    return quick if QUICK else full

RULE_COUNTS = [10, 1000, 10000]
OPS_N = dict(open=q(200000, 40000), stat=q(200000, 40000), connect=q(20000, 4000), forkexec=q(1000, 150))
DENY_PORT = 9999  # gen.json allows 127.0.0.1:1-1000 only

rows = []        # the table
raw = {}         # every sample, for results.json
notes = []       # things the reader must know (unavailable tools, degraded runs)
gb_extra = []    # extra `glovebox run` options (--allow-degraded if needed)
t_start = time.monotonic()


def log(msg):
    print(f"  BENCH    {msg}", file=sys.stderr, flush=True)


# ---------- formatting and statistics ----------

def fmt_ns(ns):
    if ns is None:
        return "—"
    a = abs(ns)
    if a >= 1e9:
        return f"{ns / 1e9:.2f} s"
    if a >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if a >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def quantile(v, p):
    v = sorted(v)
    if not v:
        return None
    k = (len(v) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def spread(v):
    """IQR with 8 or more samples, else min-max; as text."""
    if not v:
        return "—"
    if len(v) >= 8:
        return f"{quantile(v, 0.25):.3f}–{quantile(v, 0.75):.3f} (IQR)"
    return f"{min(v):.3f}–{max(v):.3f} (min–max)"


def add_row(section, figure, value, base=None, ratios=None, deltas=None, n=None, fmt=fmt_ns, note=""):
    rows.append(dict(section=section, figure=figure,
                     value=fmt(value) if not isinstance(value, str) else value,
                     base=fmt(base) if base is not None and not isinstance(base, str) else (base or "—"),
                     delta=fmt(statistics.median(deltas)) if deltas else "—",
                     ratio=f"{statistics.median(ratios):.3f}" if ratios else "—",
                     spread=spread(ratios) if ratios else "—",
                     n=str(n if n is not None else (len(ratios) if ratios else "")), note=note))


def paired(section, figure, subj, base, note="", fmt=fmt_ns):
    """subj and base: lists of samples, index = round."""
    pairs = [(s, b) for s, b in zip(subj, base) if s is not None and b is not None and b > 0]
    if not pairs:
        add_row(section, figure, "unavailable", note=note)
        return None
    ratios = [s / b for s, b in pairs]
    add_row(section, figure, statistics.median([s for s, _ in pairs]),
            statistics.median([b for _, b in pairs]), ratios=ratios,
            deltas=[s - b for s, b in pairs], note=note, fmt=fmt)
    return statistics.median(ratios)


# ---------- running things ----------

def run(argv, check=True, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    p = subprocess.run(argv, text=True, **kw)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {p.returncode}: {p.stderr.strip()[-2000:]}")
    return p


def kv(text):
    """'key value' lines -> dict of floats (or strings)."""
    d = {}
    for line in text.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2:
            try:
                d[parts[0]] = float(parts[1])
            except ValueError:
                d[parts[0]] = parts[1]
    return d


def gb_run(cmd, policy=None, mode=None, audit=None, workspace=WORK, name=None, timeout="10m", backend=None):
    argv = [GB, "run", "--workspace", workspace, "--audit", audit or os.devnull, "--timeout", timeout]
    if backend:
        argv += ["--backend", backend]
    if policy:
        argv += ["--policy", policy]
    if mode:
        argv += ["--mode", mode]
    if name:
        argv += ["--name", name]
    return argv + gb_extra + ["--"] + cmd


def audit_summary(path):
    """sandbox_start limits, sandbox_end, and event counts of an audit file."""
    start = end = None
    counts = {}
    with open(path, "rb") as f:
        for line in f:
            if b'"event":"sandbox_start"' in line:
                start = json.loads(line)
            elif b'"event":"sandbox_end"' in line:
                end = json.loads(line)
            else:
                m = re.search(rb'"event":"([a-z_]+)"', line)
                if m:
                    counts[m.group(1).decode()] = counts.get(m.group(1).decode(), 0) + 1
    return start, end, counts


def mechanisms(start):
    if not start or "limits" not in start:
        return "?"
    parts = []
    for lim in ("filesystem", "exec", "network", "process"):
        v = start["limits"].get(lim, {})
        if v.get("declared"):
            mech = v.get("mechanism") or "none"
            parts.append(f"{lim}: {v.get('status')} ({mech.split(' (')[0]})")
    return "; ".join(parts)


def ops_cmd(which=("open", "stat", "connect", "forkexec"), scale=1.0):
    n = {k: int(OPS_N[k] * scale) if k in which else 0 for k in OPS_N}
    return [os.path.join(BIN, "ops"), "all", os.path.join(WORK, "file"),
            str(n["open"]), str(n["stat"]), str(n["connect"]), str(n["forkexec"])]


SETTLE_S = 0.2  # before each measured run: let the last sandbox's teardown finish in the kernel


def ops_outside(which=("open", "stat", "connect", "forkexec"), scale=1.0, landlock=None):
    """landlock: a rules file (see ops.c): run inside a bare Landlock domain."""
    time.sleep(SETTLE_S)
    env = dict(os.environ, OPS_LANDLOCK=landlock) if landlock else None
    return kv(run(ops_cmd(which, scale), env=env).stdout)


def landlock_rules(policy_path):
    """The filesystem rules of a policy as an OPS_LANDLOCK file."""
    with open(policy_path) as f:
        fs = json.load(f).get("filesystem", {})
    path = os.path.join(TMP, os.path.basename(policy_path) + ".landlock")
    with open(path, "w") as f:
        for key, kind in (("read", "r"), ("exec", "x"), ("write", "w")):
            for p in fs.get(key, []):
                f.write(f"{kind} {p.replace('${WORKSPACE}', WORK)}\n")
    return path


def ops_inside(policy, mode=None, which=("open", "stat", "connect", "forkexec"), scale=1.0, tag="ops",
               backend=None):
    audit = os.path.join(TMP, f"{tag}.jsonl")
    if os.path.exists(audit):
        os.unlink(audit)
    time.sleep(SETTLE_S)
    p = run(gb_run(ops_cmd(which, scale), policy=policy, mode=mode, audit=audit, backend=backend))
    start, end, _ = audit_summary(audit)
    os.unlink(audit)
    r = kv(p.stdout)
    r["_mech"] = mechanisms(start)
    r["_lost"] = (end or {}).get("lost", 0)
    return r


def pin_dir():
    with open(os.path.join(BIN, "bpf_build.h")) as f:
        return "/sys/fs/bpf/glovebox/" + re.search(r'"([0-9a-f]+)"', f.read()).group(1)


def try_unload(attempts=5):
    """`glovebox unload`, when no sandbox of any build is registered (other
    people's tests run on this host too): True if everything is unloaded."""
    for _ in range(attempts):
        if not sandboxes_running() and run([GB, "unload"], check=False).returncode == 0:
            root = "/sys/fs/bpf/glovebox"
            if not os.path.isdir(root) or not os.listdir(root):
                return True
        time.sleep(2)
    return False


def sandboxes_running():
    """Registered sandboxes of any glovebox build on this host (others' tests too)."""
    n = 0
    root = "/sys/fs/bpf/glovebox"
    for b in os.listdir(root) if os.path.isdir(root) else []:
        p = run(["bpftool", "map", "dump", "pinned", f"{root}/{b}/gb_sandboxes", "-j"], check=False)
        if p.returncode == 0:
            try:
                n += len(json.loads(p.stdout))
            except ValueError:
                pass
    return n


# ---------- setup ----------

def write_policy(name, doc):
    path = os.path.join(POL, f"{name}.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    return path


def base_filesystem(extra_read=()):
    """The default policy's filesystem section, plus running the benchmark's
    own programs (BIN) and reading extra_read."""
    return {
        "read": ["/usr", "/etc", "/lib", "/lib64", "/bin", "/sbin", "/opt", "/proc", "/sys",
                 "/dev", "/run", "${WORKSPACE}"] + list(extra_read),
        "write": ["${WORKSPACE}", "/tmp", "/dev/null", "/dev/tty", TMP],
        "exec": ["/usr/bin", "/usr/sbin", "/usr/lib", "/usr/libexec", "/usr/local/bin", "/bin",
                 "/sbin", "/lib", "/lib64", BIN],
        "deny": ["/etc/shadow", "/etc/gshadow", "/root/.ssh"],
    }


def net_rules(n):
    """n distinct connect rules 10.0.x.y/32:443/tcp. Nothing ever connects
    to them: they only fill the LPM trie."""
    return [f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}:443/tcp" for i in range(n)]


def make_policies():
    os.makedirs(POL, exist_ok=True)
    pols = {}
    for n in RULE_COUNTS:
        # "n rules": n network.connect entries (LPM trie) and n
        # filesystem.read entries (Landlock rules on real directories).
        pols[f"full-{n}"] = write_policy(f"full-{n}", {
            "version": 1, "name": f"bench-full-{n}", "mode": "enforce",
            "filesystem": base_filesystem([os.path.join(TREE, f"d{i:05d}") for i in range(n)]),
            "network": {"connect": ["127.0.0.0/8", "::1"] + net_rules(n), "bind": ["127.0.0.0/8", "::1"]},
            "process": {"max_pids": 1024}, "time": {"wall": "10m"}})
        # Network only: the cgroup BPF programs are the only enforcement.
        pols[f"net-{n}"] = write_policy(f"net-{n}", {
            "version": 1, "name": f"bench-net-{n}",
            "network": {"connect": ["127.0.0.0/8", "::1"] + net_rules(n), "bind": ["127.0.0.0/8", "::1"]},
            "time": {"wall": "10m"}})
    pols["gen"] = write_policy("gen", {
        "version": 1, "name": "bench-gen",
        "network": {"connect": ["127.0.0.1:1-1000"]}, "time": {"wall": "10m"}})
    return pols


def make_tree():
    os.makedirs(TREE, exist_ok=True)
    for i in range(max(RULE_COUNTS)):
        d = os.path.join(TREE, f"d{i:05d}")
        if not os.path.isdir(d):
            os.mkdir(d)


def preflight(pols):
    """Find out whether `glovebox run` needs --allow-degraded here."""
    for label, pol in (("default", None), ("full-10", pols["full-10"])):
        p = run(gb_run(["/bin/true"], policy=pol), check=False)
        if p.returncode == 125 and "--allow-degraded" in p.stderr and "--allow-degraded" not in gb_extra:
            gb_extra.append("--allow-degraded")
            notes.append(f"`glovebox run` refused the {label} policy on this host ({p.stderr.strip().splitlines()[-1]}); "
                         "every glovebox run here used --allow-degraded.")
            p = run(gb_run(["/bin/true"], policy=pol), check=False)
        if p.returncode != 0:
            raise RuntimeError(f"glovebox run -- /bin/true failed with the {label} policy "
                               f"(exit {p.returncode}): {p.stderr.strip()}")
    for name, pol in pols.items():
        p = run([GB, "check", pol], check=False)
        if p.returncode != 0:
            raise RuntimeError(f"glovebox check rejects the generated policy {pol}: {p.stderr.strip()}")


def environment():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1048576:.1f} GiB"
    rev = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], check=False).stdout.strip()
    dirty = run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], check=False).stdout.strip()
    doctor = run([GB, "doctor"], check=False).stdout
    backend = re.search(r"^backend\s+(.*)$", doctor, re.M)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    env = dict(load_start=load, date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               kernel=platform.release(), cpu=cpu, cpus=os.cpu_count(), memory=mem,
               glovebox=run([GB, "version"], check=False).stdout.strip(),
               commit=rev + (" (with uncommitted changes)" if dirty else ""),
               backend=backend.group(1).strip() if backend else "?",
               mode="quick (BENCH_QUICK=1)" if QUICK else "full")
    raw["environment"] = env
    return env


# ---------- sections ----------

def sec_launch(pols):
    """Launch latency against bare /bin/true, interleaved one launch at a time."""
    rounds = q(30, 6)
    a = lambda tag: os.path.join(TMP, f"launch-{tag}.jsonl")
    subjects = [
        ("bare /bin/true", ["/bin/true"]),
        ("unshare -r /bin/true", ["unshare", "-r", "/bin/true"]),
        ("bwrap --unshare-all /bin/true", ["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
                                           "--dev", "/dev", "--proc", "/proc", "/bin/true"]),
        ("firejail --noprofile /bin/true", ["firejail", "--noprofile", "--quiet", "/bin/true"]),
        ("glovebox run (default policy)", gb_run(["/bin/true"], audit=a("default"))),
        ("glovebox run (network-only, 10 rules)", gb_run(["/bin/true"], policy=pols["net-10"], audit=a("net10"))),
        ("glovebox run (1,000-rule policy)", gb_run(["/bin/true"], policy=pols["full-1000"], audit=a("1000"))),
        ("glovebox run (10,000-rule policy)", gb_run(["/bin/true"], policy=pols["full-10000"], audit=a("10000"))),
    ]
    ok, slow = [], []
    for name, argv in subjects:
        tool = argv[0]
        if shutil.which(tool) is None:
            notes.append(f"launch: `{name}` not measured: {tool} is not installed (apt-get install failed or was skipped).")
            add_row("launch", name, "unavailable", note=f"{tool} not installed")
            continue
        t0 = time.monotonic()
        p = run(argv, check=False)
        took = time.monotonic() - t0
        if p.returncode != 0:
            why = (p.stderr.strip().splitlines() or ["no message"])[-1]
            notes.append(f"launch: `{name}` cannot run here (exit {p.returncode}: {why}).")
            add_row("launch", name, "unavailable", note=f"exit {p.returncode}: {why[:80]}")
            continue
        # Commands that take seconds get fewer rounds of their own (with bare).
        (slow if took > 0.5 and ok else ok).append((name, argv))
    measure_launches("launch", ok, rounds, show_base=True)
    for s in slow:
        measure_launches("launch", [ok[0], s], q(5, 2))
    # How long since the previous sandbox ended matters (see BENCHMARKS.md):
    # each round is [bare, previous sandbox or a pause, subject].
    for label, pol in (("default policy", None), ("network-only, 10 rules", pols["net-10"])):
        cmd = gb_run(["/bin/true"], policy=pol)
        for when, first in (("0.3 s after the previous sandbox ended", ["sleep", "0.3"]),
                            ("right after the previous sandbox ended", cmd)):
            name = f"glovebox run ({label}), {when}"
            measure_launches("launch", [("bare /bin/true", ["/bin/true"]), ("before", first), (name, cmd)],
                             q(15, 4), in_order=True, only={name})
    for f in os.listdir(TMP):
        if f.startswith("launch-"):
            os.unlink(os.path.join(TMP, f))


def measure_launches(section, subjects, rounds, show_base=False, in_order=False, only=None):
    """Interleaved launches; the first subject is the baseline. in_order:
    every round in the order given (else rotated); only: report just these."""
    argv = [os.path.join(BIN, "launch"), str(rounds)]
    for i, (name, cmd) in enumerate(subjects):
        argv += (["::"] if i else []) + [name.replace(" ", "_")] + cmd
    log(f"{section}: {len(subjects)} commands x {rounds} rounds")
    p = run(argv, env=dict(os.environ, LAUNCH_IN_ORDER="1") if in_order else None)
    samples = {}
    for line in p.stdout.splitlines():
        name, rnd, ns, status = line.rsplit(" ", 3)
        samples.setdefault(name.replace("_", " "), {})[int(rnd)] = int(ns) if status == "0" else None
    raw.setdefault(section, {}).update({k: v for k, v in samples.items()})
    base = samples[subjects[0][0]]
    for name, _ in subjects if show_base else subjects[1:]:
        if only and name not in only:
            continue
        s = samples.get(name, {})
        bad = sum(1 for v in s.values() if v is None)
        paired(section, name, [s.get(r) for r in range(rounds)], [base.get(r) for r in range(rounds)],
               note=(f"{bad} runs failed; " if bad else "") + (f"{rounds} rounds" if rounds < q(30, 6) else ""))
    return samples


def sec_breakdown(pols):
    """Where a launch's time goes."""
    it = q(20, 5)
    log(f"breakdown: kernel operations of a launch, {it} iterations")
    p = run([os.path.join(BIN, "phases"), str(it), TREE])
    raw["phases"] = p.stdout
    for line in p.stdout.splitlines():
        if line.startswith("phase "):
            name, med, p25, p75, n = line[6:].split("\t")
            add_row("breakdown", name, float(med), n=int(n),
                    note=f"p25–p75 {fmt_ns(float(p25))}–{fmt_ns(float(p75))}")

    # glovebox's own process start and policy parsing, interleaved with bare.
    subjects = [("bare /bin/true", ["/bin/true"]), ("glovebox version (process start)", [GB, "version"])]
    subjects += [(f"glovebox check ({n}-rule policy)", [GB, "check", pols[f"full-{n}"]]) for n in RULE_COUNTS]
    measure_launches("breakdown", subjects, q(20, 5))

    # BPF load, verification and attach, in a private pin directory.
    objs = sorted(os.path.join(BIN, f) for f in os.listdir(BIN) if f.endswith(".bpf.o"))
    rounds = q(5, 2)
    log(f"breakdown: BPF load/verify/attach of {len(objs)} objects, {rounds} rounds")
    p = run([os.path.join(BIN, "bpfload"), str(rounds)] + objs)
    raw["bpfload"] = p.stdout
    per = {}  # (object, what) -> {round: ns}
    insns, skipped, rnd, progs = [], set(), {}, {}
    for line in p.stdout.splitlines():
        f = line.split()
        if f[0] == "object":
            if f[2] == "open":
                rnd[f[1]] = rnd.get(f[1], -1) + 1
            per.setdefault((f[1], f[2]), {})[rnd[f[1]]] = int(f[3])
        elif f[0] == "attach" and f[3].isdigit():
            d = per.setdefault((f[1], "attach"), {})
            d[rnd[f[1]]] = d.get(rnd[f[1]], 0) + int(f[3])
            progs.setdefault(f[1], set()).add(f[2])
        elif f[0] == "insns":
            insns.append(f"{f[1]}/{f[2]}: {f[3]} verified, {f[4]} translated")
        elif f[0] == "skip":
            skipped.add(f[1])
            notes.append(f"breakdown: {f[1]}.bpf.o does not load on this kernel ({' '.join(f[2:])}): "
                         "not used on this host, not counted.")
    total = {}
    for (obj, what), v in sorted(per.items()):
        if obj in skipped:
            continue
        label = {"open": "open (ELF, BTF)", "load": "load (maps, CO-RE, verifier)",
                 "attach": f"attach ({len(progs.get(obj, ()))} programs)"}[what]
        add_row("breakdown", f"BPF {obj}.bpf.o: {label}", statistics.median(v.values()), n=len(v))
        for r, x in v.items():
            total[r] = total.get(r, 0) + x
    if total:
        add_row("breakdown", "BPF total: open + load + attach, all objects", statistics.median(total.values()),
                n=len(total), note="private pin dir; glovebox pins once per host")
    raw["verified_insns"] = insns

    # Cold start: the first run after `glovebox unload` loads everything.
    rounds = q(5, 1)
    if NO_UNLOAD:
        notes.append("breakdown: cold start not measured (BENCH_NO_UNLOAD=1).")
        return
    cold, warm = [], []
    for r in range(rounds):
        if not try_unload():
            notes.append(f"breakdown: cold start round {r} skipped: could not unload (other sandboxes were running).")
            continue
        p = run([os.path.join(BIN, "launch"), "1", "cold", *gb_run(["/bin/true"], policy=pols["net-10"]),
                 "::", "warm", *gb_run(["/bin/true"], policy=pols["net-10"])])
        d = {l.split()[0]: int(l.split()[2]) for l in p.stdout.splitlines()}
        cold.append(d["cold"])
        warm.append(d["warm"])
    raw["cold"] = dict(cold=cold, warm=warm)
    if cold:
        paired("breakdown", "glovebox run, first after unload (loads BPF) vs next run", cold, warm,
               note="network-only policy")
    else:
        add_row("breakdown", "glovebox run, first after unload", "unavailable",
                note="unload refused: sandboxes were running")


def sec_actions(pols):
    """Per-action cost inside a sandbox against outside, round-robin."""
    rounds = q(5, 2)
    variants = [
        ("cgroup BPF only, 10 rules, enforce", pols["net-10"], None, None),
        ("cgroup BPF only, 10,000 rules, enforce", pols["net-10000"], None, None),
        ("full policy, 10 rules, enforce", pols["full-10"], None, None),
        ("full policy, 1,000 rules, enforce", pols["full-1000"], None, None),
        ("full policy, 10,000 rules, enforce", pols["full-10000"], None, None),
        ("full policy, 1,000 rules, audit mode", pols["full-1000"], "audit", None),
        # Not glovebox: the same filesystem rules as a bare Landlock domain.
        ("Landlock alone, the 1,000-rule policy's filesystem rules, no glovebox", None, None,
         landlock_rules(pols["full-1000"])),
    ]
    # Each other filesystem backend this host can run (the default one is above).
    auto = raw.get("environment", {}).get("backend", "").split(" ")[0]
    for backend in [b for b in ("lsm", "landlock") if b != auto]:
        p = run(gb_run(["/bin/true"], policy=pols["full-10"], backend=backend), check=False)
        if p.returncode == 0:
            variants.append((f"full policy, 1,000 rules, --backend {backend}", pols["full-1000"], None, backend))
        else:
            why = (p.stderr.strip().splitlines() or ["?"])[-1]
            add_row("actions", f"--backend {backend}", "unavailable", note=why[:160])
            notes.append(f"actions: --backend {backend} cannot run here: {why}")
    base = []
    res = {v[0]: [] for v in variants}
    mech = {}
    lost = 0
    for r in range(rounds):
        log(f"actions: round {r + 1}/{rounds}")
        # The baseline takes its turn in the rotation like every variant.
        order = [None] + variants
        order = order[r % len(order):] + order[:r % len(order)]
        for v in order:
            if v is None:
                base.append(ops_outside())
                continue
            name, pol, mode, backend = v
            if pol is None:
                res[name].append(ops_outside(landlock=backend))
                mech[name] = "Landlock domain set up by the benchmark itself"
                continue
            x = ops_inside(pol, mode, backend=backend)
            mech[name] = x["_mech"]
            lost += x["_lost"]
            res[name].append(x)
    raw["actions"] = dict(outside=base, inside=res, mechanisms=mech)
    if lost:
        notes.append(f"actions: {lost} audit events were lost during the per-action runs.")
    labels = dict(open="open()+close() of an allowed file", stat="stat() of an allowed file",
                  connect="connect() to a loopback listener (+accept, close)",
                  forkexec="fork+exec+wait of /bin/true")
    for op in ("open", "stat", "connect", "forkexec"):
        for name, *_ in variants:
            paired("actions", f"{labels[op]} — {name}", [x[f"{op}_ns"] for x in res[name]],
                   [b[f"{op}_ns"] for b in base])
    # Where the time goes: glovebox's BPF programs per action (a separate
    # pass with the kernel's BPF run-time statistics on).
    n_stat = dict(open=OPS_N["open"] // 2, stat=OPS_N["stat"] // 2, connect=OPS_N["connect"] // 2,
                  forkexec=OPS_N["forkexec"] // 2)
    for op in ("open", "stat", "connect", "forkexec"):
        args = [op, str(n_stat[op])] + ([os.path.join(WORK, "file")] if op in ("open", "stat") else [])
        p = run([os.path.join(BIN, "progstat")] + gb_run([os.path.join(BIN, "ops")] + args, policy=pols["full-10"]),
                check=False)
        if p.returncode != 0:
            add_row("actions", f"{labels[op]} — BPF program time", "unavailable", note=p.stderr.strip()[-120:])
            continue
        total_ns, parts = 0, []
        done = n_stat[op] + n_stat[op] // 10  # ops' warm-up runs too
        for line in p.stdout.splitlines():
            f = line.split()
            if f[0] == "prog":
                total_ns += int(f[3])
                if int(f[2]) / done >= 0.05:
                    name = "tp_sched_process_*" if f[1].startswith("tp_sched_proc") else f[1]
                    parts.append(f"{name}: {int(f[2]) / done:.2f} runs, {int(f[3]) / done:,.0f} ns")
        add_row("actions", f"{labels[op]} — time in glovebox's BPF programs per action (full policy, 10 rules)",
                total_ns / done, note="; ".join(parts))
    for name, *_ in variants:
        notes.append(f"actions: enforcement in \"{name}\": {mech.get(name, '?')}.")


def sec_host(pols):
    """What glovebox costs processes that are not sandboxed."""
    rounds = q(5, 2)
    which = ("open", "stat", "forkexec")
    # (a) While a sandbox is running (the landlock backend attaches a
    # sys_exit tracepoint while any of its sandboxes runs).
    fifo = os.path.join(TMP, "host-ready")
    during, idle = [], []
    for r in range(rounds):
        log(f"host: round {r + 1}/{rounds}")
        idle.append(ops_outside(which))
        if os.path.exists(fifo):
            os.unlink(fifo)
        os.mkfifo(fifo)
        rfd = os.open(fifo, os.O_RDWR)
        sb = subprocess.Popen(gb_run([os.path.join(BIN, "gen"), "sleep", fifo], policy=pols["full-10"]),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not select.select([rfd], [], [], 60)[0]:
            sb.kill()
            raise RuntimeError("the sandbox for the host-tax measurement did not start in 60 s")
        os.read(rfd, 1)
        during.append(ops_outside(which))
        sb.send_signal(signal.SIGTERM)
        sb.wait()
        os.close(rfd)
        os.unlink(fifo)
    raw["host_during"] = dict(idle=idle, during=during)
    for op, label in (("open", "open()+close()"), ("stat", "stat()"), ("forkexec", "fork+exec+wait")):
        paired("host", f"{label} outside any sandbox, while one full-policy sandbox runs",
               [x[f"{op}_ns"] for x in during], [x[f"{op}_ns"] for x in idle])

    # (b) Programs loaded (glovebox used once) against nothing loaded.
    if NO_UNLOAD:
        return
    loaded, unloaded = [], []
    for r in range(rounds):
        if not try_unload():
            continue
        unloaded.append(ops_outside(which))
        run(gb_run(["/bin/true"], policy=pols["net-10"]))
        loaded.append(ops_outside(which))
    raw["host_loaded"] = dict(unloaded=unloaded, loaded=loaded)
    for op, label in (("open", "open()+close()"), ("stat", "stat()"), ("forkexec", "fork+exec+wait")):
        if loaded:
            paired("host", f"{label} outside any sandbox, programs loaded vs nothing loaded",
                   [x[f"{op}_ns"] for x in loaded], [x[f"{op}_ns"] for x in unloaded])
        else:
            add_row("host", f"{label}, programs loaded vs nothing loaded", "unavailable",
                    note="could not unload: sandboxes were running")


def timed(cmd):
    """Wall time and CPU time (user + system, the whole process tree) of cmd, ns."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic_ns()
    run(cmd)
    wall = time.monotonic_ns() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, int((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1e9)


def work_rows(label, inside, outside):
    """inside/outside: lists of (wall, cpu) per round."""
    paired("work", f"{label}: wall time", [x[0] for x in inside], [x[0] for x in outside])
    paired("work", f"{label}: CPU time (user+sys, all processes)", [x[1] for x in inside], [x[1] for x in outside],
           note="steadier than wall time when other work shares the 2 CPUs")


def sec_work(pols):
    """Real work, inside against outside, interleaved."""
    # A build: glovebox itself (committed HEAD), `make -B -j2`, in a copy.
    src = os.path.join(OUT, "work-build")
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(src)
    arch = subprocess.run(["git", "-C", ROOT, "archive", "HEAD", "Makefile", "bpf", "userspace", "vmlinux",
                           "policies"], stdout=subprocess.PIPE, check=True).stdout
    subprocess.run(["tar", "-x", "-C", src], input=arch, check=True)
    targets = ["glovebox", "asan"]
    if run(["make", "-C", src, "-B", "-j2"] + targets, check=False).returncode != 0:
        targets = ["glovebox"]  # an older Makefile without the ASan build
        if run(["make", "-C", src, "-B", "-j2"] + targets, check=False).returncode != 0:
            add_row("work", "make -B -j2 (glovebox at HEAD)", "unavailable", note="build fails outside a sandbox")
            targets = None
    rounds = q(5, 1)
    if targets:
        build_pol = os.path.join(ROOT, "policies", "build.json")
        inside, outside = [], []
        for r in range(rounds):
            log(f"work: build round {r + 1}/{rounds}")
            for where in (("out", "in") if r % 2 == 0 else ("in", "out")):
                cmd = ["make", "-C", src, "-B", "-j2"] + targets
                if where == "in":
                    cmd = gb_run(cmd, policy=build_pol, workspace=src)
                (inside if where == "in" else outside).append(timed(cmd))
        raw["build"] = dict(inside=inside, outside=outside)
        work_rows(f"make -B -j2 {' '.join(targets)} (glovebox at HEAD), policies/build.json", inside, outside)

    # Python: the standard library read/hashed/compiled, files, SQLite, subprocesses.
    wp = os.path.join(OUT, "work-py")
    os.makedirs(wp, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "bench", "pywork.py"), wp)
    cmd = ["/usr/bin/python3", "-I", os.path.join(wp, "pywork.py"), wp]
    rounds = q(5, 2)
    inside, outside = [], []
    for r in range(rounds):
        log(f"work: python round {r + 1}/{rounds}")
        for where in (("out", "in") if r % 2 == 0 else ("in", "out")):
            c = gb_run(cmd, workspace=wp) if where == "in" else cmd
            (inside if where == "in" else outside).append(timed(c))
    raw["python"] = dict(inside=inside, outside=outside)
    work_rows("python3 workload (bench/pywork.py), default policy", inside, outside)


# Audit events glovebox itself writes (everything else comes from the kernel).
USERSPACE_EVENTS = {"sandbox_start", "sandbox_end", "lost", "timebox", "interrupted", "malformed", "warning"}


def audit_run(pols, rate, secs, procs, mode="net"):
    audit = os.path.join(TMP, "audit-gen.jsonl")
    if os.path.exists(audit):
        os.unlink(audit)
    gen = [os.path.join(BIN, "gen"), mode, str(rate), str(secs)]
    if mode == "net":
        gen += [str(DENY_PORT), str(procs)]
    p = run(gb_run(gen, policy=pols["gen"], audit=audit))
    g = kv(p.stdout)
    start, end, counts = audit_summary(audit)
    size = os.path.getsize(audit)
    attempts = int(g["attempts"])
    if mode == "exec":
        with open(audit, "rb") as f:
            delivered = sum(1 for l in f if b'"event":"exec"' in l and b'"binary":"/usr/bin/true"' in l)
        # Per iteration a fork, an exec and an exit; plus the generator's own
        # (glovebox's fork of it, its exec, its exit).
        expected = 3 * attempts + 3
    else:
        delivered = counts.get("network", 0)
        # One network event per attempt; plus the generator's fork, exec and
        # exit, and a fork and an exit per worker process.
        expected = attempts + 3 + 2 * procs
    os.unlink(audit)
    lost = (end or {}).get("lost", 0)
    # `lost` counts events of every kind: the exact check is over all the
    # kernel's events, not only the generator's.
    kernel = sum(v for k, v in counts.items() if k not in USERSPACE_EVENTS)
    return dict(rate=rate, procs=procs, attempts=attempts, achieved=g["rate"], secs=g["secs"],
                cpu_ns=g.get("cpu_ns"), delivered=delivered, lost=lost, bytes=size,
                kernel=kernel, expected=expected, exact=(kernel + lost == expected))


def sec_audit(pols):
    """Audit throughput: the highest event rate delivered to a file with no loss."""
    secs = q(2, 1)
    ladder = q([25000, 50000, 75000, 100000, 125000, 150000, 200000, 300000, 500000, 0],
               [50000, 150000, 500000])
    results = []
    for rate in ladder:
        procs = 1 if 0 < rate <= 100000 else 2
        log(f"audit: {rate or 'max'} events/s")
        # Twice each in a full run: a rate counts as clean only if both are.
        for _ in range(q(2, 1)):
            results.append(audit_run(pols, rate, secs, procs))
    def by_rate():
        d = {}
        for r in results:
            d.setdefault(r["rate"], []).append(r)
        return d

    # Bisect between the fastest clean rate and the slowest lossy one.
    for _ in range(q(3, 0)):
        d = by_rate()
        clean = [min(x["achieved"] for x in v) for k, v in d.items() if all(x["lost"] == 0 for x in v)]
        lo = max(clean) if clean else None
        lossy = [k for k, v in d.items() if k and any(x["lost"] for x in v) and lo and k > lo]
        if not lo or not lossy or min(lossy) - lo < 10000:
            break
        rate = int((lo + min(lossy)) / 2 / 1000) * 1000
        log(f"audit: bisect {rate} events/s")
        for _ in range(q(2, 1)):
            results.append(audit_run(pols, rate, secs, 1 if rate <= 100000 else 2))
    raw["audit"] = results
    d = by_rate()
    clean = [x for k, v in d.items() if all(y["lost"] == 0 for y in v) for x in v]
    best = max(clean, key=lambda r: r["delivered"] / r["secs"]) if clean else None
    add_row("audit", "highest rate delivered to a file with zero loss in every run at that rate",
            f"{best['delivered'] / best['secs']:,.0f} events/s" if best else "none",
            note=(f"goal 500,000/s; {best['bytes'] / best['secs'] / 1e6:.0f} MB/s of JSON lines"
                  if best else ""))
    # Sustained: clean at this rate and at every lower rate tried.
    sustained = None
    for rate in sorted(k for k in d if k):
        if any(x["lost"] for x in d[rate]):
            break
        sustained = max(d[rate], key=lambda r: r["delivered"] / r["secs"])
    add_row("audit", "sustained zero-loss rate (clean at this and every lower rate tried)",
            f"{sustained['delivered'] / sustained['secs']:,.0f} events/s" if sustained else "none")
    for rate in sorted(d, key=lambda k: (k == 0, k)):
        v = d[rate]
        req = f"{rate:,}/s" if rate else "unpaced"
        att = sum(x["attempts"] for x in v)
        dlv = sum(x["delivered"] for x in v)
        lost = sum(x["lost"] for x in v)
        kern = sum(x["kernel"] for x in v)
        exp = sum(x["expected"] for x in v)
        exact = all(x["exact"] for x in v)
        add_row("audit", f"generator {req} ({v[0]['procs']} proc, {len(v)} runs): achieved "
                f"{statistics.median(x['achieved'] for x in v):,.0f}/s, delivered "
                f"{statistics.median(x['delivered'] / x['secs'] for x in v):,.0f}/s",
                f"lost {lost:,} of {exp:,}", base="exact" if exact else "MISMATCH",
                note=f"events made = delivered + lost: {exp:,} = {kern:,} + {lost:,} ({att:,} generator "
                     f"attempts, {dlv:,} of them delivered); generator CPU "
                     f"{statistics.median(x['cpu_ns'] for x in v):,.0f} ns/attempt")
        if not exact:
            notes.append(f"audit: loss accounting mismatch at {req}: {exp} events made, {kern} delivered, "
                         f"{lost} lost.")
    # fork/exec/exit events: 3 per iteration, far below the ring's limits.
    e = audit_run(pols, 0, secs, 1, mode="exec")
    raw["audit_exec"] = e
    add_row("audit", f"fork+exec generator, unpaced: {e['achieved']:,.0f} execs/s (3 events each)",
            f"lost {e['lost']:,} of {e['expected']:,}", base="exact" if e["exact"] else "MISMATCH",
            note=f"events made = delivered + lost: {e['expected']:,} = {e['kernel']:,} + {e['lost']:,}; "
                 f"{e['delivered']:,} exec events of {e['attempts']:,} execs")


def sec_scale(pols):
    n = int(os.environ.get("BENCH_SCALE_N", q(1000, 100)))
    sp = os.path.join(POL, "scale")
    os.makedirs(sp, exist_ok=True)
    for i in range(n):
        fs = base_filesystem()
        with open(os.path.join(sp, f"scale-{i}.json"), "w") as f:
            json.dump({"version": 1, "name": f"bench-scale-{i}", "filesystem": fs,
                       "network": {"connect": ["127.0.0.0/8", f"10.1.{i >> 8 & 255}.{i & 255}:443/tcp"],
                                   "bind": ["127.0.0.0/8"]},
                       "process": {"max_pids": 64}, "time": {"wall": "10m"}}, f)
    st = os.path.join(TMP, "scale")
    shutil.rmtree(st, ignore_errors=True)
    os.makedirs(st)
    log(f"scale: starting {n} sandboxes")
    proc = subprocess.Popen([os.path.join(BIN, "scale"), str(n), GB, os.path.join(BIN, "gen"), sp, WORK,
                             pin_dir(), st], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    # Drain stderr meanwhile: every glovebox writes there (a landlock run
    # warns when its audit file is in the policy's write set, as these are),
    # and 1,000 of them fill the pipe and block before they are up.
    err_chunks = []
    err_reader = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True)
    err_reader.start()
    lines = []
    while True:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.strip() == "ready":
            break
    d = kv("".join(lines))
    # Launch and per-action cost with the sandboxes present (one more sandbox).
    during, deferred = {}, []
    if d.get("up", 0) > 0:
        log("scale: launch latency with the sandboxes present")
        mark = len(rows)
        measure_launches("scale", [("bare /bin/true", ["/bin/true"]),
                                   (f"glovebox run (network-only, 10 rules) with {int(d['up'])} others present",
                                    gb_run(["/bin/true"], policy=pols["net-10"]))], q(10, 3))
        log("scale: per-action cost with the sandboxes present")
        rounds = q(3, 1)
        inn, out = [], []
        for r in range(rounds):
            out.append(ops_outside(("connect", "forkexec"), 0.5))
            inn.append(ops_inside(pols["full-10"], which=("connect", "forkexec"), scale=0.5, tag="scale-ops"))
        during = dict(inside=inn, outside=out)
        deferred = rows[mark:]
        del rows[mark:]
    try:
        proc.stdin.write("\n")
        proc.stdin.close()
        rest = proc.stdout.read()
        proc.wait(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        rest = proc.stdout.read()
        proc.wait()
    err_reader.join(timeout=10)
    err = "".join(err_chunks)
    d.update(kv(rest))
    raw["scale"] = dict(summary=d, stderr=err[-5000:], during=during)
    up = int(d.get("up", 0))
    add_row("scale", f"{n} concurrent sandboxes (sleeping task, own policy each): started",
            f"{up} of {n}", note=f"{int(d.get('failed', 0))} failed to start" if d.get("failed") else "")
    if up:
        add_row("scale", "launch rate (all started concurrently)", f"{d['launch_rate']:,.0f} sandboxes/s",
                note=f"all up after {d['all_up_s']:.2f} s, first after {d['first_up_s'] * 1000:.0f} ms")
        add_row("scale", "kernel BPF map memory per sandbox (memlock: its ring buffer + its map entries)",
                f"{d['ring_kb_each'] + d['bpf_other_delta_kb'] / up:,.0f} KiB",
                note=f"ring {d['ring_kb_each']:,.0f} KiB + entries {d['bpf_other_delta_kb'] / up:,.1f} KiB; "
                     f"{int(d['ring_maps_delta'])} ring buffers created by this run, {int(d['ring_maps'])} in the pool")
        add_row("scale", "memory used per sandbox (MemAvailable drop, all included)",
                f"{d['mem_avail_delta_kb'] / up:,.0f} KiB",
                note=f"slab {d['slab_delta_kb'] / up:.0f} KiB, page tables {d['pagetables_delta_kb'] / up:.0f} KiB, "
                     f"kernel stacks {d['kstack_delta_kb'] / up:.0f} KiB per sandbox")
        add_row("scale", "agent memory per sandbox (glovebox and its helper processes): RSS / PSS",
                f"{d['agent_rss_kb_total'] / up:,.0f} KiB / {d['agent_pss_kb_total'] / up:,.0f} KiB",
                note=f"{d.get('agent_helpers', 0) / up:.0f} helper process(es) per sandbox")
        add_row("scale", f"stop all {up} (SIGTERM to each glovebox) until every one exited",
                f"{d.get('stop_s', 0):.2f} s", note=f"{int(d.get('exited', 0))} exited")
        left = {k: int(d.get(k, -1)) for k in ("left_cgroups", "left_pids_cgroups", "left_sandbox_entries",
                                               "left_ring_entries", "left_rule_entries")}
        clean = all(v == 0 for v in left.values()) and d.get("maps_checked") == 1
        add_row("scale", "left behind after stop: cgroups, pids cgroups, gb_sandboxes, "
                + ("gb_rings entries" if d.get("rings_by") == "id" else "ring slots claimed") + ", gb_net_rules",
                " / ".join(str(v) for v in left.values()), base="clean" if clean else "NOT CLEAN",
                note=f"still in use 5 s later: {d.get('mem_avail_after_kb', 0) / 1024:,.0f} MiB, of which BPF "
                     f"{d.get('bpf_memlock_after_delta_kb', 0) / 1024:,.0f} MiB in "
                     f"{int(d.get('ring_maps_after_delta', 0))} ring buffers kept for reuse")
        rows.extend(deferred)
        if during:
            for op, label in (("connect", "connect()"), ("forkexec", "fork+exec+wait")):
                paired("scale", f"{label} inside a sandbox with {up} others present (full policy, 10 rules)",
                       [x[f"{op}_ns"] for x in during["inside"]], [x[f"{op}_ns"] for x in during["outside"]])
    shutil.rmtree(st, ignore_errors=True)


# ---------- output ----------

def table():
    head = "| section | figure | median | baseline | Δ median | ratio median | ratio spread | n | note |"
    out = [head, "|" + "---|" * 9]
    for r in rows:
        out.append("| " + " | ".join([r["section"], r["figure"], r["value"], r["base"], r["delta"], r["ratio"],
                                      r["spread"], r["n"], r["note"]]) + " |")
    return "\n".join(out)


def main():
    for d in (POL, TMP, WORK):
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(WORK, "file"), "w") as f:
        f.write("a small file the benchmark opens and stats\n")
    make_tree()
    pols = make_policies()
    env = environment()
    stale = [b for b in os.listdir("/sys/fs/bpf/glovebox")] if os.path.isdir("/sys/fs/bpf/glovebox") else []
    mine = os.path.basename(pin_dir())
    stale = [b for b in stale if b != mine]
    if stale and not NO_UNLOAD:
        # Every build pins its own programs, and a rebuild leaves the old
        # ones attached: each would run on every event. Start clean.
        if try_unload(attempts=3):
            notes.append(f"setup: {len(stale)} other glovebox build(s) had programs loaded; unloaded them first.")
        else:
            notes.append(f"setup: {len(stale)} other glovebox build(s) have programs loaded (sandboxes running, "
                         "could not unload): their programs also run on every event here.")
    elif stale:
        notes.append(f"setup: {len(stale)} other glovebox build(s) have programs loaded (BENCH_NO_UNLOAD=1).")
    preflight(pols)
    want = [s for s in SECTIONS if not ONLY or s in ONLY]
    for s in want:
        t = time.monotonic()
        try:
            globals()[f"sec_{s}"](pols)
        except Exception as e:  # one broken section must not hide the others
            notes.append(f"{s}: section failed: {e}")
            add_row(s, "section failed", "—", note=str(e)[:200])
        log(f"{s}: {time.monotonic() - t:.0f} s")
    elapsed = time.monotonic() - t_start
    with open("/proc/loadavg") as f:
        env["load_end"] = " ".join(f.read().split()[:3])
    header = (f"glovebox benchmarks — {env['date']}, {env['mode']} run, {elapsed / 60:.1f} min\n\n"
              f"- kernel {env['kernel']}, CPU {env['cpu']} x {env['cpus']}, {env['memory']}\n"
              f"- {env['glovebox']}, commit {env['commit']}, backend: {env['backend']}\n"
              f"- load average at start {env['load_start']}, at end {env['load_end']} (other work on this host "
              f"shows up as spread)\n"
              f"- ratios: per round subject/baseline (interleaved), median and spread over rounds; "
              f"Δ: median per-round difference\n")
    text = header + "\n" + table() + "\n"
    if notes:
        text += "\nNotes:\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    with open(os.path.join(OUT, "results.md"), "w") as f:
        f.write(text)
    with open(os.path.join(OUT, "results.json"), "w") as f:
        json.dump(dict(rows=rows, notes=notes, raw=raw, elapsed_s=elapsed), f, indent=1, default=str)
    print(text)


if __name__ == "__main__":
    main()
