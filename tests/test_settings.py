"""Settings come from one registry and REDLINE_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.errors import ConfigError
from redline.settings import Settings


def test_environment_overrides(tmp_path: Path) -> None:
    s = Settings.from_env({"REDLINE_HOME": str(tmp_path), "REDLINE_SHRINK_LIMIT": "0.2"})
    assert s.home == tmp_path
    assert s.shrink_limit == 0.2
    assert s.store_url == f"sqlite:///{tmp_path / 'redline.db'}"


def test_explicit_overrides_win(tmp_path: Path) -> None:
    s = Settings.from_env({"REDLINE_HOME": "/elsewhere"}, home=tmp_path)
    assert s.home == tmp_path


def test_bad_values_are_named() -> None:
    with pytest.raises(ConfigError, match="REDLINE_DOWNLOAD_RETRIES"):
        Settings.from_env({"REDLINE_DOWNLOAD_RETRIES": "many"})


def test_every_setting_is_documented() -> None:
    for item in Settings.describe():
        assert item["help"], item["name"]
        assert item["env"].startswith("REDLINE_")


def test_docs_list_every_setting() -> None:
    """docs/settings.md is the page users read: every setting appears there."""
    page = (Path(__file__).parent.parent / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = [item["env"] for item in Settings.describe() if f"`{item['env']}`" not in page]
    assert not missing, f"docs/settings.md does not describe {missing}"
