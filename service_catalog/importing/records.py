"""
Reading and cleaning the records of the national procedure export (`procedures.jsonl`).

`read_procedure_records` turns each line into a `ProcedureRecord` or a `MalformedRecord`. The
export has known quirks, repaired here and listed in each record's `repairs`:

- Fields shifted by one column: a decision number without any digit that names an agency
  ("Sở Nội vụ") is the implementing agency, and an audience equal to a publication status
  ("Đã công khai") is the status.
- An empty sector is the national database's "Chưa phân loại" (unclassified).
- The same dossier component (same code and name) listed once per case is kept once, with
  the original and copy flags of all its repeats combined.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field

from search.text import fold, normalize

from ..models.procedures import ComponentKind, PublicationStatus
from .components import classify_components
from .parsing import (
    Fee,
    TimeLimit,
    parse_audience,
    parse_channel,
    parse_date,
    parse_fee,
    parse_levels,
    parse_publication_status,
    parse_time_limit,
)

# Bump when the cleaning rules change, so a re-import rewrites pages built by older rules.
IMPORT_FORMAT_VERSION = "2"

UNCLASSIFIED_SECTOR = "Chưa phân loại"

_NATIONAL_CODE = re.compile(r"^\d\.\d{6}$")
_AGENCY_WORDS = ("so ", "bo ", "uy ban", "ubnd", "phong ")
_LIST_FIELDS = ("cach_thuc_thuc_hien", "trinh_tu_thuc_hien", "tphs", "kqth", "ccpl")


class MalformedRecord(Exception):
    """A record that cannot be imported; `code` is its national code when one could be read."""

    def __init__(self, reason, code="", line_number=None):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.line_number = line_number

    def __str__(self):
        where = self.code or f"line {self.line_number}"
        return f"{where}: {self.reason}"


@dataclass
class ChannelRecord:
    channel: str
    time_limit: TimeLimit
    fee: Fee
    note: str


@dataclass
class ComponentRecord:
    code: str
    name: str
    originals: int
    copies: int
    has_electronic_form: bool
    kind: str = ComponentKind.REQUIRED


@dataclass
class LegalBasisRecord:
    number: str
    issued_on: object
    effective_on: object


@dataclass
class ProcedureRecord:
    """One cleaned procedure of the export, ready to become a ProcedurePage."""

    code: str
    name: str
    sector_name: str
    levels: dict
    audience: dict
    audience_text: str
    implementing_agency_text: str
    competent_authority_text: str
    receiving_address: str
    status: str
    decision_number: str
    decision_date: object
    decision_issuer: str
    conditions: str
    channels: list
    steps: list
    components: list
    results: list
    legal_bases: list
    source_hash: str
    repairs: list = field(default_factory=list)
    merged_components: int = 0


def _text(raw, key):
    value = raw.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise MalformedRecord(f"field {key!r} is not text")
    return normalize(value)


def _multiline(raw, key):
    """Return a text field with its line breaks kept and each line's spacing normalised."""
    value = raw.get(key, "") or ""
    if not isinstance(value, str):
        raise MalformedRecord(f"field {key!r} is not text")
    lines = [normalize(line) for line in value.splitlines()]
    return "\n".join(line for line in lines if line)


def _items(raw, key):
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise MalformedRecord(f"field {key!r} is not a list of objects")
    return value


def _looks_like_agency(text):
    folded = fold(text)
    return not any(char.isdigit() for char in text) and folded.startswith(_AGENCY_WORDS)


def _repair_shifted_fields(raw, repairs):
    """Undo the column shift seen in a few records; see the module docstring."""
    decision = _text(raw, "so_quyet_dinh")
    implementing = _text(raw, "co_quan_thuc_hien")
    if decision and _looks_like_agency(decision):
        if not implementing:
            implementing = decision
        decision = ""
        repairs.append("decision number was an agency name")

    audience = _text(raw, "doi_tuong_thuc_hien")
    status_text = _text(raw, "trang_thai")
    if audience and parse_publication_status(audience) and not status_text:
        status_text = audience
        audience = ""
        repairs.append("audience was the publication status")
    return decision, implementing, audience, status_text


def _channels(raw, code):
    channels = []
    for item in _items(raw, "cach_thuc_thuc_hien"):
        name = _text(item, "hinh_thuc_nop")
        channel = parse_channel(name)
        if channel is None:
            raise MalformedRecord(f"unknown channel {name!r}", code=code)
        channels.append(
            ChannelRecord(
                channel=channel,
                time_limit=parse_time_limit(_text(item, "thoi_gian")),
                fee=parse_fee(_text(item, "phi_le_phi")),
                note=_text(item, "mo_ta_ngan"),
            )
        )
    return channels


def _steps(raw):
    steps = []
    for item in _items(raw, "trinh_tu_thuc_hien"):
        lines = item.get("buoc") or []
        if not isinstance(lines, list):
            raise MalformedRecord("field 'buoc' is not a list")
        text = "\n".join(normalize(line) for line in lines if isinstance(line, str) and normalize(line))
        if text:
            steps.append((_text(item, "truong_hop_xu_ly"), text))
    return steps


def _components(raw):
    """
    Return the dossier components with repeats merged, and how many repeats were merged.

    Kinds are decided on the rows in export order, before merging, because a row's place in a
    list decides whether it is an alternative (see `components.classify_components`). A merged
    component is required or a note only when every repeat is; otherwise it is conditional.
    """
    rows = []
    for item in _items(raw, "tphs"):
        name = _text(item, "ten_giay_to")
        if name:
            rows.append((item, name, int(bool(item.get("ban_chinh"))), int(bool(item.get("ban_sao")))))
    kinds = classify_components([(name, originals, copies) for _item, name, originals, copies in rows])

    merged = {}
    for (item, name, originals, copies), kind in zip(rows, kinds):
        code = _text(item, "ma_tphs")
        has_electronic_form = fold(_text(item, "bm_dien_tu")) == "co"
        key = (code, name.casefold())
        component = merged.get(key)
        if component is None:
            merged[key] = ComponentRecord(code, name, originals, copies, has_electronic_form, kind)
            continue
        component.originals = max(component.originals, originals)
        component.copies = max(component.copies, copies)
        component.has_electronic_form |= has_electronic_form
        if component.kind != kind:
            component.kind = ComponentKind.CONDITIONAL
    repeats = len(_items(raw, "tphs")) - len(merged)
    return list(merged.values()), repeats


def _results(raw):
    return [
        (_text(item, "ma_ket_qua"), _text(item, "ten_ket_qua"))
        for item in _items(raw, "kqth")
        if _text(item, "ten_ket_qua")
    ]


def _legal_bases(raw):
    return [
        LegalBasisRecord(
            number=_text(item, "so_ky_hieu")[:120],
            issued_on=parse_date(_text(item, "ngay_ban_hanh")),
            effective_on=parse_date(_text(item, "ngay_hieu_luc")),
        )
        for item in _items(raw, "ccpl")
        if _text(item, "so_ky_hieu")
    ]


def source_hash(raw):
    """Return a fingerprint of a raw record, so an unchanged record is recognised on re-import."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{IMPORT_FORMAT_VERSION}:{canonical}".encode()).hexdigest()


def clean_record(raw):
    """Build a ProcedureRecord from one parsed JSON object, or raise MalformedRecord."""
    if not isinstance(raw, dict):
        raise MalformedRecord("the line is not a JSON object")

    code = raw.get("ma_tthc")
    code = normalize(code) if isinstance(code, str) else ""
    if not _NATIONAL_CODE.match(code):
        raise MalformedRecord(f"national code {raw.get('ma_tthc')!r} is not of the form 1.234567", code=code)
    try:
        return _clean_valid_code(raw, code)
    except MalformedRecord as error:
        error.code = code
        raise


def _clean_valid_code(raw, code):
    for key in _LIST_FIELDS:
        _items(raw, key)
    name = _text(raw, "ten_tthc")
    if not name:
        raise MalformedRecord("the procedure name is empty")

    repairs = []
    decision, implementing, audience_text, status_text = _repair_shifted_fields(raw, repairs)
    sector_name = _text(raw, "linh_vuc")
    if not sector_name:
        sector_name = UNCLASSIFIED_SECTOR
        repairs.append("empty sector filed as unclassified")
    components, repeats = _components(raw)
    if repeats:
        repairs.append(f"{repeats} repeated dossier components merged")

    return ProcedureRecord(
        code=code,
        name=name,
        sector_name=sector_name,
        levels=parse_levels(_text(raw, "cap_thuc_hien")),
        audience=parse_audience(audience_text),
        audience_text=audience_text,
        implementing_agency_text=implementing,
        competent_authority_text=_text(raw, "co_quan_co_tham_quyen"),
        receiving_address=_text(raw, "dia_chi_tiep_nhan"),
        status=parse_publication_status(status_text) or PublicationStatus.PUBLISHED,
        decision_number=decision[:60],
        decision_date=parse_date(_text(raw, "ngay_quyet_dinh")),
        decision_issuer=_text(raw, "co_quan_ban_hanh")[:255],
        conditions=_multiline(raw, "yeu_cau_dieu_kien_ngan"),
        channels=_channels(raw, code),
        steps=_steps(raw),
        components=components,
        results=_results(raw),
        legal_bases=_legal_bases(raw),
        source_hash=source_hash(raw),
        repairs=repairs,
        merged_components=repeats,
    )


def read_procedure_records(path):
    """
    Yield a ProcedureRecord or a MalformedRecord for each non-empty line of a JSON Lines export.

    A second record with a national code seen earlier in the file is malformed: the first one
    wins, so a re-run on the same file gives the same result.
    """
    seen = set()
    with open(path, encoding="utf-8") as lines:
        for line_number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as error:
                yield MalformedRecord(f"invalid JSON ({error.msg})", line_number=line_number)
                continue

            try:
                record = clean_record(raw)
            except MalformedRecord as error:
                error.line_number = line_number
                yield error
                continue

            if record.code in seen:
                yield MalformedRecord("duplicate national code", code=record.code, line_number=line_number)
                continue
            seen.add(record.code)
            yield record
