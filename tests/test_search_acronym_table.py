"""The acronym table answers as one made all at once (issue 16, item 5)."""

from __future__ import annotations

from typing import Any


def _eager_table(
    entries: list[tuple[str, int]],
) -> tuple[dict[str, list[tuple[object, ...]]], dict[tuple[str, ...], list[tuple[object, ...]]]]:
    """Every definition's expansion made at once, as the table made them before it
    made them when asked for: the reference the lazy table must answer as."""
    from collections import Counter, defaultdict

    from readinglist.search.acronym_table import MAX_EXPANSIONS

    papers: Counter[tuple[str, tuple[str, ...]]] = Counter()
    shown: defaultdict[tuple[str, tuple[str, ...]], Counter[str]] = defaultdict(Counter)
    words: defaultdict[tuple[str, tuple[str, ...]], Counter[str]] = defaultdict(Counter)
    for entry, count in entries:
        fields = entry.split("|")
        if len(fields) != 4:
            continue
        key = (fields[0], tuple(fields[2].split()))
        papers[key] += count
        shown[key][fields[1]] += count
        words[key][fields[3]] += count
    by_acronym: defaultdict[str, list[tuple[object, ...]]] = defaultdict(list)
    by_terms: defaultdict[tuple[str, ...], list[tuple[object, ...]]] = defaultdict(list)
    for (acronym, terms), count in papers.most_common():
        written = shown[(acronym, terms)].most_common(1)[0][0]
        if len(written) > 2 and written[-1] == "s" and written[-2].isupper():
            written = written[:-1]
        made = (acronym, written, terms, words[(acronym, terms)].most_common(1)[0][0], count)
        if len(by_acronym[acronym]) < MAX_EXPANSIONS:
            by_acronym[acronym].append(made)
        if len(by_terms[terms]) < MAX_EXPANSIONS:
            by_terms[terms].append(made)
    return dict(by_acronym), dict(by_terms)


def test_the_acronym_table_answers_as_one_made_at_once() -> None:
    """The table makes an acronym's expansions when asked: the same ones, in the same
    order (most papers first, equals as first read, at most three), as making all."""
    import random

    from readinglist.search.acronym_table import AcronymTable

    rng = random.Random(3)
    entries: list[tuple[str, int]] = []
    for _ in range(3000):
        acronym = rng.choice(["moe", "llm", "rag", "vit", "gan", "nerf", "sam"])
        terms = " ".join(rng.sample(["mixtur", "expert", "larg", "model", "vision", "field"], 2))
        written = rng.choice([acronym.upper(), acronym.upper() + "s", acronym.title(), ""])
        words = rng.choice([terms, terms + "s", terms.title()])
        entries.append((f"{acronym}|{written}|{terms}|{words}", rng.randint(1, 4)))
    entries.append(("broken|entry", 5))
    by_acronym, by_terms = _eager_table(entries)
    table = AcronymTable(entries)

    def made(found: list[Any]) -> list[tuple[object, ...]]:
        return [(e.acronym, e.acronym_shown, e.terms, e.words, e.papers) for e in found]

    for acronym in [*by_acronym, "absent"]:
        assert made(table.expansions(acronym)) == by_acronym.get(acronym, [])
    for sequence in [*by_terms, ("absent",)]:
        assert made(table.acronyms(sequence)) == by_terms.get(sequence, [])
    assert len(table) == sum(len(found) for found in by_acronym.values())
    assert table.longest == max(len(terms) for terms in by_terms)
