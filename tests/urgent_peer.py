#!/usr/bin/env python3
"""tests/urgent_peer.py: a TCP peer for sockit's --oob, which sends or takes urgent data (MSG_OOB).

    urgent_peer.py read PORTFILE [inline]
        listens on 127.0.0.1, port 0, and writes the port to PORTFILE;
        takes one connection and reads it to its end, the urgent byte
        with recv(1, MSG_OOB) as soon as select() says it waits. Prints
        "data: BYTES" (all the ordinary data, as Python's repr) and one
        "urgent: BYTE" line per urgent byte. With inline, SO_OOBINLINE
        is set first: the urgent byte stays in the data, and the line
        "mark: N" says after how many bytes sockatmark() found the mark.
    urgent_peer.py send PORT
        connects to 127.0.0.1:PORT and sends "hello ", then "!" with
        MSG_OOB (the urgent byte), then "world\\n", and closes.

Gives up after 20 s.
"""
import fcntl
import os
import select
import socket
import struct
import sys

LIMIT = 20
SIOCATMARK = 0x8905


def at_mark(sock):
    got = fcntl.ioctl(sock.fileno(), SIOCATMARK, struct.pack("i", 0))
    return struct.unpack("i", got)[0] == 1


def read(portfile, inline):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % server.getsockname()[1])
    # Renamed whole, so a reader never sees half a number.
    os.rename(portfile + ".tmp", portfile)
    server.settimeout(LIMIT)
    conn, _ = server.accept()
    if inline:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_OOBINLINE, 1)
    data = b""
    urgent = []
    mark = None
    while True:
        readable, _, exceptional = select.select([conn], [], [conn], LIMIT)
        if not readable and not exceptional:
            sys.exit("urgent_peer.py: nothing came within %d s" % LIMIT)
        if exceptional and not inline:
            try:
                urgent.append(conn.recv(1, socket.MSG_OOB))
            except OSError:
                pass  # read already, or passed by the ordinary data
        if inline and mark is None and at_mark(conn):
            mark = len(data)
        if readable:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    print("data: %r" % data)
    for byte in urgent:
        print("urgent: %r" % byte)
    if inline:
        print("mark: %s" % mark)


def send(port):
    conn = socket.create_connection(("127.0.0.1", port), timeout=LIMIT)
    conn.sendall(b"hello ")
    conn.send(b"!", socket.MSG_OOB)
    conn.sendall(b"world\n")
    conn.close()


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "read":
        read(sys.argv[2], sys.argv[3:] == ["inline"])
    elif len(sys.argv) == 3 and sys.argv[1] == "send":
        send(int(sys.argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
