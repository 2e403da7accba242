"""What the matching benchmarks share: where the data is, the lists they load, the
labelled pair files, the statistics and the record appended to docs/benchmarks.md.

Kept in one place so that the three scripts (match_quality, screening_quality,
match_speed) read the same pairs, load the same lists and compute the same figures the
same way; a reviewer checks one definition of F1 or AUC, not three.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import os
import platform
import random
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "benchmarks" / "out"
DOC = ROOT / "docs" / "benchmarks.md"

#: The lists screened against: (label, source id, files relative to the data folder).
#: The same set as the issue's speed target: 2024 SDN + non-SDN + UN + Canada.
LISTS: list[tuple[str, str, list[str]]] = [
    ("OFAC SDN 2024-05-03", "us-ofac-sdn", ["ofac/snapshots/2024-05-03/sdn.csv"]),
    (
        "OFAC non-SDN consolidated",
        "us-ofac-cons",
        ["ofac/cons_prim.csv", "ofac/cons_add.csv", "ofac/cons_alt.csv", "ofac/cons_comments.csv"],
    ),
    ("UN SC 2026-02-27", "un-sc", ["lists/un/un_consolidated_2026-02-27.xml"]),
    (
        "Canada SEMA 2025-03",
        "ca-sema",
        ["lists/canada/canada_sema_consolidated_autonomous_2025-03.xml"],
    ),
]

#: nomenklatura's logic-v2 threshold as yente uses it (the issue's peer figure).
PEER_THRESHOLD = 0.7


def environment(benchmark: str) -> dict[str, Any]:
    """Date, machine and versions, the head of every result object."""
    from redline import __version__
    from redline.matching.similarity import kernel_loaded

    return {
        "benchmark": benchmark,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "redline": __version__,
        # Other work on the machine slows every timing; the load says how busy it was.
        "load_average_1m": round(os.getloadavg()[0], 2),
        # Word similarities by the C kernel, or by numpy where it is not built.
        "kernel": kernel_loaded(),
    }


def record(lines: Sequence[str]) -> None:
    """Append a section to docs/benchmarks.md."""
    DOC.parent.mkdir(exist_ok=True)
    if not DOC.exists():
        DOC.write_text("# Benchmarks\n\nFigures recorded by the scripts in `benchmarks/`.\n")
    with DOC.open("a", encoding="utf-8") as fh:
        fh.write("\n" + "\n".join(lines) + "\n")


# ---------------------------------------------------------------------------------------
# Lists


def load_lists(data: Path, home: Path) -> tuple[Any, list[dict[str, Any]]]:
    """Load the four lists into the store under ``home`` (files already loaded are left
    as they are): the open store and what was loaded, with seconds per list."""
    from redline import lists
    from redline.settings import Settings
    from redline.store import open_store

    settings = Settings(home=home)
    store = open_store(settings)
    loaded: list[dict[str, Any]] = []
    for label, source, rel in LISTS:
        files = [data / r for r in rel]
        missing = [str(f) for f in files if not f.exists()]
        if missing:
            raise SystemExit(f"missing list file(s): {', '.join(missing)}")
        start = time.perf_counter()
        result = lists.load(store, settings, source, files)
        snap = result.snapshot
        loaded.append(
            {
                "label": label,
                "source": source,
                "status": result.status,
                "entities": snap.entity_count if snap is not None else None,
                "seconds": round(time.perf_counter() - start, 2),
            }
        )
    return store, loaded


# ---------------------------------------------------------------------------------------
# Labelled pairs


@dataclass(frozen=True, slots=True)
class Pair:
    """One labelled name pair."""

    dataset: str
    schema: str
    name1: str
    name2: str
    label: bool
    category: str = ""


#: Dataset name → (file relative to the data folder, reader kind).
PAIR_FILES: list[tuple[str, str, str]] = [
    ("cascade-1", "namepairs/cascade-name-pairs.csv", "cascade"),
    ("cascade-2", "namepairs/cascade-name-pairs-2.csv", "cascade"),
    ("cross-script", "namepairs/cross_script_pairs.csv", "cross"),
    ("translit-russian", "translit/russian.tsv", "wikidata"),
    ("translit-arabic", "translit/arabic.tsv", "wikidata"),
    ("translit-hebrew", "translit/hebrew.tsv", "wikidata"),
    ("translit-ar2en", "translit/ar2en-eval.txt", "google"),
]

NEGATIVE_RULE = (
    "translit negatives: the Latin word of row i against the native word of row "
    "(i + n//2) mod n, moving on to the next row while that row's Latin word is the same "
    "word (case-folded)"
)


def _cascade(name: str, path: Path) -> list[Pair]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Pair(
                name,
                (row["schema"] or "").strip() or "LegalEntity",
                row["name1"],
                row["name2"],
                row["is_match"].strip().lower() == "true",
                (row.get("category") or "").strip(),
            )
            for row in csv.DictReader(fh)
        ]


def _cross(name: str, path: Path) -> list[Pair]:
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]
    # The header is itself a comment line ("# Format: Query,Expected Match,..."), so
    # every remaining line is a data row; all are positives.
    return [
        Pair(name, "Person", row[0].strip(), row[1].strip(), True, (row[3] if len(row) > 3 else ""))
        for row in csv.reader(lines)
        if len(row) >= 2
    ]


def _with_negatives(name: str, words: list[tuple[str, str]]) -> list[Pair]:
    """Positives (latin, native) and one deterministic negative per row (NEGATIVE_RULE)."""
    n = len(words)
    pairs = [Pair(name, "Person", latin, native, True, "positive") for latin, native in words]
    for i, (latin, _) in enumerate(words):
        j = (i + n // 2) % n
        for _ in range(n):
            if words[j][0].casefold() != latin.casefold():
                break
            j = (j + 1) % n
        pairs.append(Pair(name, "Person", latin, words[j][1], False, "negative"))
    return pairs


def _wikidata(name: str, path: Path) -> list[Pair]:
    words: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 2 and cols[0] and cols[1]:
                words.append((cols[0], cols[1].replace(" ", "")))
    return _with_negatives(name, words)


def _google(name: str, path: Path) -> list[Pair]:
    words: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 2 and cols[0] and cols[1]:
                words.append((cols[1], cols[0]))  # file is arabic<TAB>english
    return _with_negatives(name, words)


_READERS: dict[str, Callable[[str, Path], list[Pair]]] = {
    "cascade": _cascade,
    "cross": _cross,
    "wikidata": _wikidata,
    "google": _google,
}


def read_pairs(data: Path, only: Sequence[str] | None = None) -> dict[str, list[Pair]]:
    """Every labelled pair dataset present in ``data``, by dataset name."""
    out: dict[str, list[Pair]] = {}
    for name, rel, kind in PAIR_FILES:
        if only and name not in only:
            continue
        path = data / rel
        if path.exists():
            out[name] = _READERS[kind](name, path)
    return out


def sample(items: Sequence[Any], n: int | None, seed: str) -> list[Any]:
    """A deterministic sample of ``n`` items in their original order (all when None)."""
    if n is None or n >= len(items):
        return list(items)
    rng = random.Random(seed)
    return [items[i] for i in sorted(rng.sample(range(len(items)), n))]


# ---------------------------------------------------------------------------------------
# The peer: nomenklatura logic-v2


class Peer:
    """nomenklatura logic-v2, the peer: scores FollowTheMoney entities of one name each,
    with the algorithm's default configuration, as yente does for a name-only query.

    logic-v2 caches its analysis of an entity by the entity's id, so every entity made
    here gets an id of its own; reusing ids would return the first pair's analysis for
    every later pair.
    """

    def __init__(self) -> None:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig

        algorithm = get_algorithm("logic-v2")
        if algorithm is None:
            raise ImportError("nomenklatura has no logic-v2 algorithm")
        self.model = model
        self.algorithm = algorithm
        self.config = ScoringConfig.defaults()
        self.ids = itertools.count()

    def entities(self, schema: str, name1: str, name2: str) -> tuple[Any, Any]:
        """Two single-name entities of ``schema`` (LegalEntity when FtM lacks it)."""
        kind = schema if self.model.get(schema) is not None else "LegalEntity"
        out = []
        for name in (name1, name2):
            entity = self.model.make_entity(kind)
            entity.id = f"peer-{next(self.ids)}"
            entity.add("name", name)
            out.append(entity)
        return out[0], out[1]

    def compare(self, left: Any, right: Any) -> float:
        """logic-v2's score of two prepared entities."""
        return float(self.algorithm.compare(left, right, self.config).score)

    def score(self, schema: str, name1: str, name2: str) -> float:
        """End to end: make the entities and score them."""
        return self.compare(*self.entities(schema, name1, name2))


def peer_version() -> str:
    """nomenklatura's installed version, or why it is unavailable."""
    try:
        from importlib.metadata import version

        return version("nomenklatura")
    except Exception as exc:  # PackageNotFoundError and friends
        return f"unavailable ({exc})"


# ---------------------------------------------------------------------------------------
# Statistics


def confusion(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> dict[str, int]:
    """True/false positives/negatives at ``threshold`` (score >= threshold is a match)."""
    tp = fp = fn = tn = 0
    for s, y in zip(scores, labels, strict=True):
        hit = s >= threshold
        if hit and y:
            tp += 1
        elif hit:
            fp += 1
        elif y:
            fn += 1
        else:
            tn += 1
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn}


def prf(c: dict[str, int]) -> dict[str, float | None]:
    """Precision, recall and F1 from a confusion count (None when undefined)."""
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = 2 * p * r / (p + r) if p is not None and r is not None and p + r else None
    if p is not None and r is not None and p + r == 0:
        f = 0.0
    return {"precision": _r(p), "recall": _r(r), "f1": _r(f)}


def pr_curve(scores: Sequence[float], labels: Sequence[bool]) -> list[tuple[float, float, float]]:
    """(threshold, precision, recall) at every distinct score, highest threshold first."""
    positives = sum(labels)
    if positives == 0:
        return []
    ranked = sorted(zip(scores, labels, strict=True), key=lambda t: -t[0])
    out: list[tuple[float, float, float]] = []
    tp = fp = 0
    for i, (s, y) in enumerate(ranked):
        tp += y
        fp += not y
        if i + 1 < len(ranked) and ranked[i + 1][0] == s:
            continue  # ties: one point per distinct threshold
        out.append((s, tp / (tp + fp), tp / positives))
    return out


def best_f1(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float | None, float | None]:
    """The best F1 over all thresholds, and the threshold where it is reached."""
    best: tuple[float | None, float | None] = (None, None)
    for threshold, p, r in pr_curve(scores, labels):
        f = 2 * p * r / (p + r) if p + r else 0.0
        if best[0] is None or f > best[0]:
            best = (f, threshold)
    return _r(best[0]), _r(best[1])


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """Area under the ROC curve (Mann-Whitney U with mid-ranks for ties); None when the
    data has only one class."""
    pos = sum(labels)
    neg = len(labels) - pos
    if pos == 0 or neg == 0:
        return None
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        mid = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = mid
        i = j + 1
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return _r((rank_sum - pos * (pos + 1) / 2) / (pos * neg))


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation."""
    if not values:
        return math.nan
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo = math.floor(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _r(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def fmt(x: object) -> str:
    """A figure for a Markdown table: '—' for missing values."""
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.3f}"
    return str(x)


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is a Latin letter."""
    for ch in text:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return True


def run_in_home(
    args: argparse.Namespace,
    run: Callable[[argparse.Namespace, Path], dict[str, Any]],
    record_results: Callable[[dict[str, Any]], None],
) -> None:
    """Run a benchmark in ``--home`` (kept) or a temporary home, print its JSON and,
    unless ``--no-record``, append it to docs/benchmarks.md."""
    if args.home:
        Path(args.home).mkdir(parents=True, exist_ok=True)
        results = run(args, Path(args.home))
    else:
        with tempfile.TemporaryDirectory(prefix="redline-bench-") as tmp:
            results = run(args, Path(tmp))
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if not args.no_record:
        record_results(results)
