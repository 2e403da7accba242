"""Portfolio re-screening speed: a large portfolio against a 100-entity list change.

The issue's target: a 1,000,000-customer portfolio re-screened against a 100-entity
list change in at most 60 s on 2 cores. Setup (timed, but not part of the target):

1. load the four lists of the screening benchmarks (2024 SDN + non-SDN + UN + Canada)
   and a user list (source ``ftm``) of 900 entries taken from them;
2. generate N customers from ``screening/negatives_global.csv``: each takes a first
   name, a middle name and a surname from three different rows of the same script
   (so that names are new but plausible) and the birth date, gender and nationality of
   the first row, with an id ``CUST-0000001``...; import them with
   ``import_customers``;
3. record a baseline run: a real first run would screen all N customers forward, which
   is what ``redline screen`` measures; here the portfolio is recorded as screened
   against the lists of step 1 without screening it, so that the timed run is the
   delta alone (the recorded run says so in its params);
4. build and save the portfolio index (``portfolio_index.ensure``).

Timed: a new version of the user list with 100 changes (50 entries edited: an alias
added and the birth date moved; 50 added: 40 listed names from the other lists and 10
names of customers, which must raise alerts), then ``delta.rescreen`` (which loads the
saved index from disk). For comparison in the same run, ``Screener.match`` of a sample
of customers forward against all lists, extrapolated to N: what re-screening the whole
portfolio would cost.

Usage: python benchmarks/rescreen_speed.py [--customers N] [--data DIR] [--home DIR]
       [--sample N] [--no-record]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from common import DEFAULT_DATA, environment, load_lists, record

SEED = "redline-rescreen-speed-1"
CHANGES = 100


def _script(text: str) -> str:
    for ch in text:
        if ch.isalpha():
            return unicodedata.name(ch, "OTHER").split()[0]
    return "OTHER"


def read_people(data: Path) -> list[dict[str, str]]:
    path = data / "screening" / "negatives_global.csv"
    if not path.exists():
        raise SystemExit(f"missing {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if row["full_name"].strip()]


def customers(people: list[dict[str, str]], n: int) -> Iterator[Any]:
    """N customer rows built from the synthetic people (see the module docstring)."""
    from redline.entities import Entity
    from redline.screening.portfolio import CustomerRow

    rng = random.Random(SEED)
    by_script: dict[str, list[dict[str, str]]] = {}
    for row in people:
        by_script.setdefault(_script(row["full_name"]), []).append(row)
    groups = [g for g in by_script.values() if len(g) >= 3]
    weights = [len(g) for g in groups]
    for i in range(n):
        group = rng.choices(groups, weights)[0]
        a, b, c = rng.sample(group, 3)
        parts = [a["first_name"], b["middle_name"] or b["first_name"], c["last_name"]]
        name = " ".join(p for p in parts if p) or a["full_name"]
        entity = Entity(f"CUST-{i + 1:07d}", "Person")
        entity.add("name", name)
        entity.add("birthDate", a["date_of_birth"])
        entity.add("gender", a["gender"])
        entity.add("nationality", a["nationality"])
        yield CustomerRow(i + 1, entity.id, entity)


def _listed_sample(store: Any, count: int, rng: random.Random) -> list[Any]:
    """``count`` distinct parties of the loaded lists, copied under ids of the user list."""
    from redline.entities import Entity

    pool = [e for e in store.iter_active_entities(parties_only=True) if e.schema != "Airplane"]
    out = []
    for i, original in enumerate(rng.sample(pool, count)):
        entity = Entity(f"bench-{i:05d}", original.schema, datasets=["ftm"])
        for prop, values in original.properties.items():
            entity.add(prop, values)
        out.append(entity)
    return out


def _write_ftm(path: Path, entities: list[Any]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for e in entities:
            fh.write(json.dumps(e.to_dict(), ensure_ascii=False) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--home", type=Path, default=None, help="Work directory (default: temp).")
    parser.add_argument("--sample", type=int, default=1000, help="Customers timed forward.")
    parser.add_argument(
        "--recall",
        action="store_true",
        help="Also screen every customer forward against all lists, as a full re-screen "
        "would (slow: about 5 ms per customer), and report the share of its pairs with the "
        "changed entries that the delta found.",
    )
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()

    from redline import lists
    from redline.entities import Entity
    from redline.matching.screener import Screener
    from redline.screening import delta, portfolio_index
    from redline.screening.portfolio import import_customers
    from redline.settings import Settings
    from redline.store import audit as audit_store
    from redline.store import portfolio as db

    home = args.home or Path(tempfile.mkdtemp(prefix="redline-rescreen-"))
    settings = Settings(home=home)
    out: dict[str, Any] = environment("rescreen_speed")
    out.update({"customers": args.customers, "changes": CHANGES, "home": str(home)})
    rng = random.Random(SEED)
    timings: dict[str, float] = {}

    start = time.perf_counter()
    store, loaded = load_lists(args.data, home)
    copies = _listed_sample(store, 940, rng)
    base, spare = copies[:900], copies[900:]
    lists.load(store, settings, "ftm", [_write_ftm(home / "user_v1.jsonl", base)])
    timings["lists_load"] = time.perf_counter() - start
    out["lists"] = [{k: v for k, v in item.items() if k != "seconds"} for item in loaded]

    people = read_people(args.data)
    start = time.perf_counter()
    imported = import_customers(store, customers(people, args.customers), origin="benchmark")
    timings["import"] = time.perf_counter() - start
    print(f"imported {imported.new:,} customers in {timings['import']:.1f}s", file=sys.stderr)

    with store.engine.begin() as conn:
        snapshots = {
            s.source: {"id": s.id, "content_hash": s.content_hash} for s in store.active_snapshots()
        }
        params = {"baseline": "recorded by benchmarks/rescreen_speed.py without screening"}
        run_id = db.start_run(conn, "rescreen", imported.revision, snapshots, params)
        db.finish_run(conn, run_id, "done", {})
        audit_store.append(conn, "run.finished", {"run": run_id, **params})

    start = time.perf_counter()
    lookup = portfolio_index.ensure(store, settings)
    timings["index_build"] = time.perf_counter() - start
    index_file = portfolio_index.index_path(store, settings)
    out["index"] = {
        "customers": lookup.base.size,
        "name_forms": lookup.base.names.size,
        "features": len(lookup.base.names.offsets),
        "file_mb": round(index_file.stat().st_size / 1e6, 1),
    }
    del lookup
    start = time.perf_counter()
    portfolio_index.load(index_file)
    timings["index_load"] = time.perf_counter() - start

    # The 100-entity change: 50 edited, 50 added (10 of them customers' names).
    changed = []
    for entity in base[:50]:
        edited = Entity(entity.id, entity.schema, dict(entity.properties), ["ftm"])
        edited.add("alias", entity.caption + " TRADING")
        if "birthDate" in edited.properties:
            edited.properties["birthDate"] = ["1901"]
        changed.append(edited)
    added = []
    for i, entity in enumerate(spare):
        fresh = Entity(f"bench-new-{i:03d}", entity.schema, dict(entity.properties), ["ftm"])
        added.append(fresh)
    planted = rng.sample(range(1, args.customers + 1), 10)
    planted_ids = [f"CUST-{i:07d}" for i in planted]
    found = db.get_customers(store, planted_ids)
    for i, customer_id in enumerate(planted_ids):
        source = found[customer_id].entity
        twin = Entity(f"bench-hit-{i:02d}", "Person", datasets=["ftm"])
        twin.add("name", source.caption)
        twin.add("nationality", source.get("nationality"))
        added.append(twin)
    version2 = changed + base[50:] + added
    lists.load(store, settings, "ftm", [_write_ftm(home / "user_v2.jsonl", version2)])

    start = time.perf_counter()
    result = delta.rescreen(store, settings)
    timings["rescreen"] = time.perf_counter() - start
    hit_customers = {
        a.customer_id
        for a in db_alerts(store, result.alerts.alert_ids)
        if a.entity_id.startswith("bench-hit-")
    }
    out["rescreen"] = {
        "seconds": round(timings["rescreen"], 2),
        "entities_changed": result.entities_changed,
        "pairs_scored": result.pairs_scored,
        "alerts_raised": result.alerts.raised,
        "auto_discounted": result.alerts.discounted,
        "planted_found": len(hit_customers & set(planted_ids)),
        "planted": len(planted_ids),
        "stages": result.seconds,
        "index": result.index,
    }

    if args.recall:
        out["recall"] = _recall(store, home, version2[:50] + added, result.alerts.alert_ids)

    # The comparison: every customer forward, as a full re-screen would.
    screener = Screener.from_store(store, cache_dir=home / "index")
    sample_ids = [f"CUST-{i:07d}" for i in rng.sample(range(1, args.customers + 1), args.sample)]
    sample = [c.entity for c in db.get_customers(store, sample_ids).values()]
    start = time.perf_counter()
    for entity in sample:
        screener.match(entity)
    per_customer = (time.perf_counter() - start) / max(len(sample), 1)
    full_seconds = per_customer * args.customers
    out["full_rescreen_estimate"] = {
        "ms_per_customer": round(per_customer * 1000, 3),
        "seconds_single_process": round(full_seconds),
        "delta_speedup": round(full_seconds / timings["rescreen"], 1),
    }
    out["seconds"] = {k: round(v, 2) for k, v in timings.items()}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if not args.no_record:
        _record(out)


def _recall(store: Any, home: Path, changed: list[Any], alert_ids: list[int]) -> dict[str, Any]:
    """What a full re-screen would raise on the changed entries: every customer screened
    in the usual direction against all active lists, keeping the pairs whose entity is
    one of the changed entries. The delta's pairs should be these."""
    from redline.matching.screener import Screener
    from redline.store import portfolio as db

    start = time.perf_counter()
    screener = Screener.from_store(store, cache_dir=home / "index")
    wanted = {e.id for e in changed}
    truth: set[tuple[str, str]] = set()
    for customer in db.iter_customers(store):
        for m in screener.match(customer.entity):
            if m.source == "ftm" and m.entity_id in wanted:
                truth.add((customer.id, m.entity_id))
    found = {(a.customer_id, a.entity_id) for a in db_alerts(store, alert_ids)}
    return {
        "full_rescreen_pairs": len(truth),
        "delta_pairs": len(found),
        "found": len(truth & found),
        "recall": round(len(truth & found) / len(truth), 4) if truth else None,
        "extra": len(found - truth),
        "seconds": round(time.perf_counter() - start, 1),
        "missed_examples": sorted(truth - found)[:10],
        "extra_examples": sorted(found - truth)[:10],
    }


def db_alerts(store: Any, ids: list[int]) -> list[Any]:
    from redline.store import alerts as alert_db

    with store.engine.connect() as conn:
        return [alert_db.get_alert(conn, i) for i in ids]


def _record(out: dict[str, Any]) -> None:
    r = out["rescreen"]
    s = out["seconds"]
    lines = [
        f"## Portfolio re-screen — {out['date']}",
        "",
        f"`python benchmarks/rescreen_speed.py --customers {out['customers']}` on "
        f"{out['machine']} (load average {out['load_average_1m']}), Python {out['python']}, "
        f"redline {out['redline']}. Lists: 2024 SDN + non-SDN + UN + Canada and a 900-entry "
        "user list; the change is a new version of the user list with 50 entries edited and "
        "50 added (10 of them customers' names, which must raise alerts). Customers are "
        "generated from `screening/negatives_global.csv` (first, middle and last names of "
        "three rows of one script). The baseline run is recorded without screening; the "
        "timed figure is `delta.rescreen` alone, loading the saved portfolio index.",
        "",
        "| customers | re-screen s | entities checked | pairs scored | alerts | planted found "
        "| index load s | import s | index build s | index MB | full re-screen est. s | "
        "speed-up | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {out['customers']:,} | {r['seconds']} | {r['entities_changed']} | "
        f"{r['pairs_scored']:,} | {r['alerts_raised']} | {r['planted_found']}/{r['planted']} | "
        f"{s['index_load']} | {s['import']} | {s['index_build']} | {out['index']['file_mb']} | "
        f"{out['full_rescreen_estimate']['seconds_single_process']:,} | "
        f"{out['full_rescreen_estimate']['delta_speedup']}x | {out['peak_rss_mb']} |",
        "",
        f"Stages of the re-screen (s): {r['stages']}. The full re-screen estimate is "
        f"{out['full_rescreen_estimate']['ms_per_customer']} ms per customer (forward "
        "`Screener.match`, one process, a seeded sample) times the portfolio size.",
    ]
    if "recall" in out:
        rc = out["recall"]
        lines += [
            "",
            f"Recall against a full re-screen (every customer screened forward against all "
            f"lists, {rc['seconds']} s, pairs with the changed entries kept): {rc['found']} of "
            f"{rc['full_rescreen_pairs']} pairs found (recall {rc['recall']}); "
            f"{rc['extra']} pairs found only by the delta; missed: {rc['missed_examples']}.",
        ]
    record(lines)


if __name__ == "__main__":
    main()
