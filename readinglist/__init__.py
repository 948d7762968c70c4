"""readinglist: a reading-list manager for machine-learning papers."""

__version__ = "0.1.0"
