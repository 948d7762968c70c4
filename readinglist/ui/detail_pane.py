"""The pane beside the table: one paper, its highlighted abstract and its reading state.

Under the title: the authors, and the facts some source gave (published, arXiv id,
category, upvotes, stars) with where each came from; a fact nobody gave is not shown.

Titles and abstracts are plain text. The rich text shown here is built piece by piece
with :func:`html.escape` on every piece of paper text, so nothing in a digest is ever
interpreted as markup.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QStringListModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.links import is_openable_url
from readinglist.core.models import Fragment, LinkKind, Paper, ReadStatus, SimilarPaper
from readinglist.core.paper_urls import paper_url
from readinglist.ui.paper_facts import (
    MUTED,
    author_names,
    authors_source,
    facts_html,
    facts_tooltip,
    paper_facts,
    paper_tooltip,
    sources_line,
)
from readinglist.ui.paper_model import stars
from readinglist.ui.widgets import named, plain_tooltip, shift_held

NOTES_SAVE_DELAY_MS = 800
# Names shown under the title; more are "and N more" (all of them in the tooltip), so a
# collaboration paper's hundreds of authors never push the abstract out of the pane.
SHOWN_AUTHORS = 12
ICON_BUTTON_WIDTH = 36  # a button showing its icon alone
ABSTRACT_MIN_LINES = 6
MARK_STYLE = "background-color:#ffe58a; color:#000000; font-weight:600;"
SIMILAR_ROLE = Qt.ItemDataRole.UserRole


def fragment_html(fragment: Fragment) -> str:
    """Highlighted runs as rich text; every run is escaped."""
    return "".join(
        f'<span style="{MARK_STYLE}">{html.escape(text)}</span>' if matched else html.escape(text)
        for text, matched in fragment
    )


def open_url(url: str) -> bool:
    """Open an http(s) URL in the browser; anything else is refused."""
    if not is_openable_url(url):
        return False
    return bool(QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode)))


class DetailPane(QWidget):
    """Shows the current paper; edits go out as signals for the window to apply."""

    statusChosen = Signal(object)  # ReadStatus  # noqa: N815
    ratingChosen = Signal(int)  # noqa: N815
    tagAdded = Signal(str)  # noqa: N815
    notesEdited = Signal(int, str)  # paper id, notes; after a pause in typing  # noqa: N815
    similarChosen = Signal(int, object)  # paper id chosen, all the similar ids  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self._paper: Paper | None = None
        self._notes_for: int | None = None
        self._notes_dirty = False

        self.title = named(QLabel(wordWrap=True), "detailTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.authors = named(QLabel(wordWrap=True), "detailAuthors")
        self.authors.setTextFormat(Qt.TextFormat.PlainText)
        self.authors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = named(QLabel(wordWrap=True), "detailFacts")
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.facts.setOpenExternalLinks(False)
        self.facts.linkActivated.connect(open_url)
        self.meta = named(QLabel(wordWrap=True), "detailMeta")
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.paper_button = named(QPushButton("Open paper"), "openPaperButton")
        self.paper_button.clicked.connect(lambda: self.open_paper(shift_held()))
        self.code_button = named(QPushButton("Open code"), "openCodeButton")
        self.project_button = named(QPushButton("Project page"), "projectPageButton")
        self.code_button.setToolTip("Open the code repository (o)")
        self.project_button.setToolTip("Open the project page (p)")
        self._button_texts = {
            self.paper_button: "Open paper",
            self.code_button: "Open code",
            self.project_button: "Project page",
        }
        for button, text in self._button_texts.items():
            button.setAccessibleName(text)
            button.setMinimumWidth(ICON_BUTTON_WIDTH)  # words or icons: _fit_buttons
        self.code_button.clicked.connect(lambda: self.open_link(LinkKind.CODE))
        self.project_button.clicked.connect(lambda: self.open_link(LinkKind.PROJECT))

        self.status_selector = named(QComboBox(), "statusSelector")
        for number, status in enumerate(ReadStatus, start=1):
            self.status_selector.addItem(f"{number}  {status.value}", status)
        # By position, not itemData(): Qt hands a StrEnum back as a plain str.
        self.status_selector.activated.connect(
            lambda i: self.statusChosen.emit(list(ReadStatus)[i])
        )
        self.rating_selector = named(QComboBox(), "ratingSelector")
        for rating in range(6):
            self.rating_selector.addItem(stars(rating) or "not rated", rating)
        self.rating_selector.activated.connect(lambda i: self.ratingChosen.emit(i))

        self.tags_label = named(QLabel(wordWrap=True), "detailTags")
        self.tags_label.setTextFormat(Qt.TextFormat.PlainText)
        self.tag_editor = named(QLineEdit(placeholderText="Add a tag, Enter"), "tagEditor")
        self._tag_names = QStringListModel(self)
        completer = QCompleter(self._tag_names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tag_editor.setCompleter(completer)
        self.tag_editor.returnPressed.connect(self._add_tag)

        self.notes_editor = named(QPlainTextEdit(), "notesEditor")
        self.notes_editor.setPlaceholderText("Notes (Markdown), saved as you type")
        self.notes_editor.setMaximumHeight(140)
        self._notes_timer = QTimer(self, singleShot=True, interval=NOTES_SAVE_DELAY_MS)
        self._notes_timer.timeout.connect(self.flush_notes)
        self.notes_editor.textChanged.connect(self._notes_changed)

        self.similar_list = named(QListWidget(), "similarPapers")
        self.similar_list.setMaximumHeight(130)
        self.similar_list.setWordWrap(False)
        self.similar_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.similar_list.setUniformItemSizes(True)
        self.similar_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.similar_list.itemActivated.connect(self._similar_activated)
        self.similar_list.itemClicked.connect(self._similar_activated)

        self.abstract = named(QTextBrowser(), "detailAbstract")
        self.abstract.setOpenLinks(False)
        self.abstract.setOpenExternalLinks(False)
        # A few lines of the abstract stay in view when the authors and facts take room
        # on a short screen (1024x700): the notes and similar papers give way instead.
        lines = self.abstract.fontMetrics().lineSpacing() * ABSTRACT_MIN_LINES
        self.abstract.setMinimumHeight(lines + 2 * self.abstract.frameWidth() + 8)

        self._layout()
        self.show_paper(None, None)

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.paper_button)
        buttons.addWidget(self.code_button)
        buttons.addWidget(self.project_button)
        buttons.addStretch(1)
        form = QFormLayout()
        form.addRow("Status", self.status_selector)
        form.addRow("Rating", self.rating_selector)
        form.addRow("Tags", self.tags_label)
        form.addRow("", self.tag_editor)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.authors)
        layout.addWidget(self.facts)
        layout.addWidget(self.meta)
        layout.addLayout(buttons)
        layout.addWidget(self.abstract, 1)
        layout.addLayout(form)
        layout.addWidget(QLabel("Notes"))
        layout.addWidget(self.notes_editor)
        layout.addWidget(QLabel("Similar papers"))
        layout.addWidget(self.similar_list)

    @property
    def paper(self) -> Paper | None:
        return self._paper

    def set_tag_names(self, names: list[str]) -> None:
        self._tag_names.setStringList(names)

    def show_paper(self, paper: Paper | None, fragments: tuple[Fragment, Fragment] | None) -> None:
        """Show a paper (None: nothing selected); the highlight fragments are optional."""
        if paper is None or self._paper is None or paper.id != self._paper.id:
            self.flush_notes()
        same = paper is not None and self._paper is not None and paper.id == self._paper.id
        self._paper = paper
        if not same:
            self.similar_list.clear()
        for widget in (self.status_selector, self.rating_selector, self.tag_editor):
            widget.setEnabled(paper is not None)
        self.notes_editor.setEnabled(paper is not None)
        if paper is None:
            self.title.setText("<i>No paper selected</i>")
            self.meta.clear()
            self._show_facts(None)
            self.abstract.clear()
            self.tags_label.clear()
            self._set_notes(None, "")
            self.paper_button.setEnabled(False)
            self.paper_button.setToolTip("")
            self.code_button.setEnabled(False)
            self.project_button.setEnabled(False)
            return
        title, abstract = fragments or (((paper.title, False),), ((paper.abstract, False),))
        self.title.setText(f"<h3>{fragment_html(title)}</h3>")
        seen = (paper.first_seen or paper.added_at).astimezone().strftime("%Y-%m-%d")
        self.meta.setText(f"id {paper.id} · first seen {seen} · seen {paper.times_seen}×")
        self._show_facts(paper)
        self.abstract.setHtml(
            f'<p style="white-space:pre-wrap">{fragment_html(abstract)}</p>'
            if paper.abstract
            else "<p><i>No abstract</i></p>"
        )
        self.status_selector.setCurrentIndex(list(ReadStatus).index(paper.status))
        self.rating_selector.setCurrentIndex(paper.rating)
        self.tags_label.setText(", ".join(paper.tags) or "none")
        self.paper_button.setEnabled(paper_url(paper) is not None)
        self.paper_button.setToolTip(plain_tooltip(paper_tooltip(paper)))
        self.code_button.setEnabled(paper.first_link(LinkKind.CODE) is not None)
        self.project_button.setEnabled(paper.first_link(LinkKind.PROJECT) is not None)
        if not same or not self._notes_dirty:
            self._set_notes(paper.id, paper.notes)

    def _show_facts(self, paper: Paper | None) -> None:
        """The authors and the facts under the title, hidden when no source gave any."""
        if paper is None:
            for label in (self.authors, self.facts):
                label.clear()
                label.setToolTip("")
                label.hide()
            return
        facts = paper_facts(paper)
        source = authors_source(paper)
        self.authors.setText(author_names(paper, SHOWN_AUTHORS))
        self.authors.setToolTip(
            plain_tooltip(f"{author_names(paper)}\n({source})") if paper.authors else ""
        )
        self.authors.setVisible(bool(paper.authors))
        line = facts_html(facts)
        if facts or paper.authors:
            sources = html.escape(sources_line(paper, facts))
            small = f'<span style="color:{MUTED}; font-size:small">{sources}</span>'
            line = f"{line}<br>{small}" if line else small
        self.facts.setText(line)
        self.facts.setToolTip(facts_tooltip(paper, facts))
        self.facts.setVisible(bool(line))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_buttons()

    def _fit_buttons(self) -> None:
        """The buttons' words when they fit, else their icons alone (their tooltips and
        accessible names name them): three buttons in words would make the pane wider
        than it could be before the third came."""
        buttons = self._button_texts
        for button, text in buttons.items():  # measured in words, whatever they show now
            button.setText(text)
        layout = self.layout()
        if layout is None:
            return
        margins = layout.contentsMargins()
        room = self.contentsRect().width() - margins.left() - margins.right()
        spacing = max(layout.spacing(), 0) * (len(buttons) - 1)
        if sum(button.sizeHint().width() for button in buttons) + spacing > room:
            for button in buttons:
                button.setText("")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """A new theme: the facts' link again, in the new palette's link colour."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._paper is not None:
            self._show_facts(self._paper)

    def set_similar(self, paper_id: int, similar: list[SimilarPaper]) -> None:
        """The papers like ``paper_id`` (ignored when another paper is shown by now)."""
        if self._paper is None or self._paper.id != paper_id:
            return
        self.similar_list.clear()
        for found in similar:
            item = QListWidgetItem(found.paper.title)  # list items are plain text
            item.setData(SIMILAR_ROLE, found.paper.id)
            shared = ", ".join(found.terms)
            item.setToolTip(
                f"<span>{html.escape(found.paper.title)}<br>shares: {html.escape(shared)}</span>"
            )
            self.similar_list.addItem(item)
        if not similar:
            note = QListWidgetItem("No similar papers")
            note.setFlags(Qt.ItemFlag.NoItemFlags)
            self.similar_list.addItem(note)

    def similar_ids(self) -> list[int]:
        items = (self.similar_list.item(row) for row in range(self.similar_list.count()))
        return [i.data(SIMILAR_ROLE) for i in items if i is not None and i.data(SIMILAR_ROLE)]

    def _similar_activated(self, item: QListWidgetItem) -> None:
        paper_id = item.data(SIMILAR_ROLE)
        if isinstance(paper_id, int):
            self.similarChosen.emit(paper_id, self.similar_ids())

    def open_paper(self, pdf: bool = False) -> bool:
        """The shown paper's arXiv page (``pdf``: its PDF), else its DOI or Hugging Face
        page."""
        url = None if self._paper is None else paper_url(self._paper, pdf=pdf)
        return url is not None and open_url(url)

    def open_link(self, kind: LinkKind) -> bool:
        link = None if self._paper is None else self._paper.first_link(kind)
        return link is not None and open_url(link.url)

    def _add_tag(self) -> None:
        name = self.tag_editor.text().strip()
        if name and self._paper is not None:
            self.tagAdded.emit(name)
            self.tag_editor.clear()

    def _set_notes(self, paper_id: int | None, notes: str) -> None:
        self._notes_for = None
        self._notes_dirty = False
        if self.notes_editor.toPlainText() != notes:
            self.notes_editor.setPlainText(notes)
        self._notes_for = paper_id

    def _notes_changed(self) -> None:
        if self._notes_for is not None:
            self._notes_dirty = True
            self._notes_timer.start()

    def flush_notes(self) -> None:
        """Save notes typed since the last save, now."""
        if not self._notes_dirty or self._notes_for is None:
            return
        self._notes_dirty = False
        self._notes_timer.stop()
        self.notesEdited.emit(self._notes_for, self.notes_editor.toPlainText())
