"""Evidence that a source bead and a reference bead say the same thing.

Three channels, each a similarity matrix over candidate beads:
- MT: chrF (beta=1, so junk on either side costs the same) of the MT against the reference;
- source: the same between source and reference (names, numbers and cognates survive);
- anchors: Dice overlap of language-independent tokens (numbers, capitalised names,
  quotations, speech dashes) between source and reference.
chrF statistics come from sacrebleu's own n-gram extraction and scoring hook.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

CHAR_ORDER = 6


@lru_cache(maxsize=1)
def _chrf_beta1():
    from sacrebleu.metrics import CHRF

    return CHRF(beta=1, word_order=0)


class NgramProfiles:
    """Character n-gram counters per segment, computed when first asked for and kept for the
    most recent lines and spans (the aligner walks rows in order, so memory stays bounded on long
    documents), summed for multi-line beads."""

    def __init__(self, texts: list[str], keep: int = 4096) -> None:
        self._texts = texts
        self._keep = keep
        self._lines: dict[int, list[Counter]] = {}
        self._merged: dict[tuple[int, int], list[Counter]] = {}

    def line(self, index: int) -> list[Counter]:
        found = self._lines.get(index)
        if found is None:
            from sacrebleu.metrics.helpers import extract_all_char_ngrams

            if len(self._lines) >= self._keep:
                self._lines.clear()
            found = self._lines[index] = extract_all_char_ngrams(self._texts[index], CHAR_ORDER)
        return found

    def span(self, start: int, stop: int) -> list[Counter]:
        if stop - start == 1:
            return self.line(start)
        key = (start, stop)
        if key not in self._merged:
            if len(self._merged) >= self._keep:
                self._merged.clear()
            merged: list[Counter] = [Counter() for _ in range(CHAR_ORDER)]
            for index in range(start, stop):
                for order, counter in enumerate(self.line(index)):
                    merged[order].update(counter)
            self._merged[key] = merged
        return self._merged[key]


def chrf_from_profiles(hyp: list[Counter], ref: list[Counter]) -> float:
    """sacrebleu chrF (beta=1, char order 6, no word n-grams) from n-gram counters, 0-100: the
    statistics are sacrebleu's (hypothesis, reference and matched n-grams per order), the score is
    its own F-score over them. The aligner calls this for every candidate cell, so the matching
    runs in C (map over the keys both share) rather than a generator per n-gram."""
    stats: list[int] = []
    for h, r in zip(hyp, ref):
        common = h.keys() & r.keys()  # set intersection in C; few n-grams survive for unrelated text
        stats += [h.total(), r.total(), sum(map(min, map(h.__getitem__, common), map(r.__getitem__, common)))]
    return float(_chrf_beta1()._compute_f_score(stats))


def length_delta_log_prob(delta: float) -> float:
    """log of the two-sided tail of a standard normal at ``delta``: Gale & Church's length evidence."""
    return math.log(max(2.0 * (1.0 - 0.5 * (1.0 + math.erf(abs(delta) / math.sqrt(2.0)))), 1e-12))


def gale_church_log_prob(expected: float, actual: float, variance: float) -> float:
    """log P(lengths this far apart | the spans are translations), Gale & Church (1993): the length
    difference, scaled by the square root of the mean length, is standard normal."""
    return length_delta_log_prob((actual - expected) / math.sqrt(variance * max((expected + actual) / 2, 1.0)))


_WORD = re.compile(r"[^\W_][\w'’-]*")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_QUOTES = '"“”«»„'
_OPENERS = " \t\"“”«»„'‘’([–—-"
_SENTENCE_END = ".!?:;"


def _fold(word: str) -> str:
    """Case- and accent-free five-letter stem: Putin/Pútín and Ukraina/Ukraine meet."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))[:5]


def _sentence_initial(text: str, start: int) -> bool:
    index = start - 1
    while index >= 0 and text[index] in _OPENERS:
        index -= 1
    return index < 0 or text[index] in _SENTENCE_END


def anchors(text: str) -> Counter:
    """Tokens that survive translation: numbers, capitalised non-initial words, quotations, a speech dash."""
    found: Counter = Counter()
    found.update("#" + n.replace(",", "").replace(".", "") for n in _NUMBER.findall(text))
    for match in _WORD.finditer(text):
        word = match.group()
        if word[0].isupper() and not _sentence_initial(text, match.start()):
            found["@" + _fold(word)] += 1
    quotes = sum(text.count(q) for q in _QUOTES)
    if quotes:
        found["“quote”"] += max(1, quotes // 2)
    if text.lstrip()[:1] in ("–", "—", "-"):
        found["–speech"] += 1
    return found


def dice(a: Counter, b: Counter, smoothing: int = 3) -> float | None:
    """Dice overlap of anchor multisets, 0-100. ``smoothing`` is added to the denominator so that
    one shared token between two tiny sets (a lone quotation mark) is not strong evidence."""
    total = sum(a.values()) + sum(b.values())
    if total == 0:
        return None
    return 200.0 * sum((a & b).values()) / (total + smoothing)
