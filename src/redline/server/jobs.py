"""The background jobs that screen uploaded files (the uploads themselves are parsed by
:mod:`redline.server.uploads`).

A customer file can be hundreds of megabytes and take many minutes to screen, longer
than any HTTP request should stay open. So ``POST /v1/screenings`` only stores the
upload and answers 202; a runner thread screens queued files one at a time with
:func:`redline.screening.batch.screen_file`, and each job keeps its whole life in its
own directory, ``REDLINE_HOME/screenings/<job id>/``::

    job.json                  the job's state, rewritten atomically as it progresses
    input.csv                 the upload (its extension decides how it is read)
    results.jsonl(.part ...)  screen_file's checkpoint, then its results
    report.html               the HTML report
    results.csv / .xlsx       made from results.jsonl the first time they are asked for

Nothing about a job lives only in memory, which is what makes restarts safe: a server
stopped mid-job leaves ``job.json`` saying "running" and screen_file's checkpoint next to
it, and the next runner to start carries on after the last finished chunk (``resume``)
instead of screening the file again. With several server processes on one home, a lock
file makes exactly one of them the runner; the others serve requests and leave the
queue to it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from redline.errors import ConfigError, NotFoundError, RedlineError
from redline.screening import writers
from redline.screening.batch import ScreenSummary, screen_file, work_paths
from redline.server.problems import PROBLEM_MEDIA_TYPE, Problem, ProblemModel, status_of

# Re-exported from uploads, where they moved, for code that imports them from here.
from redline.server.uploads import MAP_PATTERN as MAP_PATTERN
from redline.server.uploads import MAP_PROPERTY as MAP_PROPERTY
from redline.server.uploads import MAX_FIELD_BYTES as MAX_FIELD_BYTES
from redline.server.uploads import MAX_PARTS as MAX_PARTS
from redline.server.uploads import MULTIPART_OVERHEAD as MULTIPART_OVERHEAD
from redline.server.uploads import SCHEMA_PROPERTY as SCHEMA_PROPERTY
from redline.server.uploads import FormModel as FormModel
from redline.server.uploads import ImportForm as ImportForm
from redline.server.uploads import MapItem as MapItem
from redline.server.uploads import PartySchema as PartySchema
from redline.server.uploads import ScreeningOptions as ScreeningOptions
from redline.server.uploads import Upload as Upload
from redline.server.uploads import UploadedFile as UploadedFile
from redline.server.uploads import customer_file_suffix as customer_file_suffix
from redline.server.uploads import file_property as file_property
from redline.server.uploads import multipart_body as multipart_body
from redline.server.uploads import read_form as read_form
from redline.server.uploads import read_options as read_options
from redline.server.uploads import receive_upload as receive_upload
from redline.server.uploads import safe_filename as safe_filename
from redline.server.uploads import the_file as the_file
from redline.server.uploads import upload_too_large as upload_too_large
from redline.server.uploads import validation_problem as validation_problem
from redline.settings import Settings
from redline.store import Store
from redline.store import audit as audit_log
from redline.store.snapshots import now_iso

try:  # POSIX; on Windows every process runs its own queue (see FileLock)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("redline.server")

JobStatus = Literal["queued", "running", "done", "failed"]
ResultFormat = Literal["csv", "jsonl", "xlsx"]

#: Job ids: creation time in milliseconds (hex, so they sort by age) and 32 random bits.
JOB_ID_PATTERN = r"^[0-9a-f]{20}$"
_JOB_ID = re.compile(JOB_ID_PATTERN)
#: Seconds between looks at the queue when nothing woke the runner (jobs submitted
#: through another server process are found this way).
POLL_SECONDS = 1.0
#: At most this often is job.json rewritten while rows are being screened.
SAVE_SECONDS = 0.5
#: A file this small is screened in the runner's own process: starting worker
#: processes, each loading the name index, would take longer than the screening.
SMALL_UPLOAD_BYTES = 256 * 1024
#: A job whose server died this many times while running it is failed.
MAX_CRASHES = 3
INTERRUPTED = "interrupted"
#: Age after which the folder of an upload that never completed is removed.
ORPHAN_SECONDS = 24 * 3600

#: Largest id a route accepts: the largest integer a JSON number holds exactly everywhere.
MAX_ID = 2**53 - 1

MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "model": ProblemModel,
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemModel"}}},
    }


#: Problem responses some workflow routes give on top of PROBLEM_RESPONSES.
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: _problem(
        "Not possible in the resource's present state: a screening not done yet, an alert "
        "superseded, a list that shrank too much, nothing to re-screen."
    )
}
UPLOAD_PROBLEMS: dict[int | str, dict[str, Any]] = {
    415: _problem("The body is not multipart/form-data."),
}


# ---------------------------------------------------------------------------------------
# Jobs on disk


class JobRecord(BaseModel):
    """A screening job as ``job.json`` holds it."""

    id: str = Field(description="The job's id.", examples=["0193a4f1c2de8b41f0a7"])
    status: JobStatus = Field(description="queued, running, done or failed.")
    filename: str = Field(description="The uploaded file's name.", examples=["customers.csv"])
    size: int = Field(description="Bytes uploaded.", examples=[48213])
    sha256: str = Field(description="SHA-256 of the uploaded bytes.")
    suffix: str = Field(description="How the file is read, by extension.", examples=[".csv"])
    created_at: str = Field(examples=["2025-01-31T09:12:00Z"])
    created_by: str = Field(description="The name of the API key that uploaded it.")
    started_at: str | None = None
    finished_at: str | None = None
    attempts: int = Field(default=0, description="Runs started (more than 1 after a restart).")
    crashes: int = Field(default=0, description="Runs cut off by a server that died.")
    stage: str | None = Field(default=None, description="What the job is doing now.")
    rows_done: int = Field(default=0, description="Rows finished so far.")
    rows_total: int | None = Field(default=None, description="Rows in the file, once read.")
    hits: int | None = Field(default=None, description="Hits found so far.")
    error: str | None = Field(default=None, description="Why the job failed.")
    options: ScreeningOptions
    summary: dict[str, Any] | None = Field(
        default=None, description="The run summary, once done (as `redline screen --json`)."
    )


class JobStore:
    """The job directories under ``REDLINE_HOME/screenings``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def new_id() -> str:
        return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(4)}"

    def directory(self, job_id: str) -> Path:
        if not _JOB_ID.match(job_id):
            raise NotFoundError(f"no screening {job_id!r}")
        return self.root / job_id

    def input_path(self, job: JobRecord) -> Path:
        return self.directory(job.id) / f"input{job.suffix}"

    def output_path(self, job: JobRecord) -> Path:
        return self.directory(job.id) / "results.jsonl"

    def report_path(self, job: JobRecord) -> Path:
        return self.directory(job.id) / "report.html"

    def save(self, job: JobRecord) -> None:
        """Replace job.json atomically: a reader sees the old state or the new one."""
        folder = self.directory(job.id)
        tmp = folder / f".job.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(job.model_dump_json(by_alias=True, indent=1), encoding="utf-8")
        os.replace(tmp, folder / "job.json")

    def load(self, job_id: str) -> JobRecord:
        path = self.directory(job_id) / "job.json"
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise NotFoundError(f"no screening {job_id!r}") from None
        return JobRecord.model_validate_json(text)

    def ids(self) -> list[str]:
        """Every job id, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if _JOB_ID.match(p.name) and p.is_dir())

    def all(self) -> list[JobRecord]:
        """Every job, newest first (directories without a readable job.json, e.g. an
        upload still arriving, are left out)."""
        jobs: list[JobRecord] = []
        for job_id in reversed(self.ids()):
            try:
                jobs.append(self.load(job_id))
            except (NotFoundError, ValueError):
                continue
        return jobs

    def discard(self, job_id: str) -> None:
        shutil.rmtree(self.directory(job_id), ignore_errors=True)

    def public(self, job: JobRecord, text: str) -> str:
        """A message or path with the server's directories taken out: the client knows
        its file by the name it uploaded, not by where the server keeps it."""
        folder = self.directory(job.id)
        text = text.replace(str(self.input_path(job)), job.filename)
        text = text.replace(str(self.output_path(job)), "results")
        return text.replace(f"{folder}{os.sep}", "").replace(str(folder), "")

    def results(self, job: JobRecord, fmt: str) -> Path:
        """The results of a finished job in ``fmt``, made from results.jsonl (once)."""
        if fmt not in MEDIA_TYPES:
            raise ConfigError(f"unknown results format {fmt!r}; use csv, jsonl or xlsx")
        source = self.output_path(job)
        if fmt == "jsonl":
            return source
        target = source.with_suffix(f".{fmt}")
        with _CONVERTING:
            if not target.exists():
                id_header = (job.summary or {}).get("input", {}).get("id_column")
                writers.write_results(target, _hits(source, id_header), id_header, job.summary, fmt)
        return target


_CONVERTING = threading.Lock()


def _hits(path: Path, id_header: str | None) -> Iterator[dict[str, Any]]:
    """The hits of a results.jsonl, in the form :func:`writers.write_results` takes, so
    that the CSV and XLSX made from it are those ``redline screen`` would write."""
    id_column = writers.header(id_header)[0]
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            yield {
                **{key: record[key] for key in ("row", *writers.HIT_COLUMNS)},
                "id": record[id_column] if id_header is not None else None,
                "programs": record["programs"],
                "explanations": record["explanations"],
            }


# ---------------------------------------------------------------------------------------
# The runner


class JobInterrupted(Exception):
    """Raised from screen_file's callbacks when the server stops: the job stays
    "running" on disk, with its checkpoint, for the next runner to resume."""


class FileLock:
    """An exclusive, non-blocking lock on a file, across processes (``flock``). The job
    runner holds ``screenings/.runner.lock`` so that one process of a home runs the
    jobs; the OS drops it when that process dies, so another can take over."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None


class _Tracker:
    """screen_file's progress and log callbacks: they keep job.json current and stop
    the run when the server is shutting down."""

    def __init__(self, runner: JobRunner, job: JobRecord, part: Path) -> None:
        self.runner = runner
        self.job = job
        self.part = part
        self.saved = 0.0
        self._offset = 0
        self._hits = 0

    def _count_hits(self) -> int:
        """Hits in the checkpoint so far, reading only what was appended since the last
        look (a resumed run cuts the file back first: then count again)."""
        try:
            size = self.part.stat().st_size
        except FileNotFoundError:
            return self._hits
        if size < self._offset:
            self._offset, self._hits = 0, 0
        with self.part.open("rb") as fh:
            fh.seek(self._offset)
            data = fh.read(size - self._offset)
        complete = data[: data.rfind(b"\n") + 1]
        self._offset += len(complete)
        self._hits += sum(
            1 for line in complete.splitlines() if line and not line.startswith(b'{"through"')
        )
        return self._hits

    def progress(self, done: int, total: int) -> None:
        if self.runner.stopping:
            raise JobInterrupted
        self.job.rows_done, self.job.rows_total = done, total
        now = time.monotonic()
        if now - self.saved >= SAVE_SECONDS or done == total:
            self.job.hits = self._count_hits()
            self.runner.jobs.save(self.job)
            self.saved = now

    def log(self, message: str) -> None:
        if self.runner.stopping:
            raise JobInterrupted
        self.job.stage = self.runner.jobs.public(self.job, message)
        self.runner.jobs.save(self.job)


class JobRunner:
    """Runs queued screening jobs one at a time in a background thread.

    It begins with any job a previous server left "running" (resuming it), then takes
    queued jobs oldest first. A route that queues a job writes it to disk and calls
    :meth:`wake`; a job queued through another server process is found by polling.
    """

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.jobs = JobStore(settings.home / "screenings")
        self._lock = FileLock(self.jobs.root / ".runner.lock")
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._finished: set[str] = set()
        self.current: str | None = None

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="screening-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Stop after the chunk being screened; the job resumes at the next start."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the screening job runner did not stop within %.0f s", timeout)
        self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        swept = False
        try:
            while not self._stop.is_set():
                if not self._lock.acquire():
                    # Another process of this home runs the jobs; take over if it dies.
                    self._wake.wait(POLL_SECONDS * 5)
                    self._wake.clear()
                    continue
                if not swept:
                    self._sweep()
                    swept = True
                self._wake.clear()
                job = self._next()
                if job is None:
                    self._wake.wait(POLL_SECONDS)
                    continue
                self._run(job)
        except Exception:
            log.exception("the screening job runner stopped on an unexpected error")
        finally:
            self._lock.release()

    def _sweep(self) -> None:
        """Remove what uploads cut off by a dying process left behind: job directories
        that never got a job.json, and request folders under ``uploads``, once they are
        a day old (an upload in progress elsewhere is younger than that)."""
        cutoff = time.time() - ORPHAN_SECONDS
        for parent in (self.jobs.root, self.settings.home / "uploads"):
            if not parent.is_dir():
                continue
            for child in parent.iterdir():
                if child.name.startswith(".") or not child.is_dir():
                    continue
                if parent == self.jobs.root and (child / "job.json").exists():
                    continue
                try:
                    if child.stat().st_mtime < cutoff:
                        shutil.rmtree(child, ignore_errors=True)
                except FileNotFoundError:
                    continue

    def _next(self) -> JobRecord | None:
        """The job to run now: one left running by a stopped server first, then the
        oldest queued one."""
        queued: JobRecord | None = None
        for job_id in self.jobs.ids():
            if job_id in self._finished:
                continue
            try:
                job = self.jobs.load(job_id)
            except (NotFoundError, ValueError):
                continue  # an upload still arriving has no job.json yet
            if job.status == "running":
                return job
            if job.status == "queued" and queued is None:
                queued = job
            elif job.status in ("done", "failed"):
                self._finished.add(job_id)
        return queued

    def _run(self, job: JobRecord) -> None:
        resuming = job.status == "running"
        if resuming and not (job.stage or "").startswith(INTERRUPTED):
            job.crashes += 1  # the server died mid-run, rather than stopping cleanly
            if job.crashes >= MAX_CRASHES:  # out of memory each time? do not loop forever
                self._finish(
                    job,
                    error=f"the server died {job.crashes} times while screening this file; "
                    "upload it again in parts, or screen it with 'redline screen'",
                )
                return
        job.status = "running"
        job.started_at = job.started_at or now_iso()
        job.attempts += 1
        job.stage = "resuming after a restart" if resuming else "starting"
        job.error = None
        self.jobs.save(job)
        self.current = job.id
        tracker = _Tracker(self, job, work_paths(self.jobs.output_path(job))[0])
        try:
            summary = self._screen(job, tracker)
        except JobInterrupted:
            job.stage = f"{INTERRUPTED} by a server stop; resumes when the server starts again"
            self.jobs.save(job)
            return
        except RedlineError as exc:
            self._finish(job, error=self.jobs.public(job, str(exc)))
        except Exception:
            log.exception("screening job %s failed", job.id)
            self._finish(
                job, error="the screening failed on an unexpected error; see the server log"
            )
        else:
            self._finish(job, summary=summary)
        finally:
            self.current = None

    def _screen(self, job: JobRecord, tracker: _Tracker) -> ScreenSummary:
        output = self.jobs.output_path(job)
        part, state = work_paths(output)
        workers = 1 if job.size <= SMALL_UPLOAD_BYTES else None
        params = job.options.params(workers=workers)

        def run() -> ScreenSummary:
            return screen_file(
                self.store,
                self.settings,
                self.jobs.input_path(job),
                output,
                params,
                report=self.jobs.report_path(job),
                resume=True,
                progress=tracker.progress,
                log=tracker.log,
            )

        try:
            return run()
        except ConfigError as exc:
            # A job interrupted before a list update cannot continue against other
            # lists; its results must come from one set of lists, so it starts over.
            if not str(exc).startswith("cannot resume"):
                raise
            part.unlink(missing_ok=True)
            state.unlink(missing_ok=True)
            log.info("screening job %s starts over: %s", job.id, exc)
            return run()

    def _finish(
        self, job: JobRecord, *, summary: ScreenSummary | None = None, error: str | None = None
    ) -> None:
        job.finished_at = now_iso()
        if summary is not None:
            data = summary.to_dict()
            data["input"]["path"] = job.filename
            data["output"] = "results"
            data["report"] = "report.html"
            job.summary = data
            job.status = "done"
            job.stage = None
            job.hits = summary.hits
            job.rows_done = job.rows_total = summary.counts["rows"]
        else:
            job.status = "failed"
            job.error = error
            job.stage = None
            for leftover in work_paths(self.jobs.output_path(job)):
                leftover.unlink(missing_ok=True)
        self.jobs.save(job)
        self._finished.add(job.id)
        entry: dict[str, Any] = {
            "job": job.id,
            "status": job.status,
            "user": job.created_by,
            "file": job.filename,
            "sha256": job.sha256,
        }
        if summary is not None:
            entry["counts"] = summary.counts
            entry["snapshots"] = [
                {"source": s["source"], "snapshot": s["snapshot_id"], "hash": s["content_hash"]}
                for s in summary.snapshots
            ]
            entry["results_sha256"] = _sha256(self.jobs.output_path(job))
        else:
            entry["error"] = error
        try:
            record(self.store, "screening.finished", entry)
        except Exception:
            log.exception("could not record the end of screening job %s", job.id)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_submission(store: Store, job: JobRecord, key_id: int) -> None:
    """Log who uploaded which file for screening, with which options, before it runs."""
    record(
        store,
        "screening.submitted",
        {
            "job": job.id,
            "user": job.created_by,
            "key": key_id,
            "file": job.filename,
            "size": job.size,
            "sha256": job.sha256,
            "options": job.options.model_dump(by_alias=True),
        },
    )


# ---------------------------------------------------------------------------------------
# Helpers for the routes that use an upload at once (portfolio import, list loads)


@contextmanager
def upload_folder(settings: Settings) -> Iterator[Path]:
    """A private directory under ``REDLINE_HOME/uploads`` for one request's files,
    removed afterwards: what they held is in the store by then, or was refused."""
    folder = settings.home / "uploads" / secrets.token_hex(8)
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def keep_as(uploaded: UploadedFile, folder: Path, taken: set[str] | None = None) -> Path:
    """Give an uploaded file its own (safe) name in ``folder``, so that readers that
    go by extension, and messages that name the file, see the name the client sent."""
    name = uploaded.filename
    if taken is not None:
        stem, suffix = os.path.splitext(name)
        n = 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}{suffix}"
        taken.add(name)
    target = folder / name
    os.replace(uploaded.path, target)
    return target


def public_problem(exc: RedlineError, folder: Path, status: int | None = None) -> Problem:
    """A library error as a problem, with the server's upload directory taken out of
    the message (the client knows its files by their names)."""
    text = str(exc).replace(f"{folder}{os.sep}", "").replace(str(folder), "")
    return Problem(status if status is not None else status_of(exc), text)


def record(store: Store, kind: str, payload: dict[str, Any]) -> None:
    """Append one audit record, in its own transaction."""
    with store.transaction() as conn:
        audit_log.append(conn, kind, payload)
