"""
The intake register (Sổ theo dõi hồ sơ, Mẫu 06) as an XLSX workbook, A4 landscape.

One row per application received by an agency in a date range (local dates of filing), with
the columns of the paper register plus the status and the on-time or late result. Times are
written as Excel date-times in local time (Excel has no time zones) formatted dd/mm/yyyy hh:mm.
"""

import datetime
import io

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from ..models import Application, Status
from ..validators import strip_unsafe_characters

DATE_TIME_FORMAT = "dd/mm/yyyy hh:mm"
# Leading characters that make spreadsheet programs read text as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _columns():
    """Return (heading, width) of each column, in the active language."""
    return [
        (_("No."), 6),
        (_("Application code"), 26),
        (_("Name of the administrative procedure"), 40),
        (_("Dossier sets"), 8),
        (_("Name of the person or organisation"), 24),
        (_("Address and phone"), 32),
        (_("Processing agency"), 28),
        (_("Received at (date and time)"), 17),
        (_("Appointment to return the result"), 17),
        (_("Sent to the processing agency"), 17),
        (_("Result back from the processing agency"), 17),
        (_("Result returned to the applicant"), 17),
        (_("Status"), 20),
        (_("On time or late"), 12),
        (_("Channel"), 12),
        (_("Note"), 24),
    ]


def _naive_local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _period_bounds(date_from, date_to):
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def register_queryset(agency, date_from, date_to):
    """Applications received by `agency` (every agency when None) and filed from `date_from` to `date_to`."""
    start, end = _period_bounds(date_from, date_to)
    queryset = Application.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    if agency is not None:
        queryset = queryset.filter(receiving_agency=agency)
    return (
        queryset.select_related("processing_agency", "receiving_agency")
        .prefetch_related("stints")
        .order_by("submitted_at", "pk")
    )


def _timeliness(application, now):
    late = pgettext("timeliness of a hand-over", "Late")
    if application.finished_at is not None:
        return late if application.is_late else pgettext("timeliness of a hand-over", "On time")
    if application.is_overdue(now):
        return late
    return ""


def _sent_to_processing(application):
    for stint in application.stints.all():
        if stint.agency_id != application.receiving_agency_id:
            return stint.started_at
    return None


def register_row(number, application, now):
    address = application.applicant_address
    if application.applicant_phone:
        address = f"{address}; {application.applicant_phone}"
    return [
        number,
        application.code,
        application.procedure_title,
        1,
        application.applicant_name,
        address,
        application.processing_agency.name,
        _naive_local(application.received_at or application.submitted_at),
        _naive_local(application.due_at),
        _naive_local(_sent_to_processing(application)),
        _naive_local(application.finished_at if application.status in (Status.DONE, Status.RETURNED) else None),
        _naive_local(application.returned_at),
        application.get_status_display(),
        _timeliness(application, now),
        application.get_channel_display(),
        _("repeated supplement request") if application.supplement_count > 1 else "",
    ]


def write_cell(sheet, row, column, value):
    """
    Write `value` to a cell; text is always stored as text, never as a formula.

    openpyxl stores a string that starts with "=" as a formula, and spreadsheet programs read
    text starting with "+", "-", "@", a tab or a carriage return as one when it is edited or
    exported to CSV (formula injection). The cell's data type is set to string, so a name like
    `=HYPERLINK(…)` shows as typed. Control characters, which XLSX cannot store, are removed
    (the forms reject them; rows written before that check may still have them).
    """
    if not isinstance(value, str):
        return sheet.cell(row=row, column=column, value=value)
    text = strip_unsafe_characters(value, multiline=True)
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell = sheet.cell(row=row, column=column)
    cell.value = text
    cell.data_type = TYPE_STRING
    if text.startswith(FORMULA_PREFIXES):
        # Shown as typed but kept as text by spreadsheet programs that re-read the value.
        cell.quotePrefix = True
    return cell


def build_register(agency, date_from, date_to):
    """Return the register workbook as XLSX bytes."""
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Intake register")[:31]
        columns = _columns()
        last_column = get_column_letter(len(columns))

        sheet["A1"] = _("Intake register").upper()
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.merge_cells(f"A1:{last_column}1")
        sheet["A1"].alignment = Alignment(horizontal="center")
        sheet["A2"] = agency.name if agency is not None else _("All agencies")
        sheet.merge_cells(f"A2:{last_column}2")
        sheet["A2"].alignment = Alignment(horizontal="center")
        sheet["A3"] = _("From %(start)s to %(end)s") % {"start": f"{date_from:%d/%m/%Y}", "end": f"{date_to:%d/%m/%Y}"}
        sheet.merge_cells(f"A3:{last_column}3")
        sheet["A3"].alignment = Alignment(horizontal="center")

        header_row = 5
        for index, (heading, width) in enumerate(columns, start=1):
            cell = sheet.cell(row=header_row, column=index, value=heading)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BORDER
            sheet.column_dimensions[get_column_letter(index)].width = width

        row_number = header_row
        for number, application in enumerate(register_queryset(agency, date_from, date_to), start=1):
            row_number = header_row + number
            for index, value in enumerate(register_row(number, application, now), start=1):
                cell = write_cell(sheet, row_number, index, value)
                cell.border = BORDER
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                if isinstance(value, datetime.datetime):
                    cell.number_format = DATE_TIME_FORMAT

        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
        sheet.auto_filter.ref = f"A{header_row}:{last_column}{max(row_number, header_row)}"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = f"{header_row}:{header_row}"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
