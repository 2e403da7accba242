"""What goes into the audit log besides alerts and decisions, and how it is checked.

List activations are recorded in the transaction that activates (``lists.load`` calls
:func:`record_activation`); an activation made another way (``lists activate``, a
rollback) is recorded, marked ``observed``, the next time a portfolio command looks at
the lists (:func:`sync_activations`). The chain itself is in :mod:`redline.store.audit`.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Connection, select

from redline.errors import ConfigError, InputError
from redline.store import Store
from redline.store import audit as chain
from redline.store import tables as t

ACTIVATED = "list.activated"


def _activation_payload(row: Any, observed: bool) -> dict[str, Any]:
    m = row._mapping
    return {
        "source": m["source"],
        "snapshot": int(m["id"]),
        "content_hash": m["content_hash"],
        "entities": int(m["entity_count"]),
        "activated_at": m["activated_at"],
        "sample": bool(m["sample"]),
        "forced": bool(m["forced"]),
        "observed": observed,
    }


def record_activation(conn: Connection, snapshot_id: int) -> None:
    """Log that a snapshot became active, inside the transaction that activated it.

    The next ``portfolio rescreen`` sees the new snapshot differ from the last run's
    and re-screens what changed: the record is also the note that a re-screen is due.
    """
    row = conn.execute(select(t.snapshots).where(t.snapshots.c.id == snapshot_id)).first()
    if row is not None:
        chain.append(conn, ACTIVATED, _activation_payload(row, observed=False))


def sync_activations(store: Store) -> int:
    """Log active snapshots the log does not show as their source's latest activation
    (a rollback with ``lists activate``, say); returns how many were added."""
    with store.transaction(serial="activation") as conn:
        latest: dict[str, int] = {}
        query = (
            select(t.audit_log.c.payload)
            .where(t.audit_log.c.kind == ACTIVATED)
            .order_by(t.audit_log.c.seq)
        )
        for (text,) in conn.execute(query):
            data = json.loads(text)
            latest[str(data.get("source"))] = int(data.get("snapshot") or 0)
        active = conn.execute(
            select(t.snapshots).join(t.active, t.active.c.snapshot_id == t.snapshots.c.id)
        ).fetchall()
        added = 0
        for row in active:
            m = row._mapping
            if latest.get(m["source"]) != int(m["id"]):
                chain.append(conn, ACTIVATED, _activation_payload(row, observed=True))
                added += 1
    return added


def parse_anchor(text: str | None) -> tuple[int, str] | None:
    """``SEQ:HASH`` as printed by ``audit verify``."""
    if not text:
        return None
    seq, sep, digest = text.partition(":")
    if not sep or not seq.strip().isdigit() or len(digest.strip()) != 64:
        raise ConfigError(f"--anchor expects SEQ:HASH (64 hex digits), got {text!r}")
    return int(seq), digest.strip().lower()


def verify(store: Store, *, anchor: str | None = None) -> chain.Verification:
    """Check the store's chain against its head and, when given, an anchor SEQ:HASH."""
    return chain.verify(store, anchor=parse_anchor(anchor))


def verify_file(path: Path, *, anchor: str | None = None) -> chain.Verification:
    """Check an exported JSON-lines copy of the chain (its end cannot be checked against
    the store's head: pass the head printed when it was exported as the anchor)."""
    return chain.verify_records(_read_export(path), anchor=parse_anchor(anchor))


def _read_export(path: Path) -> list[chain.AuditRecord]:
    records: list[chain.AuditRecord] = []
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=str(path)) from None
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    records.append(chain.AuditRecord.from_dict(json.loads(line)))
                except (ValueError, KeyError, TypeError):
                    raise InputError(
                        "not an audit export record", path=str(path), line=number
                    ) from None
        except UnicodeDecodeError:
            raise InputError("not UTF-8", path=str(path)) from None
    return records


def export(store: Store, output: Path | None, stream: TextIO) -> int:
    """Write the chain as JSON lines to ``output`` (atomically) or ``stream``; the count."""
    if output is None:
        return _write(store, stream)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=".tmp-", suffix=".jsonl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            count = _write(store, handle)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def _write(store: Store, stream: TextIO) -> int:
    count = 0
    for record in chain.iter_records(store):
        # Field order as a reader expects it; verification re-canonicalises the payload.
        stream.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count
