from .agencies import Agency, Sector, StaffProfile
from .departments import DepartmentApprovalTask, DepartmentTeam
from .procedures import (
    DepartmentProceduresPage,
    DossierComponent,
    LegalBasis,
    ProcedureChannel,
    ProcedureIndexPage,
    ProcedurePage,
    ProcedureResult,
    ProcedureStep,
)

__all__ = [
    "Agency",
    "DepartmentApprovalTask",
    "DepartmentProceduresPage",
    "DepartmentTeam",
    "DossierComponent",
    "LegalBasis",
    "ProcedureChannel",
    "ProcedureIndexPage",
    "ProcedurePage",
    "ProcedureResult",
    "ProcedureStep",
    "Sector",
    "StaffProfile",
]
