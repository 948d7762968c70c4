"""Search that understands how ML papers name things (issue 16).

Names glued from letters, digits, capitals and hyphens ("YOLOv9", "GPT-4V",
"Qwen2.5-VL") are found by their family, their exact name and their pieces; British and
American spellings find each other; acronyms the library defines ("Mixture-of-Experts
(MoE)") are searched both ways; "did you mean" keeps to the words it knows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.digest_parser import render_digest
from readinglist.core.models import ParsedPaper
from readinglist.core.query import typing_query
from readinglist.search.analysis import STOP_WORDS
from tests.helpers import copy_library

P = ParsedPaper
# (key, title, abstract): the keys name the papers in the tables below.
NAMED = [
    (
        "yolov9",
        "YOLOv9: Learning What You Want to Learn Using Programmable Gradient Information",
        "YOLOv9 is a real-time object detector. YOLOv9 improves on earlier detectors.",
    ),
    (
        "scaled",
        "Scaled-YOLOv4: Scaling Cross Stage Partial Network",
        "We scale the network up and down for real-time object detection.",
    ),
    (
        "damo",
        "DAMO-YOLO: A Report on Real-Time Object Detection Design",
        "DAMO-YOLO is fast. It builds on YOLO detectors of every size, such as v9 of others.",
    ),
    (
        "gpt4v",
        "The Dawn of LMMs: Preliminary Explorations with GPT-4V(ision)",
        "We analyse GPT-4V on visual tasks and compare it with humans.",
    ),
    (
        "gpt2",
        "Language Models are Unsupervised Multitask Learners",
        "GPT-2 has 4 variants; the largest has 1.5B parameters.",
    ),
    ("qwen", "Qwen2.5-VL Technical Report", "Qwen2.5-VL reads documents and charts."),
    ("llama", "LLaMA-2: Open Foundation and Fine-Tuned Chat Models", "We release LLaMA-2."),
    ("swin", "Swin Transformer: Hierarchical Vision Transformer", "Shifted windows."),
    ("swinv2", "SwinV2: Scaling Up Capacity and Resolution", "SwinV2 trains a 3B model."),
    (
        "flash",
        "FlashAttention2: Faster Attention with Better Parallelism",
        "FlashAttention2 partitions the work between thread blocks.",
    ),
    ("dcn", "Efficient Deformable ConvNets", "DCNv3 was slow; DCNv4 is three times faster."),
    (
        "british",
        "Post-training quantisation of vision transformers",
        "We optimise the normalisation layers; modelling the colour channels helps.",
    ),
    (
        "american",
        "Quantization-aware training",
        "We optimize batch normalization and color jitter when modeling images.",
    ),
    (
        "moe-defined",
        "Sparse experts at scale",
        "Sparse Mixture-of-Experts (MoE) layers route each token to a few experts.",
    ),
    ("moe-only", "Routing tokens", "Our MoE router balances the load of the experts."),
    ("moe-words", "Experts everywhere", "A mixture of experts model for vision tasks."),
    (
        "llm-defined",
        "Compressing large models",
        "Large language models (LLMs) are costly to serve.",
    ),
    ("llm-only", "Serving an LLM cheaply", "We serve an LLM on one device."),
]
KEYS = [key for key, _, _ in NAMED]


def _id(key: str) -> int:
    return KEYS.index(key) + 1  # imported in this order into an empty library


@pytest.fixture(scope="module")
def names(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenLibrary]:
    folder = tmp_path_factory.mktemp("names") / "library"
    papers = [P(title, abstract, 0) for _, title, abstract in NAMED]
    with open_library(folder) as opened:
        opened.library.import_bytes(render_digest(papers).encode(), "names.txt")
        yield opened


def found(opened: OpenLibrary, query: str) -> set[str]:
    results = opened.library.search(query, limit=100)
    return {KEYS[result.paper.id - 1] for result in results.results}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # the family, the exact name, the name in pieces
        ("yolo", {"yolov9", "scaled", "damo"}),
        ("yolov9", {"yolov9"}),
        ("yolo v9", {"yolov9", "damo"}),  # DAMO-YOLO's abstract says "v9" too
        ("yolov4", {"scaled"}),
        ("scaled yolov4", {"scaled"}),
        ("gpt-4", {"gpt4v"}),  # not a phrase that fails, and not GPT-2's "4 variants"
        ("gpt4", {"gpt4v"}),
        ("gpt 4v", {"gpt4v"}),
        ("gpt-4v", {"gpt4v"}),
        ("gpt-2", {"gpt2"}),
        ("qwen", {"qwen"}),
        ("qwen2.5", {"qwen"}),
        ("qwen2.5-vl", {"qwen"}),
        ("llama 2", {"llama"}),
        ("llama2", {"llama"}),
        ("llama-2", {"llama"}),
        ("swin", {"swin", "swinv2"}),
        ("swinv2", {"swinv2"}),
        ("flashattention", {"flash"}),
        ("flash attention", {"flash"}),
        ('"flash attention"', {"flash"}),
        ("flashattention2", {"flash"}),
        ("dcn", {"dcn"}),
        ("dcnv4", {"dcn"}),
        # British and American spellings, both ways
        ("quantisation", {"british", "american"}),
        ("quantization", {"british", "american"}),
        ("optimise", {"british", "american"}),
        ("optimize", {"british", "american"}),
        ("normalisation", {"british", "american"}),
        ("normalization", {"british", "american"}),
        ("modelling jitter", {"american"}),  # "modeling" (other papers "model")
        ("modeling channels", {"british"}),
        ("colour", {"british", "american"}),
        ("color", {"british", "american"}),
        ("quantis*", {"british", "american"}),  # a British word being typed
    ],
)
def test_names_are_found_by_family_name_and_pieces(
    names: OpenLibrary, query: str, expected: set[str]
) -> None:
    assert found(names, query) == expected


@pytest.mark.parametrize(
    ("query", "first"),
    [("yolov9", "yolov9"), ("yolo v9", "yolov9"), ("yolov4", "scaled"), ("swinv2", "swinv2")],
)
def test_the_exact_name_ranks_first(names: OpenLibrary, query: str, first: str) -> None:
    results = names.library.search(query, limit=10).results
    assert KEYS[results[0].paper.id - 1] == first
    assert len(results) == 1 or results[0].score > results[1].score


def test_the_whole_name_weighs_more_than_its_pieces(names: OpenLibrary) -> None:
    """ "yolo" finds all three YOLO papers; the one whose title is the family's newest
    name is not outranked by a paper that only has the pieces."""
    by_id = {r.paper.id: r.score for r in names.library.search("yolo v9", limit=10).results}
    assert by_id[_id("yolov9")] > by_id[_id("damo")]


@pytest.mark.parametrize(
    ("query", "expected", "message"),
    [
        ("moe", {"moe-defined", "moe-only", "moe-words"}, "also searched: mixture of experts"),
        ("mixture of experts", {"moe-defined", "moe-only", "moe-words"}, "also searched: MoE"),
        ('"mixture of experts"', {"moe-defined", "moe-only", "moe-words"}, "also searched: MoE"),
        ("mixture-of-experts", {"moe-defined", "moe-only", "moe-words"}, "also searched: MoE"),
        ("llm", {"llm-defined", "llm-only"}, None),  # every paper says LLM(s): nothing added
        ("llms", {"llm-defined", "llm-only"}, None),
        ("large language models", {"llm-defined", "llm-only"}, "also searched: LLM"),
        ("moe -router", {"moe-defined", "moe-words"}, "also searched: mixture of experts"),
        ("-moe", set(KEYS) - {"moe-defined", "moe-only", "moe-words"}, None),
    ],
)
def test_acronyms_the_library_defines_are_searched_both_ways(
    names: OpenLibrary, query: str, expected: set[str], message: str | None
) -> None:
    results = names.library.search(query, limit=100)
    assert {KEYS[r.paper.id - 1] for r in results.results} == expected
    assert results.message == message


def test_an_acronyms_other_form_is_highlighted(names: OpenLibrary) -> None:
    results = names.library.search("moe", limit=100).results
    words = next(r for r in results if r.paper.id == _id("moe-words"))
    assert [text for text, hit in words.abstract if hit] == ["mixture", "experts"]


@pytest.mark.parametrize(
    ("query", "title", "marked"),
    [
        ("yolo", "Scaled-YOLOv4: Scaling Cross Stage Partial Network", ["Scaled-YOLOv4"]),
        ("gpt-4", "The Dawn of LMMs: Preliminary Explorations with GPT-4V(ision)", ["GPT-4V"]),
        ("swin", "SwinV2: Scaling Up Capacity and Resolution", ["SwinV2"]),
        ("colour", "Quantization-aware training", []),
        ("quantisation", "Quantization-aware training", ["Quantization-aware"]),
    ],
)
def test_highlights_mark_the_names_the_search_matched(
    names: OpenLibrary, query: str, title: str, marked: list[str]
) -> None:
    results = names.library.search(query, limit=100).results
    result = next(r for r in results if r.paper.title == title)
    assert [text for text, hit in result.title if hit] == marked


# --- the digest's own names ------------------------------------------------------------

_NAME = re.compile(r"\w+(?:[-.]\w+)*")
_MIXED = re.compile(r"[A-Za-z][0-9]|[0-9][A-Za-z]|[a-z][A-Z]")


def _family(name: str) -> str | None:
    """The leading letters of a name, less a version's "v" after three letters or more
    ("YOLOv9" -> "yolo", "DCNv4" -> "dcn"; "OPV2V" stays "opv")."""
    letters = re.match(r"[A-Za-z]+", name)
    if letters is None:
        return None
    family = letters.group()
    rest = name[letters.end() :]
    if len(family) > 3 and family[-1] in "vV" and rest[:1].isdigit():
        family = family[:-1]
    family = family.lower()
    return None if len(family) < 2 or family in STOP_WORDS else family


@pytest.fixture(scope="module")
def digest(
    tmp_path_factory: pytest.TempPathFactory, digest_library_template: Path
) -> Iterator[OpenLibrary]:
    folder = copy_library(digest_library_template, tmp_path_factory.mktemp("d") / "library")
    with open_library(folder) as opened:
        yield opened


def test_every_family_of_the_digest_finds_every_paper_naming_a_member(
    digest: OpenLibrary,
) -> None:
    library = digest.library
    papers = [r.paper for r in library.search("", limit=1000).results]
    members: dict[str, set[int]] = {}
    for paper in papers:
        for name in _NAME.findall(f"{paper.title}\n{paper.abstract}"):
            family = _family(name) if _MIXED.search(name) else None
            if family is not None:
                members.setdefault(family, set()).add(paper.id)
    assert {"yolo", "gpt", "swin", "dcn", "flashattention", "llama"} <= set(members)
    missed = {
        family: sorted(ids - {r.paper.id for r in library.search(family, limit=1000).results})
        for family, ids in members.items()
    }
    assert {family: ids for family, ids in missed.items() if ids} == {}


@pytest.mark.parametrize(
    ("query", "title_part"),
    [
        ("yolo", "YOLOv9"),
        ("yolo", "Scaled-YOLOv4"),
        ("gpt-4", "Set-of-Mark"),
        ("gpt4", "Set-of-Mark"),
        ("swin", "SwinV2"),
        ("flashattention", "SageAttention2"),  # its abstract names FlashAttention2
        ("dcn", "Deformable ConvNets"),
    ],
)
def test_the_issues_misses_are_found_in_the_digest(
    digest: OpenLibrary, query: str, title_part: str
) -> None:
    results = digest.library.search(query, limit=1000).results
    assert any(title_part in r.paper.title for r in results)


# --- did you mean ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("status:bogus", None),  # the message lists the statuses instead
        ("author:hinton", None),  # authors are not the abstracts' words
        ("author:gausian", None),
        ("gausian author:gausian", "gaussian author:gausian"),
        ("title:gausian", "title:gaussian"),
        ("dcn", None),  # a name's family is a word of the library now
        ("gaussian spl*", None),  # a prefix some word starts with is no typo
        ("gausian*", "gaussian*"),  # but a prefix nothing starts with may be one
        ("colour splatting", None),  # a spelling variant is no typo
    ],
)
def test_did_you_mean_keeps_to_the_words_it_knows(
    digest: OpenLibrary, query: str, suggestion: str | None
) -> None:
    results = digest.library.search(query, limit=5)
    assert results.suggestion == suggestion


def test_an_unknown_status_lists_the_valid_ones(digest: OpenLibrary) -> None:
    message = digest.library.search("status:bogus").message
    assert message is not None
    assert "unread, queued, reading, read, skimmed, dropped" in message


def test_did_you_mean_is_remembered_until_the_index_changes(
    opened: OpenLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readinglist.core import suggestions

    library = opened.library
    library.import_bytes(render_digest([P(t, a, 0) for _, t, a in NAMED[:3]]).encode(), "n.txt")
    computed: list[str] = []
    real = suggestions._did_you_mean

    def counting(*args: object) -> str | None:
        computed.append(str(args[2]))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(suggestions, "_did_you_mean", counting)
    assert library.search("yolp detector").suggestion == "yolo detector"
    assert library.search("yolp detector").suggestion == "yolo detector"
    assert computed == ["yolp detector"]  # the second answer came from memory
    library.set_notes(1, "a note changes the index")
    assert library.search("yolp detector").suggestion == "yolo detector"
    assert computed == ["yolp detector", "yolp detector"]


# --- as you type -----------------------------------------------------------------------


def test_a_name_being_typed_finds_its_names(names: OpenLibrary) -> None:
    assert found(names, typing_query("gpt-4")) == {"gpt4v"}
    assert found(names, typing_query("yolov")) == {"yolov9", "scaled"}
    assert found(names, typing_query("flash att")) == {"flash"}
