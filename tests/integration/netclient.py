#!/usr/bin/env python3
"""Test client run inside sandboxes: one network action per argument, prints
`ACTION ok` or `ACTION ERRNO-NAME` per line.
Actions: tcp:HOST:PORT  udp:HOST:PORT (unconnected sendto)  bind:HOST:PORT
         raw  packet"""
import errno
import socket
import sys

for a in sys.argv[1:]:
    kind, _, rest = a.partition(":")
    host, _, port = rest.rpartition(":")
    host = host.strip("[]")
    try:
        if kind in ("tcp", "udp", "bind"):
            fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        if kind == "tcp":
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.settimeout(2)
            s.connect((host, int(port)))
        elif kind == "udp":
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.sendto(b"x", (host, int(port)))
        elif kind == "bind":
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.bind((host, int(port)))
        elif kind == "raw":
            s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        elif kind == "packet":
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        print(a, "ok", flush=True)
    except OSError as e:
        print(a, errno.errorcode.get(e.errno, str(e.errno)), flush=True)
