"""Every link of a paper, as the items of a "Copy link" menu (the table's context menu
and the detail pane's button): the paper's page, then each link of its abstract."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMenu

from readinglist.core.models import LinkKind, Paper
from readinglist.core.paper_urls import paper_url
from readinglist.ui.widgets import menu_text

KIND_LABELS = {
    LinkKind.CODE: "Code",
    LinkKind.PROJECT: "Project page",
    LinkKind.HUGGINGFACE: "Hugging Face",
}


def paper_links(paper: Paper) -> list[tuple[str, str]]:
    """(label, URL) of every link of a paper: its page, then the links of its abstract
    in their order, each URL once."""
    found: dict[str, str] = {}
    page = paper_url(paper)
    if page is not None:
        found[page] = "Paper page"
    for link in paper.links:
        label = KIND_LABELS.get(link.kind, link.kind.value.capitalize())
        found.setdefault(link.url, label)
    return [(label, url) for url, label in found.items()]


def fill_copy_menu(menu: QMenu, paper: Paper | None, copy: Callable[[str], None]) -> None:
    """One "label: URL" item per link of the paper; disabled when it has none."""
    menu.clear()
    links = [] if paper is None else paper_links(paper)
    for label, url in links:
        action = menu.addAction(menu_text(f"{label}: {url}"))
        action.setData(url)
        action.triggered.connect(lambda _=False, u=url: copy(u))
    menu.setEnabled(bool(links))
