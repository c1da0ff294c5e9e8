"""Command-line interface: thin commands over the library API."""

from .app import app, main

__all__ = ["app", "main"]
