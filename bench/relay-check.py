#!/usr/bin/env python3
"""What one round trip through delay-relay.py really costs: an echo server on loopback,
the relay in front of it, and 30 small messages sent and echoed one at a time.

    relay-check.py DELAY_MS [LISTEN_PORT ECHO_PORT]

Prints the median round trip in milliseconds (the relay adds 2 x DELAY_MS, and a little
more: each chunk is handed on a little after it is due).
"""
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

DELAY = sys.argv[1]
LISTEN, ECHO = (int(sys.argv[2]), int(sys.argv[3])) if len(sys.argv) > 3 else (18411, 18410)


def echo_server(listener):
    def serve(conn):
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while data := conn.recv(4096):
            conn.sendall(data)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", ECHO))
listener.listen()
threading.Thread(target=echo_server, args=(listener,), daemon=True).start()
relay = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "delay-relay.py"),
                          str(LISTEN), "127.0.0.1", str(ECHO), DELAY], stdout=subprocess.PIPE)
try:
    relay.stdout.readline()
    conn = socket.create_connection(("127.0.0.1", LISTEN))
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn.sendall(b"x")
    conn.recv(16)
    times = []
    for _ in range(30):
        start = time.perf_counter()
        conn.sendall(b"ping\r\n")
        conn.recv(64)
        times.append((time.perf_counter() - start) * 1000)
    print(f"{statistics.median(times):.2f}")
finally:
    relay.kill()
