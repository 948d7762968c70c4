"""Title keys keep mathematical symbols and drop invisible format characters (issue 17,
item 5), and migration 0005 recomputes the stored keys without merging two papers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from readinglist.app_context import open_library
from readinglist.core.normalize import title_key
from readinglist.storage import engine as engine_module
from readinglist.storage.migrations.versions import __path__ as versions_path

REVISION_0005 = Path(versions_path[0]) / "0005_title_keys.py"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Attention = Explanation", "Attention ≠ Explanation"),
        ("Attention < Explanation", "Attention > Explanation"),
        ("x + y", "x y"),
        ("A ⊂ B", "A ⊆ B"),
    ],
)
def test_mathematical_symbols_keep_titles_apart(one: str, other: str):
    assert title_key(one) != title_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Dif\u200bfusion Models", "Diffusion Models"),  # zero-width space
        ("Dif\u200dfusion Models", "Diffusion Models"),  # zero-width joiner
        ("Dif\u00adfusion Models", "Diffusion Models"),  # soft hyphen
        ("\ufeffDiffusion Models\u200e", "Diffusion Models"),  # BOM, direction mark
        ("Attention=Explanation", "Attention = Explanation"),  # spacing
        ("Self−Attention", "Self-Attention"),  # a minus sign used as a hyphen
        ("3D-Gaussians", "3D Gaussians"),
        ("Ａｔｔｅｎｔｉｏｎ＝Ｅ", "Attention = E"),  # full width
    ],
)
def test_look_alikes_share_a_key(one: str, other: str):
    assert title_key(one) == title_key(other)


def test_importing_the_symbol_twin_adds_a_paper(opened):
    library = opened.library
    library.import_bytes(
        b"Attention = Explanation\nWe show that attention explains. It does.\n", "a.txt"
    )
    library.import_bytes(
        "Attention \u2260 Explanation\nWe show that attention does not explain. It does"
        " not.\n".encode(),
        "b.txt",
    )
    papers = library.papers()
    assert len(papers) == 2
    assert "explains. It does." in papers[0].abstract  # not overwritten by the twin


# --- migration 0005 ---------------------------------------------------------------


def _old_key(title: str) -> str:
    """The rule before 0005: every symbol and format character a space."""
    import unicodedata

    text = unicodedata.normalize("NFKC", title).casefold()
    folded = "".join(" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in text)
    return " ".join(folded.split())


PAPERS = {
    1: "Attention = Explanation",  # changes: "attention = explanation"
    2: "Diffusion Models",  # meets 3 on "diffusion models": both stay as they were
    3: "Dif\u200bfusion Models",
    4: "Di\u200bf Fusion Models",  # its new key is 3's kept old key: it stays too
    5: "Plain Title Here",  # no change
    6: "x\u200dy + z",  # changes, alone: "xy + z"
}


def make_0004_library(library_dir: Path) -> None:
    engine = engine_module.create_library_engine(library_dir)
    engine_module.upgrade(engine, "0004")
    with engine.begin() as connection:
        for paper_id, title in PAPERS.items():
            connection.exec_driver_sql(
                "INSERT INTO papers (id, title, abstract, title_key, status, priority, rating,"
                " notes, added_at, updated_at) VALUES (?, ?, 'An abstract. Two sentences.', ?,"
                " 'unread', 'none', 0, ?, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                (paper_id, title, _old_key(title), f"notes {paper_id}"),
            )
    engine.dispose()


def stored_keys(library_dir: Path) -> dict[int, str]:
    connection = sqlite3.connect(engine_module.database_path(library_dir))
    try:
        return dict(connection.execute("SELECT id, title_key FROM papers"))
    finally:
        connection.close()


def test_0005_recomputes_keys_and_never_merges(library_dir: Path):
    make_0004_library(library_dir)
    assert _old_key(PAPERS[3]) == "dif fusion models"
    assert title_key(PAPERS[4]) == "dif fusion models"  # the chain the migration follows
    with open_library(library_dir) as opened:
        assert opened.upgrade_copy is not None
        papers = {paper.id: paper for paper in opened.library.papers()}
        assert opened.library.indexing.check(repair=False).clean
    assert sorted(papers) == sorted(PAPERS)
    assert {i: p.notes for i, p in papers.items()} == {i: f"notes {i}" for i in PAPERS}
    assert stored_keys(library_dir) == {
        1: "attention = explanation",
        2: "diffusion models",
        3: "dif fusion models",
        4: "di f fusion models",
        5: "plain title here",
        6: "xy + z",
    }
    connection = sqlite3.connect(engine_module.database_path(library_dir))
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()


def test_after_0005_the_twin_of_a_migrated_paper_is_a_new_paper(library_dir: Path):
    make_0004_library(library_dir)
    with open_library(library_dir) as opened:
        summary = opened.library.import_bytes(
            "Attention \u2260 Explanation\nIt does not. Not at all.\n".encode(), "twin.txt"
        )
        assert len(summary.new_ids) == 1
        summary = opened.library.import_bytes(
            b"Attention = Explanation\nIt does. Again.\n", "same.txt"
        )
        assert summary.new_ids == () and summary.existing_ids == (1,)


def test_0005_is_the_head_and_its_rule_is_documented():
    # 0006 (paper versions) came after it; the rule's documentation stays.
    assert engine_module.HEAD_REVISION == engine_module.head_revision() >= "0005"
    assert "never" in REVISION_0005.read_text(encoding="utf-8")  # keeps both, merges none
