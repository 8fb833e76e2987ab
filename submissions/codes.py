"""
Application codes: `<receiving agency code>-YYMMDD-NNNN`.

The number is a daily counter per receiving agency (date in the portal's time zone, Asia/Ho_Chi_Minh),
kept in one DailyCounter row per agency and day. It is taken with a single upsert
(`INSERT … ON CONFLICT DO UPDATE … RETURNING`), which PostgreSQL runs atomically under row
locks and SQLite (3.35 or later) runs under its single-writer lock, so concurrent intakes never
share a number. Call it inside the transaction that creates the application: the counter row
stays locked until that transaction ends, and a rolled-back intake gives its number back.
"""

from django.db import connection
from django.utils import timezone

from .models import DailyCounter

SEQUENCE_DIGITS = 4


def next_sequence(agency, day):
    """Return the next number of `agency` on the local date `day`, starting at 1."""
    table = connection.ops.quote_name(DailyCounter._meta.db_table)
    sql = (
        f"INSERT INTO {table} (agency_id, day, last_number) VALUES (%s, %s, 1) "
        f"ON CONFLICT (agency_id, day) DO UPDATE SET last_number = {table}.last_number + 1 "
        "RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency.pk, day])
        (number,) = cursor.fetchone()
    return number


def allocate_code(agency, moment=None):
    """
    Return a new application code of `agency` for the local date of `moment` (now by default).

    Numbers have at least four digits; a 10,000th application on one day gets five.
    """
    day = timezone.localtime(moment or timezone.now()).date()
    number = next_sequence(agency, day)
    return f"{agency.code}-{day:%y%m%d}-{number:0{SEQUENCE_DIGITS}d}"
