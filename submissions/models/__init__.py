from .applications import (
    FINAL_STATUSES,
    RESULT_STATUSES,
    AgencyStint,
    Application,
    ApplicationDocument,
    ApplicationStep,
    DailyCounter,
    Status,
)
from .calendar import CalendarDay, OfficeHours
from .drafts import DraftFile, UploadDraft
from .events import (
    AccessLog,
    Action,
    AppendOnlyError,
    ApplicationEvent,
    EventAttachment,
    ReasonCode,
    SupplementItem,
    SupplementRequest,
)
from .workflow import StepAgency, StepKind, Workflow, WorkflowStep

# The outbox and the deadline watch keep their models next to their code.
from ..deadlines.models import ApologyLetter, DeadlineAlert  # noqa: E402
from ..notifications.models import Notification  # noqa: E402

__all__ = [
    "ApologyLetter",
    "DeadlineAlert",
    "Notification",
    "FINAL_STATUSES",
    "RESULT_STATUSES",
    "AccessLog",
    "Action",
    "AgencyStint",
    "AppendOnlyError",
    "Application",
    "ApplicationDocument",
    "ApplicationEvent",
    "ApplicationStep",
    "CalendarDay",
    "DailyCounter",
    "DraftFile",
    "EventAttachment",
    "OfficeHours",
    "ReasonCode",
    "Status",
    "StepAgency",
    "StepKind",
    "SupplementItem",
    "SupplementRequest",
    "UploadDraft",
    "Workflow",
    "WorkflowStep",
]
