"""Deterministic synthetic libraries recombined from the real shared digest.

Titles are made of the phrases of real titles (split at their connecting words) and
abstracts of real sentences, so the vocabulary, word frequencies and text lengths look
like a real library's while N grows to 100k. Everything is drawn from one
``random.Random(seed)``: the same (n, seed) gives the same papers, and the first n
papers of ``synthetic_papers(n + k)`` are ``synthetic_papers(n)`` (the benchmark adds
its "200 new papers" from the tail).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import islice
from pathlib import Path

from sqlalchemy import text

from readinglist.core.digest_sources import read_digest
from readinglist.core.library import Library
from readinglist.core.models import ParsedPaper, ParseResult, ReadStatus
from readinglist.core.normalize import title_key
from readinglist.storage.store import SqlStore

REPO = Path(__file__).resolve().parents[1]
SHARED_DIGEST = REPO.parent / "shared" / "digests" / "000_2ccd13dbd19ccc3f.txt"
DEFAULT_SEED = 7
IMPORT_BATCH = 5000
DIGESTS = 20  # a library of N papers arrives as about this many digests
SPAN_DAYS = 540  # ... spread over the last year and a half
ANNOTATE_CHUNK = 2000

# Words that join the phrases of a title: titles are cut there and glued back with one.
_CONNECTORS = (
    "for",
    "with",
    "via",
    "using",
    "of",
    "in",
    "to",
    "through",
    "from",
    "on",
    "towards",
    "by",
    "and",
    "without",
)
_CONNECTOR_RE = re.compile(r"\s+(" + "|".join(_CONNECTORS) + r")\s+", re.IGNORECASE)
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[0-9])")
_TITLE_WORD_RE = re.compile(r"[A-Za-z][A-Za-z-]{3,}")
_STOP = frozenset(
    {"that", "this", "what", "when", "with", "from", "into", "your", "than", "have", "more"}
)


@dataclass(frozen=True)
class Corpus:
    """The pieces of the real digest that synthetic papers are made of."""

    heads: tuple[str, ...]  # "AVG-LLaVA", "GS-Net", ... (before a title's colon)
    chunks: tuple[str, ...]  # "Adaptive Visual Granularity", "3D Gaussian Splatting", ...
    openings: tuple[str, ...]  # the chunks that can start a title (capital or digit)
    connectors: tuple[str, ...]  # as used in real titles, with their frequencies
    words: tuple[str, ...]  # capitalised real title words, to tell titles apart
    openers: tuple[str, ...]  # first sentences of abstracts
    sentences: tuple[str, ...]  # other sentences without a URL
    url_sentences: tuple[str, ...]  # "Code is available at https://github.com/..."


@lru_cache(maxsize=4)
def load_corpus(digest: Path = SHARED_DIGEST) -> Corpus:
    parsed = read_digest(digest.read_bytes(), digest.name)
    heads: list[str] = []
    chunks: list[str] = []
    connectors: list[str] = []
    words: dict[str, None] = {}
    openers: list[str] = []
    sentences: list[str] = []
    url_sentences: list[str] = []
    for paper in parsed.papers:
        head, colon, body = paper.title.partition(": ")
        if colon and len(head.split()) <= 3:
            heads.append(head)
        else:
            body = paper.title
        parts = _CONNECTOR_RE.split(body)
        chunks.extend(part.strip() for part in parts[0::2] if len(part.strip()) > 2)
        connectors.extend(part.lower() for part in parts[1::2])
        for word in _TITLE_WORD_RE.findall(paper.title):
            if word.lower() not in _STOP and word.lower() not in _CONNECTORS:
                words[word[:1].upper() + word[1:]] = None
        for position, sentence in enumerate(_SENTENCE_RE.split(paper.abstract)):
            sentence = sentence.strip()
            if len(sentence) < 20:
                continue
            if "http" in sentence or "github.com" in sentence:
                url_sentences.append(sentence)
            elif position == 0:
                openers.append(sentence)
            else:
                sentences.append(sentence)
    return Corpus(
        heads=tuple(dict.fromkeys(heads)),
        chunks=tuple(dict.fromkeys(chunks)),
        openings=tuple(dict.fromkeys(c for c in chunks if c[:1].isupper() or c[:1].isdigit())),
        connectors=tuple(connectors),
        words=tuple(words),
        openers=tuple(openers),
        sentences=tuple(sentences),
        url_sentences=tuple(url_sentences),
    )


def _title(rng: random.Random, corpus: Corpus) -> str:
    shape = rng.random()
    pieces = [rng.choice(corpus.openings)]
    for _ in range(1 if shape < 0.8 else 2):
        pieces += [rng.choice(corpus.connectors), rng.choice(corpus.chunks)]
    body = " ".join(pieces)
    if rng.random() < 0.45:
        return f"{rng.choice(corpus.heads)}: {body}"
    return body


def _abstract(rng: random.Random, corpus: Corpus) -> str:
    count = rng.randint(5, 12)
    chosen = [rng.choice(corpus.openers)]
    with_url = rng.random() < 0.3
    chosen += rng.sample(corpus.sentences, count - 1 - with_url)
    if with_url:
        chosen.append(rng.choice(corpus.url_sentences))
    return " ".join(chosen)


def iter_synthetic_papers(
    seed: int = DEFAULT_SEED, digest: Path | None = None
) -> Iterator[ParsedPaper]:
    """An endless stream of papers with titles unique by the library's title key.

    Only the keys of the papers already yielded are kept, so skipping ahead (the
    benchmark's "200 new papers" after N) costs little memory.
    """
    corpus = load_corpus(digest or SHARED_DIGEST)
    rng = random.Random(seed)
    seen: set[str] = set()
    line = 0
    while True:
        title = _title(rng, corpus)
        key = title_key(title)
        while key in seen:  # tell it apart with another real title word
            title = f"{title} {rng.choice(corpus.words)}"
            key = title_key(title)
        seen.add(key)
        line += 1
        yield ParsedPaper(title, _abstract(rng, corpus), line)


def synthetic_papers(
    n: int, seed: int = DEFAULT_SEED, digest: Path | None = None
) -> list[ParsedPaper]:
    """``n`` papers with titles unique after case folding (by the library's title key)."""
    return list(islice(iter_synthetic_papers(seed, digest), n))


def papers_after(
    skip: int, n: int, seed: int = DEFAULT_SEED, digest: Path | None = None
) -> list[ParsedPaper]:
    """The ``n`` papers that follow the first ``skip``: new to a library of ``skip``."""
    return list(islice(iter_synthetic_papers(seed, digest), skip, skip + n))


# ----------------------------------------------------------------- library folders

# Topic tags a reader would give, by words of the title and abstract (lower case).
_TOPIC_TAGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("3d/gaussian-splatting", ("gaussian splatting", "3d gaussian")),
    ("3d/nerf", ("radiance field", "nerf")),
    ("vision/segmentation", ("segmentation",)),
    ("vision/detection", ("object detection", "detector")),
    ("llm/quantization", ("quantization", "quantized")),
    ("llm", ("large language model", "llm")),
    ("moe", ("mixture of experts", "mixture-of-experts")),
    ("generative/diffusion", ("diffusion",)),
    ("systems/distributed", ("distributed", "parallelism")),
    ("optimization", ("optimizer", "sgd", "momentum")),
    ("pruning", ("pruning", "sparse")),
)
_PERSONAL_TAGS = (("to-read-later", 0.03), ("reading group", 0.01), ("baselines", 0.02))
# Fractions of the library per status, the rest stays unread.
_STATUS_SHARE = (
    (ReadStatus.QUEUED, 0.15),
    (ReadStatus.READING, 0.04),
    (ReadStatus.READ, 0.12),
    (ReadStatus.SKIMMED, 0.06),
    (ReadStatus.DROPPED, 0.03),
)
_RATING_WEIGHTS = (1, 2, 6, 7, 4)  # ratings 1..5 of the rated papers
_NOTES = (
    "TODO: reproduce the {w} ablation and compare with our baseline.",
    "Key idea: {w} instead of dense attention; check the appendix for the memory numbers.",
    "Discussed in reading group. Strong results but the {w} baseline is weak.",
    "Relevant for the {w} project; code looks clean, try it on our data.",
    "todo read section 4 again ({w}).",
)


@dataclass
class _Clock:
    """The Library's clock, moved by the builder so each digest has its own date."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class BuildInfo:
    papers: int
    digests: int
    reappearances: int
    seconds: float
    anchor: str  # the "now" the digest dates count back from (ISO, UTC)
    annotated: dict[str, int] = field(default_factory=dict)


def _chunked(ids: Sequence[int], size: int = ANNOTATE_CHUNK) -> list[Sequence[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def build_library(
    folder: Path,
    n: int,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
    digest: Path | None = None,
    batch: int = IMPORT_BATCH,
    progress: Callable[[str], None] | None = None,
) -> BuildInfo:
    """A library folder with ``n`` synthetic papers in its database and no search index.

    Papers arrive as about 20 digests dated over the last 540 days (``added:`` queries
    hit something), a few "trending" papers re-appear in later digests (``seen:>2``),
    and some papers get statuses, ratings, tags and notes through the Library API.
    The search outbox is emptied at the end: the caller builds the index itself.
    """
    started = time.perf_counter()
    papers = synthetic_papers(n, seed, digest)
    rng = random.Random(f"{seed}/library")
    anchor = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    clock = _Clock(anchor)
    store = SqlStore.open(folder)
    try:
        library = Library(store, clock=clock)  # no index: nothing is indexed while filling
        size = max(1, min(batch, max(50, -(-n // DIGESTS))))
        batches = [papers[start : start + size] for start in range(0, n, size)]
        ids: list[int] = []
        trending: list[ParsedPaper] = []
        reappearances = 0
        for number, fresh in enumerate(batches):
            back = SPAN_DAYS * (len(batches) - 1 - number) / max(len(batches) - 1, 1)
            clock.now = anchor - timedelta(days=back + 1, hours=rng.randint(0, 20))
            again = rng.sample(trending, min(len(trending), max(1, size // 10)))
            reappearances += len(again)
            content = f"synthetic digest {seed}/{n}/{number}".encode()
            summary = library.import_parsed(
                ParseResult(tuple(fresh) + tuple(again)), f"synthetic-{number:03d}.txt", content
            )
            ids.extend(summary.new_ids)
            trending.extend(paper for paper in fresh if rng.random() < 0.02)
            if progress is not None:
                progress(f"imported {len(ids)}/{n}")
        clock.now = anchor - timedelta(hours=1)
        annotated = _annotate(library, rng, ids, papers)
        with store.engine.begin() as connection:
            connection.execute(text("DELETE FROM search_outbox"))
    finally:
        store.close()
    seconds = time.perf_counter() - started
    return BuildInfo(n, len(batches), reappearances, seconds, anchor.isoformat(), annotated)


def _annotate(
    library: Library, rng: random.Random, ids: Sequence[int], papers: Sequence[ParsedPaper]
) -> dict[str, int]:
    """Statuses, ratings, tags and notes on a deterministic share of the papers."""
    counts: dict[str, int] = {}
    shuffled = list(ids)
    rng.shuffle(shuffled)
    start = 0
    for status, share in _STATUS_SHARE:
        chosen = sorted(shuffled[start : start + round(share * len(ids))])
        start += len(chosen)
        for chunk in _chunked(chosen):
            library.set_status(chunk, status)
        counts[f"status:{status.value}"] = len(chosen)

    by_rating: dict[int, list[int]] = {}
    for paper_id in ids:
        if rng.random() < 0.12:
            rating = rng.choices(range(1, 6), weights=_RATING_WEIGHTS)[0]
            by_rating.setdefault(rating, []).append(paper_id)
    for rating, chosen in sorted(by_rating.items()):
        for chunk in _chunked(chosen):
            library.rate(chunk, rating)
        counts[f"rating:{rating}"] = len(chosen)

    tagged: dict[str, list[int]] = {}
    for paper_id, paper in zip(ids, papers, strict=True):
        lowered = f"{paper.title} {paper.abstract}".lower()
        for tag, needles in _TOPIC_TAGS:
            if any(needle in lowered for needle in needles) and rng.random() < 0.5:
                tagged.setdefault(tag, []).append(paper_id)
        for tag, share in _PERSONAL_TAGS:
            if rng.random() < share:
                tagged.setdefault(tag, []).append(paper_id)
    for tag, chosen in sorted(tagged.items()):
        for chunk in _chunked(chosen):
            library.tag(chunk, add=[tag])
        counts[f"tag:{tag}"] = len(chosen)

    corpus_words = [w for p in papers[:50] for w in p.title.split() if len(w) > 4]
    noted = 0
    for paper_id in ids:
        if rng.random() < 0.02:
            note = rng.choice(_NOTES).format(w=rng.choice(corpus_words).strip(":,").lower())
            library.set_notes(paper_id, note)
            noted += 1
    counts["notes"] = noted
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.synthetic --size N --out DIR``: build a library, print JSON."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, required=True, help="a new library folder")
    parser.add_argument("--digest", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    info = build_library(args.out, args.size, args.seed, digest=args.digest)
    json.dump(asdict(info), sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
