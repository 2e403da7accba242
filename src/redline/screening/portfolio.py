"""The portfolio: the customers an institution monitors, stored under their own ids.

Importing a file again updates only the records whose content changed (by content
hash), so that the next re-screen knows exactly which customers to look at again; the
rest of the portfolio is only compared with list entries that changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redline.countries import country_code
from redline.entities import Entity
from redline.errors import InputError
from redline.matching.profile import COUNTRY_PROPS, ID_PROPS, NAME_PROPS
from redline.screening.batch import query_of
from redline.screening.readers import CustomerFile, FileCheck, parse_mapping
from redline.store import Store
from redline.store import audit as audit_store
from redline.store import portfolio as db
from redline.store.snapshots import now_iso

#: What the matcher reads of a party. A change elsewhere (an address, a note) does not
#: wake a cleared alert, because the score it was cleared on cannot have changed.
SCREENED_PROPS = frozenset(
    [p for p, _ in NAME_PROPS] + list(ID_PROPS) + list(COUNTRY_PROPS) + ["birthDate", "gender"]
)
BATCH = 2000

Progress = Callable[[int], None]


def screened_hash(entity: Entity) -> str:
    """A hash of the schema and the screened properties only (see SCREENED_PROPS)."""
    props = {k: sorted(v) for k, v in entity.properties.items() if k in SCREENED_PROPS and v}
    body = json.dumps(
        {"schema": entity.schema, "properties": props},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CustomerRow:
    """One row of a customer file: the customer, or why it could not be read."""

    row: int  # line number in a text file, row number otherwise (1 = first data row)
    ref: str | None  # the customer's own id as given
    entity: Entity | None
    problem: str | None = None


@dataclass
class ImportResult:
    """What an import did: counts, and the rows it could not use, each with its row."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    revision: int = 0
    total: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    origin: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
            "skipped_rows": self.skipped,
            "revision": self.revision,
            "portfolio_size": self.total,
            "origin": self.origin,
        }


def import_customers(
    store: Store,
    rows: Iterable[CustomerRow],
    *,
    origin: str | None = None,
    sha256: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Store the customers of ``rows`` under their own ids, in one transaction.

    New ids are added, records whose content hash differs are replaced, identical ones
    are left alone (and keep their revision, so no re-screen looks at them). Two rows
    with one id raise :class:`InputError` naming both rows before anything is written;
    rows without a name or id are skipped and reported with their row number.
    """
    result = ImportResult(origin=origin)
    seen: dict[str, int] = {}
    stamp = now_iso()
    with store.transaction(serial="portfolio") as conn:
        known = db.customer_hashes(conn)
        revision = db.max_revision(conn) + 1
        new_rows: list[dict[str, Any]] = []
        changed_rows: list[dict[str, Any]] = []
        for count, item in enumerate(rows, start=1):
            if progress is not None and count % 1000 == 0:
                progress(count)
            if item.entity is None:
                result.skipped.append(
                    {"row": item.row, "id": item.ref, "problem": item.problem or "unreadable"}
                )
                continue
            entity = item.entity
            if entity.id in seen:
                raise InputError(
                    f"duplicate customer id {entity.id!r}: rows {seen[entity.id]} and "
                    f"{item.row} both use it; nothing was imported",
                    path=origin,
                    line=item.row,
                )
            seen[entity.id] = item.row
            digest = entity.content_hash()
            before = known.get(entity.id)
            if before == digest:
                result.unchanged += 1
                continue
            values = {
                "id": entity.id,
                "schema": entity.schema,
                "caption": entity.caption,
                "data": json.dumps(entity.to_dict(), ensure_ascii=False, separators=(",", ":")),
                "hash": digest,
                "screened_hash": screened_hash(entity),
                "revision": revision,
                "updated_at": stamp,
                "origin": origin,
            }
            if before is None:
                result.new += 1
                new_rows.append({**values, "imported_at": stamp})
            else:
                result.changed += 1
                changed_rows.append(values)
            if len(new_rows) >= BATCH:
                db.insert_customers(conn, new_rows)
                new_rows.clear()
            if len(changed_rows) >= BATCH:
                db.update_customers(conn, changed_rows)
                changed_rows.clear()
        db.insert_customers(conn, new_rows)
        db.update_customers(conn, changed_rows)
        result.revision = revision if result.new or result.changed else revision - 1
        result.total = len(known) + result.new
        audit_store.append(
            conn,
            "portfolio.imported",
            {
                "origin": origin,
                "sha256": sha256,
                "revision": result.revision,
                "new": result.new,
                "changed": result.changed,
                "unchanged": result.unchanged,
                "skipped": len(result.skipped),
            },
        )
    return result


# -- reading customer files ---------------------------------------------------------------


@dataclass
class CustomerSource:
    """A customer file checked for import: its rows, and what the check found."""

    label: str
    sha256: str
    columns: dict[str, list[str]]
    check: FileCheck
    file: CustomerFile

    def rows(self) -> Iterator[CustomerRow]:
        for row in self.file.rows():
            if row.name is None:
                yield CustomerRow(row.number, row.id, None, "no name")
                continue
            entity = query_of(row)
            entity.id = row.id
            # Stored as the lists store them (ISO codes), so diffs and rules compare
            # like with like; a name no table knows is kept as written.
            for prop in COUNTRY_PROPS:
                if prop in entity.properties:
                    values = [country_code(v) or v for v in entity.properties.pop(prop)]
                    entity.add(prop, values)
            yield CustomerRow(row.number, row.id, entity)


def read_customers(
    path: Path, *, mapping: list[str] | None = None, schema: str | None = None
) -> CustomerSource:
    """Open and check a customer file (CSV, TSV, XLSX, Parquet, JSON lines) for import.

    The columns are found as ``redline screen`` finds them (``--map field=column``
    overrides). A portfolio keys customers by their own ids, so the file needs an id
    column and a value in it on every row: row numbers change from one extract to the
    next and would make every re-import look like a new portfolio.
    """
    file = CustomerFile(path, parse_mapping(mapping or []), schema)
    if file.id_header is None:
        raise InputError(
            "no id column: a portfolio stores customers under their own ids; name it with "
            f"--map id=COLUMN; the columns are: {', '.join(file.headers)}",
            path=str(path),
        )
    check = file.check()
    missing = next((n for n in check.notes.values() if n.message.startswith("no id")), None)
    if missing is not None:
        raise InputError(
            f"{missing.count} row(s) have an empty id (rows {', '.join(missing.rows)}"
            f"{'...' if missing.count > len(missing.rows) else ''}); every customer needs one",
            path=str(path),
        )
    return CustomerSource(str(path), file.sha256, file.describe_columns(), check, file)


def import_file(
    store: Store,
    path: Path,
    *,
    mapping: list[str] | None = None,
    schema: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Check a customer file, then import it (see :func:`import_customers`)."""
    source = read_customers(path, mapping=mapping, schema=schema)
    return import_customers(
        store, source.rows(), origin=source.label, sha256=source.sha256, progress=progress
    )
