"""Staff screens inside the Wagtail admin: application detail and actions, documents, desk intake."""

import datetime
import logging

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.roles import Role, has_role, staff_agency
from service_catalog.models import StaffProfile

from ..downloads import stored_file_response
from ..drafts import (
    draft_application,
    draft_for,
    files_by_slot,
    keep_file,
    new_token,
    posted_draft,
    save_draft,
    sign_draft,
)
from ..forms.staff import IntakeForm, ProcedureChoiceForm, StatisticsForm, action_form_class
from ..models import (
    AccessLog,
    Action,
    Application,
    ApplicationDocument,
    EventAttachment,
    Status,
)
from ..processing import steps as step_ops
from ..processing.actions import (
    ActionError,
    ActionNotAllowed,
    FileInput,
    StaleApplication,
    actor_name,
    pending_supplement,
    perform,
)
from ..processing.intake import Applicant, Decision, processing_agency_for, record_intake
from ..processing.rules import RULES, STAFF_ROLES, allowed_actions
from ..procedures import published_procedure
from ..stats import agency_statistics, totals
from ..validators import format_phone, stored_file_name
from ..working_time import calendar_for

logger = logging.getLogger(__name__)

# URL name of the application list; wagtail-modeladmin derives it from ApplicationAdmin.base_url_path.
APPLICATION_LIST_URL_NAME = "ho-so_danh-sach_modeladmin_index"


def is_staff_member(user):
    return any(has_role(user, role) for role in STAFF_ROLES)


def require_staff(user):
    if not is_staff_member(user):
        raise PermissionDenied(_("Only desk officers, specialists and leaders work on applications."))


def visible_application_or_404(user, pk):
    """Return the application if `user`'s agency may see it; other agencies get a 404, not a hint."""
    return get_object_or_404(
        Application.objects.visible_to(user).select_related(
            "procedure", "receiving_agency", "processing_agency", "current_agency", "current_step", "procedure_revision"
        ),
        pk=pk,
    )


def record_access(application, user, kind, document_name=""):
    agency = staff_agency(user)
    AccessLog.objects.create(
        application=application,
        user=user,
        user_name=actor_name(user),
        agency_name=agency.name if agency else "",
        kind=kind,
        document_name=document_name[:255],
    )


def _keep(draft, slot, uploaded):
    """Keep a checked upload in the officer's draft; raises ValidationError when the draft is full."""
    return keep_file(
        draft, slot, uploaded, uploaded.checked_content_type, stored_file_name(uploaded.name, uploaded.checked_content_type)
    )


def _file_inputs(kept_files):
    return [
        FileInput(name=kept.original_name, content_type=kept.content_type, file=kept.file.name, size=kept.size)
        for kept in kept_files
    ]


class ApplicationDetailView(WagtailAdminTemplateMixin, TemplateView):
    """
    One application: applicant, documents, steps, time per agency, timeline, access log, and the
    actions the signed-in officer may take now. Each opening is recorded in the access log.
    """

    template_name = "submissions/admin/application_detail.html"
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        require_staff(request.user)
        self.application = visible_application_or_404(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Application %(code)s") % {"code": self.application.code}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(APPLICATION_LIST_URL_NAME), "label": _("Applications")},
            {"url": "", "label": self.application.code},
        ]

    def get(self, request, *args, **kwargs):
        record_access(self.application, request.user, AccessLog.Kind.VIEW)
        return super().get(request, *args, **kwargs)

    def _draft_purpose(self):
        return f"action-{self.application.pk}-{self.request.user.pk}"

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if action not in RULES:
            # Only a crafted post names an action that no officer takes (submit, intake) or none at all.
            logger.warning("Rejected unknown action %r on application id=%s", action[:40], self.application.pk)
            raise BadRequest(f"Invalid action {action[:40]!r}: post one of the actions the application page offers.")
        steps = step_ops.ordered_steps(self.application)
        form_class = action_form_class(action)
        draft = draft_for(request.POST.get(f"{action}-draft"), self._draft_purpose())
        form = form_class(
            request.POST,
            request.FILES,
            prefix=action,
            application=self.application,
            kept_files=files_by_slot(draft),
        )
        is_valid = form.is_valid()
        self._keep_action_files(form, draft)

        if not is_valid or form.errors:
            messages.error(request, _("The action was not saved; correct the fields marked below."))
            return self._rerender(action, form, draft, status=400)

        kept_files = files_by_slot(draft)
        attachments = _file_inputs(kept for slot, kept in kept_files.items() if slot.startswith("attachment-"))
        params = form.action_params()
        if action == Action.SUPPLEMENT_RECEIVED:
            params["files"] = {
                item.pk: _file_inputs([kept_files[f"item_{item.pk}"]])[0]
                for item in form.items
                if f"item_{item.pk}" in kept_files
            }
        try:
            perform(
                self.application,
                action,
                request.user,
                expected_version=form.cleaned_data["version"],
                note=form.cleaned_data.get("note", ""),
                is_internal=not form.cleaned_data.get("visible_to_applicant"),
                attachments=attachments,
                **params,
            )
        except StaleApplication as error:
            messages.error(request, error.message)
            return self._rerender(action, form, draft, status=409, conflict=True)
        except ActionNotAllowed as error:
            messages.error(request, error.message)
            return self._rerender(action, form, draft, status=403, conflict=True)
        except ActionError as error:
            form.add_error(None, error.message)
            messages.error(request, error.message)
            return self._rerender(action, form, draft, status=400)

        draft.files.all().delete()
        messages.success(request, _("Saved: %(action)s.") % {"action": Action(action).label})
        if action == Action.SET_APPOINTMENT:
            self._report_moved_appointment(request, params.get("due_at"))
        return redirect("submissions_admin:detail", pk=self.application.pk)

    def _report_moved_appointment(self, request, requested):
        """Warn when the date entered fell on a day off and the appointment moved to the next working day."""
        self.application.refresh_from_db(fields=["due_at"])
        stored = timezone.localtime(self.application.due_at)
        if isinstance(requested, datetime.datetime):
            requested = timezone.localtime(requested).date()
        if requested is None or stored.date() == requested:
            return
        messages.warning(
            request,
            _("%(requested)s is not a working day, so the appointment is %(stored)s.")
            % {"requested": requested.strftime("%d/%m/%Y"), "stored": stored.strftime("%H:%M %d/%m/%Y")},
        )

    def _keep_action_files(self, form, draft):
        """Keep every accepted file of the action in the officer's draft, so a conflict loses none."""
        cleaned = getattr(form, "cleaned_data", {})
        kept = dict(form.kept_files)
        if "attachments" not in form.errors:
            start = sum(1 for slot in kept if slot.startswith("attachment-"))
            for index, uploaded in enumerate(cleaned.get("attachments") or [], start=start):
                slot = f"attachment-{index}"
                try:
                    kept[slot] = _keep(draft, slot, uploaded)
                except ValidationError as error:
                    form.add_error("attachments", error)
                    break
        for name, value in cleaned.items():
            if name.startswith("item_") and value and name not in form.errors:
                try:
                    kept[name] = _keep(draft, name, value)
                except ValidationError as error:
                    form.add_error(name, error)
        form.kept_files = kept

    def _rerender(self, action, form, draft, status, conflict=False):
        # Read the application again: after a conflict the officer must see the other change.
        self.application = visible_application_or_404(self.request.user, self.application.pk)
        record_access(self.application, self.request.user, AccessLog.Kind.VIEW)
        context = self.get_context_data(
            submitted_action=action,
            submitted_form=form,
            submitted_draft_token=sign_draft(draft),
            conflict=conflict,
        )
        return self.render_to_response(context, status=status)

    def get_context_data(self, submitted_action=None, submitted_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application
        steps = step_ops.ordered_steps(application)
        actions = allowed_actions(application, self.request.user, steps)

        action_forms = []
        for action in actions:
            if action == submitted_action and submitted_form is not None and not kwargs.get("conflict"):
                form = submitted_form
            else:
                form = action_form_class(action)(
                    prefix=action, application=application, initial={"version": application.version}
                )
            token = kwargs.get("submitted_draft_token") if action == submitted_action else new_token(self._draft_purpose())
            action_forms.append({"action": action, "label": Action(action).label, "form": form, "draft_token": token})

        if kwargs.get("conflict") and submitted_form is not None:
            # Bind the officer's input to the new version so one click resubmits it, if still allowed.
            for entry in action_forms:
                if entry["action"] == submitted_action:
                    data = submitted_form.data.copy()
                    data[f"{submitted_action}-version"] = application.version
                    entry["form"] = action_form_class(submitted_action)(
                        data, prefix=submitted_action, application=application, kept_files=submitted_form.kept_files
                    )

        stints = []
        for stint in application.stints.select_related("agency"):
            minutes = stint.office_minutes
            if minutes is None:
                calendar = calendar_for(stint.agency)
                until = application.paused_at or timezone.now()
                minutes = max(calendar.office_minutes_between(stint.started_at, until), 0)
            stints.append({"stint": stint, "hours": round(minutes / 60, 1)})

        context.update(
            {
                "application": application,
                "phone_display": format_phone(application.applicant_phone),
                "steps": steps,
                "documents": application.documents.select_related("replaced_by").order_by("component_name", "pk"),
                "supplement_requests": application.supplement_requests.prefetch_related("items"),
                "pending_supplement": pending_supplement(application),
                "events": application.events.select_related("agency", "step").prefetch_related("attachments"),
                "access_log": application.access_log.all()[:100],
                "stints": stints,
                "action_forms": action_forms,
                "submitted_action": submitted_action,
                "submitted_form": submitted_form,
                "overdue": application.is_overdue(),
                "Status": Status,
            }
        )
        return context


def document_download(request, pk, document_id):
    require_staff(request.user)
    application = visible_application_or_404(request.user, pk)
    document = get_object_or_404(ApplicationDocument, pk=document_id, application=application)
    record_access(application, request.user, AccessLog.Kind.DOWNLOAD, document.original_name)
    return stored_file_response(document.file, document.original_name)


def attachment_download(request, pk, attachment_id):
    require_staff(request.user)
    application = visible_application_or_404(request.user, pk)
    attachment = get_object_or_404(EventAttachment, pk=attachment_id, event__application=application)
    record_access(application, request.user, AccessLog.Kind.DOWNLOAD, attachment.original_name)
    return stored_file_response(attachment.file, attachment.original_name)


class IntakeMixin(WagtailAdminTemplateMixin):
    header_icon = "form"
    page_title = gettext_lazy("Desk intake")

    def dispatch(self, request, *args, **kwargs):
        if not has_role(request.user, Role.DESK_OFFICER):
            raise PermissionDenied(_("Only desk officers record paper applications."))
        # One query for the profile and its agency; `staff_agency` then reads them from the user.
        prefetch_related_objects(
            [request.user], Prefetch("staff_profile", queryset=StaffProfile.objects.select_related("agency"))
        )
        self.agency = staff_agency(request.user)
        if self.agency is None:
            raise PermissionDenied(_("Your account is not linked to an agency; ask an administrator to set it."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": _("Desk intake")}]


INTAKE_SEARCH_RESULTS = 20


def procedure_matches(query):
    """
    Return the live procedures matching `query` as (id, title) pairs, best first.

    The portal's search folds Vietnamese diacritics, so "giam ho" finds "giám hộ". Wagtail's
    page chooser searches without folding, so desk officers typing without diacritics find nothing there.
    """
    from search.models import ContentType
    from search.service import run_search

    outcome = run_search(query[:300], {"type": ContentType.PROCEDURE}, per_page=INTAKE_SEARCH_RESULTS)
    return [(hit.page_id, hit.title) for hit in outcome.hits]


class IntakeStartView(IntakeMixin, FormView):
    """Choose the procedure; the intake form then lists that procedure's documents."""

    template_name = "submissions/admin/intake_start.html"
    form_class = ProcedureChoiceForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        context["query"] = query
        context["matches"] = procedure_matches(query) if query else None
        return context

    def form_valid(self, form):
        return redirect("submissions_admin:intake_form", procedure_id=form.cleaned_data["procedure"].pk)


class IntakeFormView(IntakeMixin, TemplateView):
    template_name = "submissions/admin/intake_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.procedure = published_procedure(kwargs["procedure_id"], public_only=False)
        if self.procedure is None:
            raise Http404("No published procedure with this id.")
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.procedure.title

    def _purpose(self):
        return f"intake-{self.procedure.pk}-{self.request.user.pk}"

    def get(self, request, *args, **kwargs):
        form = IntakeForm(procedure=self.procedure, officer_agency=self.agency)
        return self.render_to_response(self.get_context_data(form=form, draft_token=new_token(self._purpose())))

    def post(self, request, *args, **kwargs):
        draft = posted_draft(request.POST.get("draft"), self._purpose())
        existing = draft_application(draft)
        if existing is not None:
            messages.info(request, _("This dossier was already recorded with code %(code)s.") % {"code": existing.code})
            return redirect("submissions_admin:detail", pk=existing.pk)
        form = IntakeForm(
            request.POST,
            request.FILES,
            procedure=self.procedure,
            officer_agency=self.agency,
            kept_files=files_by_slot(draft),
        )
        if not form.is_valid():
            return self._rerender_keeping_scans(
                form, draft, _("The dossier was not recorded; correct the fields marked below.")
            )

        data = form.cleaned_data
        try:
            application = record_intake(
                procedure=self.procedure,
                channel=data["channel"],
                applicant=Applicant(
                    name=data["full_name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    email=data.get("email", ""),
                    address=data["address"],
                ),
                officer=request.user,
                receiving_agency=self.agency,
                processing_agency=processing_agency_for(self.procedure, data.get("commune")),
                files=self._scans(form),
                decision=data["decision"],
                supplement_items=self._supplement_items(form),
                note=data.get("note", ""),
                draft=draft,
            )
        except ActionError as error:
            return self._rerender_keeping_scans(form, draft, error.message)

        messages.success(
            request,
            {
                Decision.ACCEPT: _("Dossier received with code %(code)s."),
                Decision.SUPPLEMENT: _("Supplement requested; the dossier is recorded with code %(code)s."),
                Decision.REFUSE: _("Refusal recorded with code %(code)s."),
            }[data["decision"]]
            % {"code": application.code},
        )
        return redirect("submissions_admin:detail", pk=application.pk)

    def _rerender_keeping_scans(self, form, draft, message):
        """Show the form again with `message`; every scan that passed its checks is kept in the draft."""
        save_draft(draft)
        self._keep_scans(form, draft)
        messages.error(self.request, message)
        return self.render_to_response(self.get_context_data(form=form, draft_token=sign_draft(draft)), status=400)

    def _scans(self, form):
        """Return {DossierComponent: FileInput}: the scan posted now, else the one kept in the draft."""
        scans = {}
        for component in form.components:
            name = form.scan_name(component)
            uploaded = form.cleaned_data.get(name)
            if uploaded:
                scans[component] = FileInput(
                    name=uploaded.name[:255],
                    content_type=uploaded.checked_content_type,
                    file=uploaded,
                    size=uploaded.size,
                )
            elif name in form.kept_files:
                scans[component] = _file_inputs([form.kept_files[name]])[0]
        return scans

    def _keep_scans(self, form, draft):
        cleaned = getattr(form, "cleaned_data", {})
        kept = dict(form.kept_files)
        for component in form.components:
            name = form.scan_name(component)
            uploaded = cleaned.get(name)
            if uploaded and name not in form.errors:
                try:
                    kept[name] = _keep(draft, name, uploaded)
                except ValidationError as error:
                    form.add_error(name, error)
        form.kept_files = kept
        return kept

    def _supplement_items(self, form):
        from ..processing.actions import SupplementItemInput

        return [SupplementItemInput(component, reason, detail) for component, reason, detail in form.flagged_components()]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"procedure": self.procedure, "agency": self.agency})
        return context


class StatisticsView(WagtailAdminTemplateMixin, FormView):
    """Counts per agency for a period; staff see their own agency, superusers every agency."""

    template_name = "submissions/admin/statistics.html"
    form_class = StatisticsForm
    header_icon = "table"
    page_title = gettext_lazy("Application statistics")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            require_staff(request.user)
            if staff_agency(request.user) is None:
                raise PermissionDenied(_("Your account is not linked to an agency; ask an administrator to set it."))
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": _("Application statistics")}]

    def get_form_kwargs(self):
        today = timezone.localdate()
        data = self.request.GET if "date_from" in self.request.GET else None
        return {"data": data, "initial": {"date_from": today.replace(day=1), "date_to": today}}

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound and form.is_valid():
            date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        elif form.is_bound:
            return self.render_to_response(self.get_context_data(form=form, rows=None), status=400)
        else:
            date_from, date_to = form.initial["date_from"], form.initial["date_to"]

        scope = None if request.user.is_superuser else staff_agency(request.user)
        rows = agency_statistics(date_from, date_to, agency=scope)
        context = self.get_context_data(
            form=form, rows=rows, totals=totals(rows), date_from=date_from, date_to=date_to, scope=scope
        )
        return self.render_to_response(context)
