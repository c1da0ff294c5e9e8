"""Merges and splits the DP read as 1-1 plus a skipped line: when to join the skipped line onto
its matched neighbour (align/gaps.py calls this last)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .similarity import _SENTENCE_END, _chrf_beta1, gale_church_log_prob

if TYPE_CHECKING:
    from .dp import AlignmentSettings


def _span(bead: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    i, j, a, b = bead
    return i, i + a, j, j + b


def _flat(text: str) -> str:  # case and spacing ignored
    return "".join(text.casefold().split())


def _trigrams(text: str) -> set[str]:
    flat = _flat(text)
    return {flat[k : k + 3] for k in range(len(flat) - 2)}


def _containment(part: str, whole: str, explained: str = "", min_grams: int = 1) -> float:
    """Share of ``part``'s character trigrams (case and spacing ignored) that occur in ``whole``,
    counting only those ``explained`` lacks: a heading "Sort" is inside the MT of the paragraph
    that follows it because that paragraph's own translation says "sort", so a trigram the
    paragraph already has is no evidence that the heading belongs too. 0 when fewer than
    ``min_grams`` remain (a four-letter word is too little to show where it belongs)."""
    grams = _trigrams(part) - _trigrams(explained)
    if not grams or len(grams) < min_grams:
        return 0.0
    flat = _flat(whole)
    return sum(g in flat for g in grams) / len(grams)


def _edge_split(text: str, length: float, at_start: bool) -> tuple[str, str] | None:
    """``text`` cut at the space nearest ``length`` characters from its start (or end): (the piece
    at that edge, the rest); None when there is no space to cut at."""
    cuts = [k for k, ch in enumerate(text) if ch == " "]
    if not cuts:
        return None
    target = length if at_start else len(text) - length
    cut = min(cuts, key=lambda k: abs(k - target))
    head, tail = text[:cut], text[cut + 1 :]
    return (head, tail) if at_start else (tail, head)


_SENTENCE_GAP = re.compile(
    rf"(?<=[{re.escape(_SENTENCE_END)}])\s+"
)  # a cut to try, not a parse: the other checks decide
# a heading run into the paragraph after it ("Restore a box The saved box can…"): a capital after
# a word with no punctuation; read only in human text (MT capitalises at random)
_HEADING_GAP = re.compile(r"(?<=\w)\s+(?=[^\W\d_])")


def _edge_cuts(s: AlignmentSettings, text: str, expected: float, at_start: bool, headings: bool) -> list[int]:
    """The lengths at one edge of ``text`` to try as a merged line's place: the run of whole
    sentences whose length fits ``expected`` best (Gale-Church, at the gaps' bar) and, with
    ``headings``, the best-fitting run up to a capital after an unpunctuated word."""
    kinds = [list(_SENTENCE_GAP.finditer(text))]
    if headings:
        # a heading ends unpunctuated: at the end edge, a piece ending in a full stop is a sentence
        closed = text.rstrip()[-1:] in _SENTENCE_END
        kinds.append([m for m in _HEADING_GAP.finditer(text) if text[m.end()].isupper() and (at_start or not closed)])
    lengths = []
    for cuts in kinds:
        best, best_lp = None, s.gap_min_length_log_prob
        for match in cuts:
            length = match.start() if at_start else len(text) - match.end()
            lp = gale_church_log_prob(expected, length, s.length_variance)
            if lp >= best_lp:
                best, best_lp = length, lp
        lengths += [best] if best is not None else []
    return lengths


def _edge_evidence(
    s: AlignmentSettings,
    skipped: str,
    partner: str,
    matched: str,
    edge_length: float,
    at_start: bool,
    others,
    mt_side: bool,
) -> bool:
    """Whether a skipped line's content sits at the edge of its neighbour's partner (a merge whose
    short part the evidence of the whole cannot show: its MT is too rough to lift a long line's
    chrF). The partner is cut ``edge_length`` characters from the edge that faces the skipped
    line; the merge is supported when the matched line loses nothing by losing that edge (the
    edge is not its content) and the skipped line's text is closer to that edge than to the same
    edge of all nearby lines (``others``) but ``absorb_edge_rivals``: a deleted line's neighbour,
    or a one-sided title, has no such edge. ``mt_side``: the skipped line is the MT side (source)
    and the partner a reference line."""
    chrf = _chrf_beta1()

    def similarity(mt: str, reference: str) -> float:
        return float(chrf.sentence_score(mt, [reference]).score)

    def facing(a: str, b: str) -> float:  # the skipped side against a piece of the other side
        return similarity(a, b) if mt_side else similarity(b, a)

    cut = _edge_split(partner, edge_length, at_start)
    if cut is None:
        return False
    edge, rest = cut
    whole = similarity(matched, partner) if mt_side else similarity(partner, matched)
    without = similarity(matched, rest) if mt_side else similarity(rest, matched)
    if without < whole - s.absorb_edge_tolerance:
        return False
    own = facing(skipped, edge)
    if own < s.absorb_edge_floor:
        return False
    rivals = 0  # nearby lines whose same edge is as close: a template phrase makes one
    for other in others:
        piece = _edge_split(other, edge_length, at_start)
        if piece is not None and facing(skipped, piece[0]) >= own:
            rivals += 1
            if rivals > s.absorb_edge_rivals:
                return False
    return True


def _absorb(s: AlignmentSettings, beads, evidence, length_log_prob, texts, lengths, machine_translated=True):
    """A merge or split the DP read as 1-1 plus a skipped line: join the skipped line onto its
    matched neighbour when the combined evidence is at least as good and the lengths agree
    clearly better (a long paragraph matched alone, its short second half dropped), or when the
    skipped line's content is found at the facing edge of the neighbour's partner. Returns the
    beads and how many source lines joined on that edge evidence alone. ``machine_translated``:
    the first of ``texts`` is MT, whose capitals show no heading."""
    hyp_texts, ref_texts = texts
    src_lengths, ref_lengths = lengths
    ratio = max(sum(ref_lengths), 1) / max(sum(src_lengths), 1)

    def edge(k: int, n: int, grown) -> bool:
        (i, j, _, _), (ni, nj, na, _) = out[k], out[n]
        if length_log_prob(*_span(grown)) < s.gap_min_length_log_prob:
            return False
        if na:  # a source line: its MT at an edge of the reference line
            skipped, excess = src_lengths[ni] * ratio, ref_lengths[j] - src_lengths[i] * ratio
        else:  # a reference line: at an edge of the source line's MT
            skipped, excess = ref_lengths[nj] / ratio, src_lengths[i] - ref_lengths[j] / ratio
        if na:
            skipped_text, partner, matched = hyp_texts[ni], ref_texts[j], hyp_texts[i]
            nearby = [ref_texts[x] for x in range(max(0, j - 10), min(len(ref_texts), j + 11)) if x != j]
        else:
            skipped_text, partner, matched = ref_texts[nj], hyp_texts[i], ref_texts[j]
            nearby = [hyp_texts[x] for x in range(max(0, i - 10), min(len(hyp_texts), i + 11)) if x != i]
        # the edge to read: the skipped line's expected length, when the partner has room for it
        # (it outgrows its matched line), and the whole sentences at its edge that fit that length
        # (a merge joins at a sentence end; the length ratio of a page can hide the room it takes)
        lengths = [skipped] if excess >= s.absorb_edge_min_excess * skipped else []
        lengths += _edge_cuts(s, partner, skipped, n < k, headings=bool(na) and machine_translated)
        return any(
            _edge_evidence(s, skipped_text, partner, matched, length, n < k, nearby, bool(na)) for length in lengths
        )

    def contained(src_index, i, j) -> float:  # beyond what the matched source line's MT explains
        return _containment(hyp_texts[src_index], ref_texts[j], hyp_texts[i], s.absorb_min_grams)

    def contained_ref(ref_index, i, j) -> float:
        return _containment(ref_texts[ref_index], hyp_texts[i], ref_texts[j], s.absorb_min_grams)

    def value(i, j, a, b) -> float:
        return evidence(i, i + a, j, j + b) + s.length_weight * length_log_prob(i, i + a, j, j + b)

    out = list(beads)
    on_edges = 0  # source lines joined by the edge evidence alone
    k = 0
    while k < len(out):  # one pass: a grown bead (2-1 or 1-2) grows no further
        i, j, a, b = out[k]
        grew = False
        for n in (k - 1, k + 1) if a and b and a + b < 3 else ():
            if not 0 <= n < len(out) or (out[n][2] and out[n][3]):
                continue
            ni, nj, na, nb = out[n]
            grown = (min(i, ni) if na else i, min(j, nj) if nb else j, a + na, b + nb)
            gain = evidence(*_span(grown)) - evidence(*_span((i, j, a, b)))
            # the skipped line's text (its MT, or itself) found inside the neighbour's partner
            inside = contained(ni, i, j) if na else contained_ref(nj, i, j)
            # a short line's evidence is mostly noise: joining "Contents" can lift a bead's z by 1
            long_enough = (src_lengths[ni] if na else ref_lengths[nj]) >= s.gap_short_line
            fits = value(*grown) >= value(i, j, a, b) - 1.0
            plain = (gain >= -0.25 and inside >= s.absorb_containment and fits) or (
                gain >= s.absorb_evidence_gain and long_enough
            )
            if plain or (a + b == 2 and edge(k, n, grown)):
                on_edges += 0 if plain else na
                out[min(k, n)] = grown
                del out[max(k, n)]
                k, grew = min(k, n), True
                break
        if not grew:
            k += 1
    return out, on_edges
