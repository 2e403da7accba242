"""What every command shares: settings from the environment, the store, and output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from redline.settings import Settings
from redline.store import Store, open_store

# Off a terminal (pipes, make, CI logs) rich would assume 80 columns and truncate
# tables; a wider page keeps ids and names whole. COLUMNS still wins when set.
_WIDTH = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160
console = Console(highlight=False, width=_WIDTH)
console_err = Console(stderr=True, highlight=False)


@dataclass
class _State:
    home: Path | None = None


state = _State()


def settings() -> Settings:
    """Settings from ``REDLINE_*`` variables and the global ``--home`` option."""
    return Settings.from_env(home=state.home)


@contextmanager
def store() -> Iterator[tuple[Store, Settings]]:
    """The store the settings name, opened (and migrated) for one command."""
    conf = settings()
    db = open_store(conf)
    try:
        yield db, conf
    finally:
        db.close()


def print_json(data: Any) -> None:
    """Machine output: one JSON document on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
