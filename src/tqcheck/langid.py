"""Offline language identification (py3langid: langid.py's model, bundled, no download)."""

from __future__ import annotations

from collections.abc import Sequence
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
    return (
        f"{name} looks like {found!r} (language identification, p={guess.probability:.2f}), not {declared!r} "
        f"as {option} says; check the file and {option} (--strict makes this an error)"
    )


def _same_language(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _CLOSE)


@dataclass(frozen=True)
class TranslationLanguage:
    """What language identification says of an engine's output for one direction."""

    found: str  # the language of all of the MT together
    probability: float
    checked: int  # segments long enough to judge one by one
    off_target: tuple[int, ...]  # indices of those confidently in another language

    def mostly_off(self, tgt_lang: str) -> bool:
        whole = self.probability >= 0.9 and not _same_language(self.found, tgt_lang)
        return whole or (self.checked > 0 and len(self.off_target) * 2 > self.checked)

    def mixed(self) -> bool:
        return len(self.off_target) >= 2 and len(self.off_target) * 5 >= self.checked


MIN_SEGMENT_CHARS = 40  # shorter segments (names, numbers, "Read more:") are identified too unreliably


def identify_translation(texts: list[str], tgt_lang: str) -> TranslationLanguage | None:
    """Identify the MT's language as a whole and segment by segment; None when the target language
    is one the identifier does not know (then nothing can be said)."""
    if tgt_lang.lower() not in _identifier().nb_classes:
        return None
    whole = detect_language("\n".join(texts))
    off: list[int] = []
    checked = 0
    for index, text in enumerate(texts):
        if len(text) < MIN_SEGMENT_CHARS:
            continue
        checked += 1
        guess = detect_language(text)
        if guess.probability >= 0.99 and not _same_language(guess.lang, tgt_lang.lower()):
            off.append(index)
    return TranslationLanguage(whole.lang, whole.probability, checked, tuple(off))


def line_languages(
    hypotheses: Sequence[str],
    references: Sequence[str] | None,
    sources: Sequence[str] | None,
    paths: tuple[str | None, str, str | None],
    declared: tuple[str | None, str | None],
) -> tuple[str, str, list[str | None]]:
    """The source and target languages of line-parallel files (tqcheck score): declared, or
    identified (the target from the reference, or from the MT when there is none; the source
    "und" when there is no source), with a warning where identification disagrees with a declaration."""
    src_path, hyp_path, ref_path = paths
    declared_origin, declared_target = declared
    reference_guess = detect_language("\n".join(references if references is not None else hypotheses))
    source_guess = detect_language("\n".join(sources)) if sources else None
    warnings = [
        language_mismatch(ref_path or hyp_path, declared_target, reference_guess, "--tgt-lang"),
        language_mismatch(src_path or "--src", declared_origin, source_guess, "--src-lang") if source_guess else None,
    ]
    target = (declared_target or reference_guess.lang).lower()
    origin = (declared_origin or (source_guess.lang if source_guess else "und")).lower()
    return origin, target, warnings
