#!/usr/bin/env python3
"""A TCP relay on loopback that adds a round trip: each chunk is held DELAY ms in each
direction, and the onward connection is made one round trip after a client connects
(as a real TCP handshake would cost). This kernel has no netem; this is the stand-in.

    delay-relay.py LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS

It prints "ready" once listening, and stops with the process that started it.
"""
import asyncio
import sys

LISTEN, HOST, PORT, DELAY = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]) / 1000


async def pump(reader, writer):
    # Chunks keep their order: each waits its own delay from when it arrived.
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - asyncio.get_running_loop().time()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    task = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            await queue.put((asyncio.get_running_loop().time() + DELAY, data))
    except (ConnectionError, OSError):
        pass
    await queue.put((0, None))
    try:
        await task
    except (ConnectionError, OSError):
        pass


async def handle(client_reader, client_writer):
    await asyncio.sleep(2 * DELAY)
    try:
        server_reader, server_writer = await asyncio.open_connection(HOST, PORT)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pump(client_reader, server_writer), pump(server_reader, client_writer))


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", LISTEN)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
