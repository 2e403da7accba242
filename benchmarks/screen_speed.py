"""Speed of screening a whole customer file (``redline screen``) against the four lists
loaded together (2024 SDN + non-SDN + UN + Canada), the issue's target being
1,000,000 rows in 10 minutes on 2 cores.

The file is generated: most rows are synthetic customers made from
screening/negatives_global.csv (the first and middle names of one person with the
surname of another, so that rows are rarely repeated, with that person's birth date,
nationality and gender), and 2% are listed names with one typo, so that the run writes
hits as a real one does. The time measured is the library call behind the command
(``screen_file``): reading and checking the file, screening with the worker processes,
writing the results; the index is built beforehand and timed apart.

Prints one JSON object and appends a section to docs/benchmarks.md.

Usage: python benchmarks/screen_speed.py [--rows N] [--workers N] [--data DIR]
       [--home DIR] [--no-record]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

from common import DEFAULT_DATA, environment, is_latin, load_lists, record, run_in_home
from screening_quality import typo

SEED = "redline-screen-speed-1"
#: Share of generated rows that are listed names (with a typo).
LISTED_SHARE = 0.02


def generate(data: Path, listed: list[str], rows: int, path: Path) -> dict[str, int]:
    """Write ``rows`` customer rows to ``path``; how many of each kind were written."""
    with (data / "screening" / "negatives_global.csv").open(encoding="utf-8") as fh:
        people = list(csv.DictReader(fh))
    rng = random.Random(SEED)
    kinds = {"customers": 0, "listed": 0}
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["customer_id", "full_name", "gender", "date_of_birth", "nationality"])
        for i in range(1, rows + 1):
            if rng.random() < LISTED_SHARE:
                name = typo(rng.choice(listed), rng) or rng.choice(listed)
                out.writerow([f"C{i:08d}", name, "", "", ""])
                kinds["listed"] += 1
                continue
            a, b = rng.choice(people), rng.choice(people)
            given = " ".join(x for x in (a["first_name"], a["middle_name"]) if x)
            name = f"{given} {b['last_name']}".strip() or a["full_name"]
            out.writerow([f"C{i:08d}", name, a["gender"], a["date_of_birth"], a["nationality"]])
            kinds["customers"] += 1
    return kinds


def run(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    from redline.matching.screener import Screener
    from redline.screening.batch import ScreenParams, screen_file
    from redline.settings import Settings

    data = Path(args.data)
    results: dict[str, Any] = {**environment("screen_speed")}
    store, loaded = load_lists(data, home)
    results["lists"] = loaded
    settings = Settings(home=home)
    start = time.perf_counter()
    screener = Screener.from_store(store, cache_dir=home / "index")
    results["index_seconds"] = round(time.perf_counter() - start, 2)
    listed = sorted({e.text for p in screener.index.profiles for e in p.names if is_latin(e.text)})
    source = home / "customers.csv"
    results["generated"] = generate(data, listed, args.rows, source)
    results["input_bytes"] = source.stat().st_size
    workers = args.workers or os.cpu_count() or 1
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] > 30 or done == total:
            last[0] = now
            print(f"{done:,}/{total:,} rows", file=sys.stderr, flush=True)

    start = time.perf_counter()
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = screen_file(
        store,
        settings,
        source,
        home / "hits.csv",
        ScreenParams(workers=workers),
        progress=progress,
    )
    seconds = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)

    def cpu(after: Any, before: Any) -> float:
        return round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1)

    results.update(
        {
            # Where the cores went: the parent reads rows and writes hits, the workers
            # screen (their time counts once they have exited).
            "cpu_seconds": {
                "parent": cpu(own, own_before),
                "workers": cpu(children, children_before),
            },
            "rows": summary.counts["rows"],
            "workers": summary.parameters["workers"],
            "seconds": round(seconds, 2),
            "rows_per_second": round(summary.counts["rows"] / seconds, 1),
            "projected_seconds_for_1m_rows": round(1_000_000 * seconds / summary.counts["rows"]),
            "rows_with_hits": summary.counts["with_hits"],
            "hits": summary.counts["hits"],
            "algorithm": summary.parameters["algorithm"],
            "threshold": summary.parameters["threshold_in_force"],
        }
    )
    store.close()
    return results


def record_results(r: dict[str, Any]) -> None:
    lists = ", ".join(f"{x['label']} ({x['entities']})" for x in r["lists"])
    target = "met" if r["projected_seconds_for_1m_rows"] <= 600 else "not met"
    record(
        [
            f"## Screening a file — {r['date']}",
            "",
            f"`python benchmarks/screen_speed.py --rows {r['rows']}` on {r['machine']}, Python "
            f"{r['python']}, redline {r['redline']}, 1-minute load average "
            f"{r['load_average_1m']} at the start. Lists: {lists}.",
            "",
            "| rows | workers | seconds | rows/s | projected for 1,000,000 rows | rows with hits "
            "| hits |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            f"| {r['rows']:,} | {r['workers']} | {r['seconds']} | {r['rows_per_second']} | "
            f"{r['projected_seconds_for_1m_rows']:,} s | {r['rows_with_hits']:,} | "
            f"{r['hits']:,} |",
            "",
            f"{r['generated']['listed']:,} rows were listed names with a typo, the rest "
            f"synthetic customers; {r['algorithm']} at its default threshold "
            f"{r['threshold']}. The index was built beforehand in {r['index_seconds']} s. "
            + (
                f"CPU: {r['cpu_seconds']['workers']} s in the worker processes, "
                f"{r['cpu_seconds']['parent']} s in the parent (reading rows, writing hits). "
                if "cpu_seconds" in r
                else ""
            )
            + f"Target (1,000,000 rows in 10 minutes on 2 cores): {target}.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="Rows to generate.")
    parser.add_argument("--workers", type=int, default=None, help="Default: one per CPU.")
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="Shared data folder.")
    parser.add_argument("--home", default=None, help="Reuse this REDLINE_HOME.")
    parser.add_argument(
        "--no-record", action="store_true", help="Do not append to docs/benchmarks.md."
    )
    run_in_home(parser.parse_args(), run, record_results)


if __name__ == "__main__":
    main()
