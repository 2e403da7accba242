"""Secondary-attribute features: evidence beside the name that confirms or contradicts.

Each feature is a pure function of two profiles returning an :class:`Effect` (how much
it moves the score and why) or None when it has nothing to say (an attribute missing on
either side never counts against a match). Its docstring is the explanation a reviewer
reads in ``redline match --json`` and in docs/matching.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from redline import schema as ftm
from redline.matching.profile import Profile


@dataclass(frozen=True, slots=True)
class Effect:
    """A feature's contribution: ``delta`` added to the score, ``detail`` for the reviewer."""

    delta: float
    detail: str


Feature = Callable[[Profile, Profile], Effect | None]


def _year(value: str) -> int | None:
    head = value[:4]
    return int(head) if len(head) == 4 and head.isdigit() else None


def birth_date(query: Profile, candidate: Profile) -> Effect | None:
    """Birth dates: the same full date confirms (+0.05); the same year is neutral; a year
    apart is a common clerical slip (-0.05); further apart contradicts (-0.25). Only
    compared when both sides give a date."""
    if not query.birth_dates or not candidate.birth_dates:
        return None
    best: Effect | None = None
    for q in query.birth_dates:
        for c in candidate.birth_dates:
            qy, cy = _year(q), _year(c)
            if qy is None or cy is None:
                continue
            if len(q) >= 10 and q[:10] == c[:10]:
                return Effect(0.05, f"same birth date {q[:10]}")
            if qy == cy:
                effect = Effect(0.0, f"same birth year {qy}")
            elif abs(qy - cy) == 1:
                effect = Effect(-0.05, f"birth years one apart ({qy} vs {cy})")
            else:
                effect = Effect(-0.25, f"birth years differ ({qy} vs {cy})")
            if best is None or effect.delta > best.delta:
                best = effect
    return best


def country(query: Profile, candidate: Profile) -> Effect | None:
    """Countries (nationality, citizenship, country, jurisdiction, flag): a shared
    country confirms (+0.02); none shared when both are known contradicts (-0.10)."""
    if not query.countries or not candidate.countries:
        return None
    shared = query.countries & candidate.countries
    if shared:
        return Effect(0.02, "same country " + ", ".join(sorted(shared)))
    return Effect(
        -0.10,
        "countries differ ("
        + ", ".join(sorted(query.countries))
        + " vs "
        + ", ".join(sorted(candidate.countries))
        + ")",
    )


def gender(query: Profile, candidate: Profile) -> Effect | None:
    """Gender: different genders, both stated, contradict (-0.20)."""
    if query.gender is None or candidate.gender is None:
        return None
    if query.gender == candidate.gender:
        return Effect(0.0, f"same gender ({query.gender})")
    return Effect(-0.20, f"gender differs ({query.gender} vs {candidate.gender})")


def identifier(query: Profile, candidate: Profile) -> Effect | None:
    """Identifiers (passport, national id, registration, IMO, MMSI, LEI, tax numbers...):
    an equal normalised value is strong evidence on its own, lifting the score to at
    least 0.95 (applied by the algorithm as a floor, not added)."""
    shared = query.identifiers & candidate.identifiers
    if shared:
        return Effect(0.0, "same identifier " + ", ".join(sorted(shared)))
    return None


#: The most the secondary features can add to a name score (same birth date, same
#: country); screening uses it to skip names that cannot reach the threshold.
MAX_BONUS = 0.05 + 0.02

SECONDARY: tuple[tuple[str, Feature], ...] = (
    ("birth_date", birth_date),
    ("country", country),
    ("gender", gender),
)

#: The schema families whose members may match each other.
_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"Person", "LegalEntity"}),
    frozenset({"Organization", "Company", "PublicBody", "LegalEntity"}),
    frozenset({"Vessel", "Vehicle"}),
    frozenset({"Airplane", "Vehicle"}),
)


def schemata_compatible(query: str, candidate: str) -> bool:
    """A Person never matches a Vessel: schemata match when they share a family.

    ``LegalEntity`` (a party of unknown kind) matches people and organisations, and
    ``Thing`` (nothing known) matches everything.
    """
    if query == candidate or "Thing" in (query, candidate):
        return True
    if ftm.is_a(candidate, query) or ftm.is_a(query, candidate):
        return True
    return any(query in fam and candidate in fam for fam in _FAMILIES)
