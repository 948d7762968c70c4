"""A benchmark corpus with a realistic vocabulary: Zipfian, names with versions, acronyms.

The synthetic libraries (benchmarks/synthetic.py) recombine the 211 papers of the real
digest, so 100k papers share about 4,000 terms: postings are far denser and prefix or
fuzzy expansion far cheaper than in a real library, where every paper brings its own
model names, datasets and coined words. Here the real digest's sentences are kept as
templates (their stop words, lengths and phrasing), but each paper maps some of its
content words, once per paper so a paper keeps repeating its own key words, to words
drawn from a long Zipfian tail (``P(rank k) ~ k^-ZIPF_S``, past the digest's own
vocabulary). The tail holds, by rank:

- real model names with versions first (``YOLOv9``, ``Qwen2.5-VL``, ``GPT-4V``,
  ``LLaMA-2``...), so the popular ones are frequent;
- then, generated from a hash of the rank: pseudo-words built from English morphemes,
  hyphenated methods (``token-aware``), names of model families with versions (a
  family has many versions: ``Zorvex-2``, ``ZorvexV3``), acronyms and sizes (``7B``).

About a third of the abstracts define an acronym ("Mixture-of-Experts (MoE)", generated
ones too), drawn Zipfian from a pool so that popular acronyms recur across papers. Title
and abstract lengths follow the digest's (a real paper's length is the template).

Everything is deterministic in the seed and prefix-stable like the synthetic papers: the
first n of ``realistic_papers(n + 200)`` are ``realistic_papers(n)``.

The library built from these papers and the vocabulary's statistics are in
benchmarks/realistic_library.py (``python -m benchmarks.realistic_library``).
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

from benchmarks.synthetic import (
    DEFAULT_SEED,
    SHARED_DIGEST,
)
from readinglist.core.digest_sources import read_digest
from readinglist.core.models import ParsedPaper
from readinglist.core.normalize import title_key
from readinglist.search.analysis import STOP_WORDS

ZIPF_S = 1.2  # the exponent of the tail; with TAIL_SIZE it sets the distinct terms
TAIL_SIZE = 3_000_000  # ranks of the tail vocabulary (drawn lazily, never all built)
ACRONYM_POOL = 300_000  # acronym definitions to draw from (Zipfian as well)
ACRONYM_SHARE = 0.35  # abstracts that define an acronym
HEAD_WORDS = 60  # the digest's most common words: generic, mostly kept
KEEP_HEAD, KEEP_OTHER = 0.98, 0.92  # chance that a paper keeps a real content word
FAMOUS_SHARE = 0.04  # tail draws that are a famous name (Zipfian among FAMOUS_NAMES)
TOPIC_SHARE = 0.7  # sentences of an abstract taken from one real paper (its topic)
TITLE_HEAD_SHARE = 0.45  # titles "Name: ..." (as in the digest)

# Real names, most popular first: the head of the names drawn.
# fmt: off
FAMOUS_NAMES = (
    "GPT-4", "LLaMA-2", "YOLOv8", "GPT-4V", "Qwen2.5-VL", "ResNet-50", "ViT-B/16", "LLaMA-3",
    "Mistral-7B", "GPT-3.5", "CLIP", "DINOv2", "YOLOv9", "Qwen2.5", "Llama-3.1-8B", "SAM2",
    "BERT-base", "T5-XXL", "Swin-T", "SwinV2", "DCNv4", "FlashAttention-2", "FlashAttention2",
    "GPT-4o", "LLaVA-1.5", "Qwen2-VL", "DCNv3", "YOLOv5", "YOLOv7", "Scaled-YOLOv4", "InternVL2",
    "Gemma-2B", "Phi-3", "DeepSeek-V3", "DeepSeek-R1", "Mixtral-8x7B", "Stable-Diffusion-XL",
    "SDXL", "SD3", "ConvNeXt-V2", "EfficientNet-B7", "MobileNetV3", "ResNet-101", "ViT-L/14",
    "RoBERTa-large", "OPT-13B", "BLOOM-176B", "Falcon-40B", "Claude-3", "Gemini-1.5", "GPT-2",
    "GPT-3", "Llama2-7B", "CodeLlama-34B", "StarCoder2", "Whisper-large-v3", "wav2vec2", "Mamba-2",
    "RWKV-6", "DiT-XL/2", "UNet++", "Mask2Former", "DETR-R50", "DINO-4scale", "RT-DETRv2",
    "YOLO-World", "GroundingDINO", "SAM-HQ", "MiniGPT-4", "BLIP-2", "InstructBLIP", "CogVLM2",
    "Qwen-VL", "PaLM-2", "Chinchilla-70B", "Vicuna-13B",
)
FAMOUS_ACRONYMS = (
    ("Mixture-of-Experts", "MoE"),
    ("3D Gaussian Splatting", "3DGS"),
    ("Large Language Models", "LLMs"),
    ("Neural Radiance Fields", "NeRF"),
    ("Low-Rank Adaptation", "LoRA"),
    ("Retrieval-Augmented Generation", "RAG"),
    ("Vision Transformer", "ViT"),
    ("Direct Preference Optimization", "DPO"),
    ("Post-Training Quantization", "PTQ"),
    ("Knowledge Distillation", "KD"),
    ("Reinforcement Learning from Human Feedback", "RLHF"),
    ("Chain-of-Thought", "CoT"),
    ("Vision-Language Models", "VLMs"),
    ("Graph Neural Networks", "GNNs"),
    ("Quantization-Aware Training", "QAT"),
)
_ONSETS = (
    "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "qu", "r", "s", "t", "v", "z", "br",
    "cr", "dr", "gr", "pr", "tr", "st", "sp", "sc", "ch", "th", "ph", "pl",
)
_VOWELS = (
    "a", "e", "i", "o", "u", "y", "ai", "ea", "io", "ou",
)
_CODAS = (
    "", "", "", "n", "r", "s", "l", "m", "x", "nt", "st", "rk", "th",
)
_SUFFIXES = (
    "", "", "", "", "", "", "ion", "ity", "ive", "al", "ic", "ous", "ment", "ness", "ing", "ize",
    "ization", "former", "net", "er", "ism", "ology", "ics",
)
_PREFIXES = (
    "", "", "", "", "", "", "", "", "", "", "", "", "hyper", "meta", "neuro", "multi", "cross",
    "sub", "inter", "auto", "poly", "pseudo", "quasi", "tri", "bi", "co", "de", "re", "over",
)
_VERSIONS = (
    "v{a}", "-{a}", "{a}.{b}", "-{a}{x}", "{a}.{b}-VL", "V{a}", "-{a}B", "-v{a}.{b}",
    "-{a}.{b}-{c}B", "{a}", "-XL", "-Large", "++",
)
_SIZES = (
    "{a}B", "{a}{b}B", "{a}.{b}B", "{a}{b}K", "{a}M", "{a}x{b}",
)
# fmt: on
_DEFINE = (
    "We introduce {phrase} ({acronym}) for this setting.",
    "To this end, we propose {phrase} ({acronym}).",
    "{Phrase} ({acronym}) has emerged as a promising direction.",
    "Recent advances in {phrase} ({acronym}) motivate this work.",
)
_USE = (
    "Experiments show that {acronym} outperforms strong baselines.",
    "Code for {acronym} will be released.",
    "{acronym} scales to larger settings without extra cost.",
)
_TEMPLATE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[0-9])")


Pieces = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class Templates:
    """What the real digest gives: sentences, titles, lengths and its own vocabulary."""

    titles: tuple[Pieces, ...]  # without their "Name: " head
    openers: tuple[tuple[Pieces, int], ...]  # first sentences, with their length in words
    sentences: tuple[tuple[Pieces, int], ...]
    by_paper: tuple[tuple[tuple[Pieces, int], ...], ...]  # each real paper's sentences
    url_sentences: tuple[str, ...]
    abstract_words: tuple[int, ...]  # the length in words of each real abstract
    head: frozenset[str]  # the most common content words (lower case)
    vocabulary: int  # distinct content words of the digest: where the tail's ranks start
    content_words: tuple[str, ...]  # real content words, for acronym phrases


@lru_cache(maxsize=4)
def load_templates(digest: Path = SHARED_DIGEST) -> Templates:
    papers = read_digest(digest.read_bytes(), digest.name).papers
    openers: list[str] = []
    sentences: list[str] = []
    by_paper: list[list[str]] = []
    urls: list[str] = []
    frequency: Counter[str] = Counter()
    for paper in papers:
        by_paper.append([])
        for position, sentence in enumerate(_SENTENCE_RE.split(paper.abstract)):
            sentence = sentence.strip()
            if len(sentence) < 20:
                continue
            if "http" in sentence or "github.com" in sentence:
                urls.append(sentence)
            elif position == 0:
                openers.append(sentence)
            else:
                sentences.append(sentence)
                by_paper[-1].append(sentence)
        written = f"{paper.title} {paper.abstract}"
        words = dict.fromkeys(
            w.lower() for w in _TEMPLATE_WORD.findall(written)
        )  # not a set: hash order varies
        frequency.update(w for w in words if _is_content(w))
    ranked = [word for word, _count in frequency.most_common()]
    return Templates(
        titles=tuple(_pieces(_title_body(p.title)) for p in papers),
        openers=tuple((_pieces(o), len(o.split())) for o in openers),
        sentences=tuple((_pieces(o), len(o.split())) for o in sentences),
        by_paper=tuple(
            tuple((_pieces(o), len(o.split())) for o in group) for group in by_paper if group
        ),
        url_sentences=tuple(urls),
        abstract_words=tuple(len(p.abstract.split()) for p in papers),
        head=frozenset(ranked[:HEAD_WORDS]),
        vocabulary=len(ranked),
        content_words=tuple(w for w in ranked if w.isalpha() and len(w) > 3),
    )


def _is_content(lower: str) -> bool:
    return len(lower) >= 4 and lower not in STOP_WORDS


def _pieces(template: str) -> Pieces:
    """The text cut into (text, lower-case content word or None), once per template."""
    out: list[tuple[str, str | None]] = []
    position = 0
    for match in _TEMPLATE_WORD.finditer(template):
        if match.start() > position:
            out.append((template[position : match.start()], None))
        word = match.group()
        out.append((word, word.lower() if _is_content(word.lower()) else None))
        position = match.end()
    if position < len(template):
        out.append((template[position:], None))
    return tuple(out)


# ----------------------------------------------------------------------- vocabulary


class Vocabulary:
    """The tail: rank -> word, generated from a hash of (seed, rank) and cached."""

    def __init__(self, seed: int, templates: Templates) -> None:
        self.seed = seed
        self.templates = templates
        self.start = templates.vocabulary + 1  # the tail continues the digest's ranks
        self._words: dict[int, str] = {}
        self._kinds: dict[int, str] = {}
        self._low = self.start ** (1 - ZIPF_S)
        self._span = (self.start + TAIL_SIZE) ** (1 - ZIPF_S) - self._low
        self._famous_span = math.log(len(FAMOUS_NAMES) + 1.0)

    def draw(self, rng: random.Random) -> str:
        """A word for a paper: now and then a famous name, else a tail word."""
        if rng.random() < FAMOUS_SHARE:
            return FAMOUS_NAMES[int(math.exp(self._famous_span * rng.random())) - 1]
        return self.word(self.draw_rank(rng))

    def draw_rank(self, rng: random.Random) -> int:
        """A tail rank (0-based), Zipfian: the inverse of the continuous power law."""
        x = (self._low + self._span * rng.random()) ** (1 / (1 - ZIPF_S))
        return min(int(x) - self.start, TAIL_SIZE - 1)

    def word(self, rank: int) -> str:
        found = self._words.get(rank)
        if found is None:
            found, kind = self._make(rank)
            self._words[rank] = found
            self._kinds[rank] = kind
        return found

    def kind(self, rank: int) -> str:
        self.word(rank)
        return self._kinds[rank]

    def _make(self, rank: int) -> tuple[str, str]:
        rng = random.Random(self.seed * 10_000_019 + rank)
        roll = rng.random()
        if roll < 0.62:
            return _pseudo_word(rng), "word"
        if roll < 0.80:
            first = rng.choice(self.templates.content_words) if rng.random() < 0.5 else None
            return f"{first or _pseudo_word(rng)}-{_pseudo_word(rng, short=True)}", "hyphen"
        if roll < 0.90:  # a version of a family: families are shared by many ranks
            family = _family(self.seed, rng.randrange(rank // 6 + 1))
            return family + _fill(rng.choice(_VERSIONS), rng), "name"
        if roll < 0.97:
            letters = "".join(rng.choice("ABCDEFGHIKLMNPRSTVWXZ") for _ in range(rng.randint(2, 5)))
            return letters + (str(rng.randint(1, 9)) if rng.random() < 0.3 else ""), "acronym"
        return _fill(rng.choice(_SIZES), rng), "size"

    def name(self, rng: random.Random) -> str:
        """A Zipfian draw among the names (the head of a title: "YOLOv9: ...")."""
        if rng.random() < 0.5:
            return FAMOUS_NAMES[int(math.exp(self._famous_span * rng.random())) - 1]
        for _ in range(40):
            rank = self.draw_rank(rng)
            if self.kind(rank) == "name":
                return self.word(rank)
        return FAMOUS_NAMES[0]


def _pseudo_word(rng: random.Random, short: bool = False) -> str:
    syllables = rng.randint(1, 2) if short else rng.choice((1, 2, 2, 2, 3))
    body = "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
    )
    if short:
        return body
    return rng.choice(_PREFIXES) + body + rng.choice(_SUFFIXES)


def _family(seed: int, number: int) -> str:
    rng = random.Random(seed * 7_000_003 + number + 1)
    shape = rng.random()
    stem = _pseudo_word(rng, short=True)
    if shape < 0.35:
        return stem.capitalize() + _pseudo_word(rng, short=True).capitalize()  # CamelCase
    if shape < 0.6:
        return stem.upper()[:5]
    return stem.capitalize()


def _fill(pattern: str, rng: random.Random) -> str:
    return pattern.format(
        a=rng.randint(1, 9),
        b=rng.randint(0, 9),
        c=rng.choice((7, 13, 34, 70)),
        x=rng.choice("VLMTSX"),
    )


@dataclass(frozen=True)
class Acronym:
    phrase: str
    acronym: str


def acronym(seed: int, number: int, templates: Templates) -> Acronym:
    """Definition ``number`` of the pool: the famous ones first, then generated."""
    if number < len(FAMOUS_ACRONYMS):
        return Acronym(*FAMOUS_ACRONYMS[number])
    rng = random.Random(seed * 3_000_017 + number)
    words = [
        rng.choice(templates.content_words) if rng.random() < 0.7 else _pseudo_word(rng)
        for _ in range(rng.choice((2, 2, 3, 3, 4)))
    ]
    letters = "".join(w[0].upper() for w in words)
    if rng.random() < 0.3:  # "MoE", "LoRA": a small letter kept
        letters = letters[0] + words[0][1] + letters[1:]
    joiner = "-" if rng.random() < 0.3 else " "
    phrase = joiner.join(w.capitalize() if rng.random() < 0.6 else w for w in words)
    return Acronym(phrase, letters + ("s" if rng.random() < 0.1 else ""))


# --------------------------------------------------------------------------- papers


class _Writer:
    """One paper at a time from one random stream (prefix-stable)."""

    def __init__(self, seed: int, templates: Templates) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.templates = templates
        self.vocabulary = Vocabulary(seed, templates)
        self._acronym_span = math.log(ACRONYM_POOL + 1.0)

    def paper(self) -> tuple[str, str]:
        rng, t = self.rng, self.templates
        mapping: dict[str, str] = {}

        def render(pieces: Pieces) -> str:
            """The template with this paper's words: each content word once decided."""
            out: list[str] = []
            for original, lower in pieces:
                if lower is None:
                    out.append(original)
                    continue
                found = mapping.get(lower)
                if found is None:
                    keep = KEEP_HEAD if lower in t.head else KEEP_OTHER
                    found = original if rng.random() < keep else self.vocabulary.draw(rng)
                    mapping[lower] = found
                if found is not original and found.islower() and original[0].isupper():
                    found = found.capitalize()
                out.append(found)
            return "".join(out)

        defined: Acronym | None = None
        extra: list[str] = []
        if rng.random() < ACRONYM_SHARE:
            number = int(math.exp(self._acronym_span * rng.random())) - 1
            defined = acronym(self.seed, number, t)
            phrase = defined.phrase
            extra.append(
                rng.choice(_DEFINE).format(
                    phrase=phrase, Phrase=phrase[:1].upper() + phrase[1:], acronym=defined.acronym
                )
            )
            extra.append(rng.choice(_USE).format(acronym=defined.acronym))
        if rng.random() < 0.3:
            extra.append(rng.choice(t.url_sentences))
        target = rng.choice(t.abstract_words) - sum(len(e.split()) for e in extra)
        opener = rng.choice(t.openers)
        chosen = [render(opener[0])]
        words = opener[1]
        home = list(rng.choice(t.by_paper))  # a paper keeps to a topic: most sentences
        rng.shuffle(home)  # come from one real paper, the others from anywhere
        while words < target:
            from_home = home and rng.random() < TOPIC_SHARE
            pieces, length = home.pop() if from_home else rng.choice(t.sentences)
            if words + length > target + 12 and words > 0.8 * target:
                break
            chosen.append(render(pieces))
            words += length
        if defined is not None:
            chosen.insert(rng.randint(0, 1), extra[0])
            chosen.append(extra[1])
        if extra and "http" in extra[-1]:
            chosen.append(extra[-1])
        title = render(rng.choice(t.titles))
        if rng.random() < TITLE_HEAD_SHARE:
            head = defined.acronym if defined is not None else self.vocabulary.name(rng)
            title = f"{head}: {title}"
        return title, " ".join(chosen)

    def extra_word(self) -> str:
        return self.vocabulary.draw(self.rng)


def _title_body(title: str) -> str:
    head, colon, body = title.partition(": ")
    return body if colon and len(head.split()) <= 3 and body else title


def iter_realistic_papers(
    seed: int = DEFAULT_SEED, digest: Path | None = None
) -> Iterator[ParsedPaper]:
    """An endless stream of papers, titles unique by the library's title key."""
    writer = _Writer(seed, load_templates(digest or SHARED_DIGEST))
    seen: set[str] = set()
    line = 0
    while True:
        title, abstract = writer.paper()
        key = title_key(title)
        while key in seen:
            title = f"{title} {writer.extra_word()}"
            key = title_key(title)
        seen.add(key)
        line += 1
        yield ParsedPaper(title, abstract, line)


def realistic_papers(
    n: int, seed: int = DEFAULT_SEED, digest: Path | None = None
) -> list[ParsedPaper]:
    return list(islice(iter_realistic_papers(seed, digest), n))


def realistic_papers_after(
    skip: int, n: int, seed: int = DEFAULT_SEED, digest: Path | None = None
) -> list[ParsedPaper]:
    """The ``n`` papers after the first ``skip``: new to a library of ``skip``."""
    return list(islice(iter_realistic_papers(seed, digest), skip, skip + n))
