"""``score_pairs_file``: the evaluation interface, including what bad files get."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redline import schema as ftm
from redline.entities import Entity
from redline.errors import ConfigError, InputError
from redline.matching.pairs import pair_schema, score_pair, score_pairs_file
from redline.matching.profile import name_profile, profile_of


def test_scores_a_file_and_keeps_other_columns(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "# a comment line is skipped\n"
        "id,schema,name1,name2,label\n"
        '1,Person,Ghassem Damavandian,"DAMAVANDIAN, Qassem",true\n'
        "2,Company,Brevanti Trading LLC,Brevanti Logistics LLC,false\n"
        "3,,Qods Aviation Industries,Quds Aviation Industries,true\n"
        "4,Spaceship,Abdollah Mehrabi,Abdollah Merhabi,true\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    summary = score_pairs_file(source, target)
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert summary.rows == 4
    assert summary.unknown_schemata == {"Spaceship": 6}, "its line in the file, comment included"
    assert list(rows[0]) == ["id", "schema", "name1", "name2", "label", "score", "match"]
    assert [r["match"] for r in rows] == ["true", "false", "true", "true"]
    for row in rows:
        assert 0.0 <= float(row["score"]) <= 1.0
        expected = score_pair(row["schema"], row["name1"], row["name2"])
        assert float(row["score"]) == pytest.approx(expected.score, abs=1e-4)


def test_missing_columns_name_the_file(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="name1"):
        score_pairs_file(source, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_bad_encoding_and_empty_files(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("schema,name1,name2\nPerson,Jos\xe9,Jose\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        score_pairs_file(latin, tmp_path / "out.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("schema,name1,name2\n", encoding="utf-8")
    with pytest.raises(InputError, match="no rows"):
        score_pairs_file(empty, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_unknown_algorithm_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown algorithm"):
        score_pair("Person", "a", "b", algorithm="nope")


def test_ofac_parity_mode_is_selectable() -> None:
    result = score_pair("Person", "VLADIMIR PUTIN", "PUTIN, Vladimir", algorithm="ofac")
    assert result.score == pytest.approx(1.0)


@settings(max_examples=200, deadline=None)
@given(
    schema=st.sampled_from(sorted(ftm.PARTY_SCHEMATA)),
    name=st.one_of(
        st.sampled_from(
            ["Qods Aviation Industries", "  ", "-0-", "قاسم دماوندیان", "OOO\x00 Alabuga"]
        ),
        st.text(max_size=40),
    ),
)
def test_a_bare_name_profile_is_the_profile_of_its_entity(schema: str, name: str) -> None:
    # Pair scoring skips building entities; what it compares must not change for that.
    entity = Entity("pair-1", schema)
    entity.add("name", name)
    assert name_profile("pair-1", schema, name) == profile_of(entity)


def test_schema_in_any_case_or_by_synonym() -> None:
    assert [
        pair_schema(s) for s in ("person", "VESSEL", "Individual", "ship", "Aircraft", " ")
    ] == ["Person", "Vessel", "Person", "Vessel", "Airplane", "LegalEntity"]
    honorific = score_pair("individual", "Mr Ghassem Damavandian", "Ghassem Damavandian")
    assert (
        honorific.score
        == score_pair("Person", "Mr Ghassem Damavandian", "Ghassem Damavandian").score
    )


def test_an_open_quote_is_an_error_not_a_name(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text('schema,name1,name2\nPerson,a,b\nPerson,"never closed\n', encoding="utf-8")
    with pytest.raises(InputError, match="unexpected end of data"):
        score_pairs_file(source, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_cli_warns_of_unknown_schemata(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from redline.cli import app

    source = tmp_path / "in.csv"
    source.write_text("schema,name1,name2\nPersn,Ali Reza,Ali Reza\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["pairs", "score", str(source), str(tmp_path / "o.csv")])
    assert result.exit_code == 0, result.output
    assert "unknown schema 'Persn' (line 2)" in result.output


def test_errors_name_the_line_in_the_file_below_comments(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "# one\n# two\nschema,name1,name2\nPerson,a,b\nPerson,a,b,extra\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        score_pairs_file(source, tmp_path / "out.csv")
    assert caught.value.line == 5 and "more fields" in str(caught.value)
