"""HTTP API speed: ``POST /match`` throughput and latency through ``redline serve``.

Starts ``redline serve --workers N`` on loopback against a home with the four lists
loaded (2024 SDN + non-SDN + UN + Canada, as the other speed benchmarks), then runs a
bounded load generator: a fixed number of requests in flight (``--concurrency``), each
a keep-alive httpx connection posting one Person query per request — a name from the
synthetic customers of ``screening/negatives_global.csv`` — until ``--seconds`` have
passed. A 5-second warm-up is not counted. The generator shares the machine's cores
with the server, as any loopback measurement does; its own CPU time is reported.

The issue's target: at least 500 requests/s with p99 at most 50 ms on 2 cores, and no
errors over a 60-second run.

Prints one JSON object and appends a section to docs/benchmarks.md.

Usage: python benchmarks/api_speed.py [--data DIR] [--seconds 60] [--concurrency 8]
       [--workers 2] [--attributes] [--client raw|httpx] [--home DIR]
       [--no-record]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import DEFAULT_DATA, environment, load_lists, percentile, record, run_in_home

SEED = "redline-api-speed-1"
WARMUP_SECONDS = 5.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def read_queries(data: Path, attributes: bool, n: int | None = None) -> list[dict[str, Any]]:
    """Person queries from the synthetic customers (all 50,000 by default), in a seeded
    order: a name is sent again only after every other one, so that the screener's
    caches of analysed names do not flatter the figures."""
    path = data / "screening" / "negatives_global.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    random.Random(SEED).shuffle(rows)
    out = []
    for row in rows[:n]:
        props: dict[str, list[str]] = {"name": [row["full_name"]]}
        if attributes:
            for prop, column in (
                ("birthDate", "date_of_birth"),
                ("nationality", "nationality"),
                ("gender", "gender"),
            ):
                if row.get(column):
                    props[prop] = [row[column]]
        out.append({"queries": {"q": {"schema": "Person", "properties": props}}})
    return out


def start_server(home: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "REDLINE_HOME": str(home)}
    command = [sys.executable, "-m", "redline", "serve", "--port", str(port)]
    command += ["--workers", str(workers), "--log-level", "warning"]
    return subprocess.Popen(command, env=env)


def wait_ready(url: str, workers: int, timeout: float = 300.0) -> None:
    """Until /readyz answers 200 on enough consecutive requests to have reached every
    worker with high probability."""
    import httpx

    deadline = time.monotonic() + timeout
    streak = 0
    while time.monotonic() < deadline:
        try:
            ok = httpx.get(url + "/readyz", timeout=5).status_code == 200
        except httpx.HTTPError:
            ok = False
        streak = streak + 1 if ok else 0
        if streak >= 10 * workers:
            return
        time.sleep(0.05 if ok else 0.5)
    raise SystemExit("the server did not become ready")


async def _raw_worker(
    url: str, key: str, bodies: list[bytes], take: Any, note: Any, stop_at: float
) -> None:
    """One keep-alive connection: write a prepared request, read one response, repeat."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    head = (
        f"POST /match/default HTTP/1.1\r\nHost: {host}:{port}\r\nX-API-Key: {key}\r\n"
        "Content-Type: application/json\r\nContent-Length: "
    ).encode()
    try:
        while True:
            start = time.perf_counter()
            if start >= stop_at:
                return
            body = bodies[take()]
            writer.write(head + str(len(body)).encode() + b"\r\n\r\n" + body)
            try:
                status_line = await reader.readline()
                length = 0
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                payload = await reader.readexactly(length)
                code = status_line.split(b" ", 2)[1].decode() if status_line else "closed"
                status = "" if code == "200" else code
                if not status and json.loads(payload)["responses"]["q"]["status"] != 200:
                    status = "query-error"
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
                note(start, type(exc).__name__)
                return
            note(start, status)
    finally:
        writer.close()


async def _load(
    url: str,
    key: str,
    queries: list[dict[str, Any]],
    concurrency: int,
    seconds: float,
    client: str = "raw",
) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    counted_from = time.perf_counter() + WARMUP_SECONDS
    stop_at = counted_from + seconds
    next_query = 0

    async def worker() -> None:
        nonlocal next_query
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        headers = {"X-API-Key": key}
        async with httpx.AsyncClient(
            base_url=url, headers=headers, limits=limits, timeout=30
        ) as client:
            while True:
                start = time.perf_counter()
                if start >= stop_at:
                    return
                body = queries[next_query % len(queries)]
                next_query += 1
                try:
                    response = await client.post("/match/default", json=body)
                    status = str(response.status_code) if response.status_code != 200 else ""
                    if not status and response.json()["responses"]["q"]["status"] != 200:
                        status = "query-error"
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                end = time.perf_counter()
                if start >= counted_from:
                    latencies.append((end - start) * 1000)
                    if status:
                        errors[status] = errors.get(status, 0) + 1

    def take() -> int:
        nonlocal next_query
        next_query += 1
        return (next_query - 1) % len(queries)

    def note(start: float, status: str) -> None:
        if start >= counted_from:
            latencies.append((time.perf_counter() - start) * 1000)
            if status:
                errors[status] = errors.get(status, 0) + 1

    bodies = [json.dumps(q).encode() for q in queries]
    cpu_start = time.process_time()
    if client == "raw":
        await asyncio.gather(
            *(_raw_worker(url, key, bodies, take, note, stop_at) for _ in range(concurrency))
        )
    else:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    cpu = time.process_time() - cpu_start
    return {
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "max_ms": round(max(latencies), 2) if latencies else None,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "load_generator_cpu_seconds": round(cpu, 1),
        "client": client,
        "distinct_queries_sent": min(next_query, len(queries)),
        "queries_repeated": next_query > len(queries),
    }


def run(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    from redline.matching.screener import Screener
    from redline.store.keys import create_key

    data = Path(args.data)
    results: dict[str, Any] = environment("api_speed")
    store, loaded = load_lists(data, home)
    results["lists"] = loaded
    start = time.perf_counter()
    screener = Screener.from_store(store, cache_dir=home / "index")
    results["index_seconds"] = round(time.perf_counter() - start, 2)
    results["parties"] = screener.size
    _, key = create_key(store, "api-speed benchmark", "viewer", created_by="benchmark")
    store.close()
    queries = read_queries(data, args.attributes)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(home, port, args.workers)
    try:
        wait_ready(url, args.workers)
        load = asyncio.run(_load(url, key, queries, args.concurrency, args.seconds, args.client))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    results.update(
        {
            "workers": args.workers,
            "concurrency": args.concurrency,
            "seconds": args.seconds,
            "query": "Person: name, birth date, nationality, gender"
            if args.attributes
            else "Person: name only",
            **load,
            "target": {"requests_per_second": 500, "p99_ms": 50, "errors": 0},
        }
    )
    results["target_met"] = (
        load["requests_per_second"] >= 500 and load["p99_ms"] <= 50 and load["errors"] == 0
    )
    return results


def record_results(r: dict[str, Any]) -> None:
    lists_text = ", ".join(f"{x['label']} ({x['entities']})" for x in r["lists"])
    record(
        [
            f"## HTTP API speed — {r['date']}",
            "",
            f"`python benchmarks/api_speed.py --seconds {r['seconds']:g} --concurrency "
            f"{r['concurrency']} --workers {r['workers']}` on {r['machine']}, Python "
            f"{r['python']}, redline {r['redline']}, 1-minute load average "
            f"{r['load_average_1m']} at the start. Lists: {lists_text}; {r['parties']} parties.",
            "",
            f"`POST /match/default`, one query per request ({r['query']}), "
            f"{r['concurrency']} requests in flight over keep-alive connections "
            f"({r['client']} client), {WARMUP_SECONDS:g} s warm-up not counted, "
            f"{r['distinct_queries_sent']:,} distinct names"
            f"{', some sent twice' if r['queries_repeated'] else ', none repeated'}:",
            "",
            "| workers | requests | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {r['workers']} | {r['requests']:,} | {r['requests_per_second']} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} | {r['errors']} |",
            "",
            f"The load generator (same machine) used {r['load_generator_cpu_seconds']} CPU "
            f"seconds. Target (≥ 500 requests/s, p99 ≤ 50 ms, no errors): "
            f"{'met' if r['target_met'] else 'not met'}.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="The shared data folder.")
    parser.add_argument("--seconds", type=float, default=60.0, help="Measured duration.")
    parser.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="Load generator: a minimal asyncio HTTP/1.1 client (default) or httpx.",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="Requests in flight.")
    parser.add_argument("--workers", type=int, default=2, help="Server worker processes.")
    parser.add_argument(
        "--attributes",
        action="store_true",
        help="Send birth date, nationality and gender with each name.",
    )
    parser.add_argument("--home", default=None, help="Reuse this REDLINE_HOME.")
    parser.add_argument("--no-record", action="store_true", help="Do not touch docs/.")
    run_in_home(parser.parse_args(), run, record_results)


if __name__ == "__main__":
    main()
