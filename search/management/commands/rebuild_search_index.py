"""Rebuild the search index of the configured engine from the live, public pages."""

import time

from django.core.management.base import BaseCommand, CommandError

from search import indexing
from search.engines import get_engine


class Command(BaseCommand):
    help = (
        "Index every live, public page again without emptying the index first, so searches "
        "find every page meanwhile, and remove the documents of pages that no longer qualify "
        "at the end. Prints progress and each page that failed. Exits with an error when any "
        "page failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=indexing.BATCH_SIZE,
            help="Pages read and indexed per batch (default %(default)s).",
        )

    def handle(self, *args, batch_size, **options):
        engine = get_engine()
        self.stdout.write(f"Rebuilding the search index with the {engine.name} engine")
        started = time.monotonic()
        indexed, failures = indexing.rebuild(engine=engine, stdout=self.stdout, batch_size=batch_size)
        elapsed = time.monotonic() - started

        for page_id, error in failures:
            self.stderr.write(f"page {page_id} failed: {error}")
        summary = f"{indexed} documents indexed, {len(failures)} failed, in {elapsed:.1f} s"
        if failures:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
