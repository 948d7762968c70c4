"""The pane beside the table: one paper, its highlighted abstract and its reading state.

Under the title: the authors, and the facts some source gave (published, arXiv id,
category, upvotes, stars) with where each came from; a fact nobody gave is not shown.

Its lower part is a splitter: the abstract, the reading state, the notes and the similar
papers can each be made taller or shorter, and all but the abstract collapsed (the
window keeps the sizes). Esc in the notes, the tag box or the time spent goes back to
the table, so a triage key typed next is a key, not a letter in the note.

Simple TeX in titles and abstracts (``1\\times1``) is shown as its characters
(:mod:`readinglist.core.tex_display`); the stored text keeps it.

Titles and abstracts are plain text. The rich text shown here is built piece by piece
with :func:`html.escape` on every piece of paper text, so nothing in a digest is ever
interpreted as markup.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon, QKeyEvent, QResizeEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from readinglist.core.errors import InvalidValueError
from readinglist.core.links import is_openable_url
from readinglist.core.models import Fragment, LinkKind, Paper, ReadStatus, SimilarPaper
from readinglist.core.paper_urls import paper_url
from readinglist.core.tex_display import display_fragment, display_tex
from readinglist.core.time_spent import DURATION_HELP, duration_text, minutes_of, parse_duration
from readinglist.ui.app_icons import action_icon
from readinglist.ui.copy_links import fill_copy_menu
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
TAB_ROOM_LINES = 6  # at most this much more room for a tab beside the notes
MARK_STYLE = "background-color:#ffe58a; color:#000000; font-weight:600;"
SIMILAR_ROLE = Qt.ItemDataRole.UserRole
# The splitter's first sizes and how spare height is shared: abstract, state, notes,
# similar papers (an empty notes box takes less than the abstract).
PART_SIZES = (360, 110, 90, 110)
PART_STRETCH = (4, 0, 1, 1)


def _titled(title: str, widget: QWidget) -> QWidget:
    """A splitter part: a small heading over the widget."""
    part = QWidget()
    layout = QVBoxLayout(part)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(QLabel(title))
    layout.addWidget(widget, 1)
    return part


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


# What acts on every selected paper, said when several are selected and none is shown.
SELECTION_HINT = (
    "Keys 1-6 set their status, Ctrl+0-5 their rating, T adds a tag, Delete deletes"
    " them, a right-click shows the rest; Ctrl+Z undoes."
)


def selection_title(selected: int) -> str:
    if selected > 1:
        return f"<h3>{selected:,} papers selected</h3>"
    return "<i>No paper selected</i>"


class DetailPane(QWidget):
    """Shows the current paper; edits go out as signals for the window to apply."""

    statusChosen = Signal(object)  # ReadStatus  # noqa: N815
    ratingChosen = Signal(int)  # noqa: N815
    # Paper id, minutes (None: cleared); typed in "Time spent", Enter or leaving the box.
    timeSpentChosen = Signal(int, object)  # noqa: N815
    timeSpentRejected = Signal(str)  # what is wrong with the duration typed  # noqa: N815
    tagAdded = Signal(str)  # noqa: N815
    notesEdited = Signal(int, str, str)  # paper id, base, notes; after a pause  # noqa: N815
    similarChosen = Signal(int, object)  # paper id chosen, all the similar ids  # noqa: N815
    # The splitter's sizes before a tab beside the notes took room, and as it left them.
    _sizes_before_tab: list[int] | None
    _sizes_given: list[int]
    escaped = Signal()  # Esc in the notes or the tag box: back to the table

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self._paper: Paper | None = None
        self._notes_for: int | None = None
        self._notes_dirty = False
        self.notes_base = ""
        # How links are opened and copied (the window's link controller says what
        # happened when no browser opens one); by default straight to the desktop.
        self.url_opener: Callable[[str], bool] = open_url
        self.copy_link: Callable[[str], None] = lambda _url: None

        self.title = named(QLabel(wordWrap=True), "detailTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.authors = named(QLabel(wordWrap=True), "detailAuthors")
        self.authors.setTextFormat(Qt.TextFormat.PlainText)
        self.authors.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The triage's interest in the paper and why (triage_why.py); hidden without.
        self.interest = named(QLabel(wordWrap=True), "detailInterest")
        self.interest.setTextFormat(Qt.TextFormat.PlainText)
        self.interest.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.interest.hide()
        self.facts = named(QLabel(wordWrap=True), "detailFacts")
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.facts.setOpenExternalLinks(False)
        self.facts.linkActivated.connect(lambda url: self.url_opener(url))
        self.meta = named(QLabel(wordWrap=True), "detailMeta")
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.paper_button = named(QPushButton("Open paper"), "openPaperButton")
        self.paper_button.clicked.connect(lambda: self.open_paper(shift_held()))
        self.code_button = named(QPushButton("Open code"), "openCodeButton")
        self.project_button = named(QPushButton("Project page"), "projectPageButton")
        self.code_button.setToolTip("Open the code repository (o)")
        self.project_button.setToolTip("Open the project page (p)")
        self.copy_button = named(QToolButton(), "copyLinkButton")
        self.copy_button.setToolTip("Copy a link of this paper: its page, its code, …")
        self.copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.copy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.copy_menu = named(QMenu(self.copy_button), "copyLinkPaneMenu")
        self.copy_button.setMenu(self.copy_menu)
        self.copy_menu.aboutToShow.connect(self._fill_copy_menu)
        self._button_texts: dict[QAbstractButton, str] = {
            self.paper_button: "Open paper",
            self.code_button: "Open code",
            self.project_button: "Project page",
            self.copy_button: "Copy link",
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
        # The reader's own time on the paper ("Plan my week" calibrates by it): typed as
        # the command line takes it, so one box holds "45m" as well as "1h30".
        self.time_editor = named(QLineEdit(placeholderText="not recorded"), "timeSpentEditor")
        self.time_editor.setToolTip(
            f"How long this paper took you: {DURATION_HELP} (or empty), then Enter."
            " Plan my week scales its estimates by these times."
        )
        self.time_editor.setAccessibleName("Time spent")
        self.time_editor.setMaximumWidth(self.time_editor.fontMetrics().horizontalAdvance("M" * 10))
        self.time_editor.editingFinished.connect(self._time_edited)

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
        self.notes_editor.installEventFilter(self)
        self.tag_editor.installEventFilter(self)
        self.time_editor.installEventFilter(self)
        self._notes_timer = QTimer(self, singleShot=True, interval=NOTES_SAVE_DELAY_MS)
        self._notes_timer.timeout.connect(self.flush_notes)
        self.notes_editor.textChanged.connect(self._notes_changed)

        self.similar_list = named(QListWidget(), "similarPapers")
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
        # The notes and similar papers may be made small (two lines) or collapsed: at
        # QT_SCALE_FACTOR=2 on a 1600x1000 screen (800x500) the whole window still fits.
        for box in (self.notes_editor, self.similar_list):
            box.setMinimumHeight(2 * box.fontMetrics().lineSpacing() + 2 * box.frameWidth() + 4)

        self._layout()
        self.show_paper(None, None)

    def _room_for_tab(self, index: int) -> None:
        """A tab beside the notes (a comment thread) wants more than the two lines an
        empty notes box is given at 1024x700: it takes room from the similar papers, then
        from the abstract down to its minimum; back on the notes, the sizes return, unless
        the reader moved a handle in between (their sizes are never fought)."""
        if index <= 0:
            if self._sizes_before_tab is not None and self.parts.sizes() == self._sizes_given:
                self.parts.setSizes(self._sizes_before_tab)
            self._sizes_before_tab = None
            return
        sizes = self.parts.sizes()
        before = list(sizes)
        notes, similar = self.parts.indexOf(self.notes_tabs), len(sizes) - 1
        tab_bar = self.notes_tabs.tabBar().height()
        need = self.notes_tabs.currentWidget().sizeHint().height() + tab_bar - sizes[notes]
        need = min(need, TAB_ROOM_LINES * self.fontMetrics().lineSpacing())
        floors = (
            (similar, self._similar_part.minimumSizeHint().height()),
            (0, self.abstract.minimumHeight()),
        )
        for donor, floor in floors:
            move = min(need, sizes[donor] - floor)
            if move > 0:
                sizes[donor] -= move
                sizes[notes] += move
                need -= move
        if sizes != before:
            self.parts.setSizes(sizes)
            self._sizes_before_tab, self._sizes_given = before, self.parts.sizes()

    def add_notes_tab(self, widget: QWidget, title: str) -> int:
        """A tab beside the notes (the reading group's comments); returns its index."""
        return self.notes_tabs.addTab(widget, title)

    def add_below_tags(self, widget: QWidget) -> None:
        """A row under the tag box (the triage's suggested tags)."""
        self._state_form.addRow("", widget)

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.paper_button)
        buttons.addWidget(self.code_button)
        buttons.addWidget(self.project_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        state = QWidget()
        form = QFormLayout(state)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Status", self.status_selector)
        # Rating and time spent share a row: the pane still fits a 1024x700 screen.
        rating_row = QHBoxLayout()
        rating_row.addWidget(self.rating_selector)
        time_label = QLabel("Time spent")
        time_label.setBuddy(self.time_editor)
        rating_row.addWidget(time_label)
        rating_row.addWidget(self.time_editor, 1)
        form.addRow("Rating", rating_row)
        form.addRow("Tags", self.tags_label)
        form.addRow("", self.tag_editor)
        self._state_form = form
        self.parts = named(QSplitter(Qt.Orientation.Vertical), "detailSplitter")
        self.parts.setChildrenCollapsible(True)
        self.parts.addWidget(self.abstract)
        self.parts.addWidget(state)
        # The notes share their part with the tabs added beside them (the reading
        # group's comments): one more part would not fit a 1024x700 screen.
        self.notes_tabs = named(QTabWidget(), "notesTabs")
        self.notes_tabs.setDocumentMode(True)
        self.notes_tabs.addTab(self.notes_editor, "Notes")
        self.parts.addWidget(self.notes_tabs)
        self._similar_part = _titled("Similar papers", self.similar_list)
        self.parts.addWidget(self._similar_part)
        self._sizes_before_tab = None  # see _room_for_tab
        self._sizes_given = []
        self.notes_tabs.currentChanged.connect(self._room_for_tab)
        self.parts.setCollapsible(0, False)  # the abstract is why the pane is there
        for index, stretch in enumerate(PART_STRETCH):
            self.parts.setStretchFactor(index, stretch)
        self.parts.setSizes(list(PART_SIZES))
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.authors)
        layout.addWidget(self.facts)
        layout.addWidget(self.meta)
        layout.addWidget(self.interest)
        layout.addLayout(buttons)
        layout.addWidget(self.parts, 1)

    @property
    def paper(self) -> Paper | None:
        return self._paper

    def set_interest(self, paper_id: int, line: str, tooltip: Sequence[str] = ()) -> None:
        """The triage's line for ``paper_id`` (ignored when another paper is shown by
        now), its tooltip's lines as plain text; an empty line hides it (nothing
        learned, or a paper the triage has not seen: nothing is shown, not a guess)."""
        if self._paper is None or self._paper.id != paper_id:
            return
        self.interest.setText(line)
        tip = "<br>".join(html.escape(text) for text in tooltip)
        self.interest.setToolTip(f"<span>{tip}</span>" if tip else "")
        self.interest.setVisible(bool(line))

    def set_tag_names(self, names: list[str]) -> None:
        self._tag_names.setStringList(names)

    def show_paper(
        self,
        paper: Paper | None,
        fragments: tuple[Fragment, Fragment] | None,
        selected: int = 0,
    ) -> None:
        """Show a paper (None: none is current; ``selected`` papers may still be, as
        after Ctrl+A: then say how many, and what acts on them all); the highlight
        fragments are optional."""
        if paper is None or self._paper is None or paper.id != self._paper.id:
            self.flush_notes()
        same = paper is not None and self._paper is not None and paper.id == self._paper.id
        self._paper = paper
        if not same:
            self.similar_list.clear()
            self.interest.clear()
            self.interest.hide()
        editors = (self.status_selector, self.rating_selector, self.tag_editor, self.time_editor)
        for widget in editors:
            widget.setEnabled(paper is not None)
        self.copy_button.setEnabled(paper is not None)
        self.notes_editor.setEnabled(paper is not None)
        if paper is None:
            self.title.setText(selection_title(selected))
            self.meta.setText(SELECTION_HINT if selected > 1 else "")
            self._show_facts(None)
            self.abstract.clear()
            self.tags_label.clear()
            self.time_editor.clear()
            self.set_notes(None, "")
            self.paper_button.setEnabled(False)
            self.paper_button.setToolTip("")
            self.code_button.setEnabled(False)
            self.project_button.setEnabled(False)
            return
        title, abstract = fragments or (((paper.title, False),), ((paper.abstract, False),))
        title, abstract = display_fragment(title), display_fragment(abstract)
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
        if not same or not self.time_editor.isModified():  # never over unsaved typing
            self._show_time(paper)
        self.tags_label.setText(", ".join(paper.tags) or "none")
        self.paper_button.setEnabled(paper_url(paper) is not None)
        self.paper_button.setToolTip(plain_tooltip(paper_tooltip(paper)))
        self.code_button.setEnabled(paper.first_link(LinkKind.CODE) is not None)
        self.project_button.setEnabled(paper.first_link(LinkKind.PROJECT) is not None)
        if not same or not self._notes_dirty:
            self.set_notes(paper.id, paper.notes)

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
            item = QListWidgetItem(display_tex(found.paper.title))  # plain text
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
        return url is not None and self.url_opener(url)

    def open_link(self, kind: LinkKind) -> bool:
        link = None if self._paper is None else self._paper.first_link(kind)
        return link is not None and self.url_opener(link.url)

    def apply_icons(self, paper_icon: QIcon) -> None:
        """The buttons' icons in the palette's colours (again after a theme change)."""
        self.paper_button.setIcon(paper_icon)
        self.code_button.setIcon(action_icon("open-code"))
        self.project_button.setIcon(action_icon("project-page"))
        self.copy_button.setIcon(action_icon("copy"))

    def focus_notes(self) -> None:
        """``n``: the notes of the paper shown, the cursor at their end."""
        if self._paper is not None:
            self.notes_tabs.setCurrentWidget(self.notes_editor)
            self.notes_editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.notes_editor.moveCursor(QTextCursor.MoveOperation.End)

    def _fill_copy_menu(self) -> None:
        fill_copy_menu(self.copy_menu, self._paper, self.copy_link)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Esc in the notes or the tag box: the notes are saved and the table has the
        focus again. Esc is taken before any window shortcut can have it."""
        boxes = (self.notes_editor, self.tag_editor, self.time_editor)
        if watched not in boxes or not isinstance(event, QKeyEvent):
            return False
        if event.key() != Qt.Key.Key_Escape:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        if event.type() == QEvent.Type.KeyPress:
            self.flush_notes()
            self.escaped.emit()
            return True
        return False

    def _show_time(self, paper: Paper) -> None:
        minutes = minutes_of(paper.time_spent)
        self.time_editor.setText("" if minutes is None else duration_text(minutes))

    def _time_edited(self) -> None:
        """A duration typed (Enter, Esc or leaving the box): sent when it is new; a
        wrong one is said, and stays to be corrected."""
        paper = self._paper
        if paper is None or not self.time_editor.isModified():
            return  # not typed in since shown (an undo may have changed it meanwhile)
        text = self.time_editor.text()
        try:
            minutes = parse_duration(text) if text.strip() else None
        except InvalidValueError as problem:
            self.timeSpentRejected.emit(str(problem))
            return
        self.time_editor.setText("" if minutes is None else duration_text(minutes))
        if minutes != minutes_of(paper.time_spent):
            self.timeSpentChosen.emit(paper.id, minutes)

    def _add_tag(self) -> None:
        name = self.tag_editor.text().strip()
        if name and self._paper is not None:
            self.tagAdded.emit(name)
            self.tag_editor.clear()

    def set_notes(self, paper_id: int | None, notes: str) -> None:
        """Notes as stored: the base the next save is made from (core/notes_save.py)."""
        self._notes_for = None
        self._notes_dirty = False
        self.notes_base = notes
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
        base, self.notes_base = self.notes_base, self.notes_editor.toPlainText()
        self.notesEdited.emit(self._notes_for, base, self.notes_base)
