"""
Upstream gettext catalogues that the project catalogue in `locale/vi/` completes.

Django merges `settings.LOCALE_PATHS` over every app catalogue, so an entry in the project
catalogue fills a msgid that an upstream `vi` catalogue lacks and overrides one it has. Two kinds
of upstream catalogue are listed here:

- "full" catalogues (Wagtail and wagtail-modeladmin): the project catalogue carries every msgid,
  because the Wagtail `vi` catalogues translate about a fifth of the admin and use inconsistent
  terms (for example "phê chuẩn" and "phê duyệt" for "approve").
- "gaps" catalogues (Django, django-taggit, django-filter): the project catalogue carries only the
  msgids that the upstream `vi` catalogue leaves untranslated, plus any override a translator has
  already written in the project catalogue.
"""

import importlib.util
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polib

REPOSITORY_DIR = Path(__file__).resolve().parents[2]
PROJECT_LOCALE_DIR = REPOSITORY_DIR / "locale"
LANGUAGE = "vi"
DOMAINS = ("django", "djangojs")

# Keywords that Django's `makemessages` passes to xgettext for Python sources (Django 5.2).
PYTHON_KEYWORDS = (
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "pgettext_lazy:1c,2",
    "npgettext_lazy:1c,2,3",
    "_",
    "gettext",
    "ngettext:1,2",
)


@dataclass(frozen=True)
class Catalogue:
    """One upstream catalogue: a Python package's `locale/<language>/LC_MESSAGES/<domain>.po`."""

    package: str
    domain: str
    full: bool

    @property
    def label(self):
        return f"{self.package}:{self.domain}"

    @property
    def package_dir(self):
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            raise LookupError(f"Package {self.package!r} is not installed.")
        return Path(next(iter(spec.submodule_search_locations)))

    def po_path(self, language):
        return self.package_dir / "locale" / language / "LC_MESSAGES" / f"{self.domain}.po"

    def source_entries(self):
        """Return the catalogue's msgids as polib entries, from its English catalogue.

        A package that ships no English catalogue (django-filter) is scanned with xgettext using
        the keywords of Django's `makemessages`.
        """
        english = self.po_path("en")
        if english.exists():
            return [entry for entry in polib.pofile(str(english)) if not entry.obsolete]
        return extract_python_msgids(self.package_dir)

    def translated_entries(self):
        """Return {(msgctxt, msgid): entry} for the upstream `vi` entries that have a translation."""
        path = self.po_path(LANGUAGE)
        if not path.exists():
            return {}
        return {
            (entry.msgctxt, entry.msgid): entry
            for entry in polib.pofile(str(path))
            if not entry.obsolete and is_translated(entry)
        }


WAGTAIL_PACKAGES = (
    "wagtail.admin",
    "wagtail",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.snippets",
    "wagtail.users",
    "wagtail.search",
    "wagtail.sites",
    "wagtail.embeds",
    "wagtail.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.styleguide",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail_modeladmin",
)

DJANGO_PACKAGES = (
    "django.conf",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.humanize",
    "django.contrib.sessions",
    "taggit",
    "django_filters",
)

CATALOGUES = (
    *(Catalogue(package, "django", full=True) for package in WAGTAIL_PACKAGES),
    Catalogue("wagtail.admin", "djangojs", full=True),
    *(Catalogue(package, "django", full=False) for package in DJANGO_PACKAGES),
    Catalogue("django.contrib.admin", "djangojs", full=False),
)


def catalogues_for(domain):
    return [catalogue for catalogue in CATALOGUES if catalogue.domain == domain]


def project_po_path(domain):
    return PROJECT_LOCALE_DIR / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"


def project_mo_path(domain):
    return project_po_path(domain).with_suffix(".mo")


def entry_key(entry):
    return (entry.msgctxt, entry.msgid)


def is_translated(entry):
    """Return True when a polib entry has a non-fuzzy translation in every plural form."""
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def serves(upstream_entry, source_entry):
    """Return True when an upstream `vi` entry translates a source msgid at run time.

    A `vi` catalogue that predates a msgid's plural form (Django 5.2 made "Please correct the
    error below." plural) stores the msgid under another key, so gettext does not find it.
    """
    if upstream_entry is None:
        return False
    return bool(upstream_entry.msgid_plural) == bool(source_entry.msgid_plural)


def extract_python_msgids(package_dir):
    """Run xgettext over a package's Python files and return the msgids it finds."""
    sources = sorted(str(path) for path in package_dir.rglob("*.py"))
    keyword_arguments = [f"--keyword={keyword}" for keyword in PYTHON_KEYWORDS]
    with tempfile.TemporaryDirectory() as work_dir:
        pot_path = Path(work_dir) / "messages.pot"
        subprocess.run(
            [
                "xgettext",
                "--language=Python",
                "--from-code=UTF-8",
                "--no-wrap",
                "--sort-output",
                *keyword_arguments,
                f"--output={pot_path}",
                *sources,
            ],
            check=True,
        )
        return [entry for entry in polib.pofile(str(pot_path)) if not entry.obsolete]
