"""Where readinglist writes what went wrong: a rotating log file in the user log folder.

Messages a user can act on are shown where they happen (a one-line error, a status bar
message); this file keeps the details of everything else, so that nothing reaches the
terminal as a traceback and a bug report can include the log.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

APP_NAME = "readinglist"
LOG_FILE = "readinglist.log"
MAX_BYTES = 1_000_000
KEEP = 3
_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


def log_folder() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def log_path() -> Path:
    return log_folder() / LOG_FILE


def configure_logging(level: int = logging.INFO) -> Path | None:
    """Send readinglist's log records to the rotating file (once per process); returns
    its path, or None when the folder cannot be written (then records are dropped, never
    printed)."""
    logger = logging.getLogger("readinglist")
    logger.setLevel(level)
    logger.propagate = False
    for handler in logger.handlers:
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=KEEP, encoding="utf-8")
    except OSError:
        logger.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    logger.addHandler(handler)
    return path
