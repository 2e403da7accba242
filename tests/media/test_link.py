"""Linking stored articles to listed entities and portfolio customers, and relinking
only what a list or portfolio change made stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline import lists
from redline.media.article import make_article
from redline.media.link import (
    articles_due,
    gazetteer_key,
    link_article,
    link_articles,
    mentions_in,
    mentions_of,
    store_gazetteer,
)
from redline.screening.portfolio import import_file
from redline.settings import Settings
from redline.store import Store
from redline.store.media import add_article
from tests.conftest import run_cli, write_ftm

# The store suite: these tests run on SQLite and PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

ARTICLES = Path(__file__).parent.parent / "fixtures" / "media" / "articles"

#: The fixture articles with the facts a page would give: outlet, date, address.
META: dict[str, dict[str, str]] = {
    "01_factory_report.txt": {
        "outlet": "Wall Street Journal",
        "published": "2023-02-06",
        "url": "https://www.wsj.example/articles/drone-plant-volga",
    },
    "02_factory_reprint.txt": {
        "outlet": "Daily Courier",
        "published": "2023-02-08",
        "url": "https://courier.example/world/drone-plant-volga",
    },
    "03_relay_wsj.txt": {
        "outlet": "Valley Herald",
        "published": "2023-02-07",
        "url": "https://valleyherald.example/iran-russia-drones",
    },
    "04_persian_names.txt": {"outlet": "Caspian Wire", "published": "2023-03-01"},
    "05_other_mehrabi.txt": {"outlet": "Food Weekly", "published": "2023-04-01"},
}


def listed(entity_id: str, schema: str, name: str, **props: list[str]) -> dict[str, object]:
    return {
        "id": entity_id,
        "schema": schema,
        "properties": {"name": [name], **props},
        "datasets": ["test-list"],
    }


LIST = [
    listed("qai", "Company", "QODS AVIATION INDUSTRIES", country=["ir"]),
    listed("damavandian", "Person", "DAMAVANDIAN, Ghassem", nationality=["ir"]),
    listed("mehrabi", "Person", "MEHRABI, Abdollah", alias=["Abdollah Merhabi"]),
    listed(
        "alabuga-sez",
        "Company",
        "JOINT STOCK COMPANY SPECIAL ECONOMIC ZONE OF INDUSTRIAL PRODUCTION ALABUGA",
    ),
    listed("quds-force", "Organization", "Quds Force"),
    listed("decoy", "Person", "Hamid Rezaei Farahani"),
]


def load_list(
    store: Store, settings: Settings, folder: Path, rows: list[dict[str, object]]
) -> None:
    path = write_ftm(folder / f"list-{len(rows)}.jsonl", rows)
    lists.load(store, settings, "ftm", [path])


def add_fixture_articles(store: Store) -> dict[str, int]:
    """Every fixture article, stored as ``media add`` would; name → article id."""
    ids: dict[str, int] = {}
    for name, meta in META.items():
        raw = (ARTICLES / name).read_text(encoding="utf-8")
        lines = raw.splitlines()
        start = 2 if lines[0].startswith("Republished") else 0
        title = lines[start]
        text = "\n".join(lines[start + 1 :]).strip()
        article = make_article(
            text,
            origin=str(ARTICLES / name),
            title=title,
            outlet=meta["outlet"],
            published=meta["published"],
            url=meta.get("url"),
        )
        ids[name] = add_article(store, article).id
    return ids


@pytest.fixture
def media_store(store: Store, settings: Settings, tmp_path: Path) -> tuple[Store, dict[str, int]]:
    load_list(store, settings, tmp_path, LIST)
    return store, add_fixture_articles(store)


def test_fixture_copy_is_grouped(media_store: tuple[Store, dict[str, int]]) -> None:
    store, ids = media_store
    from redline.store.media import get_article

    reprint = get_article(store, ids["02_factory_reprint.txt"])
    assert reprint.story_id == get_article(store, ids["01_factory_report.txt"]).story_id
    assert reprint.original_id == ids["01_factory_report.txt"]


def test_link_all_articles(media_store: tuple[Store, dict[str, int]], settings: Settings) -> None:
    store, ids = media_store
    summary = link_articles(store, settings.home / "index")
    assert summary.articles == 5 and summary.skipped == 0
    assert summary.parties == len(LIST)
    assert summary.mentions > 0
    by_party = {
        party: {m.article_id for m in mentions_of(store, party)}
        for party in ("qai", "damavandian", "mehrabi", "alabuga-sez", "quds-force", "decoy")
    }
    report, reprint, relay, persian, other = (ids[n] for n in META)
    assert by_party["qai"] == {report, reprint, relay}
    assert by_party["damavandian"] == {report, reprint, persian}
    assert by_party["mehrabi"] == {report, reprint, persian}
    assert by_party["alabuga-sez"] == {relay}
    assert by_party["quds-force"] == {other}
    assert by_party["decoy"] == set()
    # Stored mentions point into the article text and carry their explanation.
    from redline.store.media import get_article

    for m in mentions_in(store, report):
        text = get_article(store, report).text
        assert text[m.start : m.end] == m.text
        assert m.source == "ftm" and m.party_kind == "entity"
        assert m.explanation
    spans = {m.text for m in mentions_in(store, report)}
    assert {"Ghassem Damavandian", "Qods Aviation Industries", "Abdollah Mehrabi"} <= spans
    assert "Merhabi" in spans  # "Brig. Gen. Merhabi", referring back to the full name


def test_relink_only_what_is_stale(
    media_store: tuple[Store, dict[str, int]], settings: Settings, tmp_path: Path
) -> None:
    store, ids = media_store
    cache = settings.home / "index"
    first = link_articles(store, cache)
    again = link_articles(store, cache)
    assert (again.articles, again.skipped) == (0, 5)
    # A new list version changes the gazetteer: every article is due again, and the
    # new party is found.
    key = gazetteer_key(store)
    load_list(
        store,
        settings,
        tmp_path,
        [*LIST, listed("charter", "Company", "Caspian Aviation Services LLC")],
    )
    assert gazetteer_key(store) != key
    assert len(articles_due(store, gazetteer_key(store))) == 5
    after = link_articles(store, cache)
    assert after.articles == 5
    assert {m.article_id for m in mentions_of(store, "charter")} == {ids["05_other_mehrabi.txt"]}
    forced = link_articles(store, cache, everything=True)
    assert forced.articles == 5 and forced.mentions == after.mentions
    assert first.gazetteer != after.gazetteer


def test_link_article_replaces_earlier_links(
    media_store: tuple[Store, dict[str, int]], settings: Settings
) -> None:
    store, ids = media_store
    gaz = store_gazetteer(store, settings.home / "index")
    article = ids["01_factory_report.txt"]
    once = link_article(store, article, gaz)
    twice = link_article(store, article, gaz)
    assert len(once) == len(twice) == len(mentions_in(store, article))


def test_gazetteer_is_cached(media_store: tuple[Store, dict[str, int]], settings: Settings) -> None:
    store, _ids = media_store
    cache = settings.home / "index"
    built = store_gazetteer(store, cache)
    assert built.build_seconds > 0
    assert list(cache.glob("gazetteer-*.pkl"))
    loaded = store_gazetteer(store, cache)
    assert loaded.build_seconds == 0 and loaded.key == built.key
    assert loaded.gazetteer.size == built.gazetteer.size
    # A damaged cache is rebuilt, never trusted.
    for path in cache.glob("gazetteer-*.pkl"):
        path.write_bytes(b"not a pickle")
    rebuilt = store_gazetteer(store, cache)
    assert rebuilt.build_seconds > 0 and rebuilt.gazetteer.size == built.gazetteer.size


def test_customers_are_linked(
    media_store: tuple[Store, dict[str, int]], settings: Settings, tmp_path: Path
) -> None:
    store, ids = media_store
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "id,name,type\nC-1,Ghassem Damavandian,Person\nC-2,Caspian Aviation Services,Company\n",
        encoding="utf-8",
    )
    import_file(store, customers)
    link_articles(store, settings.home / "index")
    c1 = {m.article_id for m in mentions_of(store, "C-1", "customer")}
    c2 = {m.article_id for m in mentions_of(store, "C-2", "customer")}
    assert c1 == {
        ids["01_factory_report.txt"],
        ids["02_factory_reprint.txt"],
        ids["04_persian_names.txt"],
    }
    assert c2 == {ids["05_other_mehrabi.txt"]}
    assert {m.source for m in mentions_of(store, "C-1", "customer")} == {"portfolio"}
    without = link_articles(store, settings.home / "index", everything=True, customers=False)
    assert without.parties == len(LIST)
    assert mentions_of(store, "C-1", "customer") == []


def test_link_rejects_a_bad_threshold(media_store: tuple[Store, dict[str, int]]) -> None:
    from redline.errors import ConfigError
    from redline.media.mentions import Gazetteer

    store, ids = media_store
    with pytest.raises(ConfigError):
        link_article(store, ids["01_factory_report.txt"], Gazetteer.from_entities([]), threshold=2)


def test_cli_link_and_mentions(
    media_store: tuple[Store, dict[str, int]], settings: Settings
) -> None:
    _store, ids = media_store
    home = settings.home
    out = run_cli(home, "media", "link", "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["articles"] == 5 and summary["mentions"] > 0
    assert summary["articles_per_second"] > 0
    again = run_cli(home, "media", "link")
    assert again.returncode == 0 and "up to date" in again.stdout
    listed_json = run_cli(home, "media", "mentions", "--entity", "qai", "--json")
    assert listed_json.returncode == 0, listed_json.stderr
    found = json.loads(listed_json.stdout)
    assert {m["article_id"] for m in found} == {
        ids["01_factory_report.txt"],
        ids["02_factory_reprint.txt"],
        ids["03_relay_wsj.txt"],
    }
    table = run_cli(home, "media", "mentions", str(ids["04_persian_names.txt"]))
    assert table.returncode == 0 and "DAMAVANDIAN" in table.stdout
    bad = run_cli(home, "media", "mentions")
    assert bad.returncode == 1 and "error:" in bad.stderr and "Traceback" not in bad.stderr
    no_ner = run_cli(home, "media", "link", "--ner")
    assert no_ner.returncode in (0, 1) and "Traceback" not in no_ner.stderr


def test_media_add_links_what_it_stores(store: Store, settings: Settings, tmp_path: Path) -> None:
    """A user who adds articles finds their mentions at once, without 'media link'."""
    load_list(store, settings, tmp_path, LIST)
    home = settings.home
    added = run_cli(home, "media", "add", str(ARTICLES / "04_persian_names.txt"), "--json")
    assert added.returncode == 0, added.stderr
    report = json.loads(added.stdout)
    assert report["linked"]["articles"] == 1 and report["linked"]["mentions"] > 0
    found = json.loads(
        run_cli(home, "media", "mentions", "--entity", "damavandian", "--json").stdout
    )
    assert [m["article_id"] for m in found] == [report["items"][0]["id"]]
    later = run_cli(home, "media", "add", str(ARTICLES / "05_other_mehrabi.txt"), "--no-link")
    assert later.returncode == 0 and "mentions" not in later.stdout
