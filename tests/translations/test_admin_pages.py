"""
The Wagtail admin in Vietnamese, requested over HTTP from a live server as real staff users.

Each test loads the screens of one task (editing, moderation, documents, ...) and checks the text
a staff member reads: known Vietnamese strings must be there and their English originals must not.
Labels that Wagtail 8.0.1 hard-codes in English and so cannot be translated (the header's
`aria-label="Actions"`, the hidden "Search" submit button, listing columns named after model
fields such as "Port") are left out of the English lists. So are the portal's own page models,
whose labels belong to their apps' catalogues.
"""

import json
import re

from django.core import mail
from django.urls import reverse
from wagtail.models import TaskState
from wagtail.users.models import UserProfile

from tests.translations.admin_http import AdminSession, english_leftovers, readable_text
from tools.translations.catalogues import Catalogue


def page_text(session, path):
    response = session.get(path)
    assert response.status == 200, f"GET {path} returned {response.status}"
    return readable_text(response.body)


def modal_text(session, path):
    """Return the readable text of a modal view, which the admin serves as JSON with an `html` key."""
    response = session.get(path)
    assert response.status == 200, f"GET {path} returned {response.status}"
    return readable_text(response.json()["html"])


def assert_vietnamese(text, expected, english):
    missing = [phrase for phrase in expected if phrase not in text]
    assert missing == [], f"Vietnamese strings not shown: {missing}"
    assert english_leftovers(text, english) == []


def test_login_page_in_vietnamese(live_server, transactional_db):
    session = AdminSession(live_server.url)

    text = page_text(session, reverse("wagtailadmin_login"))

    assert_vietnamese(
        text,
        ["Đăng nhập", "Quên mật khẩu?", "Ghi nhớ đăng nhập", "Nhập mật khẩu"],
        ["Sign in", "Sign in to Wagtail", "Forgotten password?", "Remember me", "Enter password"],
    )


def test_login_error_in_vietnamese(live_server, admin_world):
    session = AdminSession(live_server.url)
    session.get(reverse("wagtailadmin_login"))

    response = session.post(reverse("wagtailadmin_login"), {"username": "pheduyet", "password": "sai-mat-khau"})

    text = readable_text(response.body)
    assert "hoặc mật khẩu không đúng. Vui lòng thử lại." in text
    assert english_leftovers(text, ["didn't match", "Please try again."]) == []


def test_dashboard_shows_review_panel_in_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.approver)

    text = page_text(session, reverse("wagtailadmin_home"))

    assert_vietnamese(
        text,
        [
            "Trang tổng quan",
            "Đang chờ bạn duyệt",
            "Lịch tiếp công dân tháng 12",
            "Phê duyệt",
            "Yêu cầu chỉnh sửa",
            "So sánh với phiên bản trước",
            "Tóm tắt trang web",
        ],
        [
            "Dashboard",
            "Awaiting your review",
            "Approve",
            "Request changes",
            "Compare with previous version",
            "Site summary",
            "Task submitted by",
            "Log out",
        ],
    )


def test_dashboard_lists_editor_work_in_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.editor)

    text = page_text(session, reverse("wagtailadmin_home"))

    assert_vietnamese(
        text,
        ["Trang và mẩu nội dung của bạn đang trong quy trình", "Đang chờ", "Tác vụ bắt đầu"],
        ["Your pages and snippets in a workflow", "Your most recent edits", "Awaiting", "Task started"],
    )


def test_page_explorer_in_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.approver)

    text = page_text(session, reverse("wagtailadmin_explore", args=[admin_world.news_index.pk]))

    assert_vietnamese(
        text,
        ["Thêm trang con", "Đang xuất bản", "Loại trang", "Lọc theo", "Sắp xếp", "Ngày cập nhật"],
        ["Add child page", "Live", "Page type", "Filter by", "Sort", "Updated", "Explore", "Pagination"],
    )


def test_reviewer_page_editor_in_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.approver)

    text = page_text(session, reverse("wagtailadmin_pages:edit", args=[admin_world.news_page.pk]))

    assert_vietnamese(
        text,
        [
            "Lưu bản nháp",
            "Xuất bản",
            "Nội dung",
            "Quảng bá",
            "Phê duyệt và xuất bản",
            "Yêu cầu chỉnh sửa",
            "Hủy quy trình",
            "Đang chờ duyệt",
            "Xem trước",
            "Lịch sử",
            "Đặt lịch",
            "Chưa đặt lịch xuất bản",
            "Thay đổi quyền xem",
            "Thêm bình luận",
            "Đường dẫn rút gọn",
        ],
        [
            "Save draft",
            "Publish",
            "Content",
            "Promote",
            "Request changes",
            "Cancel workflow",
            "In Moderation",
            "Preview",
            "History",
            "Set schedule",
            "No publishing schedule set",
            "Change privacy",
            "Add comment",
            "Slug",
            "Toggle side panel",
            "Status",
            "Comments",
            "Checks",
        ],
    )


def test_editor_sees_workflow_submit_button(signed_in, admin_world):
    session = signed_in(admin_world.editor)

    text = page_text(session, reverse("wagtailadmin_pages:edit", args=[admin_world.news_index.pk]))

    assert_vietnamese(
        text,
        ["Lưu bản nháp", "Gửi vào quy trình Duyệt tin bài"],
        ["Save draft", "Submit to", "Submit for moderation"],
    )


def test_new_page_form_in_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.editor)
    news_index = admin_world.news_index

    chooser = page_text(session, reverse("wagtailadmin_pages:add_subpage", args=[admin_world.home.pk]))
    form = page_text(session, reverse("wagtailadmin_pages:add", args=["cms_pages", "newspage", news_index.pk]))

    assert_vietnamese(chooser, ["Tạo trang trong"], ["Create a page in", "Choose which type of page"])
    assert_vietnamese(
        form,
        ["Tiêu đề trang", "Lưu bản nháp", "Tiêu đề trang mà người xem sẽ thấy"],
        ["Page title", "Save draft", "The page title as you'd like it to be seen by the public"],
    )


def test_page_history_and_revisions_in_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.approver)
    page_id = admin_world.news_page.pk

    history = page_text(session, reverse("wagtailadmin_pages:history", args=[page_id]))
    revisions = page_text(session, reverse("wagtailadmin_pages:revisions_index", args=[page_id]))
    compare = page_text(session, reverse("wagtailadmin_pages:revisions_compare", args=[page_id, "live", "latest"]))

    english_actions = ["Workflow: start", "Published", "Created", "Date / Time", "Action", "User"]
    assert_vietnamese(history, ["Lịch sử", "Quy trình: bắt đầu", "Đã xuất bản", "Hành động"], english_actions)
    assert_vietnamese(revisions, ["Lịch sử"], ["History", "Live version", "Current draft"])
    assert_vietnamese(compare, ["Trường", "Thay đổi"], ["Fields", "Changes"])


def test_workflow_history_in_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.approver)
    page_id = admin_world.news_page.pk
    state_id = admin_world.workflow_state.pk

    listing = page_text(session, reverse("wagtailadmin_pages:workflow_history", args=[page_id]))
    detail = page_text(session, reverse("wagtailadmin_pages:workflow_history_detail", args=[page_id, state_id]))

    assert_vietnamese(listing, ["Lịch sử quy trình", "Đang thực hiện"], ["Workflow history", "In progress"])
    assert_vietnamese(
        detail,
        ["Tiến độ quy trình", "Dòng thời gian", "Đã bắt đầu quy trình", "Phiên bản đầu tiên"],
        ["Workflow progress", "Timeline", "Workflow started", "Initial Revision", "Requested by"],
    )


def test_workflow_reports_in_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.approver)

    workflows = page_text(session, reverse("wagtailadmin_reports:workflow"))
    tasks = page_text(session, reverse("wagtailadmin_reports:workflow_tasks"))

    assert_vietnamese(
        workflows,
        ["Quy trình", "Đang chờ tôi duyệt", "Tác vụ chưa hoàn thành", "Tải xuống CSV"],
        ["Workflows", "Awaiting my review", "Incomplete task", "Download CSV", "Requested by"],
    )
    assert_vietnamese(tasks, ["Tác vụ trong quy trình", "Theo quy trình"], ["Workflow tasks", "By workflow"])


def test_moderation_modal_in_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.approver)
    task_state = admin_world.workflow_state.current_task_state

    modal = modal_text(
        session,
        reverse(
            "wagtailadmin_pages:collect_workflow_action_data",
            args=[admin_world.news_page.pk, "reject", task_state.pk],
        ),
    )

    assert_vietnamese(modal, ["Yêu cầu chỉnh sửa", "Bình luận"], ["Request changes", "Comment"])


def test_workflow_management_in_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.administrator)

    workflows = page_text(session, reverse("wagtailadmin_workflows:index"))
    edit = page_text(session, reverse("wagtailadmin_workflows:edit", args=[admin_world.workflow.pk]))
    task = page_text(session, reverse("wagtailadmin_workflows:edit_task", args=[admin_world.task.pk]))

    assert_vietnamese(workflows, ["Thêm quy trình", "Được dùng bởi"], ["Add a workflow", "Used by"])
    assert_vietnamese(
        edit,
        ["Đặt tên cho quy trình", "Thêm tác vụ vào quy trình", "Gán quy trình cho các trang", "Vô hiệu hóa"],
        ["Give your workflow a name", "Add tasks to your workflow", "Assign your workflow to pages", "Disable"],
    )
    assert_vietnamese(
        task,
        ["Tác vụ phê duyệt theo nhóm", "Được dùng trong các quy trình đang hoạt động sau"],
        ["Group approval task", "Used on the following active workflows"],
    )


def test_request_changes_emails_editor(signed_in, admin_world):
    session = signed_in(admin_world.approver)
    page = admin_world.news_page
    task_state = admin_world.workflow_state.current_task_state
    edit_path = reverse("wagtailadmin_pages:edit", args=[page.pk])
    mail.outbox.clear()

    response = session.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "reject", task_state.pk]),
        {"comment": "Đề nghị bổ sung địa điểm tiếp công dân."},
        referer_path=edit_path,
    )

    assert response.status == 200
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_REJECTED
    to_editor = [message for message in mail.outbox if message.to == [admin_world.editor.email]]
    assert len(to_editor) == 1
    assert to_editor[0].subject == 'Trang "Lịch tiếp công dân tháng 12" đã bị từ chối trong "Duyệt tin bài".'
    assert "Ý kiến kèm theo: \"Đề nghị bổ sung địa điểm tiếp công dân.\"" in to_editor[0].body
    assert "Xin chào bientapvien," in to_editor[0].body
    assert english_leftovers(to_editor[0].body, ["has been rejected", "Hello", "You can edit the page here:"]) == []

    history = page_text(session, reverse("wagtailadmin_pages:history", args=[page.pk]))
    assert "Quy trình: từ chối tác vụ" in history
    assert "Yêu cầu chỉnh sửa" in page_text(signed_in(admin_world.editor), reverse("wagtailadmin_home"))


def test_approval_publishes_and_emails_editor(signed_in, admin_world):
    session = signed_in(admin_world.approver)
    page = admin_world.news_page
    task_state = admin_world.workflow_state.current_task_state
    mail.outbox.clear()

    response = session.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
        {"comment": ""},
        referer_path=reverse("wagtailadmin_home"),
    )

    assert response.status == 200
    page.refresh_from_db()
    assert page.summary == "Lịch tiếp công dân định kỳ của Sở, cập nhật địa điểm."
    subjects = [message.subject for message in mail.outbox if message.to == [admin_world.editor.email]]
    assert subjects == ['Trang "Lịch tiếp công dân tháng 12" đã được phê duyệt trong "Duyệt tin bài".']


def test_submission_notification_email_in_vietnamese(admin_world):
    # The fixture started the workflow as the editor, and Wagtail e-mails the task's group at once.
    to_approver = [message for message in mail.outbox if message.to == [admin_world.approver.email]]

    assert len(to_approver) == 1
    message = to_approver[0]
    assert message.subject == (
        'Trang "Lịch tiếp công dân tháng 12" đã được gửi duyệt ở bước duyệt "Lãnh đạo phòng duyệt"'
    )
    assert "Bạn có thể xem trước trang tại đây:" in message.body
    assert "Thay đổi cài đặt nhận thông báo của bạn tại đây:" in message.body
    assert english_leftovers(message.body, ["submitted for approval", "You can preview", "notification preferences"]) == []


def test_documents_screens_in_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.editor)
    document = admin_world.document

    listing = page_text(session, reverse("wagtaildocs:index"))
    upload = page_text(session, reverse("wagtaildocs:add_multiple"))
    edit = page_text(session, reverse("wagtaildocs:edit", args=[document.pk]))
    chooser = modal_text(session, reverse("wagtaildocs_chooser:choose"))

    assert_vietnamese(
        listing,
        ["Tài liệu", "Thêm tài liệu", "Mẫu đơn đề nghị cấp phiếu lý lịch tư pháp", "Đã dùng 0 lần", "Thao tác hàng loạt"],
        ["Documents", "Add a document", "Used 0 times", "Bulk actions", "File", "Created"],
    )
    assert_vietnamese(
        upload,
        ["Thêm nhiều tài liệu", "Kéo và thả tài liệu vào vùng này để tải lên ngay.", "Hoặc chọn từ máy tính của bạn"],
        ["Add multiple documents", "Drag and drop documents", "Or choose from your computer", "Maximum filesize"],
    )
    assert_vietnamese(edit, ["Dung lượng tệp", "Thay tài liệu:", "Lưu"], ["Filesize", "Change document:", "Save"])
    assert_vietnamese(
        chooser,
        ["Chọn tài liệu", "Tải lên", "Tài liệu mới nhất"],
        ["Choose a document", "Upload", "Latest documents"],
    )


def test_image_chooser_in_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.editor)

    chooser = modal_text(session, reverse("wagtailimages_chooser:choose"))

    assert_vietnamese(
        chooser,
        ["Chọn hình ảnh", "Tải lên", "Bạn chưa tải lên hình ảnh nào."],
        ["Choose an image", "Upload", "You haven't uploaded any images."],
    )


def test_page_chooser_and_admin_search_in_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.editor)

    chooser = modal_text(session, reverse("wagtailadmin_choose_page"))
    results = page_text(session, reverse("wagtailadmin_pages:search") + "?q=ti%E1%BA%BFp")

    assert_vietnamese(chooser, ["Chọn một trang"], ["Choose a page"])
    assert_vietnamese(results, ["Lịch tiếp công dân tháng 12"], ["There is one matching page", "Page types"])


def test_account_settings_in_vietnamese(signed_in, admin_world):
    # Only users who can publish see the "submitted for moderation" notification setting.
    session = signed_in(admin_world.approver)

    text = page_text(session, reverse("wagtailadmin_account"))

    assert_vietnamese(
        text,
        ["Hồ sơ", "Thông báo", "Ngôn ngữ ưu tiên", "Múi giờ hiện tại", "Mật khẩu cũ", "Nhận thông báo khi có trang được gửi duyệt"],
        ["Profile", "Notifications", "Preferred language", "Current time zone", "Old password", "Theme preferences"],
    )


def test_javascript_catalog_serves_vietnamese(signed_in, admin_world):
    session = signed_in(admin_world.editor)

    response = session.get(reverse("wagtailadmin_javascript_catalog"))

    assert response.status == 200
    match = re.search(r"const newcatalog = (\{.*?\});\n", response.body, re.DOTALL)
    assert match, "jsi18n response has no catalogue"
    served = json.loads(match.group(1))
    assert served["Page explorer"] == "Trình duyệt trang"
    assert served["Save"] == "Lưu"
    assert served["Write something or type ‘/’ to insert a block"] == "Viết nội dung hoặc gõ ‘/’ để chèn khối"

    source = Catalogue("wagtail.admin", "djangojs", full=True).source_entries()
    absent = [entry.msgid for entry in source if entry.msgid not in served]
    assert absent == []


def test_english_preference_still_honoured(signed_in, admin_world):
    profile = UserProfile.get_for_user(admin_world.editor)
    profile.preferred_language = "en"
    profile.save()
    session = signed_in(admin_world.editor)

    text = page_text(session, reverse("wagtailadmin_home"))

    assert "Dashboard" in text
    assert "Trang tổng quan" not in text

