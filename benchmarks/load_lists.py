"""Load every official list file in the shared data folder and measure each load.

Each load runs in a fresh subprocess (``redline lists load`` into a throwaway store), so
that its wall time and peak memory (max RSS) are its own. Prints one JSON object and
appends a table to docs/benchmarks.md.

Usage: python benchmarks/load_lists.py [DATA_DIR] [--no-record]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# (label, source, files relative to DATA_DIR, expected parties or None when the data
# README gives no figure)
CASES: list[tuple[str, str, list[str], int | None]] = [
    (
        "OFAC SDN CSV set 2021",
        "us-ofac-sdn",
        ["ofac/sdn.csv", "ofac/add.csv", "ofac/alt.csv", "ofac/sdn_comments.csv"],
        8976,
    ),
    ("OFAC SDN CSV 2024-05-03", "us-ofac-sdn", ["ofac/snapshots/2024-05-03/sdn.csv"], 14965),
    (
        "OFAC SDN 2024 + 2025 add/alt",
        "us-ofac-sdn",
        [
            "ofac/snapshots/2024-05-03/sdn.csv",
            "ofac/snapshots/2025-12-24/add.csv",
            "ofac/snapshots/2025-12-24/alt.csv",
            "ofac/snapshots/2025-12-24/sdn_comments.csv",
        ],
        14965,
    ),
    (
        "OFAC non-SDN CSV set",
        "us-ofac-cons",
        ["ofac/cons_prim.csv", "ofac/cons_add.csv", "ofac/cons_alt.csv", "ofac/cons_comments.csv"],
        442,
    ),
    (
        "OFAC non-SDN XML 2026-01-08",
        "us-ofac-cons",
        ["lists/ofac_xml/consolidated_nonsdn_2026-01-08.xml"],
        442,
    ),
    (
        "OFAC advanced XML 2020-03-17",
        "us-ofac-cons",
        ["lists/ofac_xml/cons_advanced_2020-03-17.xml"],
        375,
    ),
    (
        "OFAC enhanced XML (IRGC) 2024-08-28",
        "us-ofac-sdn",
        ["lists/ofac_xml/enhanced_irgc_program_2024-08-28.xml"],
        293,
    ),
    ("UN SC XML 2026-02-27", "un-sc", ["lists/un/un_consolidated_2026-02-27.xml"], 1003),
    ("UN SC XML 2018-10-29", "un-sc", ["lists/un/un_consolidated_2018-10-29.xml"], 1093),
    ("EU FSF legacy 1.0 2016-02-11", "eu-fsf", ["lists/eu/eu_fsf_legacy_1_0_2016-02-11.xml"], 595),
    ("EU FSF 1.1 sample 2026-08-05", "eu-fsf", ["lists/eu/eu_fsf_1_1_sample_2026-08-05.xml"], 5),
    (
        "UK Sanctions List XML sample",
        "uk-sanctions-list",
        ["lists/uk/uk_sanctions_list_xml_sample_2026-09-10.xml"],
        5,
    ),
    ("UK OFSI ConList extract 2018", "uk-ofsi", ["lists/uk/ofsi_conlist_extract_2018.csv"], None),
    (
        "Canada SEMA 2025-03",
        "ca-sema",
        ["lists/canada/canada_sema_consolidated_autonomous_2025-03.xml"],
        4759,
    ),
    ("US CSL CSV (28-column)", "us-csl", ["ofac/csl/csl.csv"], 115),
    ("US CSL CSV (current)", "us-csl", ["ofac/csl/consolidated.csv"], 13),
    ("BIS Denied Persons List", "us-bis-dpl", ["lists/us_bis/dpl.txt"], None),
]


def measure(source: str, files: list[Path]) -> dict[str, Any]:
    """Load into a fresh store in a subprocess: wall time, peak RSS and the outcome."""
    with tempfile.TemporaryDirectory() as home, tempfile.TemporaryFile("w+") as out:
        env = {**os.environ, "REDLINE_HOME": home}
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "redline", "lists", "load", source, *map(str, files), "--json"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read()
    figures: dict[str, Any] = {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }
    if proc.returncode != 0:
        return {**figures, "error": text.strip().splitlines()[-1:]}
    snap = json.loads(text)["snapshot"]
    return {
        **figures,
        "entities": snap["entity_count"],
        "relations": snap["relation_count"],
        "skipped": snap["skipped_count"],
        "schemata": snap["schema_counts"],
    }


DIFFS: list[tuple[str, str, list[str], list[str]]] = [
    (
        "UN SC 2018-10-29 → 2026-02-27",
        "un-sc",
        ["lists/un/un_consolidated_2018-10-29.xml"],
        ["lists/un/un_consolidated_2026-02-27.xml"],
    ),
    (
        "OFAC SDN 2021 set → 2024-05-03",
        "us-ofac-sdn",
        ["ofac/sdn.csv", "ofac/add.csv", "ofac/alt.csv", "ofac/sdn_comments.csv"],
        ["ofac/snapshots/2024-05-03/sdn.csv"],
    ),
]


def measure_diff(data: Path, source: str, old: list[str], new: list[str]) -> dict[str, Any]:
    """Load two versions into one store and time ``lists diff`` between them."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "REDLINE_HOME": home}
        for rel in (old, new):
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "redline",
                    "lists",
                    "load",
                    source,
                    "--force",
                    *(str(data / r) for r in rel),
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "redline", "lists", "diff", source, "--json"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
    counts = json.loads(proc.stdout)["counts"]
    return {**counts, "seconds": round(seconds, 2)}


def record(results: dict[str, Any]) -> None:
    doc = ROOT / "docs" / "benchmarks.md"
    doc.parent.mkdir(exist_ok=True)
    if not doc.exists():
        doc.write_text("# Benchmarks\n\nFigures recorded by the scripts in `benchmarks/`.\n")
    lines = [
        "",
        f"## List loading — {results['date']}",
        "",
        f"`python benchmarks/load_lists.py` on {results['machine']}, Python {results['python']}, "
        f"redline {results['redline']}. Each load is a fresh `redline lists load` process into "
        "an empty SQLite store (parse, validate, store, activate).",
        "",
        "| list | source | entities | expected | relations | skipped | seconds | peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for case in results["cases"]:
        expected = case["expected"] if case["expected"] is not None else "—"
        lines.append(
            f"| {case['label']} | `{case['source']}` | {case.get('entities', 'error')} | "
            f"{expected} | {case.get('relations', '')} | "
            f"{case.get('skipped', '')} | {case['seconds']} | {case.get('peak_rss_mb', '')} |"
        )
    lines += [
        "",
        "| version change | source | added | removed | changed | `lists diff` seconds |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for d in results["diffs"]:
        lines.append(
            f"| {d['label']} | `{d['source']}` | {d['added']} | {d['removed']} | "
            f"{d['changed']} | {d['seconds']} |"
        )
    with doc.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="?", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument(
        "--no-record", action="store_true", help="Do not append to docs/benchmarks.md."
    )
    args = parser.parse_args()
    data = Path(args.data)
    from redline import __version__

    results: dict[str, Any] = {
        "benchmark": "load_lists",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "redline": __version__,
        "cases": [],
    }
    for label, source, rel, expected in CASES:
        files = [data / r for r in rel]
        if not all(f.exists() for f in files):
            continue
        case: dict[str, Any] = {"label": label, "source": source, "expected": expected}
        case.update(measure(source, files))
        case["count_ok"] = expected is None or case.get("entities") == expected
        results["cases"].append(case)
    results["all_counts_ok"] = all(c["count_ok"] for c in results["cases"])
    results["diffs"] = [
        {"label": label, "source": source, **measure_diff(data, source, old, new)}
        for label, source, old, new in DIFFS
        if all((data / r).exists() for r in old + new)
    ]
    print(json.dumps(results, indent=2))
    if not args.no_record:
        record(results)


if __name__ == "__main__":
    main()
