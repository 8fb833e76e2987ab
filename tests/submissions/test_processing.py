"""Statuses, transitions and who may make them; workflows, hand-overs, supplements and the clock."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from service_catalog.models.procedures import TimeLimitUnit
from submissions.models import (
    AccessLog,
    Action,
    AppendOnlyError,
    ApplicationEvent,
    ReasonCode,
    Status,
    StepAgency,
    StepKind,
    Workflow,
    WorkflowStep,
)
from submissions.processing.actions import (
    ActionNotAllowed,
    InvalidActionInput,
    StaleApplication,
    SupplementItemInput,
    perform,
    perform_as_applicant,
)
from submissions.processing.rules import allowed_actions
from submissions.processing.steps import ordered_steps
from submissions.working_time import calendar_for

from .helpers import desk_application, online_application

pytestmark = pytest.mark.django_db
WD = TimeLimitUnit.WORKING_DAYS


def at(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def fresh(application):
    application.refresh_from_db()
    return application


def test_online_application_through_default_workflow(province, people):
    application = online_application(province.birth, province.thanh_vinh, at(2026, 3, 9, 9))
    assert application.status == Status.SUBMITTED
    assert application.due_at == at(2026, 3, 16, 9)  # five working days

    perform(application, Action.ACCEPT, people.ward_desk, note="Hồ sơ đầy đủ", now=at(2026, 3, 9, 10))
    perform(application, Action.START_PROCESSING, people.ward_specialist, now=at(2026, 3, 9, 14))
    perform(application, Action.FORWARD, people.ward_specialist, note="Đề nghị phê duyệt", now=at(2026, 3, 10, 9))
    perform(application, Action.COMPLETE, people.ward_leader, note="Đồng ý", now=at(2026, 3, 11, 9))
    perform(application, Action.RETURN_RESULT, people.ward_desk, now=at(2026, 3, 12, 9))

    application = fresh(application)
    assert application.status == Status.RETURNED
    assert application.finished_at == at(2026, 3, 11, 9)
    assert application.returned_at == at(2026, 3, 12, 9)
    assert application.current_step is None
    assert not application.is_late
    assert application.version == 6

    events = list(application.events.order_by("at", "pk"))
    assert [event.action for event in events] == [
        Action.SUBMIT,
        Action.ACCEPT,
        Action.START_PROCESSING,
        Action.FORWARD,
        Action.COMPLETE,
        Action.RETURN_RESULT,
    ]
    assert [(event.from_status, event.to_status) for event in events] == [
        (None, Status.SUBMITTED),
        (Status.SUBMITTED, Status.RECEIVED),
        (Status.RECEIVED, Status.PROCESSING),
        (Status.PROCESSING, Status.PROCESSING),
        (Status.PROCESSING, Status.DONE),
        (Status.DONE, Status.RETURNED),
    ]
    assert [event.actor for event in events] == [
        None,
        people.ward_desk,
        people.ward_specialist,
        people.ward_specialist,
        people.ward_leader,
        people.ward_desk,
    ]
    assert events[3].note == "Đề nghị phê duyệt"
    assert events[3].step_name == "Chuyên viên thẩm định"
    assert events[4].step_name == "Lãnh đạo phê duyệt"
    assert all(step.finished_at for step in ordered_steps(application))


def test_step_deadlines_follow_shares(province, people):
    application = online_application(province.licence, province.justice, at(2026, 3, 9, 7, 30))
    steps = ordered_steps(application)
    calendar = calendar_for(province.justice)

    assert application.due_at == at(2026, 3, 20, 17)  # ten working days
    assert [step.share_percent for step in steps] == [10, 60, 20, 10]
    assert steps[0].due_at == at(2026, 3, 9, 17)  # one working day
    assert steps[1].due_at == at(2026, 3, 17, 17)  # seven
    assert steps[2].due_at == at(2026, 3, 19, 17)  # nine
    assert steps[3].due_at == application.due_at
    assert calendar.office_minutes_between(application.clock_started_at, steps[1].due_at) == 7 * 450


def test_desk_intake_hands_over_to_processing_department(province, people):
    application = desk_application(
        province.licence, people.ward_desk, province.thanh_vinh, province.justice, at(2026, 3, 9, 9)
    )

    assert application.status == Status.RECEIVED
    assert application.code.startswith("PV.X.16681.H41-260309-")
    assert application.receiving_agency == province.thanh_vinh
    assert application.current_agency == province.justice
    accept = application.events.get(action=Action.ACCEPT)
    assert accept.data["handover"]["from_agency"] == "PV.X.16681.H41"
    assert accept.data["handover"]["to_agency"] == "PV.S.TP.H41"

    perform(application, Action.START_PROCESSING, people.justice_specialist, now=at(2026, 3, 10, 9))
    perform(application, Action.FORWARD, people.justice_specialist, now=at(2026, 3, 12, 9))
    perform(application, Action.COMPLETE, people.justice_leader, now=at(2026, 3, 13, 9))
    application = fresh(application)

    assert application.status == Status.DONE
    assert application.current_agency == province.thanh_vinh  # the result goes back to the desk
    stints = list(application.stints.order_by("started_at", "pk"))
    assert [stint.agency for stint in stints] == [province.thanh_vinh, province.justice, province.thanh_vinh]
    assert stints[0].office_minutes == 0
    # Justice held it from Monday 09:00 to Friday 09:00: four working days of office time.
    assert stints[1].office_minutes == 4 * 450
    steps = ordered_steps(application)
    assert stints[0].due_at == steps[0].due_at
    assert stints[1].due_at == steps[2].due_at  # review and approval both happen at the department
    assert stints[2].due_at == application.due_at
    assert stints[2].ended_at is None


def test_configured_workflow_with_interagency_step(province, people):
    workflow = Workflow.objects.create(name="Liên thông Sở Nội vụ", procedure=province.licence)
    specs = [
        ("Tiếp nhận", StepKind.RECEIVE, "desk_officer", StepAgency.RECEIVING, None, 10),
        ("Thẩm định", StepKind.REVIEW, "specialist", StepAgency.PROCESSING, None, 40),
        ("Lấy ý kiến Sở Nội vụ", StepKind.COORDINATE, "specialist", StepAgency.FIXED, province.home_affairs, 30),
        ("Phê duyệt", StepKind.APPROVE, "leader", StepAgency.PROCESSING, None, 10),
        ("Trả kết quả", StepKind.RETURN_RESULT, "desk_officer", StepAgency.RECEIVING, None, 10),
    ]
    for order, (name, kind, role, source, agency, share) in enumerate(specs):
        WorkflowStep.objects.create(
            workflow=workflow, sort_order=order, name=name, kind=kind, role=role, agency_source=source, agency=agency,
            share_percent=share,
        )

    application = online_application(province.licence, province.justice, at(2026, 3, 9, 7, 30))
    assert [step.name for step in ordered_steps(application)] == [spec[0] for spec in specs]

    perform(application, Action.ACCEPT, people.justice_desk, now=at(2026, 3, 9, 8))
    perform(application, Action.START_PROCESSING, people.justice_specialist, now=at(2026, 3, 9, 9))

    # Before the hand-over the home-affairs specialist cannot act on it.
    assert allowed_actions(fresh(application), people.other_specialist, ordered_steps(application)) == []

    forward = perform(application, Action.FORWARD, people.justice_specialist, now=at(2026, 3, 11, 9))
    application = fresh(application)
    assert forward.data["handover"] == {
        "from_agency": "PV.S.TP.H41",
        "to_agency": "PV.S.NV.H41",
        "office_minutes_used": 2 * 450 + 90,  # from Monday 07:30 to Wednesday 09:00
    }
    assert application.current_agency == province.home_affairs
    assert Action.FORWARD in allowed_actions(application, people.other_specialist, ordered_steps(application))

    perform(application, Action.FORWARD, people.other_specialist, note="Thống nhất", now=at(2026, 3, 12, 9))
    application = fresh(application)
    assert application.current_agency == province.justice
    perform(application, Action.COMPLETE, people.justice_leader, now=at(2026, 3, 13, 9))

    stints = list(fresh(application).stints.order_by("started_at", "pk"))
    assert [stint.agency.code for stint in stints] == ["PV.S.TP.H41", "PV.S.NV.H41", "PV.S.TP.H41", "PV.S.TP.H41"][
        : len(stints)
    ]
    home_affairs_stint = stints[1]
    assert home_affairs_stint.office_minutes == 450  # Wednesday 09:00 to Thursday 09:00
    assert home_affairs_stint.due_at == ordered_steps(application)[2].due_at


def test_default_workflow_configured_in_admin_applies(province, people):
    workflow = Workflow.objects.create(name="Mặc định hai bước", is_default=True)
    WorkflowStep.objects.create(
        workflow=workflow, sort_order=0, name="Nhận", kind=StepKind.RECEIVE, role="desk_officer",
        agency_source=StepAgency.RECEIVING, share_percent=20,
    )
    WorkflowStep.objects.create(
        workflow=workflow, sort_order=1, name="Giải quyết", kind=StepKind.REVIEW, role="specialist",
        agency_source=StepAgency.PROCESSING, share_percent=70,
    )
    WorkflowStep.objects.create(
        workflow=workflow, sort_order=2, name="Trả", kind=StepKind.RETURN_RESULT, role="desk_officer",
        agency_source=StepAgency.RECEIVING, share_percent=10,
    )

    application = online_application(province.licence, province.justice, at(2026, 3, 9, 9))

    assert [step.name for step in ordered_steps(application)] == ["Nhận", "Giải quyết", "Trả"]
    perform(application, Action.ACCEPT, people.justice_desk, now=at(2026, 3, 9, 10))
    perform(application, Action.START_PROCESSING, people.justice_specialist, now=at(2026, 3, 9, 11))
    # With no approval step the specialist marks the result ready.
    perform(application, Action.COMPLETE, people.justice_specialist, now=at(2026, 3, 10, 9))
    assert fresh(application).status == Status.DONE


FORBIDDEN = [
    ("specialist accepts", Status.SUBMITTED, "justice_specialist", Action.ACCEPT),
    ("leader accepts", Status.SUBMITTED, "justice_leader", Action.ACCEPT),
    ("other agency's desk accepts", Status.SUBMITTED, "ward_desk", Action.ACCEPT),
    ("desk starts processing", Status.RECEIVED, "justice_desk", Action.START_PROCESSING),
    ("other agency's specialist starts", Status.RECEIVED, "other_specialist", Action.START_PROCESSING),
    ("specialist completes before approval", Status.PROCESSING, "justice_specialist", Action.COMPLETE),
    ("leader forwards at review step", Status.PROCESSING, "justice_leader", Action.FORWARD),
    ("specialist stops", Status.PROCESSING, "justice_specialist", Action.STOP),
    ("result returned while processing", Status.PROCESSING, "justice_desk", Action.RETURN_RESULT),
    ("accept twice", Status.RECEIVED, "justice_desk", Action.ACCEPT),
    ("refuse after receipt", Status.RECEIVED, "justice_desk", Action.REFUSE),
]


def _application_in(status, province, people):
    application = online_application(province.licence, province.justice, at(2026, 3, 9, 9))
    if status in (Status.RECEIVED, Status.PROCESSING):
        perform(application, Action.ACCEPT, people.justice_desk, now=at(2026, 3, 9, 10))
    if status == Status.PROCESSING:
        perform(application, Action.START_PROCESSING, people.justice_specialist, now=at(2026, 3, 9, 11))
    application = fresh(application)
    assert application.status == status
    return application


@pytest.mark.parametrize(("case", "status", "who", "action"), FORBIDDEN, ids=[row[0] for row in FORBIDDEN])
def test_forbidden_transition(province, people, case, status, who, action):
    application = _application_in(status, province, people)
    version = application.version

    with pytest.raises(ActionNotAllowed):
        perform(application, action, getattr(people, who), note="thử", now=at(2026, 3, 10, 9))

    application = fresh(application)
    assert application.status == status
    assert application.version == version


def test_allowed_actions_by_role(province, people):
    application = _application_in(Status.PROCESSING, province, people)
    steps = ordered_steps(application)

    assert allowed_actions(application, people.justice_specialist, steps) == [
        Action.FORWARD,
        Action.REQUEST_SUPPLEMENT,
        Action.REQUEST_PAYMENT,
        Action.COMMENT,
    ]
    assert allowed_actions(application, people.justice_leader, steps) == [Action.STOP, Action.COMMENT]
    assert Action.WITHDRAW in allowed_actions(application, people.justice_desk, steps)
    assert allowed_actions(application, people.other_leader, steps) == []


def test_note_required_for_refusal_stop_and_withdrawal(province, people):
    application = _application_in(Status.SUBMITTED, province, people)

    with pytest.raises(InvalidActionInput):
        perform(application, Action.REFUSE, people.justice_desk, note="  ")

    event = perform(application, Action.REFUSE, people.justice_desk, note="Không thuộc thẩm quyền", is_internal=False)
    application = fresh(application)
    assert application.status == Status.REFUSED
    assert application.finished_at == event.at
    assert allowed_actions(application, people.justice_desk, ordered_steps(application)) == [Action.COMMENT]


def test_leader_stops_and_desk_records_withdrawal(province, people):
    stopped = _application_in(Status.PROCESSING, province, people)
    perform(stopped, Action.STOP, people.justice_leader, note="Không đủ điều kiện")
    assert fresh(stopped).status == Status.STOPPED

    withdrawn = _application_in(Status.RECEIVED, province, people)
    perform(withdrawn, Action.WITHDRAW, people.justice_desk, note="Công dân có đơn xin rút")
    withdrawn = fresh(withdrawn)
    assert withdrawn.status == Status.WITHDRAWN
    assert withdrawn.stints.filter(ended_at__isnull=True).count() == 0


def test_payment_request_and_return_to_processing(province, people):
    application = _application_in(Status.PROCESSING, province, people)

    request = perform(application, Action.REQUEST_PAYMENT, people.justice_specialist, note="Lệ phí", amount=200000)
    assert request.data == {"resume_status": Status.PROCESSING, "amount": 200000}
    perform(application, Action.PAYMENT_RECEIVED, people.justice_desk)

    assert fresh(application).status == Status.PROCESSING


def test_supplement_during_processing_stops_and_resumes_clock(province, people):
    # Friday 13/2/2026 10:00, ten working days: Tết (16–20/2) is skipped.
    application = online_application(province.licence, province.justice, at(2026, 2, 13, 10))
    assert application.due_at == at(2026, 3, 6, 10)
    perform(application, Action.ACCEPT, people.justice_desk, now=at(2026, 2, 13, 11))
    perform(application, Action.START_PROCESSING, people.justice_specialist, now=at(2026, 2, 23, 8))
    component = province.licence.dossier_components.get(is_required=True)

    request = perform(
        application,
        Action.REQUEST_SUPPLEMENT,
        people.justice_specialist,
        note="Bổ sung tờ khai có chữ ký",
        items=[SupplementItemInput(component, ReasonCode.INCOMPLETE, "Thiếu chữ ký")],
        now=at(2026, 2, 24, 9),
    )
    application = fresh(application)
    assert application.status == Status.SUPPLEMENT_REQUESTED
    assert application.paused_at == at(2026, 2, 24, 9)
    assert request.data["sequence"] == 1
    assert request.data["repeat"] is False
    assert request.data["items"] == [{"component": component.name, "reason": "incomplete", "detail": "Thiếu chữ ký"}]
    calendar = calendar_for(province.justice)
    remaining = calendar.office_minutes_between(at(2026, 2, 24, 9), application.due_at)

    # The applicant uploads the file the next Monday at 14:00, when the remaining office time restarts.
    upload = _stored_pdf("to-khai-bo-sung.pdf")
    item = application.supplement_requests.get().items.get()
    perform_as_applicant(application, Action.SUPPLEMENT_RECEIVED, files={item.pk: upload}, now=at(2026, 3, 2, 14))

    application = fresh(application)
    assert application.status == Status.PROCESSING
    assert application.paused_at is None
    assert calendar.office_minutes_between(at(2026, 3, 2, 14), application.due_at) == remaining
    assert application.due_at == at(2026, 3, 12, 15)
    assert not application.is_late

    # The new file replaced the old one; the other documents stayed.
    current = application.documents.filter(replaced_by__isnull=True)
    assert current.get(component=component).original_name == "to-khai-bo-sung.pdf"
    assert application.documents.filter(component=component, replaced_by__isnull=False).count() == 1

    # A second request for the same application is recorded as a repeat and counts as late.
    second = perform(
        application,
        Action.REQUEST_SUPPLEMENT,
        people.justice_specialist,
        items=[SupplementItemInput(component, ReasonCode.ILLEGIBLE, "")],
        now=at(2026, 3, 3, 9),
    )
    application = fresh(application)
    assert second.data["sequence"] == 2
    assert second.data["repeat"] is True
    assert application.supplement_requests.get(sequence=2).is_repeat
    assert application.supplement_count == 2
    assert application.is_late


def _stored_pdf(name):
    from submissions.processing.actions import FileInput
    from submissions.storage import private_storage

    from . import builders

    upload = builders.pdf_upload(name)
    stored = private_storage().save(f"test/{name}", upload)
    return FileInput(name=name, content_type="application/pdf", file=stored, size=upload.size)


def test_supplement_at_receipt_restarts_clock_when_complete(province, people):
    component = province.licence.dossier_components.get(is_required=True)
    application = desk_application(
        province.licence,
        people.justice_desk,
        province.justice,
        province.justice,
        at(2026, 3, 9, 9),
        decision="supplement",
        items=[SupplementItemInput(component, ReasonCode.MISSING, "")],
    )
    assert application.status == Status.SUPPLEMENT_REQUESTED
    assert application.due_at is None
    assert application.clock_started_at is None

    item = application.supplement_requests.get().items.get()
    perform(
        application,
        Action.SUPPLEMENT_RECEIVED,
        people.justice_desk,
        files={item.pk: _stored_pdf("bo-sung.pdf")},
        now=at(2026, 3, 11, 14),
    )
    application = fresh(application)
    assert application.status == Status.SUBMITTED
    assert application.clock_started_at == at(2026, 3, 11, 14)
    assert application.due_at == at(2026, 3, 25, 14)  # ten working days from the complete dossier

    perform(application, Action.ACCEPT, people.justice_desk, now=at(2026, 3, 11, 15))
    assert fresh(application).status == Status.RECEIVED


def test_supplement_received_needs_every_requested_file(province, people):
    application = _application_in(Status.PROCESSING, province, people)
    component = province.licence.dossier_components.get(is_required=True)
    perform(
        application,
        Action.REQUEST_SUPPLEMENT,
        people.justice_specialist,
        items=[SupplementItemInput(component, ReasonCode.MISSING, ""), SupplementItemInput(None, ReasonCode.MISSING, "Giấy xác nhận cư trú")],
    )

    with pytest.raises(InvalidActionInput) as error:
        perform(application, Action.SUPPLEMENT_RECEIVED, people.justice_desk, files={})

    assert "Giấy xác nhận cư trú" in error.value.message
    assert fresh(application).status == Status.SUPPLEMENT_REQUESTED


def test_unparsed_time_limit_appointment_set_by_staff(province, people):
    application = online_application(province.unparsed, province.justice, at(2026, 3, 9, 9))
    assert application.needs_appointment
    steps = ordered_steps(application)
    assert Action.SET_APPOINTMENT in allowed_actions(application, people.justice_desk, steps)

    perform(application, Action.SET_APPOINTMENT, people.justice_desk, due_at=datetime.date(2026, 3, 27))

    application = fresh(application)
    assert application.due_at == at(2026, 3, 27, 17)
    assert ordered_steps(application)[-1].due_at == application.due_at
    assert Action.SET_APPOINTMENT not in allowed_actions(application, people.justice_desk, ordered_steps(application))


def test_stale_version_is_refused_and_changes_nothing(province, people):
    application = _application_in(Status.PROCESSING, province, people)
    seen_version = application.version

    perform(application, Action.COMMENT, people.justice_specialist, note="Đã gọi điện", expected_version=seen_version)
    with pytest.raises(StaleApplication):
        perform(
            application, Action.FORWARD, people.justice_specialist_2, note="Chuyển lãnh đạo", expected_version=seen_version
        )

    application = fresh(application)
    assert application.status == Status.PROCESSING
    assert application.version == seen_version + 1
    assert not application.events.filter(action=Action.FORWARD).exists()


def test_events_are_append_only(province, people):
    application = _application_in(Status.RECEIVED, province, people)
    event = application.events.get(action=Action.ACCEPT)

    event.note = "sửa lại lịch sử"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.create(application=application, user=people.justice_desk, kind="view").delete()

    table = ApplicationEvent._meta.db_table
    for statement in (f"UPDATE {table} SET note = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(Exception) as error, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [event.pk])
        assert "append-only" in str(error.value)

    assert ApplicationEvent.objects.get(pk=event.pk).note == ""


def test_event_rows_cannot_be_removed_with_application(province, people):
    application = _application_in(Status.RECEIVED, province, people)
    with pytest.raises((IntegrityError, Exception)), transaction.atomic():
        application.delete()
    assert ApplicationEvent.objects.filter(application=application).count() == 2
