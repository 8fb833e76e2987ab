"""The work-queue panel on the staff home page of the Wagtail admin."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.roles import Role
from accounts.setup import ensure_role_groups
from submissions.models import Application, Status

from .helpers import desk_application, online_application

pytestmark = pytest.mark.django_db

PANEL_ID = 'id="submissions-work-queue-section"'


def queue_counts(html):
    """Return {link target: count} from the panel's count list."""
    counts = html.split('class="portal-queue-counts"', 1)[1].split("</ul>", 1)[0]
    return {url: int(count) for url, count in re.findall(r'<a href="[^"?]*\?([^"]+)"><strong>(\d+)</strong>', counts)}


def test_desk_officer_sees_own_agency_queue(client, province, people):
    now = timezone.now()
    waiting = online_application(province.licence, province.justice, now)
    received = desk_application(province.licence, people.justice_desk, province.justice, province.justice, now)
    elsewhere = desk_application(province.licence, people.other_desk, province.home_affairs, province.home_affairs, now)
    client.force_login(people.justice_desk)

    html = client.get("/quan-tri/").content.decode()

    assert waiting.code in html
    assert received.code in html
    assert elsewhere.code not in html
    assert queue_counts(html) == {
        f"status__exact={Status.SUBMITTED}": 1,
        f"status__exact={Status.RECEIVED}": 1,
        f"status__exact={Status.PROCESSING}": 0,
        f"status__exact={Status.SUPPLEMENT_REQUESTED}": 0,
        f"status__exact={Status.PAYMENT_REQUESTED}": 0,
        "han=qua-han": 0,
    }


def test_overdue_application_counted_and_marked(client, province, people):
    now = timezone.now()
    late = desk_application(province.licence, people.justice_desk, province.justice, province.justice, now)
    Application.objects.filter(pk=late.pk).update(due_at=now - datetime.timedelta(days=2))
    client.force_login(people.justice_leader)

    html = client.get("/quan-tri/").content.decode()

    assert queue_counts(html)["han=qua-han"] == 1
    row = html.split(late.code, 1)[1].split("</tr>", 1)[0]
    assert "w-status--label" in row


def test_filtered_list_links_work(client, province, people):
    online_application(province.licence, province.justice, timezone.now())
    client.force_login(people.justice_desk)
    html = client.get("/quan-tri/").content.decode()

    links = re.findall(r'<a href="([^"]+\?(?:status__exact|han)=[^"]+)">', html)
    responses = [client.get(link.replace("&amp;", "&")) for link in links]

    assert len(links) == 6
    assert [response.status_code for response in responses] == [200] * 6


def test_editor_without_staff_role_sees_no_queue(client, db):
    groups = ensure_role_groups()
    editor = get_user_model().objects.create_user("bientap_test", password="x")
    editor.groups.add(groups[Role.EDITOR])
    client.force_login(editor)

    response = client.get("/quan-tri/")

    assert response.status_code == 200
    assert PANEL_ID not in response.content.decode()
