"""Print nDCG@10 and success@3 of the judgement list for the database engine and OpenSearch."""

import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from search.engines import get_engine
from search.quality import evaluate
from search.searchnode import running_node


class Command(BaseCommand):
    help = (
        "Rebuild the index of each engine from this database and measure the judgement list in "
        "search/quality/judgements.json. The last line gives the figures as name=value pairs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--engines", default="database,opensearch", help="Comma-separated engines: database, opensearch."
        )
        parser.add_argument(
            "--opensearch-url",
            default="",
            help="Address of a running OpenSearch node; without it the node from build/search-node is started.",
        )
        parser.add_argument("--verbose", action="store_true", help="List every query, not only the misses.")

    def handle(self, *args, engines, opensearch_url, verbose, **options):
        names = [name.strip() for name in engines.split(",") if name.strip()]
        unknown = set(names) - {"database", "opensearch"}
        if unknown:
            raise CommandError(f"unknown engines {sorted(unknown)}: use database and/or opensearch")

        with contextlib.ExitStack() as stack:
            selected = []
            for name in names:
                if name == "database":
                    config = {**settings.PORTAL_SEARCH, "ENGINE": "search.engines.database.DatabaseEngine"}
                else:
                    url = opensearch_url or stack.enter_context(running_node())
                    config = {
                        **settings.PORTAL_SEARCH,
                        "ENGINE": "search.engines.dsl.DSLEngine",
                        "LIBRARY": "opensearch",
                        "URL": url,
                        "INDEX_PREFIX": "quality",
                    }
                selected.append((name, get_engine(config)))
            figures = evaluate.run(selected, self.stdout, verbose)

        pairs = []
        for name, (ndcg, success) in figures.items():
            pairs += [f"{name}_ndcg10={ndcg:.3f}", f"{name}_success3={success:.3f}"]
        self.stdout.write(" ".join(pairs))
