"""The store: snapshots of lists (and, later, the screening record) in one database."""

from __future__ import annotations

from redline.settings import Settings
from redline.store.database import Store
from redline.store.snapshots import SnapshotInfo, SnapshotMeta

__all__ = ["SnapshotInfo", "SnapshotMeta", "Store", "open_store"]


def open_store(settings: Settings) -> Store:
    """Open (creating and migrating when needed) the store the settings name."""
    store = Store(settings.store_url)
    store.migrate()
    return store
