#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Summarise glovebox audit streams, one block per sandbox.

usage: summary.py [--json] [--top N] [--sandbox NAME] [FILE ...]

Reads audit JSON lines (docs/audit-schema.md) from each FILE in turn, or from
standard input when no FILE is given or FILE is "-". Lines that are not audit
events (a command's own stderr mixed into the stream, say) are skipped and
counted. Prints, per sandbox: the command, policy, mode, duration, exit status
and reason, event counts, decisions by limit and verdict, the denied (and
would-be-denied) actions, lost events and the containment figure.

Containment = denied / (denied + audited) decisions: of the actions the policy
objected to, the share that was actually stopped. 100% in enforce mode, 0% in
audit mode; anything in between means some objections were only reported
(a limit running audit-only). "n/a" when the policy objected to nothing.

Exit status: 0, or 1 if the input held no audit events, or 2 if a file could
not be read or the arguments are wrong.

Standard library only.
"""
import argparse
import calendar
import json
import shlex
import signal
import sys
import time

# Verdicts of decision events (docs/audit-schema.md, "Decision events").
OBJECTED = ("deny", "audit")


def ts_to_ns(ts):
    """RFC 3339 UTC timestamp with up to 9 fractional digits -> ns, or None."""
    if not isinstance(ts, str) or not ts.endswith("Z") or len(ts) < 20:
        return None
    try:
        secs = calendar.timegm(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        return None
    frac = ts[19:-1]
    if frac.startswith("."):
        digits = frac[1:]
        if not digits.isdigit() or len(digits) > 9:
            return None
        return secs * 1_000_000_000 + int(digits.ljust(9, "0"))
    return secs * 1_000_000_000 if frac == "" else None


def fmt_duration(ns):
    if ns is None:
        return "unknown"
    if ns < 1_000_000_000:
        return "%.1f ms" % (ns / 1e6)
    s = ns / 1e9
    if s < 60:
        return "%.2f s" % s
    m, s = divmod(int(s), 60)
    h, m = divmod(m, 60)
    return "%dh %02dm %02ds" % (h, m, s) if h else "%dm %02ds" % (m, s)


def signal_name(n):
    try:
        return signal.Signals(n).name
    except (ValueError, TypeError):
        return None


def decision_object(ev):
    """What a decision event acted on, as one short string."""
    if "addr" in ev:
        addr = str(ev.get("addr"))
        if ":" in addr:
            addr = "[%s]" % addr
        obj = "%s:%s" % (addr, ev.get("port", "?"))
        if ev.get("proto") in ("tcp", "udp"):
            obj += "/" + ev["proto"]
        return obj
    if "path" in ev:
        obj = str(ev["path"])
        if "target" in ev:
            obj += " -> " + str(ev["target"])
        return obj
    if "target_pid" in ev:
        obj = "pid %s" % ev["target_pid"]
        if "signal" in ev:
            obj += " signal %s" % ev["signal"]
        return obj
    if isinstance(ev.get("flags"), int):
        return "flags 0x%x" % ev["flags"]
    if "domain" in ev:
        return "domain %s type %s" % (ev.get("domain"), ev.get("type", "?"))
    if "cmd" in ev:
        return "cmd %s" % ev["cmd"]
    return str(ev.get("syscall", "-"))


class Sandbox:
    def __init__(self, name, source):
        self.name = name
        self.source = source  # file the first line came from
        self.start = None     # the sandbox_start event
        self.end = None       # the sandbox_end event
        self.first_ns = None
        self.last_ns = None
        self.counts = {}
        self.decisions = {}   # limit -> verdict -> n
        self.objections = {}  # (verdict, op, object, rule, binary) -> [n, first ts]
        self.lost = 0
        self.timebox = None
        self.interrupted = None

    def add(self, ev):
        kind = ev["event"]
        self.counts[kind] = self.counts.get(kind, 0) + 1
        ns = ts_to_ns(ev.get("ts"))
        if ns is not None:
            self.first_ns = ns if self.first_ns is None else min(self.first_ns, ns)
            self.last_ns = ns if self.last_ns is None else max(self.last_ns, ns)
        if kind == "sandbox_start":
            self.start = ev
        elif kind == "sandbox_end":
            self.end = ev
            if isinstance(ev.get("lost"), int):
                self.lost = max(self.lost, ev["lost"])
        elif kind == "lost":
            if isinstance(ev.get("total"), int):
                self.lost = max(self.lost, ev["total"])
        elif kind == "timebox":
            self.timebox = ev
        elif kind == "interrupted":
            self.interrupted = ev
        if "verdict" in ev and "limit" in ev:
            limit, verdict = str(ev["limit"]), str(ev["verdict"])
            by = self.decisions.setdefault(limit, {})
            by[verdict] = by.get(verdict, 0) + 1
            if verdict in OBJECTED:
                key = (verdict, str(ev.get("op", "?")), decision_object(ev),
                       str(ev.get("rule", "?")), ev.get("binary"))
                entry = self.objections.setdefault(key, [0, ev.get("ts")])
                entry[0] += 1

    def total(self, verdict):
        return sum(v.get(verdict, 0) for v in self.decisions.values())

    def containment(self):
        denied, audited = self.total("deny"), self.total("audit")
        if denied + audited == 0:
            return None
        return denied / (denied + audited)

    def missing_lines(self):
        """Events sandbox_end says were written but the input does not have."""
        written = (self.end or {}).get("counts")
        if not isinstance(written, dict):
            return 0
        return sum(max(0, n - self.counts.get(kind, 0))
                   for kind, n in written.items() if isinstance(n, int))

    def weak_limits(self):
        """Declared limits this run could not enforce or could not report."""
        limits = (self.start or {}).get("limits") or {}
        return [(lim, st.get("status")) for lim, st in limits.items()
                if isinstance(st, dict) and st.get("status") in ("unenforced", "unaudited")]

    def duration_ns(self):
        s = self.start and ts_to_ns(self.start.get("ts"))
        e = self.end and ts_to_ns(self.end.get("ts"))
        if s is not None and e is not None:
            return e - s
        return None

    def command(self):
        argv = self.start.get("argv") if self.start else None
        if isinstance(argv, list):
            return shlex.join(str(a) for a in argv)
        return None

    def short_command(self, width=160):
        """The command on one line, cut to width characters."""
        cmd = self.command()
        if cmd is None:
            return None
        cmd = cmd.replace("\n", "\\n").replace("\t", "\\t")
        return cmd if len(cmd) <= width else cmd[:width - 3] + "..."

    def result(self):
        """Exit status and reason, in words."""
        if not self.end:
            return "no sandbox_end: glovebox still running, killed, or the stream is cut short"
        st, reason = self.end.get("exit_status"), self.end.get("reason")
        words = "exit status %s (%s)" % (st, reason)
        if reason == "exec_failed":
            words += {125: ": sandbox set-up failed", 126: ": not executable",
                      127: ": command not found"}.get(st, "")
        elif isinstance(st, int) and 128 < st < 128 + 65 and reason in ("exit", "signal"):
            name = signal_name(st - 128)
            if name:
                words += ": %s %s" % ("killed by" if reason == "exit" else "glovebox got", name)
        elif reason == "timebox":
            words += ": killed when the timebox ended"
        return words

    def to_json(self):
        start = self.start or {}
        objections = [
            {"verdict": k[0], "op": k[1], "object": k[2], "rule": k[3], "binary": k[4],
             "count": v[0], "first_ts": v[1]}
            for k, v in self.objections.items()
        ]
        c = self.containment()
        return {
            "sandbox": self.name,
            "source": self.source,
            "policy": start.get("policy"),
            "policy_file": start.get("policy_file"),
            "mode": start.get("mode"),
            "backend": start.get("backend"),
            "workspace": start.get("workspace"),
            "cgroup_id": start.get("cgroup_id"),
            "argv": start.get("argv"),
            "command": self.command(),
            "limits": start.get("limits"),
            "start": start.get("ts"),
            "end": self.end.get("ts") if self.end else None,
            "duration_ms": None if self.duration_ns() is None else self.duration_ns() / 1e6,
            "complete": self.start is not None and self.end is not None,
            "exit_status": self.end.get("exit_status") if self.end else None,
            "reason": self.end.get("reason") if self.end else None,
            "started": self.end.get("started") if self.end else None,
            "counts": self.counts,
            "decisions": self.decisions,
            "denied": self.total("deny"),
            "audited": self.total("audit"),
            "allowed": self.total("allow"),
            "denied_actions": objections,
            "containment": c,
            "lost": self.lost,
            "file_reads": self.end.get("file_reads") if self.end else None,
            "weak_limits": dict(self.weak_limits()),
            "missing_lines": self.missing_lines(),
            "timebox": ({k: self.timebox.get(k) for k in ("action", "elapsed_ms", "wall_ms")}
                        if self.timebox else None),
            "interrupted": self.interrupted.get("signal_name") if self.interrupted else None,
            "malformed": self.counts.get("malformed", 0),
        }


def read_stream(f, source, sandboxes, open_by_name, stats):
    for line in f:
        line = line.strip()
        if not line:
            continue
        try:
            ev = json.loads(line)
        except ValueError:
            stats["ignored"] += 1
            continue
        if not isinstance(ev, dict) or not isinstance(ev.get("event"), str) \
                or not isinstance(ev.get("sandbox"), str):
            stats["ignored"] += 1
            continue
        stats["events"] += 1
        name = ev["sandbox"]
        sb = open_by_name.get(name)
        # A sandbox name can be used again by a later run (--name): a new
        # sandbox_start, or any event after a sandbox_end, starts a new record.
        if sb is None or ev["event"] == "sandbox_start" or sb.end is not None:
            sb = Sandbox(name, source)
            sandboxes.append(sb)
            open_by_name[name] = sb
        sb.add(ev)


def pct(x):
    """A share as a percentage that never rounds to 0% or 100% unless exact."""
    if x is None:
        return "n/a"
    if x in (0, 1):
        return "%.0f%%" % (100 * x)
    return "%.1f%%" % min(max(100 * x, 0.1), 99.9)


def print_text(sandboxes, stats, top, out):
    w = out.write
    for i, sb in enumerate(sandboxes):
        if i:
            w("\n")
        start = sb.start or {}
        w("sandbox %s\n" % sb.name)
        if not sb.start:
            w("  (no sandbox_start in the input: the stream starts part-way)\n")
        rows = []
        if sb.command() is not None:
            rows.append(("command", sb.short_command()))
        if start:
            pol = "%s (%s)" % (start.get("policy"), start.get("policy_file"))
            rows.append(("policy", pol))
            rows.append(("mode", "%s, backend %s" % (start.get("mode"), start.get("backend"))))
            limits = start.get("limits") or {}
            by_status = {}
            for lim, st in limits.items():
                if isinstance(st, dict):
                    by_status.setdefault(st.get("status", "?"), []).append(lim)
            order = ["enforce", "audit", "unenforced", "unaudited", "undeclared"]
            statuses = sorted(by_status, key=lambda st: (order.index(st) if st in order else len(order), st))
            if statuses:
                rows.append(("limits", "; ".join(
                    "%s: %s" % (st, ", ".join(by_status[st])) for st in statuses)))
            rows.append(("started at", start.get("ts")))
        if sb.duration_ns() is not None:
            rows.append(("duration", fmt_duration(sb.duration_ns())))
        elif sb.first_ns is not None and sb.last_ns is not None:
            rows.append(("duration", "at least %s (first to last event seen)"
                         % fmt_duration(sb.last_ns - sb.first_ns)))
        else:
            rows.append(("duration", "unknown"))
        rows.append(("result", sb.result()))
        if sb.timebox:
            rows.append(("timebox", "%s after %s ms (wall %s ms)" % (
                sb.timebox.get("action"), sb.timebox.get("elapsed_ms"), sb.timebox.get("wall_ms"))))
        if sb.interrupted:
            rows.append(("interrupted", "glovebox got %s" % sb.interrupted.get("signal_name")))
        rows.append(("events", ", ".join("%s %d" % kv for kv in sb.counts.items())))
        if sb.decisions:
            rows.append(("decisions", "; ".join(
                "%s: %s" % (lim, ", ".join("%s %d" % kv for kv in sorted(v.items())))
                for lim, v in sorted(sb.decisions.items()))))
        else:
            rows.append(("decisions", "none"))
        denied, audited = sb.total("deny"), sb.total("audit")
        rows.append(("containment", "%s (%d denied, %d audited only)" % (
            pct(sb.containment()), denied, audited)))
        if sb.end and isinstance(sb.end.get("file_reads"), int):
            rows.append(("file reads", "%d allowed read-only opens (counted, not listed)" % sb.end["file_reads"]))
        weak = sb.weak_limits()
        if weak:
            rows.append(("warning", "not enforced or not reported: %s; containment cannot see these"
                         % ", ".join("%s (%s)" % kv for kv in weak)))
        if sb.missing_lines():
            rows.append(("warning", "%d events glovebox wrote are not in the input (a cut or filtered file?)"
                         % sb.missing_lines()))
        lost = "%d" % sb.lost
        if sb.lost:
            lost += " (the kernel could not deliver these: counts above are lower bounds)"
        rows.append(("lost", lost))
        if sb.counts.get("malformed"):
            rows.append(("malformed", "%d records glovebox could not decode" % sb.counts["malformed"]))
        width = max(len(k) for k, _ in rows)
        for k, v in rows:
            w("  %-*s  %s\n" % (width, k, v))
        if sb.objections:
            items = sorted(sb.objections.items(), key=lambda kv: (kv[1][1] or "", kv[0]))
            w("  denied / would be denied (%d distinct):\n" % len(items))
            for (verdict, op, obj, rule, binary), (n, _) in items[:top]:
                line = "    %-5s %-8s %-28s rule %s" % (verdict, op, obj, rule)
                if binary:
                    line += "  by %s" % binary
                if n > 1:
                    line += "  x%d" % n
                w(line + "\n")
            if len(items) > top:
                w("    ... and %d more (--top to show more)\n" % (len(items) - top))
    if len(sandboxes) > 1:
        denied = sum(sb.total("deny") for sb in sandboxes)
        audited = sum(sb.total("audit") for sb in sandboxes)
        lost = sum(sb.lost for sb in sandboxes)
        c = denied / (denied + audited) if denied + audited else None
        w("\n%d sandboxes: %d denied, %d audited only, containment %s, %d events lost\n" % (
            len(sandboxes), denied, audited, pct(c), lost))
    if stats["ignored"]:
        w("(%d input lines were not audit events and were skipped)\n" % stats["ignored"])


def main(argv):
    ap = argparse.ArgumentParser(
        prog="summary.py",
        description="Summarise glovebox audit streams (JSON lines), one block per sandbox.",
        epilog="examples:\n"
               "  summary.py audit.jsonl\n"
               "  summary.py --json runs/*.jsonl > summary.json\n"
               "  glovebox run -- make 2>&1 >/dev/null | summary.py\n",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", metavar="FILE", help='audit files; "-" or none: standard input')
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    ap.add_argument("--top", type=int, default=20, metavar="N",
                    help="list at most N distinct denied actions per sandbox (default 20)")
    ap.add_argument("--sandbox", metavar="NAME", help="only the sandbox(es) with this name")
    args = ap.parse_args(argv)
    if args.top < 0:
        ap.error("--top must be 0 or more")

    sandboxes, open_by_name = [], {}
    stats = {"events": 0, "ignored": 0}
    for path in args.files or ["-"]:
        if path == "-":
            read_stream(sys.stdin, "<stdin>", sandboxes, open_by_name, stats)
            continue
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                read_stream(f, path, sandboxes, open_by_name, stats)
        except OSError as e:
            print("summary.py: cannot read '%s': %s" % (path, e.strerror), file=sys.stderr)
            return 2
    if args.sandbox is not None:
        sandboxes = [sb for sb in sandboxes if sb.name == args.sandbox]

    if args.json:
        denied = sum(sb.total("deny") for sb in sandboxes)
        audited = sum(sb.total("audit") for sb in sandboxes)
        json.dump({
            "sandboxes": [sb.to_json() for sb in sandboxes],
            "totals": {
                "sandboxes": len(sandboxes),
                "denied": denied,
                "audited": audited,
                "containment": denied / (denied + audited) if denied + audited else None,
                "lost": sum(sb.lost for sb in sandboxes),
            },
            "ignored_lines": stats["ignored"],
        }, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif sandboxes:
        print_text(sandboxes, stats, args.top, sys.stdout)
    else:
        print("no audit events%s" % (" for sandbox '%s'" % args.sandbox if args.sandbox else ""))
    return 0 if sandboxes else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:
        sys.exit(130)
