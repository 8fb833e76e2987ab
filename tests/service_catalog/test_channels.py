"""Channels with several time limits (cases): which row sets an application's deadline."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from service_catalog.models import ProcedureChannel, ProcedurePage
from service_catalog.models.procedures import Channel, TimeLimitUnit, governing_row

from .conftest import import_catalogue, write_export

WORKING_DAYS, DAYS, HOURS = TimeLimitUnit.WORKING_DAYS, TimeLimitUnit.DAYS, TimeLimitUnit.HOURS


def row(value, unit, text="", governs_deadline=False):
    return ProcedureChannel(
        channel=Channel.IN_PERSON,
        time_limit_value=None if value is None else Decimal(value),
        time_limit_unit=unit,
        time_limit_text=text,
        governs_deadline=governs_deadline,
    )


def test_governing_row_longest_across_units():
    rows = [row(55, WORKING_DAYS), row(130, DAYS), row(105, WORKING_DAYS), row(95, WORKING_DAYS)]

    assert governing_row(rows) is rows[2]  # 105 working days is about 147 days


def test_governing_row_tie_goes_to_first():
    rows = [row(10, WORKING_DAYS), row(3, WORKING_DAYS), row(10, WORKING_DAYS)]

    assert governing_row(rows) is rows[0]


def test_governing_row_prefers_marked_row():
    rows = [row(10, WORKING_DAYS), row(3, WORKING_DAYS, governs_deadline=True)]

    assert governing_row(rows) is rows[1]


def test_governing_row_without_parsed_limits():
    rows = [row(None, "", text="1 Khác"), row(None, "", text="Khác")]

    assert governing_row(rows) is rows[0]
    assert governing_row([]) is None


def test_governing_row_hours_shorter_than_days():
    rows = [row(48, HOURS), row(3, DAYS)]

    assert governing_row(rows) is rows[1]


@pytest.mark.django_db
def test_channel_for_returns_longest_case(sample_catalogue):
    page = ProcedurePage.objects.get(national_code="1.014199")
    in_person = list(page.channels.filter(channel=Channel.IN_PERSON))

    governing = page.channel_for(Channel.IN_PERSON)

    assert sorted(r.time_limit_value for r in in_person) == [3, 10]
    assert governing.time_limit_value == 10
    assert governing.time_limit_unit == WORKING_DAYS
    assert page.channel_for(Channel.ONLINE).time_limit_value == 10


@pytest.mark.django_db
def test_channel_for_follows_editor_mark(sample_catalogue):
    page = ProcedurePage.objects.get(national_code="1.014199")
    refusal = page.channels.get(channel=Channel.IN_PERSON, time_limit_value=3)
    refusal.governs_deadline = True
    refusal.save()

    page = ProcedurePage.objects.get(pk=page.pk)

    assert page.channel_for(Channel.IN_PERSON).pk == refusal.pk
    assert page.channel_for(Channel.ONLINE).time_limit_value == 10


@pytest.mark.django_db
def test_channel_for_missing_channel(sample_catalogue):
    page = ProcedurePage.objects.get(national_code="1.000288")  # no online channel

    assert page.channel_for(Channel.ONLINE) is None


def _edit_form(admin_client, page):
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    form = admin_client.get(edit_url)
    return edit_url, querydict_from_html(form.content.decode(), form_id="page-edit-form")


def _channel_prefix(data, channel_row):
    return next(key[: -len("-id")] for key, value in data.items() if key.endswith("-id") and value == str(channel_row.pk))


@pytest.mark.django_db
def test_admin_marks_deadline_row(sample_catalogue, admin_client):
    page = ProcedurePage.objects.get(national_code="1.014199")
    refusal = page.channels.get(channel=Channel.IN_PERSON, time_limit_value=3)
    edit_url, data = _edit_form(admin_client, page)

    data[f"{_channel_prefix(data, refusal)}-governs_deadline"] = "on"
    data["action-publish"] = "action-publish"
    response = admin_client.post(edit_url, data)

    assert response.status_code == 302
    refusal.refresh_from_db()
    assert refusal.governs_deadline
    assert ProcedurePage.objects.get(pk=page.pk).channel_for(Channel.IN_PERSON).pk == refusal.pk


@pytest.mark.django_db
def test_admin_rejects_two_deadline_rows(sample_catalogue, admin_client):
    page = ProcedurePage.objects.get(national_code="1.014199")
    edit_url, data = _edit_form(admin_client, page)
    for channel_row in page.channels.filter(channel=Channel.IN_PERSON):
        data[f"{_channel_prefix(data, channel_row)}-governs_deadline"] = "on"
    data["action-publish"] = "action-publish"

    response = admin_client.post(edit_url, data)

    assert response.status_code == 200
    assert "Chỉ một dòng của mỗi hình thức nộp" in response.content.decode()
    assert not page.channels.filter(governs_deadline=True).exists()


@pytest.mark.django_db
def test_refresh_keeps_deadline_mark(tmp_path, sample_records):
    import_catalogue(write_export(tmp_path / "first.jsonl", sample_records))
    page = ProcedurePage.objects.get(national_code="1.014199")
    page.channels.filter(channel=Channel.IN_PERSON, time_limit_value=3).update(governs_deadline=True)
    changed = [json.loads(json.dumps(record)) for record in sample_records]
    next(record for record in changed if record["ma_tthc"] == "1.014199")["ten_tthc"] += " (sửa đổi)"

    result = import_catalogue(write_export(tmp_path / "second.jsonl", changed))

    assert [updated.national_code for updated in result.updated] == ["1.014199"]
    page = ProcedurePage.objects.get(national_code="1.014199")
    assert page.title.endswith("(sửa đổi)")
    marked = page.channels.get(governs_deadline=True)
    assert (marked.channel, marked.time_limit_value) == (Channel.IN_PERSON, 3)
    assert page.channel_for(Channel.IN_PERSON).pk == marked.pk


@pytest.mark.django_db
def test_procedure_page_marks_deadline_case(sample_catalogue, client):
    page = ProcedurePage.objects.get(national_code="1.014199")

    html = client.get(page.url).content.decode()

    assert html.count("thời hạn này được dùng để tính hạn giải quyết hồ sơ của bạn") == 3
