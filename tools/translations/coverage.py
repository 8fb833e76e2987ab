"""
Report how much of each upstream catalogue the admin shows in Vietnamese.

    .venv/bin/python tools/translations/coverage.py [--missing] [--catalogue LABEL] [--fail-under PCT]

For every catalogue listed in `catalogues.py`, the report counts the msgids that have a Vietnamese
translation in the upstream `vi` catalogue alone and after Django merges the project catalogue
(`locale/vi/`) over it. The merged count comes from Django's own translation loader, so it is what
`gettext` returns at run time: the `django` domain merges every installed app, and a `djangojs`
catalogue is loaded the way `JavaScriptCatalog(packages=[package])` loads it. Run
`check.py` first so the .mo files match the .po files.
"""

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.translations.catalogues import CATALOGUES, LANGUAGE, entry_key, serves  # noqa: E402

CONTEXT_SEPARATOR = "\x04"


@dataclass
class CatalogueCoverage:
    label: str
    total: int = 0
    upstream: int = 0
    merged: int = 0
    missing: list = field(default_factory=list)

    @property
    def percent(self):
        return 100.0 * self.merged / self.total if self.total else 100.0


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()


def runtime_translation(catalogue):
    """Return the merged DjangoTranslation that serves a catalogue's msgids at run time."""
    from django.utils.translation.trans_real import DjangoTranslation

    if catalogue.domain == "django":
        return DjangoTranslation(LANGUAGE)
    locale_dir = str(catalogue.package_dir / "locale")
    return DjangoTranslation(LANGUAGE, domain=catalogue.domain, localedirs=[locale_dir])


def is_served(translation, entry):
    """Return True when gettext finds a non-empty Vietnamese text for the entry."""
    key = entry.msgid
    if entry.msgctxt:
        key = f"{entry.msgctxt}{CONTEXT_SEPARATOR}{entry.msgid}"
    if entry.msgid_plural:
        key = (key, 0)
    return bool(translation._catalog.get(key))


def measure(catalogue):
    translation = runtime_translation(catalogue)
    upstream = catalogue.translated_entries()
    coverage = CatalogueCoverage(catalogue.label)

    for entry in catalogue.source_entries():
        if not entry.msgid:
            continue
        coverage.total += 1
        if serves(upstream.get(entry_key(entry)), entry):
            coverage.upstream += 1
        if is_served(translation, entry):
            coverage.merged += 1
        else:
            coverage.missing.append(entry)
    return coverage


def measure_all(labels=None):
    selected = [catalogue for catalogue in CATALOGUES if not labels or catalogue.label in labels]
    return [measure(catalogue) for catalogue in selected]


def format_entry(entry):
    text = entry.msgid if not entry.msgctxt else f"[{entry.msgctxt}] {entry.msgid}"
    return "    " + text.replace("\n", "\\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list the untranslated msgids of each catalogue")
    parser.add_argument(
        "--catalogue",
        action="append",
        metavar="LABEL",
        help="report only this catalogue, for example wagtail.admin:django (repeatable)",
    )
    parser.add_argument(
        "--fail-under",
        type=float,
        metavar="PCT",
        help="exit with status 1 when a reported catalogue is below this merged percentage",
    )
    arguments = parser.parse_args(argv)

    setup_django()
    results = measure_all(arguments.catalogue)

    print(f"{'catalogue':40} {'msgids':>7} {'upstream':>9} {'merged':>7} {'missing':>8} {'coverage':>9}")
    for result in results:
        print(
            f"{result.label:40} {result.total:7d} {result.upstream:9d} {result.merged:7d} "
            f"{len(result.missing):8d} {result.percent:8.1f}%"
        )
        if arguments.missing:
            for entry in result.missing:
                print(format_entry(entry))

    total = sum(result.total for result in results)
    upstream = sum(result.upstream for result in results)
    merged = sum(result.merged for result in results)
    percent = 100.0 * merged / total if total else 100.0
    print(f"{'all':40} {total:7d} {upstream:9d} {merged:7d} {total - merged:8d} {percent:8.1f}%")

    if arguments.fail_under is not None:
        below = [result.label for result in results if result.percent < arguments.fail_under]
        if below:
            print(f"Below {arguments.fail_under}%: {', '.join(below)}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
