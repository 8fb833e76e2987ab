"""Signals of the service catalogue that other apps (search, statistics) can listen to."""

from django.dispatch import Signal

# Sent after the catalogue import commits, with lists of ProcedurePage ids: `created`,
# `updated` and `abolished`. Pages created in bulk send no `page_published` signal, so a search
# index that follows publishing must listen to this one too.
procedures_imported = Signal()
