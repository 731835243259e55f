#!/usr/bin/env python3
"""tests/tls_peer.py: a TLS peer for what openssl s_server and s_client
cannot do on cue: close_notify or a bare FIN after a reply, mutual TLS,
ALPN selection, the SNI a client sent, and a close_notify half-close.

server: binds 127.0.0.1 port 0 (or --unix PATH), prints the port first,
  takes one connection and prints what it learnt, one fact a line:
  "version V", "sni NAME|none", "alpn P|none", "client SUBJECT|none",
  "eof close_notify|truncated", then "done".
client: connects to --port (or --unix), verifies with --cafile, prints
  "version V" and "alpn P|none", sends, sends close_notify and reads to
  the end, printing "eof ..." and "done".
"""
import argparse
import contextlib
import socket
import ssl
import sys

CHUNK = 65536
# No single wait in a test is this long: a peer that hangs says so.
WAIT = 20


def say(*words):
    print(*words, flush=True)


def versions(ctx, args):
    if args.tls_max:
        ctx.maximum_version = getattr(ssl.TLSVersion,
                                      "TLSv" + args.tls_max.replace(".", "_"))


def read_to_end(recv, out):
    """Reads until the peer ends; says whether it sent close_notify."""
    while True:
        try:
            data = recv()
        except ssl.SSLZeroReturnError:
            data = b""
        except (ssl.SSLEOFError, ConnectionResetError):
            say("eof truncated")
            return
        except socket.timeout:
            say("no end after", WAIT, "s")
            return
        if not data:
            say("eof close_notify")
            return
        if out:
            out.write(data)


def read_exactly(conn, n, out):
    """Reads n bytes, for a TLS 1.2 client that sends no close_notify."""
    while n > 0:
        data = conn.recv(min(n, CHUNK))
        if not data:
            say("eof before the end, %d bytes short" % n)
            return
        n -= len(data)
        if out:
            out.write(data)
    say("got all")


def open_out(path):
    return open(path, "wb") if path else contextlib.nullcontext()


def send_file(write, path):
    with open(path, "rb") as f:
        while data := f.read(CHUNK):
            write(data)


def linger_close(sock):
    """A close that sends FIN, not RST: what the peer sent is read first.
    SSLSocket.shutdown() drops the TLS layer without a word: the peer
    sees a bare FIN, after close_notify only if unwrap() sent one."""
    try:
        sock.shutdown(socket.SHUT_WR)
        while sock.recv(CHUNK):
            pass
    except OSError:
        pass
    sock.close()


def serve(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    versions(ctx, args)
    sni = []
    ctx.sni_callback = lambda obj, name, c: sni.append(name)
    if args.alpn:
        ctx.set_alpn_protocols(args.alpn.split(","))
    if args.verify_client:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(args.verify_client)
    if args.unix:
        lsock = socket.socket(socket.AF_UNIX)
        lsock.bind(args.unix)
        lsock.listen(1)
        say(args.unix)
    else:
        lsock = socket.socket()
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(1)
        say(lsock.getsockname()[1])
    raw, _ = lsock.accept()
    raw.settimeout(WAIT)
    # The handshake is run here, not in wrap_socket(), which would close
    # at once on a failure, and reset the connection if data was unread.
    conn = ctx.wrap_socket(raw, server_side=True, suppress_ragged_eofs=False,
                           do_handshake_on_connect=False)
    try:
        conn.do_handshake()
    except (ssl.SSLError, OSError) as e:
        say("handshake failed", getattr(e, "reason", None) or e)
        linger_close(conn)
        return
    say("version", conn.version())
    say("sni", sni[0] if sni and sni[0] else "none")
    say("alpn", conn.selected_alpn_protocol() or "none")
    peer = conn.getpeercert()
    subject = dict(x[0] for x in peer["subject"]) if peer else None
    say("client", subject["commonName"] if subject else "none")
    if args.reply:
        conn.sendall(args.reply.encode() + b"\n")
    if args.echo:
        read_to_end(lambda: echo(conn), None)
    elif args.expect is not None:
        with open_out(args.out) as out:
            read_exactly(conn, args.expect, out)
    elif args.read:
        with open_out(args.out) as out:
            read_to_end(lambda: conn.recv(CHUNK), out)
    if args.send:
        send_file(conn.sendall, args.send)
    if args.end == "notify":
        # close_notify without waiting for the peer's: unwrap()'s second
        # SSL_shutdown would block, or fail on data the peer still sends.
        conn.setblocking(False)
        try:
            conn.unwrap()
        except (ssl.SSLWantReadError, ssl.SSLError, OSError):
            pass
        conn.settimeout(WAIT)
    linger_close(conn)
    say("done")


def echo(conn):
    data = conn.recv(CHUNK)
    if data:
        conn.sendall(data)
    return data


class Client:
    """TLS over memory BIOs, so close_notify can be sent on its own and
    the reading go on, which SSLSocket.unwrap() does not allow."""

    def __init__(self, sock, ctx, name):
        self.sock = sock
        self.inc, self.outg = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.inc, self.outg, server_hostname=name)

    def flush(self):
        data = self.outg.read()
        if data:
            self.sock.sendall(data)

    def call(self, fn, *a):
        while True:
            try:
                r = fn(*a)
                self.flush()
                return r
            except ssl.SSLWantReadError:
                self.flush()
                data = self.sock.recv(CHUNK)
                if data:
                    self.inc.write(data)
                else:
                    self.inc.write_eof()

    def write(self, data):
        """Writes data, sent in bulk: the last of it stays for
        close_notify() to send along, as a client that writes and shuts
        down at once does. A server must notice the close_notify that
        comes in the same read as the data, without waiting for more."""
        self.tls.write(data)
        if self.outg.pending >= 16 * CHUNK:
            self.flush()

    def pending(self):
        """What the memory BIO holds already, read without waiting."""
        got = b""
        while True:
            try:
                data = self.tls.read(CHUNK)
            except ssl.SSLWantReadError:
                return got
            if not data:
                return got
            got += data

    def close_notify(self):
        # With nothing left unread, unwrap() sends close_notify and then
        # wants to read the peer's: that want ends it here.
        try:
            self.tls.unwrap()
        except ssl.SSLWantReadError:
            pass
        self.flush()


def connect(args):
    ctx = ssl.create_default_context(cafile=args.cafile)
    versions(ctx, args)
    if args.alpn:
        ctx.set_alpn_protocols(args.alpn.split(","))
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    if args.unix:
        sock = socket.socket(socket.AF_UNIX)
        sock.connect(args.unix)
    else:
        sock = socket.create_connection(("127.0.0.1", args.port))
    sock.settimeout(WAIT)
    c = Client(sock, ctx, args.name)
    c.call(c.tls.do_handshake)
    say("version", c.tls.version())
    say("alpn", c.tls.selected_alpn_protocol() or "none")
    with open_out(args.out) as out:
        if args.send:
            send_file(c.write, args.send)
        early = c.pending()
        if out:
            out.write(early)
        c.close_notify()
        read_to_end(lambda: c.call(c.tls.read, CHUNK), out)
    sock.close()
    say("done")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mode", choices=["server", "client"])
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--unix", help="an AF_UNIX path instead of TCP")
    p.add_argument("--tls-max", choices=["1.2", "1.3"])
    p.add_argument("--alpn", help="protocols, comma-separated")
    p.add_argument("--verify-client", metavar="CAFILE",
                   help="server: require a client certificate from CAFILE")
    p.add_argument("--reply", help="server: a line sent after the handshake")
    p.add_argument("--read", action="store_true",
                   help="server: read to the end (to --out)")
    p.add_argument("--expect", type=int, metavar="BYTES",
                   help="server: read BYTES, then go on without an end")
    p.add_argument("--echo", action="store_true",
                   help="server: send back what arrives, to the end")
    p.add_argument("--send", metavar="FILE", help="send FILE (server: "
                   "after reading)")
    p.add_argument("--out", metavar="FILE", help="write what arrives here")
    p.add_argument("--end", choices=["notify", "truncate"], default="notify",
                   help="server: close_notify, or a bare FIN")
    p.add_argument("--port", type=int, help="client: the port")
    p.add_argument("--cafile", help="client: the CA to verify with")
    p.add_argument("--name", default="localhost",
                   help="client: the name to send and verify")
    args = p.parse_args()
    try:
        serve(args) if args.mode == "server" else connect(args)
    except (ssl.SSLError, OSError) as e:
        say("error", e)
        sys.exit(1)


main()
