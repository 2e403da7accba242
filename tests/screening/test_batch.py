"""``redline screen`` end to end against the bundled OFAC sample: results, report, exit
codes, workers, and resuming after an interrupted or killed run."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from redline.cli import app
from redline.errors import ConfigError
from redline.screening import batch
from redline.screening.batch import ScreenParams, screen_file, work_paths
from redline.screening.readers import Row
from redline.settings import Settings
from redline.store import open_store
from tests.screening.screen_util import COUNTERPARTIES, sample_home, write_csv

__all__ = ["sample_home"]  # the fixture, imported for pytest to find


def screen(home: Path, *args: str) -> Any:
    result = CliRunner().invoke(app, ["--home", str(home), "screen", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def many(tmp_path: Path, copies: int = 4) -> Path:
    """The counterparties several times over, each copy with ids of its own."""
    with COUNTERPARTIES.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    out = [header]
    for n in range(copies):
        out += [[f"{r[0]}-{n}", *r[1:]] for r in rows]
    return write_csv(tmp_path / "many.csv", out)


def hits_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_screen_counterparties(sample_home: Path, tmp_path: Path) -> None:
    out, report = tmp_path / "hits.csv", tmp_path / "report.html"
    result = screen(
        sample_home, str(COUNTERPARTIES), "-o", str(out), "--report", str(report), "--json",
        "--workers", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["counts"] == {
        "rows": 30,
        "screened": 29,
        "skipped": 1,
        "with_hits": summary["counts"]["with_hits"],
        "hits": summary["counts"]["hits"],
    }
    assert summary["skipped"] == [{"row": 28, "id": "CP-028", "reason": "no name"}]
    (snapshot,) = summary["snapshots"]
    assert snapshot["source"] == "us-ofac-sdn" and snapshot["sample"] is True
    assert len(snapshot["content_hash"]) == 64 and snapshot["snapshot_id"] >= 1
    assert summary["parameters"]["threshold_in_force"] == 0.8
    assert summary["parameters"]["algorithm"] == "redline-v1"
    assert summary["input"]["sha256"] and summary["input"]["id_column"] == "customer_id"

    rows = hits_of(out)
    assert list(rows[0])[:3] == ["customer_id", "row", "query_name"]
    best = {r["customer_id"]: r for r in reversed(rows)}
    assert best["CP-001"]["entity_id"] == "ofac-16418"  # Quds Aviation Industries
    assert best["CP-002"]["entity_id"] == "ofac-40416"  # Ghassem Damavandian
    assert best["CP-013"]["entity_id"] == "ofac-40416"  # the same, in Persian script
    assert best["CP-003"]["entity_id"] == "ofac-33596"  # Abdollah Merhabi → MEHRABI
    assert "birth_date +0.05" in best["CP-003"]["explanation"]
    for clean in ("CP-004", "CP-005", "CP-007", "CP-010", "CP-016", "CP-022"):
        assert clean not in best
    assert summary["counts"]["with_hits"] == len(best)
    assert summary["counts"]["hits"] == len(rows)
    assert "NPWMD" in summary["by_program"] and summary["by_source"] == {"us-ofac-sdn": len(rows)}

    html = report.read_text(encoding="utf-8")
    assert "QODS AVIATION INDUSTRIES" in html and "CP-028" in html
    assert snapshot["content_hash"] in html
    assert not any(p.name.endswith((".part", ".state.json")) for p in tmp_path.iterdir())


def test_fail_on_hit_exit_codes(sample_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "hits.csv"
    hit = screen(
        sample_home, str(COUNTERPARTIES), "-o", str(out), "--fail-on-hit", "--workers", "1"
    )
    assert hit.exit_code == 2
    assert "hits by list: us-ofac-sdn" in hit.stdout and "skipped: no name" in hit.stdout
    clean = write_csv(tmp_path / "clean.csv", [["name"], ["Harbour View Bakery"], ["Sofia Lind"]])
    none = screen(sample_home, str(clean), "-o", str(out), "--fail-on-hit", "--workers", "1")
    assert none.exit_code == 0
    assert hits_of(out) == [] and out.read_text().startswith("row,query_name")


def test_workers_give_the_same_results(sample_home: Path, tmp_path: Path) -> None:
    source = many(tmp_path)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert screen(sample_home, str(source), "-o", str(one), "--workers", "1").exit_code == 0
    result = screen(sample_home, str(source), "-o", str(two), "--workers", "2", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["parameters"]["workers"] == 2
    assert one.read_bytes() == two.read_bytes()
    assert len(hits_of(one)) > 40


def test_a_long_run_prepares_the_lists_first_with_the_same_results(
    sample_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    source = many(tmp_path)
    lazy, warm = tmp_path / "lazy.csv", tmp_path / "warm.csv"
    assert screen(sample_home, str(source), "-o", str(lazy), "--workers", "1").exit_code == 0
    from redline.matching.screener import Screener

    warmed: list[int] = []
    real_warm = Screener.warm
    monkeypatch.setattr(Screener, "warm", lambda self: warmed.append(self.size) or real_warm(self))
    monkeypatch.setattr(batch, "WARM_ROWS", 1)
    try:
        assert screen(sample_home, str(source), "-o", str(warm), "--workers", "1").exit_code == 0
    finally:
        gc.unfreeze()
    assert len(warmed) == 1 and warmed[0] > 0
    assert lazy.read_bytes() == warm.read_bytes()


def test_formats_map_and_formula_injection(sample_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.parquet"
    pq.write_table(
        pa.table(
            {
                "Kunde": ["K1", "K2", "K3"],
                "Bezeichnung": ["+Quds Aviation Industries", "=Kangbong Trading", "Nobody"],
            }
        ),
        source,
    )
    out = tmp_path / "hits.xlsx"
    args = [str(source), "-o", str(out), "--map", "name=Bezeichnung", "--map", "id=Kunde"]
    assert screen(sample_home, *args, "--workers", "1").exit_code == 0
    sheet = openpyxl.load_workbook(out)["hits"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Kunde", "row", "query_name")
    names = {r[0]: r[2] for r in rows[1:]}
    assert names["K1"] == "'+Quds Aviation Industries"
    assert names["K2"] == "'=Kangbong Trading"
    jsonl = tmp_path / "hits.jsonl"
    assert screen(sample_home, *args[:1], "-o", str(jsonl), *args[3:]).exit_code == 0
    first = json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])
    assert first["Kunde"] == "K1" and first["query_name"] == "+Quds Aviation Industries"


# ---------------------------------------------------------------------------------------
# Resume


def run_lib(home: Path, source: Path, out: Path, **kwargs: Any) -> batch.ScreenSummary:
    settings = Settings(home=home)
    store = open_store(settings)
    try:
        return screen_file(store, settings, source, out, ScreenParams(workers=1), **kwargs)
    finally:
        store.close()


def test_resume_screens_only_unfinished_rows(
    sample_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = many(tmp_path)
    fresh = tmp_path / "fresh.csv"
    run_lib(sample_home, source, fresh)
    out = tmp_path / "hits.csv"
    with pytest.raises(KeyboardInterrupt):
        run_lib(sample_home, source, out, _stop_after=40)
    part, state = work_paths(out)
    assert part.exists() and state.exists() and not out.exists()
    done = [json.loads(x) for x in part.read_text().splitlines() if '"through"' in x]
    through = done[-1]["through"]
    assert through >= 40

    screened: list[int] = []
    real = batch.screen_rows

    def recording(screener: Any, rows: list[Row], options: Any) -> Any:
        screened.extend(r.number for r in rows)
        return real(screener, rows, options)

    monkeypatch.setattr(batch, "screen_rows", recording)
    with pytest.raises(ConfigError, match="--resume"):
        run_lib(sample_home, source, out)
    summary = run_lib(sample_home, source, out, resume=True)
    assert summary.resumed_from_row == through
    assert screened and min(screened) == through + 1
    assert out.read_bytes() == fresh.read_bytes()
    assert not part.exists() and not state.exists()


def test_resume_drops_a_torn_chunk(sample_home: Path, tmp_path: Path) -> None:
    source = many(tmp_path, copies=2)
    fresh = tmp_path / "fresh.jsonl"
    run_lib(sample_home, source, fresh)
    out = tmp_path / "hits.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run_lib(sample_home, source, out, _stop_after=10)
    part, _ = work_paths(out)
    complete_hit = next(x for x in part.read_text().splitlines() if '"through"' not in x)
    with part.open("a", encoding="utf-8") as fh:  # a chunk cut off by the kill
        fh.write(complete_hit + "\n" + complete_hit[:25])
    run_lib(sample_home, source, out, resume=True)
    assert out.read_bytes() == fresh.read_bytes()


def test_resume_refuses_a_changed_input_or_parameters(sample_home: Path, tmp_path: Path) -> None:
    source = many(tmp_path, copies=2)
    out = tmp_path / "hits.csv"
    with pytest.raises(KeyboardInterrupt):
        run_lib(sample_home, source, out, _stop_after=10)
    with pytest.raises(ConfigError, match="the parameters differ"):
        screen(sample_home, str(source), "-o", str(out), "--resume", "--limit", "3")
    source.write_text(source.read_text() + "NEW-1,Someone New,person,,,,,\n")
    with pytest.raises(ConfigError, match="the input file changed"):
        run_lib(sample_home, source, out, resume=True)


def test_resume_without_a_checkpoint_starts_afresh(sample_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "hits.csv"
    summary = run_lib(sample_home, COUNTERPARTIES, out, resume=True)
    assert summary.resumed_from_row == 0 and summary.counts["rows"] == 30


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "REDLINE_HOME": str(home), "COLUMNS": "200"}


def test_a_killed_process_loses_no_finished_rows(sample_home: Path, tmp_path: Path) -> None:
    source = many(tmp_path, copies=6)  # 180 rows, screened in chunks of 22
    fresh = tmp_path / "fresh.csv"
    run_lib(sample_home, source, fresh)
    out = tmp_path / "hits.csv"
    part, state = work_paths(out)
    cmd = [sys.executable, "-m", "redline", "screen", str(source), "-o", str(out)]
    proc = subprocess.Popen(
        [*cmd, "--workers", "1"],
        env=_env(sample_home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if part.exists() and part.read_text(encoding="utf-8").count('"through"') >= 2:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the run ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert state.exists() and not out.exists()
    kept = part.read_text(encoding="utf-8").count('"through"')
    resumed = subprocess.run(
        [*cmd, "--resume", "--workers", "2", "--json"],
        env=_env(sample_home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["resumed_from_row"] > 0 and kept >= 2
    assert out.read_bytes() == fresh.read_bytes()


# ---------------------------------------------------------------------------------------
# Bad input and options, as a user meets them


def test_bad_input_is_one_clear_line(sample_home: Path, tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes("id,name\n1,Anna\n2,Fran\u00e7ois\n".encode("cp1252"))
    dupes = write_csv(tmp_path / "dupes.csv", [["id", "name"], ["A", "x"], ["A", "y"]])
    for path, message in ((legacy, "legacy.csv (line 3): not valid UTF-8"),
                          (dupes, "duplicate customer id 'A' on rows 1 and 2")):  # fmt: skip
        out = subprocess.run(
            [sys.executable, "-m", "redline", "screen", str(path), "-o", str(tmp_path / "o.csv")],
            env=_env(sample_home),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == 1
        assert message in out.stderr and "Traceback" not in out.stderr
        assert not (tmp_path / "o.csv").exists() and not (tmp_path / "o.csv.part").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "hits.txt"], "must end in"),
        (["-o", "hits.csv", "--source", "un-sc"], "no active list un-sc"),
        (["-o", "hits.csv", "--threshold", "2"], "between 0 and 1"),
        (["-o", "hits.csv", "--workers", "0"], "at least 1"),
        (["-o", "hits.csv", "--schema", "Martian"], "unknown schema"),
        (["-o", "hits.csv", "--map", "colour=x"], "unknown field"),
    ],
)
def test_bad_options(sample_home: Path, tmp_path: Path, args: list[str], message: str) -> None:
    args = [a if a not in ("hits.txt", "hits.csv") else str(tmp_path / a) for a in args]
    with pytest.raises(ConfigError, match=message):
        screen(sample_home, str(COUNTERPARTIES), *args)


def test_no_active_lists(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no active lists"):
        screen(tmp_path / "empty-home", str(COUNTERPARTIES), "-o", str(tmp_path / "o.csv"))
