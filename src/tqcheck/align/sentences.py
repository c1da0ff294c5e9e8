"""Sentence mode: split the paragraphs of aligned pairs into sentences, and align the sentences
inside each pair, so that COMET scores sentence-sized segments like those it was trained on.

Splitting: Moses' sentence splitter (Koehn & Schroeder's non-breaking prefixes, the
`sentence-splitter` package) for the languages it has prefixes for; Wikimedia's `sentencex`
(about 250 languages) for the rest.

Aligning inside a pair is the problem Gale & Church (1993) solved: the paragraphs are known to
be translations, so a small dynamic programme over sentence beads (1-1, 1-2, 2-1, 2-2, 1-3, 3-1,
and 1-0 / 0-1 for a sentence only one side has) with their length model and bead priors finds the
pairing. The MT of each source sentence adds evidence, as in Bleualign: chrF of the MT against
the reference sentences.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .similarity import NgramProfiles, chrf_from_profiles, gale_church_log_prob

# Gale & Church's bead probabilities (1-3 and 3-1 added at a merge's share of a 2-2).
BEAD_PRIORS = {
    (1, 1): 0.89,
    (1, 0): 0.0099 / 2,
    (0, 1): 0.0099 / 2,
    (2, 1): 0.089 / 2,
    (1, 2): 0.089 / 2,
    (2, 2): 0.011,
    (3, 1): 0.005,
    (1, 3): 0.005,
}
LENGTH_VARIANCE = 6.8  # Gale & Church's s^2
MT_WEIGHT = 10.0  # nats per 100 chrF points: a clear MT match outweighs a doubtful length ratio


@dataclass(frozen=True)
class SentenceBead:
    """Sentences [source_start, source_stop) aligned to [reference_start, reference_stop), 0-based."""

    source_start: int
    source_stop: int
    reference_start: int
    reference_stop: int

    @property
    def matched(self) -> bool:
        return self.source_stop > self.source_start and self.reference_stop > self.reference_start


@lru_cache(maxsize=32)
def _moses_splitter(lang: str):
    from sentence_splitter import SentenceSplitter, SentenceSplitterException

    try:
        return SentenceSplitter(language=lang)
    except SentenceSplitterException:  # no non-breaking prefixes for this language
        return None


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of one paragraph, stripped, none empty."""
    code = lang.split("-")[0].split("_")[0].lower()
    splitter = _moses_splitter(code)
    if splitter is not None:
        sentences = splitter.split(text)
    else:
        from sentencex import segment

        sentences = list(segment(code, text))
    found = [s.strip() for s in sentences if s.strip()]
    return found or ([text.strip()] if text.strip() else [])


def align_sentences(
    sources: Sequence[str], translations: Sequence[str] | None, references: Sequence[str]
) -> list[SentenceBead]:
    """Gale-Church over one aligned paragraph pair, with MT chrF as extra evidence when there is MT."""
    n, m = len(sources), len(references)
    if n == 1 and m == 1:
        return [SentenceBead(0, 1, 0, 1)]
    source_chars = sum(len(s) for s in sources) or 1
    ratio = (sum(len(r) for r in references) or 1) / source_chars  # this pair's own length ratio
    hyp = NgramProfiles(list(translations)) if translations is not None else None
    ref = NgramProfiles(list(references))

    def score(i: int, j: int, a: int, b: int) -> float:
        value = math.log(BEAD_PRIORS[(a, b)])
        if a and b:
            expected = sum(len(s) for s in sources[i : i + a]) * ratio
            actual = sum(len(r) for r in references[j : j + b])
            value += gale_church_log_prob(expected, actual, LENGTH_VARIANCE)
            if hyp is not None:
                value += MT_WEIGHT * chrf_from_profiles(hyp.span(i, i + a), ref.span(j, j + b)) / 100.0
        return value

    best = {(0, 0): 0.0}
    back: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(n + 1):
        for j in range(m + 1):
            for a, b in BEAD_PRIORS:
                pi, pj = i - a, j - b
                if pi < 0 or pj < 0 or (pi, pj) not in best:
                    continue
                candidate = best[(pi, pj)] + score(pi, pj, a, b)
                if candidate > best.get((i, j), -math.inf):
                    best[(i, j)], back[(i, j)] = candidate, (a, b)
    beads, i, j = [], n, m
    while (i, j) != (0, 0):
        a, b = back[(i, j)]
        beads.append(SentenceBead(i - a, i, j - b, j))
        i, j = i - a, j - b
    return beads[::-1]


@dataclass(frozen=True)
class SentencePair:
    """Sentences of one aligned paragraph pair, aligned: what is scored in sentence mode."""

    source_lines: tuple[int, ...]
    reference_lines: tuple[int, ...]
    source_sentences: tuple[str, ...]  # "LINE.K": sentence K (from 1) of line LINE
    reference_sentences: tuple[str, ...]
    source: str
    hypothesis: str | None
    reference: str


def split_lines(lines: dict[int, str], lang: str) -> dict[int, list[str]]:
    """line number -> that line's sentences."""
    return {line: split_sentences(text, lang) for line, text in lines.items()}


def sentence_pairs(
    pairs,
    source_sentences: dict[int, list[str]],
    reference_sentences: dict[int, list[str]],
    translations: dict[int, list[str]] | None,
) -> tuple[list[SentencePair], list[str]]:
    """Align the sentences inside every aligned paragraph pair. Returns the sentence pairs and, for
    sentences that only one side has, a short description of each (they are not scored)."""
    found: list[SentencePair] = []
    unmatched: list[str] = []
    for pair in pairs:
        src = [(f"{line}.{k}", text) for line in pair.source_lines for k, text in enumerate(source_sentences[line], 1)]
        ref = [
            (f"{line}.{k}", text)
            for line in pair.reference_lines
            for k, text in enumerate(reference_sentences[line], 1)
        ]
        mt = [text for line in pair.source_lines for text in translations[line]] if translations is not None else None
        for bead in align_sentences([t for _, t in src], mt, [t for _, t in ref]):
            s_part, r_part = src[bead.source_start : bead.source_stop], ref[bead.reference_start : bead.reference_stop]
            if not bead.matched:
                side, (label, text) = ("source", s_part[0]) if s_part else ("reference", r_part[0])
                unmatched.append(f"{side} sentence {label} “{text[:60]}{'…' if len(text) > 60 else ''}”")
                continue
            found.append(
                SentencePair(
                    source_lines=tuple(dict.fromkeys(int(label.split(".")[0]) for label, _ in s_part)),
                    reference_lines=tuple(dict.fromkeys(int(label.split(".")[0]) for label, _ in r_part)),
                    source_sentences=tuple(label for label, _ in s_part),
                    reference_sentences=tuple(label for label, _ in r_part),
                    source=" ".join(t for _, t in s_part),
                    hypothesis=" ".join(mt[bead.source_start : bead.source_stop]) if mt is not None else None,
                    reference=" ".join(t for _, t in r_part),
                )
            )
    return found, unmatched
