"""The search engine interface and the values it returns."""

from dataclasses import dataclass, field

from ..query import ParsedQuery

PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
FACET_SIZE = 20


@dataclass
class SearchRequest:
    """A search: the parsed query, facet filters (facet name to one value) and the page wanted."""

    query: ParsedQuery
    filters: dict = field(default_factory=dict)
    page: int = 1
    per_page: int = PAGE_SIZE
    exclude_ids: tuple = ()
    # Ask for spelling corrections in the same request, from engines that can do both at once
    # (see `SearchEngine.suggests_while_searching`).
    suggest: bool = False

    @property
    def offset(self):
        return (self.page - 1) * self.per_page


@dataclass
class Hit:
    page_id: int
    title: str
    url: str
    content_type: str
    snippet: str  # HTML-safe, with <mark> around matched words
    date: object = None
    score: float = 0.0


@dataclass
class SearchResults:
    total: int
    hits: list
    facets: dict  # facet name to a list of (value, count), largest count first
    # The corrected query when the request asked for suggestions and the engine found one.
    suggestion: object = None


class Rebuild:
    """A rebuild in progress (see `SearchEngine.start_rebuild`)."""

    def index_documents(self, documents):
        """Add IndexDocuments to the new copy of the index."""
        raise NotImplementedError

    def finish(self, failed_ids=()):
        """
        Make the new copy current and drop what it replaced.

        `failed_ids` are pages whose documents could not be built this time; engines keep
        their previous documents where they can.
        """
        raise NotImplementedError

    def abort(self):
        """Drop the new copy and leave the current index as it was."""


@dataclass
class Suggestion:
    """A corrected query for "did you mean"."""

    text: str


class SearchEngine:
    """
    Base class of the search engines.

    An engine stores IndexDocuments (see `search.documents`) and answers SearchRequests. Every
    method takes and returns plain values so that the views, the indexing task and the tests
    treat all engines alike.
    """

    name = "base"
    # True when `search` also returns the corrections that `SearchRequest.suggest` asks for, in
    # the same request to the engine, so callers need not call `suggest` first.
    suggests_while_searching = False

    def __init__(self, config):
        self.config = config

    def setup(self):
        """Create the index if it does not exist yet."""

    def reset(self):
        """Drop and recreate the index, empty."""
        raise NotImplementedError

    def start_rebuild(self):
        """
        Return a Rebuild that fills a complete new copy of the index.

        Searches keep reading the current index until `Rebuild.finish()` makes the new copy
        current in one step, so results stay complete while a rebuild runs.
        """
        raise NotImplementedError

    def index_documents(self, documents):
        """Add or replace IndexDocuments."""
        raise NotImplementedError

    def delete_documents(self, page_ids):
        """Remove the documents of these page ids; unknown ids are ignored."""
        raise NotImplementedError

    def refresh(self):
        """Make recent writes visible to searches (a no-op where writes are visible at once)."""

    def search(self, request):
        """Return SearchResults for a SearchRequest."""
        raise NotImplementedError

    def autocomplete(self, query, limit=8):
        """Return up to `limit` Hits whose titles match the words typed so far."""
        raise NotImplementedError

    def suggest(self, query):
        """Return a Suggestion with misspelt words corrected, or None."""
        raise NotImplementedError

    def count(self):
        """Return how many documents the index holds."""
        raise NotImplementedError

    def indexed_ids(self):
        """Return the set of page ids in the index."""
        raise NotImplementedError
