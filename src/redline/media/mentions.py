"""Mentions: where a text names a party, found with the screening engine rather than NER.

A :class:`Gazetteer` indexes every word of every name of its parties (listed entities,
portfolio customers, or the names of one search) under the keys the matcher compares:
the phonetic key, the key with o/u folded (Qods/Quds), the keys of other readings, the
consonant skeleton (for Arabic and Persian script) and, for words of five letters or
more, the key with one letter deleted (Merhabi/Mehrabi, a transposition, share
"merabi"). :meth:`Gazetteer.find` looks every word of the text up, turns the words that
hit a party into candidate windows of adjacent words (never across sentence punctuation
or a paragraph, but across a line break, a hyphenated line break and a possessive "'s"
at the end), and scores each window against the party's names with the same name
comparison as ``redline match``. What the engine cannot know from two names alone is
settled by four rules about the text:

* **one word of a longer name** ("Mehrabi" for "Abdollah Mehrabi") scores its name
  score times 0.85, times the word's rarity among the gazetteer's parties (a surname
  shared by four parties counts less than one only this party has);
* **the name goes on**: a partial window followed or preceded by another capitalised
  word that is not a title ("Ali Mehrabi", "Quds Force") is someone or something else,
  and scores times 0.6;
* **it refers back**: a lone word that matches a word of a full-name mention of the same
  party earlier or later in the text ("Brig. Gen. Merhabi" after "Abdollah Mehrabi")
  scores as that mention times the word similarity times 0.95;
* **capitals**: in a text that uses capitals, a window does not start with a
  lower-case word (particles such as "al" or "bin" excepted), and ends with one only
  when that word is a word of the party's name ("the Alabuga special economic zone").

An optional NER backend (spaCy, when it and a model are installed) adds each PERSON or
ORG span that holds gazetteer hits as one more candidate window; nothing requires it.
"""

from __future__ import annotations

import math
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from redline.countries import country_code
from redline.entities import Entity
from redline.matching.algorithms import NAME_KIND_WEIGHTS, get_algorithm
from redline.matching.compare import NameMatch, compare_names
from redline.matching.profile import NAME_PROPS
from redline.media.words import _SENTENCE_END, _SOFT_BREAK, _deletes

# Re-exported from words, where they moved, for code that imports them from here.
from redline.media.words import OPENERS as OPENERS
from redline.media.words import PARTICLES as PARTICLES
from redline.media.words import TITLES as TITLES
from redline.media.words import Word as Word
from redline.media.words import WordKeys as WordKeys
from redline.media.words import joinable as joinable
from redline.media.words import word_keys as word_keys
from redline.media.words import words_of as words_of
from redline.names.analysis import CRAFT_SCHEMATA, NameForm, Token, analyse
from redline.names.normalise import fold_latin
from redline.names.phonetics import phonetic_key, vowel_key

#: Lowest mention score kept by default: the screening default less a margin for the
#: spellings news writers use (Yelabuga for Alabuga scores 0.75).
DEFAULT_THRESHOLD = 0.7
#: A window of one word for a name of several words.
SINGLE_WORD = 0.85
#: A partial window that another capitalised word continues.
NAME_GOES_ON = 0.6
#: A lone word referring back to a full-name mention of the same party.
REFERS_BACK = 0.95
#: Words in more parties' names than this do not make a party a candidate on their own.
COMMON_DF = 50
#: A lone word may refer back to a full mention, in a strict gazetteer, only if at most
#: this many parties' names hold it.
RARE_WORD = 3
#: Candidate parties scored per run of words (best-supported first).
MAX_PARTIES_PER_RUN = 40
#: The weight of a generic word ("of", "company") in name comparison: the least a word
#: left over can cost a window.
GENERIC_WEIGHT = 0.35
#: Word similarity a lone word needs to name a one-word party of a strict gazetteer.
LONE_WORD = 0.92
#: Words that say the next name is a vessel's or an aircraft's.
CRAFT_CUES = frozenset(
    {
        *("vessel", "ship", "tanker", "freighter", "carrier", "boat", "mv", "m", "v"),
        *("aircraft", "plane", "airliner", "jet", "cargo", "yacht", "tug", "trawler"),
    }
)
#: Scores below this are not worth keeping even for the refers-back rule.
FLOOR = 0.35
#: Longest text scanned, in characters (a book is not an article).
MAX_TEXT = 2_000_000


@dataclass(frozen=True, slots=True)
class Party:
    """Someone or something a gazetteer looks for: a listed entity, a portfolio
    customer, or the subject of a search (``kind``), with its names by property."""

    kind: str
    id: str
    schema: str
    caption: str
    names: tuple[tuple[str, str], ...]
    """(name, kind) pairs; kind is name, alias, former or weak as in matching."""
    source: str = ""

    @classmethod
    def of_entity(cls, entity: Entity, kind: str = "entity", source: str = "") -> Party:
        """The party of an entity: every name property the matcher reads."""
        names: list[tuple[str, str]] = []
        seen: set[str] = set()
        for prop, name_kind in NAME_PROPS:
            for value in entity.properties.get(prop, []):
                if value not in seen:
                    seen.add(value)
                    names.append((value, name_kind))
        src = source or (entity.datasets[0] if entity.datasets else "")
        return cls(kind, entity.id, entity.schema, entity.caption, tuple(names), src)


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of a text (``text[start:end]``) that names a party, with the score the
    matching engine gave it and why."""

    start: int
    end: int
    text: str
    party_id: str
    party_caption: str
    name: str
    """The party's name the span matched best."""
    score: float
    explanation: str
    party_kind: str = "entity"
    schema: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "party_kind": self.party_kind,
            "party_id": self.party_id,
            "party_caption": self.party_caption,
            "schema": self.schema,
            "name": self.name,
            "score": round(self.score, 4),
            "explanation": self.explanation,
        }


#: A backend that finds named-entity spans: text → (start, end, label) triples.
NerBackend = Callable[[str], list[tuple[int, int, str]]]


@dataclass
class _Vocab:
    """One distinct word of the gazetteer's names."""

    parties: list[int] = field(default_factory=list)
    generic: bool = False


@dataclass(frozen=True)
class _Text:
    """One text being searched, with what every window of it needs."""

    text: str
    words: list[Word]
    hits: list[dict[int, float]]
    """Per word: vocabulary id → strength of the hit."""
    broken: set[int]
    """Second halves of words hyphenated across a line break."""
    cased: bool
    title_lines: set[int]
    ner_windows: list[tuple[int, int]]


@dataclass
class _Candidate:
    party: int
    first: int
    last: int
    start: int
    end: int
    text: str
    name: str
    score: float
    detail: str
    single: bool
    goes_on: bool
    query_words: tuple[str, ...]


@dataclass
class Gazetteer:
    """Every word of the names of some parties, keyed for lookup in running text."""

    parties: list[Party]
    vocab: list[_Vocab]
    keys: dict[str, list[int]]
    """Lookup key (phonetic, "v" vowel-folded, "d" one deletion) → vocab ids."""
    skels: dict[str, list[int]]
    """Consonant skeleton → vocab ids: the hits of words in Arabic or Persian script, and
    weak hits of Latin words whose skeleton has three consonants or more (Yelabuga and
    Alabuga are both l-b-k)."""
    abjad_skels: dict[str, list[int]]
    """Skeletons of names written in an abjad, looked up for every word."""
    pairs: dict[tuple[int, int], list[int]]
    """Two common words of one name → parties: names made only of common words."""
    party_vocab: list[frozenset[int]]
    vocab_ids: dict[str, int]
    """A name word's phonetic key → its vocabulary id."""
    max_words: list[int]
    min_words: list[int]
    one_word: list[frozenset[int]]
    """The vocabulary of the party's names of one word."""
    strict: bool = True
    """Whether a window of one word may name a party whose whole name is one word
    only when it is that word (see :data:`LONE_WORD`). True for gazetteers over whole
    lists, where a one-word name ("Dover", "Miran") is also an ordinary word; a search
    for a name the user typed sets it False."""

    @classmethod
    def build(cls, parties: Iterable[Party], *, strict: bool = True) -> Gazetteer:
        """Index the names of ``parties`` (analysed as screening analyses them)."""
        kept: list[Party] = []
        words: list[_Vocab] = []
        vocab_ids: dict[str, int] = {}
        keys: dict[str, set[int]] = defaultdict(set)
        skels: dict[str, set[int]] = defaultdict(set)
        abjad_skels: dict[str, set[int]] = defaultdict(set)
        party_vocab: list[frozenset[int]] = []
        max_words: list[int] = []
        min_words: list[int] = []
        one_word: list[frozenset[int]] = []
        form_words: list[tuple[int, list[int]]] = []
        for party in parties:
            p_index = len(kept)
            mine: set[int] = set()
            single: set[int] = set()
            longest = 0
            shortest = 1000
            for name, _kind in party.names:
                for form in analyse(name, party.schema):
                    longest = max(longest, len(form.tokens))
                    shortest = min(shortest, len(form.tokens))
                    ids: list[int] = []
                    for token in form.tokens:
                        # Numbers and short function words ("of", "the", "de") never
                        # start or end a name; the engine still reads them in a window.
                        if token.number is not None or (token.generic and len(token.text) <= 3):
                            continue
                        v_id = vocab_ids.get(token.key)
                        if v_id is None:
                            v_id = vocab_ids[token.key] = len(words)
                            words.append(_Vocab(generic=token.generic))
                            _index_token(v_id, token.key, token.alts, keys)
                            if token.concept is not None:
                                keys["c" + token.concept].add(v_id)
                            if len(token.skel) >= 2:
                                skels[token.skel].add(v_id)
                                if token.abjad:
                                    abjad_skels[token.skel].add(v_id)
                        ids.append(v_id)
                        mine.add(v_id)
                    form_words.append((p_index, ids))
                    if len(form.tokens) == 1:
                        single.update(ids)
            if not mine:
                continue
            kept.append(party)
            party_vocab.append(frozenset(mine))
            max_words.append(longest)
            min_words.append(shortest)
            one_word.append(frozenset(single))
            for v_id in mine:
                words[v_id].parties.append(p_index)
        pairs: dict[tuple[int, int], set[int]] = defaultdict(set)
        for p_index, ids in form_words:
            common = sorted({v for v in ids if len(words[v].parties) > COMMON_DF})
            for i, a in enumerate(common[:6]):
                for b in common[i + 1 : 6]:
                    pairs[(a, b)].add(p_index)
        return cls(
            parties=kept,
            vocab=words,
            keys={k: sorted(v) for k, v in keys.items()},
            skels={k: sorted(v) for k, v in skels.items()},
            abjad_skels={k: sorted(v) for k, v in abjad_skels.items()},
            pairs={k: sorted(v) for k, v in pairs.items()},
            party_vocab=party_vocab,
            vocab_ids=vocab_ids,
            max_words=max_words,
            min_words=min_words,
            one_word=one_word,
            strict=strict,
        )

    @classmethod
    def from_entities(
        cls, entities: Iterable[Entity], kind: str = "entity", *, strict: bool = True
    ) -> Gazetteer:
        """A gazetteer over entities in memory (tests, a search's query)."""
        return cls.build((Party.of_entity(e, kind) for e in entities if e.is_party), strict=strict)

    @property
    def size(self) -> int:
        """Number of parties indexed."""
        return len(self.parties)

    # -- finding -----------------------------------------------------------------------

    def _hits(self, word: Word) -> dict[int, float]:
        """The vocabulary a word hits, each with how strong the hit is: 1 for the same
        key or sound, 0.7 one letter apart or the same business concept, 0.5 the same
        consonants only."""
        found: dict[int, float] = {}
        keys = word_keys(word.text)

        def add(ids: Iterable[int], strength: float) -> None:
            for v_id in ids:
                if found.get(v_id, 0.0) < strength:
                    found[v_id] = strength

        for key in keys.keys:
            add(self.keys.get(key, ()), 1.0)
        for key in keys.deletes:
            add(self.keys.get(key, ()), 0.7)
        if keys.concept is not None:
            add(self.keys.get("c" + keys.concept, ()), 0.7)
        for skel in keys.skels:
            if keys.abjad:
                add(self.skels.get(skel, ()), 0.8)
            else:
                add(self.abjad_skels.get(skel, ()), 0.8)
                if len(skel) >= 3 and not self.strict:
                    # Latin spellings with the same consonants only (Yelabuga, Alabuga):
                    # worth a look for a name the user typed, too loose for whole lists.
                    add(self.skels.get(skel, ()), 0.5)
        return found

    def find(
        self,
        text: str,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        ner: NerBackend | None = None,
    ) -> list[Mention]:
        """Every mention of the gazetteer's parties in ``text`` scoring at least
        ``threshold``, in text order."""
        if not text or not self.parties:
            return []
        text = text[:MAX_TEXT]
        words = words_of(text)
        if not words:
            return []
        hits = [self._hits(w) for w in words]
        doc = _Text(
            text,
            words,
            hits,
            self._join_broken(text, words, hits),
            _uses_capitals(words),
            _title_lines(text, words),
            _ner_windows(text, words, ner) if ner is not None else [],
        )
        found: dict[int, list[_Candidate]] = defaultdict(list)
        runs = _runs(text, words)
        for first, last in runs:
            for cand in self._run_candidates(doc, first, last, threshold):
                found[cand.party].append(cand)
        # Lone words of longer names only matter when they refer back to a full-name
        # mention, so they are scored only for the parties that have one.
        named = [p for p, cands in found.items() if any(c.score >= threshold for c in cands)]
        for p in named:
            found[p].extend(self._lone_words(doc, p, runs))
        kept: list[_Candidate] = []
        for p_index, cands in found.items():
            self._refer_back(self.parties[p_index], cands, threshold)
            kept.extend(c for c in _non_overlapping(cands) if c.score >= threshold)
        # A lone word that could be two parties' ("Quds" after both "Quds Force" and
        # "Qods Aviation Industries") goes to the one it matches best.
        best_lone: dict[tuple[int, int], float] = {}
        for cand in kept:
            if cand.single:
                span = (cand.start, cand.end)
                best_lone[span] = max(best_lone.get(span, 0.0), cand.score)
        mentions: list[Mention] = []
        for cand in kept:
            if cand.single and cand.score < best_lone[(cand.start, cand.end)] - 1e-9:
                continue
            party = self.parties[cand.party]
            mentions.append(
                Mention(
                    cand.start,
                    cand.end,
                    cand.text,
                    party.id,
                    party.caption,
                    cand.name,
                    round(cand.score, 4),
                    cand.detail,
                    party.kind,
                    party.schema,
                )
            )
        mentions.sort(key=lambda m: (m.start, -m.score, m.party_id))
        return mentions

    def _join_broken(self, text: str, words: list[Word], hits: list[dict[int, float]]) -> set[int]:
        """A word hyphenated across a line break ("Damavan-\\ndian") is looked up whole;
        its hits count for both halves, and the engine scores the two as one word.
        Returns the positions of second halves (lower case, but not a word of their own)."""
        seconds: set[int] = set()
        for i in range(len(words) - 1):
            gap = text[words[i].end : words[i + 1].start]
            if _SOFT_BREAK.search(gap) and not gap.strip(" \t\r\n-‐‑"):
                extra = self._hits(Word(0, 0, words[i].text + words[i + 1].text, False))
                for pos in (i, i + 1):
                    for v_id, strength in extra.items():
                        hits[pos][v_id] = max(hits[pos].get(v_id, 0.0), strength)
                seconds.add(i + 1)
        return seconds

    def _run_candidates(
        self, doc: _Text, first: int, last: int, threshold: float
    ) -> list[_Candidate]:
        """Scored windows of the parties best supported by the words of one run.

        A party is a candidate when two words of the run hit its names, or one word its
        one-word name. Windows that cannot reach ``threshold`` by a count of their words
        (each word that hits the party aligned perfectly, the others as generic words)
        are not scored. Lone words of longer names are left to :meth:`find`.
        """
        hits = doc.hits
        support: dict[int, float] = defaultdict(float)
        first_hit: dict[int, int] = {}
        several: set[int] = set()
        others: set[int] = set()
        for pos in range(first, last + 1):
            for v_id, hit in hits[pos].items():
                voc = self.vocab[v_id]
                if voc.generic or len(voc.parties) > COMMON_DF:
                    others.add(v_id)
                    continue
                weight = hit * math.log(1 + self.size / len(voc.parties))
                for p in voc.parties:
                    support[p] += weight
                    seen = first_hit.setdefault(p, pos)
                    if seen != pos:
                        several.add(p)
        # Names made only of common words: two of them close together.
        common = [
            (pos, v)
            for pos in range(first, last + 1)
            for v in hits[pos]
            if len(self.vocab[v].parties) > COMMON_DF and not self.vocab[v].generic
        ]
        for i, (pos_a, a) in enumerate(common):
            for pos_b, b in common[i + 1 :]:
                if pos_b - pos_a > 3 or a == b:
                    continue
                for p in self.pairs.get((min(a, b), max(a, b)), ()):
                    support[p] += 1.0
                    several.add(p)
        candidates = [
            p
            for p in support
            if p in several or self.one_word[p] or not self.party_vocab[p].isdisjoint(others)
        ]
        candidates.sort(key=lambda p: (-support[p], p))
        out: list[_Candidate] = []
        for p in candidates[:MAX_PARTIES_PER_RUN]:
            mine = self.party_vocab[p]
            strength: dict[int, float] = {}
            whole: set[int] = set()
            for pos in range(first, last + 1):
                found = [(s, v) for v, s in hits[pos].items() if v in mine]
                if found:
                    strength[pos] = max(found)[0]
                    if self._whole_name(p, found, doc.words[pos]):
                        whole.add(pos)
            if len(strength) < 2 and not whole:
                continue
            for a, b in self._windows(doc, p, strength, first, last, threshold):
                if a == b and a not in whole:
                    continue
                cand = self._score(p, doc, a, b, first, last)
                if cand is not None:
                    out.append(cand)
        return out

    def _lone_words(self, doc: _Text, p: int, runs: list[tuple[int, int]]) -> list[_Candidate]:
        """Party ``p``'s lone words (one word of a longer name), scored: worth it only
        for parties named in full, for which they may refer back."""
        mine = self.party_vocab[p]
        out: list[_Candidate] = []
        for first, last in runs:
            for pos in range(first, last + 1):
                word = doc.words[pos].text
                if len(word) < 2 or (doc.cased and _lower(word)):
                    continue
                if mine.isdisjoint(doc.hits[pos]):
                    continue
                cand = self._score(p, doc, pos, pos, first, last)
                if cand is not None and cand.single:
                    out.append(cand)
        return out

    def _whole_name(self, p: int, found: list[tuple[float, int]], word: Word) -> bool:
        """Whether one word may be the whole of one of party ``p``'s one-word names: it
        hits that name (in a strict gazetteer: with the same key, four letters or more)."""
        names = self.one_word[p]
        if not names:
            return False
        if self.strict:
            return len(word.text) >= 4 and any(s >= 1.0 and v in names for s, v in found)
        return any(v in names for _, v in found)

    def _windows(
        self,
        doc: _Text,
        p: int,
        strength: dict[int, float],
        first: int,
        last: int,
        threshold: float,
    ) -> list[tuple[int, int]]:
        """The windows worth scoring for party ``p``: from a word that hits it to another
        (or the same), no longer than its longest name plus one, within an NER span."""
        words = doc.words
        positions = sorted(strength)
        windows: set[tuple[int, int]] = set()
        limit = self.max_words[p] + 1
        for i, a in enumerate(positions):
            for b in positions[i:]:
                if b - a + 1 > limit:
                    break
                windows.add((a, b))
        for start, end in doc.ner_windows:
            if first <= start and end <= last and any(start <= q <= end for q in positions):
                windows.add((start, end))
        out: list[tuple[int, int]] = []
        shortest = self.min_words[p]
        for a, b in sorted(windows):
            if any(words[k].possessive for k in range(a, b)):
                continue
            # In a text with capitals a name starts with one; it may end in lower case
            # only on words of the party's own name ("the Alabuga special economic
            # zone"), or on the second half of a word broken across lines.
            if doc.cased and (
                _lower(words[a].text)
                or (_lower(words[b].text) and b not in doc.broken and strength[b] < 1.0)
            ):
                continue
            if a == b:
                out.append((a, b))
                continue
            hit = [strength.get(k, 0.0) for k in range(a, b + 1)]
            matched = sum(1 for h in hit if h > 0)
            if sum(hit) < 1.2:
                continue
            # Each hit word at best aligned perfectly; other words count at least as
            # generic ones on the window's side and the name's.
            bound = (2 * matched) / (
                2 * matched
                + GENERIC_WEIGHT * (len(hit) - matched)
                + 0.5 * GENERIC_WEIGHT * max(0, shortest - matched)
            )
            if bound >= threshold:
                out.append((a, b))
        return out

    def _score(
        self, p: int, doc: _Text, a: int, b: int, first: int, last: int
    ) -> _Candidate | None:
        """Words ``a`` to ``b`` scored against party ``p``, with the text's rules."""
        party = self.parties[p]
        text, words = doc.text, doc.words
        surface = text[words[a].start : words[b].end]
        query = analyse(" ".join(_SOFT_BREAK.sub("", surface).split()), party.schema)
        if not query:
            return None
        best = _best_name(query, party, weak=not self.strict)
        if best is None:
            return None
        score, match, name, kind = best
        detail = match.detail()
        single = len(match.query.tokens) == 1 and len(match.candidate.tokens) > 1
        if self.strict:
            if _is_place(surface):
                return None  # "Hong Kong", "South Korea": places, not parties
            if len(match.query.tokens) == 1 and not single:
                if _lone_word_refused(doc, a, first, last, match, kind, party.schema):
                    return None
            elif not single and self._leaves_out_more(match):
                return None
        if single:
            rarity = self._rarity(words[a].text)
            score *= SINGLE_WORD * rarity
            detail += f" | one word of a longer name (x{SINGLE_WORD * rarity:.2f})"
        partial = any(n.startswith("candidate only") for n in match.notes)
        goes_on = False
        if partial and doc.cased:
            neighbour = _continuation(doc, a, b, first, last)
            if neighbour is not None:
                goes_on = True
                score *= NAME_GOES_ON
                detail += f" | the name goes on: {neighbour!r} (x{NAME_GOES_ON})"
        if score < FLOOR and not single:
            return None
        return _Candidate(
            p,
            a,
            b,
            words[a].start,
            words[b].end,
            surface,
            name,
            score,
            detail,
            single,
            goes_on,
            tuple(t.text for t in match.query.tokens),
        )

    def _leaves_out_more(self, match: NameMatch) -> bool:
        """Whether a partial name leaves out a word rarer than any it keeps: "Kim Jong"
        for "Kim Jong Un", "Abu Bakar" for "Abu Bakar Ba'asyir" or "Middle East" for
        "Tidewater Middle East Co." name someone else as often as not; "Ali Khamenei"
        for "Khamenei, Ali Husseini" or "Alabuga Special Economic Zone" for the zone's
        full name do not. Rarity is counted in parties whose names hold the word, with
        a factor two of slack; generic words left out do not count."""
        aligned = {word for _q, c, _s, _how in match.pairs for word in c.split()}
        kept = [t for t in match.candidate.tokens if t.text in aligned]
        left = [t for t in match.candidate.tokens if t.text not in aligned and not t.generic]
        if not left:
            return False
        rarest_kept = min((self._sharing(t) for t in kept), default=self.size)
        rarest_left = min(self._sharing(t) for t in left)
        return rarest_kept > 2 * rarest_left

    def _sharing(self, token: Token) -> int:
        """How many parties' names hold a name word."""
        v_id = self.vocab_ids.get(token.key)
        return max(len(self.vocab[v_id].parties), 1) if v_id is not None else 1

    def _parties_sharing(self, word: str) -> int:
        """How many parties' names hold a word (by its sound)."""
        found: set[int] = set()
        for key in word_keys(word).keys[:1]:
            for v_id in self.keys.get(key, ()):
                found.update(self.vocab[v_id].parties)
        return max(len(found), 1)

    def _rarity(self, word: str) -> float:
        """1 for a word only one party's names hold, less the more parties share it."""
        return 1.0 / (1.0 + 0.25 * math.log2(self._parties_sharing(word)))

    def _refer_back(self, party: Party, cands: list[_Candidate], threshold: float) -> None:
        """Lift lone words that repeat a word of a full-name mention of the party."""
        full = [c for c in cands if not c.single and not c.goes_on and c.score >= threshold]
        if not full:
            return
        for cand in cands:
            if not cand.single or cand.goes_on:
                continue
            if self.strict and self._parties_sharing(cand.query_words[0]) > RARE_WORD:
                continue  # "Kim", "Ali": too many parties' word to stand for one
            best = 0.0
            anchor: _Candidate | None = None
            for f in full:
                for word in f.query_words:
                    sim = _word_similarity(cand.query_words[0], word, party.schema)
                    if f.score * sim * REFERS_BACK > best:
                        best = f.score * sim * REFERS_BACK
                        anchor = f
            if anchor is not None and best > cand.score:
                cand.score = best
                cand.detail += f" | refers back to {anchor.text!r} ({anchor.score:.2f})"


def _index_token(v_id: int, key: str, alts: tuple[str, ...], keys: dict[str, set[int]]) -> None:
    own = [key, *(phonetic_key(a) for a in alts)]
    for k in own:
        if not k:
            continue
        keys[k].add(v_id)
        keys["v" + vowel_key(k)].add(v_id)
        if len(k) >= 5:
            # Stored under "d" + one deletion, and the key itself under "d" too, so that
            # a text word one letter longer finds it (the text side deletes one).
            keys["d" + k].add(v_id)
            for d in _deletes(k):
                keys["d" + d].add(v_id)
                keys[d].add(v_id)


def _best_name(
    query: tuple[NameForm, ...], party: Party, *, weak: bool = True
) -> tuple[float, NameMatch, str, str] | None:
    """The party name a window matches best (score, match, name, kind of name), weighted
    by the name's kind as screening weighs it (a weak alias proves less). Without
    ``weak``, weak aliases ("the Professor", "Blade Runner") are not read at all."""
    config = get_algorithm().names
    best: tuple[float, NameMatch, str, str] | None = None
    for name, kind in party.names:
        if kind == "weak" and not weak:
            continue
        factor = NAME_KIND_WEIGHTS.get(kind, 1.0)
        for cf in analyse(name, party.schema):
            for qf in query:
                result = compare_names(qf, cf, config)
                score = result.score * factor
                if best is None or score > best[0]:
                    best = (score, result, name, kind)
    return best


def _lone_word_refused(
    doc: _Text, a: int, first: int, last: int, match: NameMatch, kind: str, schema: str
) -> str | None:
    """Why one word cannot be a whole one-word name of a listed party, or None: a
    one-word name is also an ordinary word ("Dover", "Peace", "Miran" next to "Iran"),
    so only the same word counts, of four letters or more, through a name or alias (not
    a weak alias), not opening a sentence, not inside a longer name and, for vessels and
    aircraft, after a word that says it is one."""
    word = doc.words[a]
    if len(word.text) < 4:
        return "shorter than four letters"
    if match.score < LONE_WORD:
        return "not the same word"
    if kind == "weak":
        return "a weak alias"
    if _opens_sentence(doc, a):
        return "opens a sentence"
    if doc.cased and _continuation(doc, a, a, first, last) is not None:
        return "part of a longer name"
    if schema in CRAFT_SCHEMATA:
        before = {fold_latin(w.text) for w in doc.words[max(0, a - 3) : a]}
        if not before & CRAFT_CUES:
            return "no word says it is a vessel or aircraft"
    if match.candidate.legal_forms and not _legal_form_near(doc, a, first, last):
        # "LLC September", "Orion Limited Liability Company": a company whose name is
        # one ordinary word is named with its legal form, or it is just the word.
        return "a company's one-word name without its legal form"
    return None


def _legal_form_near(doc: _Text, a: int, first: int, last: int) -> bool:
    """Whether the words around word ``a`` (up to three either side, within its run)
    hold a legal form ("OOO Saturn", "Orion LLC", "JSC Element")."""
    lo, hi = max(first, a - 3), min(last, a + 3)
    around = doc.text[doc.words[lo].start : doc.words[hi].end]
    return any(form.legal_forms for form in analyse(around, "Company"))


def _is_place(surface: str) -> bool:
    """Whether a window is a country's name or demonym ("Hong Kong", "Iranian")."""
    return country_code(" ".join(surface.split())) is not None


def _opens_sentence(doc: _Text, a: int) -> bool:
    """Whether word ``a`` starts a sentence, a line or the text (after a title's full
    stop, as in "Mr. Hamas", it does not)."""
    before = doc.text[: doc.words[a].start].rstrip(" \t\"'“‘(«")
    if not before or before[-1] in "\n!?:":
        return True
    if before[-1] == ".":
        return a == 0 or fold_latin(doc.words[a - 1].text) not in TITLES
    return False


@lru_cache(maxsize=20_000)
def _word_similarity(left: str, right: str, schema: str) -> float:
    a = analyse(left, schema)
    b = analyse(right, schema)
    if not a or not b:
        return 0.0
    return compare_names(a[0], b[0], get_algorithm().names).score


def _lower(word: str) -> bool:
    """A word starting in lower case, in any script with case (Latin, Cyrillic, Greek),
    that is not a name particle."""
    return word[:1].islower() and word.casefold() not in PARTICLES


def _uses_capitals(words: Sequence[Word]) -> bool:
    """Whether case means anything in this text (not all lower case)."""
    latin = [w.text for w in words if w.text[:1].isalpha() and w.text.isascii()]
    if not latin:
        return False
    capital = sum(1 for w in latin if w[:1].isupper())
    return capital / len(latin) >= 0.05


def _runs(text: str, words: Sequence[Word]) -> list[tuple[int, int]]:
    """Maximal runs of words that may belong to one name, as (first, last) indexes."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(words)):
        if not joinable(text, words[i - 1], words[i]):
            runs.append((start, i - 1))
            start = i
    runs.append((start, len(words) - 1))
    return runs


def _title_lines(text: str, words: Sequence[Word]) -> set[int]:
    """Start offsets of lines written in title case or capitals (headlines), where a
    capitalised neighbour says nothing about where a name ends."""
    out: set[int] = set()
    by_line: dict[int, list[str]] = defaultdict(list)
    line = 0
    for w in words:
        newline = text.rfind("\n", line, w.start)
        if newline >= 0:
            line = newline + 1
        if len(w.text) >= 4 and w.text[:1].isalpha():
            by_line[line].append(w.text)
    for line, items in by_line.items():
        capital = sum(1 for w in items if w[:1].isupper())
        end = text.find("\n", line)
        content = text[line : end if end >= 0 else len(text)].rstrip()
        if items and capital / len(items) >= 0.6 and not content.endswith(_SENTENCE_END):
            out.add(line)
    return out


def _continuation(doc: _Text, a: int, b: int, first: int, last: int) -> str | None:
    """A capitalised word right before or after the window that is not a title, an
    opener or a country: the window is part of a longer name."""
    words = doc.words
    if doc.text.rfind("\n", 0, words[a].start) + 1 in doc.title_lines:
        return None
    for pos in (a - 1, b + 1):
        if pos < first or pos > last:
            continue
        word = words[pos].text
        folded = fold_latin(word)
        if not word[:1].isupper() or folded in TITLES or folded in OPENERS:
            continue
        if pos < a and words[pos].possessive:
            continue
        if word.isupper() and words[a].text.isupper():
            continue  # capitals throughout: no telling where the name ends
        if country_code(word) is not None:
            continue
        return word
    return None


def _non_overlapping(cands: list[_Candidate]) -> list[_Candidate]:
    """The best windows of one party, best first, none overlapping a better one."""
    kept: list[_Candidate] = []
    for cand in sorted(cands, key=lambda c: (-c.score, c.first - c.last, c.start)):
        if all(cand.last < k.first or cand.first > k.last for k in kept):
            kept.append(cand)
    return kept


def _ner_windows(text: str, words: Sequence[Word], ner: NerBackend) -> list[tuple[int, int]]:
    """NER spans as (first word, last word) windows."""
    out: list[tuple[int, int]] = []
    starts = [w.start for w in words]
    for start, end, label in ner(text):
        if label not in ("PERSON", "PER", "ORG"):
            continue
        inside = [i for i, s in enumerate(starts) if start <= s < end]
        if inside:
            out.append((inside[0], inside[-1]))
    return out


@cache
def spacy_backend() -> NerBackend | None:
    """A spaCy NER backend when spaCy and a model are installed, else None.

    Tried in order: English small, multilingual. Never installs or downloads anything.
    """
    if "spacy" not in sys.modules:
        try:
            import importlib

            spacy: Any = importlib.import_module("spacy")
        except ImportError:
            return None
    else:
        spacy = sys.modules["spacy"]
    for model in ("en_core_web_sm", "xx_ent_wiki_sm"):
        try:
            nlp = spacy.load(model, disable=["parser", "lemmatizer", "tagger"])
        except (OSError, ImportError, ValueError):
            continue

        def run(text: str, nlp: Any = nlp) -> list[tuple[int, int, str]]:
            doc = nlp(text[:100_000])
            return [(ent.start_char, ent.end_char, str(ent.label_)) for ent in doc.ents]

        return run
    return None


def find_mentions(
    text: str,
    gazetteer: Gazetteer,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    ner: NerBackend | None = None,
) -> list[Mention]:
    """Every mention of ``gazetteer``'s parties in ``text`` (see :meth:`Gazetteer.find`)."""
    return gazetteer.find(text, threshold=threshold, ner=ner)
