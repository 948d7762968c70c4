"""Full-text search over the library (Whoosh): a rebuildable cache of the database.

Only this package may import Whoosh; it is filled in by the search issue.
"""
