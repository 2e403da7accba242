"""Candidate retrieval: an inverted index over every name and alias of every party.

Scoring every listed name for every query would cost about a second; the index picks a
few dozen candidates in well under a millisecond. Each analysed name is described by
features that survive the variation the scorer forgives:

* character trigrams of each word's phonetic key (typos, spelling variants, spacing),
* bigrams of each word's consonant skeleton (vowel-less Arabic, Persian and Hebrew),
* whole numbers and business-word concepts (translations).

A query's features are looked up, each weighted by its rarity (idf) and divided by the
length of the listed name (cosine-style), summed per name with numpy, and the best
names' entities become the candidates. ``benchmarks/match_speed.py`` measures how often
this misses a pair the scorer would put above the threshold (retrieval recall).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import islice

import numpy as np
import numpy.typing as npt

from redline.matching.profile import NameEntry, Profile
from redline.matching.similarity import column_type
from redline.names.analysis import NameForm, analyse
from redline.names.phonetics import phonetic_key
from redline.names.units import FormBlock, ranges

#: Features in more than this share of all names carry no information for retrieval.
COMMON_SHARE = 0.05
#: Candidate profiles kept analysed after loading a saved index.
#: About 12 KB each: 50,000 (more than the parties of every list loaded) is some 600 MB.
HYDRATED_CACHE = 50_000


def _strip(profile: Profile) -> Profile:
    names = tuple(NameEntry(e.text, e.prop, ()) for e in profile.names)
    return replace(profile, names=names)


def _hydrate(profile: Profile) -> Profile:
    names = tuple(NameEntry(e.text, e.prop, analyse(e.text, profile.schema)) for e in profile.names)
    return replace(profile, names=names)


def form_features(form: NameForm) -> set[str]:
    """The retrieval features of one analysed name."""
    out: set[str] = set()
    for token in form.tokens:
        alts = token.alts if token.roman is None else (*token.alts, token.roman)
        out |= _token_features(token.number, token.concept, token.key, alts, token.skel)
    return out


@lru_cache(maxsize=100_000)
def _token_features(
    number: str | None, concept: str | None, key: str, alts: tuple[str, ...], skel: str
) -> frozenset[str]:
    """The features of one word (words recur across names and queries: kept)."""
    if number is not None:
        return frozenset(("n" + number,))
    out: set[str] = set()
    if concept is not None:
        out.add("c" + concept)
    for text in (key, *(phonetic_key(a) for a in alts)):
        padded = f"^{text}$"
        if len(padded) <= 3:
            out.add("k" + padded)
        else:
            out.update("k" + padded[i : i + 3] for i in range(len(padded) - 2))
    padded_skel = f"^{skel}$"
    out.update("s" + padded_skel[i : i + 2] for i in range(len(padded_skel) - 1))
    return frozenset(out)


@dataclass
class NameIndex:
    """The inverted index: feature → (name rows, weights), names → profiles.

    It also holds every indexed name, analysed, in one :class:`FormBlock` (a profile's
    names are contiguous, from ``profile_forms[i]``), so that a query's candidates can be
    bounded in one pass. Saved, the profiles keep their names' text but not their
    analysis, which a large index would spend seconds unpickling: :meth:`profile`
    analyses a candidate's names again when it is scored (analysis is deterministic and
    cached).
    """

    profiles: list[Profile]
    form_profile: npt.NDArray[np.int32]
    offsets: dict[str, tuple[int, int]]
    rows: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]
    """Per posting, the feature's idf squared over the name's norm: the query side
    weighs each feature by its rarity too."""
    idf: dict[str, float]
    forms: FormBlock
    profile_forms: npt.NDArray[np.int64]
    _hydrated: dict[int, Profile] = field(default_factory=dict, repr=False, compare=False)
    _form_masks: dict[int, tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __getstate__(self) -> dict[str, object]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("_hydrated", "_form_masks")}
        state["profiles"] = [_strip(p) for p in self.profiles]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._hydrated = {}
        self._form_masks = {}

    def profile(self, i: int) -> Profile:
        """Profile ``i`` with its names analysed."""
        profile = self.profiles[i]
        if not profile.names or profile.names[0].forms:
            return profile
        done = self._hydrated.get(i)
        if done is None:
            if len(self._hydrated) >= HYDRATED_CACHE:
                # The older half goes: emptying it all would analyse the lists again.
                for old in list(islice(self._hydrated, HYDRATED_CACHE // 2)):
                    del self._hydrated[old]
            done = _hydrate(profile)
            self._hydrated[i] = done
        return done

    def hydrate_all(self) -> None:
        """Analyse every profile's names now rather than at its first match (a
        long-running server or benchmark worker pays the time up front)."""
        for i in range(min(len(self.profiles), HYDRATED_CACHE)):
            self.profile(i)

    def names_of(self, candidates: Sequence[int]) -> tuple[FormBlock, npt.NDArray[np.int64]]:
        """The analysed names of some profiles, and for each name whose it is (a
        position in ``candidates``)."""
        chosen = np.asarray(candidates, dtype=np.int64)
        starts = self.profile_forms[chosen]
        counts = self.profile_forms[chosen + 1] - starts
        forms = ranges(starts, counts)
        owners = np.repeat(np.arange(len(chosen)), counts)
        return self.forms.take(forms, column_type()), owners

    @classmethod
    def build(cls, profiles: Sequence[Profile]) -> NameIndex:
        """Index every name variant of every profile."""
        form_profile: list[int] = []
        form_feats: list[set[str]] = []
        all_forms: list[NameForm] = []
        profile_forms = [0]
        for p_index, profile in enumerate(profiles):
            for entry in profile.names:
                for form in entry.forms:
                    form_profile.append(p_index)
                    form_feats.append(form_features(form))
                    all_forms.append(form)
            profile_forms.append(len(all_forms))
        count = max(len(form_feats), 1)
        df: dict[str, int] = defaultdict(int)
        for feats in form_feats:
            for feat in feats:
                df[feat] += 1
        idf = {f: math.log(1 + count / n) for f, n in df.items()}
        norms = [math.sqrt(sum(idf[f] ** 2 for f in feats)) or 1.0 for feats in form_feats]
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for row, feats in enumerate(form_feats):
            for feat in feats:
                postings[feat].append((row, idf[feat] / norms[row]))
        offsets: dict[str, tuple[int, int]] = {}
        rows: list[int] = []
        weights: list[float] = []
        for feat, items in postings.items():
            start = len(rows)
            rows.extend(r for r, _ in items)
            weights.extend(w * idf[feat] for _, w in items)
            offsets[feat] = (start, len(rows))
        return cls(
            profiles=list(profiles),
            form_profile=np.asarray(form_profile, dtype=np.int32),
            offsets=offsets,
            rows=np.asarray(rows, dtype=np.int32),
            weights=np.asarray(weights, dtype=np.float32),
            idf=idf,
            forms=FormBlock.of(all_forms).intern(),
            profile_forms=np.asarray(profile_forms, dtype=np.int64),
        )

    @property
    def size(self) -> int:
        """Number of indexed name variants."""
        return int(self.form_profile.shape[0])

    def candidates(
        self,
        forms: Iterable[NameForm],
        limit: int,
        allowed: npt.NDArray[np.bool_] | None = None,
    ) -> list[tuple[int, float]]:
        """The ``limit`` profiles whose names share the most weighted features with the
        query forms, as ``(profile index, retrieval score)``, best first.

        ``allowed`` is a boolean mask over profiles (schema and source filters).
        """
        feats: set[str] = set()
        for form in forms:
            feats |= form_features(form)
        common = COMMON_SHARE * self.size
        # In index order, so that the sums, and the ties, are the same in every process.
        spans = sorted(self.offsets[f] for f in feats if f in self.offsets)
        rare = [s for s in spans if s[1] - s[0] <= common]
        chosen = rare or spans
        if not chosen:
            return []
        rows = np.concatenate([self.rows[start:end] for start, end in chosen])
        weights = np.concatenate([self.weights[start:end] for start, end in chosen])
        sums = np.bincount(rows, weights=weights, minlength=self.size)
        if allowed is not None:
            sums[self._form_mask(allowed)] = 0.0
        hits = int(np.count_nonzero(sums))
        if hits == 0:
            return []
        # Several names of one party may rank high: take enough names for ``limit``
        # distinct parties in nearly every case, then keep each party's best name.
        take = min(hits, limit * 3)
        top = np.argpartition(-sums, take - 1)[:take] if take < hits else np.flatnonzero(sums)
        top = top[np.argsort(-sums[top], kind="stable")]
        out: list[tuple[int, float]] = []
        seen: set[int] = set()
        for p_index, score in zip(self.form_profile[top].tolist(), sums[top].tolist(), strict=True):
            if p_index in seen:
                continue
            seen.add(p_index)
            out.append((p_index, score))
            if len(out) >= limit:
                break
        return out

    def _form_mask(self, allowed: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """The names of the profiles ``allowed`` leaves out (kept: callers reuse a few
        masks, and spreading one over every name costs as much as the retrieval)."""
        cached = self._form_masks.get(id(allowed))
        if cached is not None and cached[0] is allowed:
            return cached[1]
        if len(self._form_masks) > 64:
            self._form_masks.clear()
        mask: npt.NDArray[np.bool_] = ~allowed[self.form_profile]
        self._form_masks[id(allowed)] = (allowed, mask)
        return mask
