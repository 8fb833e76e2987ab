"""The staff area in the Wagtail admin: desk intake, the application screen, actions, conflicts, scope."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from service_catalog.models.procedures import Channel
from submissions.models import AccessLog, Action, Application, ReasonCode, Status
from submissions.processing.actions import StaleApplication, perform
from submissions.views.staff import APPLICATION_LIST_URL_NAME

from . import builders
from .conftest import VALID_ID
from .helpers import online_application

pytestmark = pytest.mark.django_db

LIST_URL = APPLICATION_LIST_URL_NAME


def intake_url(procedure):
    return reverse("submissions_admin:intake_form", args=[procedure.pk])


def detail_url(application):
    return reverse("submissions_admin:detail", args=[application.pk])


def intake_data(form_html, procedure, decision="accept", **overrides):
    token = re.search(r'name="draft" value="([^"]*)"', form_html).group(1)
    data = {
        "draft": token,
        "channel": Channel.IN_PERSON,
        "full_name": "Phạm Văn Bình",
        "id_number": VALID_ID,
        "phone": "0987 654 321",
        "email": "",
        "address": "Xóm 3, Phường Thành Vinh",
        "decision": decision,
        "note": "",
    }
    for component in procedure.dossier_components.all():
        data[f"scan_{component.pk}"] = builders.pdf_upload(f"quet-{component.pk}.pdf")
        data[f"verdict_{component.pk}"] = "ok"
        data[f"detail_{component.pk}"] = ""
    data.update(overrides)
    return data


def test_desk_officer_records_paper_application(client, province, people):
    client.force_login(people.ward_desk)
    procedure = province.licence

    start = client.post(reverse("submissions_admin:intake"), {"procedure": procedure.pk})
    assert start.status_code == 302
    assert start["Location"] == intake_url(procedure)

    form = client.get(intake_url(procedure))
    html = form.content.decode()
    assert form.status_code == 200
    assert "Tờ khai yêu cầu cấp phiếu lý lịch tư pháp" in html

    response = client.post(intake_url(procedure), intake_data(html, procedure, channel=Channel.POSTAL))

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(application)
    assert application.channel == Channel.POSTAL
    assert application.status == Status.RECEIVED
    assert application.code.startswith(f"PV.X.16681.H41-{timezone.localdate():%y%m%d}-")
    assert application.receiving_agency == province.thanh_vinh
    assert application.processing_agency == province.justice
    assert application.created_by == people.ward_desk
    assert application.documents.count() == 2
    assert [event.action for event in application.events.order_by("pk")] == [Action.INTAKE, Action.ACCEPT]


def test_intake_missing_scan_keeps_everything(client, province, people):
    client.force_login(people.justice_desk)
    procedure = province.licence
    required = procedure.dossier_components.get(is_required=True)
    optional = procedure.dossier_components.get(is_required=False)
    html = client.get(intake_url(procedure)).content.decode()
    data = intake_data(html, procedure, phone="12345")
    del data[f"scan_{required.pk}"]

    response = client.post(intake_url(procedure), data)

    page = response.content.decode()
    assert response.status_code == 400
    assert "Hãy đính kèm bản quét của giấy tờ này trước khi tiếp nhận hồ sơ." in page
    assert "Hãy nhập số điện thoại Việt Nam hợp lệ" in page
    assert 'value="Phạm Văn Bình"' in page
    assert f"Đã giữ bản quét: quet-{optional.pk}.pdf" in page
    assert Application.objects.count() == 0

    token = re.search(r'name="draft" value="([^"]*)"', page).group(1)
    fixed = intake_data(page, procedure, draft=token)
    del fixed[f"scan_{optional.pk}"]
    second = client.post(intake_url(procedure), fixed)

    assert second.status_code == 302
    application = Application.objects.get()
    assert sorted(application.documents.values_list("original_name", flat=True)) == sorted(
        [f"quet-{required.pk}.pdf", f"quet-{optional.pk}.pdf"]
    )


def test_intake_supplement_lists_every_item_at_once(client, province, people):
    client.force_login(people.justice_desk)
    procedure = province.licence
    required = procedure.dossier_components.get(is_required=True)
    optional = procedure.dossier_components.get(is_required=False)
    html = client.get(intake_url(procedure)).content.decode()
    data = intake_data(
        html,
        procedure,
        decision="supplement",
        **{
            f"verdict_{required.pk}": ReasonCode.NOT_CERTIFIED,
            f"detail_{required.pk}": "Bản sao chưa chứng thực",
            f"verdict_{optional.pk}": ReasonCode.MISSING,
        },
    )
    del data[f"scan_{optional.pk}"]

    response = client.post(intake_url(procedure), data)

    application = Application.objects.get()
    assert response.status_code == 302
    assert application.status == Status.SUPPLEMENT_REQUESTED
    request = application.supplement_requests.get()
    assert request.stage == "receipt"
    assert sorted((item.component_id, item.reason) for item in request.items.all()) == sorted(
        [(required.pk, ReasonCode.NOT_CERTIFIED), (optional.pk, ReasonCode.MISSING)]
    )
    assert application.due_at is None


def test_intake_supplement_needs_a_flagged_item(client, province, people):
    client.force_login(people.justice_desk)
    html = client.get(intake_url(province.licence)).content.decode()

    response = client.post(intake_url(province.licence), intake_data(html, province.licence, decision="supplement"))

    assert response.status_code == 400
    assert "hãy đánh dấu ít nhất một giấy tờ" in response.content.decode()


def test_intake_refusal_needs_reasons(client, province, people):
    client.force_login(people.justice_desk)
    html = client.get(intake_url(province.licence)).content.decode()

    without = client.post(intake_url(province.licence), intake_data(html, province.licence, decision="refuse"))
    assert without.status_code == 400
    assert "Hãy ghi lý do từ chối" in without.content.decode()

    token = re.search(r'name="draft" value="([^"]*)"', without.content.decode()).group(1)
    with_reasons = client.post(
        intake_url(province.licence),
        intake_data(html, province.licence, decision="refuse", note="Không thuộc thẩm quyền của Sở", draft=token),
    )
    assert with_reasons.status_code == 302
    application = Application.objects.get()
    assert application.status == Status.REFUSED
    assert application.events.get(action=Action.REFUSE).note == "Không thuộc thẩm quyền của Sở"


def test_intake_double_post_records_once(client, province, people):
    client.force_login(people.justice_desk)
    html = client.get(intake_url(province.licence)).content.decode()
    data = intake_data(html, province.licence)

    first = client.post(intake_url(province.licence), data)
    second = client.post(intake_url(province.licence), intake_data(html, province.licence))

    assert first.status_code == 302
    assert second.status_code == 302
    assert Application.objects.count() == 1


def test_intake_only_for_desk_officers(client, province, people):
    client.force_login(people.justice_specialist)

    response = client.get(intake_url(province.licence))

    # The Wagtail admin turns a permission error into a redirect to its dashboard with a message.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_specialist_moves_application_with_notes(client, province, people):
    application = online_application(province.licence, province.justice, timezone.now())
    perform(application, Action.ACCEPT, people.justice_desk)
    application.refresh_from_db()
    client.force_login(people.justice_specialist)

    page = client.get(detail_url(application))
    assert page.status_code == 200
    assert 'name="action" value="start_processing"' in page.content.decode()

    response = client.post(
        detail_url(application),
        {
            "action": "start_processing",
            "start_processing-version": application.version,
            "start_processing-note": "Đã phân công thẩm định",
            "start_processing-attachments": builders.pdf_upload("phieu-giao-viec.pdf"),
        },
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.PROCESSING
    event = application.events.get(action=Action.START_PROCESSING)
    assert event.actor == people.justice_specialist
    assert event.note == "Đã phân công thẩm định"
    assert event.is_internal
    assert [attachment.original_name for attachment in event.attachments.all()] == ["phieu-giao-viec.pdf"]

    download = client.get(reverse("submissions_admin:attachment", args=[application.pk, event.attachments.get().pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_conflicting_actions_one_wins_other_keeps_note(client, province, people):
    application = online_application(province.licence, province.justice, timezone.now())
    perform(application, Action.ACCEPT, people.justice_desk)
    perform(application, Action.START_PROCESSING, people.justice_specialist)
    application.refresh_from_db()
    seen_version = application.version

    first = client
    first.force_login(people.justice_specialist)
    from django.test import Client

    second = Client()
    second.force_login(people.justice_specialist_2)

    ok = first.post(
        detail_url(application),
        {"action": "forward", "forward-version": seen_version, "forward-note": "Trình lãnh đạo"},
    )
    conflict = second.post(
        detail_url(application),
        {
            "action": "request_supplement",
            "request_supplement-version": seen_version,
            "request_supplement-note": "Ghi chú của tôi: thiếu chữ ký",
            f"request_supplement-reason_{province.licence.dossier_components.get(is_required=True).pk}": "incomplete",
        },
    )

    html = conflict.content.decode()
    assert ok.status_code == 302
    assert conflict.status_code == 409
    assert "Hồ sơ vừa được người khác cập nhật" in html
    assert "Ghi chú của tôi: thiếu chữ ký" in html
    assert "Trình lãnh đạo" in html  # the other officer's change is shown
    application.refresh_from_db()
    assert application.version == seen_version + 1
    assert not application.supplement_requests.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_simultaneous_actions_exactly_one_succeeds(province, people):
    application = online_application(province.licence, province.justice, timezone.now())
    perform(application, Action.ACCEPT, people.justice_desk)
    perform(application, Action.START_PROCESSING, people.justice_specialist)
    application.refresh_from_db()
    version = application.version
    officers = [people.justice_specialist, people.justice_specialist_2]
    barrier = threading.Barrier(2)

    def act(officer):
        try:
            barrier.wait(timeout=30)
            perform(application, Action.FORWARD, officer, note=f"từ {officer.username}", expected_version=version)
            return "ok"
        except StaleApplication:
            return "stale"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(act, officers))

    assert outcomes == ["ok", "stale"]
    assert Application.objects.get(pk=application.pk).events.filter(action=Action.FORWARD).count() == 1


def test_scope_other_agency_sees_nothing(client, province, people):
    application = online_application(province.licence, province.justice, timezone.now())
    document = application.documents.first()
    client.force_login(people.other_specialist)

    listing = client.get(reverse(LIST_URL))
    detail = client.get(detail_url(application))
    download = client.get(reverse("submissions_admin:document", args=[application.pk, document.pk]))
    action = client.post(detail_url(application), {"action": "comment", "comment-version": 1, "comment-note": "x"})

    assert listing.status_code == 200
    assert application.code not in listing.content.decode()
    assert detail.status_code == 404
    assert download.status_code == 404
    assert action.status_code == 404
    assert not AccessLog.objects.filter(application=application).exists()


def test_scope_own_agency_lists_and_logs_access(client, province, people):
    mine = online_application(province.licence, province.justice, timezone.now())
    theirs = online_application(province.birth, province.thanh_vinh, timezone.now())
    client.force_login(people.justice_specialist)

    listing = client.get(reverse(LIST_URL)).content.decode()
    assert mine.code in listing
    assert theirs.code not in listing

    detail = client.get(detail_url(mine))
    assert detail.status_code == 200
    assert "Trần Thị Hoa" in detail.content.decode()
    assert "0912 345 678" in detail.content.decode()

    document = mine.documents.first()
    client.get(reverse("submissions_admin:document", args=[mine.pk, document.pk]))

    log = list(AccessLog.objects.filter(application=mine).order_by("at", "pk"))
    assert [(entry.user, entry.kind) for entry in log] == [
        (people.justice_specialist, AccessLog.Kind.VIEW),
        (people.justice_specialist, AccessLog.Kind.DOWNLOAD),
    ]
    assert log[0].agency_name == "Sở Tư pháp"
    assert log[1].document_name == document.original_name


def test_handed_over_application_visible_to_receiving_and_processing(client, province, people):
    from .helpers import desk_application

    application = desk_application(province.licence, people.ward_desk, province.thanh_vinh, province.justice, timezone.now())

    for officer in (people.ward_desk, people.justice_specialist):
        client.force_login(officer)
        assert client.get(detail_url(application)).status_code == 200
    client.force_login(people.other_specialist)
    assert client.get(detail_url(application)).status_code == 404


def test_list_filters_by_status_and_deadline(client, province, people):
    received = online_application(province.licence, province.justice, timezone.now())
    perform(received, Action.ACCEPT, people.justice_desk)
    waiting = online_application(province.licence, province.justice, timezone.now() - timezone.timedelta(days=40))
    client.force_login(people.justice_leader)

    by_status = client.get(reverse(LIST_URL), {"status__exact": Status.RECEIVED}).content.decode()
    overdue = client.get(reverse(LIST_URL), {"han": "qua-han"}).content.decode()

    assert received.code in by_status
    assert waiting.code not in by_status
    assert waiting.code in overdue
    assert received.code not in overdue


def test_timeline_names_the_step_a_forward_goes_to(client, province, people):
    application = online_application(province.licence, province.justice, timezone.now())
    perform(application, Action.ACCEPT, people.justice_desk)
    perform(application, Action.START_PROCESSING, people.justice_specialist)
    perform(application, Action.FORWARD, people.justice_specialist, note="Trình lãnh đạo")
    application.refresh_from_db()
    forward = application.events.get(action=Action.FORWARD)
    client.force_login(people.justice_leader)

    html = client.get(detail_url(application)).content.decode()

    row = html.split("Trình lãnh đạo", 1)[0].rsplit("<tr>", 1)[1]
    assert f"{forward.step_name} → {application.current_step.name}" in row


def test_intake_help_texts_speak_of_the_applicant(client, province, people):
    client.force_login(people.justice_desk)

    html = client.get(reverse("submissions_admin:intake_form", args=[province.licence.pk])).content.decode()

    assert "12 chữ số in trên thẻ căn cước của người nộp hồ sơ." in html
    assert "Người nộp tra cứu hồ sơ bằng bốn chữ số cuối" in html
    assert "thẻ căn cước của bạn" not in html


def test_intake_finds_procedure_typed_without_diacritics(client, province, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the search index is updated after commit
        licence = province.licence
        province.birth  # a second procedure that must not match
    client.force_login(people.justice_desk)

    html = client.get(reverse("submissions_admin:intake"), {"q": "cap phieu ly lich tu phap"}).content.decode()

    matches = html.split('id="intake-matches"', 1)[1].split("</ul>", 1)[0]
    assert reverse("submissions_admin:intake_form", args=[licence.pk]) in matches
    assert "Đăng ký khai sinh" not in matches


def test_intake_search_without_match_says_so(client, province, people):
    province.licence
    client.force_login(people.justice_desk)

    html = client.get(reverse("submissions_admin:intake"), {"q": "khong co thu tuc nay xyz"}).content.decode()

    assert 'id="intake-matches"' not in html
    assert "khong co thu tuc nay xyz" in html
