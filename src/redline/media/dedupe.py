"""Syndicated and near-duplicate copies: URL canonicalisation and MinHash over shingles.

A wire story reprinted by twenty sites is one source, not twenty. Two articles are near
copies when the Jaccard similarity of their word 4-gram shingles (the tokenisation the
ScrapingHub extraction benchmark uses) is at least :data:`THRESHOLD`: a copy with its own
headline, byline and footer still shares almost every shingle of the body, while another
article on the same event shares only names and stock phrases.

MinHash signatures (fixed seed and permutation count, stored with each signature so that
a later change of either is detected) estimate that similarity; locality-sensitive
hashing (:data:`BANDS` bands of :data:`ROWS` rows) turns each signature into bucket keys,
kept in an indexed table, so that finding the candidates for a new article is one indexed
query instead of a comparison with every stored article. Candidates are then confirmed on
the exact shingle sets.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from redline.media.article import normalise_text
from redline.media.attribution import _word_list

NUM_PERM = 128
SEED = 20240611
SHINGLE = 4
#: Jaccard similarity of shingle sets from which two texts are copies of one another.
THRESHOLD = 0.8
# 32 bands of 4 rows: a pair at Jaccard 0.8 shares a bucket with probability 1-(1-0.8^4)^32
# (> 0.9999); at 0.3 it does about a quarter of the time and is then rejected on the exact
# sets. Cheap false candidates are better than missed copies.
BANDS = 32
ROWS = 4

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Words of the normalised text (case-folded, NFKC), punctuation dropped."""
    return _TOKEN.findall(normalise_text(text))


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Word ``size``-grams of ``text``; a text shorter than that is one shingle."""
    words = tokens(text)
    if not words:
        return set()
    if len(words) < size:
        return {" ".join(words)}
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b|; 0 for two empty sets (nothing to call a copy)."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Signature:
    """A MinHash signature with the parameters it was computed with."""

    values: np.ndarray
    num_perm: int = NUM_PERM
    seed: int = SEED

    @property
    def empty(self) -> bool:
        """True for a text without words: such a text is a copy of nothing."""
        return bool(np.all(self.values == np.iinfo(np.uint32).max))

    def to_bytes(self) -> bytes:
        return np.asarray(self.values, dtype="<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, num_perm: int, seed: int) -> Signature:
        values = np.frombuffer(data, dtype="<u4").astype(np.uint32)
        return cls(values, num_perm, seed)

    def similarity(self, other: Signature) -> float:
        """Estimated Jaccard similarity (fraction of equal minima); 0 when the
        parameters differ or either text is empty."""
        if (self.num_perm, self.seed) != (other.num_perm, other.seed):
            return 0.0
        if self.empty or other.empty:
            return 0.0
        return float(np.mean(self.values == other.values))

    def buckets(self) -> list[str]:
        """LSH bucket keys, one per band: ``bb:hash`` of that band's rows."""
        if self.empty:
            return []
        out = []
        raw = np.asarray(self.values, dtype="<u4")
        for band in range(BANDS):
            chunk = raw[band * ROWS : (band + 1) * ROWS].tobytes()
            digest = hashlib.blake2b(chunk, digest_size=8).hexdigest()
            out.append(f"{band:02d}:{digest}")
        return out


def signature(text: str, *, num_perm: int = NUM_PERM, seed: int = SEED) -> Signature:
    """MinHash of the text's shingles."""
    return signature_of(shingles(text), num_perm=num_perm, seed=seed)


def signature_of(grams: set[str], *, num_perm: int = NUM_PERM, seed: int = SEED) -> Signature:
    """MinHash of a shingle set already computed."""
    # Imported here: datasketch takes a noticeable part of a second to import, and
    # reading stored articles never needs it.
    from datasketch import MinHash  # type: ignore[import-untyped]

    mh = MinHash(num_perm=num_perm, seed=seed)
    if grams:
        mh.update_batch([g.encode("utf-8") for g in sorted(grams)])
    return Signature(np.asarray(mh.hashvalues, dtype=np.uint32).copy(), num_perm, seed)


# -- URLs -----------------------------------------------------------------------------------

#: Query parameters that track the reader, not select the page.
TRACKING_PARAMS = frozenset(
    _word_list(
        """
    fbclid gclid gclsrc dclid msclkid yclid igshid mc_cid mc_eid _ga _gl _hsenc _hsmi
    mkt_tok ref ref_src ref_url referrer cmpid cmp ocid icid ncid sr_share share
    smid smtyp spm taid soc_src soc_trk guccounter guce_referrer guce_referrer_sig
    at_medium at_campaign at_custom1 at_custom2 at_custom3 at_custom4 cid s_cid
    __twitter_impression amp outputtype cxense_source sh tracking_id rss
    """
    )
)
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "vero_", "oly_", "__")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    key = name.casefold()
    return key in TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The URL as compared across copies: scheme and host lower-case, default port,
    fragment, tracking parameters and AMP markers removed, the other parameters sorted,
    and a trailing slash on a non-root path dropped.

    The result is itself canonical (the function is idempotent). Something that is not
    an http(s) URL comes back stripped but otherwise unchanged.
    """
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return raw
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return raw
    host = parts.hostname.lower().rstrip(".")
    if host.startswith("amp."):
        host = host[4:]
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = _strip_amp(parts.path or "/")
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    query.sort()
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def _strip_amp(path: str) -> str:
    segments = [s for s in path.split("/")]
    kept = [s for s in segments if s.casefold() not in ("amp", "amp.html")]
    path = "/".join(kept) or "/"
    path = re.sub(r"\.amp(\.html?)$", r"\1", path, flags=re.IGNORECASE)
    path = re.sub(r"\.amp$", "", path, flags=re.IGNORECASE)
    path = re.sub(r"/{2,}", "/", path)
    if not path.startswith("/"):
        path = "/" + path
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return path
