"""Screening-level quality against the lists loaded together (2024 SDN, non-SDN, UN and
Canada): the false alert rate on synthetic customers, and the recall of listed names
written the way customers and clerks write them.

(a) False alert rate: every row of screening/negatives_global.csv (50,000 synthetic
    people) screened as a Person with its birth date, nationality and gender, and again
    with the name only, since many customer files lack the rest. A query with at least
    one match at the default threshold is an alert. Synthetic names can coincide with
    real listed people, so the most frequently hit listed names are printed for review
    rather than hidden; every alert goes to benchmarks/out/ for reading.
(b) Recall: every UN person and entity, its primary name varied deterministically (one
    seeded random generator per entity and kind): a typo, a transliteration variant,
    reordered words, a dropped middle name, and the original-script name the UN gives.
    Recall is the share of queries whose UN entity is among the matches at the default
    threshold. The original-script alias is itself indexed, so that kind is also scored
    pairwise against the entity's Latin names only (``original_script_vs_latin``).
(c) Retrieval recall: for a sample of varied queries, every listed profile is scored by
    brute force; the share of above-threshold brute-force matches that the indexed
    ``Screener.match`` also returns.
(d) Wade-Giles: every listed person of every list whose primary name is a Chinese name
    in pinyin (each word made of pinyin syllables, at most four words of one or two
    syllables, one a single syllable), written as Taiwan writes it: Wade-Giles, the
    given name's syllables hyphenated (ZHANG, Zhiming -> Chang Chih-ming). Recall as in
    (b); the queries are made with redline's own syllable table, whose spellings the
    unit tests check against real names.

Prints one JSON object and appends a section to docs/benchmarks.md.

Usage: python benchmarks/screening_quality.py [--data DIR] [--sample N] [--home DIR]
       [--only far|recall|retrieval|wade_giles] [--no-record]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common import (
    DEFAULT_DATA,
    OUT,
    ROOT,
    environment,
    fmt,
    is_latin,
    load_lists,
    percentile,
    record,
    run_in_home,
    sample,
)

if TYPE_CHECKING:
    from redline.entities import Entity
    from redline.matching.screener import Screener

NEGATIVES = "screening/negatives_global.csv"
SEED = "redline-screening-quality-1"

# ---------------------------------------------------------------------------------------
# (a) False alert rate


def negative_queries(data: Path, n: int | None, full: bool) -> list[tuple[int, Entity]]:
    """The synthetic people as Person queries (row number, entity)."""
    from redline.entities import Entity

    with (data / NEGATIVES).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out: list[tuple[int, Entity]] = []
    for i, row in sample(list(enumerate(rows, start=2)), n, f"{SEED}:negatives"):
        entity = Entity(f"customer-{i}", "Person")
        entity.add("name", row["full_name"])
        if full:
            entity.add("birthDate", row["date_of_birth"])
            entity.add("nationality", row["nationality"])
            if row["gender"] in ("male", "female"):
                entity.add("gender", row["gender"])
        out.append((i, entity))
    return out


def false_alerts(
    screener: Screener, queries: list[tuple[int, Entity]], mode: str
) -> dict[str, Any]:
    """Screen every query (limit 5); alert rate, timing and the most frequent hits."""
    alerts: list[dict[str, Any]] = []
    listed: Counter[tuple[str, str, str]] = Counter()
    examples: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    best: dict[tuple[str, str, str], float] = {}
    latencies: list[float] = []
    alerted = 0
    start = time.perf_counter()
    for n, (line, query) in enumerate(queries, start=1):
        t0 = time.perf_counter()
        matches = screener.match(query, limit=5)
        latencies.append(time.perf_counter() - t0)
        if matches:
            alerted += 1
        for m in matches:
            key = (m.caption, m.entity_id, m.source)
            listed[key] += 1
            best[key] = max(best.get(key, 0.0), m.score)
            if len(examples[key]) < 3:
                examples[key].append(query.get("name")[0])
            alerts.append(
                {
                    "line": line,
                    "query": query.get("name")[0],
                    "birthDate": "; ".join(query.get("birthDate")),
                    "nationality": "; ".join(query.get("nationality")),
                    "gender": "; ".join(query.get("gender")),
                    "entity_id": m.entity_id,
                    "caption": m.caption,
                    "source": m.source,
                    "score": f"{m.score:.4f}",
                    "matched_name": m.matched_name,
                    "detail": " | ".join(f"{e.feature}: {e.detail}" for e in m.explanations),
                }
            )
        if n % 5000 == 0:
            print(
                f"[{mode}] {n}/{len(queries)} screened, {alerted} alerted, "
                f"{time.perf_counter() - start:.0f} s",
                file=sys.stderr,
            )
    seconds = time.perf_counter() - start
    path = OUT / f"screening_alerts_{mode}.csv"
    OUT.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fields = list(alerts[0]) if alerts else ["line", "query"]
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(alerts)
    total = len(queries)
    return {
        "queries": total,
        "alerted_queries": alerted,
        "false_alert_rate": round(alerted / total, 5) if total else None,
        "alerted_per_10k": round(alerted / total * 10_000, 1) if total else None,
        "alerts": len(alerts),
        "alerts_per_10k": round(len(alerts) / total * 10_000, 1) if total else None,
        "seconds": round(seconds, 1),
        "ms_per_query": {
            "mean": round(seconds / total * 1000, 3) if total else None,
            "p50": round(percentile(latencies, 50) * 1000, 3),
            "p99": round(percentile(latencies, 99) * 1000, 3),
        },
        "top_hit_names": [
            {
                "caption": key[0],
                "entity_id": key[1],
                "source": key[2],
                "hits": count,
                "best_score": round(best[key], 4),
                "example_queries": examples[key],
            }
            for key, count in listed.most_common(20)
        ],
        "alerts_file": str(path.relative_to(ROOT)),
    }


# ---------------------------------------------------------------------------------------
# (b) Variants of the UN list's own names

#: Spelling swaps seen between transliteration conventions: (pattern on the lower-cased
#: name, replacements). One applicable swap is chosen at random per name.
SWAPS: list[tuple[str, tuple[str, ...]]] = [
    (r"\b(?:mohamm?[ae]d|muhamm?[ae]d)\b", ("mohammed", "muhammad", "mohamed", "mohammad")),
    (r"\babd[ue]l\b|\babd al\b", ("abdul", "abdel", "abd al")),
    (r"\bal-", ("el-", "al ")),
    (r"ou", ("u",)),
    (r"(?<![aeiou])u", ("ou",)),
    (r"kh", ("h", "kh")),
    (r"y", ("i",)),
    (r"(?<=[aeiou])i", ("y",)),
    (r"dj", ("j",)),
    (r"(?<!d)j", ("dj",)),
    (r"ei", ("ey",)),
    (r"ey", ("ei",)),
    (r"ph", ("f",)),
    (r"q", ("k",)),
    (r"sh", ("ch",)),
    (r"ee", ("i",)),
    (r"oo", ("u",)),
    (r"gh", ("g",)),
    (r"w", ("v",)),
    (r"v", ("w",)),
    (r"aa", ("a",)),
    (r"dh", ("d", "z")),
    (r"ai", ("ay",)),
    (r"ay", ("ai",)),
]
_SWAPS = [(re.compile(p), r) for p, r in SWAPS]
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
#: English words of organisation names: spelled one way whatever the transliteration
#: convention of the proper names around them, so no swap is made inside them.
# fmt: off
ENGLISH_WORDS = frozenset((
    "company", "co", "corporation", "corp", "group", "trading", "trade", "industries",
    "industry", "industrial", "limited", "ltd", "international", "bank", "branch",
    "organization", "organisation", "foundation", "society", "association", "the", "of",
    "and", "for", "front", "army", "party", "movement", "network", "office", "centre",
    "center", "institute", "services", "service", "import", "export", "ammunition",
    "metallurgy", "aviation", "aircraft", "electronics", "engineering", "research",
))
# fmt: on


def _cased(replacement: str, original: str, name: str) -> str:
    if name.isupper() or (len(original) > 1 and original.isupper()):
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def typo(name: str, rng: random.Random) -> str | None:
    """One insertion, deletion, substitution or transposition in one word of at least
    five letters (the first letter is kept, as in most real typos)."""
    words = name.split(" ")
    eligible = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 5 and is_latin(w)]
    if not eligible:
        return None
    i = rng.choice(eligible)
    word = words[i]
    positions = [k for k, c in enumerate(word) if c.isalpha()][1:]
    pos = rng.choice(positions)
    upper = word[pos].isupper()  # the new letter takes the case of the one it displaces
    letter = rng.choice(_LETTERS.upper() if upper else _LETTERS)
    op = rng.choice(("insert", "delete", "substitute", "transpose"))
    if op == "transpose" and pos + 1 < len(word) and word[pos + 1].isalpha():
        if word[pos] != word[pos + 1]:
            word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
        else:
            op = "substitute"
    elif op == "transpose":
        op = "substitute"
    if op == "insert":
        word = word[:pos] + letter + word[pos:]
    elif op == "delete":
        word = word[:pos] + word[pos + 1 :]
    elif op == "substitute":
        while letter.lower() == word[pos].lower():
            letter = rng.choice(_LETTERS.upper() if upper else _LETTERS)
        word = word[:pos] + letter + word[pos + 1 :]
    words[i] = word
    return " ".join(words)


def transliteration(name: str, rng: random.Random) -> str | None:
    """One spelling swap between transliteration conventions (SWAPS), never inside an
    English word of an organisation's name (ENGLISH_WORDS)."""
    if not is_latin(name):
        return None
    low = name.lower()
    english = [m.span() for m in re.finditer(r"[a-z]+", low) if m.group(0) in ENGLISH_WORDS]
    spots: list[tuple[int, int, tuple[str, ...]]] = []
    for pattern, replacements in _SWAPS:
        for m in pattern.finditer(low):
            if any(a <= m.start() < b for a, b in english):
                continue
            options = tuple(r for r in replacements if r != m.group(0))
            if options:
                spots.append((m.start(), m.end(), options))
    if not spots:
        return None
    start, end, options = rng.choice(spots)
    new = _cased(rng.choice(options), name[start:end], name)
    return name[:start] + new + name[end:]


def reorder(name: str, rng: random.Random) -> str | None:
    """Family name first, or 'LAST, First Middle' (persons of two words or more)."""
    words = name.split()
    if len(words) < 2:
        return None
    if rng.random() < 0.5:
        return " ".join([words[-1], *words[:-1]])
    return f"{words[-1]}, {' '.join(words[:-1])}"


def drop_middle(name: str, rng: random.Random) -> str | None:
    """One middle word removed (persons of three words or more)."""
    words = name.split()
    if len(words) < 3:
        return None
    k = rng.randrange(1, len(words) - 1)
    return " ".join(words[:k] + words[k + 1 :])


VARIANTS: dict[str, tuple[Callable[[str, random.Random], str | None], bool]] = {
    # kind: (generator, persons only)
    "typo": (typo, False),
    "transliteration": (transliteration, False),
    "reorder": (reorder, True),
    "drop_middle": (drop_middle, True),
}


def un_entities(store: Any) -> list[Entity]:
    """The UN list's persons and entities, from the active snapshot."""
    info = store.active_snapshot("un-sc")
    return list(store.iter_entities(info.id, parties_only=True))


def variant_queries(entities: list[Entity]) -> Iterator[tuple[str, Entity, str]]:
    """(kind, listed entity, query name) for every applicable variant of every entity."""
    for entity in entities:
        names = entity.get("name")
        if not names:
            continue
        primary = names[0]
        yield "exact", entity, primary
        for kind, (make, persons_only) in VARIANTS.items():
            if persons_only and entity.schema != "Person":
                continue
            rng = random.Random(f"{SEED}:{entity.id}:{kind}")
            varied = make(primary, rng)
            if varied and varied != primary:
                yield kind, entity, varied
        for alias in entity.get("alias"):
            if not is_latin(alias):
                yield "original_script", entity, alias


def query_entity(schema: str, name: str, n: int) -> Entity:
    from redline.entities import Entity

    entity = Entity(f"variant-{n}", schema)
    entity.add("name", name)
    return entity


def recall(screener: Screener, entities: list[Entity]) -> dict[str, Any]:
    """Share of varied names whose UN entity is matched at the default threshold."""
    from redline.matching.profile import profile_of

    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: list[dict[str, Any]] = []
    algo = screener.algorithm
    latin_only: dict[str, Any] = {}
    start = time.perf_counter()
    for n, (kind, entity, name) in enumerate(variant_queries(entities)):
        query = query_entity(entity.schema, name, n)
        matches = screener.match(query, limit=10)
        ids = [m.entity_id for m in matches]
        total[kind] += 1
        ok = entity.id in ids
        found[kind] += ok
        if not ok:
            misses.append(
                {
                    "kind": kind,
                    "entity_id": entity.id,
                    "listed_name": entity.get("name")[0],
                    "query": name,
                    "top": f"{matches[0].caption} ({matches[0].score:.3f})" if matches else "",
                }
            )
        if kind == "original_script":
            # Pairwise: the original script against the entity without it (Latin names).
            if entity.id not in latin_only:
                copy = query_entity(entity.schema, entity.get("name")[0], -1)
                for alias in entity.get("alias"):
                    if is_latin(alias):
                        copy.add("alias", alias)
                latin_only[entity.id] = profile_of(copy)
            result = algo.compare(profile_of(query), latin_only[entity.id])
            total["original_script_vs_latin"] += 1
            hit = result.score >= algo.threshold
            found["original_script_vs_latin"] += hit
            if not hit:
                misses.append(
                    {
                        "kind": "original_script_vs_latin",
                        "entity_id": entity.id,
                        "listed_name": entity.get("name")[0],
                        "query": name,
                        "top": f"{result.score:.3f}",
                    }
                )
    seconds = time.perf_counter() - start
    path = OUT / "screening_recall_misses.csv"
    OUT.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["kind", "entity_id", "listed_name", "query", "top"])
        writer.writeheader()
        writer.writerows(misses)
    varied = [k for k in total if k not in ("exact", "original_script_vs_latin")]
    return {
        "entities": len(entities),
        "kinds": {
            k: {"queries": total[k], "found": found[k], "recall": round(found[k] / total[k], 4)}
            for k in total
        },
        "overall": {
            "queries": sum(total[k] for k in varied),
            "found": sum(found[k] for k in varied),
            "recall": round(
                sum(found[k] for k in varied) / max(sum(total[k] for k in varied), 1), 4
            ),
            "kinds": varied,
        },
        "seconds": round(seconds, 1),
        "misses_file": str(path.relative_to(ROOT)),
    }


# ---------------------------------------------------------------------------------------
# (d) Wade-Giles spellings of listed Chinese names


def wade_giles_name(name: str) -> str | None:
    """A pinyin-shaped Chinese name as Taiwan writes it, or None for other names."""
    from redline.names.normalise import fold_latin, tokenize
    from redline.names.translit import pinyin_syllables, wade_giles

    words = [fold_latin(w) for w in tokenize(name)]
    parts = [pinyin_syllables(w) if w.isascii() else None for w in words]
    if not words or len(words) > 4 or any(p is None or len(p) > 2 for p in parts):
        return None
    if min(len(p) for p in parts if p is not None) != 1:
        return None
    spelt = ["-".join(wade_giles(s) or s for s in p).capitalize() for p in parts if p is not None]
    out = " ".join(spelt)
    return None if out.replace("-", "").lower() == " ".join(words) else out


def wade_giles_recall(screener: Screener, store: Any, sources: list[str]) -> dict[str, Any]:
    """Share of listed Chinese persons found under their Wade-Giles spelling."""
    found = total = 0
    misses: list[dict[str, str]] = []
    for source in sources:
        info = store.active_snapshot(source)
        if info is None:
            continue
        for entity in store.iter_entities(info.id, parties_only=True):
            names = entity.get("name")
            if entity.schema != "Person" or not names:
                continue
            query = wade_giles_name(names[0])
            if query is None:
                continue
            total += 1
            ids = [m.entity_id for m in screener.match(query_entity("Person", query, total))]
            if entity.id in ids:
                found += 1
            else:
                misses.append({"listed": names[0], "query": query})
    return {
        "queries": total,
        "found": found,
        "recall": round(found / total, 4) if total else None,
        "misses": misses[:20],
    }


# ---------------------------------------------------------------------------------------
# (c) Retrieval recall


def retrieval(screener: Screener, entities: list[Entity], n: int) -> dict[str, Any]:
    """Indexed matching against brute-force scoring of every profile, on varied names."""
    from redline.matching.features import schemata_compatible
    from redline.matching.profile import profile_of

    pool = [q for q in variant_queries(entities) if q[0] != "exact"]
    chosen = sample(pool, n, f"{SEED}:retrieval")
    algo = screener.algorithm
    # A saved index keeps its profiles' names unanalysed until a match needs them: brute
    # force must see them analysed, or it finds nothing when --home reuses an index.
    profiles = [screener.index.profile(i) for i in range(len(screener.index.profiles))]
    expected = returned = queries_with_hits = over_limit = 0
    missed: list[dict[str, Any]] = []
    brute_seconds = indexed_seconds = 0.0
    for i, (kind, entity, name) in enumerate(chosen):
        query = query_entity(entity.schema, name, i)
        qp = profile_of(query)
        t0 = time.perf_counter()
        brute = {
            p.id: score
            for p in profiles
            if schemata_compatible(qp.schema, p.schema)
            and (score := algo.compare(qp, p).score) >= algo.threshold
        }
        brute_seconds += time.perf_counter() - t0
        if not brute:
            continue
        queries_with_hits += 1
        over_limit += len(brute) > 10
        t0 = time.perf_counter()
        got = {m.entity_id for m in screener.match(query, limit=max(10, len(brute)))}
        indexed_seconds += time.perf_counter() - t0
        expected += len(brute)
        returned += len(brute.keys() & got)
        for pid in sorted(brute.keys() - got):
            missed.append({"kind": kind, "query": name, "missed": pid, "score": brute[pid]})
    return {
        "queries": len(chosen),
        "queries_with_brute_force_matches": queries_with_hits,
        "queries_with_more_than_10": over_limit,
        "brute_force_matches": expected,
        "also_returned_by_index": returned,
        "retrieval_recall": round(returned / expected, 4) if expected else None,
        "brute_force_ms_per_query": round(brute_seconds / max(len(chosen), 1) * 1000, 1),
        "indexed_ms_per_query": round(indexed_seconds / max(queries_with_hits, 1) * 1000, 2),
        "missed": missed[:50],
    }


# ---------------------------------------------------------------------------------------


def run(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    from redline.matching.screener import Screener

    data = Path(args.data)
    parts = set(args.only or ("far", "recall", "retrieval", "wade_giles"))
    results: dict[str, Any] = {**environment("screening_quality"), "sample": args.sample}
    store, loaded = load_lists(data, home)
    results["lists"] = loaded
    start = time.perf_counter()
    screener = Screener.from_store(store, args.algorithm, cache_dir=home / "index")
    results["algorithm"] = screener.algorithm.name
    results["threshold"] = screener.algorithm.threshold
    results["screener"] = {
        "parties": screener.size,
        "names_indexed": screener.index.size,
        "seconds": round(time.perf_counter() - start, 2),
    }
    if "far" in parts:
        results["false_alerts"] = {}
        for mode, full in (("full", True), ("names_only", False)):
            queries = negative_queries(data, args.sample, full)
            results["false_alerts"][mode] = false_alerts(screener, queries, mode)
    if "recall" in parts or "retrieval" in parts:
        entities = un_entities(store)
        if "recall" in parts:
            results["recall"] = recall(screener, entities)
        if "retrieval" in parts:
            results["retrieval"] = retrieval(screener, entities, args.retrieval_sample)
    if "wade_giles" in parts:
        sources = [x["source"] for x in loaded]
        results["wade_giles"] = wade_giles_recall(screener, store, sources)
    return results


def record_results(results: dict[str, Any]) -> None:
    lists = ", ".join(f"{x['label']} ({x['entities']})" for x in results["lists"])
    lines = [
        f"## Screening quality — {results['date']}",
        "",
        f"`python benchmarks/screening_quality.py"
        f"{' --sample ' + str(results['sample']) if results['sample'] else ''}` on "
        f"{results['machine']} (load average {results['load_average_1m']}), Python "
        f"{results['python']}, redline {results['redline']}, algorithm "
        f"`{results['algorithm']}` at its default threshold {results['threshold']}, "
        f"against {lists}: {results['screener']['parties']} parties, "
        f"{results['screener']['names_indexed']} indexed name forms.",
    ]
    far = results.get("false_alerts")
    if far:
        lines += [
            "",
            "False alerts on the synthetic customers (`screening/negatives_global.csv`, "
            "`match(..., limit=5)`); an alerted query has at least one match:",
            "",
            "| query | queries | alerted | false alert rate | alerted / 10k | matches / 10k "
            "| seconds | ms/query p50 | p99 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for mode, d in far.items():
            label = "name + DOB + nationality + gender" if mode == "full" else "name only"
            lines.append(
                f"| {label} | {d['queries']} | {d['alerted_queries']} | "
                f"{d['false_alert_rate'] * 100:.2f}% | {d['alerted_per_10k']} | "
                f"{d['alerts_per_10k']} | {d['seconds']} | {d['ms_per_query']['p50']} | "
                f"{d['ms_per_query']['p99']} |"
            )
        for mode, d in far.items():
            top = "; ".join(
                f"{t['caption']} (`{t['entity_id']}`) ×{t['hits']} (e.g. {t['example_queries'][0]})"
                for t in d["top_hit_names"][:20]
            )
            lines += ["", f"Most frequent hits ({mode.replace('_', ' ')}): {top or 'none'}."]
    rec = results.get("recall")
    if rec:
        lines += [
            "",
            f"Recall on the UN list's own {rec['entities']} parties, names varied "
            "deterministically (seeded), matched at the default threshold, `limit=10`:",
            "",
            "| variant | queries | found | recall |",
            "|---|---:|---:|---:|",
        ]
        for kind, d in rec["kinds"].items():
            lines.append(f"| {kind} | {d['queries']} | {d['found']} | {fmt(d['recall'])} |")
        o = rec["overall"]
        lines.append(f"| **all variants** | {o['queries']} | {o['found']} | {fmt(o['recall'])} |")
        lines += [
            "",
            "`exact` is the unchanged primary name (a control); `original_script` queries are "
            "the UN's non-Latin aliases, which are themselves indexed; "
            "`original_script_vs_latin` scores each of them pairwise against the entity's "
            "Latin names only.",
        ]
    ret = results.get("retrieval")
    if ret:
        lines += [
            "",
            f"Retrieval recall: of {ret['brute_force_matches']} above-threshold matches found "
            f"by brute-force scoring of every profile for {ret['queries']} varied queries, the "
            f"indexed `match` returned {ret['also_returned_by_index']} "
            f"({fmt(ret['retrieval_recall'])}); brute force "
            f"{ret['brute_force_ms_per_query']} ms/query, indexed "
            f"{ret['indexed_ms_per_query']} ms/query.",
        ]
    wg = results.get("wade_giles")
    if wg:
        lines += [
            "",
            f"Wade-Giles: of {wg['queries']} listed persons with a Chinese name in pinyin, "
            f"written as Taiwan writes it (ZHANG, Zhiming as Chang Chih-ming), "
            f"{wg['found']} were matched at the default threshold, `limit=10` "
            f"(recall {fmt(wg['recall'])}).",
        ]
    record(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="Shared data folder.")
    parser.add_argument("--algorithm", default=None, help="Algorithm (default: redline-v1).")
    parser.add_argument("--sample", type=int, default=None, help="Screen N synthetic people.")
    parser.add_argument(
        "--retrieval-sample", type=int, default=300, help="Varied queries for retrieval recall."
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=("far", "recall", "retrieval", "wade_giles"),
        help="Run only this part (repeatable).",
    )
    parser.add_argument(
        "--home",
        default=None,
        help="Reuse this REDLINE_HOME (store and saved index) instead of a temporary one.",
    )
    parser.add_argument(
        "--no-record", action="store_true", help="Do not append to docs/benchmarks.md."
    )
    run_in_home(parser.parse_args(), run, record_results)


if __name__ == "__main__":
    main()
