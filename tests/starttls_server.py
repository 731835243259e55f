#!/usr/bin/env python3
"""tests/starttls_server.py PROTO MODE CERT KEY: a server that speaks one
STARTTLS preamble (smtp, imap, pop3, ftp or postgres), then wraps the
socket with TLS and echoes what it reads until the client's end.

Binds 127.0.0.1 port 0, prints "port N" first, takes one connection, and
prints each line (or postgres message) it got before TLS as "got ...",
then "tls VERSION" once the handshake passed (or "handshake failed WHY"),
then "done".

MODE: ok (agree), refuse (the protocol's no at the upgrade), odd (answer
the upgrade with something the protocol does not say), close (hang up
instead of answering the upgrade), early (agree, and send bytes before
the handshake), silent (say nothing at all until the client hangs up),
trickle (a greeting that never ends, a byte every 0.1 s).
"""
import socket
import ssl
import sys
import time

# No single wait in a test is this long: a peer that hangs says so.
WAIT = 20

# Per protocol: the greeting (None: the client speaks first), then for
# each command the client sends, the answer in each mode.
SCRIPTS = {
    "smtp": (b"220 mail.test ESMTP ready\r\n", [
        {"ok": b"250-mail.test greets you\r\n250-PIPELINING\r\n"
               b"250-STARTTLS\r\n250 8BITMIME\r\n"},
        {"ok": b"220 2.0.0 go ahead\r\n",
         "refuse": b"454 4.7.0 TLS not available due to temporary "
                   b"reason\r\n",
         "odd": b"HTTP/1.1 400 Bad Request\r\n"},
    ]),
    "imap": (b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n", [
        {"ok": b"* CAPABILITY IMAP4rev1\r\nS1 OK begin TLS now\r\n",
         "refuse": b"S1 NO STARTTLS is off today\r\n",
         "odd": b"+OK what\r\n"},
    ]),
    "pop3": (b"+OK POP3 ready\r\n", [
        {"ok": b"+OK begin TLS\r\n",
         "refuse": b"-ERR command not permitted\r\n",
         "odd": b"* OK not pop3\r\n"},
    ]),
    "ftp": (b"220-welcome\r\n to the test\r\n220 ready\r\n", [
        {"ok": b"234 AUTH TLS OK.\r\n",
         "refuse": b"534 Local policy on server does not allow TLS\r\n",
         "odd": b"SSH-2.0-OpenSSH\r\n"},
    ]),
    "postgres": (None, [
        {"ok": b"S", "refuse": b"N", "odd": b"X"},
    ]),
}


def say(*words):
    print(*words, flush=True)


def read_command(conn, proto):
    """Reads one command: a line, or postgres's 8-byte message."""
    want = 8 if proto == "postgres" else None
    data = b""
    while True:
        if want is not None and len(data) >= want:
            return data
        if want is None and data.endswith(b"\n"):
            return data
        chunk = conn.recv(1 if want is None else want - len(data))
        if not chunk:
            return data
        data += chunk


def main():
    proto, mode, cert, key = sys.argv[1:5]
    greeting, steps = SCRIPTS[proto]
    lsn = socket.socket()
    lsn.bind(("127.0.0.1", 0))
    lsn.listen(1)
    say("port", lsn.getsockname()[1])
    conn, _ = lsn.accept()
    conn.settimeout(WAIT)
    if mode == "silent":
        while conn.recv(4096):
            pass
        say("done")
        return
    if mode == "trickle":
        # A greeting that never ends, a byte at a time, while the client
        # stays: each byte comes before -w's time would pass, the whole
        # answer never.
        try:
            conn.sendall(b"220 ")
            for _ in range(WAIT * 10):
                time.sleep(0.1)
                conn.sendall(b"x")
        except OSError:
            pass
        say("done")
        return
    if mode == "bye":
        # The session itself is turned away, before any STARTTLS.
        conn.sendall(b"* BYE too many sessions, come back later\r\n")
        while conn.recv(4096):
            pass
        conn.close()
        say("done")
        return
    if greeting:
        conn.sendall(greeting)
    for i, answers in enumerate(steps):
        command = read_command(conn, proto)
        say("got", repr(command))
        last = i == len(steps) - 1
        if not last:
            conn.sendall(answers["ok"])
            continue
        if mode == "close":
            conn.close()
            say("done")
            return
        answer = answers.get(mode, answers["ok"])
        if mode == "early":
            # In the same send: the client reads both at once.
            answer += b"250 injected\r\n"
        conn.sendall(answer)
        if mode in ("refuse", "odd"):
            # The client hangs up; what it sends before is not TLS.
            while conn.recv(4096):
                pass
            conn.close()
            say("done")
            return
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    try:
        tls = ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError) as e:
        say("handshake failed", e)
        say("done")
        return
    say("tls", tls.version())
    while True:
        try:
            data = tls.recv(65536)
        except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
            data = b""
        if not data:
            break
        tls.sendall(data)
    try:
        tls.unwrap()
    except (ssl.SSLError, OSError):
        pass
    conn.close()
    say("done")


if __name__ == "__main__":
    main()
