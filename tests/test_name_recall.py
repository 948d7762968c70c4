"""Name-query recall over the real digest's own names (issue 16, item 5).

Every token of the digest that glues a name to a version ("YOLOv9", "SwinV2-MoE",
"GPT-4V", "DCNv4", "ResNet-50", "LLaMA-2", ...) is grouped into its family (yolo, gpt,
dcn, resnet, llama). Table-driven, one row per family: every paper that names a
member is found by the family name, and by each member's exact name, with the papers
that write the exact name ranked before any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from readinglist.app_context import OpenLibrary, open_library
from readinglist.core.digest_sources import read_digest
from readinglist.core.models import Paper
from tests.helpers import SHARED_DIGEST, copy_library, shared_digest_path

# A name: letters (3 or more, the family), an optional "v"/"V" and hyphen, a version
# (digits, with decimals), then capitals ("GPT-4V") and hyphenated parts ("-VL", "-7B",
# "-tiny"). "Res2Net" (letters go on after the digits) and "A100" (one letter) are not.
NAME = re.compile(
    r"(?P<family>[A-Za-z]{3,}?)(?:-?[vV])?-?(?P<version>\d+(?:\.\d+)*)"
    r"(?P<suffix>[A-Z]*(?:-[A-Za-z0-9.]+)*)"
)
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*[A-Za-z0-9]")
URL = re.compile(r"\S*(?:https?://|www\.|github\.io|\.com/)\S*")


@dataclass
class Family:
    name: str  # lower case: what the family is searched by
    members: dict[str, set[str]] = field(default_factory=dict)  # name as written -> titles


def _names(text: str) -> Iterator[tuple[str, str]]:
    """(family, member as written) for each name in the text, URLs left out. A compound's
    parts count as well: "Scaled-YOLOv4" names YOLOv4 of the yolo family."""
    for match in TOKEN.finditer(URL.sub(" ", text)):
        token = match.group()
        if not (re.search(r"[A-Za-z]", token) and re.search(r"\d", token)):
            continue
        parts = token.split("-")
        for start in range(len(parts)):
            candidate = "-".join(parts[start:])
            found = NAME.fullmatch(candidate)
            if found is not None:
                yield found.group("family").lower(), candidate
                break


def digest_families(digest: Path) -> dict[str, Family]:
    families: dict[str, Family] = {}
    for paper in read_digest(digest.read_bytes(), digest.name).papers:
        for family, member in _names(f"{paper.title}\n{paper.abstract}"):
            entry = families.setdefault(family, Family(family))
            entry.members.setdefault(member, set()).add(paper.title)
    return families


FAMILIES = digest_families(SHARED_DIGEST) if SHARED_DIGEST.is_file() else {}
# Collected without the digest: one row that skips (or fails on CI) with the reason.
ROWS = sorted(FAMILIES) or ["(no digest)"]


@pytest.fixture(scope="module")
def library(
    tmp_path_factory: pytest.TempPathFactory, digest_library_template: Path
) -> Iterator[tuple[OpenLibrary, dict[str, Paper]]]:
    """The digest's library, open once for the module (the tests only read it)."""
    shared_digest_path()  # skips, or fails on CI, without the digest
    folder = copy_library(digest_library_template, tmp_path_factory.mktemp("recall") / "lib")
    with open_library(folder) as opened:
        by_title = {paper.title: paper for paper in opened.library.papers()}
        yield opened, by_title


def _ranked_ids(opened: OpenLibrary, text: str) -> list[int]:
    found = opened.library.search(text, limit=1, with_ids=True)
    return list(found.ids)


def _ids(by_title: dict[str, Paper], titles: set[str]) -> set[int]:
    return {by_title[title].id for title in titles}


def test_the_digest_has_the_names_the_issue_lists() -> None:
    families = digest_families(shared_digest_path())
    for family, member in [
        ("yolo", "YOLOv9"),
        ("yolo", "YOLOv4"),
        ("llama", "Llama-3.1"),
        ("resnet", "ResNet-50"),
        ("dcn", "DCNv4"),
        ("gpt", "GPT-4V"),
        ("swin", "SwinV2"),
        ("flashattention", "FlashAttention2"),
        ("llama", "LLaMA-2"),
    ]:
        assert member in families[family].members, (family, member)
    assert "res" not in families  # "Res2Net" is not of a family "res"
    assert len(families) >= 30


@pytest.mark.parametrize("family", ROWS)
def test_a_family_name_finds_every_paper_naming_a_member(
    library: tuple[OpenLibrary, dict[str, Paper]], family: str
) -> None:
    opened, by_title = library
    entry = FAMILIES[family]
    expected = _ids(by_title, set().union(*entry.members.values()))
    missed = expected - set(_ranked_ids(opened, family))
    assert not missed, (family, sorted(by_title_of(by_title, missed)))


@pytest.mark.parametrize("family", ROWS)
def test_an_exact_name_finds_its_papers_first(
    library: tuple[OpenLibrary, dict[str, Paper]], family: str
) -> None:
    """The same name written with or without hyphens and capitals ("ResNet-50",
    "ResNet50", "Resnet-50") is one name: the index keeps it whole as "resnet50"."""
    opened, by_title = library
    spellings: dict[str, set[str]] = {}
    for member, titles in FAMILIES[family].members.items():
        spellings.setdefault(_joined(member), set()).update(titles)
    for member in sorted(FAMILIES[family].members):
        expected = _ids(by_title, spellings[_joined(member)])
        ranked = _ranked_ids(opened, member)
        missed = expected - set(ranked)
        assert not missed, (member, sorted(by_title_of(by_title, missed)))
        first = set(ranked[: len(expected)])
        assert first == expected, (member, sorted(by_title_of(by_title, expected - first)))


def _joined(name: str) -> str:
    return name.lower().replace("-", "").replace(".", "")


def by_title_of(by_title: dict[str, Paper], ids: set[int]) -> list[str]:
    return [title for title, paper in by_title.items() if paper.id in ids]
