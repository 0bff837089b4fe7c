#!/bin/sh
# Guest-side script (installed as /init-tests by selftest.sh): run the BPF-LSM
# smoke test and the feature probes.  VM_PROBE_ARGS (kernel command line)
# adds options, e.g. VM_PROBE_ARGS=--verbose for libbpf/verifier logs.
set -u
echo "== lsm_probe ($(uname -r), lsm=$(cat /sys/kernel/security/lsm))"
echo "== lsm_probe" > /dev/kmsg
# shellcheck disable=SC2086  # word splitting of the options is intended
lsm_probe --strict ${VM_PROBE_ARGS:-} /tmp
rc=$?
echo "== lsm_probe exit $rc"
if [ $rc -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $rc
