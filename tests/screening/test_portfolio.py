"""Portfolio import: customers under their own ids, changes found by content hash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.errors import InputError
from redline.screening.portfolio import (
    CustomerRow,
    import_customers,
    import_file,
    screened_hash,
)
from redline.store import Store
from redline.store import audit as audit_store
from redline.store import portfolio as db
from tests.screening.workflow_util import FIXTURES, customer, rows, run, run_json
from tests.threads import at_once

# The store suite: these tests run on SQLite and PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True


def test_import_counts_new_changed_unchanged(store: Store) -> None:
    first = import_customers(
        store, rows([customer("A1", "Anna Berg"), customer("A2", "Boris Petrov")])
    )
    assert (first.new, first.changed, first.unchanged, first.revision) == (2, 0, 0, 1)
    again = import_customers(
        store,
        rows(
            [
                customer("A1", "Anna Berg"),
                customer("A2", "Boris Petrov", birthDate="1970"),
                customer("A3", "Chen Wei"),
            ]
        ),
    )
    assert (again.new, again.changed, again.unchanged, again.revision) == (1, 1, 1, 2)
    stored = {c.id: c for c in db.iter_customers(store)}
    assert stored["A1"].revision == 1, "an unchanged record keeps its revision"
    assert stored["A2"].revision == 2 and stored["A2"].entity.get("birthDate") == ["1970"]
    assert stored["A2"].imported_at <= stored["A2"].updated_at
    same = import_customers(store, rows([customer("A1", "Anna Berg")]))
    assert (same.new, same.changed, same.unchanged, same.revision) == (0, 0, 1, 2)
    kinds = [r.kind for r in audit_store.iter_records(store)]
    assert kinds == ["portfolio.imported"] * 3


def test_duplicate_ids_name_both_rows_and_write_nothing(store: Store) -> None:
    batch = [
        CustomerRow(2, "X", customer("X", "Alpha")),
        CustomerRow(3, "Y", customer("Y", "Beta")),
        CustomerRow(7, "X", customer("X", "Gamma")),
    ]
    with pytest.raises(InputError, match=r"rows 2 and 7"):
        import_customers(store, batch, origin="book.csv")
    assert db.count_customers(store) == 0
    assert list(audit_store.iter_records(store)) == []


def test_duplicate_ids_in_a_file(store: Store) -> None:
    with pytest.raises(InputError) as info:
        import_file(store, FIXTURES / "duplicate_ids.csv")
    message = str(info.value)
    assert "duplicate_ids.csv" in message and "'C-1'" in message
    assert "1" in message and "3" in message
    assert db.count_customers(store) == 0


def test_rows_without_a_name_are_reported(store: Store) -> None:
    result = import_file(store, FIXTURES / "customers.csv")
    assert result.new == 7
    assert result.skipped == [{"row": 8, "id": "C-8", "problem": "no name"}]
    c2 = db.get_customer(store, "C-2")
    assert c2.schema == "Person" and c2.entity.get("nationality") == ["ir"]
    assert c2.entity.get("birthDate") == ["1968-05-02"]


def test_a_portfolio_needs_ids(store: Store, tmp_path: Path) -> None:
    no_ids = tmp_path / "names.csv"
    no_ids.write_text("name,country\nAnna Berg,Sweden\n", encoding="utf-8")
    with pytest.raises(InputError, match="no id column"):
        import_file(store, no_ids)
    gaps = tmp_path / "gaps.csv"
    gaps.write_text("id,name\nA1,Anna Berg\n,Boris Petrov\n", encoding="utf-8")
    with pytest.raises(InputError, match="empty id"):
        import_file(store, gaps)
    mapped = tmp_path / "mapped.csv"
    mapped.write_text("Client No,Holder\n77,Anna Berg\n", encoding="utf-8")
    result = import_file(store, mapped, mapping=["id=Client No", "name=Holder"])
    assert result.new == 1 and db.get_customer(store, "77").caption == "Anna Berg"


def test_wrong_encoding_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("id,name\nA1,Jos\xe9 Mart\xednez\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.csv"):
        import_file(store, latin)


_value = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1)


@settings(max_examples=60, deadline=None)
@given(address=_value, note=_value, birth=st.integers(1900, 2020))
def test_screened_hash_ignores_what_matching_does_not_read(
    address: str, note: str, birth: int
) -> None:
    plain = customer("P", "Anna Berg", nationality="se")
    decorated = customer("P", "Anna Berg", nationality="se", address=address, notes=note)
    assert screened_hash(plain) == screened_hash(decorated)
    if decorated.properties.get("address") or decorated.properties.get("notes"):
        assert plain.content_hash() != decorated.content_hash()
    born = customer("P", "Anna Berg", nationality="se", birthDate=str(birth))
    assert screened_hash(born) != screened_hash(plain)


def test_cli_import_and_list(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = run_json(home, "portfolio", "import", str(FIXTURES / "customers.csv"))
    assert (first["new"], first["changed"], first["unchanged"], first["skipped"]) == (7, 0, 0, 1)
    second = run_json(home, "portfolio", "import", str(FIXTURES / "customers_v2.csv"))
    assert (second["new"], second["changed"], second["unchanged"]) == (1, 1, 6)
    listing = run_json(home, "portfolio", "list")
    assert len(listing["customers"]) == 8
    assert listing["status"]["due"] is True and listing["status"]["baseline_run"] is None
    human = run(home, "portfolio", "list")
    assert "Harbour View Bakery Limited" in human.stdout and "never screened" in human.stdout
    dup = run(home, "portfolio", "import", str(FIXTURES / "duplicate_ids.csv"))
    assert dup.returncode == 1 and "duplicate customer id" in dup.stderr
    assert "Traceback" not in dup.stderr


def test_concurrent_imports_get_their_own_revisions(store: Store) -> None:
    """Two clerks importing at once: each import is its own revision, and nothing is
    lost (the next revision is read inside the import's write lock)."""
    results: list[int] = []

    def clerk(k: int) -> None:
        batch = [customer(f"K{k}-{i}", f"Clerk {k} Customer {i}") for i in range(20)]
        results.append(import_customers(store, rows(batch)).revision)

    errors = at_once(4, clerk)
    assert not errors, errors[:2]
    assert sorted(results) == [1, 2, 3, 4]
    assert len(list(db.iter_customers(store))) == 80
