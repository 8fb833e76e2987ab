"""The DSL engine builds the same request bodies with opensearch-py and elasticsearch-dsl."""

import importlib

import pytest

from search.engines.base import SearchRequest
from search.engines.dsl import QueryBuilder
from search.query import TermGroup, parse

pytestmark = pytest.mark.django_db


def builders():
    opensearch = QueryBuilder(importlib.import_module("opensearchpy"), "portal-documents")
    elasticsearch_dsl = importlib.import_module("elasticsearch_dsl")  # the 8.18 package: re-exports elasticsearch.dsl
    elasticsearch = QueryBuilder(elasticsearch_dsl, "portal-documents")
    return opensearch, elasticsearch


def sample_requests():
    parsed = parse("dang ky khai sinh")
    agency = parse("khai tu")
    agency.groups.append(TermGroup(alternatives=(("dien", "chau"),), agency_codes=("PV.X.1.H41",), commune_level=True))
    synonym = parse("so do")
    synonym.groups = [TermGroup(alternatives=(("so", "do"), ("giay", "chung", "nhan")), exact=("sổ", "đỏ"))]
    return [
        SearchRequest(query=parsed),
        SearchRequest(query=parsed, filters={"online": "full", "sector": "ho-tich"}, page=3, per_page=5),
        SearchRequest(query=agency, exclude_ids=(4, 9)),
        SearchRequest(query=synonym),
        SearchRequest(query=parse(""), filters={"type": "news"}),
        SearchRequest(query=parse("dang ky khai snh"), suggest=True),
    ]


@pytest.mark.parametrize("index", range(6))
def test_search_bodies_identical(index):
    opensearch, elasticsearch = builders()
    request = sample_requests()[index]

    os_body = opensearch.search(request).to_dict()
    es_body = elasticsearch.search(request).to_dict()

    assert os_body == es_body
    assert os_body["size"] == request.per_page


def test_search_body_carries_suggester_when_asked():
    opensearch, _ = builders()

    body = opensearch.search(SearchRequest(query=parse("dang ky khai snh"), suggest=True)).to_dict()
    plain = opensearch.search(SearchRequest(query=parse("dang ky khai snh"))).to_dict()

    assert body["suggest"]["words"]["text"] == "dang ky khai snh"
    assert body["suggest"]["words"]["term"]["field"] == "spelling"
    assert "suggest" not in plain
    assert "aggs" in body
    assert "body" in body["_source"]


def test_autocomplete_and_suggest_bodies_identical():
    opensearch, elasticsearch = builders()
    parsed = parse("giay phep lao d")

    assert opensearch.autocomplete(parsed, 8).to_dict() == elasticsearch.autocomplete(parsed, 8).to_dict()
    assert opensearch.suggest("dang ky khai snh").to_dict() == elasticsearch.suggest("dang ky khai snh").to_dict()


def test_elasticsearch_library_selected_from_settings():
    from search.engines.dsl import DSLEngine

    engine = DSLEngine({"LIBRARY": "elasticsearch", "URL": "http://127.0.0.1:9", "INDEX_PREFIX": "x"})

    assert engine.dsl.__name__ == "elasticsearch.dsl"
    assert type(engine.client).__module__.startswith("elasticsearch")
    assert engine.index == "x-documents"


def test_unknown_library_rejected():
    from search.engines.dsl import DSLEngine

    with pytest.raises(ValueError, match="LIBRARY"):
        DSLEngine({"LIBRARY": "solr", "URL": "http://127.0.0.1:9"})
