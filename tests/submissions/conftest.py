"""Fixtures of the submissions tests: a small province with two departments, two wards and staff."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from accounts.roles import Role
from service_catalog.models.procedures import OnlineServiceKind, TimeLimitUnit

from . import builders

VALID_ID = "040085123456"  # born 1985 in Nghệ An, male
VALID_PHONE = "0912 345 678"


@pytest.fixture(autouse=True)
def empty_cache():
    """The status lookup counts attempts in the cache; each test starts without any."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def province(db):
    justice = builders.agency("PV.S.TP.H41", "Sở Tư pháp")
    home_affairs = builders.agency("PV.S.NV.H41", "Sở Nội vụ")
    thanh_vinh = builders.commune("16681", "Phường Thành Vinh")
    truong_vinh = builders.commune("16690", "Phường Trường Vinh")

    birth = builders.procedure(justice, "Đăng ký khai sinh", level_commune=True)
    licence = builders.procedure(
        justice,
        "Cấp phiếu lý lịch tư pháp",
        time_limit=(10, TimeLimitUnit.WORKING_DAYS),
        time_limit_text="10 Ngày làm việc",
        components=("Tờ khai yêu cầu cấp phiếu lý lịch tư pháp",),
        optional_components=("Giấy ủy quyền",),
    )
    counter_only = builders.procedure(justice, "Thủ tục chỉ nộp trực tiếp", online=OnlineServiceKind.NONE)
    unparsed = builders.procedure(
        justice, "Thủ tục có thời hạn khác", time_limit=None, time_limit_text="Khác", components=("Đơn đề nghị",)
    )

    return SimpleNamespace(
        justice=justice,
        home_affairs=home_affairs,
        thanh_vinh=thanh_vinh,
        truong_vinh=truong_vinh,
        birth=birth,
        licence=licence,
        counter_only=counter_only,
        unparsed=unparsed,
    )


@pytest.fixture
def people(province):
    """Staff of Sở Tư pháp and Phường Thành Vinh (all three roles), and a specialist of Sở Nội vụ."""
    return SimpleNamespace(
        justice_desk=builders.staff("tp_motcua", Role.DESK_OFFICER, province.justice),
        justice_specialist=builders.staff("tp_chuyenvien", Role.SPECIALIST, province.justice),
        justice_specialist_2=builders.staff("tp_chuyenvien2", Role.SPECIALIST, province.justice),
        justice_leader=builders.staff("tp_lanhdao", Role.LEADER, province.justice),
        ward_desk=builders.staff("tv_motcua", Role.DESK_OFFICER, province.thanh_vinh),
        ward_specialist=builders.staff("tv_chuyenvien", Role.SPECIALIST, province.thanh_vinh),
        ward_leader=builders.staff("tv_lanhdao", Role.LEADER, province.thanh_vinh),
        other_specialist=builders.staff("nv_chuyenvien", Role.SPECIALIST, province.home_affairs),
        other_leader=builders.staff("nv_lanhdao", Role.LEADER, province.home_affairs),
    )


@pytest.fixture
def applicant_data():
    return {
        "full_name": "Trần Thị Hoa",
        "id_number": VALID_ID,
        "phone": VALID_PHONE,
        "email": "hoa@example.org",
        "address": "Số 5 đường Lê Lợi, Phường Thành Vinh, Nghệ An",
    }
