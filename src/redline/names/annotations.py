"""Names that carry more than a name: former names, aliases and clerical annotations.

Trade documents and lists write "Ocean Pioneer (ex-Cape Diamond)", "X f/k/a Y",
"SHIPPER: X", "X Ltd - Malindi Branch", "HALVERSTONE SPIRIT V.214W (Marshall Islands
flag)" or "X S.A. de C.V. c/o Aduanas Y": one or more names plus notes. Matching the
whole string against a listed name fails on the notes, and misses the former name.
:func:`split_variants` returns the names (the current one first, then former names and
aliases) with the notes removed; what was removed is kept for the explanation.

Call it on the cleaned name with its case: "ex" is a marker before a capitalised name
("Pioneer ex Cape Diamond", "PIONEER EX CAPE DIAMOND") but a word in "Ex Libris Ltd".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from redline.countries import country_code

__all__ = [
    "KINDS",
    "VESSEL_PREFIXES",
    "Variant",
    "split_variants",
    "strip_vessel_prefix",
]

KINDS = frozenset({"primary", "former", "alias"})

VESSEL_PREFIXES = frozenset(
    {
        "mv", "m/v", "m.v.", "m.v", "mt", "m/t", "m.t.", "m.t", "ss", "s.s.", "s/s",
        "fv", "f/v", "f.v.", "t/b", "n/m", "ms", "m/s", "m.s.", "mts", "m/y", "sv",
        "s/v", "rv", "r/v", "mfv", "tss", "tsmv", "mvs", "lng/c", "lpg/c",
    }
)  # fmt: skip
"""Ship-type prefixes ("MV", "M/T", "N/M" …), casefolded as written. "MY" (motor yacht),
"LNG" and "LPG" are left out: they begin real vessel names ("My Lady", "LNG Aquarius")."""

_MAX_CHARS = 1000
_MAX_VARIANTS = 8

_PREFIX = re.compile(
    r"^\s*(?:m\.?\s?[/.]?\s?[vts]|m\s?/\s?y|s\.?\s?[/.]?\s?[sv]|f\.?\s?/?\s?v|t\.?\s?/\s?b|n\.?\s?/\s?m"
    r"|r\.?\s?/\s?v|mts|mfv|tss|tsmv|mvs)\.?(?:\s+|(?=[\"'«„“]))",
    re.IGNORECASE,
)

_LABEL = re.compile(
    r"^\s*(?:(?:shipper|consignee|beneficiary|applicant|notify(?:\s+party)?|buyer|seller"
    r"|importer|exporter|drawee|drawer|payee|payer|remitter|ordering\s+customer"
    r"|account\s+holder|attn|attention|supplier|manufacturer|carrier|owner|operator"
    r"|manager)\s*:\s*|messrs\.?\s+|m/s\.?\s+|m/s\.?(?=[A-Z]))",
    re.IGNORECASE,
)
_CARE_OF = re.compile(r"\s*[,;]?\s*(?<!\w)(?:c/o|c\\o|care\s+of)(?!\w).*$", re.IGNORECASE | re.S)
_PARENS = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]")

_FORMER_WORDS = (
    r"f\.?\s?k\.?\s?a\.?|f/k/a|formerly(?:\s+known\s+as)?|previously(?:\s+known\s+as)?"
    r"|former(?:ly)?\s+name|renamed\s+from|old\s+name"
)
_ALIAS_WORDS = (
    r"a\.?\s?k\.?\s?a\.?|a/k/a|also\s+known\s+as|alias|t/a|trading\s+as|d/b/a|d\.b\.a\."
    r"|dba|doing\s+business\s+as"
)
_MARKER_IN_PARENS = re.compile(
    rf"^\s*(?:(?P<former>{_FORMER_WORDS})|(?P<alias>{_ALIAS_WORDS}|now|renamed)|(?P<ex>ex))"
    rf"(?:\s*[:.\-]\s*|\s+)",
    re.IGNORECASE,
)
# A marker between two names. "ex" is checked further in _is_ex_marker.
_MARKER_INLINE = re.compile(
    rf"(?:\s*[,;/]\s*|\s+)(?:(?P<former>{_FORMER_WORDS})|(?P<alias>{_ALIAS_WORDS})|"
    rf"(?P<ex>ex)(?=[-.]\s*\S|\s+\S))(?:\s*[:.\-]\s*|\s+)",
    re.IGNORECASE,
)
_CHAIN_EX = re.compile(r"\s*[,;/]\s*(?:ex\b[-.]?|and\s+ex\b[-.]?)\s*", re.IGNORECASE)
_YEARS = re.compile(
    r"\s*[,;]?\s*(?:(?:until|till|to|since|from|in|before|after|up\s+to|through)\s+)?"
    r"(?:19|20)\d{2}(?:\s*[-–/]\s*(?:19|20)?\d{2})?(?!\w)",
    re.IGNORECASE,
)
_DATED = re.compile(
    r"\s*[,;]?\s*(?:until|till|since|up\s+to)\s+(?:19|20)\d{2}(?!\w)", re.IGNORECASE
)
_VOYAGE = re.compile(
    r"\s*(?<!\w)(?:voy(?:age)?\.?\s*(?:no\.?\s*)?\d{1,4}[a-z]?|v\.\s?\d{2,4}[nsew]?"
    r"|v\d{2,4}[nsew])(?!\w)",
    re.IGNORECASE,
)
_IDS = re.compile(
    r"\s*[,;]?\s*(?<!\w)(?:imo|mmsi|call\s*sign|official\s+no\.?)\s*(?:no\.?|number|:|#)?\s*"
    r"[a-z]?\d{5,9}(?!\w)",
    re.IGNORECASE,
)
_BRANCH_WORDS = (
    r"branch(?:\s+office)?|representative\s+office|rep\.\s+office|filiale|succursale"
    r"|sucursal|zweigniederlassung|niederlassung|oddzia[lł]|филиал|філія"
)
_BRANCH_TAIL = re.compile(
    rf"\s*[-–—,;:]\s*(?:[^-–—,;:()]{{0,60}}(?<!\w)(?:{_BRANCH_WORDS})|(?:{_BRANCH_WORDS})"
    rf"(?!\w)[^,;()]{{0,60}})\s*$",
    re.IGNORECASE,
)
_BRANCH_IN = re.compile(rf"(?<!\w)(?:{_BRANCH_WORDS})(?!\w)", re.IGNORECASE)
_FLAG = re.compile(r"(?<!\w)(?:flag|flagged|registry|registered\s+in)(?!\w)", re.IGNORECASE)
_ID_IN = re.compile(r"^\s*(?:imo|mmsi|call\s*sign|official\s+no|msn|reg)\b", re.IGNORECASE)
_YEAR_ONLY = re.compile(r"^\s*(?:19|20)\d{2}(?:\s*[-–/]\s*(?:19|20)?\d{2})?\s*$")
_COUNTRY_CODES = frozenset({"UK", "USA", "US", "UAE", "PRC", "HK", "KSA", "ROK", "DPRK"})
_EDGE = " ,;:-–—/|·"
_CRAFT = frozenset({"Vessel", "Airplane"})


@dataclass(frozen=True, slots=True)
class Variant:
    """One name found in a name string: ``kind`` is "primary" (the current name),
    "former" (ex-, f.k.a., formerly …) or "alias" (a.k.a., trading as …); ``removed``
    lists the notes taken out of it (flags, voyages, branches, c/o parties, labels)."""

    text: str
    kind: str = "primary"
    removed: tuple[str, ...] = ()


def _tidy(text: str) -> str:
    return " ".join(text.split()).strip(_EDGE).strip()


def _country(inner: str) -> bool:
    stripped = inner.strip()
    if stripped in _COUNTRY_CODES:
        return True
    return len(stripped) >= 4 and country_code(stripped) is not None


def _is_note(inner: str) -> bool:
    """A parenthesis that annotates rather than names: flag, id, year, branch, country, c/o."""
    return bool(
        _FLAG.search(inner)
        or _ID_IN.match(inner)
        or _YEAR_ONLY.match(inner)
        or _BRANCH_IN.search(inner)
        or _country(inner)
        or inner.casefold().startswith("c/o")
    )


def _is_ex_marker(text: str, m: re.Match[str]) -> bool:
    """Whether the "ex" at ``m`` announces a former name rather than being a word."""
    word = m.group("ex")
    after = text[m.end() :]
    if not after or m.start() == 0 or not text[: m.start()].strip(_EDGE):
        return False
    joined = text[m.start("ex") + 2 : m.end()]
    if after[:2].casefold() == "im" and (len(after) == 2 or not after[2].isalpha()):
        return False  # "Ex-Im Bank"
    separated = text[m.start() : m.start("ex")].strip() != ""
    if "-" in joined or "." in joined or separated:
        return True
    has_upper = any(c.isupper() for c in text)
    has_lower = any(c.islower() for c in text)
    first = after[0]
    starts_name = first.isupper() or first.isdigit() or first in "\"'«„“" or not has_upper
    if word == "ex":
        return starts_name
    if word == "EX":
        return starts_name or not has_lower
    return False  # "Ex" in a title-cased name is a word


def _split_inline(text: str) -> list[tuple[str, str]]:
    """[(kind, segment)]: the text cut at former-name and alias markers."""
    out: list[tuple[str, str]] = []
    kind = "primary"
    last = 0
    for m in _MARKER_INLINE.finditer(text):
        if m.start() < last:
            continue
        if m.group("ex") is not None:
            if not _is_ex_marker(text, m):
                continue
            new_kind = "former"
        else:
            new_kind = "former" if m.group("former") else "alias"
        if not text[last : m.start()].strip(_EDGE) and kind == "primary" and not out:
            continue
        out.append((kind, text[last : m.start()]))
        kind = new_kind
        last = m.end()
        if len(out) >= _MAX_VARIANTS:
            break
    out.append((kind, text[last:]))
    return out


def _names_in_marker(rest: str) -> list[str]:
    """ "Mandvi Bay, ex Wanshan Pearl, 2019" → ["Mandvi Bay", "Wanshan Pearl"]."""
    names = []
    for part in _CHAIN_EX.split(rest)[:_MAX_VARIANTS]:
        cleaned = _tidy(_YEARS.sub(" ", part))
        if cleaned:
            names.append(cleaned)
    return names


def _clean_segment(text: str, craft: bool, removed: list[str]) -> str:
    for pattern in (_VOYAGE, _IDS, _DATED):
        if pattern.search(text):
            removed.extend(_tidy(m.group()) for m in pattern.finditer(text))
            text = pattern.sub(" ", text)
    m = _BRANCH_TAIL.search(text)
    if m and text[: m.start()].strip(_EDGE):
        removed.append(_tidy(m.group()))
        text = text[: m.start()]
    if craft and "," in text:
        head, _, tail = text.partition(",")
        if head.strip(_EDGE):
            removed.append(_tidy(tail))
            text = head
    return _tidy(text)


def split_variants(name: str, schema: str = "LegalEntity") -> list[Variant]:
    """The names in ``name``: the current name first ("primary"), then former names and
    aliases, each without annotations. Never raises, returns at least one variant and at
    most eight; each variant's text is non-empty unless ``name`` was.

    "Ocean Pioneer (ex-Cape Diamond)" → Ocean Pioneer (primary), Cape Diamond (former);
    "SHIPPER: X SA DE CV" → X SA DE CV; "X Ltd - Malindi Branch" → X Ltd;
    "MV Soja Paranaense, Santos" (a Vessel) → MV Soja Paranaense.
    """
    if not name or not isinstance(name, str):
        return [Variant("")]
    full = _tidy(name[:_MAX_CHARS])
    if not full:
        return [Variant("")]
    craft = schema in _CRAFT
    removed: list[str] = []
    text = full

    for _ in range(3):
        m = _LABEL.match(text)
        if not m or not text[m.end() :].strip(_EDGE):
            break
        if craft and m.group().strip().casefold().startswith("m/s"):
            break  # M/S is a ship prefix on a vessel
        removed.append(_tidy(m.group()))
        text = text[m.end() :]

    m = _CARE_OF.search(text)
    if m and text[: m.start()].strip(_EDGE):
        removed.append(_tidy(m.group()))
        text = text[: m.start()]

    others: list[tuple[str, str]] = []
    pieces: list[str] = []
    last = 0
    for m in _PARENS.finditer(text):
        inner = m.group(1)
        marker = _MARKER_IN_PARENS.match(inner)
        keep = False
        if marker:
            kind = "alias" if marker.group("alias") else "former"
            others.extend((kind, n) for n in _names_in_marker(inner[marker.end() :]))
        elif _is_note(inner):
            removed.append(_tidy(inner))
        elif craft and not text[m.end() :].strip(_EDGE) and inner.strip():
            removed.append(_tidy(inner))  # a port or a note after a vessel's name
        else:
            keep = True
        if not keep:
            pieces.append(text[last : m.start()])
            last = m.end()
    if pieces:
        pieces.append(text[last:])
        text = " ".join(pieces)

    variants: list[Variant] = []
    segments = _split_inline(text)
    for index, (kind, segment) in enumerate(segments):
        if index == 0 and kind == "primary":
            cleaned = _clean_segment(segment, craft, removed)
            if cleaned:
                variants.append(Variant(cleaned, "primary"))
            continue
        for part in _names_in_marker(segment):
            cleaned = _clean_segment(part, craft, [])
            if cleaned:
                others.append((kind, cleaned))

    if not variants:
        first_other = next((n for _, n in others), "")
        variants.append(Variant(_tidy(text) or first_other or full, "primary"))
    seen = {variants[0].text.casefold()}
    for kind, other in others:
        key = other.casefold()
        if key in seen or len(variants) >= _MAX_VARIANTS:
            continue
        seen.add(key)
        variants.append(Variant(other, kind))
    if removed:
        notes = tuple(r for r in removed if r)
        variants[0] = Variant(variants[0].text, "primary", notes)
    return variants


def strip_vessel_prefix(name: str) -> tuple[str, str | None]:
    """("Pelgarra Glory", "M.V.") for "M.V. Pelgarra Glory"; (name, None) when the name
    has no ship-type prefix or nothing would be left without it."""
    m = _PREFIX.match(name)
    if not m or not name[m.end() :].strip():
        return name, None
    return name[m.end() :].strip(), m.group().strip()
