"""Train the adverse-media relevance classifier shipped as src/redline/media/data/relevance.json.

Data: only the two *training* files of ../shared/data/adverse_media
(adverse_media_training.csv, non_adverse_media_training.csv). The public test file is
never read here; benchmarks/adverse_quality.py scores it with the shipped model.

Label-cleaning rule (printed when the script runs):

* the class is the file a row came from (adverse file = 1, non-adverse file = 0);
* rows whose second-pass review (``label``, trimmed and lower-cased) is ``delete``,
  ``random``, ``neither`` or contains ``doubt`` are dropped: the reviewers did not
  accept them as examples of either class;
* rows whose review contradicts the file (``nam`` in the adverse file, ``am`` in the
  non-adverse file) are dropped rather than relabelled, since the two passes disagree;
* blank (not re-reviewed) and agreeing reviews are kept;
* rows with an empty article are dropped, and exact duplicate texts (whitespace and case
  ignored) are kept once, or dropped altogether when the copies carry both classes.

Model selection: TF-IDF features (word 1–2-grams, optionally with character 2–5-grams
within words) with logistic regression or multinomial naive Bayes; each candidate is
scored by stratified 5-fold cross-validation on the cleaned training rows, and the
decision threshold is the one that maximises F1 on the pooled out-of-fold probabilities.
The candidate with the best cross-validated F1 is refitted on all training rows and
exported with :func:`redline.media.classify.export_sklearn`.

Usage: python scripts/train_relevance.py [--data DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import FeatureUnion, Pipeline

from redline.media.classify import DEFAULT_MODEL, RelevanceModel, document, export_sklearn

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "adverse_media"
FILES = (("adverse_media_training.csv", 1), ("non_adverse_media_training.csv", 0))
RULE = (
    "class = source file (adverse=1, non-adverse=0); drop rows reviewed as delete, random, "
    "neither or doubt; drop rows whose review contradicts the file (nam in the adverse "
    "file, am in the non-adverse file); keep blank and agreeing reviews; drop empty "
    "articles; keep exact duplicate texts once (drop them if the copies disagree)"
)
REJECTED = ("delete", "random", "neither")
SEED = 0
FOLDS = 5


def load(data: Path) -> tuple[list[str], np.ndarray, dict[str, int]]:
    """The cleaned training documents and labels, and how many rows each rule dropped."""
    csv.field_size_limit(2**31 - 1)
    dropped: Counter[str] = Counter()
    seen: dict[str, tuple[str, int]] = {}
    conflicting: set[str] = set()
    total = 0
    for name, cls in FILES:
        with (data / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                total += 1
                review = (row.get("label") or "").strip().lower()
                if review in REJECTED or "doubt" in review:
                    dropped[f"review {review}"] += 1
                    continue
                if (cls == 1 and review == "nam") or (cls == 0 and review == "am"):
                    dropped["review contradicts file"] += 1
                    continue
                article = row.get("article") or ""
                if not article.strip():
                    dropped["empty article"] += 1
                    continue
                key = " ".join(article.split()).casefold()
                if key in seen:
                    dropped["duplicate text"] += 1
                    if seen[key][1] != cls:
                        conflicting.add(key)
                    continue
                seen[key] = (document(row.get("title") or "", article), cls)
    for key in conflicting:
        del seen[key]
        dropped["duplicate text with both classes"] += 1
    docs = [doc for doc, _ in seen.values()]
    labels = np.array([cls for _, cls in seen.values()])
    return docs, labels, {"rows_read": total, **dict(sorted(dropped.items()))}


def words(max_features: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_features=max_features
    )


def chars(max_features: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
        max_features=max_features,
    )  # fmt: skip


def candidates() -> dict[str, Callable[[], Pipeline]]:
    """The models compared by cross-validation, by a readable name."""

    def lr(c: float) -> LogisticRegression:
        return LogisticRegression(C=c, max_iter=5000)

    out: dict[str, Callable[[], Pipeline]] = {}
    for k in (20_000, 50_000):
        for c in (3.0, 10.0, 30.0):
            out[f"word1-2 top{k // 1000}k + logistic C={c:g}"] = lambda k=k, c=c: Pipeline(
                [("tfidf", words(k)), ("clf", lr(c))]
            )
        for a in (0.03, 0.1, 0.3):
            out[f"word1-2 top{k // 1000}k + naive Bayes alpha={a:g}"] = lambda k=k, a=a: Pipeline(
                [("tfidf", words(k)), ("clf", MultinomialNB(alpha=a))]
            )
    out["word1-2 top20k + char2-5 top20k + logistic C=10"] = lambda: Pipeline(
        [
            ("tfidf", FeatureUnion([("word", words(20_000)), ("char", chars(20_000))])),
            ("clf", lr(10.0)),
        ]
    )
    return out


def best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """The threshold (on a 0.01 grid) with the highest F1, and that F1; ties go to the
    threshold nearest 0.5."""
    best = (0.5, -1.0)
    for t in sorted(np.round(np.arange(0.05, 0.96, 0.01), 2), key=lambda t: abs(t - 0.5)):
        f1 = float(f1_score(y, p >= t))
        if f1 > best[1] + 1e-12:
            best = (float(t), f1)
    return best


def compact(artefact: dict[str, Any]) -> dict[str, Any]:
    """Floats to 7 significant digits: a third of the size, probabilities unchanged to
    about 1e-6."""
    for block in artefact["blocks"]:
        for key in ("idf", "coef"):
            if block[key] is not None:
                block[key] = [float(f"{x:.7g}") for x in block[key]]
    artefact["intercept"] = [float(f"{x:.9g}") for x in artefact["intercept"]]
    return artefact


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the training CSVs")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL, help="artefact to write")
    parser.add_argument("--jobs", type=int, default=2, help="parallel CV fits")
    args = parser.parse_args()

    print(f"label-cleaning rule: {RULE}", flush=True)
    docs, y, dropped = load(args.data)
    print(f"training rows: {len(docs)} ({int(y.sum())} adverse, {int((1 - y).sum())} not)")
    print(f"dropped: {json.dumps(dropped)}", flush=True)

    cv = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    results: list[dict[str, Any]] = []
    for name, make in candidates().items():
        started = time.perf_counter()
        proba = cross_val_predict(make(), docs, y, cv=cv, method="predict_proba", n_jobs=args.jobs)
        p = proba[:, 1]
        threshold, f1 = best_threshold(y, p)
        result = {
            "candidate": name,
            "cv_f1": round(f1, 4),
            "cv_f1_at_0.5": round(float(f1_score(y, p >= 0.5)), 4),
            "cv_precision": round(float(precision_score(y, p >= threshold)), 4),
            "cv_recall": round(float(recall_score(y, p >= threshold)), 4),
            "cv_auc": round(float(roc_auc_score(y, p)), 4),
            "threshold": threshold,
            "seconds": round(time.perf_counter() - started, 1),
        }
        results.append(result)
        print(json.dumps(result), flush=True)

    # Best CV F1; among near-ties (within 0.002) prefer the higher AUC, then the smaller
    # model (listed first).
    top = max(r["cv_f1"] for r in results)
    near = [(i, r) for i, r in enumerate(results) if r["cv_f1"] >= top - 0.002]
    chosen = max(near, key=lambda item: (item[1]["cv_auc"], -item[0]))[1]
    print(f"chosen: {chosen['candidate']} (threshold {chosen['threshold']})", flush=True)

    model = candidates()[chosen["candidate"]]().fit(docs, y)
    metadata = {
        "trained": datetime.now(UTC).strftime("%Y-%m-%d"),
        "candidate": chosen["candidate"],
        "training_rows": len(docs),
        "adverse_rows": int(y.sum()),
        "rule": RULE,
        "dropped": dropped,
        "cv": {
            k.removeprefix("cv_"): v for k, v in chosen.items() if k not in ("candidate", "seconds")
        }
        | {"folds": FOLDS, "seed": SEED},
        "scikit_learn": sklearn.__version__,
        "python": platform.python_version(),
        "data": [name for name, _ in FILES],
    }
    artefact = compact(export_sklearn(model, chosen["threshold"], metadata))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(artefact, ensure_ascii=False, separators=(",", ":")) + "\n")

    # Check the written artefact against scikit-learn on the training documents.
    shipped = RelevanceModel.load(args.out)
    sample = docs[:: max(1, len(docs) // 50)]
    expected = model.predict_proba(sample)[:, 1]
    got = np.array([shipped.score("", d) for d in sample])
    worst = float(np.abs(expected - got).max())
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.2f} MB); max |p_sklearn - p_redline| = {worst:.2e}")
    if worst > 1e-4:
        sys.exit("the exported model does not reproduce scikit-learn's probabilities")


if __name__ == "__main__":
    main()
