"""Every setting redline has, declared once: name, default, help and ``REDLINE_*`` override.

Library functions take a :class:`Settings` object and never read the environment
themselves; only :meth:`Settings.from_env` does, at the edge (CLI, server).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from redline.errors import ConfigError


def _default_home() -> Path:
    return Path(user_data_dir("redline", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """redline's configuration. Each field's ``metadata['help']`` is its documentation,
    and ``REDLINE_<FIELD NAME IN CAPITALS>`` overrides it from the environment."""

    home: Path = field(
        default_factory=_default_home,
        metadata={"help": "Directory for the embedded database and downloaded list files."},
    )
    database_url: str | None = field(
        default=None,
        metadata={
            "help": "SQLAlchemy URL of the store; default: a SQLite file redline.db in home."
        },
    )
    shrink_limit: float = field(
        default=0.10,
        metadata={
            "help": "Largest fraction by which a new snapshot may have fewer entities than "
            "the active one before activation needs --force."
        },
    )
    download_timeout: float = field(
        default=60.0, metadata={"help": "Seconds to wait for a publisher's server per request."}
    )
    download_retries: int = field(
        default=3, metadata={"help": "Attempts per file before a download is given up."}
    )
    download_max_bytes: int = field(
        default=512 * 1024 * 1024,
        metadata={"help": "Largest list file redline will download, in bytes."},
    )
    auto_discount: str = field(
        default="birth_year,gender,nationality",
        metadata={
            "help": "Rules that mark a new alert auto_discounted instead of open, comma-"
            "separated (empty: none): birth_year, gender, nationality. Nothing is deleted."
        },
    )
    auto_discount_birth_years: int = field(
        default=3,
        metadata={
            "help": "The birth_year rule discounts an alert when the customer's and the "
            "listed party's birth years are all further apart than this."
        },
    )
    rescreen_candidates: int = field(
        default=200,
        metadata={
            "help": "Customers retrieved from the portfolio index and scored per changed "
            "list entry in a delta re-screen."
        },
    )
    api_max_body_bytes: int = field(
        default=1024 * 1024,
        metadata={
            "help": "Largest HTTP request body the server reads, in bytes; a larger one "
            "gets 413 before it is parsed."
        },
    )
    api_max_queries: int = field(
        default=100,
        metadata={"help": "Most queries one POST /match request may carry (413 beyond)."},
    )
    api_request_timeout: float = field(
        default=30.0,
        metadata={
            "help": "Seconds an HTTP request may take before the server answers 503 "
            "instead of its result."
        },
    )
    api_cors_origins: str = field(
        default="",
        metadata={
            "help": "Origins allowed to call the HTTP API from a browser, comma-separated "
            "(empty: CORS off)."
        },
    )
    api_max_upload_bytes: int = field(
        default=200 * 1024 * 1024,
        metadata={
            "help": "Largest file the HTTP API accepts in an upload (customer files, list "
            "files), in bytes; a larger one gets 413 and nothing is kept."
        },
    )
    media_max_bytes: int = field(
        default=5 * 1024 * 1024,
        metadata={
            "help": "Largest page, file or feed 'media add' reads, in bytes; a larger one is "
            "refused with an error before it is parsed."
        },
    )
    media_timeout: float = field(
        default=20.0,
        metadata={"help": "Seconds 'media add' waits for a news site, per page."},
    )
    media_languages: str = field(
        default="en",
        metadata={
            "help": "Languages (ISO 639-1, comma-separated) 'media add' accepts; an article "
            "detected in another is refused with an error. Empty: any language."
        },
    )

    @property
    def store_url(self) -> str:
        """The database URL in force."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'redline.db'}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``REDLINE_*`` variables, then explicit ``overrides``."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"REDLINE_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(f.name, str(f.type), raw)
        settings = cls(**values)
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})

    @classmethod
    def describe(cls) -> list[dict[str, str]]:
        """Name, environment variable, default and help of every setting."""
        out = []
        default = cls()
        for f in fields(cls):
            out.append(
                {
                    "name": f.name,
                    "env": f"REDLINE_{f.name.upper()}",
                    "default": str(getattr(default, f.name)),
                    "help": str(f.metadata.get("help", "")),
                }
            )
        return out


def _convert(name: str, type_name: str, raw: str) -> Any:
    try:
        if "Path" in type_name:
            return Path(raw).expanduser()
        if "float" in type_name:
            return float(raw)
        if "int" in type_name:
            return int(raw)
    except ValueError:
        raise ConfigError(f"REDLINE_{name.upper()}={raw!r} is not a valid {type_name}") from None
    return raw
