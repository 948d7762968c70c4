"""The bundled app's entry point: the ``readinglist`` command, started without arguments
(a double click, a desktop launcher) it opens the window; ``--smoke-test`` runs the
scripted check of a build (readinglist/ui/smoke.py)."""

from __future__ import annotations

import multiprocessing
import sys


def main() -> int:
    # A big import runs in a child process (readinglist/import_process.py): in a frozen
    # app that child is this executable again, and this call runs it instead of main.
    multiprocessing.freeze_support()
    args = sys.argv[1:]
    if args[:1] == ["--smoke-test"]:
        from readinglist.ui.smoke import main as smoke

        return smoke(args[1:])
    from readinglist.cli import main as cli

    return cli(args or ["gui"])


if __name__ == "__main__":
    sys.exit(main())
