"""
Measure search quality on the judgement list: nDCG@10 and success@3 per engine.

Run `manage.py evaluate_search` on a database holding the imported catalogue
(`manage.py import_province_data`). Each engine's index is rebuilt from that database first.
"""

import json
import math
import unicodedata
from collections import defaultdict
from pathlib import Path

from wagtail.models import Page

from .. import indexing, service

JUDGEMENTS = Path(__file__).with_name("judgements.json")
CUTOFF = 10
SUCCESS_RANK = 3


def load_judgements(path=JUDGEMENTS):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)["queries"]


def query_text(judgement):
    """Return the text as the citizen sends it (decomposed for the NFD cases)."""
    if judgement["kind"] == "nfd":
        return unicodedata.normalize("NFD", judgement["q"])
    return judgement["q"]


def page_keys():
    """Map page id to its judgement key: the national code of a procedure, otherwise the slug."""
    from service_catalog.models import ProcedurePage

    keys = dict(Page.objects.values_list("pk", "slug"))
    keys.update(ProcedurePage.objects.values_list("pk", "national_code"))
    return keys


def dcg(grades):
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def evaluate(engine, judgements, keys):
    """Return per-query rows: (judgement, ranked keys, ndcg, success)."""
    rows = []
    for judgement in judgements:
        outcome = service.run_search(query_text(judgement), engine=engine, per_page=CUTOFF)
        ranked = [keys.get(item.page_id) for item in outcome.promoted] + [keys.get(hit.page_id) for hit in outcome.hits]
        ranked = ranked[:CUTOFF]
        relevant = judgement["relevant"]
        ideal = dcg(sorted(relevant.values(), reverse=True)[:CUTOFF])
        ndcg = dcg([relevant.get(key, 0) for key in ranked]) / ideal if ideal else 0.0
        success = any(relevant.get(key, 0) == 3 for key in ranked[:SUCCESS_RANK])
        rows.append((judgement, ranked, ndcg, success))
    return rows


def report(engine_name, rows, stdout, verbose=False):
    by_kind = defaultdict(list)
    for judgement, ranked, ndcg, success in rows:
        by_kind[judgement["kind"]].append((ndcg, success))
        if verbose or not success:
            mark = "ok  " if success else "MISS"
            stdout.write(f"  {mark} {ndcg:.2f} {judgement['q']!r} ({judgement['kind']}) -> {ranked[:3]}")
    for kind, values in sorted(by_kind.items()):
        mean_ndcg = sum(value[0] for value in values) / len(values)
        share = sum(value[1] for value in values) / len(values)
        stdout.write(f"  {engine_name} {kind:<12} n={len(values):<3} nDCG@10={mean_ndcg:.3f} success@3={share:.3f}")
    mean_ndcg = sum(row[2] for row in rows) / len(rows)
    share = sum(row[3] for row in rows) / len(rows)
    return mean_ndcg, share


def run(engines, stdout, verbose=False):
    """Rebuild and evaluate each (name, engine) pair; return {name: (ndcg, success)}."""
    judgements = load_judgements()
    keys = page_keys()
    missing = {key for judgement in judgements for key in judgement["relevant"]} - set(keys.values())
    if missing:
        stdout.write(f"warning: {len(missing)} judged pages are not in the database: {sorted(missing)[:10]}")

    figures = {}
    for name, engine in engines:
        indexed, failures = indexing.rebuild(engine=engine)
        stdout.write(f"{name}: {indexed} documents indexed, {len(failures)} failed; {len(judgements)} queries")
        rows = evaluate(engine, judgements, keys)
        figures[name] = report(name, rows, stdout, verbose)
    return figures
