"""
Tests of the project's Vietnamese catalogues in locale/vi/: they compile, keep every placeholder,
match the installed Wagtail and Django msgids, use the glossary terms, and leave nothing of the
admin catalogues untranslated at run time.
"""

import re

import polib
import pytest

from tools.translations import check, coverage, sync
from tools.translations.catalogues import (
    CATALOGUES,
    DOMAINS,
    entry_key,
    project_mo_path,
    project_po_path,
)

# Catalogues behind the screens that department editors and one-stop officers use.
ADMIN_CATALOGUES = (
    "wagtail.admin:django",
    "wagtail.admin:djangojs",
    "wagtail:django",
    "wagtail.documents:django",
    "wagtail.images:django",
    "wagtail.snippets:django",
    "wagtail.users:django",
    "wagtail.search:django",
    "wagtail_modeladmin:django",
)

# Glossary terms (tools/translations/GLOSSARY.md) that every Wagtail entry must use when its msgid,
# outside placeholders, contains the English term.
GLOSSARY_TERMS = (
    (r"\bdrafts?\b", "bản nháp"),
    (r"\bworkflows?\b", "quy trình"),
    (r"\bdocuments?\b", "tài liệu"),
    (r"\brevisions?\b", "phiên bản"),
    (r"\bcollections?\b", "thư mục"),
    (r"\b(un)?publish", "xuất bản"),
    (r"\bsnippets?\b", "mẩu nội dung"),
    (r"\bapprove[sd]?\b", "phê duyệt"),
    (r"\breject", "từ chối"),
    (r"\btasks?\b", "tác vụ"),
    (r"\bimages?\b", "hình ảnh"),
    (r"\bpermissions?\b", "quyền"),
    (r"\bgroups?\b", "nhóm"),
    (r"\block", "khóa"),
    (r"\bslugs?\b", "đường dẫn rút gọn"),
    (r"\bredirects?\b", "chuyển hướng"),
    (r"\bpreview", "xem trước"),
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
# Spellings the glossary replaces: upstream Wagtail's words for "approve", "workflow" and
# "document", and the newer tone-mark placement.
FORBIDDEN_SPELLINGS = ("phê chuẩn", "luồng công việc", "văn bản này", "xoá", "khoá", "huỷ", "Xoá", "Khoá", "Huỷ")


def catalogue_entries(domain):
    return [entry for entry in polib.pofile(str(project_po_path(domain))) if not entry.obsolete]


def translation_of(entry):
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr


def is_from_wagtail(entry):
    return any(label.startswith("wagtail") for label in entry.comment.removeprefix("Source: ").split(", "))


@pytest.mark.parametrize("domain", DOMAINS)
def test_catalogue_compiles_with_msgfmt_check(domain, tmp_path):
    output = tmp_path / f"{domain}.mo"

    error = check.compile_catalogue(domain, output)

    assert error == ""
    assert output.stat().st_size > 1000


@pytest.mark.parametrize("domain", DOMAINS)
def test_committed_mo_matches_po(domain, tmp_path):
    fresh = tmp_path / f"{domain}.mo"
    assert check.compile_catalogue(domain, fresh) == ""

    def contents(path):
        return {
            (entry.msgctxt, entry.msgid): (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
            for entry in polib.mofile(str(path))
        }

    committed = contents(project_mo_path(domain))
    compiled = contents(fresh)
    stale = {key for key in compiled if committed.get(key) != compiled[key]}
    assert not stale, f"Recompile {project_mo_path(domain).name} with check.py; stale: {sorted(stale)[:5]}"
    assert set(committed) == set(compiled)


@pytest.mark.parametrize("domain", DOMAINS)
def test_entries_translated_with_placeholders(domain):
    problems = check.check_catalogue(domain)

    assert [str(problem) for problem in problems] == []


@pytest.mark.parametrize(
    ("msgid", "msgid_plural", "translation", "expected"),
    [
        ("Delete %(title)s", None, "Xóa %(tittle)s", "not in msgid: tittle"),
        ("Delete %(title)s", None, "Xóa", "missing placeholder(s): title"),
        ("Set password: %s", None, "Đặt mật khẩu", "positional placeholders"),
        ("<b>'{title}' is locked</b>.", None, "<b>'{name}' đang bị khóa</b>.", "brace fields"),
        ("Locked by <b>you</b>", None, "Bị bạn khóa", "HTML tags differ"),
        ("Delete 1 page", "Delete %(counter)s pages", "Xóa 1 trang", "missing placeholder(s): counter"),
        ("Save draft", None, "", "translation is empty"),
    ],
)
def test_check_entry_reports_broken_translation(msgid, msgid_plural, translation, expected):
    entry = polib.POEntry(msgid=msgid, msgid_plural=msgid_plural or "", flags=["python-format"])
    if msgid_plural:
        entry.msgstr_plural = {0: translation}
    else:
        entry.msgstr = translation

    messages = check.check_entry(entry)

    assert any(expected in message for message in messages), messages


def test_check_entry_reports_fuzzy_entry():
    entry = polib.POEntry(msgid="Publish", msgstr="Xuất bản", flags=["fuzzy"])

    assert "entry is fuzzy" in check.check_entry(entry)


@pytest.mark.parametrize("domain", DOMAINS)
def test_catalogue_in_sync_with_installed_packages(domain):
    entries = catalogue_entries(domain)
    existing = {entry_key(entry): entry for entry in entries}

    targets = sync.collect_targets(domain, existing)
    target_keys = {entry_key(source) for source, _labels, _upstream in targets}

    assert sorted(target_keys - set(existing), key=str) == [], "Run tools/translations/sync.py"
    assert sorted(set(existing) - target_keys, key=str) == [], "Run tools/translations/sync.py"


@pytest.mark.parametrize("domain", DOMAINS)
def test_wagtail_entries_use_glossary_terms(domain):
    violations = []
    for entry in catalogue_entries(domain):
        if not is_from_wagtail(entry):
            continue
        source = PLACEHOLDER.sub("", entry.msgid_plural or entry.msgid)
        translation = translation_of(entry).lower()
        for pattern, term in GLOSSARY_TERMS:
            if re.search(pattern, source, re.IGNORECASE) and term not in translation:
                violations.append(f"{entry.msgid!r} needs {term!r}: {translation!r}")

    assert violations == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_catalogue_avoids_replaced_spellings(domain):
    found = [
        (entry.msgid, spelling)
        for entry in catalogue_entries(domain)
        for spelling in FORBIDDEN_SPELLINGS
        if spelling in translation_of(entry)
    ]

    assert found == []


def test_admin_catalogues_fully_served():
    results = {result.label: result for result in coverage.measure_all(ADMIN_CATALOGUES)}

    assert set(results) == set(ADMIN_CATALOGUES)
    for label, result in results.items():
        missing = [entry.msgid for entry in result.missing]
        assert missing == [], f"{label}: {len(missing)} msgid(s) without Vietnamese"
        assert result.merged == result.total > 0


def test_all_listed_catalogues_fully_served():
    results = coverage.measure_all()

    assert len(results) == len(CATALOGUES)
    incomplete = {result.label: [entry.msgid for entry in result.missing] for result in results if result.missing}
    assert incomplete == {}


def test_project_catalogue_adds_what_upstream_lacks():
    result = coverage.measure_all(["wagtail.admin:django"])[0]

    # Wagtail 8.0.1 ships 134 of 902 admin msgids in Vietnamese, and the project catalogue adds the rest.
    assert result.upstream < result.total / 2
    assert result.merged == result.total
