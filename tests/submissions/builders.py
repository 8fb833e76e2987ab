"""Builders of agencies, procedure pages, staff accounts and dossier files for the submissions tests."""

import io
import itertools

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from service_catalog.models import (
    Agency,
    DepartmentProceduresPage,
    DossierComponent,
    ProcedureChannel,
    ProcedureIndexPage,
    ProcedurePage,
    StaffProfile,
)
from service_catalog.models.procedures import Channel, OnlineServiceKind, TimeLimitUnit

_numbers = itertools.count(1)

PASSWORD = "correct-horse-battery"


def agency(code, name, kind=Agency.Kind.DEPARTMENT, level=Agency.Level.PROVINCE, **fields):
    found = Agency.objects.filter(code=code).first()
    if found:
        return found
    return Agency.objects.create(code=code, name=name, kind=kind, level=level, **fields)


def commune(gso_code, name):
    return agency(f"PV.X.{gso_code}.H41", name, kind=Agency.Kind.COMMUNE, level=Agency.Level.COMMUNE, gso_code=gso_code)


def catalogue_root():
    """Return the procedure catalogue page under the home page, creating both when missing."""
    from cms_pages.content import ensure_home_page

    home = ensure_home_page()
    index = ProcedureIndexPage.objects.first()
    if index is None:
        index = ProcedureIndexPage(title="Thủ tục hành chính", slug="thu-tuc-hanh-chinh")
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


def department_folder(department):
    folder = DepartmentProceduresPage.objects.filter(agency=department).first()
    if folder is None:
        index = catalogue_root()
        folder = DepartmentProceduresPage(title=department.name, slug=f"don-vi-{department.pk}", agency=department)
        index.add_child(instance=folder)
        folder.save_revision().publish()
    return folder


def procedure(
    department,
    title="Đăng ký khai sinh",
    *,
    level_commune=False,
    online=OnlineServiceKind.FULL,
    time_limit=(5, TimeLimitUnit.WORKING_DAYS),
    time_limit_text="5 Ngày làm việc",
    components=("Tờ khai đăng ký khai sinh", "Giấy chứng sinh"),
    optional_components=(),
):
    """Create and publish a procedure page with an in-person and an online channel."""
    number = next(_numbers)
    value, unit = time_limit if time_limit else (None, "")
    channels = [
        ProcedureChannel(
            channel=channel,
            time_limit_value=value,
            time_limit_unit=unit,
            time_limit_text=time_limit_text,
            fee_amount=0,
        )
        for channel in (Channel.IN_PERSON, Channel.ONLINE)
    ]
    dossier = [DossierComponent(name=name, originals=1, copies=0, is_required=True) for name in components]
    dossier += [DossierComponent(name=name, originals=0, copies=1, is_required=False) for name in optional_components]
    page = ProcedurePage(
        title=title,
        slug=f"thu-tuc-{number}",
        national_code=f"9.{number:06d}",
        instance_code=f"9.{number:06d}.000.00.00.H41",
        owner_agency=department,
        level_province=not level_commune,
        level_commune=level_commune,
        online_service_kind=online,
        channels=channels,
        dossier_components=dossier,
    )
    department_folder(department).add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def staff(username, role, agency_obj, superuser=False, groups=None):
    """Create a staff account with one role at `agency_obj`; roles' groups come from accounts.setup."""
    from accounts.setup import ensure_role_groups

    groups = groups or ensure_role_groups()
    user_model = get_user_model()
    user = user_model.objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), last_name="Nguyễn", is_superuser=superuser
    )
    if role is not None:
        user.groups.add(groups[role])
    if agency_obj is not None:
        StaffProfile.objects.create(user=user, agency=agency_obj)
    return user


def pdf_bytes(size=0):
    """Return a small valid PDF, padded with a comment to at least `size` bytes."""
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n"
    )
    padding = max(size - len(body) - 6, 0)
    return body + b"%" + b"0" * padding + b"\n%%EOF"


def image_bytes(kind="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


def pdf_upload(name="to-khai.pdf", size=0):
    return SimpleUploadedFile(name, pdf_bytes(size), content_type="application/pdf")


def png_upload(name="giay-chung-sinh.png"):
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def jpeg_upload(name="anh.jpg"):
    return SimpleUploadedFile(name, image_bytes("JPEG"), content_type="image/jpeg")


def text_upload(name="gia-mao.pdf"):
    """A text file named like a PDF, with the PDF content type claimed by the browser."""
    return SimpleUploadedFile(name, b"This is not a PDF, just text pretending.\n" * 20, content_type="application/pdf")
