"""
Provisional identifier codes for agencies whose official code the province has not issued.

Official codes follow QCVN 102:2016 (`V1V2V3.Z1Z2.Y1Y2.Hxx`); Nghệ An's codes for its
departments and communes after the 2025 reform are not in any public source. Until the
province's list arrives, the import gives each agency a provisional code that starts with "PV."
and can never be mistaken for an official one (official levels are digits). Suffix = the
province's level-1 code, "H41" for Nghệ An:

| Agency | Provisional code | Example |
|---|---|---|
| Commune or ward after 1 July 2025 | `PV.X.<5-digit GSO code>.H41` | `PV.X.16681.H41` Phường Thành Vinh |
| Commune before 1 July 2025 | `PV.XC.<5-digit GSO code>.H41` | `PV.XC.16681.H41` Phường Quang Trung |
| District before 1 July 2025 | `PV.H.<3-digit GSO code>.H41` | `PV.H.412.H41` Thành phố Vinh |
| Department (sở) | `PV.S.<initials>.H41` | `PV.S.TP.H41` Sở Tư pháp |
| Public administration service centre | `PV.TTPVHCC.H41` | |

A department's initials are the first letters of its name's words, folded, without "Sở" and
"và": Sở Giáo dục và Đào tạo → GDDT. The codes are computed once, when the agency is
created, and stored; `set_agency_code` replaces them with official ones.
"""

from django.conf import settings

from search.text import fold_words

PROVISIONAL_PREFIX = "PV."


def province_suffix():
    """Return the level-1 code of the province, e.g. "H41" from 000.00.00.H41."""
    return settings.PORTAL_PROVINCE_AGENCY_CODE.rsplit(".", 1)[-1]


def commune_code(gso_code):
    return f"PV.X.{gso_code}.{province_suffix()}"


def retired_commune_code(gso_code):
    return f"PV.XC.{gso_code}.{province_suffix()}"


def retired_district_code(gso_code):
    return f"PV.H.{gso_code}.{province_suffix()}"


def department_initials(name):
    """Return "TP" for "Sở Tư pháp" and "NNMT" for "Sở Nông nghiệp và Môi trường"."""
    words = fold_words(name)
    if words and words[0] == "so":
        words = words[1:]
    return "".join(word[0] for word in words if word != "va").upper()


def department_code(name, taken=()):
    """Return the provisional code of a department, numbered from 2 if `taken` holds it already."""
    base = f"PV.S.{department_initials(name)}"
    code = f"{base}.{province_suffix()}"
    number = 2
    while code in taken:
        code = f"{base}{number}.{province_suffix()}"
        number += 1
    return code


def service_centre_code():
    return f"PV.TTPVHCC.{province_suffix()}"


def is_provisional(code):
    return code.startswith(PROVISIONAL_PREFIX)
