"""The relevance classifier: the numpy scorer against scikit-learn, the shipped artefact,
``classify_file`` on good and bad CSVs, and the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import FeatureUnion, Pipeline

from redline.errors import ConfigError, InputError
from redline.media.classify import (
    DEFAULT_MODEL,
    MAX_CHARS,
    RelevanceModel,
    classify_file,
    document,
    export_sklearn,
)
from tests.conftest import run_cli

ADVERSE = [
    "Businessman charged with money laundering and fraud after police raid",
    "Minister arrested in bribery probe; prosecutors allege kickbacks",
    "Trader convicted of insider trading, sentenced to prison",
    "Company sanctioned for helping evade export controls on drone parts",
    "Smuggling ring busted; customs seize contraband cigarettes",
    "Executive indicted for embezzlement of pension funds",
]
NEUTRAL = [
    "Local bakery wins award for the best croissant in town",
    "Football club signs new striker ahead of the season",
    "City council approves new park and cycling lanes",
    "Tech company launches a faster laptop with longer battery life",
    "Orchestra announces summer concert series in the old harbour",
    "Farmers expect a good harvest after a mild spring",
]
UNSEEN = [
    ("Police raid", "The director was arrested on fraud charges and money laundering."),
    ("Harvest", "The bakery and the orchestra celebrate a mild spring in the park."),
    ("", "Prosecutors allege bribery; the company was sanctioned. Ünïcode café ÆØ 数字."),
    ("Title only", ""),
    ("Short", "a b c"),
]


def _tiny(pipeline: Pipeline) -> Pipeline:
    docs = [document(t, "") for t in ADVERSE + NEUTRAL]
    labels = [1] * len(ADVERSE) + [0] * len(NEUTRAL)
    return pipeline.fit(docs, labels)


PIPELINES = {
    "word-logistic": lambda: Pipeline(
        [("v", TfidfVectorizer(ngram_range=(1, 2))), ("c", LogisticRegression(C=5))]
    ),
    "union-logistic": lambda: Pipeline(
        [
            (
                "v",
                FeatureUnion(
                    [
                        ("w", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                        ("cw", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4))),
                        ("c", TfidfVectorizer(analyzer="char", ngram_range=(3, 5), norm="l1")),
                    ],
                    transformer_weights={"w": 1.0, "cw": 0.5, "c": 2.0},
                ),
            ),
            ("c", LogisticRegression(C=10)),
        ]
    ),
    "word-nb": lambda: Pipeline(
        [("v", TfidfVectorizer(sublinear_tf=True, use_idf=False)), ("c", MultinomialNB(alpha=0.5))]
    ),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_runtime_scorer_reproduces_sklearn(name: str) -> None:
    pipeline = _tiny(PIPELINES[name]())
    model = RelevanceModel.from_dict(json.loads(json.dumps(export_sklearn(pipeline, 0.5))))
    expected = pipeline.predict_proba([document(t, x) for t, x in UNSEEN])[:, 1]
    got = np.array([model.score(t, x) for t, x in UNSEEN])
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    assert [model.predict(t, x) for t, x in UNSEEN] == [bool(p >= 0.5) for p in expected]


def test_export_refuses_what_it_cannot_reproduce() -> None:
    counts = _tiny(Pipeline([("v", CountVectorizer()), ("c", LogisticRegression())]))
    with pytest.raises(ConfigError, match="CountVectorizer"):
        export_sklearn(counts, 0.5)
    stop = _tiny(
        Pipeline([("v", TfidfVectorizer(stop_words="english")), ("c", LogisticRegression())])
    )
    with pytest.raises(ConfigError, match="stop_words"):
        export_sklearn(stop, 0.5)


def test_document_joins_title_and_caps_length() -> None:
    assert document(" Title ", " Body ") == "Title\n\nBody"
    assert document("", "Body") == "Body"
    assert len(document("t", "x" * (MAX_CHARS * 2))) == MAX_CHARS


@pytest.fixture(scope="module")
def shipped() -> RelevanceModel:
    return RelevanceModel.load()


def test_shipped_model_is_small_and_described(shipped: RelevanceModel) -> None:
    assert DEFAULT_MODEL.stat().st_size < 5_000_000
    meta = shipped.metadata
    assert meta["training_rows"] > 1000 and "rule" in meta and "cv" in meta
    assert 0.0 < shipped.threshold < 1.0
    assert meta["cv"]["f1"] > 0.9 and meta["cv"]["threshold"] == shipped.threshold
    assert shipped.describe()["features"] > 1000


def test_shipped_model_separates_obvious_cases(shipped: RelevanceModel) -> None:
    bad = shipped.score(
        "Former bank chief charged with fraud and money laundering",
        "Prosecutors said the former chief executive embezzled millions, bribed officials "
        "and laundered the proceeds through shell companies. He was arrested on Tuesday "
        "and faces up to 20 years in prison if convicted.",
    )
    good = shipped.score(
        "Bakery celebrates 50 years",
        "The family bakery on Main Street celebrated its fiftieth anniversary with free cake "
        "for the neighbourhood, a new sourdough recipe and music in the square.",
    )
    assert bad > shipped.threshold > good
    assert shipped.score("", "  ") == 0.0 and not shipped.predict("", "")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "cannot read"),
        ('{"format": "other"}', "not a relevance model"),
        ('{"format": "redline-relevance/1", "kind": "svm"}', "not a relevance model"),
    ],
)
def test_load_bad_model(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        RelevanceModel.load(path)
    assert "model.json" in str(err.value)
    with pytest.raises(InputError, match="not found"):
        RelevanceModel.load(tmp_path / "missing.json")


# ---------------------------------------------------------------------------------------
# classify_file


@pytest.fixture(scope="module")
def tiny() -> RelevanceModel:
    return RelevanceModel.from_dict(export_sklearn(_tiny(PIPELINES["word-logistic"]()), 0.5))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_classify_file_adds_columns_and_keeps_others(tmp_path: Path, tiny: RelevanceModel) -> None:
    src = _write(
        tmp_path / "in.csv",
        [
            ["id", "Title", " article ", "note"],
            ["1", "Police raid", "Director arrested on fraud charges and money laundering.", "x"],
            ["2", "Harvest", "Bakery and orchestra celebrate a mild spring.", "=1+1"],
            ["3", "Empty", "   ", "y"],
            [],
            ["4", "Multi\nline", 'Line one\nline two, with "quotes", bribery probe', ""],
        ],
    )
    seen: list[tuple[int, int]] = []
    summary = classify_file(
        src, tmp_path / "out.csv", tiny, progress=lambda d, t: seen.append((d, t))
    )
    rows = _read(tmp_path / "out.csv")
    assert list(rows[0]) == ["id", "Title", " article ", "note", "adverse", "score"]
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["adverse"] == "1" and rows[1]["adverse"] == "0"
    assert rows[2]["adverse"] == "0" and rows[2]["score"] == "0.0000"
    assert rows[1]["note"] == "'=1+1"  # formula neutralised
    assert rows[3]["Title"] == "Multi\nline"
    assert float(rows[0]["score"]) == pytest.approx(
        tiny.score(*[rows[0]["Title"], rows[0][" article "]]), abs=1e-4
    )
    assert (summary.rows, summary.adverse, summary.not_adverse, summary.empty) == (4, 2, 2, 1)
    assert seen[-1] == (4, 4)
    assert summary.to_dict()["output"].endswith("out.csv")


def test_classify_file_overwrites_previous_results(tmp_path: Path, tiny: RelevanceModel) -> None:
    src = _write(
        tmp_path / "in.csv",
        [
            ["title", "article", "score", "adverse"],
            ["Police", "fraud charges laundering", "9", "9"],
        ],
    )
    classify_file(src, tmp_path / "out.csv", tiny)
    again = classify_file(tmp_path / "out.csv", tmp_path / "out.csv", tiny)
    rows = _read(tmp_path / "out.csv")
    assert list(rows[0]) == ["title", "article", "adverse", "score"]
    assert rows[0]["adverse"] == "1" and again.rows == 1


def test_ragged_rows_keep_their_extra_cells(tmp_path: Path, tiny: RelevanceModel) -> None:
    src = _write(tmp_path / "in.csv", [["title", "article"], ["t", "fraud", "extra"], ["short"]])
    summary = classify_file(src, tmp_path / "out.csv", tiny)
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][:2] == ["t", "fraud"] and rows[1][4] == "extra"
    assert rows[2][:2] == ["short", ""] and rows[2][2] == "0"
    assert summary.ragged == 1 and summary.empty == 1


def test_huge_cells(tmp_path: Path, tiny: RelevanceModel) -> None:
    big = "fraud charges money laundering " * 100_000  # 3 MB, past csv's default limit
    src = _write(tmp_path / "in.csv", [["title", "article"], ["big", big]])
    summary = classify_file(src, tmp_path / "out.csv", tiny)
    assert summary.rows == 1 and summary.adverse == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"title,body\nx,y\n", "missing column article"),
        (b"id,text\n1,y\n", "missing columns title, article"),
        (b"title,article\nok,fine\ncaf\xe9,x\n", "not UTF-8"),
        (b'title,article\n"unterminated,x\n', None),
    ],
)
def test_bad_input_files(
    tmp_path: Path, tiny: RelevanceModel, content: bytes, message: str | None
) -> None:
    src = tmp_path / "bad.csv"
    src.write_bytes(content)
    out = tmp_path / "out.csv"
    if message is None:
        # csv reads an unterminated quote to the end of the file: one row, no error.
        assert classify_file(src, out, tiny).rows == 1
        return
    with pytest.raises(InputError, match=message) as err:
        classify_file(src, out, tiny)
    assert "bad.csv" in str(err.value)
    assert not out.exists()


def test_bad_paths(tmp_path: Path, tiny: RelevanceModel) -> None:
    with pytest.raises(InputError, match="not found"):
        classify_file(tmp_path / "nope.csv", tmp_path / "out.csv", tiny)
    with pytest.raises(InputError, match="directory"):
        classify_file(tmp_path, tmp_path / "out.csv", tiny)
    src = _write(tmp_path / "in.csv", [["title", "article"]])
    with pytest.raises(ConfigError, match=r"\.csv"):
        classify_file(src, tmp_path / "out.xlsx", tiny)
    assert classify_file(src, tmp_path / "out.csv", tiny).rows == 0


# ---------------------------------------------------------------------------------------
# CLI


def test_cli_classify(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "in.csv",
        [
            ["title", "article"],
            [
                "Ex-minister charged with bribery and money laundering",
                "Prosecutors say the former minister took bribes and laundered the money "
                "through shell companies. He was arrested and indicted for corruption.",
            ],
            ["Bakery turns 50", "The family bakery celebrated with free cake and music."],
        ],
    )
    out = tmp_path / "out.csv"
    result = run_cli(tmp_path / "home", "media", "classify", str(src), str(out), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["rows"] == 2 and summary["adverse"] == 1
    assert [r["adverse"] for r in _read(out)] == ["1", "0"]
    table = run_cli(tmp_path / "home", "media", "classify", str(src), str(out))
    assert table.returncode == 0 and "not adverse" in table.stdout


def test_cli_classify_errors_are_one_line(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,text\n1,x\n", encoding="utf-8")
    result = run_cli(tmp_path / "home", "media", "classify", str(src), str(tmp_path / "o.csv"))
    assert result.returncode == 1
    assert "missing columns title, article" in result.stderr
    assert "Traceback" not in result.stderr
    bad = run_cli(
        tmp_path / "home",
        "media",
        "classify",
        str(src),
        str(tmp_path / "o.csv"),
        "--threshold",
        "2",
    )
    assert bad.returncode == 1 and "threshold" in bad.stderr


def test_cli_assess(tmp_path: Path) -> None:
    text = tmp_path / "article.txt"
    text.write_text(
        "Acme Trading shipped drone components to Russia. "
        "The Treasury sanctioned Acme Trading in March.\n",
        encoding="utf-8",
    )
    result = run_cli(
        tmp_path / "home", "media", "assess", str(text), "--about", "acme trading", "--json"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["stage"] == "sanction"
    assert {c["code"] for c in data["categories"]} >= {"proliferation", "sanctions_evasion"}
    table = run_cli(tmp_path / "home", "media", "assess", str(text))
    assert table.returncode == 0 and "legal stage: sanction" in table.stdout
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01")
    err = run_cli(tmp_path / "home", "media", "assess", str(binary))
    assert err.returncode == 1 and "binary" in err.stderr and "Traceback" not in err.stderr
