"""The notification tables name the channel a message went through, not how the dossier was filed."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation


@pytest.mark.parametrize(
    "template", ["submissions/slips/lookup_notices.html", "submissions/slips/detail_panel.html"]
)
def test_notification_channel_header(template):
    with translation.override("vi"):
        html = render_to_string(template, {"notifications": [], "notices": []})

    assert "<th>Kênh gửi</th>" in html
    assert "Hình thức nộp" not in html
