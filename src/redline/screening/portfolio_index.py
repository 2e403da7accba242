"""A name index over the *customers*, so that a changed list entry finds its customers.

A list update changes a few dozen entries; a portfolio holds up to millions of
customers. Screening every customer again would cost an hour; looking each changed
entry up in an index of the customers costs seconds. The index is the matcher's own
:class:`~redline.matching.index.NameIndex` (same features, same weights, same
retrieval), built without keeping a million analysed profiles in memory, and saved
under ``REDLINE_HOME/portfolio-index`` with the portfolio revision it covers. Customers
imported after it was built are indexed on the fly (the overlay) until they are many
enough to make a rebuild worth it.
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import numpy.typing as npt

from redline.entities import Entity
from redline.matching.features import schemata_compatible
from redline.matching.index import NameIndex, form_features
from redline.matching.profile import Profile, profile_of
from redline.matching.saved import code_digest, save_pickle
from redline.settings import Settings
from redline.store import Store
from redline.store import audit as audit_store
from redline.store import portfolio as db

#: Bump when the saved layout changes (or the matcher's retrieval features do).
FORMAT = "1"
#: Rebuild the saved index when more than this share of customers is in the overlay.
STALE_SHARE = 0.10

Progress = Callable[[int], None]


@dataclass
class PortfolioIndex:
    """Customers' names indexed for retrieval; position ``i`` is customer ``ids[i]``."""

    revision: int
    store_key: str
    ids: list[str]
    schemata: npt.NDArray[np.int16]
    schema_names: list[str]
    names: NameIndex
    identifiers: dict[str, list[int]]

    @property
    def size(self) -> int:
        return len(self.ids)

    def _allowed(self, schema: str) -> npt.NDArray[np.bool_]:
        ok = [i for i, s in enumerate(self.schema_names) if schemata_compatible(s, schema)]
        return np.isin(self.schemata, np.asarray(ok, dtype=np.int16))

    def candidates(self, entity: Profile, limit: int) -> list[str]:
        """Ids of up to ``limit`` customers whose names resemble the entity's, plus every
        customer sharing one of its identifiers; best first."""
        if not self.ids:
            return []
        allowed = self._allowed(entity.schema)
        forms = [form for entry in entity.names for form in entry.forms]
        found = [i for i, _ in self.names.candidates(forms, limit, allowed)] if forms else []
        for ident in entity.identifiers:
            found.extend(i for i in self.identifiers.get(ident, ()) if allowed[i])
        out: list[str] = []
        seen: set[int] = set()
        for i in found:
            if i not in seen:
                seen.add(i)
                out.append(self.ids[i])
        return out


#: Customers per unit of work when analysing names, and the portfolio size from which
#: the analysis is spread over worker processes.
CHUNK = 2000
PARALLEL_FROM = 20_000


@dataclass
class _Chunk:
    """The analysed names of a run of customers, with features numbered locally."""

    words: list[str]
    flat: bytes  # int32 feature numbers, form after form
    form_len: bytes  # int32 features per form
    form_owner: bytes  # int32 position of the customer within the chunk, per form
    ids: list[str]
    schemata: list[str]
    identifiers: list[tuple[str, int]]


def _analyse(entities: list[Entity]) -> _Chunk:
    vocab: dict[str, int] = {}
    flat = array("i")
    form_len = array("i")
    form_owner = array("i")
    identifiers: list[tuple[str, int]] = []
    for position, entity in enumerate(entities):
        profile = profile_of(entity)
        identifiers.extend((ident, position) for ident in profile.identifiers)
        for entry in profile.names:
            for form in entry.forms:
                feats = form_features(form)
                flat.extend(vocab.setdefault(f, len(vocab)) for f in feats)
                form_len.append(len(feats))
                form_owner.append(position)
    return _Chunk(
        list(vocab),
        flat.tobytes(),
        form_len.tobytes(),
        form_owner.tobytes(),
        [e.id for e in entities],
        [e.schema for e in entities],
        identifiers,
    )


def _chunks(customers: Iterable[Entity]) -> Iterator[list[Entity]]:
    batch: list[Entity] = []
    for entity in customers:
        batch.append(entity)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _analysed(chunks: Iterator[list[Entity]], workers: int) -> Iterator[_Chunk]:
    """Chunks analysed in order, in ``workers`` processes when more than one; at most
    two chunks per worker are in flight, so memory does not grow with the portfolio."""
    if workers <= 1:
        yield from map(_analyse, chunks)
        return
    # spawn, not fork: the parent holds an open database cursor and maybe threads.
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        pending: deque[Future[_Chunk]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_analyse, chunk))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def build(
    customers: Iterable[Entity],
    revision: int,
    store_key: str = "",
    progress: Progress | None = None,
    workers: int = 1,
) -> PortfolioIndex:
    """Index customers' names (analysed in ``workers`` processes).

    The arithmetic is :meth:`NameIndex.build`'s (idf per feature, names normalised to
    unit length, postings in row order), done on interned integer features with numpy
    so that a million customers fit in a few hundred megabytes rather than many
    gigabytes of Python sets; ``tests/screening/test_delta.py`` checks that both give
    the same candidates.
    """
    vocab: dict[str, int] = {}
    flats: list[npt.NDArray[np.int32]] = []
    lens: list[npt.NDArray[np.int32]] = []
    owners: list[npt.NDArray[np.int32]] = []
    ids: list[str] = []
    schema_codes: dict[str, int] = {}
    schemata = array("h")
    identifiers: dict[str, list[int]] = {}
    for chunk in _analysed(_chunks(customers), workers):
        base = len(ids)
        local = np.fromiter(
            (vocab.setdefault(w, len(vocab)) for w in chunk.words),
            dtype=np.int32,
            count=len(chunk.words),
        )
        flats.append(local[np.frombuffer(chunk.flat, dtype=np.int32)])
        lens.append(np.frombuffer(chunk.form_len, dtype=np.int32))
        owners.append(np.frombuffer(chunk.form_owner, dtype=np.int32) + np.int32(base))
        ids.extend(chunk.ids)
        schemata.extend(schema_codes.setdefault(s, len(schema_codes)) for s in chunk.schemata)
        for ident, position in chunk.identifiers:
            identifiers.setdefault(ident, []).append(base + position)
        if progress is not None:
            progress(len(ids))
    names = _name_index(list(vocab), _join(flats), _join(lens), _join(owners))
    return PortfolioIndex(
        revision=revision,
        store_key=store_key,
        ids=ids,
        schemata=np.asarray(schemata, dtype=np.int16),
        schema_names=list(schema_codes),
        names=names,
        identifiers=identifiers,
    )


def _join(parts: list[npt.NDArray[np.int32]]) -> npt.NDArray[np.int32]:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)


def _name_index(
    words: list[str],
    flat: npt.NDArray[np.int32],
    form_len: npt.NDArray[np.int32],
    owner: npt.NDArray[np.int32],
) -> NameIndex:
    forms = int(form_len.shape[0])
    df = np.bincount(flat, minlength=len(words)).astype(np.float64)
    idf = np.log1p(max(forms, 1) / np.maximum(df, 1.0))
    posting_form = np.repeat(np.arange(forms, dtype=np.int32), form_len)
    squares = np.bincount(posting_form, weights=idf[flat] ** 2, minlength=forms)
    norms = np.sqrt(squares)
    norms[norms == 0] = 1.0
    weight = idf[flat] ** 2 / norms[posting_form]  # idf on the query side too
    order = np.argsort(flat, kind="stable")
    ends = np.cumsum(df.astype(np.int64))
    offsets = {
        words[i]: (int(ends[i] - df[i]), int(ends[i])) for i in range(len(words)) if df[i] > 0
    }
    # Start from an empty index built by the matcher itself, so that fields it adds
    # for its own scoring get valid empty values; retrieval uses only these.
    return replace(
        NameIndex.build([]),
        form_profile=owner.astype(np.int32),
        offsets=offsets,
        rows=posting_form[order].astype(np.int32),
        weights=weight[order].astype(np.float32),
        idf={words[i]: float(idf[i]) for i in range(len(words))},
    )


# -- saving and loading ------------------------------------------------------------------


def index_path(store: Store, settings: Settings) -> Path:
    """Where the index of this store's portfolio is saved."""
    code = code_digest("matching/index.py", "matching/profile.py", "screening/portfolio_index.py")
    key = hashlib.sha256(f"{FORMAT}|{code}|{store.url}".encode()).hexdigest()[:16]
    return settings.home / "portfolio-index" / f"customers-{key}.idx"


def save(index: PortfolioIndex, path: Path) -> None:
    """Write atomically: a crash mid-write leaves the previous index in place."""
    save_pickle(path, (FORMAT, index))


def load(path: Path) -> PortfolioIndex | None:
    """The saved index, or None when missing, damaged or of another format."""
    try:
        with path.open("rb") as handle:
            fmt, index = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return None
    if fmt != FORMAT or not isinstance(index, PortfolioIndex):
        return None
    return index


@dataclass
class Lookup:
    """The saved index plus the overlay of customers imported since it was built."""

    base: PortfolioIndex
    overlay: PortfolioIndex | None
    rebuilt: bool

    def candidates(self, entity: Profile, limit: int) -> list[str]:
        found = self.base.candidates(entity, limit)
        if self.overlay is not None:
            seen = set(found)
            found.extend(c for c in self.overlay.candidates(entity, limit) if c not in seen)
        return found


def ensure(
    store: Store,
    settings: Settings,
    *,
    stale_share: float | None = None,
    progress: Progress | None = None,
) -> Lookup:
    """The portfolio's index, loaded when saved and fresh enough, rebuilt otherwise.

    A saved index is used only for the store it was built from (recognised by the hash
    of the store's first audit record, so a store recreated from scratch never reuses a
    stale file). Customers added or changed after it was built go into an in-memory
    overlay; when they are more than ``stale_share`` of the portfolio, the index is
    rebuilt and saved. Entries of changed customers left in the saved index only ever
    add candidates, which are scored on the customers' current records.
    """
    share = STALE_SHARE if stale_share is None else stale_share
    path = index_path(store, settings)
    revision = db.portfolio_revision(store)
    key = audit_store.genesis_hash(store) or ""
    base = load(path)
    if base is not None and (base.store_key != key or base.revision > revision):
        base = None
    if base is not None:
        newer = db.count_customers(store, min_rev=base.revision)
        if newer <= math.floor(share * db.count_customers(store)):
            overlay = None
            if newer:
                overlay = build(
                    (c.entity for c in db.iter_customers(store, min_revision=base.revision)),
                    revision,
                    key,
                )
            return Lookup(base, overlay, rebuilt=False)
    total = db.count_customers(store)
    workers = min(os.cpu_count() or 1, 4) if total >= PARALLEL_FROM else 1
    fresh = build(
        (c.entity for c in db.iter_customers(store, max_revision=revision)),
        revision,
        key,
        progress,
        workers,
    )
    save(fresh, path)
    return Lookup(fresh, None, rebuilt=True)
