#!/usr/bin/env python3
"""tests/records.py: numbered records through a packet-mode pipe into sockit's stdin, and the datagrams that reach a receiver checked one by one.

usage: records.py udp|unix COUNT SIZE WHERE SOCKIT ARGS...

Binds a datagram receiver: with udp on 127.0.0.1, port 0 (WHERE is
ignored); with unix at the path WHERE. Starts SOCKIT ARGS... with stdin a
packet-mode pipe (O_DIRECT: each write is one record, each read returns
one) and stderr to sockit.err beside this run's files (the directory of
$TMP, or the current one), where "ENDPOINT" in ARGS becomes the
receiver's address. Writes COUNT records of SIZE bytes, record i holding
its number, and closes the pipe. The unix receiver reads one datagram per
millisecond, so its small queue fills and the sender must wait for room.
Every datagram must come whole and in order. Prints "COUNT ok" or the
first fault; exits 0 only when all COUNT came. Gives up after 20 s, or
1 s after sockit has ended.
"""
import os
import socket
import struct
import subprocess
import sys
import time


def record(i, size):
    head = struct.pack("!I", i)
    return (head * (size // 4 + 1))[:size]


def main():
    kind, count, size, where = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    command = sys.argv[5:]
    if kind == "udp":
        rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        rx.bind(("127.0.0.1", 0))
        endpoint = "127.0.0.1:%d" % rx.getsockname()[1]
    else:
        rx = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        rx.bind(where)
        endpoint = "unix-dgram:" + where
    command = [endpoint if a == "ENDPOINT" else a for a in command]
    out_dir = os.environ.get("TMP", ".")
    rfd, wfd = os.pipe2(os.O_DIRECT)
    with open(os.path.join(out_dir, "sockit.err"), "wb") as err:
        child = subprocess.Popen(command, stdin=rfd, stdout=subprocess.DEVNULL,
                                 stderr=err)
    os.close(rfd)
    deadline = time.monotonic() + 20
    # A writer of its own, so the records keep coming while we read.
    pid = os.fork()
    if pid == 0:
        rx.close()
        try:
            for i in range(count):
                os.write(wfd, record(i, size))
        except OSError:
            pass
        os._exit(0)
    os.close(wfd)
    rx.settimeout(1.0)
    got = 0
    fault = None
    while got < count and time.monotonic() < deadline:
        try:
            data = rx.recv(size + 1)
        except socket.timeout:
            if child.poll() is not None:
                break   # it has ended, and nothing more is coming
            continue
        if data != record(got, size):
            fault = "datagram %d: %d bytes, number %s" % (
                got, len(data), struct.unpack("!I", data[:4])[0] if len(data) >= 4 else "?")
            break
        got += 1
        if kind == "unix":
            time.sleep(0.001)
    if fault:
        os.kill(pid, 9)
    os.waitpid(pid, 0)
    try:
        status = child.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        status = "hung"
    if fault is None and got < count:
        fault = "%d of %d datagrams came" % (got, count)
    if fault is None and status != 0:
        fault = "sockit exited %s" % status
    print(fault if fault else "%d ok" % count)
    sys.exit(1 if fault else 0)


main()
