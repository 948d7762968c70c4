"""A command server: ``readinglist`` commands without paying for the imports each time.

Why: a command costs what it imports, and the storage stack alone (SQLAlchemy, its ORM
and our mapping) takes 250-350 ms to import on a 2-core laptop, more than the whole
budget of ``readinglist list`` (issue 14: 250 ms at a 100k library). No amount of lazy
importing goes under that floor. Mercurial met the same wall and answered it with
``chg``: a server that has imported everything once forks a fresh child for each
command. The same here:

- The first command runs directly, as it always did, and then starts a server in the
  background (``server.py``), which imports the command line's whole stack and waits on
  a Unix socket in the user's runtime folder (``address.py``).
- The next commands (``client.py``) connect, hand over their argv, working folder,
  environment, umask and their own stdin/stdout/stderr (the file descriptors
  themselves, ``SCM_RIGHTS``), and wait for the exit status. The server forks a child
  per command: a fresh copy of a process that has imported but never opened anything,
  which takes the client's folder, environment and descriptors and runs
  ``readinglist.cli.main`` exactly as a new process would. Ctrl+C and other signals
  the client gets are passed on to that child.
- A server only serves the clients it was made for: its socket's name is a digest of
  the Python, readinglist's source files, the installed packages and the environment,
  so an upgrade, an edited source file or another ``HOME`` goes to a new server. An
  idle server ends after ``IDLE_EXIT_S``; one whose socket was removed or replaced ends
  within a second.
- Whatever goes wrong on the way (no runtime folder, a refused connection, a stale
  socket, a platform without ``fork``) the command simply runs directly.

``READINGLIST_COMMAND_SERVER=off`` turns it off (the tests do; so can anyone who
prefers every command to be a process of its own). The window (``readinglist gui``)
and anything that may open an editor (``note``) always run directly.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

ENV_SWITCH = "READINGLIST_COMMAND_SERVER"
# A server nobody has used for this long ends (and frees its ~70 MB).
IDLE_EXIT_S = 600.0
# Never through a server: the window has a process (and a life) of its own, notes may
# open an editor, which wants the terminal as its controlling terminal, and --version
# costs less than the hand-over.
DIRECT_WORDS = frozenset({"gui", "note", "--version"})
_OFF = frozenset({"0", "off", "no", "false"})


def wanted(argv: Sequence[str]) -> bool:
    """Whether this command may go to a server at all (asked before anything of the
    server's is imported: ``--version`` pays nothing for it)."""
    if os.environ.get(ENV_SWITCH, "").strip().lower() in _OFF:
        return False
    return bool(argv) and not DIRECT_WORDS.intersection(argv)
