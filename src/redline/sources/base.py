"""The Source protocol: what a publisher's list is, where it lives, and how its bytes
become entities. A source knows nothing of the store, the network or the CLI."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from redline.entities import Entity
from redline.errors import RecordError
from redline.sources.files import InputFile

MAX_SKIP_SAMPLES = 200
"""How many skipped-record errors a snapshot keeps verbatim; the rest are only counted."""


class Skip(Protocol):
    """Reports what is wrong with one record whose place is already known."""

    def __call__(self, message: str, field: str | None = None) -> None: ...


@dataclass
class ParseContext:
    """What a parser reports besides entities: skipped records and the publication date.

    In strict mode the first malformed record fails the load; otherwise it is skipped,
    counted and kept (up to :data:`MAX_SKIP_SAMPLES`) so that ``lists status`` shows it.
    """

    source: str
    strict: bool = False
    skipped_count: int = 0
    skipped: list[RecordError] = field(default_factory=list)
    published_at: str | None = None
    """ISO 8601 date or timestamp the publisher gives for this version, when it does."""

    def skip(self, error: RecordError) -> None:
        """Record a malformed record; raises it instead when the load is strict."""
        if self.strict:
            raise error
        self.skipped_count += 1
        if len(self.skipped) < MAX_SKIP_SAMPLES:
            self.skipped.append(error)

    def skipper(
        self,
        path: str,
        *,
        line: int | None = None,
        element: str | None = None,
        record: str | None = None,
    ) -> Skip:
        """A ``skip(message, field)`` bound to one record's place in a file, so that a
        parser says where the record is once and then only what is wrong with it."""

        def skip(message: str, field: str | None = None) -> None:
            self.skip(
                RecordError(
                    message, path=path, line=line, element=element, field=field, record=record
                )
            )

        return skip


class Source(ABC):
    """A publisher's list in one or more formats.

    Subclasses set the class attributes and implement :meth:`parse`. ``options`` carries
    per-load settings a source may need (the CSV watchlist's column mapping).
    """

    id: ClassVar[str]
    """Short, stable id that scripts rely on (``us-ofac-sdn``)."""
    title: ClassVar[str]
    publisher: ClassVar[str]
    formats: ClassVar[tuple[str, ...]]
    """Human names of the formats :meth:`parse` accepts, for ``lists sources``."""
    urls: ClassVar[tuple[str, ...]] = ()
    """Official download URLs, fetched together by ``lists update``; empty for sources
    that only read a user's files."""

    def __init__(self, options: Mapping[str, str] | None = None) -> None:
        self.options: dict[str, str] = dict(options or {})

    @abstractmethod
    def parse(self, files: Sequence[InputFile], ctx: ParseContext) -> Iterator[Entity]:
        """Yield the entities in ``files`` (one version of the list, possibly spread over
        several files). Unreadable files raise :class:`~redline.errors.InputError`;
        malformed records go to ``ctx.skip``. Must stream: memory stays flat in the
        size of the files, apart from indexes the format forces (joins by id)."""

    @classmethod
    def describe(cls) -> dict[str, object]:
        """A JSON-ready description for ``lists sources``."""
        return {
            "id": cls.id,
            "title": cls.title,
            "publisher": cls.publisher,
            "formats": list(cls.formats),
            "urls": list(cls.urls),
        }
