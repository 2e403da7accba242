"""The command line, run as a user runs it: a subprocess with REDLINE_HOME set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from redline.sources import source_ids
from tests.conftest import person, write_ftm


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REDLINE_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "redline", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sources_lists_every_id_with_urls(tmp_path: Path) -> None:
    out = run(tmp_path, "lists", "sources", "--json")
    assert out.returncode == 0, out.stderr
    described = json.loads(out.stdout)
    assert [d["id"] for d in described] == source_ids()
    by_id = {d["id"]: d for d in described}
    assert by_id["us-ofac-sdn"]["urls"] and by_id["un-sc"]["urls"]
    assert by_id["csv"]["urls"] == []


def test_load_status_diff_export(tmp_path: Path) -> None:
    v1 = write_ftm(tmp_path / "v1.jsonl", [person(i) for i in range(10)])
    v2 = write_ftm(tmp_path / "v2.jsonl", [person(i) for i in range(1, 11)])
    assert run(tmp_path, "lists", "load", "ftm", str(v1)).returncode == 0
    loaded = run(tmp_path, "lists", "load", "ftm", str(v2), "--json")
    assert json.loads(loaded.stdout)["status"] == "active"
    status = json.loads(run(tmp_path, "lists", "status", "--json").stdout)
    assert status[0]["entity_count"] == 10 and status[0]["notice"] is None
    diff = json.loads(run(tmp_path, "lists", "diff", "ftm", "--json").stdout)
    assert diff["counts"] == {"added": 1, "removed": 1, "changed": 0}
    human = run(tmp_path, "lists", "diff", "ftm")
    assert "+ t-10" in human.stdout and "- t-0" in human.stdout
    out = tmp_path / "export.jsonl"
    assert run(tmp_path, "lists", "export", "--format", "ftm", "-o", str(out)).returncode == 0
    assert len(out.read_text().splitlines()) == 10
    history = json.loads(run(tmp_path, "lists", "history", "ftm", "--json").stdout)
    assert [h["status"] for h in history] == ["active", "inactive"]


def test_errors_are_one_clear_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    out = run(tmp_path, "lists", "load", "ftm", str(empty))
    assert out.returncode == 1
    assert "empty.jsonl" in out.stderr and "empty" in out.stderr
    assert "Traceback" not in out.stderr
    unknown = run(tmp_path, "lists", "load", "nope", str(empty))
    assert unknown.returncode == 1 and "unknown source 'nope'" in unknown.stderr


def test_shrink_guard_from_the_cli(tmp_path: Path) -> None:
    full = write_ftm(tmp_path / "full.jsonl", [person(i) for i in range(50)])
    cut = write_ftm(tmp_path / "cut.jsonl", [person(i) for i in range(10)])
    run(tmp_path, "lists", "load", "ftm", str(full))
    held = run(tmp_path, "lists", "load", "ftm", str(cut))
    assert held.returncode == 1 and "--force" in held.stderr
    status = json.loads(run(tmp_path, "lists", "status", "--json").stdout)
    assert status[0]["entity_count"] == 50
    history = json.loads(run(tmp_path, "lists", "history", "--json").stdout)
    held_id = next(h["id"] for h in history if h["status"] == "held")
    assert run(tmp_path, "lists", "activate", str(held_id)).returncode == 1
    assert run(tmp_path, "lists", "activate", str(held_id), "--force").returncode == 0
    assert json.loads(run(tmp_path, "lists", "status", "--json").stdout)[0]["entity_count"] == 10


def test_every_command_has_an_example_in_help(tmp_path: Path) -> None:
    for group, commands in {
        "lists": ["sources", "load", "update", "status", "history", "activate", "diff", "export"],
        "entities": ["search", "show"],
    }.items():
        for command in commands:
            out = run(tmp_path, group, command, "--help")
            assert out.returncode == 0
            assert "Example: redline" in out.stdout, f"{group} {command}"
