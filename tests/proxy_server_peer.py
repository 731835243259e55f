#!/usr/bin/env python3
"""tests/proxy_server_peer.py: SOCKS5 clients of tests/proxy_server.bats.

usage:
  proxy_server_peer.py echo PROXYPORT PORT BYTES   one client, pipelined
  proxy_server_peer.py many PROXYPORT PORT N       N clients at once
  proxy_server_peer.py bind PROXYPORT PORT         a BIND request
  proxy_server_peer.py reply PROXYPORT PORT        CONNECT, print REP

echo: sends the greeting, the CONNECT to 127.0.0.1:PORT (an echo) and the
first 1000 of BYTES random bytes in one write, before any answer, then the
rest; half-closes and reads until EOF. Prints "ok" when the answer is
VER=5 REP=0 and what came back is what went, byte for byte.

many: N clients connected at once, each with a line of its own through
the proxy to the echo at PORT, all open before any sends; prints "N ok".

bind, reply: print the reply's REP byte as "rep 0xNN".
"""
import hashlib
import os
import socket
import struct
import sys
import threading


def request(cmd, port):
    return (b"\x05\x01\x00" + bytes([5, cmd, 0, 1]) +
            socket.inet_aton("127.0.0.1") + struct.pack("!H", port))


def read_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError("closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


def answer(s):
    """Returns REP from the method choice and the reply that follow."""
    method = read_exact(s, 2)
    if method != b"\x05\x00":
        raise ValueError("method choice %r" % method)
    head = read_exact(s, 4)
    alen = {1: 4, 4: 16}.get(head[3])
    if alen is None:
        raise ValueError("reply %r" % head)
    read_exact(s, alen + 2)
    return head[1]


def connect(pport):
    return socket.create_connection(("127.0.0.1", pport), timeout=20)


def echo(pport, port, size):
    data = os.urandom(size)
    s = connect(pport)
    s.sendall(request(1, port) + data[:1000])
    rep = answer(s)
    if rep != 0:
        print("rep 0x%02x" % rep)
        return
    back = []

    def reader():
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            back.append(chunk)

    t = threading.Thread(target=reader)
    t.start()
    s.sendall(data[1000:])
    s.shutdown(socket.SHUT_WR)
    t.join()
    got = b"".join(back)
    same = hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
    print("ok" if same else "differ: %d bytes back of %d" % (len(got), size))


def many(pport, port, n):
    socks = []
    for i in range(n):
        s = connect(pport)
        s.sendall(request(1, port))
        socks.append(s)
    bad = 0
    for s in socks:
        if answer(s) != 0:
            bad += 1
    for i, s in enumerate(socks):
        s.sendall(b"client %d\n" % i)
    for i, s in enumerate(socks):
        line = b"client %d\n" % i
        if read_exact(s, len(line)) != line:
            bad += 1
        s.close()
    print("%d ok" % n if bad == 0 else "%d failed" % bad)


def rep(pport, port, cmd):
    s = connect(pport)
    s.sendall(request(cmd, port))
    read_exact(s, 2)
    head = read_exact(s, 4)
    print("rep 0x%02x" % head[1])


def main():
    what, pport, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if what == "echo":
        echo(pport, port, int(sys.argv[4]))
    elif what == "many":
        many(pport, port, int(sys.argv[4]))
    elif what == "bind":
        rep(pport, port, 2)
    else:
        rep(pport, port, 1)


main()
