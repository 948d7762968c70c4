"""The member name: who this machine's user is to the reading group, set once per machine.

Kept in the user's config folder (``member-name`` in ``readinglist``'s folder under
``$XDG_CONFIG_HOME`` on Linux), not in a library: the same person comments on every
library they open, shared or not, and a library copied to another machine does not
bring its owner's name along. Never guessed from the login name: a comment signed
"jsmith2" would be a name nobody in the group chose. Qt-free (the command line and the
window both read it); the checks are readinglist.core.group's.
"""

from __future__ import annotations

from pathlib import Path

from readinglist.atomic_write import write_atomically
from readinglist.core.errors import ReadingListError
from readinglist.core.group import check_name

APP_NAME = "readinglist"
MEMBER_FILE = "member-name"
HOW_TO_SET = "set your member name first: readinglist member NAME"


def member_file() -> Path:
    """Where the name is kept (read from the environment each time: tests move it)."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / MEMBER_FILE


def member_name() -> str | None:
    """The name set on this machine, or None (not set, or a file that no longer holds
    a valid one: asked for again rather than used)."""
    try:
        text = member_file().read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return None
    try:
        return check_name(text)
    except ReadingListError:
        return None


def require_member_name() -> str:
    """The name, or a one-line ReadingListError saying how to set it."""
    name = member_name()
    if name is None:
        raise ReadingListError(f"comments and assignments are signed: {HOW_TO_SET}")
    return name


def set_member_name(text: str) -> str:
    """Check and keep the name (InvalidValueError for a bad one); returns it as kept."""
    name = check_name(text)
    target = member_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, name + "\n")
    return name
