"""Opening list files safely: compressed archives, encodings, CSV with line numbers and
XML with entity expansion and network access off.

Every failure becomes an :class:`~redline.errors.InputError` naming the file (and the
line or element when known), so a user never sees a bare ``UnicodeDecodeError`` or
``EOFError`` from deep inside a parser.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lxml import etree

from redline.errors import InputError, XMLSecurityError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 8192
MAX_FIELD = 16 * 1024 * 1024  # some publishers put megabytes into one remarks cell


class _GuardedStream(io.RawIOBase):
    """Wraps a decompressing stream so that truncation and corruption surface as
    InputError naming the file, whenever during a streaming parse they are met."""

    def __init__(self, inner: IO[bytes], label: str, closers: list[Any]) -> None:
        self._inner = inner
        self._label = label
        self._closers = closers

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._inner.read(len(buffer))
        except (EOFError, gzip.BadGzipFile, zlib.error, zipfile.BadZipFile, OSError) as exc:
            raise InputError(
                f"compressed file is truncated or corrupt ({exc})", path=self._label
            ) from None
        n = len(data)
        buffer[:n] = data
        return n

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer.close()
        super().close()


@dataclass(frozen=True)
class InputFile:
    """One logical input file: a path on disk, or a member of a zip archive.

    ``name`` is the file's own name (the zip member's name for archive members); parsers
    use it to tell the files of a set apart (``sdn.csv`` from ``alt.csv``). ``label`` is
    what error messages show.
    """

    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        return Path(self.member).name if self.member else self.path.name

    @property
    def label(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    def open(self) -> IO[bytes]:
        """Open the decompressed bytes; gzip is undone transparently."""
        closers: list[IO[bytes] | zipfile.ZipFile] = []
        try:
            if self.member is not None:
                archive = zipfile.ZipFile(self.path)
                closers.append(archive)
                raw: IO[bytes] = archive.open(self.member)
            else:
                raw = open(self.path, "rb")  # noqa: SIM115 - closed by the returned stream
            closers.append(raw)
            if raw.peek(2)[:2] == GZIP_MAGIC:  # type: ignore[attr-defined]
                raw = gzip.GzipFile(fileobj=raw)  # type: ignore[assignment]
                closers.append(raw)
        except FileNotFoundError:
            raise InputError("file not found", path=self.label) from None
        except (zipfile.BadZipFile, OSError, KeyError) as exc:
            for c in reversed(closers):
                c.close()
            raise InputError(f"cannot open ({exc})", path=self.label) from None
        return io.BufferedReader(_GuardedStream(raw, self.label, closers))

    def head(self, size: int = SNIFF_BYTES) -> bytes:
        """The first ``size`` decompressed bytes, for format sniffing."""
        with self.open() as stream:
            return stream.read(size)


def expand(paths: Sequence[str | Path]) -> list[InputFile]:
    """Turn the paths a user gave into input files: a zip archive stands for its members.

    Missing, empty and unreadable files fail here, before anything is parsed.
    """
    files: list[InputFile] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError("file not found", path=str(path))
        if path.is_dir():
            raise InputError("is a directory, not a file", path=str(path))
        if path.stat().st_size == 0:
            raise InputError("file is empty", path=str(path))
        with open(path, "rb") as fh:
            magic = fh.read(4)
        if magic == ZIP_MAGIC:
            try:
                with zipfile.ZipFile(path) as archive:
                    bad = archive.testzip()
                    members = [i.filename for i in archive.infolist() if not i.is_dir()]
            except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
                raise InputError(
                    f"zip archive is truncated or corrupt ({exc})", path=str(path)
                ) from None
            if bad is not None:
                raise InputError(f"zip member {bad} is corrupt", path=str(path))
            if not members:
                raise InputError("zip archive is empty", path=str(path))
            files.extend(InputFile(path, m) for m in members)
        else:
            files.append(InputFile(path))
    for f in files:
        head = f.head(64)
        if not head:
            raise InputError("file is empty", path=f.label)
        if head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<":
            # Refuse hostile XML before any source sniffs it, so that the user is told
            # why, whatever root element the file pretends to have.
            check_prolog(f)
    return files


def decode_line(raw: bytes, encodings: Sequence[str], label: str, line: int) -> str:
    """Decode one line trying each encoding in turn; the last failure names the line."""
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"cannot be decoded as {' or '.join(encodings)}: wrong encoding?", path=label, line=line
    )


def iter_text_lines(
    file: InputFile, encodings: Sequence[str] = ("utf-8",)
) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` with line endings kept, decoded line by line.

    A UTF-8 byte-order mark is dropped; OFAC's trailing Ctrl-Z (0x1A) is removed.
    """
    with file.open() as stream:
        for number, raw in enumerate(stream, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            raw = raw.replace(b"\x1a", b"")
            yield number, decode_line(raw, encodings, file.label, number)


def iter_csv(
    file: InputFile,
    encodings: Sequence[str] = ("utf-8",),
    delimiter: str = ",",
    quotechar: str = '"',
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line_number, row)`` for a CSV file, streaming; the line number is where
    the row starts, so that errors in quoted multi-line cells point to the right place."""
    csv.field_size_limit(MAX_FIELD)
    lines = iter_text_lines(file, encodings)
    start = [1]

    def feed() -> Iterator[str]:
        for number, text in lines:
            if not pending[0]:
                start[0] = number
            pending[0] = True
            yield text

    pending = [False]
    reader = csv.reader(feed(), delimiter=delimiter, quotechar=quotechar, strict=False)
    try:
        for row in reader:
            pending[0] = False
            if not row or all(not cell.strip() for cell in row):
                continue
            yield start[0], row
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc})", path=file.label, line=start[0]) from None


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_DANGEROUS = re.compile(rb"<!ENTITY|SYSTEM\s|PUBLIC\s", re.IGNORECASE)


def check_prolog(file: InputFile) -> None:
    """Refuse XML whose DOCTYPE declares entities or external resources.

    Official lists carry no DOCTYPE; one that defines entities is an attack (billion
    laughs, external entities) or a mistake, and either way is not a list to load.
    """
    head = file.head(64 * 1024)
    match = _DOCTYPE.search(head)
    if match and _DANGEROUS.search(head, match.start()):
        raise XMLSecurityError(
            "XML declares entities or external resources in its DOCTYPE; refused "
            "(entity expansion and network access are disabled)",
            path=file.label,
        )


def localname(tag: object) -> str:
    """The tag without its namespace (``{ns}sdnEntry`` → ``sdnEntry``)."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def iter_xml(
    file: InputFile,
    tags: Sequence[str],
    on_start: Callable[[etree._Element], None] | None = None,
) -> Iterator[etree._Element]:
    """Yield each complete element whose local name is in ``tags``, then free it.

    Parsing is streaming (memory flat in file size), with entity resolution, DTD loading
    and network access off. ``on_start`` sees every start tag, for header fields such as a
    publication date that come before the records.
    """
    check_prolog(file)
    wanted = set(tags)
    with file.open() as stream:
        parser = etree.iterparse(
            stream,
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
        )
        depth_in_record = 0
        try:
            for event, elem in parser:
                name = localname(elem.tag)
                if event == "start":
                    if on_start is not None and depth_in_record == 0:
                        on_start(elem)
                    if name in wanted:
                        depth_in_record += 1
                    continue
                if name in wanted:
                    depth_in_record -= 1
                    if depth_in_record == 0:
                        yield elem
                        elem.clear(keep_tail=False)
                        parent = elem.getparent()
                        if parent is not None:
                            while elem.getprevious() is not None:
                                del parent[0]
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if exc.position else None
            message = str(exc.msg) if exc.msg else str(exc)
            if "entity" in message.lower() and (
                "loop" in message.lower() or "amplification" in message.lower()
            ):
                raise XMLSecurityError(
                    f"XML entity expansion refused ({message})", path=file.label, line=line
                ) from None
            raise InputError(f"malformed XML ({message})", path=file.label, line=line) from None


def child_text(elem: etree._Element, name: str) -> str | None:
    """Text of the first direct child with this local name (any namespace), or None."""
    for child in elem:
        if isinstance(child.tag, str) and localname(child.tag) == name:
            text = child.text
            return text.strip() if text and text.strip() else None
    return None


def children(elem: etree._Element, name: str) -> list[etree._Element]:
    """Direct children with this local name (any namespace)."""
    return [c for c in elem if isinstance(c.tag, str) and localname(c.tag) == name]


def descendants(elem: etree._Element, name: str) -> list[etree._Element]:
    """All descendants with this local name (any namespace), in document order."""
    return [
        c
        for c in elem.iter()
        if isinstance(c.tag, str) and localname(c.tag) == name and c is not elem
    ]
