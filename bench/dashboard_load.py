"""Clients polling a farm dashboard's /api/status over keep-alive connections (asyncio, raw HTTP/1.1).

Usage: dashboard_load.py PORT TOKEN CLIENTS SECONDS INTERVAL
INTERVAL 0: each client asks again as soon as it has its answer (back to back); else every INTERVAL
seconds, as the page does. A first request, not counted, lets the server read the document once. Prints one JSON line: requests, errors, p50/p99/max latency in ms.
"""
import asyncio
import json
import random
import sys
import time

port, token, clients, seconds, interval = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
request = f"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
latencies, errors = [], []


async def client(end):
    reader = writer = None
    if interval:
        await asyncio.sleep(random.uniform(0, interval))
    while time.monotonic() < end:
        started = time.monotonic()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
            await reader.readexactly(length)
            if status != 200:
                errors.append(status)
            latencies.append(time.monotonic() - started)
        except Exception as error:  # a refused or dropped connection is an error, counted
            errors.append(type(error).__name__)
            writer = None
        if interval:
            await asyncio.sleep(max(0, interval - (time.monotonic() - started)))
    if writer is not None:
        writer.close()


async def main():
    # One request first, not counted: the server's first read of the document (later reads are in the background).
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    writer.close()
    end = time.monotonic() + seconds
    await asyncio.gather(*(client(end) for _ in range(clients)))


asyncio.run(main())
latencies.sort()
pick = lambda q: round(1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1) if latencies else None
print(json.dumps({"requests": len(latencies) + len(errors), "errors": len(errors), "p50_ms": pick(0.5), "p99_ms": pick(0.99),
                  "max_ms": pick(1.0), "error_kinds": sorted(set(map(str, errors)))[:5]}))
