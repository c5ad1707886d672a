#!/usr/bin/env python3
"""A TCP relay on loopback that adds a round trip: each chunk is held DELAY ms in each
direction, and the onward connection is made one round trip after a client connects
(as a real TCP handshake would cost). This kernel has no netem; this is the stand-in.

    delay-relay.py LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS

It prints "ready" once listening, and stops with the process that started it.

Each direction is a reader thread and a writer thread that sleeps until each chunk is
due: time.sleep is precise to tens of microseconds here, where an event loop's
millisecond timers added about 1 ms to every round trip (2 % at 50 ms, counted
against every client alike).
"""
import queue
import socket
import sys
import threading
import time

sys.setswitchinterval(0.0001)  # a ready writer thread gets the interpreter at once
LISTEN, HOST, PORT, DELAY = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]) / 1000


# Resolved once: a name lookup per connection costs a millisecond or more.
FAMILY, _, _, _, TARGET = socket.getaddrinfo(HOST, PORT, type=socket.SOCK_STREAM)[0]


def sleep_until(due):
    wait = due - time.monotonic()
    if wait > 0:
        time.sleep(wait)


def pump(source, sink):
    """Copies source to sink, each chunk DELAY after it arrived, in order."""
    chunks = queue.SimpleQueue()

    def deliver():
        while True:
            due, data = chunks.get()
            if data is None:
                break
            sleep_until(due)
            try:
                sink.sendall(data)
            except OSError:
                break
        sleep_until(due)
        try:
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    writer = threading.Thread(target=deliver, daemon=True)
    writer.start()
    while True:
        try:
            data = source.recv(65536)
        except OSError:
            data = b""
        if not data:
            break
        chunks.put((time.monotonic() + DELAY, data))
    chunks.put((time.monotonic() + DELAY, None))
    writer.join()


def handle(client):
    time.sleep(2 * DELAY)
    server = socket.socket(FAMILY, socket.SOCK_STREAM)
    try:
        server.connect(TARGET)
    except OSError:
        client.close()
        return
    for s in (client, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    up = threading.Thread(target=pump, args=(client, server), daemon=True)
    up.start()
    pump(server, client)
    up.join()
    client.close()
    server.close()


def main():
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", LISTEN))
    listener.listen(64)
    print("ready", flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=handle, args=(client,), daemon=True).start()


main()
