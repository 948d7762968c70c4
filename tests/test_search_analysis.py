"""How text becomes index terms for names, spellings and acronyms (pure functions).

The searches these make possible are tested on libraries in tests/test_search_names.py.
"""

from __future__ import annotations

import re

import pytest

from readinglist.core.acronyms import definitions
from readinglist.core.query import parse_query, typing_query
from readinglist.core.spelling import american
from readinglist.search.analysis import analyse_token, word_pairs
from tests.helpers import shared_digest_path

# --- analysis ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "terms", "sequence"),
    [
        ("YOLOv9", {"yolov9", "yolo", "yolov", "v", "9"}, ("yolo", "v", "9")),
        ("GPT-4V", {"gpt4v", "gpt", "4v", "4", "v"}, ("gpt", "4", "v")),
        ("Qwen2.5-VL", {"qwen2.5vl", "qwen2.5", "vl", "qwen", "2.5"}, ("qwen", "2.5", "vl")),
        ("LLaMA-2", {"llama2", "llama", "2"}, ("llama", "2")),
        ("FlashAttention2", {"flashattention2", "flashattent", "flash", "attent", "2"}, None),
        ("LeYOLO", {"leyolo", "le", "yolo"}, ("leyolo",)),
        ("NeRF", {"nerf"}, ("nerf",)),  # two-letter humps are not split
        ("LoRA", {"lora"}, ("lora",)),
        ("LLMs", {"llm"}, ("llm",)),  # an acronym's plural
        ("Mixture-of-Experts", {"mixtureofexpert", "mixtur", "expert"}, ("mixtur", "expert")),
        ("model", {"model"}, ("model",)),
        ("the", set(), ()),
    ],
)
def test_a_word_becomes_its_whole_form_and_its_pieces(
    word: str, terms: set[str], sequence: tuple[str, ...] | None
) -> None:
    analysed = analyse_token(word)
    assert set(analysed.terms) == terms
    assert len(set(analysed.terms)) == len(analysed.terms)
    if sequence is not None:
        assert analysed.sequence == sequence


def test_a_camel_case_name_pairs_its_humps_for_phrases() -> None:
    assert "flash attent" in word_pairs("FlashAttention2 kernels")
    assert "attent 2" not in word_pairs("FlashAttention2 kernels")  # the sequence is case-free
    assert "flashattent 2" in word_pairs("FlashAttention2 kernels")


@pytest.mark.parametrize(
    ("british", "american_"),
    [
        ("quantisation", "quantization"),
        ("optimiser", "optimizer"),
        ("normalised", "normalized"),
        ("analyse", "analyze"),
        ("colourful", "colorful"),
        ("behavioural", "behavioral"),
        ("centred", "centered"),
        ("greyscale", "grayscale"),
        ("haemoglobin", "hemoglobin"),
        # words that only look British stay as they are
        ("promise", "promise"),
        ("pairwise", "pairwise"),
        ("denoised", "denoised"),
        ("supervised", "supervised"),
        ("exercise", "exercise"),
        ("analysis", "analysis"),
    ],
)
def test_british_spellings_fold_to_american(british: str, american_: str) -> None:
    assert american(british) == american_


# --- acronyms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # sentences of the shared digest
        (
            "Mixture-of-Experts (MoE) models can achieve promising results",
            [("MoE", "mixture-of-experts")],
        ),
        (
            "Recent methods like 3D Gaussian Splatting (3DGS) have become the preferred method",
            [("3DGS", "3d gaussian splatting")],
        ),
        (
            "the deployment and inference of Large Language Models (LLMs)",
            [("LLMs", "large language models")],
        ),
        (
            "Among these, fully-sharded data parallel (FSDP) training is highly popular",
            [("FSDP", "fully-sharded data parallel")],
        ),
        (
            "point cloud produced by Structure-from-Motion (SfM) techniques",
            [("SfM", "structure-from-motion")],
        ),
        (
            "We learn a novel feature field within a Neural Radiance Field (NeRF) representing",
            [("NeRF", "neural radiance field")],
        ),
        # "Segment Anything" is no S-A-M: the M (model) is not written
        ("vision foundation models such as Segment Anything (SAM) demonstrate", []),
        ("with Vision Transformers(ViT) and GPT-2", [("ViT", "vision transformers")]),
        # more forms
        (
            "Reinforcement Learning from Human Feedback (RLHF) aligns models",
            [("RLHF", "reinforcement learning from human feedback")],
        ),
        (
            "a Generative Pre-trained Transformer (GPT) model",
            [("GPT", "generative pre-trained transformer")],
        ),
        ("we fine-tune with LoRA (Low-Rank Adaptation) only", [("LoRA", "low-rank adaptation")]),
        ("graph neural networks (GNNs, e.g. GCN)", [("GNNs", "graph neural networks")]),
        ("we use the Adam optimizer (Adam) as in Table 2 (TAB)", []),
        ("results are reported in (see Table 2)", []),
    ],
)
def test_acronym_definitions_are_mined_from_sentences(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert [(d.acronym, d.expansion) for d in definitions(sentence)] == expected


def test_the_digest_defines_its_acronyms() -> None:
    text = shared_digest_path().read_text(encoding="utf-8")
    mined = {(d.acronym, d.expansion) for d in definitions(text)}
    assert {("MoE", "mixture-of-experts"), ("3DGS", "3d gaussian splatting")} <= mined
    assert ("LLMs", "large language models") in mined
    assert len(mined) > 100
    for definition in definitions(text):  # every one spells its acronym from initials
        initials = "".join(word[0] for word in re.split(r"[\s-]+", definition.expansion))
        assert definition.acronym[0].lower() == initials[0]


# --- as you type -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("gaussian spl", "gaussian spl*"),
        ("gaussian spl ", "gaussian spl "),  # the word is done
        ("gaussian s", "gaussian s"),  # one letter is not a prefix search
        ("title:gaus", "title:gaus*"),
        ("author:hint", "author:hint*"),
        ("tag:3d", "tag:3d"),  # a filter's value is no word
        ("status:rea", "status:rea"),
        ("-surv", "-surv"),  # a negated word being typed excludes nothing yet
        ('"gaussian spl', '"gaussian spl'),
        ("nerf*", "nerf*"),
        ("difusion~", "difusion~"),
        ("gpt-4", "gpt-4*"),
        ("a OR", "a OR"),
        ("", ""),
    ],
)
def test_the_word_being_typed_is_a_prefix(typed: str, query: str) -> None:
    assert typing_query(typed) == query
    assert parse_query(query).message is None or parse_query(typed).message is not None


@pytest.mark.parametrize(
    "value",
    [
        "moe|MoE|mixtur expert|mixture of experts",
        "moe|MoE|mixtur expert|mixture of experts,llm|LLMs|larg languag model|large models",
        "a|A|b c|b c,a|A|b c|b c",
    ],
)
def test_the_acronym_field_indexes_as_whooshs_keyword_field(value: str) -> None:
    from whoosh.fields import KEYWORD

    from readinglist.search.acronym_table import AcronymField

    whoosh = KEYWORD(commas=True, lowercase=False, scorable=False)
    assert list(AcronymField().index(value)) == list(whoosh.index(value))
