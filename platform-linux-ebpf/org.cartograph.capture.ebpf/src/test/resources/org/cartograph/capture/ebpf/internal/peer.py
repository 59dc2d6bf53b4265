"""Test peer with known byte counts.

server PROTO FAMILY PORT: TCP: per connection read a 4-byte length L, then L bytes, reply with R
  bytes where R is given in the next 4 bytes; then wait for EOF and close. UDP: echo back half of
  each datagram (recvfrom/sendto on one unconnected socket; FAMILY 6 is dual-stack).
recvserver PORT: UDP, unconnected: recvfrom the first datagram, answer it with sendto, then
  read every later datagram with recv() (no source address asked) and answer none.
client PROTO HOST PORT SEND REPLY GATE: connect, send SEND bytes (TCP framed as above), read REPLY
  bytes, print "READY <local port>", wait until file GATE exists, then close (UDP: send 5
  datagrams of SEND bytes, read 5 replies).
reset HOST PORT GATE: as client with 10/10, then after GATE send 10 more bytes and read: prints the
  error.
connect HOST PORT: connect once and print the outcome.
blast HOST PORT SEND COUNT GATE: UDP without connect: sendto COUNT datagrams of SEND bytes, read
  nothing, print "READY <local port>", wait until GATE exists, then close.
sendto HOST PORT SEND GATE: UDP without connect (as a DNS client): sendto 3 datagrams of SEND bytes,
  recvfrom 3 replies, print "READY <local port>", wait until GATE exists, then close.
"""
import os, socket, struct, sys, threading, time


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def read_exact(s, n):
    got = 0
    while got < n:
        b = s.recv(min(65536, n - got))
        if not b:
            break
        got += len(b)
    return got


def wait_gate(gate):
    while not os.path.exists(gate):
        time.sleep(0.02)


def serve_tcp(conn):
    with conn:
        hdr = b""
        while len(hdr) < 8:
            b = conn.recv(8 - len(hdr))
            if not b:
                return
            hdr += b
        n, r = struct.unpack("!II", hdr)
        read_exact(conn, n)
        conn.sendall(b"r" * r)
        while conn.recv(65536):
            pass


def server(proto, fam, port):
    family = socket.AF_INET6 if fam == "6" else socket.AF_INET
    if proto == "tcp":
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", port))
        s.listen(512)
        print("LISTENING", flush=True)
        while True:
            c, _ = s.accept()
            threading.Thread(target=serve_tcp, args=(c,), daemon=True).start()
    else:
        s = socket.socket(family, socket.SOCK_DGRAM)
        if family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", port))
        print("LISTENING", flush=True)
        while True:
            data, peer = s.recvfrom(65536)
            s.sendto(data[: len(data) // 2], peer)


def recvserver(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    print("LISTENING", flush=True)
    data, peer = s.recvfrom(65536)
    s.sendto(data[: len(data) // 2], peer)
    while True:
        s.recv(65536)


def client(proto, host, port, send, reply, gate):
    if proto == "tcp":
        s = socket.create_connection((host, port))
        s.sendall(struct.pack("!II", send - 8, reply) + b"s" * (send - 8))
        got = read_exact(s, reply)
    else:
        s = socket.socket(family_of(host), socket.SOCK_DGRAM)
        s.connect((host, port))
        got = 0
        for _ in range(5):
            s.send(b"u" * send)
            got += len(s.recv(65536))
    print("READY", s.getsockname()[1], got, flush=True)
    wait_gate(gate)
    s.close()
    print("CLOSED", flush=True)


def reset(host, port, gate):
    s = socket.create_connection((host, port))
    s.sendall(struct.pack("!II", 2, 10) + b"ss")
    read_exact(s, 10)
    print("READY", s.getsockname()[1], flush=True)
    wait_gate(gate)
    try:
        s.sendall(b"x" * 10)
        s.recv(10)
        s.sendall(b"x" * 10)
        s.recv(10)
        print("NOERROR", flush=True)
    except OSError as e:
        print("ERROR", e.errno, flush=True)
    s.close()


def connect(host, port):
    s = socket.socket(family_of(host), socket.SOCK_STREAM)
    try:
        s.connect((host, port))
        print("CONNECTED", s.getsockname()[1], flush=True)
    except OSError as e:
        print("ERROR", e.errno, s.getsockname()[1], flush=True)
    s.close()


def sendto(host, port, send, gate):
    s = socket.socket(family_of(host), socket.SOCK_DGRAM)
    for _ in range(3):
        s.sendto(b"d" * send, (host, port))
        s.recvfrom(65536)
    print("READY", s.getsockname()[1], flush=True)
    wait_gate(gate)
    s.close()
    print("CLOSED", flush=True)


def blast(host, port, send, count, gate):
    s = socket.socket(family_of(host), socket.SOCK_DGRAM)
    for _ in range(count):
        s.sendto(b"b" * send, (host, port))
    print("READY", s.getsockname()[1], flush=True)
    wait_gate(gate)
    s.close()
    print("CLOSED", flush=True)


def churn(host, port, count, size):
    """Opens count short connections of size bytes each way; prints connections per second."""
    payload = struct.pack("!II", size - 8, size) + b"c" * (size - 8)
    start = time.monotonic()
    for _ in range(count):
        s = socket.create_connection((host, port))
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        read_exact(s, size)
        s.close()
    print("DONE", count, time.monotonic() - start, flush=True)


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "server":
        server(a[1], a[2], int(a[3]))
    elif a[0] == "recvserver":
        recvserver(int(a[1]))
    elif a[0] == "client":
        client(a[1], a[2], int(a[3]), int(a[4]), int(a[5]), a[6])
    elif a[0] == "reset":
        reset(a[1], int(a[2]), a[3])
    elif a[0] == "connect":
        connect(a[1], int(a[2]))
    elif a[0] == "sendto":
        sendto(a[1], int(a[2]), int(a[3]), a[4])
    elif a[0] == "blast":
        blast(a[1], int(a[2]), int(a[3]), int(a[4]), a[5])
    elif a[0] == "churn":
        churn(a[1], int(a[2]), int(a[3]), int(a[4]))
