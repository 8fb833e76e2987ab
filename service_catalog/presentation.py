"""Presentation of procedures on the public site: time limits, fees, receiving desks and JSON-LD."""

import json
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.formatting import format_money

from .models import Agency
from .models.procedures import Channel, OnlineServiceKind, TimeLimitUnit, governing_row

_UNIT_TEXTS = {
    TimeLimitUnit.WORKING_DAYS: lambda count: ngettext("%(count)s working day", "%(count)s working days", count),
    TimeLimitUnit.DAYS: lambda count: ngettext("%(count)s day", "%(count)s days", count),
    TimeLimitUnit.HOURS: lambda count: ngettext("%(count)s hour", "%(count)s hours", count),
    TimeLimitUnit.MONTHS: lambda count: ngettext("%(count)s month", "%(count)s months", count),
}

# Characters escaped so JSON inside <script> cannot close the element (as Django's json_script does).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

# ISO 8601 durations for schema.org; working days have none because weekends and holidays vary.
_ISO_UNITS = {TimeLimitUnit.DAYS: "P{}D", TimeLimitUnit.HOURS: "PT{}H", TimeLimitUnit.MONTHS: "P{}M"}


def format_time_limit(channel):
    """Return "5 ngày làm việc" for a parsed limit, or the published text ("5 Khác") otherwise."""
    if not channel.has_parsed_time_limit:
        return channel.time_limit_text
    value = channel.time_limit_value
    count = int(value) if value == int(value) else value
    number = formats.number_format(count)
    return _UNIT_TEXTS[channel.time_limit_unit](count if isinstance(count, int) else 2) % {"count": number}


def time_limit_summary(channels):
    """Return one line for a listing: the shortest parsed limit, or the first published text."""
    parsed = [channel for channel in channels if channel.has_parsed_time_limit]
    if parsed:
        fastest = min(parsed, key=lambda channel: (channel.time_limit_unit != TimeLimitUnit.HOURS, channel.time_limit_value))
        return format_time_limit(fastest)
    return next((channel.time_limit_text for channel in channels if channel.time_limit_text), "")


def format_fee(channel):
    """Return "50.000 đ" when the fee has an amount, else the published fee text."""
    if channel.fee_amount is not None:
        return format_money(channel.fee_amount)
    return channel.fee_text


def fee_summary(channels):
    """Return one line for a listing: the range of known amounts, or "" when none is known."""
    amounts = sorted({channel.fee_amount for channel in channels if channel.fee_amount is not None})
    if not amounts:
        return ""
    if amounts == [0]:
        return _("Free of charge")
    if len(amounts) == 1:
        return format_money(amounts[0])
    return f"{format_money(amounts[0])} – {format_money(amounts[-1])}"


@dataclass
class Desk:
    """A place where an application is handed in, with its address and opening hours."""

    name: str
    address: str
    office_hours: str
    url: str = ""


DESKS_CACHE_KEY = "service_catalog:receiving-desks"
AGENCY_DATA_VERSION_KEY = "service_catalog:agency-data-version"


def _desk_agencies():
    """
    Return (service centre, commune office hours) from the cache or with one query each.

    Every procedure page shows them, and they change only when staff edit an agency, which
    clears the cache (see `clear_desks_cache`).
    """
    cached = cache.get(DESKS_CACHE_KEY)
    if cached is not None:
        return cached
    current = Agency.objects.current()
    centre = current.filter(kind=Agency.Kind.SERVICE_CENTRE).order_by("pk").first()
    commune_hours = (
        current.filter(kind=Agency.Kind.COMMUNE).exclude(office_hours="").values_list("office_hours", flat=True).first()
    )
    desks = (centre, commune_hours or "")
    cache.set(DESKS_CACHE_KEY, desks, 3600)
    return desks


def agency_data_version():
    """Return a token that `clear_desks_cache` replaces whenever agencies or sectors change."""
    version = cache.get(AGENCY_DATA_VERSION_KEY)
    if version is None:
        cache.add(AGENCY_DATA_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(AGENCY_DATA_VERSION_KEY)
    return version


def clear_desks_cache(**kwargs):
    """Signal receiver for agency and sector saves and deletes: forget desks and cached pages."""
    cache.delete(DESKS_CACHE_KEY)
    cache.set(AGENCY_DATA_VERSION_KEY, uuid.uuid4().hex, None)


def receiving_desks(page):
    """
    Return the desks that receive applications for `page`.

    Provincial procedures are received at the province's public administration service
    centre; commune-level procedures at the service centre of the applicant's commune or ward.
    """
    centre, commune_hours = _desk_agencies()
    desks = []
    if (page.level_province or page.level_ministry or not page.level_commune) and centre is not None:
        url = reverse("service_catalog:agency", args=[centre.code])
        desks.append(Desk(centre.name, centre.address, centre.office_hours, url))
    if page.level_commune:
        desks.append(
            Desk(
                _("Public administration service centre of your commune or ward"),
                _("At the People's Committee of the commune or ward"),
                commune_hours,
                reverse("service_catalog:agencies") + "#communes",
            )
        )
    return desks


def channels_by_kind(channels):
    """
    Group channel rows by channel, in the order in person, online, by post.

    Sets `sets_deadline` on each row: True on the row whose time limit sets an application's
    deadline (see `governing_row`) when its channel has several rows (cases).
    """
    groups = []
    for channel in Channel:
        rows = [row for row in channels if row.channel == channel]
        if not rows:
            continue
        governing = governing_row(rows)
        for row in rows:
            row.sets_deadline = len(rows) > 1 and row is governing
        groups.append((channel.label, rows))
    return groups


def channel_summaries(channels):
    """Return (channel label, distinct time limits, distinct fees) per channel, for the checklist."""
    summaries = []
    for label, rows in channels_by_kind(channels):
        limits = list(dict.fromkeys(format_time_limit(row) for row in rows if format_time_limit(row)))
        fees = list(dict.fromkeys(format_fee(row) for row in rows if format_fee(row)))
        summaries.append((label, limits, fees))
    return summaries


def _json_ld(page, request, channels, desks):
    url = page.get_full_url(request)
    audiences = [
        label
        for flag, label in (
            (page.for_citizens, _("Citizens")),
            (page.for_organisations, _("Organisations")),
            (page.for_businesses, _("Businesses")),
        )
        if flag
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": page.display_name,
        "identifier": page.instance_code,
        "url": url,
        "serviceType": page.sector.name if page.sector else "",
        "provider": {
            "@type": "GovernmentOrganization",
            "name": page.owner_agency.name,
            "identifier": page.owner_agency.code,
        },
        "areaServed": {"@type": "AdministrativeArea", "name": settings.PORTAL_PROVINCE_NAME},
        "availableChannel": [_channel_json_ld(row, page, request, desks) for row in channels],
    }
    if audiences:
        data["audience"] = [{"@type": "Audience", "audienceType": str(label)} for label in audiences]
    amounts = sorted({row.fee_amount for row in channels if row.fee_amount is not None})
    if amounts:
        data["offers"] = {"@type": "Offer", "price": amounts[0], "priceCurrency": "VND"}
    if page.description:
        data["description"] = page.description
    return data


def _channel_json_ld(row, page, request, desks):
    channel = {"@type": "ServiceChannel", "name": str(row.get_channel_display()), "availableLanguage": "vi"}
    if row.has_parsed_time_limit and row.time_limit_unit in _ISO_UNITS:
        value = row.time_limit_value
        channel["processingTime"] = _ISO_UNITS[row.time_limit_unit].format(int(value) if value == int(value) else value)
    if row.channel == Channel.ONLINE and page.accepts_online:
        channel["serviceUrl"] = request.build_absolute_uri(reverse("submissions:apply", args=[page.pk]))
    elif row.channel == Channel.IN_PERSON and desks:
        channel["serviceLocation"] = {"@type": "Place", "name": desks[0].name, "address": desks[0].address}
    return channel


def json_ld_script(data):
    """Return a safe <script type="application/ld+json"> element for `data`."""
    text = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


class ProcedureDisplay:
    """
    Everything the procedure page and the checklist show, each part fetched on first use.

    The page template caches its rendered body, so on most requests none of these queries run.
    """

    def __init__(self, page, request):
        self.page = page
        self.request = request

    @cached_property
    def channels(self):
        return list(self.page.channels.all())

    @cached_property
    def channel_groups(self):
        return channels_by_kind(self.channels)

    @cached_property
    def channel_summaries(self):
        return channel_summaries(self.channels)

    @cached_property
    def steps(self):
        return list(self.page.steps.all())

    @cached_property
    def dossier(self):
        return list(self.page.dossier_components.select_related("form_document"))

    @cached_property
    def components(self):
        """The documents to bring or upload, required and conditional, in the record's order."""
        return [component for component in self.dossier if not component.is_note]

    @cached_property
    def notes(self):
        """The dossier's notes: guidance that requires no document."""
        return [component for component in self.dossier if component.is_note]

    @cached_property
    def has_conditional_components(self):
        return any(component.is_conditional for component in self.components)

    @cached_property
    def results(self):
        return list(self.page.results.all())

    @cached_property
    def legal_bases(self):
        return list(self.page.legal_bases.all())

    @cached_property
    def implementing_agencies(self):
        return list(self.page.implementing_agencies.all())

    @cached_property
    def desks(self):
        return receiving_desks(self.page)

    @property
    def is_full_online(self):
        return self.page.online_service_kind == OnlineServiceKind.FULL

    @cached_property
    def json_ld(self):
        return json_ld_script(_json_ld(self.page, self.request, self.channels, self.desks))

    @property
    def checklist_url(self):
        return reverse("service_catalog:checklist", args=[self.page.pk])

    @property
    def checklist_pdf_url(self):
        return reverse("service_catalog:checklist_pdf", args=[self.page.pk])

    @cached_property
    def data_version(self):
        """Token that changes when agencies or sectors change, for the page's cache keys."""
        return agency_data_version()


def procedure_context(page, request):
    """Return the template context of a procedure page: the page's ProcedureDisplay."""
    return {"procedure": ProcedureDisplay(page, request)}
