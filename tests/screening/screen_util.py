"""What the screen-a-file tests share: the fixture file, a home with the bundled OFAC
sample loaded (and its index built once), and CSV files written as a spreadsheet would."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline import lists
from redline.matching.screener import Screener
from redline.settings import Settings
from redline.store import open_store

FIXTURES = Path(__file__).parent.parent / "fixtures" / "screening"
COUNTERPARTIES = FIXTURES / "counterparties.csv"


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A REDLINE_HOME holding the bundled sample, its name index already saved."""
    home = tmp_path_factory.mktemp("screen-home")
    settings = Settings(home=home)
    store = open_store(settings)
    try:
        lists.load_sample(store, settings)
        Screener.from_store(store, cache_dir=home / "index")
    finally:
        store.close()
    return home


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    """A CSV file written with the csv module (quoting as a spreadsheet would)."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
