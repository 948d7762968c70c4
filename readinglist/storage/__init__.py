"""SQLAlchemy storage: the database is the source of truth.

Only :mod:`readinglist.storage.engine` knows which database dialect is in use; the
models and queries stay dialect-neutral so a shared library can live on PostgreSQL.
"""
