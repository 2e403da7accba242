"""``/v1/screenings``: upload a customer file, follow the job, download what
``redline screen`` would have written; bad files, limits, roles, and a job resumed by
the next server after a stop."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from redline.cli import app as cli_app
from redline.screening.batch import screen_file, work_paths
from redline.screening.readers import FORMATS
from redline.server import create_app
from redline.server.jobs import JobRecord, JobStore
from redline.server.problems import Problem
from redline.server.uploads import (
    ScreeningOptions,
    customer_file_suffix,
    read_options,
    safe_filename,
)
from redline.settings import Settings
from redline.store import open_store
from redline.store.audit import iter_records
from tests.server.conftest import (
    LiveServer,
    make_keys,
    settings_for,
    start_server,
    stop_server,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "screening"
COUNTERPARTIES = FIXTURES / "counterparties.csv"


def wait_for(client: httpx.Client, job_id: str, timeout: float = 120.0) -> dict[str, Any]:
    """Poll a job until it is done or failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/v1/screenings/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def upload(
    client: httpx.Client, path: Path, name: str | None = None, **form: Any
) -> httpx.Response:
    files = {"file": (name or path.name, path.read_bytes(), "application/octet-stream")}
    return client.post("/v1/screenings", files=files, data=form)


def cli_screen(home: Path, source: Path, output: Path) -> None:
    """What ``redline screen`` writes for the same file and home."""
    result = CliRunner().invoke(
        cli_app, ["--home", str(home), "screen", str(source), "-o", str(output), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output


def many(tmp_path: Path, copies: int) -> Path:
    """The counterparties several times over, each copy with ids of its own."""
    with COUNTERPARTIES.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for n in range(copies):
            writer.writerows([f"{r[0]}-{n}", *r[1:]] for r in rows)
    return path


# -- the happy path ----------------------------------------------------------------------


def test_upload_poll_download_equals_the_cli(live_server: LiveServer, tmp_path: Path) -> None:
    with live_server.client("analyst") as client:
        response = upload(client, COUNTERPARTIES)
        assert response.status_code == 202, response.text
        job = response.json()
        assert job["status"] in ("queued", "running", "done")
        assert response.headers["location"] == f"/v1/screenings/{job['id']}"
        assert job["created_by"] == "analyst" and job["filename"] == "counterparties.csv"
        done = wait_for(client, job["id"])
        assert done["status"] == "done", done
        assert done["rows_done"] == done["rows_total"] == 30
        summary = done["summary"]
        assert summary["counts"]["skipped"] == 1 and summary["counts"]["hits"] == done["hits"]
        assert done["hits"] > 0
        # The summary names the file as uploaded, not where the server keeps it.
        assert summary["input"]["path"] == "counterparties.csv"
        assert str(live_server.settings.home) not in json.dumps(done)

        results = {
            fmt: client.get(f"/v1/screenings/{job['id']}/results", params={"format": fmt})
            for fmt in ("csv", "jsonl", "xlsx")
        }
        report = client.get(f"/v1/screenings/{job['id']}/report")

    expected_csv, expected_jsonl = tmp_path / "hits.csv", tmp_path / "hits.jsonl"
    expected_xlsx = tmp_path / "hits.xlsx"
    for target in (expected_csv, expected_jsonl, expected_xlsx):
        cli_screen(live_server.settings.home, COUNTERPARTIES, target)

    assert results["csv"].status_code == 200
    assert results["csv"].headers["content-type"].startswith("text/csv")
    assert "counterparties-results.csv" in results["csv"].headers["content-disposition"]
    assert results["csv"].content == expected_csv.read_bytes()
    assert results["jsonl"].headers["content-type"] == "application/x-ndjson"
    assert results["jsonl"].content == expected_jsonl.read_bytes()

    def sheet(data: bytes) -> list[tuple[object, ...]]:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return list(book["hits"].iter_rows(values_only=True))

    assert results["xlsx"].status_code == 200
    assert sheet(results["xlsx"].content) == sheet(expected_xlsx.read_bytes())

    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in report.headers["content-security-policy"]
    assert "Quds Aviation" in report.text or "QODS AVIATION" in report.text.upper()


def test_options_as_form_fields_and_query(live_server: LiveServer) -> None:
    with live_server.client("analyst") as client:
        response = client.post(
            "/v1/screenings",
            params={"threshold": "0.95", "sources": "us-ofac-sdn"},
            files={"file": ("c.csv", COUNTERPARTIES.read_bytes())},
            data={"limit": "1", "map": ["name=full_name"]},
        )
        assert response.status_code == 202, response.text
        options = response.json()["options"]
        assert options == {
            "threshold": 0.95,
            "limit": 1,
            "schema": None,
            "sources": ["us-ofac-sdn"],
            "map": ["name=full_name"],
        }
        done = wait_for(client, response.json()["id"])
    assert done["status"] == "done"
    assert done["summary"]["parameters"]["threshold_in_force"] == 0.95
    assert done["summary"]["parameters"]["limit"] == 1


def test_a_file_without_a_name_or_extension_is_read_by_its_content(
    live_server: LiveServer,
) -> None:
    with live_server.client("analyst") as client:
        response = upload(client, COUNTERPARTIES, name="export")
        assert response.status_code == 202, response.text
        assert response.json()["suffix"] == ".csv"
        assert wait_for(client, response.json()["id"])["status"] == "done"


def test_listing_and_audit_records(live_server: LiveServer) -> None:
    with live_server.client("analyst") as client:
        first = upload(client, COUNTERPARTIES).json()
        wait_for(client, first["id"])
    with live_server.client("viewer") as client:
        listed = client.get("/v1/screenings").json()
        assert listed["total"] == 1 and listed["items"][0]["id"] == first["id"]
        assert client.get("/v1/screenings", params={"status": "failed"}).json()["total"] == 0
    store = open_store(live_server.settings)
    try:
        records = [r for r in iter_records(store) if r.kind.startswith("screening.")]
    finally:
        store.close()
    assert [r.kind for r in records] == ["screening.submitted", "screening.finished"]
    submitted, finished = (r.payload for r in records)
    assert submitted["user"] == "analyst" and submitted["file"] == "counterparties.csv"
    assert finished["status"] == "done" and finished["counts"]["rows"] == 30
    assert len(finished["results_sha256"]) == 64
    assert finished["snapshots"][0]["source"] == "us-ofac-sdn"


def test_deleting_a_finished_screening_removes_its_files(live_server: LiveServer) -> None:
    with live_server.client("analyst") as client:
        job_id = upload(client, COUNTERPARTIES).json()["id"]
        wait_for(client, job_id)
    folder = live_server.settings.home / "screenings" / job_id
    assert (folder / "input.csv").exists()
    jobs = JobStore(live_server.settings.home / "screenings")
    finished = jobs.load(job_id)
    jobs.save(finished.model_copy(update={"status": "running"}))
    with live_server.client("viewer") as client:
        assert client.delete(f"/v1/screenings/{job_id}").status_code == 403
    with live_server.client("analyst") as client:
        busy = client.delete(f"/v1/screenings/{job_id}")
        assert busy.status_code == 409 and "running" in busy.json()["detail"]
        jobs.save(finished)
        assert client.delete(f"/v1/screenings/{job_id}").status_code == 204
        assert not folder.exists()
        assert client.get(f"/v1/screenings/{job_id}").status_code == 404
        assert client.delete(f"/v1/screenings/{job_id}").status_code == 404
    store = open_store(live_server.settings)
    try:
        deleted = [r.payload for r in iter_records(store) if r.kind == "screening.deleted"]
    finally:
        store.close()
    assert deleted == [
        {"job": job_id, "user": "analyst", "file": "counterparties.csv", "sha256": finished.sha256}
    ]


# -- bad files and bad requests -----------------------------------------------------------


def test_a_wrong_encoding_fails_the_job_with_the_reason(
    live_server: LiveServer, tmp_path: Path
) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,name\n1,José Müller\n".encode("latin-1"))
    with live_server.client("analyst") as client:
        job = upload(client, latin).json()
        failed = wait_for(client, job["id"])
        assert failed["status"] == "failed"
        assert failed["error"].startswith("latin.csv (line 2): not valid UTF-8")
        assert str(live_server.settings.home) not in failed["error"]
        for path in ("results", "report"):
            response = client.get(f"/v1/screenings/{job['id']}/{path}")
            assert response.status_code == 409
            assert response.headers["content-type"] == "application/problem+json"
            assert "not valid UTF-8" in response.json()["detail"]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"ref,colour\n1,blue\n", "odd.csv: no name column"),
        (b"", "odd.csv: the file is empty"),
    ],
)
def test_a_file_redline_cannot_read_fails_the_job(
    live_server: LiveServer, tmp_path: Path, content: bytes, error: str
) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_bytes(content)
    with live_server.client("analyst") as client:
        failed = wait_for(client, upload(client, odd).json()["id"])
    assert failed["status"] == "failed" and failed["error"].startswith(error)


_CSV = {"file": ("x.csv", b"id,name\n")}


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"content": b"id,name\n1,x\n", "headers": {"content-type": "text/csv"}}, 415, "multipart"),
        ({"data": {"threshold": "0.5"}, "files": {"other": ("x.csv", b"a")}}, 422, "file"),
        ({"files": _CSV, "data": {"threshold": "2"}}, 422, "threshold"),
        ({"files": _CSV, "data": {"schema": "Cat"}}, 422, "schema"),
        ({"files": _CSV, "data": {"map": "colour=x"}}, 422, "map"),
        ({"files": _CSV, "data": {"sources": "un-sc"}}, 404, "un-sc"),
        ({"files": {"file": ("old.xls", b"\xd0\xcf\x11\xe0")}}, 400, ".xls"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_kept(
    live_server: LiveServer, kwargs: dict[str, Any], status: int, words: str
) -> None:
    with live_server.client("analyst") as client:
        response = client.post("/v1/screenings", **kwargs)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert words in response.json()["detail"]
        assert client.get("/v1/screenings").json()["total"] == 0
        assert client.get("/healthz").status_code == 200
    folder = live_server.settings.home / "screenings"
    assert not [p for p in folder.iterdir() if not p.name.startswith(".")]


def test_an_upload_over_the_limit_gets_413(server_home: Path) -> None:
    settings = settings_for(server_home, api_max_upload_bytes=1000)
    keys = make_keys(settings)
    url, running = start_server(create_app(settings))
    try:
        with httpx.Client(base_url=url, headers={"X-API-Key": keys["analyst"]}) as client:
            big = b"id,name\n" + b"1,Some Name\n" * 200
            response = client.post("/v1/screenings", files={"file": ("big.csv", big)})
            assert response.status_code == 413
            assert response.headers["content-type"] == "application/problem+json"
            small = client.post("/v1/screenings", files={"file": ("s.csv", b"id,name\n1,A\n")})
            assert small.status_code == 202
    finally:
        stop_server(running)
    assert [
        p.name for p in (server_home / "screenings").iterdir() if not p.name.startswith(".")
    ] == [small.json()["id"]]


def test_roles(live_server: LiveServer) -> None:
    with live_server.client("viewer") as client:
        refused = upload(client, COUNTERPARTIES)
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        assert client.get("/v1/screenings").status_code == 200
    with live_server.client(None) as client:
        assert upload(client, COUNTERPARTIES).status_code == 401
        assert client.get("/v1/screenings").status_code == 401
    with live_server.client("viewer") as client:
        assert client.get("/v1/screenings/0123456789abcdef0123").status_code == 404
        assert client.get("/v1/screenings/../../etc").status_code in (404, 422)
        assert client.get("/v1/screenings/zz").status_code == 422


# -- stopping and resuming ---------------------------------------------------------------


def _interrupted_job(settings: Settings, source: Path, stop_after: int) -> JobRecord:
    """A job as a server stopped mid-run leaves it: job.json "running", the upload, and
    screen_file's checkpoint holding the first rows."""
    jobs = JobStore(settings.home / "screenings")
    job_id = jobs.new_id()
    jobs.directory(job_id).mkdir(parents=True)
    job = JobRecord(
        id=job_id,
        status="running",
        filename=source.name,
        size=source.stat().st_size,
        sha256="0" * 64,
        suffix=".csv",
        created_at="2025-01-01T00:00:00Z",
        created_by="analyst",
        started_at="2025-01-01T00:00:01Z",
        attempts=1,
        options=ScreeningOptions(),
    )
    jobs.input_path(job).write_bytes(source.read_bytes())
    store = open_store(settings)
    try:
        with pytest.raises(KeyboardInterrupt):
            screen_file(
                store,
                settings,
                jobs.input_path(job),
                jobs.output_path(job),
                job.options.params(workers=1),
                report=jobs.report_path(job),
                resume=True,
                _stop_after=stop_after,
            )
    finally:
        store.close()
    job.rows_done = stop_after
    jobs.save(job)
    part, state = work_paths(jobs.output_path(job))
    assert part.stat().st_size > 0 and state.exists()
    return job


def test_a_restarted_server_resumes_an_unfinished_job(
    server_settings: Settings, api_keys: dict[str, str], tmp_path: Path
) -> None:
    source = many(tmp_path, copies=3)  # 90 rows, screened in chunks of 11
    job = _interrupted_job(server_settings, source, stop_after=20)
    url, running = start_server(create_app(server_settings))
    try:
        with httpx.Client(base_url=url, headers={"X-API-Key": api_keys["viewer"]}) as client:
            done = wait_for(client, job.id)
            csv_body = client.get(f"/v1/screenings/{job.id}/results").content
    finally:
        stop_server(running)
    assert done["status"] == "done", done
    assert done["attempts"] == 2 and done["crashes"] == 1  # no clean stop was recorded
    assert done["summary"]["resumed_from_row"] >= 20
    assert done["rows_done"] == 90
    expected = tmp_path / "expected.csv"
    cli_screen(server_settings.home, source, expected)
    assert csv_body == expected.read_bytes()


def test_stopping_the_server_leaves_a_running_job_to_resume(
    server_settings: Settings, api_keys: dict[str, str], tmp_path: Path
) -> None:
    source = many(tmp_path, copies=20)  # 600 rows: still running when the stop comes
    app = create_app(server_settings)
    url, running = start_server(app)
    try:
        with httpx.Client(base_url=url, headers={"X-API-Key": api_keys["analyst"]}) as client:
            job = upload(client, source).json()
            deadline = time.monotonic() + 60
            while client.get(f"/v1/screenings/{job['id']}").json()["rows_done"] == 0:
                assert time.monotonic() < deadline
                time.sleep(0.02)
    finally:
        stop_server(running)
    stopped = JobStore(server_settings.home / "screenings").load(job["id"])
    if stopped.status == "done":  # a fast machine finished first: nothing to resume
        return
    assert stopped.status == "running" and stopped.rows_done < 600
    assert "interrupted" in (stopped.stage or "")

    url, running = start_server(create_app(server_settings))
    try:
        with httpx.Client(base_url=url, headers={"X-API-Key": api_keys["viewer"]}) as client:
            done = wait_for(client, job["id"])
    finally:
        stop_server(running)
    assert done["status"] == "done" and done["rows_done"] == 600
    assert done["attempts"] == 2 and done["crashes"] == 0
    assert done["summary"]["resumed_from_row"] > 0


def test_a_job_that_keeps_killing_its_server_is_failed(
    server_settings: Settings, api_keys: dict[str, str], tmp_path: Path
) -> None:
    job = _interrupted_job(server_settings, many(tmp_path, copies=3), stop_after=20)
    job.crashes, job.stage = 2, "screening with 2 worker processes"
    JobStore(server_settings.home / "screenings").save(job)
    url, running = start_server(create_app(server_settings))
    try:
        with httpx.Client(base_url=url, headers={"X-API-Key": api_keys["viewer"]}) as client:
            failed = wait_for(client, job.id)
    finally:
        stop_server(running)
    assert failed["status"] == "failed" and failed["crashes"] == 3
    assert "died 3 times" in failed["error"]


# -- parsing, by property ----------------------------------------------------------------


@given(st.text(max_size=300))
def test_safe_filenames_stay_in_their_directory(name: str) -> None:
    cleaned = safe_filename(name)
    assert cleaned and "/" not in cleaned and "\\" not in cleaned
    assert not cleaned.startswith(".") and len(cleaned) <= 120
    assert (Path("/jobs") / cleaned).parent == Path("/jobs")


@given(st.text(max_size=40), st.binary(max_size=64))
def test_every_upload_gets_a_readable_extension(name: str, head: bytes) -> None:
    try:
        suffix = customer_file_suffix(safe_filename(name), head)
    except Problem as exc:
        assert exc.status == 400 and ".xls" in exc.detail
        return
    assert suffix in FORMATS


_FIELD_VALUES = st.lists(st.text(max_size=30), max_size=3)


@given(
    st.dictionaries(
        st.sampled_from(["threshold", "limit", "schema", "sources", "map", "other"]),
        _FIELD_VALUES,
    )
)
def test_options_parse_or_give_a_422(form: dict[str, list[str]]) -> None:
    try:
        options = read_options({}, form)
    except Problem as exc:
        assert exc.status == 422 and exc.errors
        return
    assert options.threshold is None or 0.0 <= options.threshold <= 1.0
    assert 1 <= options.limit <= 100
    options.params()  # the library accepts whatever the model let through
