"""Article extraction quality and ingestion throughput.

Quality: every page of the ScrapingHub article-extraction benchmark
(``extraction/html/*.html.gz`` and ``extraction/ground-truth.json`` under the data
folder) goes through :func:`redline.media.extract.extract_html` exactly as ``media add``
reads a page: raw bytes, charset found from a byte order mark or the page's own
``<meta charset>`` (the benchmark keeps no HTTP headers), trafilatura with
``favor_precision``, redline's furniture rules, the headline kept out of the body.

Scoring follows the benchmark's own ``evaluate.py``:

1. tokenise both texts with the regular expression ``\\w+`` (Unicode, case kept);
2. take every run of 4 consecutive tokens (a text of fewer than 4 tokens is one
   shingle) and count each shingle (a multiset);
3. per page, TP = Σ min(true count, predicted count), FP = Σ max(0, predicted − true),
   FN = Σ max(0, true − predicted) over all shingles, then divide TP, FP and FN by
   their sum so that every page weighs the same whatever its length (a page with no
   shingles on either side counts 0, 0, 0);
4. sum the normalised TP, FP and FN over the pages; precision = TP / (TP + FP),
   recall = TP / (TP + FN), F1 = 2PR / (P + R).

As upstream, the spread is the standard deviation of F1 over 1,000 bootstrap resamples
of the pages (fixed seed). A page that fails to extract counts as an empty prediction.
Also reported, for information, the mean of per-page F1s.

Throughput: the same pages, as articles, through extraction, deduplication (MinHash,
LSH lookup) and the store (a fresh SQLite file), in articles per second.

Usage: python benchmarks/extraction_quality.py [--data DIR] [--home DIR] [--no-record]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

from common import DEFAULT_DATA, environment, record, run_in_home

TARGET_F1 = 0.95
BOOTSTRAP = 1000
SEED = "redline-extraction-quality-1"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingle_counts(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def page_score(true: str, pred: str) -> tuple[float, float, float]:
    """Normalised (TP, FP, FN) of one page."""
    a, b = shingle_counts(true), shingle_counts(pred)
    tp = fp = fn = 0
    for key in a.keys() | b.keys():
        x, y = a.get(key, 0), b.get(key, 0)
        tp += min(x, y)
        fp += max(0, y - x)
        fn += max(0, x - y)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def prf(scores: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    tp = sum(s[0] for s in scores)
    fp = sum(s[1] for s in scores)
    fn = sum(s[2] for s in scores)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _page_f1(score: tuple[float, float, float]) -> float:
    return prf([score])[2]


def run(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    from redline.errors import RedlineError
    from redline.media.extract import extract_html
    from redline.settings import Settings
    from redline.store import open_store
    from redline.store.media import add_article

    folder = Path(args.data) / "extraction"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [
        (key, item, gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()))
        for key, item in sorted(truth.items())
    ]

    scores: list[tuple[float, float, float]] = []
    failures: list[dict[str, str]] = []
    articles = []
    start = time.perf_counter()
    for key, item, data in pages:
        try:
            article = extract_html(data, origin=item["url"], url=item["url"])
            predicted = article.text
            articles.append(article)
        except RedlineError as exc:
            predicted = ""
            failures.append({"page": key, "error": str(exc)})
        scores.append(page_score(item["articleBody"], predicted))
    extract_seconds = time.perf_counter() - start

    precision, recall, f1 = prf(scores)
    rng = random.Random(SEED)
    resampled = [prf([rng.choice(scores) for _ in scores])[2] for _ in range(BOOTSTRAP)]
    mean = sum(resampled) / len(resampled)
    spread = (sum((x - mean) ** 2 for x in resampled) / len(resampled)) ** 0.5

    # Throughput: extract + dedupe + store, from bytes to a stored row.
    store = open_store(Settings(home=home))
    statuses: Counter[str] = Counter()
    start = time.perf_counter()
    for _key, item, data in pages:
        try:
            article = extract_html(data, origin=item["url"], url=item["url"])
        except RedlineError:
            statuses["error"] += 1
            continue
        statuses[add_article(store, article).status] += 1
    ingest_seconds = time.perf_counter() - start
    store.close()

    return {
        **environment("extraction_quality"),
        "pages": len(pages),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "f1_bootstrap_std": round(spread, 4),
        "mean_page_f1": round(sum(_page_f1(s) for s in scores) / len(scores), 4),
        "failed_pages": failures,
        "target_f1": TARGET_F1,
        "extract_pages_per_second": round(len(pages) / extract_seconds, 1),
        "ingest_articles_per_second": round(len(pages) / ingest_seconds, 1),
        "ingest_seconds": round(ingest_seconds, 2),
        "ingest_statuses": dict(statuses),
    }


def record_results(r: dict[str, Any]) -> None:
    target = "met" if r["f1"] >= r["target_f1"] else "not met"
    failed = len(r["failed_pages"])
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(r["ingest_statuses"].items()))
    record(
        [
            f"## Article extraction and media ingest — {r['date']}",
            "",
            f"`python benchmarks/extraction_quality.py` on {r['machine']}, Python "
            f"{r['python']}, redline {r['redline']}, 1-minute load average "
            f"{r['load_average_1m']} at the start. Data: the ScrapingHub "
            f"article-extraction benchmark ({r['pages']} pages), scored as its evaluate.py "
            "does (word 4-gram shingles, per-page normalised TP/FP/FN summed over pages).",
            "",
            "| precision | recall | F1 | F1 bootstrap std | mean page F1 | failed pages |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {r['precision']} | {r['recall']} | **{r['f1']}** | {r['f1_bootstrap_std']} | "
            f"{r['mean_page_f1']} | {failed} |",
            "",
            f"Target F1 ≥ {r['target_f1']}: {target}. Extraction alone: "
            f"{r['extract_pages_per_second']} pages/s on one core; extraction + "
            f"deduplication + store (SQLite): {r['ingest_articles_per_second']} articles/s "
            f"({statuses}).",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="Shared data folder.")
    parser.add_argument("--home", default=None, help="Store the articles in this REDLINE_HOME.")
    parser.add_argument(
        "--no-record", action="store_true", help="Do not append to docs/benchmarks.md."
    )
    run_in_home(parser.parse_args(), run, record_results)


if __name__ == "__main__":
    main()
