#!/bin/bash
# `make bench`: build the benchmark programs, snapshot the glovebox binary and
# its BPF objects (others may rebuild ./glovebox meanwhile), and run
# bench/bench.py, which prints the table and writes .output/bench/results.md.
#
#   bench/run.sh                 full run (~5 minutes)
#   BENCH_QUICK=1 bench/run.sh   smoke run (~1.5 minutes)
#   BENCH_ONLY=launch,audit bench/run.sh   some sections only (see bench.py)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
	echo "bench: must run as root (BPF, cgroups)" >&2
	exit 1
fi
if [ ! -x ./glovebox ]; then
	echo "bench: ./glovebox is not built (run 'make' or 'make bench')" >&2
	exit 1
fi

# The launch comparison uses bwrap and firejail; a missing one is reported
# in the table as unavailable, not faked.
missing=()
command -v bwrap >/dev/null || missing+=(bubblewrap)
command -v firejail >/dev/null || missing+=(firejail)
if [ ${#missing[@]} -gt 0 ] && [ "${BENCH_NO_INSTALL:-0}" != 1 ]; then
	echo "  BENCH    installing ${missing[*]}" >&2
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null) ||
		echo "bench: could not install ${missing[*]}; continuing without" >&2
fi

make --no-print-directory -C bench

bin=.output/bench/bin
cp ./glovebox "$bin/glovebox.new" && mv "$bin/glovebox.new" "$bin/glovebox"
rm -f "$bin"/*.bpf.o
cp .output/*.bpf.o .output/bpf_build.h "$bin/"

# One benchmark at a time on this host.
exec 9>.output/bench/lock
if ! flock -n 9; then
	echo "bench: another benchmark is running (.output/bench/lock)" >&2
	exit 1
fi
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" bench/bench.py
