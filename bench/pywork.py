# SPDX-License-Identifier: MIT
"""A Python workload shaped like an agent's step: import modules, read and
hash a source tree, compile some of it, write and delete scratch files in the
workspace, query SQLite, run a few subprocesses. Run as
    python3 -I pywork.py WORKDIR
It prints "pywork_s <seconds>" (the harness times the whole process too)."""
import hashlib
import os
import sqlite3
import subprocess
import sys
import sysconfig
import time


def main():
    work = sys.argv[1]
    t0 = time.monotonic()
    import argparse, asyncio, csv, decimal, email.parser, http.client, json, xml.etree.ElementTree  # noqa

    # Read and hash the standard library three times; compile every second file.
    stdlib = sysconfig.get_paths()["stdlib"]
    h = hashlib.sha256()
    n = 0
    for _ in range(3):
        for dirpath, dirnames, filenames in os.walk(stdlib):
            dirnames[:] = [d for d in dirnames if d not in ("test", "site-packages", "dist-packages")]
            for f in filenames:
                if not f.endswith(".py"):
                    continue
                with open(os.path.join(dirpath, f), "rb") as fh:
                    src = fh.read()
                h.update(src)
                n += 1
                if n % 2 == 0:
                    try:
                        compile(src, f, "exec")
                    except (SyntaxError, ValueError):
                        pass

    # Scratch files in the workspace.
    scratch = os.path.join(work, "scratch")
    os.makedirs(scratch, exist_ok=True)
    for i in range(2000):
        with open(os.path.join(scratch, f"f{i}.json"), "w") as fh:
            json.dump({"i": i, "s": "x" * 200}, fh)
    for i in range(2000):
        with open(os.path.join(scratch, f"f{i}.json")) as fh:
            json.load(fh)
        os.unlink(os.path.join(scratch, f"f{i}.json"))
    os.rmdir(scratch)

    db = sqlite3.connect(":memory:")
    db.execute("create table t (k integer primary key, v text)")
    db.executemany("insert into t values (?, ?)", ((i, str(i) * 8) for i in range(50000)))
    db.execute("select count(*), sum(length(v)) from t where k % 7 = 0").fetchone()

    for _ in range(100):
        subprocess.run(["/bin/true"], check=True)
    print(f"pywork_s {time.monotonic() - t0:.3f} files {n}")


if __name__ == "__main__":
    main()
