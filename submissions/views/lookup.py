"""
Status lookup by application code and the last four digits of the applicant's phone.

A wrong pair reveals nothing: an unknown code and a wrong phone give the same page, the same
status code and the same work on the server (one query by code, one constant-time comparison).
Attempts are limited per client address and per code in the cache, failed or not, so four
digits cannot be guessed by trying them all.
"""

import hashlib
import hmac
import logging

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms.public import LookupForm
from ..models import AccessLog, Application, Status
from ..processing.actions import pending_supplement
from .public import supplement_url

logger = logging.getLogger(__name__)

# Compared against when the code does not exist, so both cases do the same work.
_NO_DIGITS = "\x00\x00\x00\x00"


def client_address(request):
    """
    Return the client's IP address.

    Behind a trusted reverse proxy (PORTAL_TRUSTED_PROXIES) it is the last address in
    X-Forwarded-For that is not a trusted proxy, because each proxy appends the address it saw.
    A client that sends the header itself directly is ignored, so it cannot pick its address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.PORTAL_TRUSTED_PROXIES)
    if remote not in trusted:
        return remote

    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return remote


def _count_attempt(key):
    """Count one attempt under `key` and return the number of attempts in the current window."""
    window = settings.PORTAL_LOOKUP_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:
        # The key expired between add() and incr(): this is the first attempt of a new window.
        cache.set(key, 1, timeout=window)
        return 1


def _rate_limited(request, code):
    limit = settings.PORTAL_LOOKUP_MAX_ATTEMPTS
    address_key = "lookup:address:" + hashlib.sha256(client_address(request).encode()).hexdigest()
    code_key = "lookup:code:" + hashlib.sha256(code.encode()).hexdigest()
    address_attempts = _count_attempt(address_key)
    code_attempts = _count_attempt(code_key)
    return address_attempts > limit or code_attempts > limit


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
    if _rate_limited(request, code):
        logger.warning("Status lookup rate limit reached")
        form.add_error(
            None,
            _("Too many lookups in a short time. Wait %(minutes)s minutes and try again.")
            % {"minutes": settings.PORTAL_LOOKUP_WINDOW_SECONDS // 60},
        )
        return render(request, "submissions/lookup.html", {"form": form}, status=429)

    application = find_application(code, form.cleaned_data["phone_digits"])
    if application is None:
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
