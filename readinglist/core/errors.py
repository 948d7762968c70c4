"""Errors a user can act on. Their message is one line, shown as it is."""


class ReadingListError(Exception):
    """Base of every error the command line and the window show as a plain message."""


class DigestError(ReadingListError):
    """The input holds no papers (empty, binary, a PDF, ...)."""


class NotFoundError(ReadingListError):
    """A paper, tag or other object named by the user does not exist."""


class InvalidValueError(ReadingListError):
    """A value given by the user is outside what the model accepts."""


class ImportCancelledError(ReadingListError):
    """The user stopped an import; its transaction was rolled back."""


class LibraryBusyError(ReadingListError):
    """Another process held the library's write lock for longer than the busy timeout."""


class IndexDamagedError(ReadingListError):
    """Reading the search index failed on damaged files. The index is only a cache: it
    is marked for rebuilding (the next start rebuilds it), and the command line rebuilds
    it at once and runs the command again."""
