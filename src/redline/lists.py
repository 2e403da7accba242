"""What a user does with lists: load files into a snapshot, update from the publishers,
see what is active, compare two versions and export. The CLI and the server call these.
"""

from __future__ import annotations

import hashlib
import shutil
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from redline.download import fetch_all
from redline.entities import Entity, clean_value
from redline.errors import (
    ConfigError,
    InputError,
    NotFoundError,
    RecordError,
    RedlineError,
    ShrinkGuardError,
)
from redline.screening.audit import record_activation
from redline.settings import Settings
from redline.sources import ParseContext, get_source, source_class
from redline.sources.files import expand
from redline.store import SnapshotInfo, SnapshotMeta, Store
from redline.store.snapshots import now_iso

SAMPLE_SOURCE = "us-ofac-sdn"
SAMPLE_NOTICE = (
    "BUNDLED SAMPLE: a small excerpt of the OFAC SDN list shipped for demonstration, "
    "not for compliance use. Run 'redline lists update' for the current official lists."
)

Progress = Callable[[int], None]


@dataclass
class LoadResult:
    """The outcome of one load: the snapshot written (if any) and its status."""

    source: str
    status: str  # active | held | inactive | unchanged
    snapshot: SnapshotInfo | None
    message: str = ""
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "message": self.message,
            "error": self.error,
            "snapshot": self.snapshot.to_dict() if self.snapshot else None,
        }


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes as stored on disk."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_hash(files: Sequence[dict[str, Any]]) -> str:
    """One hash for a set of files, independent of the order they were given in."""
    lines = sorted(f"{f['sha256']} {f['size']}" for f in files)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def sample_files() -> list[Path]:
    """The bundled OFAC SDN excerpt used by ``make demo`` and first-run tries."""
    folder = resources.files("redline") / "data" / "sample"
    names = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
    return [Path(str(folder / name)) for name in names if (folder / name).is_file()]


def load(
    store: Store,
    settings: Settings,
    source_id: str,
    paths: Sequence[str | Path],
    *,
    strict: bool = False,
    force: bool = False,
    activate: bool = True,
    options: dict[str, str] | None = None,
    origin: str | None = None,
    fetched_at: str | None = None,
    sample: bool = False,
    progress: Progress | None = None,
) -> LoadResult:
    """Parse ``paths`` as one version of ``source_id`` and store it as a new snapshot.

    The snapshot is activated in the same transaction that writes it, unless it has
    shrunk by more than ``settings.shrink_limit`` (then it is held and
    :class:`ShrinkGuardError` raised) or ``activate`` is false. Files identical to the
    active snapshot's create nothing (status ``unchanged``) unless ``force``.
    """
    source = get_source(source_id, options)
    if not paths:
        raise ConfigError(f"{source_id}: no files given")
    files = expand(paths)
    described = [
        {"name": Path(p).name, "sha256": file_digest(Path(p)), "size": Path(p).stat().st_size}
        for p in paths
    ]
    digest = content_hash(described)
    current = store.active_snapshot(source_id)
    if current is not None and current.content_hash == digest and not force:
        return LoadResult(
            source_id,
            "unchanged",
            current,
            f"{source_id}: files identical to active snapshot {current.id}; nothing loaded",
        )
    meta = SnapshotMeta(
        source=source_id,
        content_hash=digest,
        files=described,
        origin=origin or ", ".join(str(p) for p in paths),
        fetched_at=fetched_at,
        sample=sample,
    )
    ctx = ParseContext(source_id, strict=strict)
    held: list[ShrinkGuardError] = []
    with store.write_snapshot(meta) as writer:
        for entity in source.parse(files, ctx):
            if not entity.datasets:
                entity.datasets = [source_id]
            if not writer.add(entity):
                ctx.skip(
                    RecordError(
                        "duplicate entity id in one version of the list",
                        path=files[0].label,
                        record=entity.id,
                    )
                )
            elif progress is not None and (writer.entity_count + writer.relation_count) % 500 == 0:
                progress(writer.entity_count + writer.relation_count)
        if writer.entity_count == 0:
            raise InputError(
                f"no entities found: is this a {source_id} file ({', '.join(source.formats)})?",
                path=", ".join(f.label for f in files),
            )
        meta.published_at = ctx.published_at
        meta.skipped_count = ctx.skipped_count
        meta.skipped = [e.to_dict() for e in ctx.skipped]
        status = writer.finish(
            meta,
            activate=activate,
            force=force,
            shrink_limit=settings.shrink_limit,
            on_held=held.append,
        )
        if status == "active":  # the audit log records it; the next rescreen sees it
            record_activation(writer.conn, writer.snapshot_id)
        snapshot_id = writer.snapshot_id
    info = store.snapshot(snapshot_id)
    if held:
        raise held[0]
    return LoadResult(source_id, status, info, _describe(info))


def load_sample(store: Store, settings: Settings, *, force: bool = False) -> LoadResult:
    """Load the bundled OFAC SDN excerpt, marked as a sample everywhere it shows."""
    return load(
        store,
        settings,
        SAMPLE_SOURCE,
        sample_files(),
        force=force,
        origin="bundled sample (redline/data/sample)",
        sample=True,
    )


def _describe(info: SnapshotInfo) -> str:
    text = (
        f"{info.source}: snapshot {info.id} with {info.entity_count} entities"
        f" ({info.relation_count} relations, {info.skipped_count} records skipped)"
    )
    return text + (f" — {SAMPLE_NOTICE}" if info.sample else "")


def update(
    store: Store,
    settings: Settings,
    source_ids: Iterable[str],
    *,
    urls: Sequence[str] | None = None,
    strict: bool = False,
    force: bool = False,
) -> list[LoadResult]:
    """Download each source from its official URLs (or ``urls``) and load what changed.

    One source failing does not stop the others: its result carries the error and its
    active snapshot stays as it was.
    """
    wanted = list(source_ids)
    if urls and len(wanted) != 1:
        raise ConfigError("--url overrides the download address of exactly one source")
    results: list[LoadResult] = []
    for source_id in wanted:
        cls = source_class(source_id)
        targets = list(urls) if urls else list(cls.urls)
        if not targets:
            results.append(
                LoadResult(
                    source_id,
                    "skipped",
                    None,
                    f"{source_id}: has no official URL; use 'lists load'",
                )
            )
            continue
        stamp = now_iso()
        folder = settings.home / "downloads" / source_id / stamp.replace(":", "")
        try:
            fetched = fetch_all(targets, folder, settings)
            result = load(
                store,
                settings,
                source_id,
                [f.path for f in fetched],
                strict=strict,
                force=force,
                origin=" ".join(targets),
                fetched_at=stamp,
            )
        except RedlineError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            status = "held" if isinstance(exc, ShrinkGuardError) else "failed"
            results.append(LoadResult(source_id, status, None, str(exc), error=type(exc).__name__))
            continue
        if result.status == "unchanged":
            shutil.rmtree(folder, ignore_errors=True)
        results.append(result)
    return results


def status(store: Store) -> list[SnapshotInfo]:
    """The active snapshot of every source."""
    return store.active_snapshots()


@dataclass
class SnapshotDiff:
    """What changed between two snapshots of one source."""

    source: str
    from_id: int
    to_id: int
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "from": self.from_id,
            "to": self.to_id,
            "counts": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
            },
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
        }


def _brief(entity: Entity) -> dict[str, str]:
    return {"id": entity.id, "schema": entity.schema, "caption": entity.caption}


def property_changes(old: Entity, new: Entity) -> dict[str, dict[str, list[str]]]:
    """Per property, the values added and removed between two versions of an entity."""
    changes: dict[str, dict[str, list[str]]] = {}
    if old.schema != new.schema:
        changes["schema"] = {"added": [new.schema], "removed": [old.schema]}
    for prop in sorted(set(old.properties) | set(new.properties)):
        before, after = old.get(prop), new.get(prop)
        added = [v for v in after if v not in before]
        removed = [v for v in before if v not in after]
        if added or removed:
            changes[prop] = {"added": added, "removed": removed}
    return changes


def diff(
    store: Store, source_id: str, from_id: int | None = None, to_id: int | None = None
) -> SnapshotDiff:
    """Compare two snapshots of a source; by default the active one and the one before."""
    source_class(source_id)  # unknown ids fail with the list of known ones
    history = store.snapshots(source_id)
    if not history:
        raise NotFoundError(f"{source_id}: no snapshots loaded")
    if to_id is None:
        current = store.active_snapshot(source_id)
        to_id = current.id if current else history[0].id
    if from_id is None:
        older = [s.id for s in history if s.id < to_id]
        if not older:
            raise NotFoundError(f"{source_id}: snapshot {to_id} has no earlier snapshot to compare")
        from_id = older[0]
    for sid in (from_id, to_id):
        if store.snapshot(sid).source != source_id:
            raise ConfigError(f"snapshot {sid} is not a snapshot of {source_id}")
    old, new = store.entity_versions(from_id), store.entity_versions(to_id)
    added_ids = sorted(set(new) - set(old))
    removed_ids = sorted(set(old) - set(new))
    changed_ids = sorted(i for i in set(old) & set(new) if old[i] != new[i])
    blobs = store.blobs(
        [new[i] for i in added_ids + changed_ids] + [old[i] for i in removed_ids + changed_ids]
    )
    result = SnapshotDiff(source_id, from_id, to_id)
    result.added = [_brief(blobs[new[i]]) for i in added_ids]
    result.removed = [_brief(blobs[old[i]]) for i in removed_ids]
    for entity_id in changed_ids:
        before, after = blobs[old[entity_id]], blobs[new[entity_id]]
        result.changed.append({**_brief(after), "properties": property_changes(before, after)})
    return result


def export(
    store: Store,
    stream: TextIO,
    *,
    sources: Iterable[str] | None = None,
    fmt: str = "ftm",
) -> int:
    """Write the active entities (of ``sources`` when given) to ``stream``; returns the count."""
    if fmt != "ftm":
        raise ConfigError(f"unknown export format {fmt!r}; supported: ftm")
    from redline.sources.ftm import write_ftm

    return write_ftm(store.iter_active_entities(sources), stream)


def search(store: Store, text: str, *, limit: int = 20) -> list[tuple[Entity, str]]:
    """Entities whose names contain every word of ``text``, case- and accent-blind.

    A plain lookup for browsing lists; screening with scores and explanations is the
    matcher's job.
    """
    words = [_fold(w) for w in (clean_value(text) or "").split()]
    if not words:
        raise ConfigError("search needs at least one word")
    hits: list[tuple[Entity, str]] = []
    for info in store.active_snapshots():
        for entity in store.iter_entities(info.id, parties_only=True):
            for name in entity.names:
                folded = _fold(name)
                if all(w in folded for w in words):
                    hits.append((entity, info.source))
                    break
            if len(hits) >= limit:
                return hits
    return hits


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
