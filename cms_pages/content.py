"""
The portal's starting pages: home, news with a few items, guidance, legal documents and one page
per department.

Every function here is idempotent: pages are found by slug (department pages by agency) and
created only when missing, so editors' later changes are never overwritten.
"""

import datetime
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from search.text import slugify

from .models import (
    DepartmentIndexPage,
    DepartmentPage,
    GuidancePage,
    HomePage,
    LegalDocumentIndexPage,
    LegalDocumentPage,
    LegalDocumentType,
    NewsIndexPage,
    NewsPage,
)

logger = logging.getLogger(__name__)

HOME_INTRO = (
    "<p>Cổng dịch vụ công tỉnh Nghệ An giúp người dân và doanh nghiệp tra cứu thủ tục hành chính, "
    "nộp hồ sơ trực tuyến, theo dõi tiến độ giải quyết và đọc tin tức, hướng dẫn của các sở, ngành, "
    "xã, phường trong tỉnh.</p>"
)

NEWS_ITEMS = [
    {
        "slug": "tra-cuu-ho-so-bang-ma-ho-so",
        "title": "Người dân có thể tự tra cứu tiến độ hồ sơ bằng mã hồ sơ",
        "date": datetime.date(2026, 11, 20),
        "summary": "Mỗi hồ sơ có một mã riêng in trên giấy tiếp nhận; nhập mã và bốn số cuối điện thoại để xem tình trạng.",
        "body": (
            "<p>Từ nay, mỗi hồ sơ nộp trực tuyến hoặc tại Bộ phận Một cửa đều được cấp một mã hồ sơ in trên "
            "giấy tiếp nhận và hẹn trả kết quả. Người nộp chỉ cần nhập mã hồ sơ cùng bốn chữ số cuối của số "
            "điện thoại đã khai để xem hồ sơ đang ở bước nào, do cơ quan nào xử lý và ngày hẹn trả kết quả.</p>"
            "<p>Để bảo vệ thông tin cá nhân, nếu mã hồ sơ và số điện thoại không khớp, hệ thống không cho biết "
            "mã hồ sơ đó có tồn tại hay không.</p>"
        ),
    },
    {
        "slug": "lich-tiep-nhan-ho-so-dip-tet-nguyen-dan",
        "title": "Lịch tiếp nhận hồ sơ dịp Tết Nguyên đán",
        "date": datetime.date(2026, 11, 28),
        "summary": "Ngày hẹn trả kết quả được tính theo ngày làm việc, không tính thứ Bảy, Chủ nhật và các ngày nghỉ lễ, Tết.",
        "body": (
            "<p>Thời hạn giải quyết thủ tục hành chính tính bằng ngày làm việc không bao gồm thứ Bảy, Chủ nhật "
            "và các ngày nghỉ lễ, Tết theo quy định. Hồ sơ tiếp nhận sau giờ hành chính được tính từ ngày làm "
            "việc tiếp theo.</p>"
            "<p>Người dân nên nộp hồ sơ sớm trước kỳ nghỉ Tết và theo dõi ngày hẹn in trên giấy tiếp nhận.</p>"
        ),
    },
    {
        "slug": "dang-ky-khai-sinh-truc-tuyen",
        "title": "Đăng ký khai sinh: chuẩn bị giấy tờ trước khi nộp",
        "date": datetime.date(2026, 12, 1),
        "summary": "Chuẩn bị giấy chứng sinh và tờ khai theo mẫu giúp hồ sơ được tiếp nhận ngay lần đầu.",
        "body": (
            "<p>Khi đăng ký khai sinh, người đi đăng ký cần chuẩn bị tờ khai theo mẫu và giấy chứng sinh hoặc "
            "giấy tờ thay thế giấy chứng sinh. Danh sách đầy đủ giấy tờ, số bản chính, bản sao và lệ phí có tại "
            "trang thủ tục trong danh mục thủ tục hành chính.</p>"
            "<p>Hồ sơ nộp trực tuyến cần tải lên bản chụp rõ nét, định dạng PDF, JPG hoặc PNG.</p>"
        ),
    },
]

GUIDANCE = {
    "slug": "huong-dan-nop-ho-so-truc-tuyen",
    "title": "Hướng dẫn nộp hồ sơ trực tuyến",
    "summary": "Các bước tìm thủ tục, khai thông tin, tải giấy tờ và theo dõi hồ sơ.",
    "body": (
        "<h2>1. Tìm thủ tục</h2><p>Gõ tên thủ tục vào ô tìm kiếm, có dấu hoặc không dấu, hoặc lọc danh mục theo "
        "lĩnh vực và cơ quan thực hiện.</p>"
        "<h2>2. Khai thông tin</h2><p>Nhập họ tên, số định danh cá nhân 12 chữ số, số điện thoại, thư điện tử và "
        "địa chỉ liên hệ.</p>"
        "<h2>3. Tải giấy tờ</h2><p>Tải lên mỗi thành phần hồ sơ một tệp PDF, JPG hoặc PNG. Nếu có lỗi, các thông "
        "tin và tệp đã nhập vẫn được giữ lại để sửa.</p>"
        "<h2>4. Nhận mã hồ sơ</h2><p>Sau khi nộp, hệ thống cấp mã hồ sơ và ngày hẹn trả kết quả tính theo ngày "
        "làm việc. Thư xác nhận được gửi tới địa chỉ thư điện tử đã khai.</p>"
        "<h2>5. Theo dõi</h2><p>Tra cứu tình trạng hồ sơ bằng mã hồ sơ và bốn số cuối điện thoại.</p>"
    ),
}


LEGAL_DOCUMENTS = [
    {
        "slug": "nghi-dinh-118-2025-nd-cp",
        "title": "Nghị định về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông",
        "document_number": "118/2025/NĐ-CP",
        "document_type": LegalDocumentType.DECREE,
        "issuer": "Chính phủ",
        "issued_on": datetime.date(2025, 6, 9),
        "effective_on": datetime.date(2025, 7, 1),
        "summary": (
            "Quy định việc thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông tại Bộ phận "
            "Một cửa và trên Cổng Dịch vụ công quốc gia, áp dụng từ ngày 01/7/2025."
        ),
    },
    {
        "slug": "nghi-quyet-1678-nq-ubtvqh15",
        "title": "Nghị quyết về sắp xếp các đơn vị hành chính cấp xã của tỉnh Nghệ An năm 2025",
        "document_number": "1678/NQ-UBTVQH15",
        "document_type": LegalDocumentType.RESOLUTION,
        "issuer": "Ủy ban Thường vụ Quốc hội",
        "issued_on": datetime.date(2025, 6, 16),
        "effective_on": None,
        "summary": "Sắp xếp các đơn vị hành chính cấp xã của tỉnh Nghệ An thành 130 xã, phường (119 xã và 11 phường).",
    },
    {
        "slug": "thong-tu-03-2025-tt-vpcp",
        "title": "Thông tư hướng dẫn thực hiện cơ chế một cửa, một cửa liên thông",
        "document_number": "03/2025/TT-VPCP",
        "document_type": LegalDocumentType.CIRCULAR,
        "issuer": "Văn phòng Chính phủ",
        "issued_on": datetime.date(2025, 9, 15),
        "effective_on": None,
        "summary": (
            "Hướng dẫn tổ chức Bộ phận Một cửa, các biểu mẫu, mã số hồ sơ và mã ngành, lĩnh vực thủ tục "
            "hành chính."
        ),
    },
]


def _child_by_slug(parent, slug):
    return parent.get_children().filter(slug=slug).specific().first()


def _add_child(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _root_page():
    """Return Wagtail's root page, recreating it (and the default locale) if a test flushed them."""
    root = Page.get_first_root_node()
    if root is not None:
        return root
    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    locale, _created = Locale.objects.get_or_create(language_code=language)
    return Page.add_root(instance=Page(title="Root", slug="root", locale=locale, live=True))


@transaction.atomic
def ensure_home_page():
    """Return the portal's home page, creating it as the default site's root if needed."""
    home = HomePage.objects.first()
    if home:
        _align_placeholder_site(Site.objects.filter(root_page=home, is_default_site=True).first())
        return home

    root = _root_page()
    home = HomePage(title="Cổng dịch vụ công tỉnh Nghệ An", slug="trang-chu", intro=HOME_INTRO)
    _add_child(root, home)

    site = Site.objects.filter(is_default_site=True).first()
    old_root = site.root_page if site else None
    if site:
        site.root_page = home
        site.site_name = home.title
        site.save()
        _align_placeholder_site(site)
    else:
        hostname, port = _base_url_host_and_port()
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True, site_name=home.title)

    # Wagtail's install migration leaves a "Welcome" page as the first site root; remove it so
    # the tree holds only the portal.
    if old_root and old_root.pk != home.pk and not old_root.get_children().exists():
        old_root.delete()
    logger.info("Created home page id=%s", home.pk)
    return home


def _base_url_host_and_port():
    """Return the host name and port of PORTAL_BASE_URL (read as WAGTAILADMIN_BASE_URL)."""
    parts = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    default_port = 443 if parts.scheme == "https" else 80
    return parts.hostname or "localhost", parts.port or default_port


def _align_placeholder_site(site):
    """
    Point a default site still on Wagtail's placeholder address (localhost:80) at PORTAL_BASE_URL.

    Page URLs in printed checklists, QR codes and Wagtail's moderation e-mails are built from the
    site's host name and port, so a placeholder would send readers to their own machine. A site an
    administrator has given a real address is left alone.
    """
    if site is None or (site.hostname, site.port) != ("localhost", 80):
        return

    hostname, port = _base_url_host_and_port()
    if (hostname, port) == ("localhost", 80):
        return
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])
    logger.info("Default site moved to %s:%s", hostname, port)


@transaction.atomic
def ensure_portal_pages(stdout=None):
    """Create the home page, news with its items, guidance, legal documents and department pages when missing."""
    home = ensure_home_page()

    news_index = _child_by_slug(home, "tin-tuc")
    if news_index is None:
        news_index = _add_child(home, NewsIndexPage(title="Tin tức", slug="tin-tuc"))
    created_news = 0
    for item in NEWS_ITEMS:
        if _child_by_slug(news_index, item["slug"]) is None:
            _add_child(news_index, NewsPage(**item))
            created_news += 1

    created_guidance = 0
    if _child_by_slug(home, GUIDANCE["slug"]) is None:
        _add_child(home, GuidancePage(**GUIDANCE))
        created_guidance = 1

    created_documents = ensure_legal_documents(home)
    created_departments = ensure_department_pages()

    if stdout is not None:
        stdout.write(
            f"Portal pages created: news items={created_news} guidance pages={created_guidance} "
            f"legal documents={created_documents} department pages={created_departments}"
        )
    return home


def ensure_legal_documents(home):
    """Create the legal documents index and its first documents when missing; return how many were created."""
    index = _child_by_slug(home, "van-ban")
    if index is None:
        index = _add_child(home, LegalDocumentIndexPage(title="Văn bản pháp luật", slug="van-ban"))

    created = 0
    for document in LEGAL_DOCUMENTS:
        if _child_by_slug(index, document["slug"]) is None:
            _add_child(index, LegalDocumentPage(**document))
            created += 1
    return created


@transaction.atomic
def ensure_department_pages():
    """
    Create the department index and a page for each current department that has none.

    Departments come from the catalogue import, so on a new database the first call creates only
    the index; running it again after the import adds the pages. Returns how many were created.
    """
    from service_catalog.models import Agency

    home = ensure_home_page()
    index = _child_by_slug(home, "co-quan")
    if index is None:
        index = _add_child(home, DepartmentIndexPage(title="Sở, ban, ngành", slug="co-quan"))

    departments = Agency.objects.current().filter(kind=Agency.Kind.DEPARTMENT, department_page__isnull=True)
    created = 0
    for agency in departments.order_by("name"):
        slug = _unique_child_slug(index, slugify(agency.name))
        _add_child(index, DepartmentPage(title=agency.name, slug=slug, agency=agency))
        created += 1
    return created


def _unique_child_slug(parent, base):
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug
