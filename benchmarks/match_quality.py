"""Pair-level matching quality over the labelled name pairs in the shared data folder.

Every dataset is scored and reported on its own (one default threshold for all of them,
no per-dataset tuning): precision, recall and F1 at the algorithm's threshold, the best
F1 and where it occurs, and ROC AUC. The cascade files are also broken down by their
``category`` column. Misclassified rows go to benchmarks/out/match_quality_errors.csv,
and a precision-recall plot with one curve per dataset to docs/img/match_pr.png.

With ``--peer`` the same pairs are also scored with nomenklatura's logic-v2 (at yente's
0.7 threshold), so the two sets of figures come from the same pairs in the same run.

Prints one JSON object and appends a section to docs/benchmarks.md.

Usage: python benchmarks/match_quality.py [--data DIR] [--algorithm NAME] [--peer]
       [--limit N] [--errors] [--no-record]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from common import (
    DEFAULT_DATA,
    NEGATIVE_RULE,
    OUT,
    PEER_THRESHOLD,
    ROOT,
    Pair,
    Peer,
    best_f1,
    confusion,
    environment,
    fmt,
    peer_version,
    pr_curve,
    prf,
    read_pairs,
    record,
    roc_auc,
    sample,
)

PLOT = ROOT / "docs" / "img" / "match_pr.png"
ERRORS = OUT / "match_quality_errors.csv"


def figures(scores: list[float], labels: list[bool], threshold: float) -> dict[str, Any]:
    """The dataset-level figures for one scorer."""
    counts = confusion(scores, labels, threshold)
    best, at = best_f1(scores, labels)
    return {
        "threshold": threshold,
        **counts,
        **prf(counts),
        "best_f1": best,
        "best_f1_threshold": at,
        "auc": roc_auc(scores, labels),
    }


def by_category(
    pairs: list[Pair], scores: list[float], threshold: float
) -> dict[str, dict[str, Any]]:
    """Per-category counts, precision and recall (cascade files)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, pair in enumerate(pairs):
        groups[pair.category or "(none)"].append(i)
    out: dict[str, dict[str, Any]] = {}
    for category in sorted(groups):
        idx = groups[category]
        counts = confusion([scores[i] for i in idx], [pairs[i].label for i in idx], threshold)
        metrics = prf(counts)
        out[category] = {
            "n": len(idx),
            **counts,
            "precision": metrics["precision"],
            "recall": metrics["recall"],
        }
    return out


def plot(
    curves: dict[str, list[tuple[float, float, float]]],
    points: dict[str, tuple[float | None, float | None]],
    title: str,
) -> str:
    """Draw the precision-recall curves (whole range and a zoom on the top right), each
    with its default-threshold point; returns the path or why there is no plot."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "skipped: matplotlib is not installed (pip install -e '.[benchmark]')"
    PLOT.parent.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.5), dpi=110)
    for ax, low in zip(axes, (0.0, 0.7), strict=True):
        for name, curve in curves.items():
            if not curve:
                continue
            recall = [0.0] + [r for _, _, r in curve]
            precision = [curve[0][1]] + [p for _, p, _ in curve]
            (line,) = ax.step(recall, precision, where="post", label=name, linewidth=1.4)
            p_at, r_at = points.get(name, (None, None))
            if p_at is not None and r_at is not None:
                ax.plot([r_at], [p_at], "o", color=line.get_color(), markersize=5)
        ax.set_xlabel("recall")
        ax.set_ylabel("precision")
        ax.set_xlim(low, 1.005)
        ax.set_ylim(low, 1.01)
        ax.grid(True, alpha=0.3)
    axes[0].set_title(title)
    axes[1].set_title("zoom (dots: the default threshold)")
    axes[0].legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(PLOT)
    plt.close(fig)
    return str(PLOT.relative_to(ROOT))


def write_errors(rows: list[dict[str, Any]]) -> None:
    """The misclassified rows, for review and tuning (git-ignored)."""
    OUT.mkdir(parents=True, exist_ok=True)
    fields = [
        "dataset",
        "category",
        "schema",
        "name1",
        "name2",
        "label",
        "score",
        "error",
        "peer_score",
        "detail",
    ]
    with ERRORS.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from redline.matching.algorithms import get_algorithm
    from redline.matching.pairs import score_pair

    algo = get_algorithm(args.algorithm)
    datasets = read_pairs(Path(args.data), args.dataset)
    if not datasets:
        raise SystemExit(f"no pair files found under {args.data}")
    peer = Peer() if args.peer else None
    results: dict[str, Any] = {
        **environment("match_quality"),
        "algorithm": algo.name,
        "algorithm_version": algo.version,
        "threshold": algo.threshold,
        "limit": args.limit,
        "negatives": NEGATIVE_RULE,
        "datasets": {},
    }
    if peer is not None:
        results["peer"] = {
            "name": "nomenklatura logic-v2",
            "version": peer_version(),
            "threshold": PEER_THRESHOLD,
        }
    errors: list[dict[str, Any]] = []
    curves: dict[str, list[tuple[float, float, float]]] = {}
    points: dict[str, tuple[float | None, float | None]] = {}
    for name, all_pairs in datasets.items():
        pairs = sample(all_pairs, args.limit, f"match_quality:{name}")
        labels = [p.label for p in pairs]
        start = time.perf_counter()
        scored = [score_pair(p.schema, p.name1, p.name2, algo.name) for p in pairs]
        seconds = time.perf_counter() - start
        scores = [s.score for s in scored]
        entry: dict[str, Any] = {
            "n": len(pairs),
            "positives": sum(labels),
            "negatives": len(labels) - sum(labels),
            **figures(scores, labels, algo.threshold),
            "seconds": round(seconds, 2),
        }
        peer_scores: list[float] | None = None
        if peer is not None:
            start = time.perf_counter()
            peer_scores = [peer.score(p.schema, p.name1, p.name2) for p in pairs]
            entry["peer"] = {
                **figures(peer_scores, labels, PEER_THRESHOLD),
                "seconds": round(time.perf_counter() - start, 2),
            }
        if name.startswith("cascade"):
            entry["categories"] = by_category(pairs, scores, algo.threshold)
        results["datasets"][name] = entry
        curves[name] = pr_curve(scores, labels)
        points[name] = (entry["precision"], entry["recall"])
        for i, (pair, s) in enumerate(zip(pairs, scored, strict=True)):
            if s.match == pair.label:
                continue
            row = {
                "dataset": name,
                "category": pair.category,
                "schema": pair.schema,
                "name1": pair.name1,
                "name2": pair.name2,
                "label": pair.label,
                "score": f"{s.score:.4f}",
                "error": "false negative" if pair.label else "false positive",
                "peer_score": f"{peer_scores[i]:.4f}" if peer_scores is not None else "",
                "detail": "; ".join(e.detail for e in s.explanations),
            }
            errors.append(row)
            if args.errors:
                print(
                    f"{row['error']:<15} {name:<17} {pair.category:<22} "
                    f"{s.score:.3f}  {pair.name1!r} ~ {pair.name2!r}  [{row['detail']}]",
                    file=sys.stderr,
                )
    write_errors(errors)
    results["errors_file"] = str(ERRORS.relative_to(ROOT))
    results["errors"] = len(errors)
    results["plot"] = plot(curves, points, f"{algo.name}: precision-recall per dataset")
    return results


def record_results(results: dict[str, Any]) -> None:
    peer = results.get("peer")
    lines = [
        f"## Match quality — {results['date']}",
        "",
        f"`python benchmarks/match_quality.py{' --peer' if peer else ''}"
        f"{' --limit ' + str(results['limit']) if results['limit'] else ''}` on "
        f"{results['machine']}, Python {results['python']}, redline {results['redline']}, "
        f"algorithm `{results['algorithm']}` v{results['algorithm_version']} at its default "
        f"threshold {results['threshold']} for every dataset"
        + (
            f"; peer: nomenklatura {peer['version']} logic-v2 at {peer['threshold']}"
            if peer
            else ""
        )
        + f". {NEGATIVE_RULE[0].upper()}{NEGATIVE_RULE[1:]}.",
        "",
        "| dataset | n | pos | neg | precision | recall | F1 | best F1 (at) | AUC |"
        + (" peer P | peer R | peer F1 | peer best F1 | peer AUC |" if peer else ""),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" * 5 if peer else ""),
    ]
    for name, d in results["datasets"].items():
        row = (
            f"| {name} | {d['n']} | {d['positives']} | {d['negatives']} | "
            f"{fmt(d['precision'])} | {fmt(d['recall'])} | {fmt(d['f1'])} | "
            f"{fmt(d['best_f1'])} ({fmt(d['best_f1_threshold'])}) | {fmt(d['auc'])} |"
        )
        if peer and "peer" in d:
            p = d["peer"]
            row += (
                f" {fmt(p['precision'])} | {fmt(p['recall'])} | {fmt(p['f1'])} | "
                f"{fmt(p['best_f1'])} | {fmt(p['auc'])} |"
            )
        lines.append(row)
    weak = [
        f"{name} / {cat}: "
        + ", ".join(
            part
            for part in (
                f"{c['fp']} FP of {c['fp'] + c['tn']}" if c["fp"] else "",
                f"{c['fn']} FN of {c['fn'] + c['tp']}" if c["fn"] else "",
            )
            if part
        )
        for name, d in results["datasets"].items()
        for cat, c in d.get("categories", {}).items()
        if c["fp"] or c["fn"]
    ]
    lines += [
        "",
        "Cascade categories with errors at the default threshold (FP: a non-match scored "
        "as a match, of the category's non-matches; FN: a missed match, of its matches): "
        + ("; ".join(weak) or "none")
        + ".",
        "",
        f"Misclassified rows: {results['errors']} (in `{results['errors_file']}`, not "
        f"committed). Plot: `{results['plot']}`.",
    ]
    record(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="Shared data folder.")
    parser.add_argument("--algorithm", default="redline-v1", help="Algorithm to measure.")
    parser.add_argument("--peer", action="store_true", help="Also score with logic-v2.")
    parser.add_argument("--limit", type=int, default=None, help="Sample N pairs per dataset.")
    parser.add_argument(
        "--dataset", action="append", help="Only this dataset (repeatable), e.g. cascade-1."
    )
    parser.add_argument("--errors", action="store_true", help="Print misclassified rows to stderr.")
    parser.add_argument(
        "--no-record", action="store_true", help="Do not append to docs/benchmarks.md."
    )
    args = parser.parse_args()
    results = run(args)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if not args.no_record:
        record_results(results)


if __name__ == "__main__":
    main()
