"""Benchmarks of the search stack on synthetic libraries (see benchmarks/README.md)."""
