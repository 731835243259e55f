"""tests/dgram_batch.py: datagrams of 0, 1, 1472 and 65507 bytes that wait
together in sockit's receive queue, so that one recvmmsg finds them all.

    dgram_batch.py listen PORT PIDFILE OUT EXPECTED
        sends "hello" to a sockit listen -u on PORT first
    dgram_batch.py connect PORTFILE PIDFILE OUT EXPECTED
        binds a port (written to PORTFILE) and waits for sockit connect -u
        to send to it

Once sockit has written the first datagram (listen) or sent its own (connect)
and sleeps in poll(), it is stopped (SIGSTOP), the four are sent, and it is
let go (SIGCONT): they are all queued when it wakes. The payloads go to
EXPECTED; the script ends once OUT holds as many bytes, or fails after a
deadline.
"""
import os
import signal
import socket
import sys
import time

SIZES = (0, 1, 1472, 65507)
STEP = 0.02
LIMIT = 20


def payload(n):
    return bytes((i * 7 + n) % 256 for i in range(n))


def until(what, check):
    deadline = time.monotonic() + LIMIT
    while not check():
        if time.monotonic() > deadline:
            sys.exit("dgram_batch.py: gave up waiting for " + what)
        time.sleep(STEP)


def read_text(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def polling(pid):
    # The relay sleeps in poll(); nothing else on the way there does.
    return "poll" in read_text("/proc/%d/wchan" % pid)


def main():
    mode, where, pidfile, out, expected = sys.argv[1:6]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if mode == "listen":
        s.connect(("127.0.0.1", int(where)))
        s.send(b"hello")
        first = 5
    else:
        s.bind(("127.0.0.1", 0))
        with open(where + ".tmp", "w") as f:
            f.write("%d\n" % s.getsockname()[1])
        os.rename(where + ".tmp", where)
        data, peer = s.recvfrom(65536)
        s.connect(peer)
        first = 0
    until("sockit's pid", lambda: read_text(pidfile) != "")
    pid = int(read_text(pidfile))
    until("the first datagram's output", lambda: size(out) >= first)
    until("sockit to wait in poll()", lambda: polling(pid))
    os.kill(pid, signal.SIGSTOP)
    want = b""
    try:
        for n in SIZES:
            s.send(payload(n))
            want += payload(n)
    finally:
        os.kill(pid, signal.SIGCONT)
    with open(expected, "wb") as f:
        if mode == "listen":
            f.write(b"hello")
        f.write(want)
    until("sockit's output", lambda: size(out) >= first + len(want))


main()
