#!/usr/bin/env python3
"""tests/many_clients.py: N loopback TCP clients at once or one after another; each sends a line of its own and checks what comes back.

usage: many_clients.py HOST PORT N [--serial] [--expect TEXT] [--timeout SECS]

Without --expect every client sends a line of its own and must get it back
(an echo server); with it, a client sends nothing, and must get exactly
TEXT (a server that does not read: data it leaves unread would make its
close a reset). Prints "N ok" or the first failures, exits 0 only when all
N succeeded.
"""
import socket
import sys
import threading


def one(host, port, i, expect, timeout, results):
    line = ("client %d\n" % i).encode()
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            if expect is None:
                s.sendall(line)
            s.shutdown(socket.SHUT_WR)
            got = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        want = line if expect is None else expect
        results[i] = None if got == want else "client %d got %r" % (i, got)
    except OSError as e:
        results[i] = "client %d: %s" % (i, e)


def main(argv):
    host, port, n = argv[1], int(argv[2]), int(argv[3])
    serial = "--serial" in argv
    expect = None
    timeout = 20.0
    if "--expect" in argv:
        expect = argv[argv.index("--expect") + 1].encode().decode(
            "unicode_escape").encode()
    if "--timeout" in argv:
        timeout = float(argv[argv.index("--timeout") + 1])
    results = [None] * n
    if serial:
        for i in range(n):
            one(host, port, i, expect, timeout, results)
    else:
        threads = [threading.Thread(target=one,
                                    args=(host, port, i, expect, timeout,
                                          results)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout + 5)
    failures = [r for r in results if r is not None]
    if failures:
        print("%d of %d failed" % (len(failures), n))
        print("\n".join(failures[:5]))
        return 1
    print("%d ok" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
