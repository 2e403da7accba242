"""Matching speed: per-pair scoring against nomenklatura logic-v2 in the same run, index
build and saved-index load, and screening latency and throughput against the four lists
loaded together (2024 SDN + non-SDN + UN + Canada).

* Per pair, on the cascade and translit pairs (measured first, before anything else
  warms redline's caches): end-to-end ``score_pair`` (analysis included) and logic-v2 on
  FollowTheMoney entities of the same pairs, a first (cold) and a second (warm) pass
  each; and ``Algorithm.compare`` alone on prepared profiles.
* Index: ``Screener.from_store`` with no saved index (read, analyse, index, save), then a
  fresh process loading the saved index (the time inside ``from_store`` and the whole
  process, imports included).
* Queries: 5,000 bare names, half from the synthetic customers and half listed names
  with one typo, single thread: p50/p95/p99 latency and queries/s; then the same
  queries split over 2 worker processes, each with its own Screener loaded from the
  saved index, timed from a common start. Every screener is warmed first
  (``Screener.warm``: all parties analysed, as in a long-running server), so the
  figures are steady-state throughput.
* Screened pairs: for the first 200 of those queries, the candidates retrieval hands
  the scorer (50 per query). redline's cost per pair is the whole ``match`` (analysis,
  retrieval, bounds, alignment) over the pairs it was handed; logic-v2's is its
  ``compare`` of each query with each candidate (all the candidate's names, the query
  given the candidate's schema), on entities made afresh for every query as a server
  reads them from its index, in a process that has scored them all once before (its
  string caches warm). The same pairs, in the same run.

Prints one JSON object and appends a section to docs/benchmarks.md.

Usage: python benchmarks/match_speed.py [--data DIR] [--queries N] [--workers N]
       [--only pairs|index|queries] [--home DIR] [--no-record]
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import (
    DEFAULT_DATA,
    PEER_THRESHOLD,
    Pair,
    Peer,
    environment,
    is_latin,
    load_lists,
    peer_version,
    percentile,
    read_pairs,
    record,
    run_in_home,
    sample,
)
from screening_quality import typo

SEED = "redline-match-speed-1"
PAIR_SETS = (
    "cascade-1",
    "cascade-2",
    "translit-russian",
    "translit-arabic",
    "translit-hebrew",
    "translit-ar2en",
)


# ---------------------------------------------------------------------------------------
# Per-pair scoring


def _time_pairs(pairs: list[Pair], score: Any) -> float:
    """Microseconds per pair for one pass of ``score(schema, name1, name2)``."""
    start = time.perf_counter()
    for p in pairs:
        score(p.schema, p.name1, p.name2)
    return (time.perf_counter() - start) / len(pairs) * 1e6


def pair_speed(data: Path, algorithm: str | None) -> dict[str, Any]:
    from redline.entities import Entity
    from redline.matching.algorithms import get_algorithm
    from redline.matching.pairs import pair_schema, score_pair
    from redline.matching.profile import profile_of

    sets = read_pairs(data, PAIR_SETS)
    pairs = [p for name in PAIR_SETS for p in sets.get(name, [])]
    algo = get_algorithm(algorithm)
    out: dict[str, Any] = {
        "pairs": len(pairs),
        "datasets": [n for n in PAIR_SETS if n in sets],
        "algorithm": algo.name,
    }
    peer: Peer | None
    try:
        peer = Peer()
    except ImportError as exc:
        peer = None
        out["peer_error"] = f"nomenklatura unavailable: {exc}"

    def ours(schema: str, name1: str, name2: str) -> None:
        score_pair(schema, name1, name2, algo.name)

    # Cold passes first (no name seen yet by either library), then warm passes. logic-v2
    # caches per entity id, so its warm pass scores the entities of its cold pass again.
    out["redline_e2e_cold_us"] = round(_time_pairs(pairs, ours), 1)
    if peer is not None:
        made: list[tuple[Any, Any]] = []
        start = time.perf_counter()
        for p in pairs:
            left, right = peer.entities(p.schema, p.name1, p.name2)
            peer.compare(left, right)
            made.append((left, right))
        out["peer_cold_us"] = round((time.perf_counter() - start) / len(pairs) * 1e6, 1)
    out["redline_e2e_warm_us"] = round(_time_pairs(pairs, ours), 1)
    if peer is not None:
        start = time.perf_counter()
        for left, right in made:
            peer.compare(left, right)
        out["peer_warm_us"] = round((time.perf_counter() - start) / len(pairs) * 1e6, 1)

    prepared = []
    for p in pairs:
        kind = pair_schema(p.schema)
        left = Entity("pair-1", kind)
        left.add("name", p.name1)
        right = Entity("pair-2", kind)
        right.add("name", p.name2)
        prepared.append((profile_of(left), profile_of(right)))
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        for q, c in prepared:
            algo.compare(q, c)
        runs.append((time.perf_counter() - start) / len(prepared) * 1e6)
    out["redline_compare_us"] = round(min(runs), 2)
    if peer is not None:
        out["peer"] = f"nomenklatura {peer_version()} logic-v2 (threshold {PEER_THRESHOLD})"
        out["ratio_e2e_cold"] = round(out["peer_cold_us"] / out["redline_e2e_cold_us"], 1)
        out["ratio_e2e_warm"] = round(out["peer_warm_us"] / out["redline_e2e_warm_us"], 1)
        out["ratio_compare_vs_peer_warm"] = round(
            out["peer_warm_us"] / out["redline_compare_us"], 1
        )
    return out


# ---------------------------------------------------------------------------------------
# Index build and load

_LOAD_SNIPPET = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from redline.matching.screener import Screener
from redline.settings import Settings
from redline.store import open_store
home = Path(sys.argv[1])
store = open_store(Settings(home=home))
t1 = time.perf_counter()
screener = Screener.from_store(store, sys.argv[2] or None, cache_dir=home / "index")
t2 = time.perf_counter()
screener.match("Ghassem Damavandian")
t3 = time.perf_counter()
print(json.dumps({"import_open": t1 - t0, "from_store": t2 - t1, "first_query": t3 - t2,
                  "parties": screener.size}))
"""


def fresh_load(home: Path, algorithm: str | None, runs: int = 3) -> dict[str, Any]:
    """Load the saved index in new processes; the median of ``runs``."""
    measured: list[dict[str, float]] = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", _LOAD_SNIPPET, str(home), algorithm or ""],
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        measured.append({**json.loads(proc.stdout.strip().splitlines()[-1]), "process": wall})

    def median(key: str) -> float:
        return round(sorted(m[key] for m in measured)[len(measured) // 2], 3)

    return {
        "runs": runs,
        "from_store_seconds": median("from_store"),
        "first_query_seconds": median("first_query"),
        "import_and_open_seconds": median("import_open"),
        "process_seconds": median("process"),
    }


# ---------------------------------------------------------------------------------------
# Queries


def query_names(data: Path, screener: Any, n: int) -> list[str]:
    """Half synthetic customers' names, half listed names with one typo, shuffled."""
    with (data / "screening" / "negatives_global.csv").open(encoding="utf-8") as fh:
        customers = [row["full_name"] for row in csv.DictReader(fh)]
    listed = sorted({e.text for p in screener.index.profiles for e in p.names if is_latin(e.text)})
    half = n // 2
    names = sample(customers, half, f"{SEED}:customers")
    rng = random.Random(f"{SEED}:typos")
    for name in sample(listed, min(len(listed), (n - half) * 2), f"{SEED}:listed"):
        if len(names) >= n:
            break
        varied = typo(name, rng)
        if varied:
            names.append(varied)
    random.Random(f"{SEED}:order").shuffle(names)
    return names


def single_thread(screener: Any, names: list[str]) -> dict[str, Any]:
    screener.warm()  # a no-op after a build; a loaded index analyses its parties now
    for name in names[:200]:  # warm-up, not counted
        screener.match(name)
    latencies: list[float] = []
    matched = 0
    start = time.perf_counter()
    for name in names:
        t0 = time.perf_counter()
        matched += bool(screener.match(name))
        latencies.append(time.perf_counter() - t0)
    seconds = time.perf_counter() - start
    return {
        "queries": len(names),
        "with_matches": matched,
        "seconds": round(seconds, 2),
        "queries_per_second": round(len(names) / seconds, 1),
        "ms": {
            "mean": round(seconds / len(names) * 1000, 3),
            "p50": round(percentile(latencies, 50) * 1000, 3),
            "p95": round(percentile(latencies, 95) * 1000, 3),
            "p99": round(percentile(latencies, 99) * 1000, 3),
            "max": round(max(latencies) * 1000, 3),
        },
    }


def screened_pairs(screener: Any, names: list[str], n: int = 200) -> dict[str, Any]:
    """Per candidate pair, as each system screens (see the module docstring)."""
    from redline.entities import Entity
    from redline.matching.profile import profile_of
    from redline.matching.screener import MIN_CANDIDATES

    try:
        peer = Peer()
    except ImportError as exc:
        return {"peer_error": f"nomenklatura unavailable: {exc}"}
    chosen = names[:n]
    pairs: list[tuple[str, str, list[str]]] = []
    for name in chosen:
        entity = Entity("query", "Thing")
        entity.add("name", name)
        forms = [f for e in profile_of(entity).names for f in e.forms]
        for index, _ in screener.index.candidates(forms, MIN_CANDIDATES):
            candidate = screener.index.profiles[index]
            pairs.append((name, candidate.schema, [e.text for e in candidate.names]))
    start = time.perf_counter()
    for name in chosen:
        screener.match(name)
    ours = (time.perf_counter() - start) / max(len(pairs), 1) * 1e6

    def make(schema: str, texts: list[str]) -> Any:
        kind = schema if peer.model.get(schema) is not None else "LegalEntity"
        entity = peer.model.make_entity(kind)
        entity.id = f"peer-{next(peer.ids)}"
        for text in texts:
            entity.add("name", text)
        return entity

    def peer_pass() -> float:
        start = time.perf_counter()
        for name, schema, texts in pairs:
            peer.compare(make(schema, [name]), make(schema, texts))
        return (time.perf_counter() - start) / max(len(pairs), 1) * 1e6

    peer_pass()  # the process's caches warm, as in a long-running server
    theirs = peer_pass()
    return {
        "queries": len(chosen),
        "pairs": len(pairs),
        "redline_us_per_pair": round(ours, 1),
        "peer_us_per_pair": round(theirs, 1),
        "ratio": round(theirs / ours, 1),
        "peer": f"nomenklatura {peer_version()} logic-v2",
    }


def _worker(home: str, algorithm: str | None, names: list[str], barrier: Any, results: Any) -> None:
    from redline.matching.screener import Screener
    from redline.settings import Settings
    from redline.store import open_store

    store = open_store(Settings(home=Path(home)))
    screener = Screener.from_store(store, algorithm, cache_dir=Path(home) / "index")
    # Loaded from disk, parties are analysed at their first match; the single-thread
    # run uses the screener that built the index, which has them all: same state here.
    screener.warm()
    for name in names[:100]:  # warm-up, not counted
        screener.match(name)
    barrier.wait()
    start = time.perf_counter()
    for name in names:
        screener.match(name)
    results.put((os.getpid(), len(names), time.perf_counter() - start))


def multi_process(
    home: Path, algorithm: str | None, names: list[str], workers: int
) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(workers + 1)
    results = ctx.Queue()
    chunks = [names[i::workers] for i in range(workers)]
    procs = [
        ctx.Process(target=_worker, args=(str(home), algorithm, chunk, barrier, results))
        for chunk in chunks
    ]
    for proc in procs:
        proc.start()
    barrier.wait()
    start = time.perf_counter()
    done = [results.get() for _ in procs]
    wall = time.perf_counter() - start
    for proc in procs:
        proc.join()
    return {
        "workers": workers,
        "queries": len(names),
        "seconds": round(wall, 2),
        "queries_per_second": round(len(names) / wall, 1),
        "per_worker_qps": [round(n / s, 1) for _, n, s in done],
    }


# ---------------------------------------------------------------------------------------


def run(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    data = Path(args.data)
    parts = set(args.only or ("pairs", "index", "queries"))
    results: dict[str, Any] = {**environment("match_speed")}
    if "pairs" in parts:
        results["pairs"] = pair_speed(data, args.algorithm)
    if not parts & {"index", "queries"}:
        return results
    from redline.matching.screener import Screener

    store, loaded = load_lists(data, home)
    results["lists"] = loaded
    cache = home / "index"
    for old in cache.glob("*.idx"):  # measure a real build, not a load
        old.unlink()
    start = time.perf_counter()
    screener = Screener.from_store(store, args.algorithm, cache_dir=cache)
    build = time.perf_counter() - start
    results["algorithm"] = screener.algorithm.name
    results["index"] = {
        "parties": screener.size,
        "names_indexed": screener.index.size,
        "build_seconds": round(build, 2),
        "saved_bytes": sum(f.stat().st_size for f in cache.glob("*.idx")),
    }
    if "index" in parts:
        results["index"]["fresh_process_load"] = fresh_load(home, args.algorithm)
    if "queries" in parts:
        names = query_names(data, screener, args.queries)
        results["single_thread"] = single_thread(screener, names)
        results["screened_pairs"] = screened_pairs(screener, names)
        if args.workers > 1:
            results["multi_process"] = multi_process(home, args.algorithm, names, args.workers)
    return results


def record_results(results: dict[str, Any]) -> None:
    lines = [
        f"## Matching speed — {results['date']}",
        "",
        f"`python benchmarks/match_speed.py` on {results['machine']}, Python "
        f"{results['python']}, redline {results['redline']}, 1-minute load average "
        f"{results['load_average_1m']} at the start.",
    ]
    p = results.get("pairs")
    if p:
        lines += [
            "",
            f"Per pair, {p['pairs']} pairs ({', '.join(p['datasets'])}), µs per pair, "
            f"single thread; peer: {p.get('peer', p.get('peer_error'))}:",
            "",
            "| measure | redline | logic-v2 | ratio |",
            "|---|---:|---:|---:|",
            f"| end-to-end, first pass (cold) | {p['redline_e2e_cold_us']} | "
            f"{p.get('peer_cold_us', '—')} | {p.get('ratio_e2e_cold', '—')}× |",
            f"| end-to-end, second pass (warm caches) | {p['redline_e2e_warm_us']} | "
            f"{p.get('peer_warm_us', '—')} | {p.get('ratio_e2e_warm', '—')}× |",
            f"| `compare` on prepared profiles vs logic-v2 warm | {p['redline_compare_us']} | "
            f"{p.get('peer_warm_us', '—')} | {p.get('ratio_compare_vs_peer_warm', '—')}× |",
        ]
    idx = results.get("index")
    if idx:
        lists = ", ".join(f"{x['label']} ({x['entities']})" for x in results["lists"])
        lines += [
            "",
            f"Lists: {lists}; {idx['parties']} parties, {idx['names_indexed']} indexed name "
            f"forms. Index build (read store, analyse, index, save): {idx['build_seconds']} s; "
            f"saved index {idx['saved_bytes'] / 1e6:.1f} MB.",
        ]
        fresh = idx.get("fresh_process_load")
        if fresh:
            lines.append(
                f"A fresh process loads it in {fresh['from_store_seconds']} s "
                f"(`Screener.from_store`; imports and store open "
                f"{fresh['import_and_open_seconds']} s, first query "
                f"{fresh['first_query_seconds']} s, whole process {fresh['process_seconds']} s; "
                f"median of {fresh['runs']})."
            )
    st = results.get("single_thread")
    if st:
        ms = st["ms"]
        lines += [
            "",
            f"Screening {st['queries']} bare names (half synthetic customers, half listed "
            "names with one typo), default limit and threshold:",
            "",
            "| mode | queries/s | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|---:|",
            f"| 1 thread | {st['queries_per_second']} | {ms['p50']} | {ms['p95']} | "
            f"{ms['p99']} | {ms['max']} |",
        ]
        mp_ = results.get("multi_process")
        if mp_:
            lines.append(f"| {mp_['workers']} processes | {mp_['queries_per_second']} | | | | |")
    sp = results.get("screened_pairs")
    if sp and "ratio" in sp:
        lines += [
            "",
            f"Screened pairs: the {sp['pairs']} (query, candidate) pairs retrieval handed the "
            f"scorer for the first {sp['queries']} of those queries. redline, whole `match` "
            f"over its pairs: {sp['redline_us_per_pair']} µs per pair; {sp['peer']} scoring "
            f"each pair on entities made afresh per query, process caches warm: "
            f"{sp['peer_us_per_pair']} µs per pair; ratio {sp['ratio']}×.",
        ]
    record(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="Shared data folder.")
    parser.add_argument("--algorithm", default=None, help="Algorithm (default: redline-v1).")
    parser.add_argument("--queries", type=int, default=5000, help="Queries to time.")
    parser.add_argument("--workers", type=int, default=2, help="Worker processes.")
    parser.add_argument(
        "--only",
        action="append",
        choices=("pairs", "index", "queries"),
        help="Run only this part (repeatable).",
    )
    parser.add_argument("--home", default=None, help="Reuse this REDLINE_HOME.")
    parser.add_argument(
        "--no-record", action="store_true", help="Do not append to docs/benchmarks.md."
    )
    run_in_home(parser.parse_args(), run, record_results)


if __name__ == "__main__":
    main()
