"""Alerts and decisions: quiet until the screened data changes, auto-discounting, and the
append-only record of who decided what."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from redline import lists
from redline.entities import Entity
from redline.errors import ConfigError
from redline.screening import delta
from redline.screening.alerts import DiscountRules, alert_detail, alerts, decide
from redline.screening.portfolio import import_customers
from redline.settings import Settings
from redline.store import Store
from redline.store import audit as audit_store
from tests.rawdb import raw_database
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

RULES = DiscountRules(frozenset({"birth_year", "gender", "nationality"}), 3)


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        ({}, {}, None),
        ({"birthDate": "1960"}, {"birthDate": "1963-05-01"}, None),
        ({"birthDate": "1960"}, {"birthDate": "1964"}, "birth years differ by 4 (> 3)"),
        ({"birthDate": ["1960", "1970"]}, {"birthDate": "1971"}, None),
        ({"birthDate": "1960"}, {}, None),
        ({"gender": "female"}, {"gender": "male"}, "gender differs: customer female, listed male"),
        ({"gender": "f"}, {"gender": "female"}, None),
        ({"gender": "male"}, {}, None),
        ({"nationality": "ir"}, {"nationality": "tr"}, "nationality differs: customer ir"),
        ({"nationality": ["ir", "tr"]}, {"nationality": "tr"}, None),
        ({"nationality": "Iran"}, {"nationality": "ir"}, None),
        ({"nationality": "ir"}, {"country": "tr"}, None),
        ({"citizenship": "de"}, {"nationality": "fr"}, "nationality differs"),
    ],
)
def test_discount_rules(
    mine: dict[str, str | list[str]], theirs: dict[str, str | list[str]], expected: str | None
) -> None:
    ours, listed_party = customer("c", "A B"), listed("l", "A B")
    for prop, value in mine.items():
        ours.add(prop, value)
    for prop, value in theirs.items():
        listed_party.add(prop, value)
    reason = RULES.reason(ours, listed_party)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason


def test_discount_rules_come_from_settings(tmp_path: Path) -> None:
    rules = DiscountRules.from_settings(Settings(home=tmp_path, auto_discount="gender"))
    both_differ = (
        customer("c", "A", gender="male", birthDate="1950"),
        listed("l", "A", gender="female", birthDate="1990"),
    )
    assert rules.reason(*both_differ) == "gender differs: customer male, listed female"
    assert DiscountRules.from_settings(Settings(home=tmp_path, auto_discount="")).rules == set()
    with pytest.raises(ConfigError, match="unknown rule"):
        DiscountRules.from_settings(Settings(home=tmp_path, auto_discount="age"))
    env = Settings.from_env({"REDLINE_AUTO_DISCOUNT_BIRTH_YEARS": "10"}, home=tmp_path)
    assert DiscountRules.from_settings(env).birth_years == 10


def _setup(store: Store, settings: Settings, tmp_path: Path, entity: Entity) -> None:
    lists.load(store, settings, "ftm", [write_list(tmp_path / "v1.jsonl", [entity])])


def _relist(store: Store, settings: Settings, tmp_path: Path, entity: Entity) -> None:
    lists.load(store, settings, "ftm", [write_list(tmp_path / "v2.jsonl", [entity])])


def test_a_false_positive_stays_quiet_until_the_entity_changes(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _setup(store, settings, tmp_path, listed("l-1", "Olga Smirnova", birthDate="1970"))
    import_customers(store, rows([customer("c-1", "Olga Smirnova", birthDate="1970")]))
    delta.rescreen(store, settings)
    (alert,) = alerts(store, status="open")
    decided, made = decide(store, alert.id, "false_positive", reason="other Olga", user="alice")
    assert decided.status == "false_positive" and made.previous_status == "open"

    everything = delta.rescreen(store, settings, full=True)
    assert (everything.alerts.raised, everything.alerts.quiet) == (0, 1)

    # a change the matcher does not read wakes nothing
    _relist(store, settings, tmp_path, listed("l-1", "Olga Smirnova", birthDate="1970", notes="x"))
    assert delta.rescreen(store, settings).alerts.raised == 0

    changed = listed("l-1", "Olga Smirnova", birthDate="1970-04-02", alias="Olga S.", notes="x")
    lists.load(store, settings, "ftm", [write_list(tmp_path / "v3.jsonl", [changed])])
    result = delta.rescreen(store, settings)
    assert (result.alerts.raised, result.alerts.realerted) == (1, 1)
    (current,) = alerts(store)
    assert current.status == "open" and current.previous_id == alert.id
    assert current.changes is not None
    assert current.changes["entity"]["birthDate"] == {"added": ["1970-04-02"], "removed": ["1970"]}
    assert current.changes["entity"]["alias"] == {"added": ["Olga S."], "removed": []}
    assert current.changes["customer"] == {}
    history = alerts(store, include_superseded=True)
    assert [a.id for a in history] == [current.id, alert.id]
    assert history[1].status == "false_positive", "the old decision stays as it was"
    detail = alert_detail(store, current.id)
    assert detail["history"] == [alert.id] and detail["decisions"] == []
    with pytest.raises(ConfigError, match="superseded"):
        decide(store, alert.id, "true_match", reason="late", user="bob")


def test_a_customer_change_re_alerts_with_the_customer_diff(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _setup(store, settings, tmp_path, listed("l-1", "Olga Smirnova"))
    import_customers(store, rows([customer("c-1", "Olga Smirnova")]))
    delta.rescreen(store, settings)
    (alert,) = alerts(store)
    decide(store, alert.id, "false_positive", reason="no", user="alice")
    import_customers(store, rows([customer("c-1", "Olga Smirnova", address="Riga")]))
    assert delta.rescreen(store, settings).alerts.raised == 0, "address is not screened"
    import_customers(store, rows([customer("c-1", "Olga Smirnova", nationality="lv")]))
    result = delta.rescreen(store, settings)
    assert result.alerts.realerted == 1
    (current,) = alerts(store)
    assert current.changes is not None
    assert current.changes["customer"]["nationality"] == {"added": ["lv"], "removed": []}


def test_auto_discounted_alerts_are_kept_with_their_reason(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _setup(store, settings, tmp_path, listed("l-1", "Olga Smirnova", nationality="ru"))
    import_customers(store, rows([customer("c-1", "Olga Smirnova", nationality="ee")]))
    result = delta.rescreen(store, settings)
    assert result.alerts.discounted == 1
    (alert,) = alerts(store, status="auto_discounted")
    assert alert.reason == "nationality differs: customer ee, listed ru"
    assert alerts(store, status="open") == []
    decided, _ = decide(store, alert.id, "escalate", reason="same passport?", user="carol")
    assert decided.status == "escalated"
    with pytest.raises(ConfigError, match="unknown status"):
        alerts(store, status="closed")


def test_decisions_are_validated_and_append_only(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    _setup(store, settings, tmp_path, listed("l-1", "Olga Smirnova"))
    import_customers(store, rows([customer("c-1", "Olga Smirnova")]))
    delta.rescreen(store, settings)
    (alert,) = alerts(store)
    for bad in (
        {"decision": "maybe", "reason": "r", "user": "u"},
        {"decision": "true_match", "reason": " ", "user": "u"},
        {"decision": "true_match", "reason": "r", "user": ""},
    ):
        with pytest.raises(ConfigError):
            decide(store, alert.id, str(bad["decision"]), reason=bad["reason"], user=bad["user"])
    decide(store, alert.id, "escalate", reason="check", user="alice")
    decide(store, alert.id, "true-match", reason="confirmed", user="bob")
    detail = alert_detail(store, alert.id)
    assert detail["status"] == "true_match"
    assert [(d["decision"], d["user"]) for d in detail["decisions"]] == [
        ("escalated", "alice"),
        ("true_match", "bob"),
    ]
    kinds = [r.kind for r in audit_store.iter_records(store)]
    assert kinds.count("alert.decided") == 2 and kinds.count("alert.raised") == 1
    with raw_database(settings) as db:
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute("UPDATE decisions SET decision = 'false_positive'")
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute("DELETE FROM decisions")


def test_cli_review_cycle(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run(home, "lists", "load", "us-ofac-sdn", "--sample").returncode == 0
    assert run(home, "lists", "load", "csv", str(FIXTURES / "watchlist_v1.csv")).returncode == 0
    run_json(home, "portfolio", "import", str(FIXTURES / "customers.csv"))
    run_json(home, "portfolio", "rescreen")
    (mine,) = run_json(home, "alerts", "--customer", "C-4")
    assert mine["entity_id"] == "csv-W1" and mine["status"] == "open"
    decided = run(
        home, "decide", str(mine["id"]), "--false-positive", "--reason", "other", "--by", "alice"
    )
    assert decided.returncode == 0 and "false_positive" in decided.stdout
    open_ids = [a["id"] for a in run_json(home, "alerts", "--status", "open")]
    assert mine["id"] not in open_ids

    assert run(home, "lists", "load", "csv", str(FIXTURES / "watchlist_v2.csv")).returncode == 0
    result = run_json(home, "portfolio", "rescreen")
    assert result["alerts"]["realerted"] == 1
    listing = run(home, "alerts", "--customer", "C-4")
    assert f"re-alert of {mine['id']}" in listing.stdout
    assert "entity birthDate: - 1985 + 1985-03-14" in listing.stdout
    (again,) = run_json(home, "alerts", "--customer", "C-4")
    shown = run(home, "alerts", "--id", str(again["id"]))
    assert "changed: entity birthDate" in shown.stdout and f"replaces alert(s) {mine['id']}" in (
        shown.stdout
    )

    both = run(home, "decide", str(again["id"]), "--true-match", "--escalate", "--by", "x")
    assert both.returncode == 1 and "exactly one" in both.stderr
    no_reason = run(home, "decide", str(again["id"]), "--true-match", "--by", "x")
    assert no_reason.returncode == 1 and "reason" in no_reason.stderr
    missing = run(home, "decide", "9999", "--true-match", "--reason", "r", "--by", "x")
    assert missing.returncode == 1 and "no alert with id 9999" in missing.stderr
    assert "Traceback" not in missing.stderr + both.stderr + no_reason.stderr
