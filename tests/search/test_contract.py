"""Behaviour every search engine must show; each test runs on the database engine and on OpenSearch."""

import unicodedata

import pytest

from search import service
from search.models import PromotedResult, Synonym

pytestmark = pytest.mark.django_db


def titles(outcome):
    return [hit.title for hit in outcome.hits]


def test_rebuild_indexes_only_live_public_pages(indexed, engine):
    ids = engine.indexed_ids()

    assert indexed["birth"].pk in ids
    assert indexed["news"].pk in ids
    assert indexed["guidance"].pk in ids
    assert indexed["private"].pk not in ids
    assert indexed["draft"].pk not in ids
    assert engine.count() == 7


@pytest.mark.parametrize("text", ["đăng ký khai sinh", "dang ky khai sinh", "DANG KY KHAI SINH"])
def test_finds_procedure_with_and_without_diacritics(indexed, engine, text):
    outcome = service.run_search(text, engine=engine)

    assert outcome.hits[0].page_id == indexed["birth"].pk


def test_decomposed_input_matches(indexed, engine):
    decomposed = unicodedata.normalize("NFD", "Đăng ký kết hôn")
    assert decomposed != "Đăng ký kết hôn"

    outcome = service.run_search(decomposed, engine=engine)

    assert outcome.hits[0].page_id == indexed["marriage"].pk


def test_d_with_stroke_folds(indexed, engine):
    outcome = service.run_search("quyen su dung dat", engine=engine)

    assert outcome.hits[0].page_id == indexed["land"].pk


def test_exact_diacritics_rank_first(catalogue, engine):
    from search import indexing
    from service_catalog.models import DepartmentProceduresPage, ProcedurePage

    folder = DepartmentProceduresPage.objects.get()
    for code, title in (("9.000001", "Cấp phép nuôi cá"), ("9.000002", "Cấp phép nuôi ca")):
        page = ProcedurePage(
            title=title,
            slug=code.replace(".", "-"),
            national_code=code,
            instance_code=f"{code}.H41",
            owner_agency=folder.agency,
        )
        folder.add_child(instance=page)
        page.save_revision().publish()
    indexing.rebuild(engine=engine)

    with_marks = titles(service.run_search("nuôi cá", engine=engine))
    without_marks = titles(service.run_search("nuoi ca", engine=engine))

    assert with_marks[0] == "Cấp phép nuôi cá"
    assert without_marks[0] == "Cấp phép nuôi ca"


def test_partial_last_word_matches(indexed, engine):
    outcome = service.run_search("dang ky ket h", engine=engine)

    assert outcome.hits[0].page_id == indexed["marriage"].pk


def test_autocomplete_completes_partial_syllable(indexed, engine):
    hits = service.autocomplete("dang ky khai s", engine=engine)

    found = [hit.page_id for hit in hits]
    assert indexed["birth"].pk in found
    assert indexed["marriage"].pk not in found


def test_synonym_applies_without_rebuild(indexed, engine):
    Synonym.objects.create(terms="giấy khai sinh mới, đăng ký khai sinh")
    assert service.run_search("giay khai sinh moi", engine=engine).hits[0].page_id == indexed["birth"].pk

    Synonym.objects.create(terms="sổ đỏ, giấy chứng nhận quyền sử dụng đất")
    outcome = service.run_search("so do", engine=engine)

    assert outcome.hits[0].page_id == indexed["land"].pk


def test_seeded_abbreviation_expands(indexed, engine):
    assert Synonym.objects.filter(terms__icontains="GCNQSDĐ").exists()

    outcome = service.run_search("GCNQSDĐ", engine=engine)

    assert outcome.hits[0].page_id == indexed["land"].pk


def test_old_unit_name_finds_successor_procedures(indexed, engine):
    outcome = service.run_search("khai tử huyện Diễn Châu", engine=engine)

    assert outcome.hits[0].page_id == indexed["death"].pk
    notes = outcome.parsed.agency_notes
    assert notes[0].retired is True
    assert notes[0].successors == (("PV.X.17000.H41", "Xã Diễn Châu"),)


def test_old_commune_name_without_diacritics(indexed, engine):
    outcome = service.run_search("phuong quang trung dang ky ket hon", engine=engine)

    assert outcome.hits[0].page_id == indexed["marriage"].pk


def test_typo_is_corrected(indexed, engine):
    outcome = service.run_search("dang ky khai snh", engine=engine)

    assert outcome.corrected_from == "dang ky khai snh"
    assert "sinh" in outcome.text
    assert outcome.hits[0].page_id == indexed["birth"].pk


def test_exact_search_offers_did_you_mean(indexed, engine):
    outcome = service.run_search("dang ky ket hom", engine=engine, correct=False)

    assert outcome.corrected_from == ""
    assert outcome.suggestion == "dang ky ket hon"


def test_promoted_result_is_pinned_first(indexed, engine):
    PromotedResult.objects.create(query="Giấy tờ", page=indexed["guidance"])

    outcome = service.run_search("giay to", engine=engine)

    assert [item.page_id for item in outcome.promoted] == [indexed["guidance"].pk]
    assert indexed["guidance"].pk not in [hit.page_id for hit in outcome.hits]


def test_facet_counts(indexed, engine):
    outcome = service.run_search("dang ky", engine=engine)
    facets = outcome.results.facets

    assert dict(facets["type"]) == {"procedure": 5}
    assert dict(facets["online"]) == {"partial": 3, "full": 1, "none": 1}
    assert dict(facets["sector"]) == {"ho-tich": 4, "dat-dai": 1}
    assert dict(facets["audience"]) == {"citizens": 4, "businesses": 1}
    assert dict(facets["level"]) == {"commune": 4, "province": 1}
    assert dict(facets["agency"]) == {"PV.S.TP.H41": 5}


def test_filters_narrow_results(indexed, engine):
    outcome = service.run_search("dang ky", filters={"online": "full"}, engine=engine)

    assert [hit.page_id for hit in outcome.hits] == [indexed["birth_foreign"].pk]
    assert outcome.total == 1


def test_content_type_filter_without_query(indexed, engine):
    outcome = service.run_search("", filters={"type": "news"}, engine=engine)

    assert [hit.page_id for hit in outcome.hits] == [indexed["news"].pk]


def test_news_and_guidance_are_found(indexed, engine):
    assert service.run_search("tra cứu tiến độ hồ sơ", engine=engine).hits[0].page_id == indexed["news"].pk
    assert service.run_search("huong dan nop ho so", engine=engine).hits[0].page_id == indexed["guidance"].pk


def test_snippet_highlights_matched_words(indexed, engine):
    outcome = service.run_search("uy ban nhan dan cap xa", engine=engine)

    birth = next(hit for hit in outcome.hits if hit.page_id == indexed["birth"].pk)
    assert "<mark>Ủy</mark>" in birth.snippet
    assert "<mark>xã</mark>" in birth.snippet


def test_pagination(indexed, engine):
    first = service.run_search("dang ky", per_page=2, page=1, engine=engine)
    third = service.run_search("dang ky", per_page=2, page=3, engine=engine)

    assert first.total == 5
    assert len(first.hits) == 2
    assert len(third.hits) == 1
    assert not {hit.page_id for hit in first.hits} & {hit.page_id for hit in third.hits}


def test_national_code_finds_procedure(indexed, engine):
    outcome = service.run_search("1.000656", engine=engine)

    assert outcome.hits[0].page_id == indexed["death"].pk


@pytest.mark.parametrize("text", ["!!!", "???", "😀", "😀 🎉", "... – !!!", "___"])
def test_query_without_words_finds_nothing(indexed, engine, text):
    outcome = service.run_search(text, engine=engine)

    assert outcome.has_no_words
    assert outcome.total == 0
    assert outcome.hits == []
    assert outcome.promoted == []


def test_emoji_around_words_ignored(indexed, engine):
    outcome = service.run_search("😀 khai sinh!!!", engine=engine)

    assert not outcome.has_no_words
    assert outcome.hits[0].page_id == indexed["birth"].pk


def test_long_query_cut_at_word(indexed, engine):
    text = ("Thủ tục đăng ký khai sinh " * 60)[:1000]

    outcome = service.run_search(text, engine=engine)

    assert len(outcome.text) <= 300
    assert text.startswith(outcome.text)
    assert text[len(outcome.text)] == " "
    assert outcome.hits[0].page_id == indexed["birth"].pk


def test_long_single_word_cut(indexed, engine):
    outcome = service.run_search("a" * 1000, engine=engine)

    assert outcome.text == "a" * 300
    assert outcome.total == 0
