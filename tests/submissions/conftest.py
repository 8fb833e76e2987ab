"""Fixtures of the submissions tests: a small province with two departments, two wards and staff."""

from functools import cached_property

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


class Province:
    """Two departments and two wards; procedures are published on first use, since each takes a second."""

    def __init__(self):
        self.justice = builders.agency("PV.S.TP.H41", "Sở Tư pháp")
        self.home_affairs = builders.agency("PV.S.NV.H41", "Sở Nội vụ")
        self.thanh_vinh = builders.commune("16681", "Phường Thành Vinh")
        self.truong_vinh = builders.commune("16690", "Phường Trường Vinh")

    @cached_property
    def birth(self):
        """Commune level, five working days, two required documents."""
        return builders.procedure(self.justice, "Đăng ký khai sinh", level_commune=True)

    @cached_property
    def licence(self):
        """Province level, ten working days, one required and one optional document."""
        return builders.procedure(
            self.justice,
            "Cấp phiếu lý lịch tư pháp",
            time_limit=(10, TimeLimitUnit.WORKING_DAYS),
            time_limit_text="10 Ngày làm việc",
            components=("Tờ khai yêu cầu cấp phiếu lý lịch tư pháp",),
            optional_components=("Giấy ủy quyền",),
        )

    @cached_property
    def counter_only(self):
        return builders.procedure(self.justice, "Thủ tục chỉ nộp trực tiếp", online=OnlineServiceKind.NONE)

    @cached_property
    def unparsed(self):
        return builders.procedure(
            self.justice, "Thủ tục có thời hạn khác", time_limit=None, time_limit_text="Khác", components=("Đơn đề nghị",)
        )


@pytest.fixture
def province(db):
    return Province()


class People:
    """Staff of Sở Tư pháp and Phường Thành Vinh (all three roles) and of Sở Nội vụ, created on first use."""

    ACCOUNTS = {
        "justice_desk": ("tp_motcua", Role.DESK_OFFICER, "justice"),
        "justice_specialist": ("tp_chuyenvien", Role.SPECIALIST, "justice"),
        "justice_specialist_2": ("tp_chuyenvien2", Role.SPECIALIST, "justice"),
        "justice_leader": ("tp_lanhdao", Role.LEADER, "justice"),
        "ward_desk": ("tv_motcua", Role.DESK_OFFICER, "thanh_vinh"),
        "ward_specialist": ("tv_chuyenvien", Role.SPECIALIST, "thanh_vinh"),
        "ward_leader": ("tv_lanhdao", Role.LEADER, "thanh_vinh"),
        "other_desk": ("nv_motcua", Role.DESK_OFFICER, "home_affairs"),
        "other_specialist": ("nv_chuyenvien", Role.SPECIALIST, "home_affairs"),
        "other_leader": ("nv_lanhdao", Role.LEADER, "home_affairs"),
    }

    def __init__(self, province):
        self._province = province
        self._groups = None

    def __getattr__(self, name):
        if name not in self.ACCOUNTS:
            raise AttributeError(name)
        if self._groups is None:
            from accounts.setup import ensure_role_groups

            self._groups = ensure_role_groups()
        username, role, agency_name = self.ACCOUNTS[name]
        user = builders.staff(username, role, getattr(self._province, agency_name), groups=self._groups)
        setattr(self, name, user)
        return user


@pytest.fixture
def people(province):
    return People(province)


@pytest.fixture
def applicant_data():
    return {
        "full_name": "Trần Thị Hoa",
        "id_number": VALID_ID,
        "phone": VALID_PHONE,
        "email": "hoa@example.org",
        "address": "Số 5 đường Lê Lợi, Phường Thành Vinh, Nghệ An",
    }
