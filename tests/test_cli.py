"""The command line, run as a user runs it: a subprocess with REDLINE_HOME set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from redline.sources import source_ids
from tests.conftest import person, run_cli, write_ftm

run = run_cli


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
    # The activation is in the audit log at once, not only at the next re-screen.
    log = [json.loads(line) for line in run(tmp_path, "audit", "export").stdout.splitlines()]
    activations = [r for r in log if r["kind"] == "list.activated"]
    assert activations and activations[-1]["payload"]["snapshot"] == held_id


def test_every_command_has_an_example_in_help() -> None:
    """Every command, in every group, shows an example in its --help."""
    import typer

    from redline.cli import app

    def commands(group: Any, path: str) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        for name, command in group.commands.items():
            if hasattr(command, "commands"):  # a group of commands
                out.extend(commands(command, f"{path} {name}"))
            else:
                out.append((f"{path} {name}", command))
        return out

    found = commands(typer.main.get_command(app), "redline")
    assert len(found) > 30
    missing = [
        path
        for path, command in found
        if "redline " not in (command.help or "").partition("Example:")[2]
    ]
    assert not missing, f"no example in --help: {missing}"
    out = run(Path("."), "media", "search", "--help")
    assert out.returncode == 0 and "Example: redline" in out.stdout


def test_match_explains_and_prints_json(tmp_path: Path) -> None:
    rows = [
        person(1, name="Ghassem Damavandian", extra={"birthDate": ["1960"]}),
        person(2, name="Abdollah Mehrabi"),
    ]
    assert (
        run(tmp_path, "lists", "load", "ftm", str(write_ftm(tmp_path / "l.jsonl", rows))).returncode
        == 0
    )
    human = run(tmp_path, "match", "Qassem Damavandian", "--schema", "Person")
    assert human.returncode == 0, human.stderr
    assert "Ghassem Damavandian" in human.stdout and "name_match" in human.stdout
    out = run(
        tmp_path, "match", "قاسم دماوندیان", "--schema", "Person", "--birth-date", "1960", "--json"
    )
    data = json.loads(out.stdout)
    assert data["algorithm"]["name"] == "redline-v1"
    top = data["results"][0]
    assert top["id"] == "t-1" and top["match"] is True
    assert set(top["explanations"]) >= {"name_match", "birth_date"}
    none = run(tmp_path, "match", "Kahraba")
    assert none.returncode == 0 and "no match" in none.stdout


def test_match_errors(tmp_path: Path) -> None:
    empty = run(tmp_path, "match", "Someone")
    assert empty.returncode == 1 and "no active lists" in empty.stderr
    assert run(tmp_path, "match", "x", "--schema", "Spaceship").returncode == 1


def test_pairs_score(tmp_path: Path) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text(
        "schema,name1,name2,note\nPerson,Vladimir Putin,Владимир Путин,x\n"
        "Company,Brevanti Trading LLC,Brevanti Logistics LLC,y\n",
        encoding="utf-8",
    )
    out = run(tmp_path, "pairs", "score", str(source), str(tmp_path / "scored.csv"))
    assert out.returncode == 0, out.stderr
    text = (tmp_path / "scored.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "schema,name1,name2,note,score,match"
    assert ",true" in text.splitlines()[1] and ",false" in text.splitlines()[2]
    bad = run(tmp_path, "pairs", "score", str(tmp_path / "missing.csv"), str(tmp_path / "o.csv"))
    assert bad.returncode == 1 and "missing.csv" in bad.stderr
