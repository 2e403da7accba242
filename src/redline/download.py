"""Downloading publishers' files: timeouts, retries with back-off, a size cap, and a
content hash computed while the bytes stream to disk."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx

from redline.errors import DownloadError
from redline.settings import Settings

USER_AGENT = "redline (sanctions screening; +https://pypi.org/project/redline/)"


@dataclass(frozen=True)
class Downloaded:
    """One fetched file on disk."""

    url: str
    path: Path
    sha256: str
    size: int


def _file_name(url: str, index: int) -> str:
    name = Path(urlparse(url).path).name or "download"
    return f"{index:02d}-{name}"


def fetch(
    url: str,
    dest: Path,
    settings: Settings,
    client: httpx.Client,
) -> Downloaded:
    """Fetch ``url`` into ``dest``, retrying transport errors and 5xx answers.

    A 4xx answer fails at once: asking again will not help. A partial file never stays
    behind: the body goes to ``dest.part`` and is renamed only when complete.
    """
    last_error = "no attempt made"
    status: int | None = None
    for attempt in range(1, max(1, settings.download_retries) + 1):
        part = dest.with_name(dest.name + ".part")
        try:
            with client.stream("GET", url) as response:
                status = response.status_code
                if 400 <= status < 500:
                    raise DownloadError(url, response.reason_phrase or "client error", status)
                if status >= 500:
                    last_error = response.reason_phrase or "server error"
                    raise httpx.TransportError(last_error)
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > settings.download_max_bytes:
                    raise DownloadError(
                        url,
                        f"file is {declared} bytes, over the {settings.download_max_bytes} limit",
                    )
                digest = hashlib.sha256()
                size = 0
                with open(part, "wb") as out:
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > settings.download_max_bytes:
                            raise DownloadError(
                                url, f"file exceeds the {settings.download_max_bytes}-byte limit"
                            )
                        digest.update(chunk)
                        out.write(chunk)
                if declared and declared.isdigit() and size != int(declared):
                    last_error = f"connection closed after {size} of {declared} bytes"
                    raise httpx.TransportError(last_error)
            part.replace(dest)
            return Downloaded(url, dest, digest.hexdigest(), size)
        except DownloadError:
            part.unlink(missing_ok=True)
            raise
        except httpx.HTTPError as exc:
            part.unlink(missing_ok=True)
            last_error = str(exc) or type(exc).__name__
            if attempt < settings.download_retries:
                time.sleep(min(0.5 * 2 ** (attempt - 1), 8.0))
    raise DownloadError(url, f"{last_error} (after {settings.download_retries} attempts)", status)


def fetch_all(urls: list[str], folder: Path, settings: Settings) -> list[Downloaded]:
    """Fetch several files of one source into ``folder``; all or nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    timeout = httpx.Timeout(settings.download_timeout, connect=min(settings.download_timeout, 30.0))
    with httpx.Client(
        timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT}
    ) as client:
        return [
            fetch(url, folder / _file_name(url, i), settings, client) for i, url in enumerate(urls)
        ]
