"""``readinglist gui``: the desktop window, loaded through importlib.

The command line must stay importable without Qt (a server, a container, a broken Qt
install): the import-linter contract in pyproject forbids importing readinglist.ui or
PySide6 from readinglist.cli, and this dynamic import is the one way in. A missing Qt
system library becomes a one-line error instead of a traceback.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from readinglist.core.errors import ReadingListError


def cmd_gui(args: argparse.Namespace) -> int:
    from readinglist.app_context import default_library_dir

    try:
        app = importlib.import_module("readinglist.ui.app")
    except ImportError as problem:  # Qt's system libraries missing, most often
        raise ReadingListError(
            f"the desktop window cannot start ({problem}); 'scripts/dev app' installs what"
            " Qt needs, and the command line works without it"
        ) from None
    library_dir = args.library or default_library_dir()
    if isinstance(library_dir, str):  # a shared library: the window opens its local folder
        from readinglist.app_context import library_folder

        library_dir = library_folder(library_dir)
    return int(app.run(Path(library_dir)))
