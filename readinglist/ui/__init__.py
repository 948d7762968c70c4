"""The desktop window: the only package that imports PySide6 (filled in by the window issue)."""
