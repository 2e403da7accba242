"""Name analysis: one raw name in, the comparable forms the scorer works on out.

Every name of every list entry passes through :func:`analyse` once, when the index is
built, and every query name once per query. The steps, in order:

1. clean (NFKC, no controls, bounded);
2. split annotations into variants: "Ocean Pioneer (ex-Cape Diamond)" is two names, a
   current and a former one; branch suffixes, party labels and flags are dropped;
3. take legal forms off (ООО, בע״מ, Sp. z o.o., Co., Ltd.) and keep their classes;
4. tokenise in the original script, then per token: a number (5, five, V, ၅, 第八)
   becomes digits, a known business word becomes a concept symbol shared by its
   translations (Wine = Gvino = ღვინო), an abbreviation is expanded (Intl, Mfg), and
   everything is transliterated to Latin (with up to three other readings);
5. per token, the phonetic key and the consonant skeleton used by the scorer and index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from redline.names import annotations as variants
from redline.names import numbers, orgtypes, translit, vocab
from redline.names.normalise import clean_name, fold_latin, tokenize
from redline.names.phonetics import phonetic_key, skeleton
from redline.names.units import Unit, UnitTable, make_units

#: Schemata whose names are organisations (legal forms and business words apply).
ORG_SCHEMATA = frozenset({"Organization", "Company", "PublicBody", "LegalEntity"})
#: Schemata whose names are craft (vessel prefixes apply).
CRAFT_SCHEMATA = frozenset({"Vessel", "Airplane", "Vehicle"})
_LATIN = frozenset({"Latin"})
#: Scripts whose characters are syllables with exact romanisations (pinyin, Revised
#: and McCune-Reischauer, the Korean and Japanese readings of the tables): Kana is left
#: out, since katakana spell foreign names by ear.
_HAN = frozenset({"Han"})
#: The last Latin letter with diacritics (Latin Extended-B), for pinyin with tone marks.
_LATIN_EXTENDED = "\u024f"
_SYLLABIC = (frozenset({"Hangul"}), _HAN)
_CJK_ORDINAL = re.compile(r"第[〇零一二三四五六七八九十百千两兩0-9０-９]+(?:号|號)?")
#: Honorifics and titles that say nothing about who a person is.
HONORIFICS = frozenset(
    {
        *("mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady"),
        *("sheikh", "shaikh", "sayyid", "haji", "hajji", "hadji", "mullah", "maulana"),
        *("ayatollah", "hojatoleslam", "hojjatoleslam", "imam", "rev", "reverend"),
        *("general", "gen", "colonel", "col", "major", "maj", "captain", "capt"),
        *("lieutenant", "lt", "admiral", "brigadier", "herr", "frau", "monsieur", "mme"),
        *("madame", "senor", "sra", "don", "dona"),
    }
)


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a name in comparable form.

    ``text`` is the primary Latin reading (spaces removed), ``alts`` other readings,
    ``key``/``skel`` the phonetic key and consonant skeleton of ``text``. ``native``:
    written in a script other than Latin; ``syllabic``: written in Hangul or Han, whose
    readings are exact romanisations (see :class:`redline.names.units.Unit`).
    ``roman``: the Wade-Giles spelling of a Han word, or of a pinyin word in a Latin
    name shaped like a Chinese one (see :func:`_pinyin_name`), when it differs.
    """

    text: str
    alts: tuple[str, ...]
    key: str
    skel: str
    abjad: bool
    number: str | None
    concept: str | None
    generic: bool
    native: bool = False
    syllabic: bool = False
    roman: str | None = None

    @property
    def weight(self) -> float:
        """How much the token says about identity: generic words and initials say less."""
        if self.number is not None:
            return 0.8
        if self.generic:
            return 0.35
        if len(self.text) <= 1:
            return 0.4
        return 1.0


@dataclass(frozen=True, slots=True)
class NameForm:
    """One variant of a name, analysed, with its alignment units prepared."""

    original: str
    kind: str
    tokens: tuple[Token, ...]
    legal_forms: tuple[orgtypes.LegalForm, ...]
    numbers: frozenset[str]
    abjad: bool
    units: tuple[Unit, ...]
    table: UnitTable
    joined: str
    """The token keys run together, for names split or joined differently."""
    plain: bool = field(init=False)
    """No numbers, no legal forms and not a former name: nothing for the multipliers of
    name comparison to look at (most names; compare skips them)."""

    def __post_init__(self) -> None:
        plain = not self.numbers and not self.legal_forms and self.kind != "former"
        object.__setattr__(self, "plain", plain)

    @property
    def comparable(self) -> str:
        """Primary readings joined by spaces: what a reviewer reads as "compared as"."""
        return " ".join(t.text for t in self.tokens)


def analyse(name: str, schema: str = "LegalEntity") -> tuple[NameForm, ...]:
    """Analyse one raw name into its variants; an empty result means nothing comparable."""
    return _analyse(name, _schema_class(schema))


def _schema_class(schema: str) -> str:
    if schema in CRAFT_SCHEMATA:
        return "Vessel" if schema != "Airplane" else "Airplane"
    if schema == "Person":
        return "Person"
    if schema in ORG_SCHEMATA:
        return "Company"
    return "LegalEntity"


@lru_cache(maxsize=50_000)
def _analyse(name: str, kind: str) -> tuple[NameForm, ...]:
    cleaned = clean_name(name)
    if not cleaned:
        return ()
    forms: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    for variant in variants.split_variants(cleaned, kind):
        form = _form(variant.text, variant.kind, kind)
        if form is None:
            continue
        signature = tuple(t.text for t in form.tokens)
        if signature in seen:
            continue
        seen.add(signature)
        forms.append(form)
    return tuple(forms)


def _form(text: str, variant_kind: str, kind: str) -> NameForm | None:
    legal: tuple[orgtypes.LegalForm, ...] = ()
    if kind in ("Vessel", "Airplane"):
        text, _prefix = variants.strip_vessel_prefix(text)
        # Japanese and Chinese craft number sister ships inside the name (第八星風丸,
        # No. 8 Seifu Maru): the ordinal is cut out as a word, so that it is compared
        # as a number (No. 8 is not No. 18).
        text = _CJK_ORDINAL.sub(r" \g<0> ", text)
    if kind not in ("Person", "Vessel", "Airplane"):
        text = _split_camel_case(text)
        stripped, legal = orgtypes.strip_legal_forms(text)
        # A name that is nothing but a legal form ("Ltd") keeps its words.
        if tokenize(stripped):
            text = stripped
        text = vocab.split_unspaced(text)
    raw_tokens = tokenize(text)
    pinyin = _pinyin_name(raw_tokens, kind)
    tokens: list[Token] = []
    last = len(raw_tokens) - 1
    for index, raw in enumerate(raw_tokens):
        folded = fold_latin(raw)
        if kind == "Person" and folded in HONORIFICS and len(raw_tokens) > 1:
            continue
        if (
            kind in ("Vessel", "Airplane")
            and folded in variants.VESSEL_PREFIXES
            and len(raw_tokens) > 1
        ):
            continue
        if folded in numbers.VESSEL_NUMBER_MARKERS and index < last:
            continue
        tokens.extend(
            _tokens(raw, folded, kind, trailing=index == last and index > 0, pinyin=pinyin)
        )
    if not tokens:
        return None
    nums = frozenset(t.number for t in tokens if t.number is not None)
    abjad = any(t.abjad for t in tokens)
    units = make_units(tuple(tokens))
    return NameForm(
        text,
        variant_kind,
        tuple(tokens),
        legal,
        nums,
        abjad,
        units,
        UnitTable.of_units(units, tokens),
        "".join(t.key for t in tokens if t.number is None),
    )


def _pinyin_name(raw_tokens: list[str], kind: str) -> bool:
    """Whether a Latin name is shaped like a Chinese name in pinyin; its words then have
    a Wade-Giles spelling too, as Taiwan and older records write the same name (Zhang
    Wei is Chang Wei there, Xu Ming is Hsu Ming).

    Every word must be pinyin (numbers, honorifics and an organisation's business words
    aside). A person's name must also have the shape of a Chinese one: at most four
    words of one or two syllables, one of them a Chinese family name. "Ali Douba" and
    "Hadi Mansouri" are spelt with pinyin syllables but are not Chinese names, nor are
    North Korean names such as "Ri Yong"; "Dan Brown" is not Tan Brown. An
    organisation's words may have three syllables (Shenzhen Zhongxing, Dalian Hongxiang
    Trading). A name of unknown kind (a bare name screened against every list) is
    read as a person's, or as an organisation's when it has a business word."""
    lengths: list[int] = []
    surname = business = False
    for raw in raw_tokens:
        if raw.isdecimal():
            continue
        if raw.isascii():
            folded = raw.lower()
        elif max(raw) <= _LATIN_EXTENDED:
            folded = fold_latin(raw)  # Zhāng is zhang
        else:
            return False  # names of other scripts end here, at their first word
        syllables = translit.pinyin_syllables(folded)
        if syllables is not None:
            lengths.append(len(syllables))
            surname = surname or translit.chinese_surname(folded)
        elif kind == "Person" and folded in HONORIFICS:
            continue
        elif kind != "Person" and (vocab.concept(folded) is not None or vocab.is_generic(folded)):
            business = True
        else:
            return False
    if not lengths:
        return False
    if kind == "Person" or (kind == "LegalEntity" and not business):
        return surname and len(lengths) <= 4 and max(lengths) <= 2
    return max(lengths) <= 3


def _roman(raw: str, primary: str, scripts: frozenset[str], pinyin: bool) -> str | None:
    """The Wade-Giles spelling of a Han word, or of a pinyin word of a pinyin name, when
    it differs from the word's primary reading (see :attr:`Token.roman`)."""
    if scripts == _HAN:
        spelling = translit.wade_giles(translit.han_pinyin(raw))
    elif pinyin and scripts <= _LATIN:
        spelling = translit.wade_giles(primary)
    else:
        return None
    return spelling if spelling != primary else None


def _split_camel_case(text: str) -> str:
    """Words an organisation's name runs together with capitals, as web and trade
    registers write them ("EtsDiallo", "GroupeDiarraImportExport"), as separate words:
    the legal form and business words inside are then found, and the joined spelling
    still compares with the spaced one word for word."""
    if text.isupper() or text.islower():
        return text
    out: list[str] = []
    previous = ""
    for char in text:
        if char.isupper() and previous.islower():
            out.append(" ")
        out.append(char)
        previous = char
    return "".join(out)


@lru_cache(maxsize=200_000)
def _tokens(
    raw: str, folded: str, kind: str, trailing: bool, pinyin: bool = False
) -> tuple[Token, ...]:
    # A person's name words are never numbers ("Xi", "Vi", "Otto", "Dos"); digits are.
    if kind == "Person":
        number = numbers.parse_number(raw) if raw.isdecimal() else None
    else:
        number = numbers.parse_number(raw, roman_i=trailing)
    if number is not None:
        return (Token(number, (), number, number, False, number, None, False),)
    concept = None
    generic = False
    if kind != "Person":
        expanded = vocab.expand_abbreviation(folded)
        if expanded is not None:
            folded = expanded
            raw = expanded
        concept = vocab.concept(folded)
        generic = vocab.is_generic(folded)
    readings = translit.latinize(raw)
    abjad = translit.is_abjad(raw)
    scripts = translit.scripts(raw)
    words: list[str] = []
    for reading in readings:
        word = reading.replace(" ", "")
        if word and word not in words:
            words.append(word)
    if not words:
        return ()
    primary = words[0]
    syllabic = scripts in _SYLLABIC
    if syllabic:
        # Keyed syllable by syllable, as a name written in separate syllables in Latin
        # is keyed word by word: 习近平 (xi jin ping) meets "Xi Jinping" with its j kept.
        spaced = next(r for r in readings if r.replace(" ", "") == primary)
        key = "".join(phonetic_key(part) for part in spaced.split())
    else:
        key = phonetic_key(primary)
    if kind != "Person" and concept is None:
        concept = vocab.concept(primary)
        generic = generic or vocab.is_generic(primary)
    return (
        Token(
            text=primary,
            alts=tuple(words[1:4]),
            key=key,
            skel=skeleton(primary),
            abjad=abjad,
            number=None,
            concept=concept,
            generic=generic,
            native=not scripts <= _LATIN,
            syllabic=syllabic,
            roman=_roman(raw, primary, scripts, pinyin),
        ),
    )
