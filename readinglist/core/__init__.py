"""The domain: pure Python, no Qt, no SQLAlchemy, no Whoosh.

Everything that crosses a boundary (storage, search, window, command line) is one of
the frozen dataclasses in :mod:`readinglist.core.models`.
"""
