"""The query list for the realistic corpus, written as people type into the search box.

Partial words (the window makes the last word a prefix: ``gaussian spl`` searches
``gaussian spl*``), model names with versions, acronyms, typos without any ``~``, field
filters with and without words, and the corpus's own rare words (drawn from its tail
vocabulary by rank, so the list follows the seed): their first use is what a Zipfian
vocabulary makes expensive.

The FTS5 translations are what an FTS5 user would type for the same need: FTS5 does not
split names ("yolov9" is one token) so a family is a prefix there (``yolo*``), a dotted
or hyphenated name is a phrase of its pieces (``"qwen2 5 vl"``), a typo searches the
word meant (FTS5 has no "did you mean"), a partial word is a prefix.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.bench_queries import BenchQuery, Fts, has, since, status, tag
from benchmarks.realistic_corpus import Vocabulary, load_templates
from benchmarks.synthetic import SHARED_DIGEST

KINDS = ("partial", "name", "acronym", "typo", "rare", "field", "words")
RARE_RANKS = (3, 30, 300, 3_000, 30_000)  # tail ranks of the corpus's own words queried
_PIECES = re.compile(r"[-.]")


def _fts_word(word: str) -> str:
    """A word as FTS5's unicode61 tokenizer sees it: pieces at hyphens and dots."""
    pieces = [piece for piece in _PIECES.split(word.lower()) if piece]
    return pieces[0] if len(pieces) == 1 else '"' + " ".join(pieces) + '"'


def _typo(word: str) -> str:
    """Two letters in the middle swapped ("segmentation" -> "segmnetation")."""
    middle = len(word) // 2
    return word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]


def rare_words(seed: int, digest: Path | None = None) -> list[str]:
    """The corpus's own pseudo-words, one near each of RARE_RANKS of its tail."""
    vocabulary = Vocabulary(seed, load_templates(digest or SHARED_DIGEST))
    found: list[str] = []
    for rank in RARE_RANKS:
        for nearby in range(rank, rank + 500):
            word = vocabulary.word(nearby)
            if vocabulary.kind(nearby) == "word" and len(word) >= 7 and word not in found:
                found.append(word)
                break
    return found


def realistic_queries(now: datetime, seed: int, digest: Path | None = None) -> list[BenchQuery]:
    """The list, in the order a session might type it. ``now`` anchors ``added:``."""
    q = BenchQuery
    queries = [
        # --- partial: the last word is still being typed
        q("partial", "gaussian spl", Fts("gaussian spl*")),
        q("partial", "segm", Fts("segm*")),
        q("partial", "diffu", Fts("diffu*")),
        q("partial", "quantiz", Fts("quantiz*")),
        q("partial", "large language mo", Fts("large language mo*")),
        q("partial", "mixture of exp", Fts("mixture exp*")),
        q("partial", "neural radi", Fts("neural radi*")),
        q("partial", "obj", Fts("obj*")),
        q("partial", "tr", Fts("tr*")),  # two letters: the widest prefix typed
        q("partial", "self-superv", Fts('"self superv*"')),
        q("partial", "knowledge dis", Fts("knowledge dis*")),
        q("partial", "point cl", Fts("point cl*")),
        # --- names with versions, as typed
        q("name", "yolo", Fts("yolo*")),
        q("name", "yolov9", Fts("yolov9")),
        q("name", "YOLOv8", Fts("yolov8")),
        q("name", "gpt-4", Fts('"gpt 4*"')),
        q("name", "gpt4", Fts("gpt4*")),
        q("name", "gpt-4v", Fts('"gpt 4v"')),
        q("name", "qwen", Fts("qwen*")),
        q("name", "qwen2.5", Fts('"qwen2 5"')),
        q("name", "qwen2.5-vl", Fts('"qwen2 5 vl"')),
        q("name", "llama 2", Fts("llama* 2")),
        q("name", "llama-3.1", Fts('"llama 3 1"')),
        q("name", "dcn", Fts("dcn*")),
        q("name", "dcnv4", Fts("dcnv4")),
        q("name", "swin", Fts("swin*")),
        q("name", "flashattention", Fts("flashattention*")),
        q("name", "resnet-50", Fts('"resnet 50"')),
        q("name", "dinov2", Fts("dinov2")),
        q("name", "mixtral 8x7b", Fts('mixtral* "8x7b"')),
        # --- acronyms the abstracts define
        q("acronym", "moe", Fts("moe")),
        q("acronym", "3dgs", Fts("3dgs")),
        q("acronym", "nerf", Fts("nerf")),
        q("acronym", "lora", Fts("lora")),
        q("acronym", "rag", Fts("rag")),
        q("acronym", "retrieval-augmented generation", Fts('"retrieval augmented generation"')),
        # --- typos, as typed (no "~"): FTS5 searches the word meant
        q("typo", "segmentaton", Fts("segmentation")),
        q("typo", "difusion models", Fts("diffusion models")),
        q("typo", "transfomer", Fts("transformer")),
        q("typo", "gausian splatting", Fts("gaussian splatting")),
        q("typo", "quantisaton", Fts("quantization")),
        q("typo", "atention mechanism", Fts("attention mechanism")),
        q("typo", "retreival", Fts("retrieval")),
        q("typo", "distilation", Fts("distillation")),
        # --- words and phrases finished
        q("words", "model", Fts("model")),  # the longest posting list
        q("words", "object detection", Fts("object detection")),
        q("words", '"large language models"', Fts('"large language models"')),
        q("words", "sparse training ", Fts("sparse training")),
        q("words", "vision transformer attention ", Fts("vision transformer attention")),
        # --- filters, alone and with words (the last word still typed)
        q("field", "tag:3d", Fts(None, (tag("3d"),))),
        q("field", "status:read", Fts(None, (status("read"),))),
        q("field", "has:code", Fts(None, (has("code"),))),
        q("field", "has:code segm", Fts("segm*", (has("code"),))),
        q("field", "tag:llm quantiz", Fts("quantiz*", (tag("llm"),))),
        q("field", "status:queued diffusion ", Fts("diffusion", (status("queued"),))),
        q("field", "rating:>=4", Fts(None, (("m.rating >= ?", (4,)),))),
        q("field", "added:>30d", Fts(None, (since(now - timedelta(days=30)),))),
        q("field", "seen:>2", Fts(None, (("m.seen > ?", (2,)),))),
        q("field", "title:yolo", Fts("title : yolo*")),
        q("field", "title:gaus", Fts("title : gaus*")),
        q("field", 'abstract:"point cloud" ', Fts('abstract : "point cloud"')),
    ]
    for word in rare_words(seed, digest):
        # Each rare word whole, then half typed, then mistyped: its first use is cold.
        queries.append(q("rare", word, Fts(_fts_word(word))))
        queries.append(q("rare", word[:5], Fts(f"{word[:5].lower()}*")))
        queries.append(q("rare", _typo(word) + " ", Fts(_fts_word(word))))
    return queries
