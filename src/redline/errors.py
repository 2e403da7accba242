"""The errors redline raises, each carrying what a user needs to find and fix the problem.

::

    RedlineError
    ├── ConfigError              a setting or argument is wrong
    ├── UnknownSourceError       no source has that id
    ├── InputError               a file cannot be read at all (missing, empty, bad encoding,
    │   │                        truncated archive, wrong format for the source)
    │   ├── XMLSecurityError     the XML declares entities or fetches external resources
    │   └── RecordError          one record is malformed (file, line or element, field)
    ├── DownloadError            a publisher's URL could not be fetched
    ├── StoreError               the store cannot do what was asked
    │   ├── NotFoundError        no such snapshot, entity or source in the store
    │   └── ShrinkGuardError     a new snapshot is much smaller than the active one

The CLI catches ``RedlineError`` once and prints ``str(error)``; every class therefore
renders a complete, single-line message.
"""

from __future__ import annotations


class RedlineError(Exception):
    """Root of every error redline raises on purpose."""


class ConfigError(RedlineError):
    """A setting, option or argument has a value redline cannot use."""


class UnknownSourceError(RedlineError):
    """No registered source has the given id."""

    def __init__(self, source_id: str, known: list[str]) -> None:
        self.source_id = source_id
        self.known = known
        super().__init__(f"unknown source {source_id!r}; known sources: {', '.join(known)}")


class InputError(RedlineError):
    """A file cannot be used: it is missing, empty, badly encoded, truncated or of the
    wrong format. ``path`` names the file; ``line``/``element`` say where, when known."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        element: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.element = element
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.path:
            where.append(self.path)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.element:
            where.append(self.element)
        prefix = ":".join(where[:1]) + (" (" + ", ".join(where[1:]) + ")" if where[1:] else "")
        return f"{prefix}: {self.message}" if prefix else self.message


class XMLSecurityError(InputError):
    """The XML declares entities or refers to external resources; redline refuses it
    rather than expand it (billion laughs) or fetch it (XXE)."""


class RecordError(InputError):
    """One record of an otherwise readable file is malformed. In the default mode the
    record is skipped and counted; with ``strict`` it fails the whole load."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        element: str | None = None,
        field: str | None = None,
        record: str | None = None,
    ) -> None:
        self.field = field
        self.record = record
        super().__init__(message, path=path, line=line, element=element)

    def _render(self) -> str:
        base = super()._render()
        extra = []
        if self.record:
            extra.append(f"record {self.record}")
        if self.field:
            extra.append(f"field {self.field}")
        return f"{base} [{', '.join(extra)}]" if extra else base

    def to_dict(self) -> dict[str, str | int | None]:
        """A JSON-ready form, kept with the snapshot so that status can show skips."""
        return {
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "element": self.element,
            "field": self.field,
            "record": self.record,
        }


class DownloadError(RedlineError):
    """A publisher's file could not be downloaded after the configured retries."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        code = f" (HTTP {status})" if status else ""
        super().__init__(f"download of {url} failed{code}: {reason}")


class StoreError(RedlineError):
    """The store cannot carry out the request."""


class NotFoundError(StoreError):
    """A snapshot, entity or source asked for is not in the store."""


class ShrinkGuardError(StoreError):
    """A new snapshot has far fewer entities than the active one: a truncated download
    must never silently shrink a list. The snapshot is kept, held, for ``--force``."""

    def __init__(self, source: str, snapshot_id: str, new: int, active: int, limit: float) -> None:
        self.source = source
        self.snapshot_id = snapshot_id
        self.new = new
        self.active = active
        self.limit = limit
        drop = 100.0 * (active - new) / active if active else 0.0
        super().__init__(
            f"{source}: new snapshot {snapshot_id} has {new} entities, {drop:.1f}% fewer than "
            f"the active {active} (limit {limit:.0%}); it was stored but not activated. "
            f"Check the file, then run 'redline lists activate {snapshot_id} --force' "
            f"or load again with --force"
        )
