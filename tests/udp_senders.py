# tests/udp_senders.py PORT SENDERS BURST [HOST]: SENDERS connected UDP
# sockets send BURST datagrams each, interleaved, then read the echoes;
# prints "ok" when each got exactly its own datagrams back, in order, and
# what went wrong otherwise. A reply from any other address than HOST is
# dropped by the connected socket, so it counts as missing.
import select
import socket
import sys
import time

port, senders, burst = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
host = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"
family = socket.AF_INET6 if ":" in host else socket.AF_INET
socks = []
for i in range(senders):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.connect((host, port))
    socks.append(s)
for j in range(burst):
    for i, s in enumerate(socks):
        s.send(b"sender %d datagram %d\n" % (i, j))
got = [[] for _ in socks]
deadline = time.monotonic() + 10
while time.monotonic() < deadline and sum(map(len, got)) < senders * burst:
    ready, _, _ = select.select(socks, [], [], 0.2)
    for s in ready:
        got[socks.index(s)].append(s.recv(65536))
bad = 0
for i in range(senders):
    want = [b"sender %d datagram %d\n" % (i, j) for j in range(burst)]
    if got[i] != want:
        bad += 1
        print("sender %d got %d of %d: %r" % (i, len(got[i]), burst,
              got[i][:3]))
print("ok" if bad == 0 else "%d senders got a wrong answer" % bad)
