"""How closely redline's OFAC-style name score follows OFAC's Sanctions List Search.

Reads ``namepairs/ofac_fixtures.csv`` (query_name, result_name, ofac_score; -1 marks a
name that OFAC did not return at its minimum score of 80). It compares OFAC's score with
``ofac_name_score`` rounded to a whole percent, prints one JSON object and appends a
section to docs/benchmarks.md.

Usage: python benchmarks/ofac_parity.py [--data DIR] [--no-record]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redline.matching.ofac_name import ofac_name_score, prepare_name, score_prepared

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path("namepairs") / "ofac_fixtures.csv"
OFAC_MINIMUM = 80
WORST_SHOWN = 8


def load(path: Path) -> list[tuple[str, str, int]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            (row["query_name"], row["result_name"], int(row["ofac_score"]))
            for row in csv.DictReader(fh)
        ]


def parity(rows: list[tuple[str, str, int]]) -> dict[str, Any]:
    scored: list[dict[str, Any]] = []
    unreturned: list[dict[str, Any]] = []
    for query, candidate, ofac in rows:
        ours = round(ofac_name_score(query, candidate) * 100)
        row = {"query": query, "candidate": candidate, "ofac": ofac, "redline": ours}
        (unreturned if ofac < 0 else scored).append(row)
    deltas = [abs(r["redline"] - r["ofac"]) for r in scored]
    n = len(deltas)

    def share(limit: int) -> dict[str, float | int]:
        count = sum(d <= limit for d in deltas)
        return {"count": count, "share": round(count / n, 4) if n else 0.0}

    worst = sorted(scored, key=lambda r: -abs(r["redline"] - r["ofac"]))[:WORST_SHOWN]
    below = sum(r["redline"] < OFAC_MINIMUM for r in unreturned)
    return {
        "scored_rows": n,
        "mean_abs_delta": round(sum(deltas) / n, 3) if n else 0.0,
        "exact": share(0),
        "within_1": share(1),
        "within_3": share(3),
        "within_5": share(5),
        "unreturned_rows": len(unreturned),
        "unreturned_below_80": below,
        "unreturned": unreturned,
        "worst": worst,
    }


def speed(rows: list[tuple[str, str, int]], repeat: int = 50) -> dict[str, float]:
    """Microseconds per pair: from raw strings (prepare cached) and from prepared names."""
    pairs = [(q, c) for q, c, _ in rows]
    start = time.perf_counter()
    for _ in range(repeat):
        for q, c in pairs:
            ofac_name_score(q, c)
    raw = (time.perf_counter() - start) / (repeat * len(pairs))
    prepared = [(prepare_name(q), prepare_name(c)) for q, c in pairs]
    start = time.perf_counter()
    for _ in range(repeat):
        for pq, pc in prepared:
            score_prepared(pq, pc)
    done = (time.perf_counter() - start) / (repeat * len(pairs))
    return {"us_per_pair": round(raw * 1e6, 2), "us_per_prepared_pair": round(done * 1e6, 2)}


def record(results: dict[str, Any]) -> None:
    doc = ROOT / "docs" / "benchmarks.md"
    doc.parent.mkdir(exist_ok=True)
    if not doc.exists():
        doc.write_text("# Benchmarks\n\nFigures recorded by the scripts in `benchmarks/`.\n")
    p = results["parity"]
    lines = [
        "",
        f"## OFAC score parity — {results['date']}",
        "",
        f"`python benchmarks/ofac_parity.py` on {results['machine']}, Python "
        f"{results['python']}, redline {results['redline']}; `{FIXTURES}`.",
        "",
        "| scored rows | mean abs Δ | exact | within ±1 | within ±3 | within ±5 "
        "| unreturned < 80 | µs/pair |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {p['scored_rows']} | {p['mean_abs_delta']} | {p['exact']['count']} "
        f"| {p['within_1']['count']} | {p['within_3']['count']} | {p['within_5']['count']} "
        f"| {p['unreturned_below_80']}/{p['unreturned_rows']} "
        f"| {results['speed']['us_per_pair']} |",
    ]
    with doc.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument(
        "--no-record", action="store_true", help="Do not append to docs/benchmarks.md."
    )
    args = parser.parse_args()
    from redline import __version__

    rows = load(Path(args.data) / FIXTURES)
    results: dict[str, Any] = {
        "benchmark": "ofac_parity",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "redline": __version__,
        "parity": parity(rows),
        "speed": speed(rows),
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if not args.no_record:
        record(results)


if __name__ == "__main__":
    main()
