"""What an article says a party did, and how far the matter has gone: a risk taxonomy with
legal stages, decided by readable word lists so that a reviewer can see why.

The taxonomy is the FATF list of designated categories of offences (plus money laundering
and cybercrime), with two categories added for a sanctions engine: ``sanctions_evasion``
(being sanctioned or helping someone get round sanctions) and ``proliferation`` (weapons,
dual-use goods, WMD, drones and missiles for a military end use). Each category has a list
of *cues*; the legal stages (allegation < investigation < charge < conviction < sanction,
and acquittal) have theirs.

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


@dataclass(frozen=True)
class Category:
    """One offence category: a stable ``code``, a ``label`` for people, what it covers, and
    the cues that detect it (``cues`` strong, ``weak`` weaker)."""

    code: str
    label: str
    description: str
    cues: tuple[str, ...]
    weak: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stage:
    """A legal stage with the cues that state it."""

    code: str
    label: str
    description: str
    cues: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        "organised_crime",
        "Participation in organised crime",
        "Membership of or work for a criminal group, mafia, cartel or racket.",
        (
            "organised crime",
            "organized crime",
            "crime syndicate*",
            "crime famil*",
            "crime boss*",
            "crime lord*",
            "mafia*",
            "mobster*",
            "mob boss*",
            "racketeer*",
            "rico",
            "criminal organi*",
            "criminal network*",
            "criminal enterprise*",
            "criminal gang*",
            "camorra",
            "ndrangheta",
            "cosa nostra",
            "yakuza",
            "thieves in law",
        ),
        ("cartel*", "gang*", "triad*", "mob"),
    ),
    Category(
        "terrorism",
        "Terrorism and terrorist financing",
        "Terrorist acts, membership of or support for terrorist groups, and their financing.",
        (
            "terrorism",
            "terrorist*",
            "terror attack*",
            "terror group*",
            "terror cell*",
            "terror financ*",
            "financ* ... terror*",
            "counter terrorism",
            "foreign terrorist organi*",
            "sdgt",
            "isis",
            "isil",
            "islamic state",
            "al qaeda",
            "al qaida",
            "al shabaab",
            "boko haram",
            "suicide bomb*",
        ),
        (
            *("extremis*", "militant*", "jihadis*", "radicali*", "bombing*", "hezbollah"),
            *("hamas", "irgc", "islamic revolutionary guard corps"),
        ),
    ),
    Category(
        "human_trafficking",
        "Trafficking in human beings and migrant smuggling",
        "Trafficking people for labour or other exploitation; smuggling migrants.",
        (
            "human traffick*",
            "people traffick*",
            "trafficking in persons",
            "trafficking in human beings",
            "trafficked",
            "people smuggl*",
            "human smuggl*",
            "migrant smuggl*",
            "smuggl* ... migrants",
            "forced labo*",
            "modern slavery",
            "debt bondage",
            "child labo*",
        ),
        ("slavery", "enslav*"),
    ),
    Category(
        "sexual_exploitation",
        "Sexual exploitation, including of children",
        "Sexual abuse and exploitation, child sexual abuse material, forced prostitution.",
        (
            "sexual exploitation",
            "sexually exploit*",
            "sexual abuse",
            "sexually abus*",
            "sexual assault*",
            "sexually assault*",
            "child abuse",
            "child sexual",
            "child porn*",
            "sex trafficking",
            "sex offen*",
            "forced prostitution",
            "rape*",
            "raping",
            "molest*",
            "paedophil*",
            "pedophil*",
        ),
        ("pimp*", "grooming", "prostitution"),
    ),
    Category(
        "drugs",
        "Illicit trafficking in narcotic drugs",
        "Producing, trafficking or dealing in narcotics and controlled substances.",
        (
            "drug traffick*",
            "drug smuggl*",
            "drug cartel*",
            "drug lord*",
            "drug dealer*",
            "drug dealing",
            "drug ring*",
            "drug trade",
            "illegal drugs",
            "illicit drugs",
            "narcotic*",
            "narco*",
            "cocaine",
            "heroin",
            "methamphetamine*",
            "fentanyl",
            "controlled substance*",
        ),
        ("cannabis", "marijuana", "opioid*", "kingpin*", "meth"),
    ),
    Category(
        "arms_trafficking",
        "Illicit arms trafficking",
        "Smuggling or illegal trade in firearms, ammunition and other weapons.",
        (
            "arms traffick*",
            "arms smuggl*",
            "arms dealer*",
            "gun running",
            "gunrunn*",
            "weapons traffick*",
            "weapons smuggl*",
            "firearms traffick*",
            "smuggl* ... weapons",
            "smuggl* ... firearms",
            "smuggl* ... guns",
            "illegal weapons",
            "illegal arms",
            "illicit arms",
            "illegal firearm*",
            "arms deal*",
        ),
        ("arms embargo*", "ammunition"),
    ),
    Category(
        "stolen_goods",
        "Illicit trafficking in stolen and other goods",
        "Receiving, handling or selling stolen property; looted goods and antiquities.",
        (
            "stolen goods",
            "stolen property",
            "receiving stolen",
            "handling stolen",
            "stolen vehicles",
            "stolen cars",
            "stolen art*",
            "looted",
            "antiquities traffick*",
            "fenc* ... stolen",
        ),
        ("black market", "looting"),
    ),
    Category(
        "corruption",
        "Corruption and bribery",
        "Bribes, kickbacks, graft, abuse of office and influence peddling.",
        (
            "corrupt*",
            "brib*",
            "kickback*",
            "graft",
            "abuse of office",
            "abuse of power",
            "misuse of public funds",
            "influence peddling",
            "foreign corrupt practices",
            "fcpa",
            "bribery act",
            "slush fund*",
            "state capture",
            "embezzl* ... public funds",
        ),
        ("nepotism", "cronyism", "payoff*", "pay to play"),
    ),
    Category(
        "fraud",
        "Fraud",
        "Deceiving others for gain: fraud, scams, Ponzi schemes, embezzlement.",
        (
            "fraud*",
            "defraud*",
            "ponzi",
            "pyramid scheme*",
            "embezzl*",
            "misappropriat*",
            "swindl*",
            "con artist*",
            "false pretences",
            "false pretenses",
            "accounting irregularit*",
            "misled investors",
            "mislead* investors",
            "scam*",
        ),
        ("deceiv*", "deceptive", "cheat*", "siphon*"),
    ),
    Category(
        "counterfeiting_currency",
        "Counterfeiting currency",
        "Making or passing counterfeit banknotes or coins.",
        (
            "counterfeit currency",
            "counterfeit money",
            "counterfeit notes",
            "counterfeit banknotes",
            "counterfeit bills",
            "counterfeit coins",
            "counterfeit* ... banknotes",
            "fake banknotes",
            "fake currency",
            "forged banknotes",
            "forged currency",
        ),
    ),
    Category(
        "counterfeiting_products",
        "Counterfeiting and piracy of products",
        "Fake branded goods and medicines, pirated goods, trademark and copyright theft.",
        (
            "counterfeit goods",
            "counterfeit products",
            "counterfeit medicine*",
            "counterfeit drugs",
            "counterfeit* ... products",
            "fake goods",
            "knock off*",
            "knockoff*",
            "pirated goods",
            "pirated software",
            "product piracy",
            "software piracy",
            "copyright infringement",
            "trademark infringement",
            "intellectual property theft",
            "ip theft",
        ),
        ("counterfeit*", "pirated"),
    ),
    Category(
        "environmental_crime",
        "Environmental crime",
        "Illegal logging, fishing, mining and dumping; wildlife trafficking; pollution offences.",
        (
            "environmental crime*",
            "illegal logging",
            "illegal fishing",
            "illegal mining",
            "illegal dumping",
            "wildlife traffick*",
            "wildlife crime*",
            "timber traffick*",
            "poach*",
            "ivory",
            "rhino horn*",
            "toxic waste",
            "hazardous waste",
            "illegal waste",
            "environmental violation*",
        ),
        ("pollut*", "oil spill*", "deforestation", "emissions scandal"),
    ),
    Category(
        "murder",
        "Murder and grievous bodily injury",
        "Killing, attempted murder, assassination, torture and serious violence.",
        (
            "murder*",
            "homicide*",
            "manslaughter",
            "assassinat*",
            "grievous bodily harm",
            "grievous injury",
            "shot dead",
            "gunned down",
            "stabb*",
            "beat* to death",
            "massacre*",
            "torture*",
            "war crime*",
        ),
        ("kill*", "assault*", "violen*"),
    ),
    Category(
        "kidnapping",
        "Kidnapping, illegal restraint and hostage-taking",
        "Abduction, hostage-taking, ransom and unlawful detention.",
        (
            "kidnap*",
            "abduct*",
            "hostage*",
            "ransom",
            "held captive",
            "false imprisonment",
            "unlawful imprisonment",
            "forced disappearance*",
        ),
        ("illegal detention", "unlawful detention"),
    ),
    Category(
        "robbery_theft",
        "Robbery or theft",
        "Robbery, burglary, theft and larceny.",
        (
            "robber*",
            "robbed",
            "armed robbery",
            "theft*",
            "thief",
            "thieves",
            "steal*",
            "stole",
            "burglar*",
            "heist*",
            "larceny",
            "shoplift*",
            "carjack*",
            "pickpocket*",
        ),
        ("stolen", "mugg*"),
    ),
    Category(
        "smuggling",
        "Smuggling (including customs and excise)",
        "Moving goods past customs unlawfully: contraband, duty and excise evasion.",
        (
            "smuggl*",
            "contraband",
            "customs fraud",
            "customs violation*",
            "customs evasion",
            "duty evasion",
            "excise evasion",
            "evad* ... customs",
            "evad* ... duties",
            "tariff evasion",
            "misdeclar*",
            "under invoic*",
            "illegal import*",
            "illegal export*",
        ),
        ("undeclared goods", "excise"),
    ),
    Category(
        "tax_crime",
        "Tax crimes",
        "Evading direct or indirect taxes: tax fraud, VAT fraud, hidden income.",
        (
            "tax evasion",
            "tax fraud",
            "evad* ... tax*",
            "tax dodg*",
            "tax crime*",
            "tax offen*",
            "vat fraud",
            "carousel fraud",
            "undeclared income",
            "false tax return*",
            "fail* to pay ... taxes",
        ),
        (
            "tax haven*",
            "tax avoidance",
            "unpaid taxes",
            "offshore accounts",
            "panama papers",
            "pandora papers",
            "paradise papers",
        ),
    ),
    Category(
        "extortion",
        "Extortion",
        "Obtaining money or favours by threats: extortion, blackmail, protection rackets.",
        (
            "extort*",
            "blackmail*",
            "protection money",
            "protection racket*",
            "shakedown*",
            "sextortion",
        ),
        ("intimidat*",),
    ),
    Category(
        "forgery",
        "Forgery",
        "Forged or falsified documents, signatures and identities.",
        (
            "forgery",
            "forgeries",
            "forged documents",
            "forged signature*",
            "forged passport*",
            "forged ... documents",
            "fake passport*",
            "fake documents",
            "fake diploma*",
            "false documents",
            "falsified documents",
            "fraudulent documents",
            "fabricated documents",
        ),
        ("falsif*", "doctored"),
    ),
    Category(
        "piracy",
        "Piracy",
        "Piracy at sea: hijacking and robbing ships.",
        (
            "maritime piracy",
            "sea piracy",
            "piracy at sea",
            "pirate attack*",
            "somali pirates",
            "hijack* ... ship*",
            "hijack* ... vessel*",
            "hijack* ... tanker*",
            "armed robbery at sea",
        ),
        ("pirates", "piracy", "hijack*"),
    ),
    Category(
        "market_abuse",
        "Insider trading and market manipulation",
        "Trading on inside information and manipulating prices, rates or markets.",
        (
            "insider trading",
            "insider dealing",
            "market manipulation",
            "market abuse",
            "price manipulation",
            "manipulat* ... market*",
            "manipulat* ... share price*",
            "manipulat* ... stock*",
            "pump and dump",
            "spoofing",
            "front running",
            "securities fraud",
            "rate rigging",
            "rigg* ... benchmark*",
            "wash trad*",
        ),
        ("price fixing", "securities and exchange commission"),
    ),
    Category(
        "money_laundering",
        "Money laundering",
        "Disguising the proceeds of crime: laundering, illicit funds, underground banking.",
        (
            "money launder*",
            "launder*",
            "laundromat",
            "proceeds of crime",
            "criminal proceeds",
            "illicit funds",
            "illicit financial flows",
            "dirty money",
            "smurfing",
            "bank secrecy act",
        ),
        (
            "anti money laundering",
            "aml",
            "shell compan*",
            "hawala",
            "suspicious transactions",
            "suspicious activity report*",
            "fincen",
        ),
    ),
    Category(
        "cybercrime",
        "Cybercrime",
        "Hacking, ransomware, malware, phishing, data theft and other computer crime.",
        (
            "cybercrim*",
            "cyber crime*",
            "cyberattack*",
            "cyber attack*",
            "hacker*",
            "hacking",
            "hacked",
            "ransomware",
            "malware",
            "phishing",
            "data breach*",
            "ddos",
            "botnet*",
            "identity theft",
            "darknet",
            "dark web",
            "cyber espionage",
            "computer fraud",
        ),
        ("spyware", "hack"),
    ),
    Category(
        "sanctions_evasion",
        "Sanctions and sanctions evasion",
        "Being sanctioned, designated or export-restricted, or helping others evade sanctions.",
        (
            "sanctions evasion",
            "evad* ... sanctions",
            "evasion of ... sanctions",
            "circumvent* ... sanctions",
            "bypass* ... sanctions",
            "skirt* ... sanctions",
            "sanctions bust*",
            "bust* ... sanctions",
            "violat* ... sanctions",
            "sanctions violation*",
            "breach* ... sanctions",
            "sanctioned",
            "impos* ... sanctions",
            "sanctions on",
            "sanctions against",
            "designated by",
            "designated under",
            "added to the entity list",
            "entity list",
            "sdn list",
            "specially designated national*",
            "ofac",
            "export control*",
            "blacklist*",
            "black list*",
            "asset freeze*",
            "assets frozen",
            "frozen assets",
            "froze ... assets",
            "freez* ... assets",
            "denied persons list",
            "military end user list",
            "dark fleet",
            "shadow fleet",
            "ship to ship transfer*",
        ),
        (
            "sanctions",
            "designated",
            "designation",
            "embargo*",
            "travel ban*",
            "front compan*",
            "transship*",
        ),
    ),
    Category(
        "proliferation",
        "Proliferation: weapons, dual-use goods and WMD",
        "Weapons of mass destruction, missiles, military drones and dual-use goods or "
        "components for a military end use.",
        (
            "proliferation",
            "weapons of mass destruction",
            "wmd",
            "dual use",
            "military end use*",
            "nuclear weapon*",
            "chemical weapon*",
            "biological weapon*",
            "ballistic missile*",
            "cruise missile*",
            "missile program*",
            "missile technology",
            "uranium enrichment",
            "enrich* uranium",
            "nuclear program*",
            "weapons program*",
            "drone program*",
            "drone factory",
            "drone plant",
            "drone manufactur*",
            "drone production",
            "drone components",
            "uav components",
            "missile components",
            "kamikaze drone*",
            "attack drone*",
            "suicide drone*",
            "combat drone*",
            "shahed",
            "weapons transfer*",
            "transfer* ... weapons",
            "arms transfer*",
            "military equipment",
        ),
        (
            "drone*",
            "uav*",
            "unmanned aerial vehicle*",
            "unmanned aircraft",
            "missile*",
            "weapons",
            "munitions",
            "centrifuge*",
            "military partnership",
            "defen* manufacturer*",
            "defen* cooperation",
        ),
    ),
)

#: The stages in order of how far a matter has gone; ``acquittal`` sits apart (see module).
LEGAL_STAGES: tuple[str, ...] = (
    "allegation",
    "investigation",
    "charge",
    "conviction",
    "sanction",
    "acquittal",
)
#: Rank used to pick the most advanced stage: acquittal ends allegation, investigation and
#: charge, but does not outrank a conviction or a sanction.
STAGE_RANK: dict[str, int] = {
    "allegation": 10,
    "investigation": 20,
    "charge": 30,
    "acquittal": 35,
    "conviction": 40,
    "sanction": 50,
}

STAGES: tuple[Stage, ...] = (
    Stage(
        "allegation",
        "Allegation",
        "Someone says the party did wrong; nothing official has happened yet.",
        (
            "alleg*",
            "accus*",
            "reportedly",
            "suspected of",
            "suspected to",
            "suspect",
            "suspects",
            "implicated",
            "linked to",
            "tied to",
            "claims that",
            "whistleblower*",
            "denied",
            "denies",
        ),
    ),
    Stage(
        "investigation",
        "Investigation",
        "Authorities are looking into it: probes, raids, arrests, questioning.",
        (
            "investigat*",
            "probe*",
            "probing",
            "inquiry",
            "enquiry",
            "raid*",
            "arrest*",
            "detained",
            "subpoena*",
            "under scrutiny",
            "questioned by",
            "search warrant*",
            "under investigation",
        ),
    ),
    Stage(
        "charge",
        "Charge",
        "Formal accusation in court or by a prosecutor: charges, indictment, trial.",
        (
            "charged",
            "charges against",
            "faces charges",
            "facing charges",
            "criminal charges",
            "indict*",
            "prosecuted",
            "prosecuting",
            "stand trial",
            "on trial",
            "went on trial",
            "trial of",
            "arraign*",
            "pleaded not guilty",
            "pleads not guilty",
            "criminal complaint",
            "extradit*",
        ),
    ),
    Stage(
        "conviction",
        "Conviction",
        "A court (or regulator) found against the party: convicted, sentenced, fined.",
        (
            "convicted",
            "conviction*",
            "found guilty",
            "pleaded guilty",
            "pleads guilty",
            "guilty plea",
            "guilty verdict",
            "sentenced",
            "jailed",
            "imprisoned",
            "prison sentence",
            "years in prison",
            "fined",
        ),
    ),
    Stage(
        "sanction",
        "Sanction",
        "The party is on a sanctions or export-control list, or has had assets frozen.",
        (
            "sanctioned",
            "impos* ... sanctions on",
            "sanctions on",
            "sanctions against",
            "designated by",
            "designated under",
            "designated as",
            "added to the entity list",
            "added to ... list",
            "placed on ... list",
            "blacklisted",
            "asset freeze*",
            "assets frozen",
            "froze ... assets",
            "freez* ... assets",
        ),
    ),
    Stage(
        "acquittal",
        "Acquittal",
        "The matter ended in the party's favour: acquitted, cleared, charges dismissed.",
        (
            "acquit*",
            "cleared of",
            "found not guilty",
            "charges ... dropped",
            "charges ... were dropped",
            "charges ... were dismissed",
            "charges ... withdrawn",
            "found ... not guilty",
            "verdict of not guilty",
            "charges ... dismissed",
            "case ... dismissed",
            "dropped ... charges",
            "dismissed ... charges",
            "exonerat*",
            "overturned",
            "quashed",
            "delisted",
            "removed from ... list",
            "lifted sanctions",
            "sanctions ... lifted",
        ),
    ),
)

CATEGORY_BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}

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
