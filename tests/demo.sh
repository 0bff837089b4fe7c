#!/bin/bash
# `make demo`: a small agent-like task in a sandbox under the embedded default
# policy, with the audit stream shown as it happens and a summary at the end.
GLOVEBOX=$(realpath "${1:-./glovebox}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ws=$(mktemp -d /tmp/glovebox-demo.XXXXXX)
audit=$ws.audit.jsonl
trap 'rm -rf "$ws" "$audit"' EXIT

cat >"$ws/task.sh" <<'TASK'
say() { printf '\n\033[1m[agent] %s\033[0m\n' "$*"; }
say "writing a program in the workspace and running it"
printf 'print("hello from inside the sandbox")\n' >hello.py
python3 hello.py
say "listing the workspace"
ls -l
say "reading /etc/shadow (the policy denies it)"
cat /etc/shadow >/dev/null && echo "read it" || echo "-> refused"
say "writing outside the workspace: /etc/agent-was-here"
touch /etc/agent-was-here && echo "wrote it" || echo "-> refused"
say "connecting to a service on the internet: 1.1.1.1:443"
python3 -c 'import socket; s=socket.socket(); s.settimeout(2); s.connect(("1.1.1.1", 443))' 2>/dev/null \
	&& echo "connected" || echo "-> refused"
say "connecting to loopback (allowed by the default policy): 127.0.0.1:9"
python3 -c 'import socket; s=socket.socket(); s.connect(("127.0.0.1", 9))' 2>&1 | tail -1
say "starting a background process that would outlive the task"
(setsid sleep 600 &)
say "done"
TASK

echo "glovebox demo: running 'sh task.sh' in $ws under the default policy"
echo "audit stream (JSON lines) follows on stderr, interleaved with the task's output"
echo
cd "$ws" || exit 1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
"$GLOVEBOX" run --workspace "$ws" --audit - -- sh task.sh
status=$?
echo
echo "glovebox exited with status $status"
if [ -x "$ROOT/dashboards/summary.py" ] || [ -f "$ROOT/dashboards/summary.py" ]; then
	"$GLOVEBOX" run --workspace "$ws" --audit "$audit" -- sh task.sh >/dev/null 2>&1
	echo
	echo "summary of a second, quiet run (dashboards/summary.py):"
	python3 "$ROOT/dashboards/summary.py" "$audit"
fi
[ -e /etc/agent-was-here ] && echo "the sandbox wrote /etc/agent-was-here: NOT contained" && rm -f /etc/agent-was-here
exit $status
