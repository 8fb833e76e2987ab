"""Vietnamese formats: dd/mm/yyyy dates in and out, money as "1.234.567 đ", Vietnam's time zone."""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import formats, timezone, translation

from portal.formatting import format_money


class BirthDateForm(forms.Form):
    birth_date = forms.DateField()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_day_first_date_parses_as_day(language):
    with translation.override(language):
        form = BirthDateForm(data={"birth_date": "05/04/2025"})

        assert form.is_valid(), form.errors
        assert form.cleaned_data["birth_date"] == datetime.date(2025, 4, 5)


def test_iso_date_from_date_input_parses():
    with translation.override("vi"):
        form = BirthDateForm(data={"birth_date": "2025-04-05"})

        assert form.is_valid(), form.errors
        assert form.cleaned_data["birth_date"] == datetime.date(2025, 4, 5)


def test_impossible_date_is_rejected():
    with translation.override("vi"):
        form = BirthDateForm(data={"birth_date": "31/02/2025"})

        assert not form.is_valid()
        assert "birth_date" in form.errors


def test_short_date_renders_day_first():
    template = Template('{{ day|date:"SHORT_DATE_FORMAT" }}')

    with translation.override("vi"):
        rendered = template.render(Context({"day": datetime.date(2025, 4, 5)}))

    assert rendered == "05/04/2025"


def test_date_widget_shows_day_first():
    with translation.override("vi"):
        form = BirthDateForm(initial={"birth_date": datetime.date(2025, 4, 5)})
        html = str(form["birth_date"])

    assert 'value="05/04/2025"' in html


def test_long_date_reads_in_vietnamese():
    with translation.override("vi"):
        rendered = formats.date_format(datetime.date(2025, 4, 5), "DATE_FORMAT")

    assert rendered == "ngày 05 tháng 4 năm 2025"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(1234567, "1.234.567 đ"), (0, "0 đ"), (50000, "50.000 đ"), (999, "999 đ"), (None, "")],
)
def test_money_renders_with_dots(amount, expected):
    assert format_money(amount) == expected


def test_money_filter_in_template():
    template = Template("{% load portal_tags %}{{ fee|vnd }}")

    assert template.render(Context({"fee": 1234567})) == "1.234.567 đ"


def test_local_time_is_vietnam():
    moment = datetime.datetime(2025, 4, 5, 17, 30, tzinfo=datetime.UTC)

    local = timezone.localtime(moment)

    assert local.date() == datetime.date(2025, 4, 6)
    assert local.hour == 0
    assert local.utcoffset() == datetime.timedelta(hours=7)
