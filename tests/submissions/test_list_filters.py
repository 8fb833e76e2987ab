"""The staff application list applies only its declared filters, so no lookup reads other agencies' data."""

import pytest
from django.urls import reverse
from django.utils import timezone

from submissions.views.staff import APPLICATION_LIST_URL_NAME

from .helpers import online_application

pytestmark = pytest.mark.django_db


def test_cross_agency_lookup_is_ignored(client, province, people):
    own = online_application(province.birth, province.thanh_vinh, timezone.now())
    other = online_application(province.birth, province.truong_vinh, timezone.now())
    client.force_login(people.ward_specialist)
    url = reverse(APPLICATION_LIST_URL_NAME)

    # Applied, this lookup would keep the list non-empty only while the guessed prefix of the
    # other ward's applicant ID number is right.
    probe = client.get(url, {"current_agency__received_applications__applicant_id_number__startswith": "999"})

    content = probe.content.decode()
    assert probe.status_code == 200
    assert own.code in content
    assert other.code not in content


def test_lookup_on_password_hash_is_ignored(client, province, people):
    own = online_application(province.birth, province.thanh_vinh, timezone.now())
    client.force_login(people.ward_specialist)

    probe = client.get(reverse(APPLICATION_LIST_URL_NAME), {"created_by__password__startswith": "no-such-hash"})

    assert probe.status_code == 200
    assert own.code in probe.content.decode()


def test_malformed_status_filter_redirects(client, province, people):
    online_application(province.birth, province.thanh_vinh, timezone.now())
    client.force_login(people.ward_specialist)
    url = reverse(APPLICATION_LIST_URL_NAME)

    response = client.get(url, {"submitted_at__gte": "abc"})

    assert response.status_code == 302
    assert response["Location"] == url
