#!/usr/bin/env python3
"""A TCP relay on loopback that adds a round trip: each chunk is held DELAY ms in each
direction, and the onward connection is made one round trip after a client connects
(as a real TCP handshake would cost). This kernel has no netem; this is the stand-in.

    delay-relay.py LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS

It prints "ready" once listening, and stops with the process that started it.

Each direction is a reader thread and a writer thread that holds each chunk until it is
due. Measured with an echo through it (50 ms asked): an event loop's millisecond timers
gave 51 ms a round trip; threads with plain sleeps 50.6; now 50.2, from three things:
- a chunk is due DELAY after the kernel's time of arrival (SO_TIMESTAMPNS), not after
  the reader thread woke up;
- the writer's timer slack is 1 ns instead of Linux's 50 us;
- the writer sleeps until 150 us before the chunk is due and spins the rest: a thread
  woken from a sleep on this VM runs 50-100 us late.
"""
import ctypes
import queue
import struct
import socket
import sys
import threading
import time

sys.setswitchinterval(0.0001)  # a ready writer thread gets the interpreter at once
LISTEN, HOST, PORT, DELAY = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]) / 1000


# Resolved once: a name lookup per connection costs a millisecond or more.
FAMILY, _, _, _, TARGET = socket.getaddrinfo(HOST, PORT, type=socket.SOCK_STREAM)[0]


_libc = ctypes.CDLL(None, use_errno=True)
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)


def precise_sleeps():
    """This thread's timer slack down from Linux's default 50 us to 1 ns: a sleep then
    ends when it is due, not up to 50 us later."""
    _libc.prctl(29, 1, 0, 0, 0)  # PR_SET_TIMERSLACK


def sleep_until(due):
    """Sleeps until 150 us before `due`, then spins: a thread woken from a sleep on this
    VM runs 50-100 us late, every round trip."""
    wait = due - time.monotonic() - 0.00015
    if wait > 0:
        time.sleep(wait)
    while time.monotonic() < due:
        pass


def pump(source, sink):
    """Copies source to sink, each chunk DELAY after it arrived, in order."""
    chunks = queue.SimpleQueue()

    def deliver():
        precise_sleeps()
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
    # The kernel's time of arrival, not this thread's (which wakes tens of
    # microseconds later): SO_TIMESTAMPNS, on the wall clock, mapped to the monotonic one.
    source.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    while True:
        try:
            data, ancillary, _, _ = source.recvmsg(65536, socket.CMSG_SPACE(16))
        except OSError:
            data = b""
        if not data:
            break
        arrived = time.monotonic()
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
                seconds, nanoseconds = struct.unpack("qq", value[:16])
                arrived = min(arrived, seconds + nanoseconds / 1e9 - (time.time() - time.monotonic()))
        chunks.put((arrived + DELAY, data))
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
