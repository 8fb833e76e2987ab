"""
Rendering slips to PDF with WeasyPrint.

The slips embed DejaVu Serif, which covers every Vietnamese letter with its tone marks
(Debian package fonts-dejavu); `settings.PORTAL_SLIP_FONT_DIR` points elsewhere when a site
installs it in another folder. QR codes are drawn as SVG with segno.
"""

import functools
import logging
from pathlib import Path

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_FILES = {
    ("normal", "normal"): "DejaVuSerif.ttf",
    ("bold", "normal"): "DejaVuSerif-Bold.ttf",
    ("normal", "italic"): "DejaVuSerif-Italic.ttf",
    ("bold", "italic"): "DejaVuSerif-BoldItalic.ttf",
}
FONT_FAMILY = "DejaVu Serif"


@functools.lru_cache(maxsize=4)
def font_face_css(font_dir):
    """Return @font-face rules for the slip font in `font_dir`; raise when a file is missing."""
    rules = []
    for (weight, style), file_name in FONT_FILES.items():
        path = Path(font_dir) / file_name
        if not path.is_file():
            raise ImproperlyConfigured(
                f"Slip font {path} not found. Install the Debian package fonts-dejavu "
                "or set PORTAL_SLIP_FONT_DIR to a folder with the DejaVu Serif files."
            )
        rules.append(
            f"@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{path.as_uri()}'); "
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


def qr_svg_data_uri(text):
    """Return an SVG data URI of a QR code for `text` (error correction level M)."""
    return segno.make(text, error="m").svg_data_uri(scale=3, border=2)


def render_pdf(template_name, context):
    """Render `template_name` with `context` in the portal's language and return the PDF bytes."""
    from weasyprint import HTML

    font_dir = getattr(settings, "PORTAL_SLIP_FONT_DIR", DEFAULT_FONT_DIR)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, {**context, "font_face_css": font_face_css(font_dir)})
    return HTML(string=html, base_url=str(Path(font_dir))).write_pdf()
