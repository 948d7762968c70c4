"""One place the window learns what changed in the library.

Every write the window makes (an edit, its undo or redo, an import, a list renamed)
returns :class:`~readinglist.core.changes.Changes`; the window hands them to
:meth:`ChangeNotifier.announce` and each view that shows the library subscribes to
:attr:`ChangeNotifier.changed` and decides for itself what to load again: the table
its rows, the sidebar its counts, the detail pane and tag menus their tags. An action
never has to know which views show what it changed (Anki's ``OpChanges``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from readinglist.core.changes import Changes


class ChangeNotifier(QObject):
    """Announces each change once, on the GUI thread, after it is committed."""

    changed = Signal(object)  # Changes

    def announce(self, changes: Changes) -> None:
        if not changes.empty:
            self.changed.emit(changes)
