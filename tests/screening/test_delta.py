"""Delta re-screening: only changed customers and changed list entries are screened, and
only new alerts are raised."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from redline import lists
from redline.matching.index import NameIndex
from redline.matching.profile import profile_of
from redline.screening import delta, portfolio_index
from redline.screening.alerts import alerts, decide
from redline.screening.portfolio import import_customers
from redline.settings import Settings
from redline.store import Store
from redline.store import audit as audit_store
from redline.store import portfolio as db
from tests.screening.workflow_util import (
    FIXTURES,
    customer,
    listed,
    rows,
    run,
    run_json,
    write_list,
)

# The store suite: these tests run on SQLite and PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

NAMES = [
    ("Person", "Anna Berg"),
    ("Person", "Boris Nikolayevich Petrov"),
    ("Person", "Борис Петров"),
    ("Person", "محمد علی رضایی"),
    ("Person", "Mohammad Ali Rezaei"),
    ("Person", "王俊宏"),
    ("Company", "Quds Aviation Industries"),
    ("Company", "Kangbong Trading Corporation"),
    ("Company", "Harbour View Bakery Ltd"),
    ("Vessel", "Queen Luca"),
    ("Person", "Maria Fernanda Oliveira"),
    ("Person", "Mariana Oliveira"),
    ("Company", "Oliveira & Filhos Lda"),
    ("Person", "Ghassem Damavandian"),
]


def test_the_portfolio_index_retrieves_as_the_name_index_does() -> None:
    entities = [customer(f"c{i}", name, schema) for i, (schema, name) in enumerate(NAMES)]
    ours = portfolio_index.build(entities, revision=1)
    theirs = NameIndex.build([profile_of(e) for e in entities])
    assert ours.names.size == theirs.size
    for query in ["Boris Petrov", "Mohamad Ali Rezai", "Qods Aviation", "Oliveira", "Queen"]:
        forms = [f for entry in profile_of(customer("q", query)).names for f in entry.forms]
        got = ours.names.candidates(forms, 10)
        expected = theirs.candidates(forms, 10)
        assert [i for i, _ in got] == [i for i, _ in expected]
        assert [round(s, 4) for _, s in got] == [round(s, 4) for _, s in expected]


def test_the_index_is_the_same_built_in_worker_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(portfolio_index, "CHUNK", 4)
    entities = [customer(f"c{i}", name, schema) for i, (schema, name) in enumerate(NAMES)]
    one = portfolio_index.build(entities, revision=1)
    two = portfolio_index.build(entities, revision=1, workers=2)
    assert one.ids == two.ids and one.schema_names == two.schema_names
    assert (one.names.form_profile == two.names.form_profile).all()
    # Features are numbered in the order each process meets them; compare per feature.
    assert set(one.names.offsets) == set(two.names.offsets)
    for feature, (a, b) in one.names.offsets.items():
        c, d = two.names.offsets[feature]
        assert (one.names.rows[a:b] == two.names.rows[c:d]).all()
        assert np.allclose(one.names.weights[a:b], two.names.weights[c:d])


def test_portfolio_index_candidates_respect_schemata_and_identifiers() -> None:
    people = [
        customer("p1", "Queen Luca", "Person"),
        customer("v1", "Queen Luca", "Vessel", imoNumber="9000001"),
        customer("v2", "Other Name", "Vessel", imoNumber="9000002"),
    ]
    index = portfolio_index.build(people, revision=1)
    vessel = profile_of(listed("x", "QUEEN LUCA", "Vessel", imoNumber="IMO 9000002"))
    found = index.candidates(vessel, 10)
    assert "p1" not in found
    assert found[0] == "v1" and "v2" in found  # the IMO number finds v2 despite its name


def _load(store: Store, settings: Settings, path: Path) -> None:
    lists.load(store, settings, "ftm", [path])


def test_delta_screens_only_what_changed(store: Store, settings: Settings, tmp_path: Path) -> None:
    v1 = [
        listed("l-1", "Viktor Bout", birthDate="1967-01-13"),
        listed("l-2", "Quds Aviation Industries", "Company"),
    ]
    _load(store, settings, write_list(tmp_path / "v1.jsonl", v1))
    import_customers(
        store,
        rows(
            [
                customer("c-1", "Victor Bout", birthDate="1967-01-13"),
                customer("c-2", "Anna Berg"),
                customer("c-3", "Mariana Oliveira", nationality="br"),
            ]
        ),
    )
    first = delta.rescreen(store, settings)
    assert first.baseline_run is None and first.customers_screened == 3
    assert first.alerts.raised == 1

    again = delta.rescreen(store, settings)
    assert again.baseline_run == first.run_id
    assert (again.customers_screened, again.entities_changed, again.alerts.raised) == (0, 0, 0)

    v2 = [*v1, listed("l-3", "Mariana Oliveira", nationality="br")]
    _load(store, settings, write_list(tmp_path / "v2.jsonl", v2))
    assert [s["source"] for s in delta.due(store).sources] == ["ftm"]
    third = delta.rescreen(store, settings)
    assert third.customers_screened == 0, "no customer changed"
    assert third.entities_changed == 1, "only the new entry is checked"
    assert third.index["customers"] == 3 and third.index["rebuilt"] is True
    assert third.alerts.raised == 1
    (alert,) = alerts(store, entity_id="l-3")
    assert alert.customer_id == "c-3" and alert.explanation["query_name"] == "Mariana Oliveira"

    import_customers(store, rows([customer("c-2", "Anna Berg", birthDate="1980")]))
    fourth = delta.rescreen(store, settings)
    assert (fourth.customers_screened, fourth.entities_changed) == (1, 0)
    assert not delta.due(store).due


def test_removed_entities_raise_nothing(store: Store, settings: Settings, tmp_path: Path) -> None:
    entries = [listed(f"l-{i}", f"Listed Person Number {i}") for i in range(20)]
    _load(store, settings, write_list(tmp_path / "a.jsonl", entries))
    import_customers(store, rows([customer("c-1", "Listed Person Number 3")]))
    delta.rescreen(store, settings)
    _load(store, settings, write_list(tmp_path / "b.jsonl", entries[:19]))
    result = delta.rescreen(store, settings)
    assert (result.entities_removed, result.entities_changed, result.alerts.raised) == (1, 0, 0)


def test_an_open_alert_on_a_delisted_party_is_closed_and_relisting_alerts_again(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    others = [listed(f"f-{i}", f"Listed Person Number {i}") for i in range(30)]
    entries = [
        listed("l-1", "Viktor Bout"),
        listed("l-2", "Quds Aviation Industries", "Company"),
        *others,
    ]
    import_customers(
        store,
        rows(
            [customer("c-1", "Victor Bout"), customer("c-2", "Qods Aviation Industries", "Company")]
        ),
    )
    _load(store, settings, write_list(tmp_path / "a.jsonl", entries))
    delta.rescreen(store, settings)
    bout = next(a for a in alerts(store) if a.entity_id == "l-1")
    quds = next(a for a in alerts(store) if a.entity_id == "l-2")
    decide(store, quds.id, "true_match", reason="same company", user="alice")

    _load(store, settings, write_list(tmp_path / "b.jsonl", others))
    result = delta.rescreen(store, settings)
    assert (result.entities_removed, result.alerts_delisted) == (2, 1)
    (closed,) = alerts(store, status="delisted")
    assert closed.id == bout.id and closed.reason is not None
    assert "no longer listed: l-1" in closed.reason
    assert [a.status for a in alerts(store, entity_id="l-2")] == ["true_match"]  # decided
    records = [r for r in audit_store.iter_records(store) if r.kind == "alert.delisted"]
    assert [r.payload["alert"] for r in records] == [bout.id]
    assert records[0].payload["previous_status"] == "open"
    assert delta.rescreen(store, settings).alerts_delisted == 0  # once only

    _load(store, settings, write_list(tmp_path / "c.jsonl", entries))
    again = delta.rescreen(store, settings)
    assert again.alerts.raised == 1  # Bout listed again; Quds stays decided
    (fresh,) = alerts(store, entity_id="l-1")
    assert fresh.status == "open" and fresh.previous_id == bout.id


def test_the_overlay_finds_customers_imported_after_the_index(
    store: Store, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portfolio_index, "STALE_SHARE", 1.0)
    base = [listed("l-1", "Someone Listed Already")]
    _load(store, settings, write_list(tmp_path / "v1.jsonl", base))
    import_customers(store, rows([customer(f"c-{i}", f"Customer Name {i}") for i in range(5)]))
    delta.rescreen(store, settings)
    _load(store, settings, write_list(tmp_path / "v2.jsonl", [*base, listed("l-2", "Nobody")]))
    built = delta.rescreen(store, settings)
    assert built.index["rebuilt"] is True and built.index["customers"] == 5

    import_customers(store, rows([customer("c-new", "Olga Ivanovna Smirnova")]))
    delta.rescreen(store, settings)  # screens c-new against the lists of the day
    v3 = [*base, listed("l-2", "Nobody"), listed("l-3", "Olga Smirnova")]
    _load(store, settings, write_list(tmp_path / "v3.jsonl", v3))
    result = delta.rescreen(store, settings)
    assert result.index == {"customers": 5, "overlay": 1, "rebuilt": False}
    assert result.alerts.raised == 1
    assert alerts(store, entity_id="l-3")[0].customer_id == "c-new"


def test_a_killed_run_keeps_its_finished_work(
    store: Store, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = [listed(f"l-{i}", name) for i, name in enumerate(["Anna Berg", "Boris Petrov"])]
    _load(store, settings, write_list(tmp_path / "list.jsonl", entries))
    import_customers(store, rows([customer("c-1", "Anna Berg"), customer("c-2", "Boris Petrov")]))
    monkeypatch.setattr(delta, "BATCH", 1)

    def stop(stage: str, done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        delta.rescreen(store, settings, progress=stop)
    (failed,) = db.list_runs(store)
    assert failed.status == "failed"
    assert len(alerts(store)) == 1, "the first batch's alert was committed"
    assert [r.kind for r in audit_store.iter_records(store)][-1] == "run.failed"

    monkeypatch.setattr(delta, "BATCH", 1000)
    redo = delta.rescreen(store, settings)
    assert redo.baseline_run is None, "a failed run is no baseline"
    assert (redo.alerts.raised, redo.alerts.quiet) == (1, 1)
    assert len(alerts(store)) == 2


def test_runs_left_running_by_a_stopped_process_are_closed(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    import os
    import socket
    import subprocess
    import sys

    _load(store, settings, write_list(tmp_path / "list.jsonl", [listed("l-1", "Anna Berg")]))
    import_customers(store, rows([customer("c-1", "Anna Berg")]))
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead_pid = int(gone.stdout)
    here = socket.gethostname()
    runners = {
        "killed": {"host": here, "pid": dead_pid},
        "alive": {"host": here, "pid": os.getpid()},
        "elsewhere": {"host": here + "-other", "pid": dead_pid},
        "old": None,
    }
    ids = {}
    with store.engine.begin() as conn:
        for name, runner in runners.items():
            params = {"runner": runner} if runner else {}
            ids[name] = db.start_run(conn, "rescreen", 0, {}, params)
    result = delta.rescreen(store, settings)
    status = {r.id: r for r in db.list_runs(store)}
    assert status[ids["killed"]].status == "failed"
    assert f"pid {dead_pid}" in status[ids["killed"]].counts["error"]
    assert status[ids["old"]].status == "failed"
    assert status[ids["alive"]].status == "running", "a live process's run is left alone"
    assert status[ids["elsewhere"]].status == "running", "another machine's run is not judged"
    assert status[result.run_id].status == "done"
    assert status[result.run_id].params["runner"] == {"host": here, "pid": os.getpid()}
    failed = [r.payload["run"] for r in audit_store.iter_records(store) if r.kind == "run.failed"]
    assert sorted(failed) == sorted([ids["killed"], ids["old"]])
    assert audit_store.verify(store).ok
    assert delta.close_abandoned_runs(store) == [], "closing twice closes nothing"


def test_activations_are_audited(store: Store, settings: Settings, tmp_path: Path) -> None:
    _load(store, settings, write_list(tmp_path / "v1.jsonl", [listed("l-1", "Anna Berg")]))
    two = [listed("l-1", "Anna Berg"), listed("l-2", "Boris Petrov")]
    _load(store, settings, write_list(tmp_path / "v2.jsonl", two))
    records = [r for r in audit_store.iter_records(store) if r.kind == "list.activated"]
    assert [(r.payload["snapshot"], r.payload["observed"]) for r in records] == [
        (1, False),
        (2, False),
    ]
    store.activate(1, force=True)  # a rollback, made without lists.load
    import_customers(store, rows([customer("c-1", "Boris Petrov")]))
    delta.rescreen(store, settings)
    records = [r for r in audit_store.iter_records(store) if r.kind == "list.activated"]
    assert (records[-1].payload["snapshot"], records[-1].payload["observed"]) == (1, True)
    assert audit_store.verify(store).ok


def test_rescreen_needs_lists_and_customers(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = run(home, "portfolio", "rescreen")
    assert out.returncode == 1 and "no active lists" in out.stderr
    assert run(home, "lists", "load", "us-ofac-sdn", "--sample").returncode == 0
    out = run(home, "portfolio", "rescreen")
    assert out.returncode == 1 and "portfolio is empty" in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_end_to_end(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "lists", "load", "us-ofac-sdn", "--sample").returncode == 0
    run_json(home, "portfolio", "import", str(FIXTURES / "customers.csv"))
    first = run_json(home, "portfolio", "rescreen")
    assert first["customers_screened"] == 7
    raised = {a["customer_id"]: a for a in run_json(home, "alerts")}
    assert {"C-1", "C-2", "C-3"} <= set(raised)
    assert raised["C-2"]["entity_id"] == "ofac-40416"
    assert raised["C-7"]["status"] == "auto_discounted"
    assert "nationality differs" in raised["C-7"]["reason"]
    assert "C-4" not in raised and "C-5" not in raised

    quiet = run_json(home, "portfolio", "rescreen")
    assert quiet["alerts"]["raised"] == 0 and quiet["customers_screened"] == 0

    # a user's own watchlist is a new list: only its entries are checked
    loaded = run(home, "lists", "load", "csv", str(FIXTURES / "watchlist_v1.csv"))
    assert loaded.returncode == 0, loaded.stderr
    watch = run_json(home, "portfolio", "rescreen")
    assert (watch["customers_screened"], watch["entities_changed"]) == (0, 2)
    assert watch["alerts"]["raised"] == 1
    new = run_json(home, "alerts", "--entity", "csv-W1")
    assert [a["customer_id"] for a in new] == ["C-4"]

    run_json(home, "portfolio", "import", str(FIXTURES / "customers_v2.csv"))
    changed = run_json(home, "portfolio", "rescreen")
    assert changed["customers_screened"] == 2  # C-5 renamed, C-9 new
    assert [a["entity_id"] for a in run_json(home, "alerts", "--customer", "C-9")] == ["ofac-20580"]
    human = run(home, "portfolio", "rescreen")
    assert "0 new alerts" in human.stdout and "SAMPLE" in human.stdout
    runs = json.loads(run(home, "portfolio", "list", "--json").stdout)["status"]
    assert runs["due"] is False
