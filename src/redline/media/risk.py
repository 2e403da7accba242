"""What an article says a party did, and how far the matter has gone: a risk taxonomy with
legal stages, decided by readable word lists so that a reviewer can see why.

The taxonomy is the FATF list of designated categories of offences (plus money laundering
and cybercrime), with two categories added for a sanctions engine: ``sanctions_evasion``
(being sanctioned or helping someone get round sanctions) and ``proliferation`` (weapons,
dual-use goods, WMD, drones and missiles for a military end use). Each category has a list
of *cues*; the legal stages (allegation < investigation < charge < conviction < sanction,
and acquittal) have theirs. The lists themselves live in :mod:`redline.media.taxonomy`.

Cue syntax, chosen so that a compliance analyst can read and extend the lists:

* words match whole words, ignoring case; a space also matches a hyphen ("dual use"
  finds "dual-use");
* a trailing ``*`` matches any ending ("launder*" finds laundering, laundered);
* ``...`` lets up to six other words sit between two parts ("impos* ... sanctions"
  finds "imposed economic sanctions").

Cues are *strong* (the word nearly always means the offence: "money launder*") or *weak*
(it often does, but not always: "drone*", "cartel*"). A match in a sentence that names the
party counts fully, one in a neighbouring sentence counts less, and a match with a negation
just before it ("not", "never", "denied", "cleared of") counts half. A category's score
is ``1 - prod(1 - w)`` over its matches, so more and stronger evidence approaches 1.

Legal stage is read from the sentences that name the party first (the neighbours only when
those say nothing): a negated stage ("was not charged") is dropped, a denial ("denied the
accusations") still tells that there is an allegation, and an acquittal ("cleared of",
"charges were dropped") in a sentence overrides the charge words in that same sentence.
Across sentences the most advanced stage wins; an acquittal outranks allegation,
investigation and charge but never hides a conviction or a sanction stated elsewhere,
because hiding real risk costs more than showing a cleared one.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redline.errors import ConfigError, InputError
from redline.media.sentences import Sentence, split_sentences
from redline.media.taxonomy import (
    CATEGORIES,
    CATEGORY_BY_CODE,
    LEGAL_STAGES,
    STAGE_RANK,
    STAGES,
    Category,
    Stage,
)

__all__ = [
    "CATEGORIES",
    "CATEGORY_BY_CODE",
    "LEGAL_STAGES",
    "STAGES",
    "STAGE_RANK",
    "Category",
    "CategoryScore",
    "Evidence",
    "RiskAssessment",
    "Stage",
    "assess",
    "assess_file",
    "assess_text",
]


#: Weight of one match: a strong cue, a weak cue.
STRONG = 0.6
WEAK = 0.25
#: A match in a neighbouring sentence counts this much of one in a sentence that names
#: the party; a negated match counts half.
NEIGHBOUR = 0.6
NEGATED = 0.5


@dataclass(frozen=True)
class CategoryScore:
    """How strongly the text puts the party in one category (0..1)."""

    code: str
    label: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "score": self.score}


@dataclass(frozen=True)
class Evidence:
    """A sentence that carries a cue: its categories, the stage it states, whether it names
    the party (``mention``) and the cues that fired (``category: cue`` or ``stage: cue``)."""

    sentence: Sentence
    categories: tuple[str, ...]
    stage: str | None
    mention: bool
    cues: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.sentence.text,
            "start": self.sentence.start,
            "end": self.sentence.end,
            "categories": list(self.categories),
            "stage": self.stage,
            "mention": self.mention,
            "cues": list(self.cues),
        }


@dataclass(frozen=True)
class RiskAssessment:
    """Categories (highest score first), the most advanced legal stage stated about the
    party, and the evidence sentences (most relevant first)."""

    categories: list[CategoryScore] = field(default_factory=list)
    stage: str | None = None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def adverse(self) -> bool:
        """Whether any category or stage was found."""
        return bool(self.categories) or self.stage is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "categories": [c.to_dict() for c in self.categories],
            "stage": self.stage,
            "evidence": [e.to_dict() for e in self.evidence],
        }


# ---------------------------------------------------------------------------------------
# Cue compilation

_SEP = r"[\s\-‐‑–]+"
_GAP = r"(?:[^\w\n]+\w+){0,6}?[^\w\n]+"


def cue_pattern(cue: str) -> str:
    """The regular expression for one cue (see the module docstring for the syntax)."""
    parts: list[str] = []
    pending = _SEP
    for token in cue.split():
        if token == "...":
            pending = _GAP
            continue
        if parts:
            parts.append(pending)
        pending = _SEP
        if token.endswith("*"):
            parts.append(re.escape(token[:-1]) + r"\w*")
        else:
            parts.append(re.escape(token) + r"(?!\w)")
    return r"(?<!\w)" + "".join(parts)


@dataclass(frozen=True)
class _Matcher:
    """All the cues of one category or stage in one regex; group ``c<i>`` is cue ``i``."""

    code: str
    regex: re.Pattern[str]
    cues: tuple[str, ...]
    weights: tuple[float, ...]

    @classmethod
    def build(cls, code: str, strong: Iterable[str], weak: Iterable[str] = ()) -> _Matcher:
        items = [(c, STRONG) for c in strong] + [(c, WEAK) for c in weak]
        # Longer cues first: "money launder*" should win over "launder*" at one position.
        items.sort(key=lambda item: -len(item[0]))
        alternatives = [f"(?P<c{i}>{cue_pattern(cue)})" for i, (cue, _) in enumerate(items)]
        regex = re.compile("|".join(alternatives), re.IGNORECASE)
        return cls(code, regex, tuple(c for c, _ in items), tuple(w for _, w in items))

    def find(self, text: str) -> list[tuple[str, float, int]]:
        """(cue, weight, start) for each distinct cue that matches in ``text``."""
        seen: set[str] = set()
        out: list[tuple[str, float, int]] = []
        for m in self.regex.finditer(text):
            index = int((m.lastgroup or "c0")[1:])
            cue = self.cues[index]
            if cue not in seen:
                seen.add(cue)
                out.append((cue, self.weights[index], m.start()))
        return out


@functools.cache
def _category_matchers() -> tuple[_Matcher, ...]:
    """Compiled on first use: compiling every list costs a noticeable fraction of a second,
    which every CLI command would otherwise pay at start-up."""
    return tuple(_Matcher.build(c.code, c.cues, c.weak) for c in CATEGORIES)


@functools.cache
def _stage_matchers() -> tuple[_Matcher, ...]:
    return tuple(_Matcher.build(s.code, s.cues) for s in STAGES)


#: Words that negate what follows them in the same clause.
_NEGATION = re.compile(
    r"(?<!\w)(?:not|never|no|nor|neither|without|cleared|acquitted)(?!\w)|n[’']t(?!\w)",
    re.IGNORECASE,
)
#: Denials: they negate the deed but confirm that someone alleges it.
_DENIAL = re.compile(
    r"(?<!\w)(?:den(?:y|ies|ied|ying)|rejected|rejects|refuted|disputed)(?!\w)", re.IGNORECASE
)
#: How far before a cue a negation still applies (characters, within the sentence).
_NEGATION_REACH = 40
_CLAUSE_END = re.compile(r"[;:,]|\bbut\b|\bhowever\b", re.IGNORECASE)


def _before(text: str, start: int) -> str:
    """The clause just before ``start``: at most ``_NEGATION_REACH`` characters, cut at
    the last clause boundary so that "he was not there, but was charged" stays charged."""
    window = text[max(0, start - _NEGATION_REACH) : start]
    bounds = list(_CLAUSE_END.finditer(window))
    return window[bounds[-1].end() :] if bounds else window


# ---------------------------------------------------------------------------------------
# Assessment


@dataclass
class _SentenceRisk:
    sentence: Sentence
    index: int
    mention: bool
    categories: dict[str, float]
    stage: str | None
    cues: list[str]


def _sentence_stage(text: str, cues: list[str]) -> str | None:
    """The stage one sentence states (see the module docstring), appending fired cues."""
    found: set[str] = set()
    for matcher in _stage_matchers():
        for cue, _, start in matcher.find(text):
            before = _before(text, start)
            if matcher.code != "acquittal" and _NEGATION.search(before):
                if _DENIAL.search(before):
                    found.add("allegation")
                continue
            if matcher.code not in ("allegation", "acquittal") and _DENIAL.search(before):
                found.add("allegation")
                cues.append(f"allegation: denial of {cue}")
                continue
            found.add(matcher.code)
            cues.append(f"{matcher.code}: {cue}")
    if "acquittal" in found:
        found -= {"allegation", "investigation", "charge", "conviction"}
    return most_advanced(found)


def most_advanced(stages: Iterable[str | None]) -> str | None:
    """The furthest stage of ``stages`` by :data:`STAGE_RANK` (None when there is none)."""
    best: str | None = None
    for stage in stages:
        if stage is not None and (best is None or STAGE_RANK[stage] > STAGE_RANK[best]):
            best = stage
    return best


def _read(sentence: Sentence, index: int, mention: bool) -> _SentenceRisk:
    text = sentence.text
    cues: list[str] = []
    categories: dict[str, float] = {}
    for matcher in _category_matchers():
        for cue, weight, start in matcher.find(text):
            before = _before(text, start)
            if _NEGATION.search(before) or _DENIAL.search(before):
                weight *= NEGATED
                cues.append(f"{matcher.code}: {cue} (negated)")
            else:
                cues.append(f"{matcher.code}: {cue}")
            keep = 1.0 - categories.get(matcher.code, 0.0)
            categories[matcher.code] = 1.0 - keep * (1.0 - weight)
    stage = _sentence_stage(text, cues)
    return _SentenceRisk(sentence, index, mention, categories, stage, cues)


def _assess(sentences: list[Sentence], chosen: dict[int, bool]) -> RiskAssessment:
    readings = [_read(sentences[i], i, mention) for i, mention in sorted(chosen.items())]
    readings = [r for r in readings if r.categories or r.stage]
    # Combine per category: 1 - prod(1 - w * sentence weight) over every sentence.
    keep: dict[str, float] = {}
    for r in readings:
        factor = 1.0 if r.mention else NEIGHBOUR
        for code, score in r.categories.items():
            keep[code] = keep.get(code, 1.0) * (1.0 - score * factor)
    categories = [
        CategoryScore(code, CATEGORY_BY_CODE[code].label, round(1.0 - rest, 3))
        for code, rest in keep.items()
    ]
    categories.sort(key=lambda c: (-c.score, c.code))
    named = [r.stage for r in readings if r.mention]
    stage = most_advanced(named) or most_advanced(r.stage for r in readings)

    def relevance(r: _SentenceRisk) -> tuple[bool, float, int]:
        weight = 1.0 - math.prod(1.0 - s for s in r.categories.values())
        if r.stage is not None:
            weight += 0.25 + STAGE_RANK[r.stage] / 200
        return (not r.mention, -weight, r.index)

    readings.sort(key=relevance)
    evidence = [
        Evidence(
            r.sentence,
            tuple(sorted(r.categories, key=lambda c: -r.categories[c])),
            r.stage,
            r.mention,
            tuple(r.cues),
        )
        for r in readings
    ]
    return RiskAssessment(categories, stage, evidence)


def assess(
    text: str,
    spans: Sequence[tuple[int, int]],
    window: int = 1,
    sentences: list[Sentence] | None = None,
) -> RiskAssessment:
    """Risk stated about a party in ``text``: the sentences holding its mentions (``spans``
    are character offsets into ``text``) and ``window`` sentences either side.

    ``sentences`` may pass a split already made of the same text, to save redoing it.
    """
    if window < 0:
        raise ValueError("window must be 0 or more")
    sentences = split_sentences(text) if sentences is None else sentences
    chosen: dict[int, bool] = {}
    starts = [s.start for s in sentences]
    for start, end in spans:
        if not 0 <= start < len(text):
            continue  # not a span of this text
        hit = _overlapping(sentences, starts, start, max(end, start + 1))
        for i in hit:
            chosen[i] = True
        if hit:
            for i in range(max(0, hit[0] - window), min(len(sentences), hit[-1] + window + 1)):
                chosen.setdefault(i, False)
    return _assess(sentences, chosen)


def assess_text(text: str) -> RiskAssessment:
    """Risk stated anywhere in ``text``: every sentence counts as naming the party."""
    sentences = split_sentences(text)
    return _assess(sentences, dict.fromkeys(range(len(sentences)), True))


#: Largest text file ``assess_file`` reads; an article is rarely over 200 kB.
MAX_FILE_BYTES = 20_000_000


def assess_file(path: Path, about: str | None = None, window: int = 1) -> RiskAssessment:
    """:func:`assess_text` of a UTF-8 text file, or, with ``about``, :func:`assess` of the
    sentences where that exact text (any case) occurs and ``window`` sentences around.

    The literal search is for reviewers checking one article; screening finds mentions
    across spellings and scripts with :mod:`redline.media.mentions`.
    """
    if window < 0:
        raise ConfigError("window must be 0 or more")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"is {size / 1e6:.0f} MB; an article file is at most {MAX_FILE_BYTES / 1e6:.0f} MB",
                path=str(path),
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a text file", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    if b"\0" in data[:8192]:
        raise InputError("is a binary file, not text", path=str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError("is not UTF-8 text", path=str(path), line=line) from None
    if about is None:
        return assess_text(text)
    needle = about.strip()
    if not needle:
        raise ConfigError("--about needs a name")
    spans = [
        (m.start(), m.end())
        for m in re.finditer(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", text, re.IGNORECASE)
    ]
    return assess(text, spans, window=window)


def _overlapping(sentences: list[Sentence], starts: list[int], start: int, end: int) -> list[int]:
    """Indexes of the sentences that overlap ``[start, end)``; the nearest one before when
    the span falls in the whitespace between sentences."""
    i = max(0, bisect.bisect_right(starts, start) - 1)
    out: list[int] = []
    while i < len(sentences) and sentences[i].start < end:
        if sentences[i].end > start:
            out.append(i)
        i += 1
    if not out and sentences:
        j = max(0, bisect.bisect_right(starts, start) - 1)
        if sentences[j].start <= start:
            out.append(j)
    return out
