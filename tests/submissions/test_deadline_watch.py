"""The deadline watch: due-soon and overdue alerts, their recipients, idempotency, apology letters."""

import datetime
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from submissions.deadlines.apology import ApologyError, issue_apology
from submissions.deadlines.models import ApologyLetter, DeadlineAlert
from submissions.deadlines.tasks import watch_deadlines
from submissions.deadlines.watch import run_watch
from submissions.models import Action, ApplicationEvent, ReasonCode
from submissions.notifications.models import Audience, DeliveryState, Notification, NotificationChannel, Topic
from submissions.processing.actions import ActionNotAllowed, SupplementItemInput, perform

from .helpers import desk_application

pytestmark = pytest.mark.django_db

ZONE = timezone.get_default_timezone()


def at(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=ZONE)


@pytest.fixture
def received(province, people):
    """Accepted Monday 02/03/2026 09:00; ten working days: due Monday 16/03/2026 09:00, now at specialist review."""
    # The staff accounts are created on first use; the watch must find them all.
    for name in ("justice_specialist", "justice_specialist_2", "other_specialist", "other_leader", "ward_leader"):
        getattr(people, name)
    application = desk_application(
        province.licence, people.justice_desk, province.justice, province.justice, at(2026, 3, 2, 9, 0)
    )
    people.justice_desk.email = "motcua@example.org"
    people.justice_desk.save()
    people.justice_leader.email = "lanhdao@example.org"
    people.justice_leader.save()
    return application


def staff_rows(application):
    return Notification.objects.filter(application=application, audience=Audience.STAFF)


def test_nothing_raised_before_last_day(received):
    report = run_watch(now=at(2026, 3, 12, 16, 0))

    assert report.due_soon == []
    assert report.overdue == []
    assert not DeadlineAlert.objects.exists()


def test_due_within_one_working_day(received, people):
    # Friday 13/03 10:00: one working day of office time ends Monday 16/03 10:00, after the 09:00 appointment.
    report = run_watch(now=at(2026, 3, 13, 10, 0))

    alert = DeadlineAlert.objects.get()
    assert report.due_soon == [received.pk]
    assert alert.kind == DeadlineAlert.Kind.DUE_SOON
    assert alert.due_at == at(2026, 3, 16, 9, 0)
    assert alert.step_name == received.current_step.name
    assert not ApologyLetter.objects.exists()
    recipients = {row.recipient_user for row in staff_rows(received)}
    # The current step is the specialist review: the department's specialists and its leader.
    assert recipients == {people.justice_specialist, people.justice_specialist_2, people.justice_leader}
    assert all(row.topic == Topic.DUE_SOON for row in staff_rows(received))


def test_overdue_alert_prepares_apology(received, people):
    report = run_watch(now=at(2026, 3, 16, 9, 30))

    alert = DeadlineAlert.objects.get()
    letter = ApologyLetter.objects.get()
    assert report.overdue == [received.pk]
    assert alert.kind == DeadlineAlert.Kind.OVERDUE
    assert letter.state == ApologyLetter.State.DRAFT
    assert letter.alert == alert
    assert letter.missed_due_at == at(2026, 3, 16, 9, 0)
    assert letter.new_due_at is None


def test_alert_channels_per_recipient(received, people):
    run_watch(now=at(2026, 3, 16, 9, 30))

    leader_rows = staff_rows(received).filter(recipient_user=people.justice_leader)
    specialist_rows = staff_rows(received).filter(recipient_user=people.justice_specialist)
    assert sorted(leader_rows.values_list("channel", flat=True)) == [NotificationChannel.EMAIL, NotificationChannel.IN_APP]
    assert list(specialist_rows.values_list("channel", flat=True)) == [NotificationChannel.IN_APP]
    in_app = leader_rows.get(channel=NotificationChannel.IN_APP)
    email = leader_rows.get(channel=NotificationChannel.EMAIL)
    assert in_app.state == DeliveryState.DELIVERED
    assert email.recipient_address == "lanhdao@example.org"
    assert f"Quá hạn: hồ sơ {received.code} đã quá ngày hẹn trả kết quả" == email.subject
    assert "09:00 16/03/2026" in email.body
    assert reverse("submissions_admin:detail", args=[received.pk]) in email.body


def test_other_agency_staff_not_alerted(received, people):
    run_watch(now=at(2026, 3, 16, 9, 30))

    recipients = set(staff_rows(received).values_list("recipient_user", flat=True))
    assert people.other_specialist.pk not in recipients
    assert people.other_leader.pk not in recipients
    assert people.ward_leader.pk not in recipients
    assert people.justice_desk.pk not in recipients


def test_running_twice_notifies_once(received):
    now = at(2026, 3, 16, 9, 30)
    run_watch(now=now)
    first = staff_rows(received).count()

    second_report = run_watch(now=now + datetime.timedelta(minutes=15))

    assert first > 0
    assert second_report.overdue == []
    assert staff_rows(received).count() == first
    assert DeadlineAlert.objects.count() == 1
    assert ApologyLetter.objects.count() == 1


def test_due_soon_then_overdue_both_alert(received):
    run_watch(now=at(2026, 3, 13, 10, 0))
    run_watch(now=at(2026, 3, 16, 10, 0))

    kinds = sorted(DeadlineAlert.objects.values_list("kind", flat=True))
    assert kinds == [DeadlineAlert.Kind.DUE_SOON, DeadlineAlert.Kind.OVERDUE]


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_notify_once(province, people):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    application = desk_application(
        province.licence, people.justice_desk, province.justice, province.justice, at(2026, 3, 2, 9, 0)
    )
    barrier = threading.Barrier(4)
    errors = []

    def watch():
        try:
            barrier.wait()
            run_watch(now=at(2026, 3, 16, 9, 30))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=watch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert DeadlineAlert.objects.filter(application=application).count() == 1
    assert ApologyLetter.objects.filter(application=application).count() == 1
    in_app = staff_rows(application).filter(channel=NotificationChannel.IN_APP)
    assert in_app.count() == len(set(in_app.values_list("recipient_user", flat=True)))


def test_clock_stopped_not_watched(province, people):
    application = desk_application(
        province.licence, people.justice_desk, province.justice, province.justice, at(2026, 3, 2, 9, 0)
    )
    component = province.licence.dossier_components.first()
    perform(
        application,
        Action.REQUEST_SUPPLEMENT,
        people.justice_specialist,
        items=[SupplementItemInput(component, ReasonCode.INCOMPLETE, "Thiếu ngày cấp")],
        now=at(2026, 3, 4, 9, 0),
    )

    report = run_watch(now=at(2026, 3, 20, 9, 0))

    assert report.overdue == []
    assert not DeadlineAlert.objects.exists()


def test_finished_application_not_watched(received, people):
    perform(received, Action.STOP, people.justice_leader, note="Dừng theo đề nghị", now=at(2026, 3, 3, 9, 0))

    assert run_watch(now=at(2026, 3, 20, 9, 0)).overdue == []


def test_periodic_task_reports_counts(received):
    received.due_at = timezone.now() - datetime.timedelta(hours=1)
    received.save(update_fields=["due_at"])

    result = watch_deadlines()

    assert result["overdue"] == 1
    assert result["notified"] == 3


def draft_letter(received):
    run_watch(now=at(2026, 3, 16, 9, 30))
    return ApologyLetter.objects.get(application=received)


def test_issue_apology_notifies_applicant(received, people):
    letter = draft_letter(received)
    new_day = timezone.localdate() + datetime.timedelta(days=10)

    issued = issue_apology(letter, people.justice_desk, new_due_date=new_day, reason="Chờ xác minh của Công an tỉnh")

    assert issued.state == ApologyLetter.State.ISSUED
    assert timezone.localtime(issued.new_due_at).date() >= new_day
    assert timezone.localtime(issued.new_due_at).hour == 17
    assert issued.issued_by_name == "Tp_Motcua Nguyễn"
    event = ApplicationEvent.objects.filter(application=received, action=Action.COMMENT).get()
    assert event.is_internal is False
    assert "Chờ xác minh của Công an tỉnh" in event.note
    applicant_rows = Notification.objects.filter(application=received, topic=Topic.APOLOGY)
    assert sorted(applicant_rows.values_list("channel", flat=True)) == [NotificationChannel.EMAIL, NotificationChannel.SMS]
    email = applicant_rows.get(channel=NotificationChannel.EMAIL)
    assert "Chúng tôi xin lỗi: hồ sơ của ông/bà bị chậm so với ngày hẹn." in email.body
    assert "Ngày hẹn đã trễ: 09:00 16/03/2026." in email.body
    received.refresh_from_db()
    assert received.due_at == at(2026, 3, 16, 9, 0)


def test_apology_needs_reason_and_future_date(received, people):
    letter = draft_letter(received)

    with pytest.raises(ApologyError) as no_reason:
        issue_apology(letter, people.justice_desk, new_due_date=timezone.localdate(), reason="  ")
    with pytest.raises(ApologyError) as past:
        issue_apology(letter, people.justice_desk, new_due_date=datetime.date(2026, 3, 17), reason="Chậm")

    assert "lý do" in no_reason.value.message
    assert "sau thời điểm hiện tại" in past.value.message
    letter.refresh_from_db()
    assert letter.state == ApologyLetter.State.DRAFT


def test_apology_by_other_agency_refused(received, people):
    letter = draft_letter(received)

    with pytest.raises(ActionNotAllowed):
        issue_apology(
            letter, people.other_leader, new_due_date=timezone.localdate() + datetime.timedelta(days=3), reason="Chậm"
        )

    letter.refresh_from_db()
    assert letter.state == ApologyLetter.State.DRAFT
    assert not Notification.objects.filter(application=received, topic=Topic.APOLOGY).exists()


def test_new_appointment_watched_again(received, people):
    letter = draft_letter(received)
    new_day = timezone.localdate() + datetime.timedelta(days=10)
    issued = issue_apology(letter, people.justice_desk, new_due_date=new_day, reason="Chờ xác minh")

    report = run_watch(now=issued.new_due_at + datetime.timedelta(hours=1))

    assert report.overdue == [received.pk]
    assert DeadlineAlert.objects.filter(kind=DeadlineAlert.Kind.OVERDUE).count() == 2
    assert ApologyLetter.objects.filter(application=received, state=ApologyLetter.State.DRAFT).count() == 1


def test_apology_form_view_issues_letter(client, received, people):
    letter = draft_letter(received)
    client.force_login(people.justice_desk)
    url = reverse("submissions_slips:apology_issue", args=[received.pk, letter.pk])
    new_day = timezone.localdate() + datetime.timedelta(days=5)

    missing = client.post(url, {"new_due_date": new_day.strftime("%d/%m/%Y"), "reason": ""})
    done = client.post(url, {"new_due_date": new_day.strftime("%d/%m/%Y"), "reason": "Chờ kết quả xác minh"})

    assert missing.status_code == 400
    assert new_day.strftime("%d/%m/%Y") in missing.content.decode()
    assert done.status_code == 302
    letter.refresh_from_db()
    assert letter.state == ApologyLetter.State.ISSUED
    assert letter.reason == "Chờ kết quả xác minh"


def test_lookup_shows_new_appointment(client, received, people):
    letter = draft_letter(received)
    issued = issue_apology(
        letter, people.justice_desk, new_due_date=timezone.localdate() + datetime.timedelta(days=4), reason="Chậm"
    )

    response = client.post("/ho-so/tra-cuu/", {"code": received.code, "phone_digits": "4321"})

    html = response.content.decode()
    new_due = timezone.localtime(issued.new_due_at)
    assert response.status_code == 200
    assert 'id="new-appointment"' in html
    assert f"{new_due:%H:%M %d/%m/%Y}" in html
    assert "lanhdao@example.org" not in html


def test_inbox_lists_alerts(client, received, people):
    run_watch(now=at(2026, 3, 16, 9, 30))
    client.force_login(people.justice_leader)

    response = client.get(reverse("submissions_notifications_inbox"))
    html = response.content.decode()
    marked = client.post(reverse("submissions_notifications_inbox"))

    assert response.status_code == 200
    assert received.code in html
    assert 'class="unread"' in html
    assert marked.status_code == 302
    unread = Notification.objects.in_app_for(people.justice_leader).filter(read_at__isnull=True)
    assert not unread.exists()

