"""The error of a file that is not what its content says it is."""

from readinglist.core.errors import ReadingListError


class ImportFormatError(ReadingListError):
    """Malformed JSON or BibTeX, or JSON of the wrong shape; nothing was imported."""
