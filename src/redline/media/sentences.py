"""Split article text into sentences that keep their character offsets.

Evidence has to point back into the text it came from: a reviewer sees the sentence, and
a mention found at characters 812–830 must land in exactly one sentence. So every
:class:`Sentence` carries ``start``/``end`` offsets with ``text[start:end] == sentence.text``.

The splitter is a set of rules rather than a model, because news prose is regular enough
and the failure cases are easy to read and fix:

* a line break with a blank line after it (a paragraph) always ends a sentence; a single
  line break ends one when the line before it is finished (terminal punctuation) or short
  like a heading, and not when the next line carries on in lower case or the short line
  is the tail of a hard-wrapped paragraph;
* ``.``, ``!`` and ``?`` (with any closing quotes or brackets) end a sentence when the
  next word starts like a sentence (capital letter, digit, opening quote or bracket);
* a full stop does not end a sentence after a title ("Mr.", "Brig. Gen."), a month before
  a number ("Jan. 5"), an initial ("Warren P. Strobel"), or a dotted acronym ("U.S.")
  unless the next word is a usual sentence opener ("U.S. officials" vs "the U.S. It");
* decimals ("3.5", "$1.2 billion") never split, since no space follows the point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences"]


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text`` is exactly ``source[start:end]`` (no outer whitespace)."""

    start: int
    end: int
    text: str


def _words(spec: str) -> frozenset[str]:
    """A word set written as one whitespace-separated string, easy to read and extend."""
    return frozenset(spec.split())


#: Words that are abbreviated with a full stop and never end a sentence on their own:
#: titles and ranks that precede a name, and Latin or reference abbreviations.
_TITLES = _words(
    """
    mr mrs ms mssrs messrs dr prof sr jr st rev hon gen brig col lt maj capt cpt cmdr
    sgt adm gov sen rep pres supt insp det atty fr sheikh amb
    e.g i.e etc vs v cf al approx no nos fig vol art para p pp ch sec dept est
    """
)

#: Month abbreviations: they do not end a sentence when a day or year follows ("Jan. 5").
_MONTHS = _words("jan feb mar apr jun jul aug sep sept oct nov dec")

#: Abbreviations that can end a sentence: after them a break needs a usual sentence
#: opener as the next word. "U.S. officials" stays whole; "in the U.S. The next day" splits.
_SOFT = _words("inc ltd corp co plc llc bros a.m p.m")

_OPENERS = _words(
    """
    a an the this that these those it its he she they we i you there here his her their
    our my in on at but and or so yet after before when while if as however meanwhile
    since although though according last earlier later also both many some one two
    """
)

# A candidate break: terminal punctuation, optional closing quotes/brackets, whitespace,
# then something that can start a sentence.
_BREAK = re.compile(r"""([.!?…]+)(["'”’»)\]]*)(\s+)(?=["'“‘«(\[]?[\w$£€])""")
_NEXT_WORD = re.compile(r"[\"'“‘«(\[]?([\w$£€]+)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_LINE = re.compile(r"\n")
_NEXT_CHAR = re.compile(r"[ \t\r\f\v]*(.|\n)", re.DOTALL)
_TERMINAL = frozenset(".!?…:;\"'”’»)]")
#: A line shorter than this, without terminal punctuation, reads as a heading or a
#: caption; a longer one is hard-wrapped prose that continues on the next line.
_HEADING_MAX = 60


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order, with offsets into ``text``; empty for blank text.

    Never raises on any string: odd input yields odd sentences, not errors, because the
    splitter runs on whatever an extractor produced.
    """
    sentences: list[Sentence] = []
    for seg_start, seg_end in _segments(text):
        cut = seg_start
        segment = text[seg_start:seg_end]
        for m in _BREAK.finditer(segment):
            if not _is_break(segment, m):
                continue
            end = seg_start + m.end(2)
            _emit(text, cut, end, sentences)
            cut = seg_start + m.end(3)
        _emit(text, cut, seg_end, sentences)
    return sentences


def _segments(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` between hard breaks (paragraphs, headings, finished lines)."""
    cuts: list[int] = []
    line_start = 0
    wrapped = False  # the line before this one ran on into it
    for m in _LINE.finditer(text):
        pos = m.start()
        line = text[line_start:pos].strip()
        line_start = pos + 1
        nxt = _NEXT_CHAR.match(text, pos + 1)
        after = nxt.group(1) if nxt else ""
        if not line or after in ("", "\n"):
            cut = True
        elif after.islower():
            cut = False  # the sentence carries on in a hard-wrapped line
        else:
            # A short line is a heading, unless it continues a hard-wrapped paragraph.
            cut = line[-1] in _TERMINAL or (len(line) < _HEADING_MAX and not wrapped)
        if cut:
            cuts.append(pos)
        wrapped = not cut
    spans: list[tuple[int, int]] = []
    start = 0
    for pos in cuts:
        spans.append((start, pos))
        start = pos + 1
    spans.append((start, len(text)))
    return spans


def _is_break(segment: str, m: re.Match[str]) -> bool:
    """Whether the candidate ``m`` really ends a sentence."""
    next_word = _NEXT_WORD.match(segment, m.end(3))
    nxt = next_word.group(1) if next_word else ""
    if nxt[:1].islower():
        return False  # '"Is it?" he asked.' and "the U.S. officials" carry on
    if m.group(1) != ".":
        return True  # "!", "?", "..." and mixed runs end a sentence before a capital
    # Only the last few characters matter; searching from 0 would make long texts quadratic.
    w = _WORD_BEFORE.search(segment, max(0, m.start(1) - 48), m.start(1))
    if w is None:
        return True
    word = w.group(1).lower().strip(".")
    if word in _TITLES:
        return False
    if word in _MONTHS:
        return not nxt[:1].isdigit()
    if len(word) == 1 and word.isalpha():
        return False  # an initial: "Warren P. Strobel", "J. Smith"
    if word in _SOFT or _is_acronym(word):
        return nxt.lower() in _OPENERS
    return True


def _is_acronym(word: str) -> bool:
    """Dotted single letters, as in "u.s" or "u.k" (the final dot already stripped)."""
    parts = word.split(".")
    return len(parts) > 1 and all(len(p) == 1 and p.isalpha() for p in parts)


def _emit(text: str, start: int, end: int, out: list[Sentence]) -> None:
    """Append ``text[start:end]`` without its outer whitespace, if anything is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append(Sentence(start, end, text[start:end]))
