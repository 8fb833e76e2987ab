"""The public search page and the autocomplete endpoint, over HTTP."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed_database(catalogue, database_engine):
    from search import indexing

    indexing.rebuild(engine=database_engine)
    return catalogue


def test_search_page_lists_results_and_facets(client, indexed_database):
    response = client.get(reverse("search:search"), {"q": "dang ky khai sinh"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "Thủ tục đăng ký khai sinh" in html
    assert 'value="dang ky khai sinh"' in html
    assert 'data-facet="online"' in html
    assert "<mark>" in html


def test_filter_links_keep_query(client, indexed_database):
    response = client.get(reverse("search:search"), {"q": "dang ky", "online": "full"})
    html = response.content.decode()

    assert "Thủ tục đăng ký khai sinh có yếu tố nước ngoài" in html
    assert "Thủ tục đăng ký kết hôn" not in html
    assert "?q=dang+ky" in html


def test_second_page_links_back(client, indexed_database, monkeypatch):
    from search import service

    monkeypatch.setattr(service, "PAGE_SIZE", 2)
    monkeypatch.setattr(service.run_search, "__defaults__", (None, 1, 2, None, True))
    response = client.get(reverse("search:search"), {"q": "dang ky", "page": "2"})
    html = response.content.decode()

    assert response.context["outcome"].page == 2
    assert len(response.context["outcome"].hits) == 2
    assert 'rel="prev"' in html
    assert 'rel="next"' in html


def test_old_unit_note_shown(client, indexed_database):
    response = client.get(reverse("search:search"), {"q": "khai tu huyen Dien Chau"})
    html = response.content.decode()

    assert "Huyện Diễn Châu" in html
    assert "Xã Diễn Châu" in html


def test_correction_offers_original(client, indexed_database):
    response = client.get(reverse("search:search"), {"q": "dang ky khai snh"})
    outcome = response.context["outcome"]

    assert outcome.corrected_from == "dang ky khai snh"
    assert "exact=1" in response.content.decode()


def test_empty_query_renders_form(client, db):
    response = client.get(reverse("search:search"))

    assert response.status_code == 200
    assert response.context["outcome"] is None


def test_autocomplete_json(client, indexed_database):
    response = client.get(reverse("search:autocomplete"), {"q": "dang ky ket"})
    data = response.json()

    assert response["Content-Type"].startswith("application/json")
    assert data["query"] == "dang ky ket"
    assert data["results"][0]["title"] == "Thủ tục đăng ký kết hôn"
    assert data["results"][0]["url"].startswith("/")


def test_synonym_admin_rejects_single_term(admin_client):
    response = admin_client.post("/quan-tri/search/synonym/create/", {"terms": "CCCD", "is_active": "on"})

    assert response.status_code == 200
    assert "terms" in response.context["form"].errors


@pytest.mark.parametrize("text", ["!!!", "???", "😀"])
def test_query_without_words_explained(client, indexed_database, text):
    response = client.get(reverse("search:search"), {"q": text})
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["outcome"].total == 0
    assert 'class="search-hit"' not in html
    assert "không có chữ cái hoặc chữ số" in html


def test_thousand_character_query_cut(client, indexed_database):
    text = ("đăng ký khai sinh " * 60)[:1000]

    response = client.get(reverse("search:search"), {"q": text})

    assert response.status_code == 200
    assert len(response.context["search_query"]) <= 300
    assert text.startswith(response.context["search_query"])
    assert response.context["outcome"].hits[0].page_id == indexed_database["birth"].pk
