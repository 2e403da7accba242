"""The seeds demo: the five founding reports added as a user adds them, linked to the
full lists, and searched for the parties they are about.

In a fresh home the four lists of the other benchmarks are loaded (2024 SDN, where Qods
Aviation Industries, Ghassem Damavandian and Abdollah Mehrabi are listed, + non-SDN + UN
+ Canada), then, through the command line as a user runs it:

* ``redline media add SEEDS`` (the plain-text seeds, boilerplate and all);
* ``redline media link`` (every seed against every listed party): mentions found and
  articles/s, with the gazetteer build timed apart;
* ``redline media search NAME --json`` for "Qods Aviation Industries", "Ghassem
  Damavandian", "Abdollah Mehrabi" and "Alabuga", summarised (title, outlet, date,
  mention, categories, stage, sources, attribution, first evidence sentence); and
  "John Kirby", who is on no list, to show attribution: one seed quotes him "as
  reported by European Pravda citing Reuters".

Mention-finding speed is also measured on realistic news text: the 121 article bodies of
the extraction benchmark's ground truth (``extraction/ground-truth.json``), each run
through the full-list gazetteer once (articles/s, one process).

Prints one JSON object and appends a section to docs/benchmarks.md.

Usage: python benchmarks/media_seeds.py [--data DIR] [--seeds DIR] [--home DIR]
       [--no-record]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import DEFAULT_DATA, ROOT, environment, load_lists, record, run_in_home

DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
QUERIES = ["Qods Aviation Industries", "Ghassem Damavandian", "Abdollah Mehrabi", "Alabuga"]
#: Not listed: searched to show a relayed source being credited to the outlet it cites.
ATTRIBUTION_QUERY = "John Kirby"
#: The seeds' parties as the 2024 SDN list holds them.
LISTED = {"ofac-16418": "QODS AVIATION INDUSTRIES", "ofac-40416": "DAMAVANDIAN, Ghassem"}
LISTED["ofac-33596"] = "MEHRABI, Abdollah"


def cli(home: Path, *args: str) -> tuple[Any, float]:
    """``redline ARGS --json`` in a subprocess with ``REDLINE_HOME=home``: (JSON, seconds)."""
    env = {**os.environ, "REDLINE_HOME": str(home)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "redline", *args, "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"redline {' '.join(args)} failed: {done.stderr.strip()}")
    return json.loads(done.stdout), seconds


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summarise(result: dict[str, Any]) -> dict[str, Any]:
    """A search's JSON cut down to what a reader checks."""
    hits = []
    for hit in result["hits"]:
        hits.append(
            {
                "article": hit["article_id"],
                "title": hit["title"],
                "outlet": hit["outlet"],
                "published": hit["published"],
                "adverse": hit["adverse"],
                "relevance": hit["relevance"],
                "mentions": [f"{m['text']} ({m['score']:.2f})" for m in hit["mentions"]],
                "categories": [c["code"] for c in hit["categories"]],
                "stage": hit["stage"],
                "sources": hit["sources"],
                "attributed_to": hit["attributed_to"],
                "copies": len(hit["copies"]),
                "evidence": [_short(e["text"]) for e in hit["evidence"][:2]],
            }
        )
    return {
        "articles_scanned": result["articles_scanned"],
        "independent_sources": [s["source"] for s in result["sources"]],
        "hits": hits,
    }


def mention_speed(home: Path, data: Path) -> dict[str, Any]:
    """Mentions found per second over the extraction benchmark's article bodies."""
    from redline.media.link import LINK_THRESHOLD, store_gazetteer
    from redline.settings import Settings
    from redline.store import open_store

    truth = json.loads((data / "extraction" / "ground-truth.json").read_text(encoding="utf-8"))
    bodies = [item["articleBody"] for item in truth.values() if item.get("articleBody")]
    store = open_store(Settings(home=home))
    try:
        started = time.perf_counter()
        gaz = store_gazetteer(store, home / "index")
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        found = sum(len(gaz.gazetteer.find(b, threshold=LINK_THRESHOLD)) for b in bodies)
        seconds = time.perf_counter() - started
    finally:
        store.close()
    return {
        "articles": len(bodies),
        "characters": sum(len(b) for b in bodies),
        "mentions": found,
        "seconds": round(seconds, 2),
        "articles_per_second": round(len(bodies) / seconds, 1),
        "gazetteer_load_seconds": round(load_seconds, 2),
    }


def run(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    data, seeds = Path(args.data), Path(args.seeds)
    results: dict[str, Any] = environment("media_seeds")
    store, loaded = load_lists(data, home)
    try:
        found = store.active_entities(LISTED)
    finally:
        store.close()
    results["lists"] = loaded
    results["listed"] = {k: found[k].caption if k in found else None for k in LISTED}
    added, add_seconds = cli(home, "media", "add", str(seeds))
    results["add"] = {
        "seconds": round(add_seconds, 2),
        "items": [
            {"status": i["status"], "id": i.get("id"), "title": i.get("title")}
            for i in added["items"]
        ],
    }
    linked, _ = cli(home, "media", "link")
    per_article = {}
    for item in results["add"]["items"]:
        if item["id"] is None:
            continue
        mentions, _ = cli(home, "media", "mentions", str(item["id"]))
        per_article[str(item["id"])] = sorted(
            {
                f"{m['party_caption']} ({m['party_id']}): {' '.join(m['text'].split())}"
                for m in mentions
            }
        )
    results["link"] = {**linked, "mentions_by_article": per_article}
    results["searches"] = {}
    for query in [*QUERIES, ATTRIBUTION_QUERY]:
        found_json, seconds = cli(home, "media", "search", query)
        results["searches"][query] = {"seconds": round(seconds, 2), **summarise(found_json)}
    results["mention_speed"] = mention_speed(home, data)
    return results


def record_results(results: dict[str, Any]) -> None:
    speed = results["mention_speed"]
    link = results["link"]
    lines = [
        f"## Adverse media: seeds demo ({results['date']})",
        "",
        f"{results['machine']}, Python {results['python']}, redline {results['redline']}, "
        f"load {results['load_average_1m']}. Lists: "
        + ", ".join(f"{x['label']} ({x['entities']:,})" for x in results["lists"]),
        "",
        f"- `media add` of the five seeds: {results['add']['seconds']} s (one process, "
        "start-up included)",
        f"- `media link`: {link['articles']} articles, {link['mentions']} mentions of "
        f"{link['parties']:,} parties; gazetteer built in {link['build_seconds']} s",
        f"- mention finding over {speed['articles']} news bodies of the extraction "
        f"benchmark: {speed['articles_per_second']} articles/s ({speed['mentions']} "
        f"mentions; gazetteer loaded in {speed['gazetteer_load_seconds']} s)",
    ]
    for query, found in results["searches"].items():
        titles = "; ".join(f"#{h['article']} {', '.join(h['mentions'][:1])}" for h in found["hits"])
        lines.append(
            f"- search {query!r}: {len(found['hits'])} stories, sources "
            f"{', '.join(found['independent_sources']) or '-'} ({titles})"
        )
    record(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the shared data folder")
    parser.add_argument("--seeds", default=str(DEFAULT_SEEDS), help="the seed reports")
    parser.add_argument("--home", help="keep the REDLINE_HOME used here")
    parser.add_argument("--no-record", action="store_true", help="do not write docs")
    run_in_home(parser.parse_args(), run, record_results)


if __name__ == "__main__":
    main()
