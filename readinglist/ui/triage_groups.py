"""The topic groups of a digest, for the sidebar under "New in the last digest", with
their actions: queue all, drop all, tag all.

A group's actions are undoable changes (readinglist.core.undo) handed to the window's
``apply_change``: they run on the writer, one transaction and one undo step for the
whole group, and are announced like any edit (so the triage retrains after them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QPoint, Qt
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtWidgets import QInputDialog, QListView, QMenu, QWidget

from readinglist.core.models import ReadStatus
from readinglist.core.undo import Change, status_change, tag_change
from readinglist.ui.widgets import named, plain_tooltip

PAPER_IDS_ROLE = Qt.ItemDataRole.UserRole + 1
WORDS_ROLE = Qt.ItemDataRole.UserRole + 2
AnyIndex = QModelIndex | QPersistentModelIndex


class GroupLike(Protocol):
    """What a :class:`readinglist.triage.groups.TopicGroup` offers (not imported here:
    the window must not load scikit-learn to show a list)."""

    @property
    def label(self) -> str: ...

    @property
    def words(self) -> tuple[str, ...]: ...

    @property
    def paper_ids(self) -> tuple[int, ...]: ...


class ChangeApplier(Protocol):
    def apply_change(self, change: Change, message: str) -> None: ...


class TopicGroupsModel(QAbstractListModel):
    """One row per group: "label  (count)", the words as tooltip, the ids in a role."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._groups: list[GroupLike] = []

    def set_groups(self, groups: Sequence[GroupLike]) -> None:
        self.beginResetModel()
        self._groups = list(groups)
        self.endResetModel()

    def group(self, row: int) -> GroupLike:
        return self._groups[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._groups)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._groups):
            return None
        group = self._groups[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{group.label}  ({len(group.paper_ids)})"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(", ".join(group.words))
        if role == PAPER_IDS_ROLE:
            return list(group.paper_ids)
        if role == WORDS_ROLE:
            return list(group.words)
        return None


def queue_all(host: ChangeApplier, group: GroupLike) -> None:
    _set_status(host, group, ReadStatus.QUEUED)


def drop_all(host: ChangeApplier, group: GroupLike) -> None:
    _set_status(host, group, ReadStatus.DROPPED)


def tag_all(host: ChangeApplier, group: GroupLike, name: str) -> None:
    """Every paper of the group gets the tag (a bad name: the change's own message)."""
    if name.strip():
        count = len(group.paper_ids)
        host.apply_change(
            tag_change(group.paper_ids, name.strip(), add=True),
            f"Tagged the {count} papers of “{group.label}” {name.strip()}",
        )


def _set_status(host: ChangeApplier, group: GroupLike, status: ReadStatus) -> None:
    host.apply_change(
        status_change(group.paper_ids, status),
        f"{len(group.paper_ids)} papers of “{group.label}” marked {status}",
    )


class TopicGroupsView(QListView):
    """The groups list: a click shows the group's papers (``groupChosen``); the context
    menu has the group actions."""

    groupChosen = QtSignal(str, object)  # label, paper ids  # noqa: N815

    def __init__(
        self,
        host: ChangeApplier,
        parent: QWidget | None = None,
        ask_tag: Callable[[QWidget, str], str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        named(self, "topicGroups")
        self.host = host
        self.groups_model = TopicGroupsModel(self)
        self.setModel(self.groups_model)
        self.ask_tag = ask_tag or _ask_tag
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.clicked.connect(self._chosen)

    def set_groups(self, groups: Sequence[GroupLike]) -> None:
        self.groups_model.set_groups(groups)

    def actions_for(self, row: int) -> dict[str, Callable[[], None]]:
        """The menu's actions on one group, by their text."""
        group = self.groups_model.group(row)

        def tag() -> None:
            name = self.ask_tag(self, group.label)
            if name:
                tag_all(self.host, group, name)

        return {
            "Queue all": lambda: queue_all(self.host, group),
            "Drop all": lambda: drop_all(self.host, group),
            "Tag all…": tag,
        }

    def _menu(self, point: QPoint) -> None:
        index = self.indexAt(point)
        if not index.isValid():
            return
        menu = QMenu(self)
        for text, action in self.actions_for(index.row()).items():
            menu.addAction(text, action)
        menu.exec(self.viewport().mapToGlobal(point))

    def _chosen(self, index: QModelIndex) -> None:
        group = self.groups_model.group(index.row())
        self.groupChosen.emit(group.label, list(group.paper_ids))


def _ask_tag(parent: QWidget, label: str) -> str | None:
    name, ok = QInputDialog.getText(parent, "Tag all", f"Tag every paper of “{label}” with:")
    return name if ok else None
