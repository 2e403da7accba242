"""Legal forms of organisations ("Ltd", "Sp. z o.o.", "ООО", "בע״מ", "株式会社"), found,
stripped and mapped to a few canonical classes.

A legal form says little about *which* company a name is, and it is written in endless
ways ("Co., Ltd." / "Co Ltd" / "Company Limited"; "ТОВ" / "TOV" / "LLC"), so the scorer
compares names without their forms and weighs the forms on their own with
:func:`legal_form_compatibility`. The table is ``data/org_types.tsv`` (form, class,
regions, position); its header explains the columns.

Classes:

- ``llc`` — private company with limited liability (Ltd, LLC, GmbH, ООО, S.r.l., Kft.).
- ``jsc`` — joint-stock or public company (Inc., Corp., PLC, AG, S.A., АО, ПАО, 株式会社).
- ``company`` — generic "company" with no class ("Co.", "Co., Ltd.", 有限公司, شركة).
- ``partnership`` — general and limited partnerships (LP, LLP, KG, S.n.c., Sp. k., CV).
- ``sole`` — sole trader (e.K., ИП, ФОП, EI).
- ``coop`` — cooperative; ``nonprofit`` — association or foundation (e.V., ASBL);
  ``state`` — state or municipal enterprise (ГУП, Persero); ``branch`` — branch office.

Regions are ISO 3166-1 alpha-2 codes where the form is native, or ``intl`` for the
English forms that serve as a translation of any native form (Ltd, LLC, JSC, Inc.).

Matching works on a per-character fold of the text (case, accents, quote and dash
variants; one character in, one out, so that positions map back to the original) split
into atoms (runs of letters and digits): a form matches when consecutive atoms, with
only punctuation or spaces between them, spell its atoms ("Sp. z o.o", "sp z oo",
"SPZOO"). Chinese, Japanese, Korean, Thai and Burmese forms, written without spaces, are
found by one small regular expression instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

__all__ = [
    "CLASSES",
    "LegalForm",
    "fold_text",
    "legal_form_compatibility",
    "legal_forms",
    "strip_legal_forms",
]

CLASSES = frozenset(
    {"llc", "jsc", "company", "partnership", "sole", "coop", "nonprofit", "state", "branch"}
)


@dataclass(frozen=True, slots=True)
class LegalForm:
    """A legal form found in a name: its canonical spelling (as in the table, e.g.
    "Sp. z o.o." for "sp z oo"), its class and the regions (comma-separated) where it
    is native, or "intl"."""

    text: str
    cls: str
    region: str


# --- the per-character fold -------------------------------------------------------

_SPECIAL = {
    "ł": "l",
    "ø": "o",
    "ı": "i",
    "đ": "d",
    "ħ": "h",
    "ŀ": "l",
    "ð": "d",
    # Arabic-script letters that Arabic and Persian write differently.
    "ي": "ی",
    "ى": "ی",
    "ك": "ک",
    "ة": "ه",
}
for _q in '«»„“”‟"〝〞＂':
    _SPECIAL[_q] = '"'
for _q in "‘’‚‛`´ʼʻ′׳":
    _SPECIAL[_q] = "'"
for _q in "‐‑‒–—―−﹣－":
    _SPECIAL[_q] = "-"
_SPECIAL["״"] = '"'


def _fold_char(ch: str) -> str:
    low = ch.casefold()
    if len(low) != 1:
        low = ch.lower()
        if len(low) != 1:
            low = ch
    special = _SPECIAL.get(low)
    if special is not None:
        return special
    if low < "\x80":
        return low
    if low.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", low)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if len(base) == 1:
        base = base.casefold() if len(base.casefold()) == 1 else base
        return _SPECIAL.get(base, base)
    return low


class _FoldTable(dict[int, str]):
    """A translate table that computes each character's fold on first sight."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold_text(text: str) -> str:
    """Case, accents, quotes and dashes folded, one character for one character, so that
    ``fold_text(s)[i]`` is the fold of ``s[i]`` ("Şti." → "sti.", "ТОВ «Х»" → 'тов "х"')."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


# --- the table ----------------------------------------------------------------------

# Scripts written without spaces between words: their forms are found inside atoms.
_UNSPACED_CLASS = (
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3200-\u32ff"
    r"\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_UNSPACED = re.compile(_UNSPACED_CLASS)
# Letters, digits and combining marks make atoms; a run in an unspaced script is an atom
# of its own ("有限公司Ltd" is two), and so is "&", so that "& Co." and "GmbH & Co. KG"
# can be spelled.
_ATOM = re.compile(
    rf"&|{_UNSPACED_CLASS}+|(?:(?!{_UNSPACED_CLASS})[^\W_]|[\u0300-\u036f\u0483-\u0489"
    r"\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0dff])+"
)
_SPLIT = re.compile(f"({_ATOM.pattern})")
_ATOM_CHAR = re.compile(r"[^\W_]")
_MAX_GAP = 4
"""Most characters between the "(" of "(T) Ltd" and its first letter. Between the atoms
of one form any run of spaces and punctuation is allowed: tidying the rest of a name
shortens such runs, and a limit would make stripping twice strip more."""

_ANY, _START, _END = 4, 2, 1
_POSITIONS = {"any": _ANY | _START | _END, "edge": _START | _END, "start": _START, "end": _END}


@dataclass(frozen=True, slots=True)
class _Entry:
    form: LegalForm
    where: int
    paren: bool  # the form is only itself after "(": "(T) Ltd", not "T Ltd"
    caps: bool  # also a word or a name: needs two capitals in a mixed-case name


@dataclass(frozen=True, slots=True)
class _Table:
    exact: dict[str, _Entry]  # folded spelling (spaces collapsed, no final dot) → entry
    keys: dict[str, _Entry]  # atoms run together → entry
    prefixes: frozenset[str]
    unspaced: re.Pattern[str] | None
    max_atoms: int


def _surface(folded: str) -> str:
    return " ".join(folded.split()).rstrip(".").strip()


def _atoms(folded: str) -> list[str]:
    return _ATOM.findall(folded)


@cache
def _table() -> _Table:
    text = resources.files("redline.names").joinpath("data/org_types.tsv").read_text("utf-8")
    rows: list[tuple[str, str, str, int, bool]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        form, cls, regions, position, *flags = line.split("\t")
        if cls not in CLASSES or position not in _POSITIONS or flags not in ([], ["caps"]):
            raise ValueError(f"org_types.tsv: bad row {line!r}")
        rows.append((form, cls, regions, _POSITIONS[position], bool(flags)))

    by_key: dict[str, list[tuple[str, str, str, int, bool, bool]]] = {}
    exact: dict[str, _Entry] = {}
    unspaced_forms: list[str] = []
    max_atoms = 1
    for form, cls, regions, where, caps in rows:
        folded = fold_text(form)
        atoms = _atoms(folded)
        if not atoms:
            raise ValueError(f"org_types.tsv: no letters in {form!r}")
        paren = folded.lstrip().startswith("(")
        if _UNSPACED.search(folded):
            unspaced_forms.append(folded)
        key = "".join(atoms)
        by_key.setdefault(key, []).append((form, cls, regions, where, paren, caps))
        max_atoms = max(max_atoms, len(atoms))

    keys: dict[str, _Entry] = {}
    for key, group in by_key.items():
        # The first row names the form and its class; regions add up; a key is only as
        # free in position as its most restricted spelling.
        regions_all: list[str] = []
        for _, _, regions, _, _, _ in group:
            for region in regions.split(","):
                if region not in regions_all:
                    regions_all.append(region)
        if "intl" in regions_all and len(regions_all) > 1:
            regions_all = ["intl"]
        where_all = _ANY | _START | _END
        for _, _, _, where, _, _ in group:
            where_all &= where
        first = group[0]
        merged = LegalForm(first[0], first[1], ",".join(regions_all))
        caps_all = any(g[5] for g in group)
        keys[key] = _Entry(merged, where_all, all(g[4] for g in group), caps_all)
        for form, cls, regions, where, paren, caps in group:
            surface = _surface(fold_text(form))
            if surface not in exact:
                own = LegalForm(form, cls, regions if cls != first[1] else merged.region)
                exact[surface] = _Entry(own, where, paren, caps)

    prefixes = {key[:i] for key in keys for i in range(1, len(key) + 1)}
    unspaced = None
    if unspaced_forms:
        parts = []
        for folded in sorted(set(unspaced_forms), key=len, reverse=True):
            pieces = [re.escape(a) for a in _atoms(folded)]
            pattern = r"[\s.,]*".join(pieces)
            if folded.lstrip().startswith("("):
                pattern = r"\(\s*" + pattern
            if folded.rstrip().endswith(")"):
                pattern += r"\s*\)"
            parts.append(pattern)
        unspaced = re.compile("|".join(parts))
    return _Table(exact, keys, frozenset(prefixes), unspaced, max_atoms)


def legal_forms() -> tuple[LegalForm, ...]:
    """Every distinct legal form in the table (for documentation and tests)."""
    return tuple(dict.fromkeys(e.form for e in _table().keys.values()))


# --- finding and stripping ----------------------------------------------------------

_QUOTES = '"«»„“”‟‹›〝〞＂'
_LOOSE_QUOTES = re.compile(rf"(?<![^\W_])[{_QUOTES}]|[{_QUOTES}](?![^\W_])")
_EDGE_PUNCT = " ,;:-–—/&.·_|+*"
_QUOTE_SET = frozenset(_QUOTES)
_EMPTY_PARENS = re.compile(r"\(\s*[^\w()]*\)|\[\s*[^\w\[\]]*\]")
_MAX_PASSES = 8

_Match = tuple[int, int, _Entry]


def _find(text: str, folded: str, table: _Table) -> list[_Match]:
    """Leftmost-longest forms in ``folded`` (the fold of ``text``) as (start, end,
    entry), in text order."""
    found: list[_Match] = []
    # [gap, atom, gap, atom, ..., gap]: atom k is parts[2k + 1].
    parts = _SPLIT.split(folded)
    count = len(parts) // 2
    keys, prefixes = table.keys, table.prefixes
    i = 0
    while i < count:
        atom = parts[2 * i + 1]
        if atom not in prefixes:
            i += 1
            continue
        ends = [i] if atom in keys else []
        joined = atom
        j = i + 1
        while j < count and j - i < table.max_atoms:
            joined += parts[2 * j + 1]
            if joined not in prefixes:
                break
            if joined in keys:
                ends.append(j)
            j += 1
        # The longest spelling that is acceptable here: "sa S" is not "SAS" but "sa".
        match = None
        for best in reversed(ends):
            match = _candidate(text, folded, parts, i, best, table)
            if match is not None:
                break
        if match is None:
            i += 1
            continue
        found.append(match)
        i = best + 1
    if table.unspaced is not None and _UNSPACED.search(folded):
        for m in table.unspaced.finditer(folded):
            entry = table.exact.get(_surface(m.group()))
            if entry is None:
                entry = table.keys["".join(_atoms(m.group()))]
            if not any(s < m.end() and m.start() < e for s, e, _ in found):
                found.append((m.start(), m.end(), entry))
        found.sort(key=lambda f: f[0])
    return found


def _candidate(
    text: str, folded: str, parts: list[str], first: int, last: int, table: _Table
) -> _Match | None:
    """The form spelled by atoms ``first`` … ``last``, or None where its spelling rules it
    out (a word-like form written as a word, a "(T) Ltd" without its parenthesis)."""
    start = len("".join(parts[: 2 * first + 1]))
    stop = start + len("".join(parts[2 * first + 1 : 2 * last + 2]))
    if stop < len(folded) and folded[stop] == ".":
        stop += 1
    if _inside_initialism(folded, start):
        return None
    entry = table.exact.get(_surface(folded[start:stop]))
    if entry is None:
        entry = table.keys["".join(parts[2 * first + 1 : 2 * last + 2 : 2])]
        if entry.where & _ANY == 0 and last > first and "." in folded[start:stop]:
            # "S. K." spelled out with dots and no exact spelling in the table is more
            # likely someone's initials: only at the end of a name.
            entry = _Entry(entry.form, entry.where & _END, entry.paren, entry.caps)
    if entry.caps and _too_few_capitals(text, start, stop):
        return None
    if entry.paren:
        paren = folded.rfind("(", max(0, start - _MAX_GAP), start)
        if paren < 0:
            return None
        start = paren
    return (start, stop, entry)


def _inside_initialism(folded: str, start: int) -> bool:
    """Whether a form starts right after a dotted initial ("I.B.M.": "B.M." is the
    Israeli legal form, but here it is the tail of the name's own initials)."""
    return (
        start >= 2
        and folded[start - 1] == "."
        and folded[start - 2].isalnum()
        and (start == 2 or not folded[start - 3].isalnum())
    )


def _too_few_capitals(text: str, start: int, stop: int) -> bool:
    """Whether a form that is also a word is written like a capitalised word here
    ("Chao", "Sia", "As"), not as a form ("ChAO", "SIA", "AS"). Lower case tells nothing
    ("chao" counts): the decision rests on the form's own letters, so that stripping
    other forms never changes it."""
    return sum(1 for ch in text[start:stop] if ch.isupper()) == 1


def _only_separators(folded: str, start: int, end: int) -> bool:
    return start >= end or _ATOM_CHAR.search(folded, start, end) is None


def _select(folded: str, found: list[_Match]) -> tuple[list[_Match], bool]:
    """The matches to strip: any-position forms, plus forms in the unbroken runs of
    forms at the start and at the end. Also says whether a form was left in place or
    removed from the middle (then removal may join atoms into new forms)."""
    keep = [False] * len(found)
    edge = len(folded)
    for k in range(len(found) - 1, -1, -1):
        start, stop, entry = found[k]
        if not _only_separators(folded, stop, edge) or not entry.where & _END:
            break
        keep[k] = True
        edge = start
    edge = 0
    for k, (start, stop, entry) in enumerate(found):
        if keep[k]:
            break
        if not _only_separators(folded, edge, start) or not entry.where & _START:
            break
        keep[k] = True
        edge = stop
    middle = False
    for k, (_, _, entry) in enumerate(found):
        if not keep[k] and entry.where & _ANY:
            keep[k] = True
            middle = True
    chosen = [f for f, k in zip(found, keep, strict=True) if k]
    return chosen, middle or len(chosen) < len(found)


def _balance_parens(text: str) -> str:
    if "(" not in text and ")" not in text:
        return text
    drop: set[int] = set()
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")":
            if stack:
                stack.pop()
            else:
                drop.add(i)
    drop.update(stack)
    if not drop:
        return text
    return "".join(ch for i, ch in enumerate(text) if i not in drop)


def _tidy(text: str) -> str:
    if not _QUOTE_SET.isdisjoint(text):
        text = _LOOSE_QUOTES.sub(" ", text)
    if "(" in text or ")" in text or "[" in text:
        text = _EMPTY_PARENS.sub(" ", _balance_parens(text))
    return " ".join(text.split()).strip(_EDGE_PUNCT).strip()


def _strip_once(text: str) -> tuple[str, tuple[LegalForm, ...], bool]:
    folded = fold_text(text)
    table = _table()
    found = _find(text, folded, table)
    if not found:
        return text, (), False
    chosen, again = _select(folded, found)
    if not chosen:
        return text, (), False
    pieces: list[str] = []
    last = 0
    for start, stop, _ in chosen:
        pieces.append(text[last:start])
        last = stop
    pieces.append(text[last:])
    rest = _tidy(" ".join(pieces))
    if not _ATOM_CHAR.search(rest):
        # Nothing but legal forms ("Company", "SA"): keep the name as it is.
        return text, (), False
    return rest, tuple(entry.form for _, _, entry in chosen), again


@lru_cache(maxsize=65_536)
def strip_legal_forms(text: str) -> tuple[str, tuple[LegalForm, ...]]:
    """Return ``text`` without its legal forms, and the forms found, in text order.

    "Sindh Agro Chemicals (Pvt) Ltd" → ("Sindh Agro Chemicals", (Pvt. Ltd.,));
    'UAB „Šiaurės Vėjo Logistika“' → ("Šiaurės Vėjo Logistika", (UAB,)). Forms that are
    also words ("AS", "SA", "Co") are stripped only at the start or end of the name; the
    rest keeps its case and script. A name that is nothing but legal forms is returned
    unchanged with no forms. Never raises; the result is a fixed point (stripping it
    again changes nothing).
    """
    if not text or not isinstance(text, str):
        return "", ()
    forms: list[LegalForm] = []
    current = text.strip()
    for _ in range(_MAX_PASSES):
        current, found, again = _strip_once(current)
        forms.extend(found)
        if not found or not again:
            break
    return current, tuple(forms)


# --- comparing -----------------------------------------------------------------------

_CLASS_COMPAT: dict[frozenset[str], float] = {
    frozenset({"llc", "jsc"}): 0.7,
    frozenset({"llc", "partnership"}): 0.5,
    frozenset({"jsc", "partnership"}): 0.5,
    frozenset({"llc", "sole"}): 0.5,
    frozenset({"jsc", "sole"}): 0.4,
    frozenset({"partnership", "sole"}): 0.6,
    frozenset({"state", "jsc"}): 0.6,
    frozenset({"state", "llc"}): 0.5,
}
_GENERIC_CLASSES = frozenset({"company", "branch"})
_OTHER_REGION = 0.6


@lru_cache(maxsize=8192)
def _pair(a: LegalForm, b: LegalForm) -> float:
    if a.cls == b.cls:
        cls = 1.0
    elif a.cls in _GENERIC_CLASSES or b.cls in _GENERIC_CLASSES:
        cls = 0.9 if "nonprofit" not in (a.cls, b.cls) else 0.5
    elif "coop" in (a.cls, b.cls):
        cls = 0.4
    elif "nonprofit" in (a.cls, b.cls):
        cls = 0.3
    else:
        cls = _CLASS_COMPAT.get(frozenset({a.cls, b.cls}), 0.4)
    if a.region == "intl" or b.region == "intl":
        return cls
    if set(a.region.split(",")) & set(b.region.split(",")):
        return cls
    return cls * _OTHER_REGION


def legal_form_compatibility(a: Sequence[LegalForm], b: Sequence[LegalForm]) -> float:
    """How well two names' legal forms agree, in [0, 1]: the best pair across the sides.

    1.0 when either side has none (an absent form is no evidence), or when the classes
    agree and the regions do too or one side is an international English form ("Ltd"
    translates "GmbH", "ООО" and "Sp. z o.o." alike). Different classes cost: a
    private limited company and a joint-stock company are often confused in
    translation (0.7: "GmbH" vs "Inc."), a company against a partnership or a sole trader
    is another kind of entity (≈0.5), cooperatives and non-profits lower still; the
    generic "Co." / "Company" / 有限公司 goes with anything (0.9). Two native forms of
    different countries multiply by 0.6: "S.r.l." (Italy) and "Pte. Ltd." (Singapore)
    are the same class but two registrations, the classic sign of a same-named company
    in another jurisdiction, not of another spelling of one.
    """
    if not a or not b:
        return 1.0
    return max(_pair(x, y) for x in a for y in b)
