"""Rebuilding the index keeps search complete: an alias swap on OpenSearch, upserts on the database."""

import pytest

from search import documents, indexing, service

pytestmark = pytest.mark.django_db


class SearchingProgress:
    """A progress output that searches after every batch, as a citizen would during a rebuild."""

    def __init__(self, engine, text):
        self.engine = engine
        self.text = text
        self.totals = []
        self.counts = []

    def write(self, line):
        self.totals.append(service.run_search(self.text, engine=self.engine).total)
        self.counts.append(self.engine.count())


def test_search_complete_during_rebuild(indexed, engine):
    progress = SearchingProgress(engine, "dang ky")

    indexed_count, failures = indexing.rebuild(engine=engine, stdout=progress, batch_size=2)

    assert failures == []
    assert indexed_count == 7
    assert len(progress.totals) >= 3
    assert progress.totals == [5] * len(progress.totals)
    assert progress.counts == [7] * len(progress.counts)
    assert service.run_search("dang ky", engine=engine).total == 5


def test_rebuild_drops_unpublished_page(indexed, engine):
    # Inside the test transaction no on-commit task runs, so only the rebuild can notice.
    indexed["marriage"].unpublish()

    indexing.rebuild(engine=engine)

    assert indexed["marriage"].pk not in engine.indexed_ids()
    assert engine.count() == 6
    assert service.run_search("dang ky", engine=engine).total == 4


def test_update_during_rebuild_reaches_new_index(indexed, engine):
    page = indexed["news"]
    rebuild = engine.start_rebuild()
    old = documents.build_document(page.specific)
    rebuild.index_documents([old])

    page.title = "Tra cứu hồ sơ bằng mã vạch"
    page.save_revision().publish()
    engine.index_documents([documents.build_document(page.specific)])
    rebuild.finish()
    engine.refresh()

    hits = service.run_search("ma vach", engine=engine).hits
    assert [hit.page_id for hit in hits] == [page.pk]
    assert engine.indexed_ids() >= {page.pk}


def test_failed_page_keeps_previous_document(indexed, engine, monkeypatch):
    broken = indexed["death"].pk
    original = documents.build_procedure

    def failing(page):
        if page.pk == broken:
            raise ValueError("steps cannot be read")
        return original(page)

    monkeypatch.setitem(documents.BUILDERS, "service_catalog.procedurepage", failing)
    indexed_count, failures = indexing.rebuild(engine=engine)

    assert failures == [(broken, "ValueError: steps cannot be read")]
    assert indexed_count == 6
    assert broken in engine.indexed_ids()
    assert service.run_search("khai tu", engine=engine).hits[0].page_id == broken


def test_interrupted_rebuild_leaves_index(indexed, engine):
    class FailingProgress:
        def write(self, line):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        indexing.rebuild(engine=engine, stdout=FailingProgress(), batch_size=2)

    assert engine.count() == 7
    assert service.run_search("dang ky", engine=engine).total == 5


def test_alias_switches_to_new_index(catalogue, opensearch_engine):
    engine = opensearch_engine
    indexing.rebuild(engine=engine)
    before = engine._indices_of(engine.index)

    indexing.rebuild(engine=engine)
    after = engine._indices_of(engine.index)

    assert len(before) == 1
    assert len(after) == 1
    assert after != before
    assert not engine.client.indices.exists(index=sorted(before)[0])
    assert engine._indices_of(engine.rebuild_alias) == set()


def test_aborted_alias_rebuild_deletes_new_index(catalogue, opensearch_engine):
    engine = opensearch_engine
    indexing.rebuild(engine=engine)
    before = engine._indices_of(engine.index)

    rebuild = engine.start_rebuild()
    assert engine._indices_of(engine.rebuild_alias) == {rebuild.target}
    rebuild.abort()

    assert engine._indices_of(engine.index) == before
    assert not engine.client.indices.exists(index=rebuild.target)
    assert engine.count() == 7


def test_rebuild_replaces_plain_index(catalogue, opensearch_engine):
    """An index made before aliases, named like the alias, is replaced in the same step."""
    from search.engines.dsl import INDEX_MAPPINGS, INDEX_SETTINGS

    engine = opensearch_engine
    engine.drop()
    engine.client.indices.create(index=engine.index, body={"settings": INDEX_SETTINGS, "mappings": INDEX_MAPPINGS})
    engine.index_documents([documents.build_document(catalogue["birth"].specific)])
    engine.refresh()
    assert engine._is_plain_index()

    indexing.rebuild(engine=engine)

    assert not engine._is_plain_index()
    assert len(engine._indices_of(engine.index)) == 1
    assert engine.count() == 7


def count_segments(engine, index):
    shards = engine.client.indices.segments(index=index)["indices"][index]["shards"]
    return sum(len(copy["segments"]) for copies in shards.values() for copy in copies)


def test_finished_rebuild_merges_segments(catalogue, opensearch_engine):
    engine = opensearch_engine
    rebuild = engine.start_rebuild()
    for page in ("birth", "marriage", "death", "news"):
        rebuild.index_documents([documents.build_document(catalogue[page].specific)])
        engine.client.indices.refresh(index=rebuild.target)
    assert count_segments(engine, rebuild.target) == 4

    rebuild.finish()

    assert count_segments(engine, rebuild.target) == 1
    assert engine.count() == 4
