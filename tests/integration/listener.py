#!/usr/bin/env python3
"""Test listener: accepts TCP connections and UDP datagrams on loopback and
logs each one as a line in LOG, so tests can check what reached it.
usage: listener.py LOG PORT [PORT...]   (prints READY when listening)"""
import selectors
import socket
import sys

log = open(sys.argv[1], "a", buffering=1)
sel = selectors.DefaultSelector()
for port in map(int, sys.argv[2:]):
    for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        t = socket.socket(fam, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((addr, port))
        t.listen(16)
        sel.register(t, selectors.EVENT_READ, ("tcp", port))
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.bind((addr, port))
        sel.register(u, selectors.EVENT_READ, ("udp", port))
print("READY", flush=True)
while True:
    for key, _ in sel.select():
        proto, port = key.data
        if proto == "tcp":
            c, peer = key.fileobj.accept()
            log.write(f"tcp {port}\n")
            c.close()
        else:
            data, peer = key.fileobj.recvfrom(2048)
            log.write(f"udp {port}\n")
