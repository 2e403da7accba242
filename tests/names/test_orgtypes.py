"""Legal forms: found in many spellings and scripts, stripped, and compared by class."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.names.orgtypes import (
    CLASSES,
    LegalForm,
    fold_text,
    legal_form_compatibility,
    legal_forms,
    strip_legal_forms,
)


@pytest.mark.parametrize(
    ("name", "rest", "cls"),
    [
        ("Harrowfield Bearings Limited", "Harrowfield Bearings", "llc"),
        ("Pellbrook Cold Storage, Limited Liability Company", "Pellbrook Cold Storage", "llc"),
        ("PELLBROOK COLD STORAGE L.L.C.", "PELLBROOK COLD STORAGE", "llc"),
        ("Northgate Valve Supply Corp.", "Northgate Valve Supply", "jsc"),
        ("Carrowmere Holdings Public Limited Company", "Carrowmere Holdings", "jsc"),
        ("Guangzhou Lixing Cosmetics Co., Ltd.", "Guangzhou Lixing Cosmetics", "company"),
        ("Guangzhou Lixing Cosmetics Co Ltd", "Guangzhou Lixing Cosmetics", "company"),
        ("Tak Shing Trading Company Limited", "Tak Shing Trading", "company"),
        ("Sindh Agro Chemicals (Pvt) Ltd", "Sindh Agro Chemicals", "llc"),
        ("Sindh Agro Chemicals (Private) Limited", "Sindh Agro Chemicals", "llc"),
        ("Ramesh Kumar Sharma Pvt. Ltd.", "Ramesh Kumar Sharma", "llc"),
        ("Whitfield Mining Pty. Limited", "Whitfield Mining", "llc"),
        ("Msasani Fisheries (T) Ltd", "Msasani Fisheries", "llc"),
        ("Harum Manis Sdn. Bhd.", "Harum Manis", "llc"),
        ("HARUM MANIS SENDIRIAN BERHAD", "HARUM MANIS", "llc"),
        ("Olvetra GmbH", "Olvetra", "llc"),
        ("Wieczorek Machine Works GmbH & Co. KG", "Wieczorek Machine Works", "partnership"),
        ("SARL Ivoire Négoce", "Ivoire Négoce", "llc"),
        ("SUARL Keita Distribution", "Keita Distribution", "llc"),
        ("Keita Distribution SUARL", "Keita Distribution", "llc"),
        ("G.I.E. Femmes de Korhogo", "Femmes de Korhogo", "partnership"),
        ("Ets Ouattara et Cie", "Ets Ouattara", "partnership"),
        ("Fratelli Brunaccini S.n.c.", "Fratelli Brunaccini", "partnership"),
        ("F.lli Brunaccini snc", "F.lli Brunaccini", "partnership"),
        ("Adriatica Serramenti S.p.A.", "Adriatica Serramenti", "jsc"),
        ("Cecotti Srl", "Cecotti", "llc"),
        ("Zanier Impianti Società Cooperativa", "Zanier Impianti", "coop"),
        ("Rancho Vercel Importadora SA de CV", "Rancho Vercel Importadora", "jsc"),
        ("Transportes del Sureste, S.A. de C.V.", "Transportes del Sureste", "jsc"),
        ("Tessaline Trade Ltda.", "Tessaline Trade", "llc"),
        ("Lefkada Bulk Carriers S.A.", "Lefkada Bulk Carriers", "jsc"),
        ("Kalvenstrand Logistics AB", "Kalvenstrand Logistics", "jsc"),
        ("Bursztynowa Przystań Sp. z o.o.", "Bursztynowa Przystań", "llc"),
        ("Bursztynowa Przystań sp z oo", "Bursztynowa Przystań", "llc"),
        (
            "BURSZTYNOWA PRZYSTAN SPOLKA Z OGRANICZONA ODPOWIEDZIALNOSCIA",
            "BURSZTYNOWA PRZYSTAN",
            "llc",
        ),
        ("Spedycja Wisłoujście Sp. z o.o. Sp. k.", "Spedycja Wisłoujście", "partnership"),
        ("Łączyńska Wytwórnia Łodzi Sp. j.", "Łączyńska Wytwórnia Łodzi", "partnership"),
        ("LACZYNSKA WYTWORNIA LODZI SPOLKA JAWNA", "LACZYNSKA WYTWORNIA LODZI", "partnership"),
        ("Fabjan Prevozi d. o. o.", "Fabjan Prevozi", "llc"),
        ("Jadran Brodogradnja, d. d.", "Jadran Brodogradnja", "jsc"),
        ("Tisza Kereskedelmi Kft.", "Tisza Kereskedelmi", "llc"),
        ("Tisza Kereskedelmi Korlátolt Felelősségű Társaság", "Tisza Kereskedelmi", "llc"),
        ("Tõrva Puidutöö OÜ", "Tõrva Puidutöö", "llc"),
        ("BALTIC TIMBERLINE OU", "BALTIC TIMBERLINE", "llc"),
        ("UAB „Šiaurės Vėjo Logistika“", "Šiaurės Vėjo Logistika", "llc"),
        ("AS „Mangaļsalas Doki“", "Mangaļsalas Doki", "jsc"),
        ("Sarıkaya Hububat Ltd. Şti.", "Sarıkaya Hububat", "llc"),
        ("Sarikaya Hububat Ltd Sti", "Sarikaya Hububat", "llc"),
        ("Kholmogrant-Stroy OOO", "Kholmogrant-Stroy", "llc"),
        ("ООО «Ромашка»", "Ромашка", "llc"),
        ("ТОВ «Бриз Одеса»", "Бриз Одеса", "llc"),
        ("ФОП Мороз Василь Іванович", "Мороз Василь Іванович", "sole"),
        ("PrAT Zhytomyrskyi Kakhelnyi Zavod", "Zhytomyrskyi Kakhelnyi Zavod", "jsc"),
        ("ChAO Zhitomirskiy Kafelnyi Zavod", "Zhitomirskiy Kafelnyi Zavod", "jsc"),
        ("ПАО «Газпром нефть»", "Газпром нефть", "jsc"),
        ("«Ծատուրյան Շին» ՍՊԸ", "Ծատուրյան Շին", "llc"),
        ("შპს „ცისკარი“", "ცისკარი", "llc"),
        ("شرکت صنایع فولاد (سهامی خاص)", "صنایع فولاد", "jsc"),
        ("مجموعة النور ذ.م.م", "مجموعة النور", "llc"),
        ('צפרירים קירור ומיזוג בע"מ', "צפרירים קירור ומיזוג", "llc"),
        ("צפרירים קירור ומיזוג בע״מ", "צפרירים קירור ומיזוג", "llc"),
        ("雾山精密机械股份有限公司", "雾山精密机械", "jsc"),
        ("株式会社霜月水産", "霜月水産", "jsc"),
        ("Soryu Kagaku Holdings K.K.", "Soryu Kagaku Holdings", "jsc"),
        ("새벽별물류 주식회사", "새벽별물류", "jsc"),
        ("ရတနာမင်္ဂလာ ပို့ဆောင်ရေး ကုမ္ပဏီလီမိတက်", "ရတနာမင်္ဂလာ ပို့ဆောင်ရေး", "company"),
        ("CV Cahaya Bintang Timur Jaya", "Cahaya Bintang Timur Jaya", "partnership"),
        ("PT Maju Bersama Tbk", "Maju Bersama", "llc"),
        ("Tolvane Petroleum Trading FZE", "Tolvane Petroleum Trading", "llc"),
        ("Chaudhry Nazir Ahmad & Co.", "Chaudhry Nazir Ahmad", "partnership"),
    ],
)
def test_strips_forms(name: str, rest: str, cls: str) -> None:
    stripped, forms = strip_legal_forms(name)
    assert stripped == rest
    assert forms
    assert forms[0].cls == cls or cls in {f.cls for f in forms}


@pytest.mark.parametrize(
    "name",
    [
        "Asda Stores",  # "as" inside a word
        "Sanofi Aventis",  # "sa" inside a word
        "Company",  # nothing but a form: kept
        "SA",
        "S.A. Khan Traders",  # initials, not a form, at the start
        "K.K. Enterprises",
        "I.B.M.",  # ends like the Israeli B.M., but the initials are the name
        "Coastal Agro Supplies",
        "Ag Tech Solutions",  # "AG" only ends a name
        "Co-operative Bank",
        "Ex Libris",
        "",
    ],
)
def test_leaves_words_alone(name: str) -> None:
    assert strip_legal_forms(name) == (name, ())


def test_forms_in_the_middle() -> None:
    rest, forms = strip_legal_forms("Carnica Trasporti S.n.c. di Bront Livio & C.")
    assert rest == "Carnica Trasporti di Bront Livio"
    assert [f.cls for f in forms] == ["partnership", "partnership"]
    # A short form that is also a word stays where it is not at an edge.
    assert strip_legal_forms("Foo AG Bar Ltd")[0] == "Foo AG Bar"


def test_form_fields() -> None:
    _, forms = strip_legal_forms("Altamura Ferrostampi S.r.l.")
    (form,) = forms
    assert form == LegalForm(form.text, "llc", form.region)
    assert form.text.casefold() == "s.r.l."
    assert "it" in form.region.split(",")
    assert strip_legal_forms("X Ltd")[1][0].region == "intl"


def test_table_is_consistent() -> None:
    forms = legal_forms()
    assert len(forms) > 300
    assert {f.cls for f in forms} <= CLASSES
    assert all(f.region for f in forms)


def test_fold_text_keeps_positions() -> None:
    for text in ["Şti. «X» — ß", "ТОВ „Бриз“", "İstanbul", "ﬁne", "בע״מ"]:
        assert len(fold_text(text)) == len(text)
    assert fold_text("Şti. «Łódź»") == 'sti. "lodz"'


def _forms(name: str) -> tuple[LegalForm, ...]:
    return strip_legal_forms(name)[1]


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("X Ltd", "X GmbH", 1.0, 1.0),  # Ltd translates any private company form
        ("X Sp. z o.o.", "X Limited Liability Company", 1.0, 1.0),
        ("X OÜ", "X Ltd", 1.0, 1.0),
        ("X Pty Ltd", "X Pty. Limited", 1.0, 1.0),
        ("株式会社X", "X Co., Ltd.", 0.85, 1.0),
        ("X", "X GmbH", 1.0, 1.0),  # absent: no evidence
        ("X GmbH", "X Inc.", 0.5, 0.8),  # private vs joint-stock
        ("X S.r.l.", "X Pte. Ltd.", 0.4, 0.7),  # same class, two countries
        ("X OOO", "X Ltda.", 0.4, 0.7),
        ("X FZE", "X S.A. de C.V.", 0.2, 0.5),  # other class, other country
        ("X Sp. j.", "X Sp. z o.o.", 0.3, 0.6),
    ],
)
def test_compatibility(a: str, b: str, low: float, high: float) -> None:
    score = legal_form_compatibility(_forms(a), _forms(b))
    assert low <= score <= high
    assert score == legal_form_compatibility(_forms(b), _forms(a))


_PIECES = st.sampled_from(
    [
        "Ltd", "S.A.", "sa", "de", "CV", "Sp.", "z", "o.o.", "GmbH", "&", "Co", "AS", "(",
        ")", "«", "»", "Foo", "Bar", "Asda", "k", "s", "a", ",", ".", "ООО", "有限公司",
        "בע\"מ", "Pvt", "(T)", "Inc", "KG", "i", "S.n.c.", "di", "Sa", "Chao", "ChAO", "As",
    ]
)  # fmt: skip


@given(st.lists(_PIECES, max_size=12).map(" ".join))
@settings(max_examples=400)
def test_strip_is_idempotent_on_form_soup(text: str) -> None:
    rest, _ = strip_legal_forms(text)
    assert strip_legal_forms(rest)[0] == rest
    assert len(rest) <= len(text)


@given(st.text())
@settings(max_examples=300)
def test_strip_never_raises(text: str) -> None:
    rest, forms = strip_legal_forms(text)
    assert len(rest) <= len(text)
    assert strip_legal_forms(rest)[0] == rest
    assert all(isinstance(f, LegalForm) for f in forms)


@pytest.mark.parametrize(
    "text", ["x" * 10_000, "Ltd " * 2_500, "!!! ... ---", "12345", "\x00\x07\u200b", "((((("]
)
def test_strip_bad_input(text: str) -> None:
    rest, _ = strip_legal_forms(text)
    assert len(rest) <= len(text)
    assert legal_form_compatibility(_forms(text), ()) == 1.0
