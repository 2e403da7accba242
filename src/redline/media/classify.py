"""Is an article adverse media at all? A small linear text classifier, shipped as data.

The model is TF-IDF features (word n-grams and/or character n-grams within words) and a
linear classifier (logistic regression or multinomial naive Bayes), trained by
``scripts/train_relevance.py`` on the labelled training files only. It ships as a JSON
artefact of vocabulary, idf and weights that this module scores with plain Python and
numpy: loading is fast, nothing is unpickled (a pickle is code, a JSON file is data), and
scikit-learn is needed only to train, not to score. :func:`export_sklearn` writes the
artefact from a fitted scikit-learn pipeline; the tests check that both give the same
probabilities.

:func:`classify_file` is what ``redline media classify IN.csv OUT.csv`` runs: it reads a
CSV with ``title`` and ``article`` columns, keeps every other column, and adds ``adverse``
(0/1) and ``score``.
"""

from __future__ import annotations

import csv
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from redline.errors import ConfigError, InputError
from redline.screening.writers import neutralise, replacing

__all__ = [
    "DEFAULT_MODEL",
    "FORMAT",
    "ClassifySummary",
    "RelevanceModel",
    "classify_file",
    "document",
    "export_sklearn",
]

#: The model shipped with redline.
DEFAULT_MODEL = Path(__file__).resolve().parent / "data" / "relevance.json"
#: Artefact format tag, checked on load so that an incompatible file fails clearly.
FORMAT = "redline-relevance/1"
#: Characters of a document the model reads. Long pages (some are 100k+ characters of
#: comments and link lists) add cost and noise, not signal; training reads the same prefix.
MAX_CHARS = 50_000

#: Columns the classifier reads and adds.
TITLE = "title"
ARTICLE = "article"
OUT_COLUMNS = ("adverse", "score")

Vector = npt.NDArray[np.float64]


def document(title: str, text: str) -> str:
    """The one string the model reads: the headline, a blank line, then the body.

    Training and scoring both call this, so that they can never prepare text differently.
    """
    title = (title or "").strip()
    text = (text or "").strip()
    joined = f"{title}\n\n{text}" if title else text
    return joined[:MAX_CHARS]


# ---------------------------------------------------------------------------------------
# Feature blocks (a re-implementation of the parts of TfidfVectorizer the model uses)

_WHITE_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True)
class _Block:
    """One TF-IDF vectoriser and its slice of the classifier's weights."""

    analyzer: str  # "word", "char" or "char_wb"
    ngram_range: tuple[int, int]
    lowercase: bool
    token_pattern: re.Pattern[str]
    sublinear_tf: bool
    norm: str | None
    weight: float  # FeatureUnion transformer weight
    vocabulary: dict[str, int]
    idf: Vector | None
    # One row per class for naive Bayes; one row for logistic regression.
    coef: Vector

    def terms(self, doc: str) -> list[str]:
        if self.lowercase:
            doc = doc.lower()
        lo, hi = self.ngram_range
        if self.analyzer == "word":
            return _word_ngrams(self.token_pattern.findall(doc), lo, hi)
        if self.analyzer == "char_wb":
            return _char_wb_ngrams(doc, lo, hi)
        return _char_ngrams(_WHITE_SPACES.sub(" ", doc), lo, hi)

    def features(self, doc: str) -> tuple[npt.NDArray[np.int64], Vector]:
        """(columns, values) of the non-zero features of ``doc`` in this block."""
        counts = Counter(t for t in self.terms(doc) if t in self.vocabulary)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        cols = np.fromiter((self.vocabulary[t] for t in counts), dtype=np.int64)
        values = np.fromiter(counts.values(), dtype=np.float64)
        if self.sublinear_tf:
            values = np.log(values) + 1.0
        if self.idf is not None:
            values = values * self.idf[cols]
        if self.norm == "l2":
            length = math.sqrt(float(np.dot(values, values)))
            if length > 0:
                values = values / length
        elif self.norm == "l1":
            length = float(np.abs(values).sum())
            if length > 0:
                values = values / length
        return cols, values * self.weight


def _word_ngrams(tokens: list[str], lo: int, hi: int) -> list[str]:
    out = list(tokens) if lo == 1 else []
    start = max(lo, 2)
    for n in range(start, min(hi, len(tokens)) + 1):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def _char_wb_ngrams(doc: str, lo: int, hi: int) -> list[str]:
    out: list[str] = []
    for word in doc.split():
        w = f" {word} "
        size = len(w)
        for n in range(lo, hi + 1):
            offset = 0
            out.append(w[offset : offset + n])
            while offset + n < size:
                offset += 1
                out.append(w[offset : offset + n])
            if offset == 0:  # a word shorter than n is counted once, as scikit-learn does
                break
    return out


def _char_ngrams(doc: str, lo: int, hi: int) -> list[str]:
    out: list[str] = []
    for n in range(lo, min(hi, len(doc)) + 1):
        out.extend(doc[i : i + n] for i in range(len(doc) - n + 1))
    return out


# ---------------------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class RelevanceModel:
    """A fitted adverse-media classifier: ``score`` is the probability that an article is
    adverse media; ``predict`` compares it with ``threshold`` (chosen by cross-validation
    on the training data)."""

    kind: str  # "logistic" or "multinomial_nb"
    blocks: tuple[_Block, ...]
    intercept: Vector  # logistic: [b]; naive Bayes: class log priors
    threshold: float
    classes: tuple[int, ...] = (0, 1)
    metadata: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> RelevanceModel:
        """The model in ``path``, or the one shipped with redline.

        Loaded models are kept (by path and modification time), since a search or an API
        worker asks for the same model again and again; a model is never changed in place.
        """
        path = DEFAULT_MODEL if path is None else path
        try:
            key = (str(path.resolve()), path.stat().st_mtime_ns)
        except OSError:
            key = None
        if key is not None and key in _LOADED:
            return _LOADED[key]
        model = cls._read(path)
        if key is not None:
            _LOADED.clear()  # one or two models are in use at a time; keep the last
            _LOADED[key] = model
        return model

    @classmethod
    def _read(cls, path: Path) -> RelevanceModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("relevance model file not found", path=str(path)) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"cannot read the relevance model: {exc}", path=str(path)) from None
        try:
            return cls.from_dict(data, path=path)
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"not a relevance model ({FORMAT}): {exc}", path=str(path)) from None

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: Path | None = None) -> RelevanceModel:
        """A model from its artefact dictionary (as :func:`export_sklearn` makes it)."""
        if data.get("format") != FORMAT:
            raise ValueError(f"format is {data.get('format')!r}, expected {FORMAT!r}")
        kind = str(data["kind"])
        if kind not in ("logistic", "multinomial_nb"):
            raise ValueError(f"unknown classifier kind {kind!r}")
        rows = 1 if kind == "logistic" else 2
        blocks = []
        for spec in data["blocks"]:
            vocabulary = {str(term): i for i, term in enumerate(spec["vocabulary"])}
            coef = np.asarray(spec["coef"], dtype=np.float64).reshape(rows, len(vocabulary))
            idf = spec.get("idf")
            idf_arr = None if idf is None else np.asarray(idf, dtype=np.float64)
            if idf_arr is not None and idf_arr.shape != (len(vocabulary),):
                raise ValueError("idf and vocabulary differ in length")
            analyzer = str(spec["analyzer"])
            if analyzer not in ("word", "char", "char_wb"):
                raise ValueError(f"unknown analyzer {analyzer!r}")
            lo, hi = (int(n) for n in spec["ngram_range"])
            blocks.append(
                _Block(
                    analyzer=analyzer,
                    ngram_range=(lo, hi),
                    lowercase=bool(spec.get("lowercase", True)),
                    token_pattern=re.compile(str(spec.get("token_pattern", r"(?u)\b\w\w+\b"))),
                    sublinear_tf=bool(spec.get("sublinear_tf", False)),
                    norm=spec.get("norm", "l2"),
                    weight=float(spec.get("weight", 1.0)),
                    vocabulary=vocabulary,
                    idf=idf_arr,
                    coef=coef,
                )
            )
        intercept = np.asarray(data["intercept"], dtype=np.float64).reshape(-1)
        if intercept.shape != (rows,):
            raise ValueError("intercept has the wrong shape")
        return cls(
            kind=kind,
            blocks=tuple(blocks),
            intercept=intercept,
            threshold=float(data["threshold"]),
            classes=tuple(int(c) for c in data.get("classes", (0, 1))),
            metadata=dict(data.get("metadata", {})),
            path=path,
        )

    def decision(self, title: str, text: str) -> Vector:
        """The raw linear scores of one article (one per class row)."""
        doc = document(title, text)
        total = self.intercept.copy()
        for block in self.blocks:
            cols, values = block.features(doc)
            if len(cols):
                total += block.coef[:, cols] @ values
        return total

    def score(self, title: str, text: str) -> float:
        """Probability (0..1) that the article is adverse media; 0 for blank text, which
        says nothing (the bare intercept would otherwise give the training base rate)."""
        if not document(title, text).strip():
            return 0.0
        z = self.decision(title, text)
        if self.kind == "logistic":
            p1 = _expit(float(z[0]))
        else:
            # Naive Bayes: softmax of the joint log likelihoods of the two classes.
            top = float(z.max())
            e = np.exp(z - top)
            p1 = float(e[1] / e.sum())
        return p1 if self.classes[1] == 1 else 1.0 - p1

    def predict(self, title: str, text: str) -> bool:
        """Whether the article is adverse media, at the model's threshold."""
        return self.score(title, text) >= self.threshold

    def describe(self) -> dict[str, Any]:
        """What the model is, for ``--json`` output and reports."""
        return {
            "path": str(self.path) if self.path else None,
            "kind": self.kind,
            "threshold": self.threshold,
            "features": sum(len(b.vocabulary) for b in self.blocks),
            **{k: v for k, v in self.metadata.items() if k != "rule_detail"},
        }


_LOADED: dict[tuple[str, int], RelevanceModel] = {}


def _expit(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def export_sklearn(
    pipeline: Any, threshold: float, metadata: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The artefact dictionary of a fitted scikit-learn pipeline.

    ``pipeline`` is ``Pipeline([(name, vectoriser), (name, classifier)])`` where the
    vectoriser is a ``TfidfVectorizer`` or a ``FeatureUnion`` of them, and the classifier
    a binary ``LogisticRegression`` or ``MultinomialNB``. Anything else raises
    ``ConfigError`` rather than exporting a model that would score differently.
    """
    vectoriser, classifier = pipeline.steps[0][1], pipeline.steps[-1][1]
    if len(pipeline.steps) != 2:
        raise ConfigError("export needs a pipeline of exactly a vectoriser and a classifier")
    if hasattr(vectoriser, "transformer_list"):
        weights = vectoriser.transformer_weights or {}
        parts = [(v, float(weights.get(name, 1.0))) for name, v in vectoriser.transformer_list]
    else:
        parts = [(vectoriser, 1.0)]
    name = type(classifier).__name__
    if name == "LogisticRegression":
        kind = "logistic"
        coef_all = np.asarray(classifier.coef_, dtype=np.float64)
        intercept = [float(x) for x in np.asarray(classifier.intercept_).reshape(-1)]
        if coef_all.shape[0] != 1:
            raise ConfigError("only a binary logistic regression can be exported")
    elif name == "MultinomialNB":
        kind = "multinomial_nb"
        coef_all = np.asarray(classifier.feature_log_prob_, dtype=np.float64)
        intercept = [float(x) for x in np.asarray(classifier.class_log_prior_).reshape(-1)]
    else:
        raise ConfigError(f"cannot export a {name}; use LogisticRegression or MultinomialNB")
    blocks = []
    offset = 0
    for vec, weight in parts:
        _check_vectoriser(vec)
        terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
        size = len(terms)
        idf = [float(x) for x in vec.idf_] if vec.use_idf else None
        coef = coef_all[:, offset : offset + size]
        offset += size
        blocks.append(
            {
                "analyzer": vec.analyzer,
                "ngram_range": list(vec.ngram_range),
                "lowercase": bool(vec.lowercase),
                "token_pattern": vec.token_pattern,
                "sublinear_tf": bool(vec.sublinear_tf),
                "norm": vec.norm,
                "weight": weight,
                "vocabulary": terms,
                "idf": idf,
                "coef": [float(x) for x in coef.reshape(-1)],
            }
        )
    if offset != coef_all.shape[1]:
        raise ConfigError("the classifier's weights do not match the vectorisers' features")
    return {
        "format": FORMAT,
        "kind": kind,
        "classes": [int(c) for c in classifier.classes_],
        "threshold": float(threshold),
        "intercept": intercept,
        "metadata": dict(metadata or {}),
        "blocks": blocks,
    }


def _check_vectoriser(vec: Any) -> None:
    """Refuse vectoriser options this module does not reproduce."""
    if type(vec).__name__ != "TfidfVectorizer":
        raise ConfigError(f"cannot export a {type(vec).__name__}; use TfidfVectorizer")
    if vec.analyzer not in ("word", "char", "char_wb"):
        raise ConfigError("cannot export a custom analyzer")
    for option in ("preprocessor", "tokenizer", "stop_words", "strip_accents"):
        if getattr(vec, option) is not None:
            raise ConfigError(f"cannot export a TfidfVectorizer with {option} set")
    if vec.binary:
        raise ConfigError("cannot export a binary TfidfVectorizer")


# ---------------------------------------------------------------------------------------
# Files


@dataclass
class ClassifySummary:
    """What ``classify_file`` did: rows read, how many adverse, and the rows it could not
    score (empty article text) or that had more cells than the header (``ragged``)."""

    input: str
    output: str
    rows: int = 0
    adverse: int = 0
    not_adverse: int = 0
    empty: int = 0
    ragged: int = 0
    threshold: float = 0.5
    model: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "output": self.output,
            "rows": self.rows,
            "adverse": self.adverse,
            "not_adverse": self.not_adverse,
            "empty": self.empty,
            "ragged": self.ragged,
            "threshold": self.threshold,
            "model": self.model,
        }


def _raise_field_limit() -> None:
    """Allow cells as big as articles get (the training files hold 1 MB+ cells)."""
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 2


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each CSV record after the header; errors name the line."""
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise InputError("file not found", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a CSV file", path=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror or exc}", path=str(path)) from None
    with fh:
        reader = csv.reader(fh)
        line = 1
        try:
            for cells in reader:
                yield line, cells
                line = reader.line_num + 1
        except UnicodeDecodeError:
            raise InputError(
                "is not UTF-8 text; save the CSV as UTF-8", path=str(path), line=line
            ) from None
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", path=str(path), line=line) from None


def _header(path: Path, rows: Iterator[tuple[int, list[str]]]) -> tuple[list[str], int, int]:
    """The header row and the indexes of the title and article columns."""
    for _, cells in rows:
        if any(c.strip() for c in cells):
            header = cells
            break
    else:
        raise InputError("the file is empty; expected a header with title,article", path=str(path))
    names = [h.strip().lower() for h in header]
    missing = [c for c in (TITLE, ARTICLE) if c not in names]
    if missing:
        raise InputError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the header has: {', '.join(header) or 'nothing'})",
            path=str(path),
            line=1,
        )
    return header, names.index(TITLE), names.index(ARTICLE)


def _count_records(path: Path) -> int:
    rows = _rows(path)
    _header(path, rows)
    return sum(1 for _, cells in rows if any(c.strip() for c in cells))


def classify_file(
    in_path: Path,
    out_path: Path,
    model: RelevanceModel,
    progress: Callable[[int, int], None] | None = None,
) -> ClassifySummary:
    """Score every row of the CSV ``in_path`` and write it, with ``adverse`` (0/1) and
    ``score`` added after the existing columns, to ``out_path`` (replaced only on success).

    Columns are found by name (``title``, ``article``; case and spaces ignored); any other
    column is kept as it is. A row whose article is empty scores 0 and is counted in
    ``empty``. ``adverse``/``score`` columns already in the input are overwritten, so that
    an output can be classified again. Every written cell is neutralised against
    spreadsheet formula injection. ``progress(done, total)`` is called as rows are scored.
    """
    if out_path.suffix.lower() != ".csv":
        raise ConfigError(f"cannot write {out_path.name}: the output must be a .csv file")
    _raise_field_limit()
    total = _count_records(in_path) if progress is not None else 0
    summary = ClassifySummary(
        input=str(in_path),
        output=str(out_path),
        threshold=model.threshold,
        model=model.describe(),
    )
    rows = _rows(in_path)
    header, i_title, i_article = _header(in_path, rows)
    names = [h.strip().lower() for h in header]
    # Reuse existing adverse/score columns; otherwise append them.
    keep = [i for i, n in enumerate(names) if n not in OUT_COLUMNS]
    out_header = [header[i] for i in keep] + list(OUT_COLUMNS)
    width = len(header)
    with replacing(out_path) as tmp, tmp.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([neutralise(c) for c in out_header])
        for _, cells in rows:
            if not any(c.strip() for c in cells):
                continue  # blank line
            summary.rows += 1
            extra: Sequence[str] = ()
            if len(cells) > width:
                summary.ragged += 1
                extra = cells[width:]
            cells = cells[:width] + [""] * (width - len(cells))
            title, article = cells[i_title], cells[i_article]
            if not article.strip():
                summary.empty += 1
                score = 0.0
            else:
                score = model.score(title, article)
            adverse = score >= model.threshold and bool(article.strip())
            if adverse:
                summary.adverse += 1
            else:
                summary.not_adverse += 1
            values = [cells[i] for i in keep] + [str(int(adverse)), f"{score:.4f}", *extra]
            writer.writerow([neutralise(v) for v in values])
            if progress is not None:
                progress(summary.rows, total)
    return summary
