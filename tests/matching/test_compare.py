"""Name comparison, table-driven: what must match and what must not, with reasons."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.matching.algorithms import get_algorithm
from redline.matching.pairs import score_pair

THRESHOLD = get_algorithm().threshold

MATCHES = [
    # (schema, query, listed name, why it must match)
    ("Person", "Ghassem Damavandian", "DAMAVANDIAN, Ghassem", "family name first"),
    ("Person", "Qassem Damavandian", "Ghassem Damavandian", "q/gh spelling"),
    ("Person", "قاسم دماوندیان", "Ghassem Damavandian", "Persian script without vowels"),
    ("Person", "Abdollah Mehrabi", "MEHRABI, Abdollah", "reversed"),
    ("Person", "Abdollah Merhabi", "Abdollah Mehrabi", "swapped letters"),
    ("Person", "Vladimir Putin", "Владимир Путин", "Cyrillic"),
    ("Person", "VLADIMR PUTIN", "PUTIN, Vladimir", "typo"),
    ("Person", "Mohammed Ali", "محمد علي", "Arabic script"),
    ("Person", "Moshe Levi", "משה לוי", "Hebrew script"),
    ("Person", "וינסטון צ׳רצ׳יל", "Winston Churchill", "Hebrew geresh letters"),
    ("Company", "Quds Aviation Industries", "QODS AVIATION INDUSTRIES", "Quds/Qods"),
    ("Company", "Alabuga SEZ", "Yelabuga SEZ", "Alabuga/Yelabuga"),
    ("Company", "Kholmogrant-Stroy OOO", "Holmogrant-Stroi OOO", "kh/h, oy/oi"),
    ("Company", "Wirralong Downs Pty Ltd", "Wirra-long Downs Pty Ltd", "spacing"),
    ("Company", "GroupeDiarraImportExport", "Groupe Diarra Import Export", "run together"),
    ("Company", "EtsDiallo", "Ets Diallo", "legal form run into the name"),
    ("Company", "I.B.M. Corp", "IBM Corporation", "initials ending like a legal form"),
    (
        "Company",
        "雾山精密机械股份有限公司",
        "Wushan Precision Machinery Co., Ltd.",
        "Chinese words",
    ),
    ("Company", "새벽별물류 주식회사", "Saebyeokbyeol Logistics Co., Ltd.", "Korean trade word"),
    ("Person", "이 명박", "LEE Myung-bak", "Hangul syllable read as one letter, spaced"),
    ("Person", "이", "Rhee", "Hangul surname alone"),
    ("Person", "성훈 김", "KIM, Song Hun", "Korean given name, North Korean spelling"),
    ("Person", "박근혜", "PARK Geun-hye", "Korean name read with k and g doubled"),
    ("Person", "영철 김", "KIM, Yeong Chul", "Korean vowels spelt two ways in one name"),
    ("Person", "박도춘", "PAK To Chun", "McCune-Reischauer t for ㄷ"),
    # Listed DPRK officials (OFAC / UN spellings) against their names in Hangul.
    ("Person", "김덕훈", "KIM Tok Hun", "McCune-Reischauer Tok for 덕"),
    ("Person", "로 두철", "RO Tu Chol", "McCune-Reischauer Tu for 두"),
    ("Person", "리병철", "RI Pyong Chol", "North Korean spelling"),
    ("Person", "최룡해", "CHOE Ryong Hae", "North Korean spelling"),
    ("Person", "김여정", "KIM Yo Jong", "North Korean spelling"),
    ("Person", "현영철", "HYON Yong Chol", "North Korean spelling"),
    ("Person", "장 성택", "JANG Song Thaek", "North Korean spelling, th for ㅌ"),
    ("Person", "오극렬", "O Kuk Ryol", "North Korean romanisation, unspaced: u for ㅡ"),
    ("Person", "로두철", "RO Tu Chol", "North Korean romanisation, unspaced: t for ㄷ"),
    ("Person", "정경택", "JONG Kyong Thaek", "North Korean romanisation: yo for ㅕ, th for ㅌ"),
    ("Person", "ABDUL RAHMAN YASIN", "عبد الرحمن ياسين", "Abd al-X: Latin joins the article"),
    ("Person", "Abdel Salam Hamid", "عبد السلام حامد", "Abd al-X spelt Abdel"),
    ("Person", "Fazl Mohammad Mazloom", "فضل محمد مظلوم", "ض as z (Persian, Urdu, Turkish)"),
    ("Person", "Abdelhalim Hafed", "عبد الحليم حافظ", "ظ as d (Maghreb spelling)"),
    ("Person", "AMINULLAH AMIN", "امین الله امین", "a word twice: each aligned in its place"),
    ("Person", "Shamsuddin", "شمس الدین", "al-Din compound run together, article assimilated"),
    ("Person", "Azizurrahman", "عزیز الرحمان", "al-Rahman compound run together"),
    ("Person", "Faizullah Khan Noorzai", "فیض الله خان نورزی", "-ullah compound"),
    ("Person", "习近平", "Xi Jinping", "pinyin as one word against two"),
    # Wade-Giles, the spelling of Taiwan and older records, against pinyin and Han.
    ("Person", "Zhang Wei", "CHANG, Wei", "pinyin zh is Wade-Giles ch"),
    ("Person", "Xu Ming", "Hsu Ming", "pinyin x is Wade-Giles hs"),
    ("Person", "徐明", "Hsu Ming", "Han name against Wade-Giles"),
    ("Person", "Li Zhiming", "Li Chih-ming", "zhi is chih, given name hyphenated"),
    ("Person", "周恩来", "Chou En-lai", "Han name against Wade-Giles"),
    ("Person", "Zheng Chenggong", "Cheng Cheng-kung", "g is k, -ong is -ung"),
    ("Person", "Xie Changting", "Hsieh Chang-ting", "-ie is -ieh"),
    ("Person", "Jiang Qing", "Chiang Ching", "j and q are ch"),
    ("Person", "LI, Yi", "Li I", "Wade-Giles I for yi: a word, not an initial"),
    ("Company", "Shenzhen Zhongxing Trading", "Shenchen Chunghsing Trading", "company words"),
    ("Person", "伊藤", "Itoh", "Japanese long o spelt oh"),
    ("Vessel", "MV Solenne Harbour", "Solenne Harbour", "vessel prefix"),
    ("Vessel", "第三海王丸", "第3號海王丸", "kanji and digit ordinal"),
    ("Company", "ရွှေမြင့် လက်ဖက်ခြောက် ကုမ္ပဏီလီမိတက်", "Shwe Myint Tea Co., Ltd.", "Burmese trade"),
    ("Company", "အောင်ဇေယျ သစ်လုပ်ငန်း", "Aung Zeya Timber", "Burmese compound trade word"),
]

NON_MATCHES = [
    ("Person", "Abdollah Mehrabi", "FAZL RABI", "different people"),
    ("Person", "John Smith", "Jane Smythe", "different given names"),
    ("Company", "Brevanti Trading LLC", "Brevanti Logistics LLC", "one different word"),
    ("Company", "Castellan Agro Exports Pvt. Ltd.", "Castellan Agro Imports Pvt. Ltd.", "sibling"),
    ("Company", "Marrowgate Leasing 3 Ltd", "Marrowgate Leasing 6 Ltd", "numbered SPV"),
    ("Vessel", "Hoshikaze Maru No. 8", "Hoshikaze Maru No. 6", "sister ship by number"),
    ("Vessel", "第三海王丸", "第十三海王丸", "sister ship numbered in kanji"),
    ("Company", "Kahraba", "Qods Aviation Industries", "unrelated"),
    ("Person", "성훈 김", "KIM, Jong Un", "other Korean given name, same consonants"),
    ("Person", "지훈 김", "KIM, Kwang Chun", "two Korean syllables against one"),
    ("Person", "영숙 김", "KIM, Yong Su", "Korean syllable suk is not su"),
    ("Person", "成 朱", "ZHU, Chen", "Chinese syllable cheng is not chen"),
    ("Person", "Abdul Karim", "عبد الرحمن", "another Abd al-X name"),
    ("Person", "Severstal", "یوسف رسته", "two words' consonants one edit from one word"),
    ("Company", "Petrokick LLC", "تورک آغا", "two words' consonants one edit from one word"),
    ("Person", "志忠 王", "WANG, Junzheng", "other Chinese given name"),
    ("Person", "Dan Brown", "Tan Brown", "a pinyin-shaped word in a name that is not pinyin"),
    ("Person", "Ali Douba", "A-li Tou-pa", "pinyin-shaped letters, not a Chinese name"),
    ("Company", "雾山精密机械股份有限公司", "Wushan Precision Chemicals Co., Ltd.", "other trade"),
    ("Company", "I.B.M. Corp", "I Corp", "initials kept whole"),
    ("Company", "ရွှေမြင့် ငါးလုပ်ငန်း ကုမ္ပဏီလီမိတက်", "Shwe Myint Tea Co., Ltd.", "other trade"),
]


@pytest.mark.parametrize(("schema", "query", "listed", "why"), MATCHES)
def test_matches(schema: str, query: str, listed: str, why: str) -> None:
    result = score_pair(schema, query, listed)
    assert result.match, f"{why}: {result.score:.2f} {result.explanations[0].detail}"


@pytest.mark.parametrize(("schema", "query", "listed", "why"), NON_MATCHES)
def test_non_matches(schema: str, query: str, listed: str, why: str) -> None:
    result = score_pair(schema, query, listed)
    assert not result.match, f"{why}: {result.score:.2f} {result.explanations[0].detail}"


def test_score_is_explained() -> None:
    result = score_pair("Person", "Ghassem Damavandian", "DAMAVANDIAN, Qassem")
    name = result.explanations[0]
    assert name.feature == "name_match"
    assert "damavandian~damavandian" in name.detail
    assert name.query == "Ghassem Damavandian" and name.candidate == "DAMAVANDIAN, Qassem"


def test_a_person_never_matches_a_vessel() -> None:
    from redline.entities import Entity
    from redline.matching.profile import profile_of

    person = Entity("p", "Person")
    person.add("name", "Iran Shahed")
    vessel = Entity("v", "Vessel")
    vessel.add("name", "IRAN SHAHED")
    result = get_algorithm().compare(profile_of(person), profile_of(vessel))
    assert result.score == 0.0
    assert result.explanations[0].feature == "schema"


@pytest.mark.parametrize(
    "name", ["", "   ", "!!!", "12345", "\x00\x01", "a" * 10_000, "Ωmega 名前 Имя اسم"]
)
def test_odd_names_give_a_score_not_a_crash(name: str) -> None:
    result = score_pair("Person", name, "Ghassem Damavandian")
    assert 0.0 <= result.score <= 1.0


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), st.text(max_size=60))
def test_scores_are_bounded_and_identity_scores_high(a: str, b: str) -> None:
    result = score_pair("Company", a, b)
    assert 0.0 <= result.score <= 1.0
    same = score_pair("Company", a, a)
    assert same.score == 0.0 or same.score >= THRESHOLD
