"""Fractals: a small cloud demo app (API, worker, CLI) rendering Julia sets."""
__version__ = "1.0.0"
