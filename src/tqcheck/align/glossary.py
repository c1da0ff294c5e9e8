"""A translation table learned from the document itself: word pairs that keep turning up together
in the lines the earlier passes matched (competitive linking on Dice, as in Melamed's word
alignment), read as one more evidence channel in the aligner's last pass. It gives a line whose
MT left a term untranslated, or a pair with no MT at all, credit for the document's own
terminology: "arbetsyta" is "workspace" in this manual when the two share the matched paragraphs.
With MT it glosses only the words the MT left as they were: a word the MT translated is already
the MT chrF's evidence, and counting it twice paired a one-sided line with a one-sided title that
shared one topic word (the seed article repeated five times, tests/test_alignment.py)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[^\W\d_][\w'’-]*")  # numbers are the anchor channel's


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def learn_links(
    src_texts: Sequence[str],
    ref_texts: Sequence[str],
    beads: Sequence[tuple[int, int, int, int]],
    min_count: int = 2,
    min_dice: float = 0.6,
    max_beads: int = 5000,
) -> dict[str, str]:
    """Source word -> reference word, each word linked at most once (the best-overlapping pairs
    first), for words that occur together in at least ``min_count`` of the matched ``beads`` and
    whose occurrences overlap by Dice ``min_dice`` or more. At most ``max_beads`` beads (evenly
    spaced) teach it, so its cost stays bounded on a long document."""
    if len(beads) > max_beads:
        step = len(beads) / max_beads
        beads = [beads[int(k * step)] for k in range(max_beads)]
    src_sets = [set(words(" ".join(src_texts[i : i + a]))) for i, _, a, _ in beads]
    ref_sets = [set(words(" ".join(ref_texts[j : j + b]))) for _, j, _, b in beads]
    src_df = Counter(w for s in src_sets for w in s)
    ref_df = Counter(v for r in ref_sets for v in r)
    together: Counter = Counter()
    for s, r in zip(src_sets, ref_sets):
        frequent_ref = [v for v in r if ref_df[v] >= min_count]
        together.update((w, v) for w in s if src_df[w] >= min_count for v in frequent_ref)
    scored = []
    for (w, v), count in together.items():
        overlap = 2 * count / (src_df[w] + ref_df[v])
        if count >= min_count and overlap >= min_dice:
            scored.append((overlap, count, w, v))
    links: dict[str, str] = {}
    taken: set[str] = set()
    for _, _, w, v in sorted(scored, reverse=True):
        if w not in links and v not in taken:
            links[w] = v
            taken.add(v)
    return links


def glossed(texts: Sequence[str], links: dict[str, str], translations: Sequence[str] | None = None) -> list[Counter]:
    """Each source line as the multiset of its words' linked reference words; with MT, only the
    words the MT left as they were (what it translated, its chrF already counts)."""
    if translations is None:
        return [Counter(links[w] for w in words(t) if w in links) for t in texts]
    out = []
    for text, mt in zip(texts, translations):
        kept = set(words(mt))
        out.append(Counter(links[w] for w in words(text) if w in links and w in kept))
    return out


def linked_words(texts: Sequence[str], links: dict[str, str]) -> list[Counter]:
    """Each reference line as the multiset of its words that some source word links to."""
    targets = set(links.values())
    return [Counter(v for v in words(t) if v in targets) for t in texts]
