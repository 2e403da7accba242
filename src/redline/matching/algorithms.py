"""Versioned matching algorithms: a name, a version, a config and a list of features.

A released algorithm is never changed in place: a new version sits beside the old one,
so that a decision taken on yesterday's score can be replayed with yesterday's code.
``redline-v1`` is the default; ``ofac`` reproduces the score of OFAC's Sanctions List
Search tool for users who must show parity with it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from types import ModuleType
from typing import NamedTuple

import numpy as np

from redline.errors import ConfigError
from redline.matching import features, similarity
from redline.matching.compare import (
    NameConfig,
    NameMatch,
    compare_names,
    upper_bounds,
    word_similarity,
)
from redline.matching.ofac_name import ofac_name_score
from redline.matching.profile import NameEntry, Profile
from redline.names.units import FloatArray, FormBlock, IntArray

#: A feature's detail, or a function that writes it when first read.
Detail = str | Callable[[], str]


class Explanation:
    """One feature's part in a score, in words a reviewer can check.

    The words may be given as a function that writes them, called when they are first
    read: a screen scores far more pairs than it shows, and writing an alignment's
    account costs more than scoring it. (A plain class with slots: one is made for every
    pair compared.)"""

    __slots__ = ("_detail", "candidate", "feature", "query", "score")

    def __init__(
        self, feature: str, score: float, detail: Detail, query: str = "", candidate: str = ""
    ) -> None:
        self.feature = feature
        self.score = score
        self._detail = detail
        self.query = query
        self.candidate = candidate

    @property
    def detail(self) -> str:
        """The reviewer's account of this feature's part."""
        text = self._detail
        if not isinstance(text, str):
            text = text()
            self._detail = text
        return text

    def _key(self) -> tuple[str, float, str, str, str]:
        return (self.feature, self.score, self.detail, self.query, self.candidate)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Explanation):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[type[Explanation], tuple[str, float, str, str, str]]:
        # Pickled with its words written: what writes them may not pickle (a lambda).
        return (Explanation, self._key())

    def __repr__(self) -> str:
        return (
            f"Explanation(feature={self.feature!r}, score={self.score!r}, "
            f"detail={self.detail!r}, query={self.query!r}, candidate={self.candidate!r})"
        )

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by the CLI and the HTTP API."""
        return {
            "score": round(self.score, 4),
            "detail": self.detail,
            "query": self.query,
            "candidate": self.candidate,
        }


class Result(NamedTuple):
    """A scored comparison of a query with one candidate."""

    score: float
    explanations: tuple[Explanation, ...]
    query_name: str = ""
    matched_name: str = ""


@dataclass(frozen=True, slots=True)
class Bounds:
    """What bounding a query's candidates found: per candidate the most its names could
    score, and the word similarities computed on the way, which :meth:`Algorithm.compare`
    reuses instead of computing them again for the few candidates that remain."""

    values: FloatArray
    sims: tuple[FloatArray, ...]
    """Per query form (in profile order), its units x every unit of the block."""
    unit_starts: IntArray
    """Per name of the block, its first column."""
    unit_counts: IntArray
    first_name: IntArray
    """Per candidate, the position of its first name in the block."""

    def known(self, candidate: int) -> KnownSims:
        """The similarities of one candidate (its position in the bounded list)."""
        return KnownSims(self, int(self.first_name[candidate]))


@dataclass(frozen=True, slots=True)
class KnownSims:
    """The word similarities of a query with one candidate, computed while bounding."""

    bounds: Bounds
    first_name: int

    def get(self, query_form: int, candidate_form: int, count: int = 1) -> FloatArray:
        """Query form ``query_form`` against ``count`` consecutive forms of the candidate
        from ``candidate_form`` (both numbered through all names, in profile order)."""
        b = self.bounds
        first = self.first_name + candidate_form
        start = int(b.unit_starts[first])
        end = int(b.unit_starts[first + count - 1] + b.unit_counts[first + count - 1])
        return b.sims[query_form][:, start:end]


@dataclass(frozen=True, slots=True)
class PairSims:
    """The known similarities of one query name with one candidate name."""

    known: KnownSims
    query_base: int
    candidate_base: int

    def get(self, query_form: int, candidate_form: int) -> FloatArray:
        """Form ``query_form`` of the query name against form ``candidate_form`` of the
        candidate name."""
        return self.known.get(self.query_base + query_form, self.candidate_base + candidate_form)


def _form_offsets(profile: Profile) -> list[int]:
    """Per name of a profile, the number of its first form among all its forms."""
    out = [0]
    for entry in profile.names:
        out.append(out[-1] + len(entry.forms))
    return out


def _kernel_names(kernel: ModuleType, profile: Profile) -> object:
    """A profile's names as the kernel's best_name takes them, made once and kept."""
    names = profile.kernel_names
    if names is None:
        names = kernel.Names(
            [
                (
                    NAME_KIND_WEIGHTS.get(entry.prop, 1.0),
                    tuple((similarity.prepared(form.table), form.joined) for form in entry.forms),
                    entry.text,
                    entry.prop,
                )
                for entry in profile.names
            ]
        )
        object.__setattr__(profile, "kernel_names", names)
    return names


def _name_detail(
    query: Profile, candidate: Profile, qn: int, cn: int, qf: int, cf: int, config: NameConfig
) -> str:
    """The account of the comparison of form ``qf`` of name ``qn`` of ``query`` and form
    ``cf`` of name ``cn`` of ``candidate`` (for a score the kernel computed)."""
    pair = query.names[qn].forms[qf], candidate.names[cn].forms[cf]
    return compare_names(*pair, config).detail()


def _name_kind(detail: Detail, kind: str) -> Detail:
    """A name match's detail with the weight of the candidate name's kind said."""
    suffix = f" [{kind} name x{NAME_KIND_WEIGHTS.get(kind, 1.0):.2f}]"
    if isinstance(detail, str):
        return detail + suffix
    return lambda: detail() + suffix


#: How much a name of each kind counts: weak aliases ("the Professor") and former
#: names prove less than a current name or a full alias.
NAME_KIND_WEIGHTS = {"name": 1.0, "alias": 1.0, "former": 0.95, "weak": 0.85}
#: Fewer name pairs than this are simply all aligned: bounding them costs more.
PRUNE_PAIRS = 4
#: Float noise allowed between a bound and the score it bounds.
BOUND_SLACK = 1e-9


@dataclass(frozen=True)
class Algorithm(ABC):
    """Base of all algorithms: compares two profiles into a :class:`Result`."""

    name: str = ""
    version: str = ""
    threshold: float = 0.8
    description: str = ""
    names: NameConfig = field(default_factory=NameConfig)

    #: Whether a match on an alias, former name or weak alias counts less.
    weigh_name_kinds: bool = True

    @abstractmethod
    def name_score(
        self, query: NameEntry, candidate: NameEntry, known: PairSims | None = None
    ) -> tuple[float, Detail, str, str]:
        """Score one query name against one candidate name: (score, detail, q, c).
        ``known`` holds the word similarities of their forms when already computed."""

    def best_name(
        self, query: Profile, candidate: Profile, known: KnownSims | None = None
    ) -> Explanation:
        """The best-scoring pair of names of two profiles, as the name_match feature."""
        best: tuple[float, Detail, str, str] = (0.0, "no comparable names", "", "")
        best_kind = "name"
        weigh = self.weigh_name_kinds
        q_offsets = _form_offsets(query) if known is not None else []
        c_offsets = _form_offsets(candidate) if known is not None else []
        for qi, q in enumerate(query.names):
            for ci, c in enumerate(candidate.names):
                pair = None if known is None else PairSims(known, q_offsets[qi], c_offsets[ci])
                scored = self.name_score(q, c, pair)
                value = scored[0] * NAME_KIND_WEIGHTS.get(c.prop, 1.0) if weigh else scored[0]
                if value > best[0]:
                    best = (value, scored[1], scored[2], scored[3])
                    best_kind = c.prop
        name_score, detail, qname, cname = best
        if weigh and best_kind != "name" and name_score > 0:
            detail = _name_kind(detail, best_kind)
        return Explanation("name_match", name_score, detail, qname, cname)

    def score_bounds(
        self, query: Profile, names: FormBlock, owners: IntArray, count: int
    ) -> Bounds | None:
        """Per candidate, a score :meth:`compare` cannot exceed through the names (an
        identifier match aside), or None when the algorithm cannot say. ``names`` holds
        the analysed names of ``count`` candidates; ``owners`` says whose each one is."""
        return None

    def could_reach(self, query: Profile, candidate: Profile, bound: float, cutoff: float) -> bool:
        """Whether :meth:`compare` could score ``cutoff`` or more, given ``bound`` from
        :meth:`score_bounds`: before aligning a candidate's names, the secondary features
        are computed (they are cheap) in place of the most they could add. True when the
        algorithm cannot say."""
        return True

    def compare(self, query: Profile, candidate: Profile, known: KnownSims | None = None) -> Result:
        """Score a query against a candidate with every feature, and explain it.
        ``known``: the word similarities :meth:`score_bounds` computed for this pair."""
        if query.schema != candidate.schema and not features.schemata_compatible(
            query.schema, candidate.schema
        ):
            return Result(
                0.0,
                (Explanation("schema", 0.0, f"{query.schema} cannot match {candidate.schema}"),),
            )
        name = self.best_name(query, candidate, known)
        score = name.score
        if not (query.attributes and candidate.attributes):
            # Every feature compares an attribute both sides give; a name score is
            # already within 0..1.
            return Result(score, (name,), name.query, name.candidate)
        explanations = [name]
        ident = features.identifier(query, candidate)
        if ident is not None:
            explanations.append(Explanation("identifier_match", 0.95, ident.detail))
            score = max(score, 0.95)
        for feature_name, feature in features.SECONDARY:
            effect = feature(query, candidate)
            if effect is not None:
                explanations.append(Explanation(feature_name, effect.delta, effect.detail))
                score += effect.delta
        return Result(min(max(score, 0.0), 1.0), tuple(explanations), name.query, name.candidate)


@dataclass(frozen=True)
class RedlineV1(Algorithm):
    """Token alignment over transliterated, phonetically keyed names (docs/matching.md)."""

    name: str = "redline-v1"
    version: str = "1"
    threshold: float = 0.8
    description: str = (
        "Aligns the words of two names after transliteration to Latin, legal-form and "
        "number handling; scores spelling, sound, consonant skeleton and translation "
        "agreement per word; birth date, country, gender and identifiers confirm or "
        "contradict."
    )

    def name_score(
        self, query: NameEntry, candidate: NameEntry, known: PairSims | None = None
    ) -> tuple[float, Detail, str, str]:
        best: NameMatch | None = None
        for i, qf in enumerate(query.forms):
            for j, cf in enumerate(candidate.forms):
                sim = None if known is None else known.get(i, j)
                result = compare_names(qf, cf, self.names, sim)
                if best is None or result.score > best.score:
                    best = result
        if best is None:
            return 0.0, "no comparable names", query.text, candidate.text
        return best.score, best.detail, query.text, candidate.text

    def best_name(
        self, query: Profile, candidate: Profile, known: KnownSims | None = None
    ) -> Explanation:
        """The base rule, but a pair of names is aligned only when its upper bound could
        still beat (or tie) the best pair found so far. Pairs are tried best bound first,
        and the winner is the first best pair in the base rule's order, so the result is
        the same; a party with twenty aliases costs one matrix pass and a few alignments
        instead of twenty.

        Names with no number, legal form or former name have nothing for Python to add
        after alignment, and the kernel, when built, scores all their pairs in one call
        (the same scores, held together by tests/matching/test_kernel.py); the account
        of the winner is written only if read."""
        kernel = similarity.active_kernel()
        if (
            known is None
            and kernel is not None
            and query.plain_names
            and candidate.plain_names
            and self.weigh_name_kinds
        ):
            config = self.names
            value, qn, cn, qf, cf, q_text, c_text, c_kind = kernel.best_name(
                query.kernel_names or _kernel_names(kernel, query),
                candidate.kernel_names or _kernel_names(kernel, candidate),
                config.rules,
                config.knobs,
            )
            if qn < 0:
                return Explanation("name_match", 0.0, "no comparable names", "", "")
            # The forms are looked up only if the account is read.
            write = partial(_name_detail, query, candidate, qn, cn, qf, cf, config)
            text = write if c_kind == "name" else _name_kind(write, c_kind)
            return Explanation("name_match", value, text, q_text, c_text)
        pairs = len(query.names) * len(candidate.names)
        if pairs < PRUNE_PAIRS:
            return super().best_name(query, candidate, known)
        bounds = self._pair_bounds(query, candidate, known)
        factors = [
            NAME_KIND_WEIGHTS.get(c.prop, 1.0) if self.weigh_name_kinds else 1.0
            for c in candidate.names
        ]
        columns = len(candidate.names)
        order = sorted(
            range(pairs), key=lambda k: -bounds[k // columns, k % columns] * factors[k % columns]
        )
        best_value = 0.0
        scored: dict[int, tuple[float, Detail, str, str]] = {}
        q_offsets = _form_offsets(query) if known is not None else []
        c_offsets = _form_offsets(candidate) if known is not None else []
        for k in order:
            reach = bounds[k // columns, k % columns] * factors[k % columns]
            if reach <= 0.0 or reach + BOUND_SLACK < best_value:
                break
            row, col = divmod(k, columns)
            pair = None if known is None else PairSims(known, q_offsets[row], c_offsets[col])
            result = self.name_score(query.names[row], candidate.names[col], pair)
            scored[k] = result
            best_value = max(best_value, result[0] * factors[k % columns])
        if best_value <= 0.0:
            return Explanation("name_match", 0.0, "no comparable names", "", "")
        k = min(k for k, r in scored.items() if r[0] * factors[k % columns] == best_value)
        _, detail, qname, cname = scored[k]
        kind = candidate.names[k % columns].prop
        if self.weigh_name_kinds and kind != "name":
            detail = _name_kind(detail, kind)
        return Explanation("name_match", best_value, detail, qname, cname)

    def _pair_bounds(
        self, query: Profile, candidate: Profile, known: KnownSims | None = None
    ) -> FloatArray:
        """Query names x candidate names: a name score no pair of their forms exceeds."""
        forms = [form for entry in candidate.names for form in entry.forms]
        owners = np.repeat(
            np.arange(len(candidate.names)), [len(entry.forms) for entry in candidate.names]
        )
        out = np.zeros((len(query.names), len(candidate.names)))
        if not forms:
            return out
        block = FormBlock.of(forms)
        q_form = 0
        for row, entry in enumerate(query.names):
            for form in entry.forms:
                sim = None if known is None else known.get(q_form, 0, len(forms))
                np.maximum.at(out[row], owners, upper_bounds(form, block, self.names, sim))
                q_form += 1
        return out

    def could_reach(self, query: Profile, candidate: Profile, bound: float, cutoff: float) -> bool:
        """A candidate's score is at most its name bound plus its secondary features'
        effects (a matching identifier aside, which lifts the score to 0.95): a birth date
        or nationality that contradicts the match rules it out without aligning a name."""
        if cutoff <= 0.0 or features.identifier(query, candidate) is not None:
            return True
        effects = (feature(query, candidate) for _, feature in features.SECONDARY)
        delta = sum(e.delta for e in effects if e is not None)
        return bound - features.MAX_BONUS + delta + BOUND_SLACK >= cutoff

    def score_bounds(
        self, query: Profile, names: FormBlock, owners: IntArray, count: int
    ) -> Bounds | None:
        """All candidates' names at once against each query name (see
        :func:`~redline.matching.compare.upper_bounds`), plus the most the secondary
        features could add; the word similarities are kept for :meth:`compare`."""
        out = np.zeros(count)
        sims: list[FloatArray] = []
        if names.size:
            for entry in query.names:
                for form in entry.forms:
                    sim = word_similarity(form, names, self.names)
                    sims.append(sim)
                    np.maximum.at(out, owners, upper_bounds(form, names, self.names, sim))
        starts = np.zeros(names.size, dtype=np.int64)
        if names.size:
            starts[1:] = np.cumsum(names.unit_counts)[:-1]
        return Bounds(
            values=out + features.MAX_BONUS,
            sims=tuple(sims),
            unit_starts=starts,
            unit_counts=names.unit_counts,
            first_name=np.searchsorted(owners, np.arange(count)),
        )


@dataclass(frozen=True)
class Ofac(Algorithm):
    """Parity with OFAC's Sanctions List Search score (Jaro-Winkler, as measured)."""

    name: str = "ofac"
    version: str = "1"
    weigh_name_kinds: bool = False
    # 80 is the lowest setting of OFAC's own score slider that its users work with.
    threshold: float = 0.8
    description: str = (
        "Reproduces OFAC Sanctions List Search: the higher of a whole-name and a per-word "
        "Jaro-Winkler score after its first-letter pre-filter, on the name only; other "
        "attributes add or take nothing, as at OFAC."
    )

    def name_score(
        self, query: NameEntry, candidate: NameEntry, known: PairSims | None = None
    ) -> tuple[float, Detail, str, str]:
        score = ofac_name_score(query.text, candidate.text)
        return score, f"OFAC-style score {score * 100:.0f}", query.text, candidate.text

    def compare(self, query: Profile, candidate: Profile, known: KnownSims | None = None) -> Result:
        """The name score alone: OFAC's tool ignores every other attribute."""
        if not features.schemata_compatible(query.schema, candidate.schema):
            return Result(0.0, (Explanation("schema", 0.0, "schemata differ"),))
        name = self.best_name(query, candidate)
        return Result(name.score, (name,), name.query, name.candidate)


ALGORITHMS: dict[str, Algorithm] = {a.name: a for a in (RedlineV1(), Ofac())}
DEFAULT_ALGORITHM = "redline-v1"


def get_algorithm(name: str | None = None) -> Algorithm:
    """The algorithm registered under ``name`` (the default when None)."""
    key = name or DEFAULT_ALGORITHM
    if key in ("best", "default"):
        key = DEFAULT_ALGORITHM
    try:
        return ALGORITHMS[key]
    except KeyError:
        known = ", ".join(sorted(ALGORITHMS))
        raise ConfigError(f"unknown algorithm {key!r}; known: {known}") from None
