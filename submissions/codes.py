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

from .models import Application, DailyCounter

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


def save_with_code(application):
    """
    Save `application` with a new code: its receiving agency's next number on the date submitted.

    On PostgreSQL the row is saved first, and then one statement takes the number and writes the
    code, so the counter row, locked until the transaction ends, waits for no other statement of
    this step. Other databases take the number first and save the row with it in one UPDATE;
    SQLite locks the whole database for a writing transaction, so the order gains nothing there.
    """
    agency = application.receiving_agency
    day = timezone.localtime(application.submitted_at).date()
    prefix = f"{agency.code}-{day:%y%m%d}-"
    if connection.vendor != "postgresql":
        application.code = f"{prefix}{next_sequence(agency, day):0{SEQUENCE_DIGITS}d}"
        application.save()
        return application.code

    application.save()
    counters = connection.ops.quote_name(DailyCounter._meta.db_table)
    applications = connection.ops.quote_name(Application._meta.db_table)
    # lpad pads to SEQUENCE_DIGITS and, given a length below the number's own, would cut it.
    sql = (
        f"WITH counter AS ("
        f"INSERT INTO {counters} (agency_id, day, last_number) VALUES (%s, %s, 1) "
        f"ON CONFLICT (agency_id, day) DO UPDATE SET last_number = {counters}.last_number + 1 "
        "RETURNING last_number) "
        f"UPDATE {applications} SET code = %s || lpad(counter.last_number::text, "
        "greatest(%s, length(counter.last_number::text)), '0') "
        f"FROM counter WHERE {applications}.id = %s RETURNING {applications}.code"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency.pk, day, prefix, SEQUENCE_DIGITS, application.pk])
        (application.code,) = cursor.fetchone()
    return application.code
