#!/usr/bin/env python3
"""tests/forward_peer.py: the clients and targets of tests/forward.bats.

usage:
  forward_peer.py echo ADDR           a concurrent echo server on ADDR
  forward_peer.py http DIR            http.server for DIR on 127.0.0.1
  forward_peer.py load HOST PORT N BYTES [--at-once K] [--timeout SECS]
  forward_peer.py hold ADDR           a server that counts its peers
  forward_peer.py client HOST PORT LINE [--until FILE]
  forward_peer.py udpecho ADDR        a datagram echo, "from SENDER: " first
  forward_peer.py udpload ADDR N K    N senders at once, K datagrams each
  forward_peer.py undump FILE         what a -x dump of --to says moved
  forward_peer.py many HOST PORT N BYTES --until FILE

ADDR is 127.0.0.1:0, [::1]:0, unix:PATH or unix:@NAME (seqpacket: with
--seqpacket). The servers print "port N" (or "ready") once they listen,
and run until killed.

load: N clients, at most K at once (default N), each sends BYTES random
bytes, half-closes and reads until EOF; what came back must have the
sha256 of what went (an echo target). Prints "N ok" or the failures.
With --show, the clients of a round wait for each other once connected,
and a line "PORT SHA256" (a client's port, what it sent) for each comes
before "N ok".

undump: reads back the bytes of each pair's dump in FILE, checking that
each heading's count is what its lines hold and that the offsets run on;
prints "#N M FROM -> TO BYTES SHA256" for each pair and direction M.

hold: prints "peer N: LINE" for the first line of each peer, keeps the
connection open until the peer ends it, then prints "peer N ended".

client: sends LINE and a newline, then (once FILE exists, with --until)
half-closes, and reads until EOF; prints "connected" and "ended".

many: N connections to an echo through the forward, all open at once:
each sends a line and waits for it back (so every pair is joined), then
"open N" is printed; once FILE exists, each sends BYTES random bytes,
100 connections at a time, half-closes and checks the sha256 of what
came back. Prints "N ok" or the failures.
"""
import hashlib
import os
import socket
import sys
import threading


def parse_addr(text, seqpacket=False):
    kind = socket.SOCK_SEQPACKET if seqpacket else socket.SOCK_STREAM
    if text.startswith("unix:"):
        path = text[5:]
        if path.startswith("@"):
            path = "\0" + path[1:]
        return socket.AF_UNIX, kind, path
    host, port = text.rsplit(":", 1)
    if host.startswith("["):
        return socket.AF_INET6, kind, (host[1:-1], int(port))
    return socket.AF_INET, kind, (host, int(port))


def listen(text, seqpacket):
    family, kind, addr = parse_addr(text, seqpacket)
    s = socket.socket(family, kind)
    if family != socket.AF_UNIX:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(addr)
    s.listen(1024)
    if family == socket.AF_UNIX:
        print("ready", flush=True)
    else:
        print("port %d" % s.getsockname()[1], flush=True)
    return s


def echo_one(c):
    with c:
        while True:
            data = c.recv(65536)
            if not data:
                break
            c.sendall(data)
        try:
            c.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def serve(text, seqpacket, handler):
    s = listen(text, seqpacket)
    while True:
        c, _ = s.accept()
        threading.Thread(target=handler, args=(c,), daemon=True).start()


def hold_one(c, n):
    with c:
        f = c.makefile("rb")
        line = f.readline().decode().strip()
        print("peer %d: %s" % (n, line), flush=True)
        try:
            while f.read(65536):
                pass
        except OSError:
            pass
        print("peer %d ended" % n, flush=True)


def hold(text):
    s = listen(text, False)
    n = 0
    while True:
        c, _ = s.accept()
        n += 1
        threading.Thread(target=hold_one, args=(c, n), daemon=True).start()


def http(root):
    import http.server
    os.chdir(root)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    print("port %d" % server.server_address[1], flush=True)
    server.serve_forever()


def load_one(host, port, i, size, timeout, results, together=None,
             shown=None):
    data = os.urandom(size)
    got = bytearray()
    try:
        with socket.create_connection((host, port), timeout=timeout) as c:
            mine = c.getsockname()[1]
            if together is not None:
                together.wait(timeout)
            # Sending and receiving at once: an echo answers as it reads.
            def send():
                c.sendall(data)
                c.shutdown(socket.SHUT_WR)
            t = threading.Thread(target=send)
            t.start()
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    break
                got += chunk
            t.join()
        ok = hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
        results[i] = None if ok else "client %d: sent %d bytes, got %d " \
            "other ones" % (i, size, len(got))
        if ok and together is not None:
            shown[i] = "%d %s" % (mine, hashlib.sha256(data).hexdigest())
    except (OSError, threading.BrokenBarrierError) as e:
        results[i] = "client %d: %s" % (i, e)


def load(argv):
    host, port, n, size = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    at_once = int(argv[argv.index("--at-once") + 1]) \
        if "--at-once" in argv else n
    timeout = float(argv[argv.index("--timeout") + 1]) \
        if "--timeout" in argv else 20.0
    results = [None] * n
    shown = [None] * n
    for first in range(0, n, at_once):
        last = min(n, first + at_once)
        together = threading.Barrier(last - first) if "--show" in argv \
            else None
        threads = [threading.Thread(target=load_one,
                                    args=(host, port, i, size, timeout,
                                          results, together, shown))
                   for i in range(first, last)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout + 5)
    failures = [r for r in results if r is not None]
    if failures:
        print("%d of %d failed" % (len(failures), n))
        for f in failures[:5]:
            print(f)
        return 1
    for line in shown:
        if line is not None:
            print(line)
    print("%d ok" % n)
    return 0


def client(argv):
    import time
    c = socket.create_connection((argv[0], int(argv[1])))
    print("connected", flush=True)
    c.sendall(argv[2].encode() + b"\n")
    if "--until" in argv:
        until = argv[argv.index("--until") + 1]
        while not os.path.exists(until):
            time.sleep(0.005)
        c.shutdown(socket.SHUT_WR)
    while c.recv(65536):
        pass
    print("ended", flush=True)
    return 0


def many_one(c, i, size, results):
    data = os.urandom(size)
    got = bytearray()
    try:
        def send():
            c.sendall(data)
            c.shutdown(socket.SHUT_WR)
        t = threading.Thread(target=send)
        t.start()
        while True:
            chunk = c.recv(65536)
            if not chunk:
                break
            got += chunk
        t.join()
        c.close()
    except OSError as e:
        results[i] = "client %d: %s" % (i, e)
        return
    if hashlib.sha256(got).digest() != hashlib.sha256(data).digest():
        results[i] = "client %d: sent %d bytes, got %d other ones" % (
            i, size, len(got))


def many(argv):
    import resource
    import time
    host, port, n, size = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    until = argv[argv.index("--until") + 1]
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    conns = []
    try:
        for i in range(n):
            c = socket.create_connection((host, port), timeout=60)
            c.sendall(b"hello %d\n" % i)
            conns.append(c)
        for i, c in enumerate(conns):
            want, got = b"hello %d\n" % i, b""
            while len(got) < len(want):
                chunk = c.recv(len(want) - len(got))
                if not chunk:
                    break
                got += chunk
            if got != want:
                print("client %d: got %r for its hello" % (i, got))
                return 1
    except OSError as e:
        print("client %d: %s" % (len(conns), e))
        return 1
    print("open %d" % n, flush=True)
    while not os.path.exists(until):
        time.sleep(0.005)
    results = [None] * n
    for first in range(0, n, 100):
        threads = [threading.Thread(target=many_one,
                                    args=(conns[i], i, size, results))
                   for i in range(first, min(n, first + 100))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    failures = [r for r in results if r is not None]
    if failures:
        print("%d of %d failed" % (len(failures), n))
        for f in failures[:5]:
            print(f)
        return 1
    print("%d ok" % n)
    return 0


def dgram_socket(text):
    if text.startswith("unix:"):
        return socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    family, _, _ = parse_addr(text)
    return socket.socket(family, socket.SOCK_DGRAM)


def udpecho(text):
    family, _, addr = parse_addr(text)
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.bind(addr)
    if family == socket.AF_UNIX:
        print("ready", flush=True)
    else:
        print("port %d" % s.getsockname()[1], flush=True)
    while True:
        data, sender = s.recvfrom(65536)
        s.sendto(b"from " + repr(sender).encode() + b": " + data, sender)


def udpload_one(text, i, k, results):
    family, _, addr = parse_addr(text)
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(10)
    s.bind(("127.0.0.1" if family == socket.AF_INET else "::1", 0))
    want = set()
    for j in range(k):
        msg = b"sender %d datagram %d" % (i, j)
        want.add(msg)
        s.sendto(msg, addr)
    got = set()
    senders = set()
    try:
        while len(got) < k:
            data, _ = s.recvfrom(65536)
            head, _, body = data.partition(b": ")
            senders.add(head)
            got.add(body)
    except OSError as e:
        results[i] = "sender %d: %s after %d replies" % (i, e, len(got))
        return
    if got != want or len(senders) != 1:
        results[i] = "sender %d got %r" % (i, sorted(got - want)[:3])


def udpload(argv):
    text, n, k = argv[0], int(argv[1]), int(argv[2])
    results = [None] * n
    threads = [threading.Thread(target=udpload_one,
                                args=(text, i, k, results))
               for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    failures = [r for r in results if r is not None]
    if failures:
        print("%d of %d failed" % (len(failures), n))
        for f in failures[:5]:
            print(f)
        return 1
    print("%d ok" % n)
    return 0


def undump(path):
    import re
    heading = re.compile(r"^\[#(\d+)\] ([<>]) (\S+) -> (\S+), "
                         r"(\d+) bytes?$")
    ways = {}
    order = []
    way = None
    left = 0
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = heading.match(line)
            if m:
                if left:
                    print("bad: %d bytes missing before %r" % (left, line))
                    return 1
                key = (int(m.group(1)), m.group(2), m.group(3), m.group(4))
                if key not in ways:
                    ways[key] = bytearray()
                    order.append(key)
                way = ways[key]
                left = int(m.group(5))
                marker = m.group(2)
                continue
            if not left or line[:1] not in "<>" or line[1:2] != " ":
                continue
            offset, _, rest = line[2:].partition(" ")
            if line[0] != marker or int(offset, 16) != len(way):
                print("bad: %r at %d bytes" % (line[:20], len(way)))
                return 1
            chunk = bytes.fromhex("".join(rest[:rest.index("|")].split()))
            way += chunk
            left -= len(chunk)
    if left:
        print("bad: the dump ends %d bytes short" % left)
        return 1
    for key in sorted(order):
        print("#%d %s %s -> %s %d %s" % (key + (len(ways[key]),
              hashlib.sha256(ways[key]).hexdigest())))
    return 0


def main(argv):
    seqpacket = "--seqpacket" in argv
    args = [a for a in argv[1:] if a != "--seqpacket"]
    if args[0] == "echo":
        serve(args[1], seqpacket, echo_one)
    elif args[0] == "http":
        http(args[1])
    elif args[0] == "hold":
        hold(args[1])
    elif args[0] == "udpecho":
        udpecho(args[1])
    elif args[0] == "udpload":
        return udpload(args[1:])
    elif args[0] == "client":
        return client(args[1:])
    elif args[0] == "load":
        return load(args[1:])
    elif args[0] == "undump":
        return undump(args[1])
    elif args[0] == "many":
        return many(args[1:])
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
