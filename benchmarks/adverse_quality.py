"""Adverse-media relevance on the held-out public test set, scored the way a user scores a
file: ../shared/data/adverse_media/public_test.csv goes through ``classify_file`` (what
``redline media classify IN OUT`` runs) with the shipped model, and the ``adverse`` and
``score`` columns it writes are compared with the file's ``label``.

The model never saw this file: scripts/train_relevance.py reads the two training files
only, and chooses the model and its threshold by cross-validation on them. (Two test
articles have the same text as a training row, as ../shared/data/README.md notes; they
are reported, not removed, so the figure stays comparable with the course's.)

Also reported, as a sanity check of the rule-based assessor rather than a target: on the
same articles, how often :func:`redline.media.risk.assess_text` finds a category with a
strong cue (score >= 0.6), per class, and the categories and stages it finds most often
in the adverse ones.

Prints one JSON object and appends a section to docs/benchmarks.md.

Usage: python benchmarks/adverse_quality.py [--data DIR] [--model FILE] [--home DIR]
       [--no-record]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from common import DEFAULT_DATA, confusion, environment, fmt, prf, record, roc_auc, run_in_home

TEST = "adverse_media/public_test.csv"
TRAINING = (
    "adverse_media/adverse_media_training.csv",
    "adverse_media/non_adverse_media_training.csv",
)
TARGET_F1 = 0.92


def _overlap(data: Path, test_rows: list[dict[str, str]]) -> int:
    """Test articles whose text (whitespace and case ignored) is also a training row."""
    csv.field_size_limit(2**31 - 1)
    seen: set[str] = set()
    for name in TRAINING:
        with (data / name).open(encoding="utf-8", newline="") as fh:
            seen.update(" ".join(r["article"].split()).casefold() for r in csv.DictReader(fh))
    return sum(" ".join(r["article"].split()).casefold() in seen for r in test_rows)


def run(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    from redline.media.classify import RelevanceModel, classify_file
    from redline.media.risk import assess_text

    data = Path(args.data)
    model = RelevanceModel.load(Path(args.model) if args.model else None)
    out = home / "public_test_classified.csv"
    started = time.perf_counter()
    summary = classify_file(data / TEST, out, model)
    seconds = time.perf_counter() - started
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    labels = [r["label"] == "1" for r in rows]
    scores = [float(r["score"]) for r in rows]
    predicted = [r["adverse"] == "1" for r in rows]
    counts = confusion([float(p) for p in predicted], labels, 0.5)
    figures = prf(counts)
    accuracy = (counts["tp"] + counts["tn"]) / len(rows)

    # The rule-based assessor on the same articles.
    strong = {True: 0, False: 0}
    categories: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    for row, label in zip(rows, labels, strict=True):
        result = assess_text(f"{row['title']}\n\n{row['article']}")
        found = [c.code for c in result.categories if c.score >= 0.6]
        strong[label] += bool(found)
        if label:
            categories.update(found[:1])
            if result.stage:
                stages[result.stage] += 1
    positives = sum(labels)
    return {
        **environment("adverse_quality"),
        "test_file": TEST,
        "rows": len(rows),
        "adverse_rows": positives,
        "test_rows_also_in_training": _overlap(data, rows),
        "model": model.describe(),
        "threshold": model.threshold,
        "confusion": counts,
        **figures,
        "accuracy": round(accuracy, 4),
        "auc": roc_auc(scores, labels),
        "target_f1": TARGET_F1,
        "target_met": (figures["f1"] or 0.0) >= TARGET_F1,
        "seconds": round(seconds, 2),
        "articles_per_second": round(len(rows) / seconds, 1),
        "empty_rows": summary.empty,
        "assessor": {
            "strong_category_in_adverse": round(strong[True] / positives, 4),
            "strong_category_in_not_adverse": round(strong[False] / (len(rows) - positives), 4),
            "top_category_in_adverse": dict(categories.most_common(8)),
            "stage_in_adverse": dict(stages.most_common()),
        },
    }


def record_results(r: dict[str, Any]) -> None:
    m = r["model"]
    a = r["assessor"]
    cats = ", ".join(f"{k} {v}" for k, v in a["top_category_in_adverse"].items())
    stages = ", ".join(f"{k} {v}" for k, v in a["stage_in_adverse"].items())
    record(
        [
            f"## Adverse-media relevance — {r['date']}",
            "",
            f"`python benchmarks/adverse_quality.py` on {r['machine']}, Python {r['python']}, "
            f"redline {r['redline']}, 1-minute load average {r['load_average_1m']} at the start.",
            "",
            f"{r['test_file']}: {r['rows']} articles ({r['adverse_rows']} adverse), scored "
            f"through `classify_file` (the `redline media classify` path) with the shipped "
            f"model: {m.get('candidate', m['kind'])}, {m['features']} features, trained on "
            f"{m.get('training_rows', '?')} cleaned training rows, threshold "
            f"{r['threshold']:.2f} chosen by 5-fold cross-validation on the training data "
            f"(CV F1 {fmt(m.get('cv', {}).get('f1'))}). "
            f"{r['test_rows_also_in_training']} test articles also appear in the training "
            "files.",
            "",
            "| precision | recall | F1 | accuracy | AUC | target F1 | articles/s |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            f"| {fmt(r['precision'])} | {fmt(r['recall'])} | {fmt(r['f1'])} | "
            f"{fmt(r['accuracy'])} | {fmt(r['auc'])} | ≥ {r['target_f1']} "
            f"({'met' if r['target_met'] else 'not met'}) | {r['articles_per_second']} |",
            "",
            f"Confusion: {r['confusion']}. Rule-based assessor on the same articles (not a "
            f"target): a strong-cue category in {a['strong_category_in_adverse']:.1%} of "
            f"adverse and {a['strong_category_in_not_adverse']:.1%} of non-adverse articles; "
            f"top categories in adverse articles: {cats}; stages: {stages}.",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the shared data folder")
    parser.add_argument("--model", help="a relevance.json (default: the shipped model)")
    parser.add_argument("--home", help="keep the classified CSV here (default: a temp dir)")
    parser.add_argument("--no-record", action="store_true", help="do not touch docs/")
    args = parser.parse_args()
    if not (Path(args.data) / TEST).exists():
        sys.exit(f"{Path(args.data) / TEST} not found; pass --data")
    run_in_home(args, run, record_results)


if __name__ == "__main__":
    main()
