"""redline: screen people, companies, vessels and aircraft against sanctions lists.

The public API: settings, the store, the list operations and the entity model.
"""

from __future__ import annotations

from redline.entities import Entity, make_id
from redline.errors import (
    ConfigError,
    DownloadError,
    InputError,
    NotFoundError,
    RecordError,
    RedlineError,
    ShrinkGuardError,
    StoreError,
    UnknownSourceError,
    XMLSecurityError,
)
from redline.lists import (
    LoadResult,
    SnapshotDiff,
    diff,
    export,
    load,
    load_sample,
    search,
    status,
    update,
)
from redline.settings import Settings
from redline.sources import get_source, source_ids
from redline.store import SnapshotInfo, Store, open_store

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "DownloadError",
    "Entity",
    "InputError",
    "LoadResult",
    "NotFoundError",
    "RecordError",
    "RedlineError",
    "Settings",
    "ShrinkGuardError",
    "SnapshotDiff",
    "SnapshotInfo",
    "Store",
    "StoreError",
    "UnknownSourceError",
    "XMLSecurityError",
    "__version__",
    "diff",
    "export",
    "get_source",
    "load",
    "load_sample",
    "make_id",
    "open_store",
    "search",
    "source_ids",
    "status",
    "update",
]
