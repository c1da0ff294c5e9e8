"""The few exceptions tqcheck raises, each carrying its exit code and a fix-it message.

The CLI turns these into one line on stderr and an exit code in exactly one place
(`tqcheck.cli.app.TqcheckGroup`); library code only raises them.
"""

from __future__ import annotations


class TqcheckError(Exception):
    """Base class. ``str(error)`` is the whole user-facing message: what is wrong, then the fix."""

    exit_code = 3


class InputError(TqcheckError):
    """Bad usage or input: a file that cannot be read as text, a bad option value."""

    exit_code = 2


class ModelUnavailableError(TqcheckError):
    """A model (MT or COMET) cannot be had: not cached and the hub unreachable, or a bad path."""

    exit_code = 3


class EngineError(TqcheckError):
    """A translation engine or metric failed while running."""

    exit_code = 3


class UnusableTranslationError(EngineError):
    """The MT cannot be scored meaningfully: mostly not in the target language, or mostly empty or
    refusals. A corpus run reports such a document as not scored, and fails only when most of the
    corpus is affected."""
