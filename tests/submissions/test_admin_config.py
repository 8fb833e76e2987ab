"""Administrators configure workflows, the working calendar and office hours in the admin; staff use the actions."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from submissions.models import Action, CalendarDay, ReasonCode, Status, Workflow
from submissions.processing.actions import SupplementItemInput, perform

from . import builders
from .helpers import desk_application, online_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return builders.staff("quantri", None, None, superuser=True)


def workflow_data(procedure, steps):
    data = {
        "name": "Quy trình cấp phiếu lý lịch tư pháp",
        "procedure": procedure.pk,
        "steps-TOTAL_FORMS": len(steps),
        "steps-INITIAL_FORMS": 0,
        "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
    }
    for index, (name, kind, role, source, share) in enumerate(steps):
        data.update(
            {
                f"steps-{index}-name": name,
                f"steps-{index}-kind": kind,
                f"steps-{index}-role": role,
                f"steps-{index}-agency_source": source,
                f"steps-{index}-agency": "",
                f"steps-{index}-share_percent": share,
                f"steps-{index}-ORDER": index + 1,
                f"steps-{index}-DELETE": "",
                f"steps-{index}-id": "",
            }
        )
    return data


STEPS = [
    ("Tiếp nhận", "receive", "desk_officer", "receiving", 10),
    ("Thẩm định", "review", "specialist", "processing", 70),
    ("Trả kết quả", "return_result", "desk_officer", "receiving", 20),
]


def test_administrator_configures_workflow(client, administrator, province):
    client.force_login(administrator)
    url = reverse("ho-so_quy-trinh_modeladmin_create")

    response = client.post(url, workflow_data(province.licence, STEPS))

    assert response.status_code == 302, response.content.decode()[-3000:]
    workflow = Workflow.objects.get(procedure=province.licence)
    assert [(step.name, step.share_percent) for step in workflow.steps.order_by("sort_order")] == [
        ("Tiếp nhận", 10),
        ("Thẩm định", 70),
        ("Trả kết quả", 20),
    ]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([STEPS[0], STEPS[1][:4] + (60,), STEPS[2]], "Tổng tỷ lệ thời hạn hiện là 90%"),
        ([STEPS[1], STEPS[0], STEPS[2]], "Bước đầu tiên phải là tiếp nhận"),
        ([STEPS[0], STEPS[2], STEPS[1]], "Bước cuối cùng phải là trả kết quả"),
    ],
)
def test_workflow_checks(client, administrator, province, steps, message):
    client.force_login(administrator)

    response = client.post(reverse("ho-so_quy-trinh_modeladmin_create"), workflow_data(province.licence, steps))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Workflow.objects.exists()


def test_administrator_adds_make_up_working_day(client, administrator):
    client.force_login(administrator)

    response = client.post(
        reverse("ho-so_lich-lam-viec_modeladmin_create"),
        {"date": "19/12/2026", "kind": "working_day", "name": "Làm bù cho ngày 21/12/2026"},
    )

    assert response.status_code == 302
    assert CalendarDay.objects.get().date == datetime.date(2026, 12, 19)


def test_desk_records_supplement_at_counter(client, province, people):
    application = online_application(province.licence, province.justice, timezone.now())
    component = province.licence.dossier_components.get(is_required=True)
    perform(
        application,
        Action.REQUEST_SUPPLEMENT,
        people.justice_desk,
        items=[SupplementItemInput(component, ReasonCode.ILLEGIBLE, "Ảnh mờ")],
    )
    application.refresh_from_db()
    item = application.supplement_requests.get().items.get()
    client.force_login(people.justice_desk)
    detail = reverse("submissions_admin:detail", args=[application.pk])

    page = client.get(detail).content.decode()
    token = re.search(r'name="supplement_received-draft" value="([^"]*)"', page).group(1)
    response = client.post(
        detail,
        {
            "action": "supplement_received",
            "supplement_received-draft": token,
            "supplement_received-version": application.version,
            f"supplement_received-item_{item.pk}": builders.png_upload("to-khai-ro-net.png"),
        },
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED  # back to the completeness check
    assert application.due_at is not None
    item.refresh_from_db()
    assert item.document.original_name == "to-khai-ro-net.png"


def test_staff_sets_appointment_for_unparsed_limit(client, province, people):
    application = online_application(province.unparsed, province.justice, timezone.now())
    client.force_login(people.justice_specialist)
    detail = reverse("submissions_admin:detail", args=[application.pk])
    target = timezone.localdate() + datetime.timedelta(days=30)

    response = client.post(
        detail,
        {
            "action": "set_appointment",
            "set_appointment-version": application.version,
            "set_appointment-due_date": target.strftime("%d/%m/%Y"),
            "set_appointment-due_time": "10:00",
        },
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert timezone.localtime(application.due_at) == datetime.datetime.combine(
        target, datetime.time(10), tzinfo=timezone.get_default_timezone()
    )


def test_menu_shows_intake_to_desk_officers_only(client, province, people):
    client.force_login(people.justice_desk)
    desk_home = client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(people.justice_specialist)
    specialist_home = client.get(reverse("wagtailadmin_home")).content.decode()

    intake = reverse("submissions_admin:intake")
    assert intake in desk_home
    assert intake not in specialist_home
    assert reverse("submissions_admin:statistics") in specialist_home


def test_detail_shows_handover_and_agency_time(client, province, people):
    application = desk_application(province.licence, people.ward_desk, province.thanh_vinh, province.justice, timezone.now())
    client.force_login(people.justice_leader)

    html = client.get(reverse("submissions_admin:detail", args=[application.pk])).content.decode()

    stints = html[html.index('id="stints"') :]
    assert stints.index("Phường Thành Vinh") < stints.index("Sở Tư pháp")
    assert "Chuyên viên thẩm định" in html


def test_staff_roles_cannot_change_configuration(client, province, people):
    client.force_login(people.justice_desk)

    response = client.post(reverse("ho-so_quy-trinh_modeladmin_create"), workflow_data(province.licence, STEPS))
    calendar = client.get(reverse("ho-so_lich-lam-viec_modeladmin_index"))

    assert response.status_code in (302, 403)
    assert response.get("Location", "") != reverse("ho-so_quy-trinh_modeladmin_index")
    assert calendar.status_code in (302, 403)
    assert not Workflow.objects.exists()


def test_configuration_permission_can_be_granted(client, province, people):
    from django.contrib.auth.models import Permission

    people.justice_leader.user_permissions.add(Permission.objects.get(codename="configure_processing"))
    client.force_login(people.justice_leader)

    response = client.post(reverse("ho-so_quy-trinh_modeladmin_create"), workflow_data(province.licence, STEPS))

    assert response.status_code == 302
    assert Workflow.objects.filter(procedure=province.licence).exists()


def test_appointment_on_day_off_moves_with_warning(client, province, people):
    application = online_application(province.unparsed, province.justice, timezone.now())
    client.force_login(people.justice_specialist)
    detail = reverse("submissions_admin:detail", args=[application.pk])
    today = timezone.localdate()
    sunday = today + datetime.timedelta(days=(6 - today.weekday()) % 7 + 14)

    response = client.post(
        detail,
        {
            "action": "set_appointment",
            "set_appointment-version": application.version,
            "set_appointment-due_date": sunday.strftime("%d/%m/%Y"),
        },
        follow=True,
    )

    application.refresh_from_db()
    stored = timezone.localtime(application.due_at)
    assert stored.date() > sunday
    warnings = [str(message) for message in response.context["messages"] if message.level_tag == "warning"]
    assert warnings == [
        f"{sunday:%d/%m/%Y} không phải là ngày làm việc nên ngày hẹn là {stored:%H:%M %d/%m/%Y}."
    ]
