from .agencies import Agency, Sector, StaffProfile
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
    "DepartmentProceduresPage",
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
