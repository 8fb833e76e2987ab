"""Counts per agency: received, done, on time, late, in progress, overdue."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from submissions.models import Action, ReasonCode
from submissions.processing.actions import SupplementItemInput, perform, perform_as_applicant
from submissions.stats import agency_statistics

from . import builders
from .helpers import desk_application, online_application

pytestmark = pytest.mark.django_db
MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def at(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def _finish(application, people, done_at):
    perform(application, Action.ACCEPT, people.justice_desk, now=application.submitted_at)
    perform(application, Action.START_PROCESSING, people.justice_specialist, now=application.submitted_at)
    perform(application, Action.FORWARD, people.justice_specialist, now=done_at)
    perform(application, Action.COMPLETE, people.justice_leader, now=done_at)


def _stored_pdf():
    from submissions.processing.actions import FileInput
    from submissions.storage import private_storage

    upload = builders.pdf_upload("bo-sung.pdf")
    return FileInput(upload.name, "application/pdf", private_storage().save("test/bo-sung.pdf", upload), upload.size)


@pytest.fixture
def march(province, people):
    """Five applications filed in March 2026 and one in April, with known outcomes."""
    licence = province.licence  # ten working days
    on_time = online_application(licence, province.justice, at(2026, 3, 2, 9))
    _finish(on_time, people, at(2026, 3, 10, 9))

    late = online_application(licence, province.justice, at(2026, 3, 3, 9))
    _finish(late, people, at(2026, 3, 25, 9))

    overdue = online_application(licence, province.justice, at(2026, 3, 10, 9))
    perform(overdue, Action.ACCEPT, people.justice_desk, now=at(2026, 3, 10, 10))

    repeated = online_application(licence, province.justice, at(2026, 3, 4, 9))
    perform(repeated, Action.ACCEPT, people.justice_desk, now=at(2026, 3, 4, 9))
    perform(repeated, Action.START_PROCESSING, people.justice_specialist, now=at(2026, 3, 4, 10))
    component = licence.dossier_components.get(is_required=True)
    for day in (5, 9):
        perform(
            repeated,
            Action.REQUEST_SUPPLEMENT,
            people.justice_specialist,
            items=[SupplementItemInput(component, ReasonCode.ILLEGIBLE, "")],
            now=at(2026, 3, day, 9),
        )
        item = repeated.supplement_requests.get(fulfilled_at__isnull=True).items.get()
        perform_as_applicant(repeated, Action.SUPPLEMENT_RECEIVED, files={item.pk: _stored_pdf()}, now=at(2026, 3, day, 14))
    perform(repeated, Action.FORWARD, people.justice_specialist, now=at(2026, 3, 11, 9))
    perform(repeated, Action.COMPLETE, people.justice_leader, now=at(2026, 3, 11, 10))

    refused = desk_application(
        province.birth, people.ward_desk, province.thanh_vinh, province.thanh_vinh, at(2026, 3, 5, 9),
        decision="refuse", note="Không thuộc thẩm quyền",
    )

    april = online_application(licence, province.justice, at(2026, 4, 1, 9))
    return on_time, late, overdue, repeated, refused, april


def test_counts_per_agency(march):
    rows = {row["agency_code"]: row for row in agency_statistics(*MARCH)}

    assert set(rows) == {"PV.S.TP.H41", "PV.X.16681.H41"}
    justice = rows["PV.S.TP.H41"]
    assert justice["filed"] == 4
    assert justice["awaiting_receipt"] == 0
    assert justice["received"] == 4
    assert justice["done"] == 3
    assert justice["on_time"] == 1
    assert justice["late"] == 2  # one finished after the appointment, one asked twice for a supplement
    assert justice["in_progress"] == 1
    assert justice["overdue"] == 1
    assert justice["closed_without_result"] == 0
    ward = rows["PV.X.16681.H41"]
    # Refused at the desk: filed, never received (the clock never started).
    assert (ward["filed"], ward["received"], ward["done"], ward["closed_without_result"]) == (1, 0, 0, 1)


def test_counts_for_one_agency_and_period(march, province):
    rows = agency_statistics(datetime.date(2026, 4, 1), datetime.date(2026, 4, 30), agency=province.justice)

    # Submitted online on 1 April and not checked at the desk yet: awaiting receipt, not received.
    assert [
        (row["agency_code"], row["filed"], row["awaiting_receipt"], row["received"], row["in_progress"]) for row in rows
    ] == [("PV.S.TP.H41", 1, 1, 0, 0)]


def test_statistics_page_scope(client, march, people, province):
    url = reverse("submissions_admin:statistics")
    query = {"date_from": "01/03/2026", "date_to": "31/03/2026"}

    client.force_login(people.justice_leader)
    leader = client.get(url, query).content.decode()
    assert 'data-agency="PV.S.TP.H41"' in leader
    assert 'data-agency="PV.X.16681.H41"' not in leader

    client.force_login(people.other_specialist)
    other = client.get(url, query).content.decode()
    assert "Không có hồ sơ trong khoảng thời gian này." in other

    admin = builders.staff("quantri", None, None, superuser=True)
    client.force_login(admin)
    everything = client.get(url, query).content.decode()
    assert 'data-agency="PV.S.TP.H41"' in everything
    assert 'data-agency="PV.X.16681.H41"' in everything


def test_statistics_page_rejects_reversed_dates(client, people):
    client.force_login(people.justice_leader)

    response = client.get(reverse("submissions_admin:statistics"), {"date_from": "31/03/2026", "date_to": "01/03/2026"})

    assert response.status_code == 400
    assert "Ngày kết thúc đứng trước ngày bắt đầu." in response.content.decode()
