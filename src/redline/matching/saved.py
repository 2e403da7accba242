"""Indexes saved between runs — the screening index, the portfolio index, the news
gazetteer: written atomically, and keyed by a digest of the code that built them so
that an upgrade never loads an index analysed by other code."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
#: Name analysis: every saved index depends on it.
_ANALYSIS = ("names", "names/translit", "names/data", "names/translit/data")


@cache
def code_digest(*modules: str) -> str:
    """A digest of the name-analysis code and data plus ``modules`` (paths inside the
    package, e.g. ``"matching/index.py"``), even when nobody remembered to bump a
    format version."""
    digest = hashlib.sha256()
    for folder in _ANALYSIS:
        for path in sorted((_PACKAGE / folder).glob("*")):
            if path.is_file() and path.suffix in (".py", ".tsv", ".txt", ".json"):
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    for module in modules:
        digest.update(module.encode())
        digest.update((_PACKAGE / module).read_bytes())
    return digest.hexdigest()[:16]


def save_pickle(path: Path, payload: object) -> None:
    """Write atomically: a crash mid-write leaves the previous file, or none, in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
