"""
Status lookup by application code and the last four digits of the applicant's phone.

A wrong pair reveals nothing: an unknown code and a wrong phone give the same page, the same
status code and the same work on the server (one query by code, one constant-time comparison).
Attempts are limited per client address. Failed attempts on one code slow further attempts on
it (see `_code_wait_seconds`), so four digits cannot be guessed by trying them all, while a
stranger who fails on purpose cannot lock the owner out.
"""

import hmac
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from ..clients import add_to_counter, cache_key, client_address
from ..forms.public import LookupForm
from ..models import AccessLog, Application, Status
from ..processing.actions import pending_supplement
from .public import supplement_url

logger = logging.getLogger(__name__)

# Compared against when the code does not exist, so both cases do the same work.
_NO_DIGITS = "\x00\x00\x00\x00"


def _too_many_from_client(request):
    """Count this attempt for the client address; return True when it is over the limit of the window."""
    key = cache_key("lookup:address", client_address(request))
    attempts = add_to_counter(key, 1, settings.PORTAL_LOOKUP_WINDOW_SECONDS)
    return attempts > settings.PORTAL_LOOKUP_MAX_ATTEMPTS


def _code_wait_seconds(code):
    """
    Return how many seconds an attempt on `code` must still wait, 0 when it may go ahead.

    Failures on one code (counted by `_count_code_failure`) beyond the free ones make each next
    attempt wait twice as long as the one before, up to a maximum. Anyone may try a code, so
    this slows guessing of its four digits without ever locking its owner out.
    """
    earliest = cache.get(cache_key("lookup:code-next", code))
    if earliest is None:
        return 0
    return max(0, math.ceil(earliest - time.time()))


def _count_code_failure(code):
    window = settings.PORTAL_LOOKUP_WINDOW_SECONDS
    failures = add_to_counter(cache_key("lookup:code-failures", code), 1, window)
    excess = failures - settings.PORTAL_LOOKUP_CODE_FREE_FAILURES
    if excess <= 0:
        return
    delay = min(2**excess, settings.PORTAL_LOOKUP_CODE_MAX_DELAY_SECONDS)
    cache.set(cache_key("lookup:code-next", code), time.time() + delay, timeout=window)


def find_application(code, phone_digits):
    """Return the application with `code` whose phone ends with `phone_digits`, or None."""
    application = Application.objects.filter(code=code).first()
    expected = application.phone_last_digits if application is not None else _NO_DIGITS
    matches = hmac.compare_digest(expected.encode(), phone_digits.encode())
    return application if matches and application is not None else None


def _public_timeline(application):
    """Return the events shown to the applicant: action, time, agency, and the note unless it is internal."""
    timeline = []
    for event in application.events.select_related("agency").order_by("at", "pk"):
        timeline.append(
            {
                "at": event.at,
                "action": event.get_action_display(),
                "status": Status(event.to_status).label,
                "agency": event.agency.name if event.agency else "",
                "note": "" if event.is_internal else event.note,
            }
        )
    return timeline


@require_http_methods(["GET", "POST"])
def lookup(request):
    if request.method == "GET":
        form = LookupForm(initial={"code": request.GET.get("ma", "")})
        return render(request, "submissions/lookup.html", {"form": form})

    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "submissions/lookup.html", {"form": form}, status=400)

    code = form.cleaned_data["code"]
    if _too_many_from_client(request):
        logger.warning("Status lookup limit per client address reached")
        form.add_error(
            None,
            _("Too many lookups in a short time. Wait %(minutes)s minutes and try again.")
            % {"minutes": settings.PORTAL_LOOKUP_WINDOW_SECONDS // 60},
        )
        return render(request, "submissions/lookup.html", {"form": form}, status=429)

    wait = _code_wait_seconds(code)
    if wait:
        logger.info("Status lookup slowed down for a code with many failed attempts")
        form.add_error(
            None,
            ngettext(
                "This code was looked up with wrong digits many times. Wait %(seconds)s second and try again.",
                "This code was looked up with wrong digits many times. Wait %(seconds)s seconds and try again.",
                wait,
            )
            % {"seconds": wait},
        )
        response = render(request, "submissions/lookup.html", {"form": form}, status=429)
        response["Retry-After"] = str(wait)
        return response

    application = find_application(code, form.cleaned_data["phone_digits"])
    if application is None:
        _count_code_failure(code)
        form.add_error(
            None,
            _(
                "No application matches this code and phone number. Check the code on your receipt "
                "and the last four digits of the phone number you gave."
            ),
        )
        return render(request, "submissions/lookup.html", {"form": form}, status=404)

    pending = pending_supplement(application) if application.status == Status.SUPPLEMENT_REQUESTED else None
    context = {
        "form": LookupForm(initial={"code": code}),
        "application": application,
        "timeline": _public_timeline(application),
        "access_log": AccessLog.objects.filter(application=application).order_by("-at", "-pk"),
        "pending_supplement": pending,
        "supplement_link": supplement_url(application, pending) if pending else "",
        "overdue": application.is_overdue(),
    }
    return render(request, "submissions/lookup.html", context)
