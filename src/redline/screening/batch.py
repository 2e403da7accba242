"""A screening run over a customer file: every row screened, in parallel, resumably.

A run of a million customers takes a while; a laptop sleeps, a job is killed. So a run
never holds its results only in memory. Finished rows are appended, in row order and
chunk by chunk, to ``OUT.part`` (JSON lines: the hits of a chunk, then a marker line
``{"through": N}`` saying every row up to N is done). ``OUT.state.json``, written
atomically at the start, records what the run is: the input's hash, the parameters and
the list snapshots. ``--resume`` checks that all three are unchanged, drops whatever
follows the last marker (a chunk cut off mid-write) and carries on after it. The
results file and report are written to temporary names and renamed into place only
when every row is done; then the checkpoint is removed.

Rows are screened by worker processes, each loading the screener from the index the
parent saved (``Screener.from_store`` builds it once, before the workers start, so they
load it instead of each building it again).
"""

from __future__ import annotations

import json
import math
import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import IO, Any

from redline import schema as ftm
from redline.entities import Entity
from redline.errors import ConfigError, RedlineError
from redline.matching.screener import Match, Screener
from redline.screening import writers
from redline.screening.readers import CustomerFile, FileCheck, Row
from redline.settings import Settings
from redline.store import Store, open_store

#: From this many rows to screen, each worker prepares every listed party before the
#: first row (Screener.warm): a long run touches them all anyway, and it spares the
#: garbage collector's walks over them. A short file only prepares what it meets.
WARM_ROWS = 100_000
#: Layout of the checkpoint; a run started by another layout is not resumed.
STATE_VERSION = 1
#: Hits kept in memory for the HTML report; the results file always has every hit.
REPORT_HITS = 5000
#: Seconds between forced writes of the checkpoint to disk (flushed after every chunk).
SYNC_SECONDS = 2.0

Progress = Callable[[int, int], None]
Log = Callable[[str], None]


@dataclass(frozen=True)
class ScreenParams:
    """How rows are screened. Everything but ``workers`` must be equal to resume a run."""

    threshold: float | None = None
    limit: int = 10
    sources: tuple[str, ...] = ()
    schema: str | None = None
    """Schema for rows without an entity type (default: guessed from the row)."""
    mapping: dict[str, list[str]] = field(default_factory=dict)
    algorithm: str | None = None
    workers: int | None = None
    """Worker processes (default: one per CPU)."""
    media: bool = False
    """Also look for each row in the stored news (:mod:`redline.screening.media`)."""

    def identity(self) -> dict[str, Any]:
        """The parameters that decide the results (not how fast they come)."""
        out = asdict(self)
        del out["workers"]
        if not self.media:
            del out["media"]  # runs started before --media existed still resume
        out["sources"] = sorted(self.sources)
        return out


@dataclass
class ScreenSummary:
    """What a run did, against which lists, with which parameters: kept with the
    results (XLSX summary sheet, HTML report, ``--json``) for whoever checks it later."""

    input: dict[str, Any]
    output: str
    report: str | None
    parameters: dict[str, Any]
    snapshots: list[dict[str, Any]]
    counts: dict[str, int]
    by_source: dict[str, int]
    by_program: dict[str, int]
    skipped: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    started_at: str
    finished_at: str
    seconds: float
    resumed_from_row: int

    @property
    def hits(self) -> int:
        return self.counts["hits"]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------------------
# Rows to queries to hits


def query_of(row: Row) -> Entity:
    """The query entity for a row; a value the row's schema has no property for goes to
    the nearest one that exists (a company's "nationality" is its country)."""
    entity = Entity(f"row-{row.number}", row.schema)
    props = ftm.properties(row.schema)
    entity.add("name", row.name)
    entity.add("alias", list(row.aliases))
    if "birthDate" in props:
        entity.add("birthDate", list(row.birth_dates))
    if "gender" in props and row.gender:
        entity.add("gender", row.gender)
    entity.add("nationality" if "nationality" in props else "country", list(row.nationalities))
    entity.add("country", list(row.countries))
    for prop, value in row.identifiers:
        target = next(p for p in (prop, "idNumber", "registrationNumber") if p in props)
        entity.add(target, value)
    return entity


@dataclass(frozen=True)
class _MatchOptions:
    threshold: float | None
    limit: int
    sources: tuple[str, ...]


def _hit(row: Row, m: Match) -> dict[str, Any]:
    return {
        "row": row.number,
        "id": row.id,
        "name": row.name,
        "query_name": m.query_name or row.name,
        "entity_id": m.entity_id,
        "source": m.source,
        "schema": m.schema,
        "caption": m.caption,
        "matched_name": m.matched_name,
        "score": round(m.score, 4),
        "programs": m.entity.get("program") if m.entity is not None else [],
        "explanations": [
            {"feature": e.feature, "score": round(e.score, 4), "detail": e.detail}
            for e in m.explanations
        ],
    }


def screen_rows(
    screener: Screener, rows: list[Row], options: _MatchOptions
) -> list[dict[str, Any]]:
    """Every hit of ``rows``, in row order then best first."""
    hits: list[dict[str, Any]] = []
    for row in rows:
        matches = screener.match(
            query_of(row),
            threshold=options.threshold,
            limit=options.limit,
            sources=list(options.sources) or None,
        )
        hits.extend(_hit(row, m) for m in matches)
    return hits


# Worker processes keep their screener here between tasks.
_WORKER: dict[str, Any] = {}


def _init_worker(
    settings: Settings, algorithm: str | None, expected: list[int], warm: bool
) -> None:
    # Ctrl-C is the parent's to handle: it stops handing out work and keeps what is done.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store = open_store(settings)
    if [s.id for s in store.active_snapshots()] != expected:
        _WORKER["error"] = "the active lists changed during the run; start it again"
        return
    screener = Screener.from_store(store, algorithm, cache_dir=settings.home / "index")
    if warm:
        screener.warm()
    _WORKER["screener"] = screener


def _worker_task(rows: list[Row], options: _MatchOptions) -> list[dict[str, Any]]:
    if "error" in _WORKER:
        raise RedlineError(_WORKER["error"])
    return screen_rows(_WORKER["screener"], rows, options)


# ---------------------------------------------------------------------------------------
# The checkpoint


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def work_paths(output: Path) -> tuple[Path, Path]:
    """The checkpoint files of a run writing ``output``: results so far, and identity."""
    return output.with_name(output.name + ".part"), output.with_name(output.name + ".state.json")


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    with writers.replacing(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())


def _recover(part: Path) -> int:
    """The last row a cut-off run finished; anything after its marker is cut away."""
    through = 0
    good = 0
    pos = 0
    with part.open("rb") as fh:
        for raw in fh:
            pos += len(raw)
            if not raw.endswith(b"\n"):
                break
            try:
                record = json.loads(raw)
            except ValueError:
                break
            if isinstance(record, dict) and "through" in record:
                through, good = int(record["through"]), pos
    with part.open("r+b") as fh:
        fh.truncate(good)
    return through


def _read_part(part: Path) -> Iterator[dict[str, Any]]:
    """The hits recorded in a finished checkpoint, in row order."""
    with part.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if "through" not in record:
                yield record


def _differences(saved: dict[str, Any], current: dict[str, Any]) -> list[str]:
    labels = {
        "input_sha256": "the input file changed",
        "parameters": "the parameters differ",
        "snapshots": "the active lists changed",
        "columns": "the column mapping differs",
        "version": "it was started by another version of redline",
    }
    return [text for key, text in labels.items() if saved.get(key) != current.get(key)]


# ---------------------------------------------------------------------------------------
# The run


def screen_file(
    store: Store,
    settings: Settings,
    path: str | Path,
    output: str | Path,
    params: ScreenParams | None = None,
    *,
    report: str | Path | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    log: Log | None = None,
    _stop_after: int | None = None,
) -> ScreenSummary:
    """Screen every row of a customer file and write one result row per hit.

    ``progress(done, total)`` is called as rows finish and ``log(message)`` at each
    stage. ``_stop_after`` interrupts the run once that many rows are committed, as a
    kill would (tests of ``resume`` use it).
    """
    params = params or ScreenParams()
    say = log or (lambda _msg: None)
    started = time.perf_counter()
    started_at = _now()
    output = Path(output)
    out_format = writers.output_format(output)
    if params.threshold is not None and not 0.0 <= params.threshold <= 1.0:
        raise ConfigError("--threshold must be between 0 and 1")
    if params.limit < 1:
        raise ConfigError("--limit must be at least 1")
    workers = params.workers if params.workers is not None else (os.cpu_count() or 1)
    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    active = store.active_snapshots()
    if not active:
        raise ConfigError(
            "no active lists: load one first, e.g. redline lists load us-ofac-sdn --sample"
        )
    unknown = sorted(set(params.sources) - {s.source for s in active})
    if unknown:
        raise ConfigError(
            f"no active list {', '.join(unknown)}; active: {', '.join(s.source for s in active)}"
        )
    used = [s for s in active if not params.sources or s.source in params.sources]
    snapshots = [
        {
            "source": s.source,
            "snapshot_id": s.id,
            "content_hash": s.content_hash,
            "published_at": s.published_at,
            "entity_count": s.entity_count,
            "sample": s.sample,
        }
        for s in used
    ]

    part, state_path = work_paths(output)
    if state_path.exists() and not resume:
        raise ConfigError(
            f"an interrupted run left {state_path}; add --resume to continue it, or delete "
            f"{state_path} and {part} to start again"
        )
    say(f"reading {path}")
    customers = CustomerFile(path, params.mapping, params.schema)
    check = customers.check()
    columns = customers.describe_columns()
    say(
        f"{check.rows:,} rows ({customers.format}"
        f"{', ' + customers.encoding if customers.encoding else ''}); columns: "
        + ", ".join(f"{k}={'+'.join(v)}" for k, v in columns.items())
    )

    identity = {
        "version": STATE_VERSION,
        "input_sha256": customers.sha256,
        "parameters": params.identity(),
        "snapshots": snapshots,
        "columns": columns,
    }
    through = 0
    if state_path.exists():
        saved = json.loads(state_path.read_text(encoding="utf-8"))
        differ = _differences(saved, identity)
        if differ:
            raise ConfigError(
                f"cannot resume into {output}: {'; '.join(differ)} since the run started. "
                f"Delete {state_path} and {part} to start again"
            )
        if not part.exists():
            part.touch()
        through = _recover(part)
        started_at = saved.get("started_at", started_at)
        say(f"resuming after row {through:,}")
    else:
        if resume:
            say("nothing to resume; starting from the first row")
        output.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(b"")
        _write_json_atomic(state_path, {**identity, "started_at": started_at})

    say("loading the name index")
    screener = Screener.from_store(store, params.algorithm, cache_dir=settings.home / "index")
    algo = screener.algorithm
    options = _MatchOptions(params.threshold, params.limit, tuple(params.sources))
    # Chunks small enough that every worker gets several (and a kill loses little),
    # large enough that handing them out costs nothing next to screening them.
    chunk_rows = max(4, min(64, check.screenable // (workers * 8)))
    workers = max(1, min(workers, math.ceil(check.screenable / chunk_rows)))

    chunks = _chunks(customers, through, chunk_rows)
    with part.open("a", encoding="utf-8") as sink:
        committer = _Committer(sink, check.rows, progress, _stop_after)
        warm = check.screenable - through >= WARM_ROWS
        if workers == 1:
            if warm:
                screener.warm()
            for rows, last, consumed in chunks:
                committer.commit(screen_rows(screener, rows, options), last, consumed)
        else:
            del screener  # each worker loads its own; this copy would only hold memory
            say(f"screening with {workers} worker processes")
            _run_pool(settings, params.algorithm, active, options, workers, chunks, committer, warm)
        committer.sync()
    news = None
    if params.media:
        from redline.screening.media import news_for_rows

        say("looking for every row in the stored news")
        news = news_for_rows(store, customers.rows())
    return _finish(
        customers,
        check,
        output,
        out_format,
        Path(report) if report else None,
        part,
        state_path,
        {
            **params.identity(),
            "threshold_in_force": (
                algo.threshold if params.threshold is None else params.threshold
            ),
            "algorithm": algo.name,
            "algorithm_version": algo.version,
            "workers": workers,
        },
        snapshots,
        started_at,
        started,
        through,
        news,
    )


def _chunks(
    customers: CustomerFile, through: int, size: int
) -> Iterator[tuple[list[Row], int, int]]:
    """(screenable rows, last row number covered, non-blank rows covered) per chunk,
    starting after row ``through``; rows without a name are covered but not screened."""
    rows: list[Row] = []
    consumed = 0
    last = through
    skipped_before = 0
    for row in customers.rows():
        if row.number <= through:
            skipped_before += 1
            continue
        if skipped_before:
            yield [], through, skipped_before  # count rows a previous run finished
            skipped_before = 0
        consumed += 1
        last = row.number
        if row.name is not None:
            rows.append(row)
        if len(rows) >= size:
            yield rows, last, consumed
            rows, consumed = [], 0
    if skipped_before:
        yield [], through, skipped_before
    if consumed:
        yield rows, last, consumed


class _Committer:
    """Appends finished chunks to the checkpoint, in row order, and reports progress."""

    def __init__(
        self, sink: IO[str], total: int, progress: Progress | None, stop_after: int | None
    ) -> None:
        self.sink = sink
        self.total = total
        self.progress = progress
        self.stop_after = stop_after
        self.done = 0
        self.synced = time.monotonic()

    def commit(self, hits: list[dict[str, Any]], through: int, consumed: int) -> None:
        if hits or consumed:
            lines = [json.dumps(h, ensure_ascii=False) for h in hits]
            lines.append(json.dumps({"through": through}))
            self.sink.write("\n".join(lines) + "\n")
            self.sink.flush()
        self.done += consumed
        if time.monotonic() - self.synced > SYNC_SECONDS:
            self.sync()
        if self.progress is not None:
            self.progress(self.done, self.total)
        if self.stop_after is not None and self.done >= self.stop_after:
            self.sync()
            raise KeyboardInterrupt(f"stopped after {self.done} rows")

    def sync(self) -> None:
        self.sink.flush()
        os.fsync(self.sink.fileno())
        self.synced = time.monotonic()


def _run_pool(
    settings: Settings,
    algorithm: str | None,
    active: list[Any],
    options: _MatchOptions,
    workers: int,
    chunks: Iterator[tuple[list[Row], int, int]],
    committer: _Committer,
    warm: bool,
) -> None:
    """Hand chunks to workers, a few ahead of the oldest unfinished one, and commit
    results strictly in row order, so that the checkpoint never has a gap."""
    context = get_context("spawn")  # fork would copy the parent's threads and database
    pending: list[tuple[Future[list[dict[str, Any]]] | None, int, int]] = []
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(settings, algorithm, [s.id for s in active], warm),
    )
    try:
        for rows, last, consumed in chunks:
            future = pool.submit(_worker_task, rows, options) if rows else None
            pending.append((future, last, consumed))
            while len(pending) > workers * 3 or (pending and _ready(pending[0][0])):
                _commit_oldest(pending, committer)
        while pending:
            _commit_oldest(pending, committer)
    except BrokenProcessPool:
        raise RedlineError(
            "a worker process died (out of memory?); finished rows are kept: run again "
            "with --resume"
        ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _ready(future: Future[list[dict[str, Any]]] | None) -> bool:
    return future is None or future.done()


def _commit_oldest(
    pending: list[tuple[Future[list[dict[str, Any]]] | None, int, int]], committer: _Committer
) -> None:
    future, last, consumed = pending.pop(0)
    committer.commit(future.result() if future is not None else [], last, consumed)


def _finish(
    customers: CustomerFile,
    check: FileCheck,
    output: Path,
    out_format: str,
    report: Path | None,
    part: Path,
    state_path: Path,
    parameters: dict[str, Any],
    snapshots: list[dict[str, Any]],
    started_at: str,
    started: float,
    resumed_from: int,
    news: dict[int, Any] | None = None,
) -> ScreenSummary:
    """Count the hits, write the results and report into place, drop the checkpoint."""
    by_source: Counter[str] = Counter()
    by_program: Counter[str] = Counter()
    rows_hit: set[int] = set()
    hits = 0
    kept: list[dict[str, Any]] = []
    for hit in _read_part(part):
        hits += 1
        rows_hit.add(int(hit["row"]))
        by_source[hit["source"]] += 1
        for program in hit["programs"] or ["(none)"]:
            by_program[program] += 1
        if len(kept) < REPORT_HITS:
            kept.append(hit)
    summary = ScreenSummary(
        input={
            "path": customers.label,
            "format": customers.format,
            "encoding": customers.encoding,
            "sha256": customers.sha256,
            "columns": customers.describe_columns(),
            "id_column": customers.id_header,
        },
        output=str(output),
        report=str(report) if report else None,
        parameters=parameters,
        snapshots=snapshots,
        counts={
            "rows": check.rows,
            "screened": check.screenable,
            "skipped": check.skipped_count,
            "with_hits": len(rows_hit),
            "hits": hits,
            **({"with_news": len(news)} if news is not None else {}),
        },
        by_source=dict(by_source.most_common()),
        by_program=dict(by_program.most_common()),
        skipped=[s.to_dict() for s in check.skipped],
        notes=[n.to_dict() for n in check.notes.values()],
        started_at=started_at,
        finished_at=_now(),
        seconds=round(time.perf_counter() - started, 2),
        resumed_from_row=resumed_from,
    )
    data = summary.to_dict()
    records: Iterator[dict[str, Any]] = _read_part(part)
    if news is not None:
        from redline.screening.media import with_news

        records = with_news(records, news)
    writers.write_results(output, records, customers.id_header, data, out_format, news=news)
    if report is not None:
        from redline.screening.report import write_report

        write_report(report, data, kept, news=news)
    part.unlink(missing_ok=True)
    state_path.unlink(missing_ok=True)
    return summary
