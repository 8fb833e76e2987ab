"""Choosing the correction of a misspelt word among an engine's candidates."""


def edit_distance(first, second):
    """Return the Levenshtein distance between two strings."""
    previous = list(range(len(second) + 1))
    for row, left in enumerate(first, start=1):
        current = [row]
        for column, right in enumerate(second, start=1):
            current.append(
                min(
                    previous[column] + 1,
                    current[column - 1] + 1,
                    previous[column - 1] + (left != right),
                )
            )
        previous = current
    return previous[-1]


def pick_correction(word, candidates, max_distance=2):
    """
    Return the best replacement for `word` among `candidates` ((term, document count) pairs).

    Fewest edits first, then the same length (a typo more often changes a letter than drops
    one), then the most common term. None when no candidate is within `max_distance` edits.
    """
    scored = []
    for term, count in candidates:
        if term == word:
            continue
        distance = edit_distance(word, term)
        if distance <= max_distance:
            scored.append((distance, abs(len(term) - len(word)), -(count or 0), term))
    return min(scored)[3] if scored else None
