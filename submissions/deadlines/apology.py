"""Issuing an apology letter: staff complete the draft with the reason and the new appointment."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import staff_agency

from ..models import Action
from ..notifications.messages import apology_update, local_datetime
from ..notifications.outbox import notify_applicant
from ..processing.actions import ActionError, actor_name, perform
from ..working_time import calendar_for
from .models import ApologyLetter

logger = logging.getLogger(__name__)


class ApologyError(ActionError):
    """Raised when the letter cannot be issued; `message` gives the reason in the user's language."""


def issue_apology(letter, user, *, new_due_date, reason, now=None):
    """
    Issue `letter` with `reason` and a new appointment at closing time of `new_due_date`.

    In one transaction: the application's timeline gets an event visible to the applicant
    (through `processing.actions.perform`, so the usual permission and scope rules apply), the
    letter is marked issued, and the applicant's e-mail and SMS are written to the outbox.
    Raises ApologyError, or the ActionError of `perform` when the user may not act.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ApologyError(_("Write the reason for the delay: it is printed on the apology letter."))

    application = letter.application
    new_due_at = calendar_for(application.receiving_agency).close_of(new_due_date)
    if new_due_at <= now:
        raise ApologyError(_("The new appointment must be later than now. Choose a later working day."))
    if new_due_at <= letter.missed_due_at:
        raise ApologyError(_("The new appointment must be later than the missed appointment."))

    with transaction.atomic():
        locked = ApologyLetter.objects.select_for_update().get(pk=letter.pk)
        if locked.is_issued:
            raise ApologyError(_("This apology letter was already issued."))

        with translation.override(settings.LANGUAGE_CODE):
            note = _("Apology letter issued. New appointment: %(moment)s. Reason: %(reason)s") % {
                "moment": local_datetime(new_due_at),
                "reason": reason,
            }
        event = perform(application, Action.COMMENT, user, note=note, is_internal=False, now=now)

        locked.state = ApologyLetter.State.ISSUED
        locked.new_due_at = new_due_at
        locked.reason = reason
        locked.issued_at = now
        locked.issued_by = user
        locked.issued_by_name = actor_name(user)
        locked.issuing_agency = staff_agency(user) or application.processing_agency
        locked.save()
        notify_applicant(application, apology_update(locked), event=event)

    logger.info("Apology letter id=%s issued for application id=%s", locked.pk, application.pk)
    return locked
