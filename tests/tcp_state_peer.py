#!/usr/bin/env python3
"""tests/tcp_state_peer.py: a TCP server that moves sockit's connection through its states.

    tcp_state_peer.py MODE GOFILE
        listens on 127.0.0.1, port 0, prints the port, takes one
        connection and then, by MODE:
        reply     reads to the client's FIN, sends "bye\\n" (whose ACK
                  field acknowledges the FIN), waits until GOFILE exists,
                  then closes: the client sees FIN_WAIT2, then TIME_WAIT.
        hold      reads to the end, a FIN or a reset, and says which
                  ("eof" or "reset"); then waits until GOFILE exists.

Gives up after 20 s.
"""
import os
import socket
import sys
import time

LIMIT = 20


def wait_for(path):
    deadline = time.monotonic() + LIMIT
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.01)


def main():
    mode, go = sys.argv[1], sys.argv[2]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(LIMIT)
    print(listener.getsockname()[1], flush=True)
    conn, _ = listener.accept()
    conn.settimeout(LIMIT)
    if mode == "reply":
        while conn.recv(4096):
            pass
        conn.sendall(b"bye\n")
        wait_for(go)
    elif mode == "hold":
        try:
            while conn.recv(4096):
                pass
            print("eof", flush=True)
        except ConnectionResetError:
            print("reset", flush=True)
        wait_for(go)
    conn.close()


main()
