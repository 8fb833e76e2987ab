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

__all__ = [
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
