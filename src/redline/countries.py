"""Country names as lists write them, turned into ISO 3166-1 alpha-2 codes (lowercase).

Lists name countries in many ways: official names ("Iran (Islamic Republic of)"),
inverted forms ("Korea, North"), short forms ("Burma", "UK"), alpha-2/alpha-3 codes and
demonyms in nationality fields ("Iranian"). Every source maps them with
:func:`country_code` so that a screener can filter and compare by one code.

The table lives in ``data/countries.tsv`` (alpha-2, alpha-3, names separated by ``|``,
the first name being the display name) and is read once, on first use. Demonyms that
fit several countries ("Congolese", "Korean", "Guinean", "Dominican") are left out on
purpose: an unknown value is kept as written by the caller rather than guessed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PARENS = re.compile(r"^(?P<head>[^()]*)\((?P<inner>[^()]*)\)\s*$")
_MAX_LENGTH = 200
"""Longer text is a sentence, not a country name; it is not looked up."""


def _normalize(text: str) -> str:
    """Lowercase ASCII words separated by single spaces: accents, case, punctuation and
    a leading "the" do not matter ("Côte d'Ivoire" → "cote d ivoire")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    lowered = stripped.casefold().replace("&", " and ").replace("'", "").replace("’", "")
    words = _NON_ALNUM.sub(" ", lowered).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(normalized name or code → alpha-2, alpha-2 → display name), built once."""
    index: dict[str, str] = {}
    display: dict[str, str] = {}
    text = resources.files("redline").joinpath("data/countries.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        alpha2, alpha3, names = line.split("\t")
        alpha2 = alpha2.strip().lower()
        names_list = [n.strip() for n in names.split("|") if n.strip()]
        display[alpha2] = names_list[0]
        for key in (alpha2, alpha3.strip(), *names_list):
            norm = _normalize(key)
            # The first writer wins, so that a code is never silently remapped by a
            # later variant; tests check that the table has no such clashes.
            index.setdefault(norm, alpha2)
    return index, display


def _candidates(text: str) -> list[str]:
    """The forms to try, most literal first: as written, un-inverted ("Korea, North" →
    "North Korea"), parenthesis folded in ("Iran (Islamic Republic of)" → "Islamic
    Republic of Iran"), then the part before the parenthesis ("Myanmar (Burma)")."""
    out = [text]
    if text.count(",") == 1:
        head, tail = text.split(",")
        out.append(f"{tail} {head}")
    if m := _PARENS.match(text):
        head, inner = m.group("head"), m.group("inner")
        out.append(f"{inner} {head}")
        out.append(head)
    return out


def country_code(text: str | None) -> str | None:
    """The lowercase ISO 3166-1 alpha-2 code for a country name, variant, code or
    unambiguous demonym; None when the text names no country we know."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    if not text or len(text) > _MAX_LENGTH:
        return None
    index, _ = _tables()
    for candidate in _candidates(text):
        norm = _normalize(candidate)
        if norm and norm in index:
            return index[norm]
    return None


def country_name(code: str | None) -> str | None:
    """The display name for an alpha-2 code (any case), or None when unknown."""
    if not code:
        return None
    _, display = _tables()
    return display.get(code.strip().lower())


def country_codes() -> list[str]:
    """Every alpha-2 code in the table, sorted."""
    _, display = _tables()
    return sorted(display)
