"""Searching the stored news for a party: stories not copies, evidence, relevance and
independent sources, over the library, the CLI and HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redline.entities import Entity
from redline.errors import ConfigError, InputError, NotFoundError
from redline.media.search import MediaHit, independent_sources, search_media
from redline.screening.portfolio import import_file
from redline.settings import Settings
from redline.store import Store
from tests.conftest import run_cli
from tests.media.test_link import LIST, add_fixture_articles, load_list

# The store suite: these tests run on SQLite and PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True


@pytest.fixture
def media_store(store: Store, settings: Settings, tmp_path: Path) -> tuple[Store, dict[str, int]]:
    load_list(store, settings, tmp_path, LIST)
    return store, add_fixture_articles(store)


def ids_of(hits: list[MediaHit]) -> list[int]:
    return [h.article_id for h in hits]


def test_search_groups_copies_into_one_story(media_store: tuple[Store, dict[str, int]]) -> None:
    store, ids = media_store
    result = search_media(store, "Ghassem Damavandian")
    assert result.articles_scanned == 5
    report, reprint = ids["01_factory_report.txt"], ids["02_factory_reprint.txt"]
    # The original and its reprint are one story, shown through the original.
    assert ids_of(result.hits) == [report, ids["04_persian_names.txt"]]
    story = result.hits[0]
    assert [c.id for c in story.copies] == [reprint]
    assert story.copies[0].outlet == "Daily Courier" and not story.copies[0].original
    assert story.outlet == "Wall Street Journal" and story.published == "2023-02-06"
    assert story.url == "https://www.wsj.example/articles/drone-plant-volga"
    # The copy is not a source: one story, one outlet.
    assert story.sources == ("Wall Street Journal",)


def test_hit_carries_risk_evidence_and_relevance(media_store: tuple[Store, dict[str, int]]) -> None:
    store, _ids = media_store
    story = search_media(store, "Ghassem Damavandian").hits[0]
    assert [m.text for m in story.mentions][:2] == ["Ghassem Damavandian", "Damavandian"]
    assert story.score == 1.0
    codes = {c.code for c in story.categories}
    assert "sanctions_evasion" in codes
    assert story.stage == "sanction"
    assert any("imposed sanctions on Mr. Damavandian" in e.text for e in story.evidence)
    assert story.adverse  # a sentence naming him states a sanction
    assert story.relevance is None or 0.0 <= story.relevance <= 1.0
    data = story.to_dict()
    assert data["independent_sources"] == 1 and data["copies"][0]["outlet"] == "Daily Courier"
    json.dumps(data)


def test_attributed_evidence_counts_for_the_cited_outlet(
    media_store: tuple[Store, dict[str, int]],
) -> None:
    store, ids = media_store
    result = search_media(store, "Qods Aviation Industries")
    relay = next(h for h in result.hits if h.article_id == ids["03_relay_wsj.txt"])
    assert [m.text for m in relay.mentions] == ["Ghods Aviation"]
    assert relay.attributed_to == ("Wall Street Journal",)
    cited = [e for e in relay.evidence if e.attributed]
    assert cited and all(e.source == "Wall Street Journal" for e in cited)
    # The original (Wall Street Journal) and the write-up citing it are one source.
    assert [s.source for s in result.sources] == ["Wall Street Journal"]
    assert sorted(result.sources[0].hits) == sorted(
        [ids["01_factory_report.txt"], relay.article_id]
    )
    assert independent_sources(result.hits) == result.sources


def test_spellings_scripts_and_negatives(media_store: tuple[Store, dict[str, int]]) -> None:
    store, ids = media_store
    mehrabi = search_media(store, "Abdollah Mehrabi")
    assert ids_of(mehrabi.hits) == [ids["01_factory_report.txt"], ids["04_persian_names.txt"]]
    persian = next(h for h in mehrabi.hits if h.article_id == ids["04_persian_names.txt"])
    assert persian.mentions[0].text == "عبدالله مهرابی"
    # "Ali Mehrabi" and a lone "Mehrabi" are someone else.
    assert ids["05_other_mehrabi.txt"] not in ids_of(mehrabi.hits)
    alabuga = search_media(store, "Alabuga")
    found = {h.article_id: h for h in alabuga.hits}
    assert set(found) == {ids["01_factory_report.txt"], ids["03_relay_wsj.txt"]}
    assert found[ids["01_factory_report.txt"]].mentions[0].text == "Yelabuga"
    assert found[ids["01_factory_report.txt"]].score == pytest.approx(0.75)
    strict = search_media(store, "Alabuga", threshold=0.8)
    assert ids_of(strict.hits) == [ids["03_relay_wsj.txt"]]
    assert search_media(store, "Quds Force").hits[0].article_id == ids["05_other_mehrabi.txt"]
    assert search_media(store, "Nobody Inparticular").hits == []
    assert search_media(store, "0").hits == []  # nothing comparable in the name


def test_search_by_entity_customer_and_query(
    media_store: tuple[Store, dict[str, int]], tmp_path: Path
) -> None:
    store, ids = media_store
    by_entity = search_media(store, entity_id="mehrabi")
    assert by_entity.query.kind == "entity"
    assert {n for n, _ in by_entity.query.names} == {"MEHRABI, Abdollah", "Abdollah Merhabi"}
    assert ids_of(by_entity.hits) == [ids["01_factory_report.txt"], ids["04_persian_names.txt"]]
    customers = tmp_path / "customers.csv"
    customers.write_text("id,name,type\nC-7,Qods Aviation Industries,Company\n", encoding="utf-8")
    import_file(store, customers)
    by_customer = search_media(store, customer_id="C-7")
    assert by_customer.query.kind == "customer" and by_customer.hits
    query = Entity("q", "Person")
    query.add("name", "Ghassem Damavandian")
    assert search_media(store, query).hits[0].article_id == ids["01_factory_report.txt"]
    with pytest.raises(NotFoundError):
        search_media(store, entity_id="no-such-entity")
    with pytest.raises(NotFoundError):
        search_media(store, customer_id="no-such-customer")
    with pytest.raises(ConfigError):
        search_media(store, "x", entity_id="mehrabi")
    with pytest.raises(ConfigError):
        search_media(store)
    with pytest.raises(InputError):
        search_media(store, "   ")
    with pytest.raises(ConfigError):
        search_media(store, "Alabuga", limit=0)
    with pytest.raises(ConfigError):
        search_media(store, "Alabuga", threshold=1.5)


def test_limit_and_order(media_store: tuple[Store, dict[str, int]]) -> None:
    store, _ids = media_store
    hits = search_media(store, "Qods Aviation Industries").hits
    assert [h.adverse for h in hits] == sorted((h.adverse for h in hits), reverse=True)
    assert len(search_media(store, "Qods Aviation Industries", limit=1).hits) == 1


def test_cli_search(media_store: tuple[Store, dict[str, int]], settings: Settings) -> None:
    _store, ids = media_store
    out = run_cli(settings.home, "media", "search", "Qods Aviation Industries", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["query"]["caption"] == "Qods Aviation Industries"
    assert data["independent_sources"] == 1
    assert {h["article_id"] for h in data["hits"]} == {
        ids["01_factory_report.txt"],
        ids["03_relay_wsj.txt"],
    }
    text = run_cli(settings.home, "media", "search", "Qods Aviation Industries")
    assert text.returncode == 0, text.stderr
    assert "attributed to: Wall Street Journal" in text.stdout
    assert "copy #" in text.stdout and "Daily Courier" in text.stdout
    assert "1 independent source (Wall Street Journal)" in " ".join(text.stdout.split())
    entity = run_cli(settings.home, "media", "search", "--entity", "damavandian", "--json")
    assert entity.returncode == 0 and json.loads(entity.stdout)["query"]["kind"] == "entity"
    none = run_cli(settings.home, "media", "search", "Nobody Inparticular")
    assert none.returncode == 0 and "no stored article mentions" in none.stdout
    bad = run_cli(settings.home, "media", "search")
    assert bad.returncode == 1 and "error:" in bad.stderr and "Traceback" not in bad.stderr


def test_http_search(media_store: tuple[Store, dict[str, int]], settings: Settings) -> None:
    from redline.server.app import create_app
    from tests.server.conftest import make_keys, start_server, stop_server

    _store, ids = media_store
    keys = make_keys(settings)
    url, running = start_server(create_app(settings))
    try:
        import httpx

        headers = {"Authorization": f"Bearer {keys['viewer']}"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            ok = client.get("/v1/media/search", params={"q": "Qods Aviation Industries"})
            assert ok.status_code == 200, ok.text
            body = ok.json()
            assert {h["article_id"] for h in body["hits"]} == {
                ids["01_factory_report.txt"],
                ids["03_relay_wsj.txt"],
            }
            assert body["hits"][0]["mentions"][0]["schema"]
            by_entity = client.get("/v1/media/search/entity/mehrabi")
            assert by_entity.status_code == 200 and by_entity.json()["query"]["kind"] == "entity"
            missing = client.get("/v1/media/search/entity/nope")
            assert missing.status_code == 404
            assert missing.headers["content-type"].startswith("application/problem+json")
            assert client.get("/v1/media/search/customer/nope").status_code == 404
            assert client.get("/v1/media/search").status_code == 422
            assert client.get("/v1/media/search", params={"q": "  "}).status_code == 422
            bad = client.get("/v1/media/search", params={"q": "x", "limit": 0})
            assert bad.status_code == 422
        anonymous = httpx.get(f"{url}/v1/media/search", params={"q": "x"}, timeout=60)
        assert anonymous.status_code == 401
    finally:
        stop_server(running)
