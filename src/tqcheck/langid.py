"""Offline language identification (py3langid: langid.py's model, bundled, no download)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class LanguageGuess:
    lang: str  # ISO 639-1
    probability: float


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)


def detect_language(text: str, max_chars: int = 20_000) -> LanguageGuess:
    """Guess the language of ``text``; a document's first 20k characters are plenty."""
    lang, probability = _identifier().classify(text[:max_chars])
    return LanguageGuess(lang=str(lang), probability=float(probability))


# Codes that language identification cannot tell apart reliably: no mismatch among them.
_CLOSE = ({"no", "nb", "nn"}, {"sr", "hr", "bs"}, {"ms", "id"})


def language_mismatch(name: str, declared: str | None, guess: LanguageGuess, option: str) -> str | None:
    """A warning when identification confidently disagrees with a declared language, else None."""
    if not declared or guess.probability < 0.9:
        return None
    declared, found = declared.lower(), guess.lang.lower()
    if declared == found or any(declared in group and found in group for group in _CLOSE):
        return None
    return (f"{name} looks like {found!r} (language identification, p={guess.probability:.2f}), not {declared!r} "
            f"as {option} says; check the file and {option} (--strict makes this an error)")
