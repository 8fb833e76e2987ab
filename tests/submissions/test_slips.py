"""Official slips (PDF, read back with pypdf) and the intake register (XLSX, read back with openpyxl)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from submissions.deadlines.apology import issue_apology
from submissions.deadlines.models import ApologyLetter
from submissions.models import AccessLog, Action, ReasonCode, Status
from submissions.processing.actions import SupplementItemInput, perform
from submissions.slips.context import SLIPS, receipt_context
from submissions.slips.pdf import render_pdf
from submissions.slips.register import build_register

from . import builders
from .helpers import desk_application

pytestmark = pytest.mark.django_db

A5_POINTS = (419.53, 595.28)
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"


def at(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=timezone.get_default_timezone())


def pdf_text(content):
    """Return the text of every page with runs of whitespace (line breaks of wrapped cells) as one space."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def slip_pdf(application, kind, **kwargs):
    slip = SLIPS[kind]
    return render_pdf(slip.template, slip.builder(application, **kwargs))


def embedded_fonts(content):
    """Return {base font name: True if the font file is embedded} of every font the pages use."""
    fonts = {}
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts[str(font["/BaseFont"])] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


@pytest.fixture
def received(province, people):
    """A paper dossier for the criminal-record procedure (10 working days) accepted on Monday 02/03/2026 09:00."""
    return desk_application(
        province.licence, people.justice_desk, province.justice, province.justice, at(2026, 3, 2, 9, 0)
    )


def test_receipt_slip_text_and_format(received):
    content = slip_pdf(received, "bien-nhan")

    text = pdf_text(content)
    page = PdfReader(io.BytesIO(content)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width, 1), round(height, 1)) == (round(A5_POINTS[0], 1), round(A5_POINTS[1], 1))
    assert MOTTO in text
    assert MOTTO_LINE in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "SỞ TƯ PHÁP" in text
    assert received.code in text
    assert "Lê Văn Nam" in text
    assert "Cấp phiếu lý lịch tư pháp" in text
    assert "Tờ khai yêu cầu cấp phiếu lý lịch tư pháp" in text
    assert "Bản chính" in text
    assert "Bản sao" in text
    assert "09 giờ 00 phút, ngày 02/03/2026" in text
    # Ten working days from Monday 02/03/2026 09:00 end on Monday 16/03/2026 at 09:00.
    assert "09 giờ 00 phút, ngày 16/03/2026" in text
    assert "Người tiếp nhận hồ sơ".upper() in text
    assert "/ho-so/tra-cuu/?ma=" + received.code in text.replace(" ", "")


def test_receipt_slip_embeds_vietnamese_font(received):
    content = slip_pdf(received, "bien-nhan")

    fonts = embedded_fonts(content)
    assert fonts, "the PDF has no fonts"
    for name, embedded in fonts.items():
        assert "DejaVu" in name and "Serif" in name
        assert embedded, f"{name} is not embedded"


def test_receipt_slip_qr_encodes_lookup_url(received):
    import segno

    context = receipt_context(received)

    expected = segno.make(context["lookup_url"], error="m").svg_data_uri(scale=3, border=2)
    assert context["lookup_url"].endswith(f"/ho-so/tra-cuu/?ma={received.code}")
    assert context["qr_code"] == expected


def test_supplement_slip_lists_every_item(province, people):
    components = list(province.licence.dossier_components.all())
    items = [
        SupplementItemInput(components[0], ReasonCode.WRONG_FORM, "Dùng mẫu tờ khai mới"),
        SupplementItemInput(components[1], ReasonCode.NOT_CERTIFIED, ""),
    ]
    application = desk_application(
        province.licence,
        people.justice_desk,
        province.justice,
        province.justice,
        at(2026, 3, 2, 10, 15),
        decision="supplement",
        items=items,
        note="Bổ sung trong 10 ngày",
    )

    text = pdf_text(slip_pdf(application, "bo-sung"))
    with translation.override("vi"):
        wrong_form = str(ReasonCode.WRONG_FORM.label)
        not_certified = str(ReasonCode.NOT_CERTIFIED.label)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert application.code in text
    assert "Tờ khai yêu cầu cấp phiếu lý lịch tư pháp" in text
    assert "Giấy ủy quyền" in text
    assert "wrong_form" in text
    assert "not_certified" in text
    assert wrong_form in text
    assert not_certified in text
    assert "Dùng mẫu tờ khai mới" in text
    assert "Bổ sung trong 10 ngày" in text
    assert "Lần yêu cầu 1" in text


def test_refusal_slip_gives_reasons(province, people):
    application = desk_application(
        province.licence,
        people.justice_desk,
        province.justice,
        province.justice,
        at(2026, 3, 3, 14, 5),
        decision="refuse",
        note="Yêu cầu không thuộc thẩm quyền giải quyết của Sở Tư pháp",
    )

    text = pdf_text(slip_pdf(application, "tu-choi"))
    assert application.status == Status.REFUSED
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Yêu cầu không thuộc thẩm quyền giải quyết của Sở Tư pháp" in text
    assert "14 giờ 05 phút, ngày 03/03/2026" in text


def test_apology_slip_gives_new_appointment(received, people):
    letter = ApologyLetter.objects.create(application=received, missed_due_at=received.due_at)
    new_day = timezone.localdate() + datetime.timedelta(days=7)
    issue_apology(letter, people.justice_desk, new_due_date=new_day, reason="Chờ ý kiến của Công an tỉnh")
    letter.refresh_from_db()

    text = pdf_text(slip_pdf(received, "xin-loi", letter=letter))
    new_due = timezone.localtime(letter.new_due_at)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Chờ ý kiến của Công an tỉnh" in text
    assert "xin lỗi" in text
    assert "09 giờ 00 phút, ngày 16/03/2026" in text
    assert f"{new_due:%H} giờ {new_due:%M} phút, ngày {new_due:%d/%m/%Y}" in text


def test_control_slip_records_every_handover(province, people, received):
    perform(received, Action.START_PROCESSING, people.justice_specialist, now=at(2026, 3, 2, 14, 0))
    perform(received, Action.FORWARD, people.justice_specialist, now=at(2026, 3, 5, 10, 0))
    received.refresh_from_db()
    leader_step_due = received.current_step.due_at
    late = leader_step_due + datetime.timedelta(hours=20)
    perform(received, Action.COMPLETE, people.justice_leader, now=late)
    perform(received, Action.RETURN_RESULT, people.justice_desk, now=late + datetime.timedelta(hours=1))

    text = pdf_text(slip_pdf(received, "kiem-soat"))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    for step in received.steps.order_by("position"):
        assert step.name in text
    assert "Tp_Chuyenvien Nguyễn" in text
    assert "Tp_Lanhdao Nguyễn" in text
    assert "Trước hạn" in text
    assert "Quá hạn" in text
    assert text.count("Sở Tư pháp") >= 3


def test_slip_download_scoped_and_logged(client, province, people, received):
    client.force_login(people.justice_specialist)
    url = reverse("submissions_slips:pdf", args=[received.pk, "bien-nhan"])

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert received.code in response["Content-Disposition"]
    assert "GIẤY TIẾP NHẬN" in pdf_text(response.content)
    log = AccessLog.objects.filter(application=received, user=people.justice_specialist).get()
    assert log.kind == AccessLog.Kind.DOWNLOAD

    client.force_login(people.other_specialist)
    assert client.get(url).status_code == 404


def test_unavailable_slip_redirects_with_message(client, people, received):
    client.force_login(people.justice_desk)

    response = client.get(reverse("submissions_slips:pdf", args=[received.pk, "tu-choi"]), follow=True)

    assert response.redirect_chain[0][0] == reverse("submissions_admin:detail", args=[received.pk])
    assert "không bị từ chối" in response.content.decode()


def test_detail_page_links_slips(client, people, received):
    client.force_login(people.justice_desk)

    html = client.get(reverse("submissions_admin:detail", args=[received.pk])).content.decode()

    assert reverse("submissions_slips:pdf", args=[received.pk, "bien-nhan"]) in html
    assert reverse("submissions_slips:pdf", args=[received.pk, "kiem-soat"]) in html
    assert reverse("submissions_slips:pdf", args=[received.pk, "tu-choi"]) not in html


def register_rows(content):
    sheet = load_workbook(io.BytesIO(content)).active
    return sheet, [row for row in sheet.iter_rows(min_row=6, values_only=True) if row[0] is not None]


def test_register_lists_agency_period(province, people, received):
    later = desk_application(
        province.licence, people.justice_desk, province.justice, province.justice, at(2026, 3, 4, 8, 0)
    )
    desk_application(
        province.licence, people.justice_desk, province.justice, province.justice, at(2026, 4, 1, 8, 0)
    )
    ward_officer = builders.staff("tv_motcua_2", "desk_officer", province.thanh_vinh)
    other = desk_application(
        province.birth, ward_officer, province.thanh_vinh, province.thanh_vinh, at(2026, 3, 3, 8, 0)
    )

    sheet, rows = register_rows(build_register(province.justice, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)))

    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["A2"].value == "Sở Tư pháp"
    assert sheet["A3"].value == "Từ 01/03/2026 đến 31/03/2026"
    headers = [cell.value for cell in sheet[5]]
    assert headers[:3] == ["STT", "Mã hồ sơ", "Tên thủ tục hành chính"]
    assert "Hẹn trả kết quả" in headers
    assert [row[1] for row in rows] == [received.code, later.code]
    assert other.code not in [row[1] for row in rows]
    first = rows[0]
    assert first[2] == "Cấp phiếu lý lịch tư pháp"
    assert first[4] == "Lê Văn Nam"
    assert first[7] == datetime.datetime(2026, 3, 2, 9, 0)
    assert first[8] == datetime.datetime(2026, 3, 16, 9, 0)
    assert first[12] == "Đã tiếp nhận"
    assert sheet.cell(row=6, column=8).number_format == "dd/mm/yyyy hh:mm"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.auto_filter.ref.startswith("A5:")


def test_register_view_limits_staff_to_own_agency(client, province, people, received):
    client.force_login(people.justice_desk)
    url = reverse("submissions_slips:register")

    own = client.get(url, {"agency": province.justice.pk, "date_from": "01/03/2026", "date_to": "31/03/2026"})
    other = client.get(url, {"agency": province.thanh_vinh.pk, "date_from": "01/03/2026", "date_to": "31/03/2026"})
    reversed_dates = client.get(url, {"agency": province.justice.pk, "date_from": "31/03/2026", "date_to": "01/03/2026"})

    assert own.status_code == 200
    assert own["Content-Type"].startswith("application/vnd.openxmlformats")
    _sheet, rows = register_rows(own.content)
    assert [row[1] for row in rows] == [received.code]
    assert other.status_code == 400
    assert reversed_dates.status_code == 400
    assert "Ngày kết thúc trước ngày bắt đầu" in reversed_dates.content.decode()


def test_application_list_links_slips(client, people, received):
    client.force_login(people.justice_desk)

    response = client.get(reverse("ho-so_danh-sach_modeladmin_index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("submissions_slips:pdf", args=[received.pk, "bien-nhan"]) in html
    assert reverse("submissions_slips:pdf", args=[received.pk, "kiem-soat"]) in html
    assert "Mẫu 01" in html
