"""Generate a large procedure export from the real one, for the catalogue benchmark."""

import copy
import json


def read_real_export(path):
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def scaled_export(real_records, count):
    """
    Return `count` records copied round-robin from `real_records`.

    Copies keep every field, list and text length of their original, so sectors, agencies,
    channels, documents and time limits keep the real distribution. Each copy gets a unique
    national code 9.NNNNNN (no real code starts with 9) and a numbered name.
    """
    records = []
    for number in range(count):
        original = real_records[number % len(real_records)]
        record = copy.deepcopy(original)
        record["ma_tthc"] = f"9.{number + 1:06d}"
        copy_number = number // len(real_records)
        if copy_number:
            record["ten_tthc"] = f"{original['ten_tthc']} (mẫu {copy_number})"
        records.append(record)
    return records


def write_export(path, records):
    with open(path, "w", encoding="utf-8") as export:
        for record in records:
            export.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
