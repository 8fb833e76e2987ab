"""
Check the project catalogues in `locale/vi/LC_MESSAGES/` and compile them to .mo files.

    .venv/bin/python tools/translations/check.py [--no-compile]

Each entry must be translated (no empty or fuzzy entry) and keep the placeholders of its msgid:
printf-style (`%(name)s`, `%s`, `%d`), brace-style (`{name}`, `{}`) and HTML tags with their
attributes. Vietnamese has a single plural form, so `msgstr[0]` must also carry every placeholder
of `msgid_plural`. The catalogues are then compiled with `msgfmt --check`, which repeats the
format checks of GNU gettext. Exits with status 1 and lists the problems when any check fails.
"""

import argparse
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polib

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.translations.catalogues import DOMAINS, project_mo_path, project_po_path  # noqa: E402

NAMED_PRINTF = re.compile(r"%\((\w+)\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL_PRINTF = re.compile(r"%(?!\()[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACE_FIELD = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")
HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
PRINTF_FLAGS = {"python-format", "javascript-format", "c-format"}


@dataclass(frozen=True)
class Problem:
    domain: str
    line: int
    msgid: str
    message: str

    def __str__(self):
        return f"{self.domain}.po:{self.line}: {self.message} (msgid {self.msgid[:60]!r})"


def printf_placeholders(text):
    """Return (named placeholder names, ordered positional conversions) of a printf-style string."""
    text = text.replace("%%", "")
    named = {match.group(1) for match in NAMED_PRINTF.finditer(text)}
    positional = [match.group(0) for match in POSITIONAL_PRINTF.finditer(text)]
    return named, positional


def brace_fields(text):
    return Counter(BRACE_FIELD.findall(text))


def html_tags(text):
    return Counter(HTML_TAG.findall(text))


def translations_of(entry):
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def check_printf(entry, translation):
    """Return messages for printf placeholders that the translation drops, adds or reorders."""
    messages = []
    singular_named, singular_positional = printf_placeholders(entry.msgid)
    plural_named, plural_positional = printf_placeholders(entry.msgid_plural or entry.msgid)
    named, positional = printf_placeholders(translation)

    allowed = singular_named | plural_named
    unknown = named - allowed
    if unknown:
        messages.append(f"placeholder(s) not in msgid: {', '.join(sorted(unknown))}")

    # The single Vietnamese form serves every count, so it must carry the plural msgid's placeholders.
    required = plural_named if entry.msgid_plural else singular_named
    missing = required - named
    if missing:
        messages.append(f"missing placeholder(s): {', '.join(sorted(missing))}")

    expected_positional = plural_positional if entry.msgid_plural else singular_positional
    if positional != expected_positional:
        messages.append(f"positional placeholders {positional} differ from msgid's {expected_positional}")
    return messages


def check_entry(entry):
    """Return the problems of one catalogue entry as messages."""
    messages = []
    translations = translations_of(entry)

    if "fuzzy" in entry.flags:
        messages.append("entry is fuzzy")
    if not all(translations):
        messages.append("translation is empty")
        return messages
    if entry.msgid_plural and len(translations) != 1:
        messages.append(f"{len(translations)} plural forms, Vietnamese has 1 (nplurals=1)")

    source = entry.msgid_plural or entry.msgid
    for translation in translations:
        uses_printf = PRINTF_FLAGS & set(entry.flags) or NAMED_PRINTF.search(entry.msgid)
        if uses_printf:
            messages.extend(check_printf(entry, translation))

        if brace_fields(translation) != brace_fields(source):
            messages.append(f"brace fields {dict(brace_fields(translation))} differ from msgid's {dict(brace_fields(source))}")

        if html_tags(translation) != html_tags(source):
            missing_tags = html_tags(source) - html_tags(translation)
            extra_tags = html_tags(translation) - html_tags(source)
            messages.append(f"HTML tags differ: missing {list(missing_tags)}, extra {list(extra_tags)}")

        for edge, text_edge in (("starts", entry.msgid[:1]), ("ends", entry.msgid[-1:])):
            translated_edge = translation[:1] if edge == "starts" else translation[-1:]
            if (text_edge == "\n") != (translated_edge == "\n"):
                messages.append(f"msgid {edge} with a newline but the translation does not, or the reverse")
    return messages


def check_catalogue(domain, path=None):
    """Return the problems of one project catalogue."""
    path = path or project_po_path(domain)
    catalogue = polib.pofile(str(path))
    problems = []

    plural_forms = catalogue.metadata.get("Plural-Forms", "").replace(" ", "")
    if plural_forms != "nplurals=1;plural=0;":
        problems.append(Problem(domain, 1, "", f"Plural-Forms is {plural_forms!r}, expected 'nplurals=1; plural=0;'"))

    seen = set()
    for entry in catalogue:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            problems.append(Problem(domain, entry.linenum, entry.msgid, "duplicate entry"))
        seen.add(key)
        for message in check_entry(entry):
            problems.append(Problem(domain, entry.linenum, entry.msgid, message))
    return problems


def compile_catalogue(domain, output=None):
    """Compile one project catalogue with `msgfmt --check`.

    Returns msgfmt's error output, or "" when the catalogue compiled.
    """
    output = output or project_mo_path(domain)
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file", str(output), str(project_po_path(domain))],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return result.stderr.strip() or f"msgfmt exited with status {result.returncode}"
    return ""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--no-compile", action="store_true", help="check only, leave the .mo files as they are")
    arguments = parser.parse_args(argv)

    failed = False
    for domain in DOMAINS:
        problems = check_catalogue(domain)
        for problem in problems:
            print(problem)
        failed = failed or bool(problems)

        if not arguments.no_compile:
            error = compile_catalogue(domain)
            if error:
                print(f"{domain}.po: msgfmt failed:\n{error}")
                failed = True
            else:
                print(f"{project_mo_path(domain)}: compiled")

        print(f"{domain}.po: {len(problems)} problem(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
