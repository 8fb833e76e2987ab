import pytest


@pytest.fixture
def demo_agencies(make_agency, home_page):
    """
    The agencies the demo accounts work at, with the codes the catalogue import gives them, and
    the procedures folder that makes Sở Tư pháp a department with its own groups.
    """
    from service_catalog.models import Agency, DepartmentProceduresPage, ProcedureIndexPage

    agencies = {
        "commune": make_agency(
            code="PV.X.16681.H41", name="Phường Thành Vinh", kind=Agency.Kind.COMMUNE, level=Agency.Level.COMMUNE
        ),
        "department": make_agency(code="PV.S.TP.H41", name="Sở Tư pháp"),
        "centre": make_agency(
            code="PV.TTPVHCC.H41",
            name="Trung tâm Phục vụ hành chính công tỉnh Nghệ An",
            kind=Agency.Kind.SERVICE_CENTRE,
        ),
    }
    catalogue = home_page.add_child(instance=ProcedureIndexPage(title="Thủ tục hành chính", slug="thu-tuc-hanh-chinh"))
    catalogue.add_child(
        instance=DepartmentProceduresPage(title="Sở Tư pháp", slug="so-tu-phap", agency=agencies["department"])
    )
    return agencies
