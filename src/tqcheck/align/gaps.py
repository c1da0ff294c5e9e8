"""The aligner's second look at what its DP left unmatched: gaps between matches, and short pages
on which few lines reach the match bar; merges read as 1-1 plus a skipped line are joins.py's.
Separate from the DP so each can be read (and tuned) alone."""

from __future__ import annotations

import math
from itertools import combinations
from statistics import median
from typing import TYPE_CHECKING

from .joins import _absorb, _span
from .similarity import gale_church_log_prob

if TYPE_CHECKING:
    from .dp import AlignmentSettings

BEADS_IN_GAPS = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2))


def fill_gaps(
    s: AlignmentSettings,
    beads,
    evidence,
    length_log_prob,
    src_lengths,
    ref_lengths,
    hyp_texts,
    ref_texts,
    similarity=None,
    machine_translated=True,
):
    """A path-level second look at what the DP left unmatched between two matched beads (or a
    matched bead and the document's edge). Inside such a gap the order is fixed by the anchors
    around it, so a line pair needs less lexical evidence: lines whose lengths agree (Gale-Church)
    and whose evidence is not below chance are matched, merges and splits compete with 1-1 plus
    a skip, and a gap with as many lines on both sides (a run of short table cells, a heading)
    is read as the structure it most likely is, as is a small gap with a line or two more on one
    side (pairs beside a one-sided line) when one choice of the lines left out stands out.
    One-sided lines (a title, a "read more" link) have no partner of a plausible length and stay
    unmatched.

    Returns the beads, and how many source lines were paired only on the strength of their
    neighbours: the runs a gap pairs as a whole (beyond what the ordinary gap bar pairs) and the
    lines joined onto a match by the edge of its partner. They rest on those matches being
    right, so they do not count as evidence that the documents translate each other.

    ``similarity``: the raw similarity of the main channel (chrF), for a short document on which
    few pairs stand out in noise units (see ``_dominant_chain``); ``machine_translated``: whether
    ``hyp_texts`` is MT (or the source itself)."""
    beads = _dissolve_weak(s, beads, evidence)
    n, m = len(src_lengths), len(ref_lengths)
    chain: list[tuple[int, int]] = []
    if similarity is not None and _paired(beads) < s.chance_check_below * min(n, m):
        # few lines reached the match bar: on a short page, the noise level is measured on the
        # very cells that carry the signal, so mutual best matches in order speak instead
        chain = _dominant_chain(s, similarity, length_log_prob, src_lengths, ref_lengths)
        beads = _with_pairs(beads, chain, n, m) if chain else beads
    fixed = {(i, j, 1, 1) for i, j in chain}  # fix the order around them as a confident match does

    def confident_match(bead) -> bool:
        return bead in fixed or evidence(*_span(bead)) >= s.confident_evidence

    anchored = any(a and b for _, _, a, b in beads)
    out: list[tuple[int, int, int, int]] = []
    on_confidence = 0
    k = 0
    while k < len(beads):
        if beads[k][2] and beads[k][3]:
            out.append(beads[k])
            k += 1
            continue
        stop = k
        while stop < len(beads) and not (beads[stop][2] and beads[stop][3]):
            stop += 1
        gap = beads[k:stop]
        sources = sorted(i for i, _, a, _ in gap if a)
        references = sorted(j for _, j, _, b in gap if b)
        if sources and references:
            # bounded by confident matches (an edge counts when the other side is one)
            left = k == 0 or confident_match(beads[k - 1])
            right = stop == len(beads) or confident_match(beads[stop])
            confident = left and right and (k > 0 or stop < len(beads))
            path = _gap_path(s, sources, references, evidence, length_log_prob, src_lengths, ref_lengths, confident)
            matched = [evidence(*_span(bead)) for bead in path if bead[2] and bead[3]]
            if not anchored and (not matched or sum(matched) / math.sqrt(len(matched)) < s.match_threshold):
                # no match anywhere: the path as a whole must be evidence that these documents are
                # translations of each other (its pairs' combined z), or nothing is paired by position
                path = gap
            if confident and len(sources) == len(references):
                ordinary = _gap_path(s, sources, references, evidence, length_log_prob, src_lengths, ref_lengths)
                on_confidence += max(0, _paired(path) - _paired(ordinary))
            elif k > 0 or stop < len(beads):
                # at a document's edge the order is certain on that side: one weaker match is less doubt
                at_edge = k == 0 or stop == len(beads)
                margin = s.gap_clear_margin if confident or at_edge else s.gap_clear_margin_weak
                run = _clear_run(s, sources, references, evidence, length_log_prob, src_lengths, ref_lengths, margin)
                taken = {bead for bead in path if bead[2] and bead[3]}
                if run is not None and taken <= set(run):
                    path, on_confidence = _around(sources, references, run), on_confidence + len(run) - len(taken)
                elif not taken:
                    clear = _clear_winner(
                        s, sources, references, evidence, length_log_prob, src_lengths, ref_lengths, margin
                    )
                    if clear is not None:
                        path, on_confidence = _around(sources, references, [clear]), on_confidence + clear[2]
            out.extend(path)
        else:
            out.extend(gap)
        k = stop
    out, on_edges = _absorb(
        s, out, evidence, length_log_prob, (hyp_texts, ref_texts), (src_lengths, ref_lengths), machine_translated
    )
    return out, on_confidence + on_edges


def _dominant_chain(s: AlignmentSettings, similarity, length_log_prob, src_lengths, ref_lengths):
    """On a short document (``dominant_min_lines`` to ``dominant_max_lines`` a side), the longest
    in-order chain of mutual best matches: line pairs whose similarity beats every other cell of
    their row and of their column by ``dominant_margin`` (raw chrF points) and whose lengths agree;
    [] when it is shorter than ``dominant_min_lines``. When every line of two equal documents is
    its in-order partner's best match, that is the chain; otherwise only lines of
    ``dominant_min_chars`` or more take part (a short cell's chrF swings too far to be anyone's
    best by chance alone), and a chain of two counts only when both stand out by
    ``dominant_pair_margin``: two in order happen by chance on unrelated pages where three do not.
    On 3,399 pairs of unrelated pages of up to 12 lines, a chain was found on 9 with MT and 1
    without; 7 of the 10 are two applications' contribution pages, written from one template; the
    chains of two added no unrelated page with a pair on 6,829 such pairs (bench/ALIGNMENT.md)."""
    n, m = len(src_lengths), len(ref_lengths)
    if not (s.dominant_min_lines <= min(n, m) and max(n, m) <= s.dominant_max_lines):
        return []
    cells = [[similarity(i, i + 1, j, j + 1) for j in range(m)] for i in range(n)]
    margins = {}
    for i in range(n):
        for j in range(m):
            rivals = [cells[i][y] for y in range(m) if y != j] + [cells[x][j] for x in range(n) if x != i]
            if cells[i][j] - max(rivals) >= s.dominant_margin:
                margins[(i, j)] = cells[i][j] - max(rivals)
    fits = _lengths_fit(s, list(margins), length_log_prob, src_lengths, ref_lengths)
    dominant = [(i, j) for i, j in margins if fits(i, j)]
    if n == m and dominant == [(k, k) for k in range(n)]:
        return dominant
    long_enough = [(i, j) for i, j in dominant if min(src_lengths[i], ref_lengths[j]) >= s.dominant_min_chars]
    best = _longest_chain(long_enough)
    if len(best) >= s.dominant_min_lines:
        return best
    # two pairs in order happen by chance where three do not, unless each stands out far more
    wide = _longest_chain([pair for pair in long_enough if margins[pair] >= s.dominant_pair_margin])
    return wide if len(wide) >= 2 else []


def _longest_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (in row order) that rises in both rows and columns."""
    chains: list[list[tuple[int, int]]] = []
    for i, j in pairs:
        before = [chain for chain in chains if chain[-1][0] < i and chain[-1][1] < j]
        chains.append([*max(before, key=len, default=[]), (i, j)])
    return max(chains, key=len, default=[])


def _lengths_fit(s: AlignmentSettings, pairs, length_log_prob, src_lengths, ref_lengths):
    """Whether a pair's lengths agree (Gale-Church) at the document's length ratio, or at the ratio
    of the mutual best matches themselves when there are two or more: on a page of a few lines,
    one long one-sided paragraph moves the document's ratio so far that every true pair of long
    lines looks too short or too long. Two pairs fit at their median ratio only when their own
    ratios agree, so the second one is a check on the first."""
    ratios = [ref_lengths[j] / src_lengths[i] for i, j in pairs if src_lengths[i] and ref_lengths[j]]
    own = median(ratios) if len(ratios) >= 2 else None

    def fits(i: int, j: int) -> bool:
        if length_log_prob(i, i + 1, j, j + 1) >= s.gap_min_length_log_prob:
            return True
        return (
            own is not None
            and gale_church_log_prob(src_lengths[i] * own, ref_lengths[j], s.length_variance)
            >= s.gap_min_length_log_prob
        )

    return fits


def _clear_winner(s, sources, references, evidence, length_log_prob, src_lengths, ref_lengths, margin):
    """In a small gap of unequal counts (a pair beside a one-sided line, or a merge), the one
    bead (1-1, 2-1 or 1-2) that beats every other by ``margin`` on evidence and length together,
    and is not below chance; None otherwise. ``margin`` is ``gap_clear_margin`` between confident
    matches and ``gap_clear_margin_weak`` beside a weaker one, whose order is less sure. A merge
    pays the merge prior and must be better evidence than its best part."""
    p, q = len(sources), len(references)
    if min(p, q) > 2 or max(p, q) > 4:
        return None
    scored = []
    for a, b in ((1, 1), (2, 1), (1, 2)):
        for i in sources[: len(sources) - a + 1]:
            for j in references[: len(references) - b + 1]:
                z = evidence(i, i + a, j, j + b)
                if (a, b) != (1, 1):
                    parts = [evidence(i + x, i + x + 1, j + y, j + y + 1) for x in range(a) for y in range(b)]
                    if z < max(parts):
                        continue
                shortest = min(sum(src_lengths[i : i + a]), sum(ref_lengths[j : j + b]))
                lp = length_log_prob(i, i + a, j, j + b)
                prior = 0.0 if (a, b) == (1, 1) else s.merge_prior
                scored.append((_shrunk(s, z, shortest) + prior + s.length_weight * lp, lp, (i, j, a, b)))

    def clear(candidates):
        candidates = sorted(candidates, reverse=True)
        (best, lp, bead), runner_up = candidates[0], candidates[1][0] if len(candidates) > 1 else -math.inf
        if best >= 0 and best - runner_up >= margin and lp >= s.gap_min_length_log_prob:
            return bead
        return None

    # a merge must stand out from every bead, a 1-1 only from the other 1-1s (a merge that does
    # not stand out is no reason to leave a clear pair unmatched)
    merge = clear(scored)
    if merge is not None and merge[2] + merge[3] > 2:
        return merge
    return clear([x for x in scored if x[2][2] + x[2][3] == 2])


def _shrunk(s: AlignmentSettings, z: float, shortest: float) -> float:
    """Evidence against a pair of short lines, shrunk in proportion to the shorter one's length
    under ``gap_short_line``: a short line's similarity is mostly noise."""
    return z * min(1.0, shortest / s.gap_short_line) if z < 0 else z


def _clear_run(s: AlignmentSettings, sources, references, evidence, length_log_prob, src_lengths, ref_lengths, margin):
    """In a small gap with a line or two more on one side (pairs beside a one-sided line), every
    line of the shorter side paired in order, when that choice of the longer side's lines beats
    every other choice by ``margin`` (evidence and length together), every pair's lengths agree,
    the run is not below chance and no pair is far below it; None otherwise. Two true pairs
    beside a deleted line tie as single beads (each is as good as the other, so neither is a
    clear winner): together they are one."""
    p, q = len(sources), len(references)
    if min(p, q) < 2 or p == q or max(p, q) > s.gap_run_max_lines:
        return None
    scored = []
    for kept in combinations(range(max(p, q)), min(p, q)):
        pairs = [(sources[x], references[y]) for x, y in (zip(kept, range(q)) if p > q else zip(range(p), kept))]
        values = []
        for i, j in pairs:
            lp = length_log_prob(i, i + 1, j, j + 1)
            if lp < s.gap_min_length_log_prob:
                break
            shortest = min(src_lengths[i], ref_lengths[j])
            values.append(_shrunk(s, evidence(i, i + 1, j, j + 1), shortest) + s.length_weight * lp)
        else:
            scored.append((sum(values), min(values), pairs))
    if not scored:
        return None
    scored.sort(reverse=True)
    total, weakest, pairs = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else -math.inf
    if weakest < s.gap_run_min_pair or total < 0 or total - runner_up < margin:
        return None
    return [(i, j, 1, 1) for i, j in pairs]


def _around(sources, references, chosen):
    """A gap's beads with the ``chosen`` beads (in order) matched and every other line skipped."""
    out = []
    si = ri = 0  # the next source and reference line of the gap not yet placed
    for i, j, a, b in chosen:
        while si < len(sources) and sources[si] < i:
            out.append((sources[si], references[ri] if ri < len(references) else j, 1, 0))
            si += 1
        while ri < len(references) and references[ri] < j:
            out.append((i, references[ri], 0, 1))
            ri += 1
        out.append((i, j, a, b))
        si, ri = si + a, ri + b
    j_end = chosen[-1][1] + chosen[-1][3]
    out += [(x, j_end, 1, 0) for x in sources[si:]]
    out += [(sources[-1] + 1, y, 0, 1) for y in references[ri:]]
    return out


def _with_pairs(beads, pairs, n: int, m: int):
    """``beads`` with the 1-1 ``pairs`` added that take no matched line and keep the order."""
    matched = [b for b in beads if b[2] and b[3]]
    used_src = {x for i, _, a, _ in matched for x in range(i, i + a)}
    used_ref = {y for _, j, _, b in matched for y in range(j, j + b)}
    for i, j in pairs:
        if i in used_src or j in used_ref:
            continue
        if all((i >= bi + ba and j >= bj + bb) or (i < bi and j < bj) for bi, bj, ba, bb in matched):
            matched.append((i, j, 1, 1))
            used_src.add(i)
            used_ref.add(j)
    matched.sort()
    out = []
    pi = pj = 0
    for bi, bj, ba, bb in [*matched, (n, m, 0, 0)]:
        out += [(x, pj, 1, 0) for x in range(pi, bi)] + [(bi, y, 0, 1) for y in range(pj, bj)]
        if ba:
            out.append((bi, bj, ba, bb))
        pi, pj = bi + ba, bj + bb
    return out


def _paired(beads) -> int:
    return sum(a for _, _, a, b in beads if a and b)


def _dissolve_weak(s: AlignmentSettings, beads, evidence):
    """Matches too weak to fix the order on their own (under ``confident_evidence``), inside a run
    with as many source as reference lines between two confident matches (or a confident match
    and an edge), are unmatched again, so that the gap pass aligns the run as a whole: in a table
    of short cells, a chance overlap of letters must not shift every pair after it."""
    strong = [
        k for k, (_, _, a, b) in enumerate(beads) if a and b and evidence(*_span(beads[k])) >= s.confident_evidence
    ]
    if not strong:
        return beads
    dissolve: set[int] = set()
    bounds = [-1, *strong, len(beads)]
    for left, right in zip(bounds, bounds[1:]):
        run = range(left + 1, right)
        weak = [k for k in run if beads[k][2] and beads[k][3]]
        if weak and sum(beads[k][2] for k in run) == sum(beads[k][3] for k in run):
            dissolve.update(weak)
    out = []
    for k, (i, j, a, b) in enumerate(beads):
        if k in dissolve:
            out.extend([(i + x, j, 1, 0) for x in range(a)] + [(i + a, j + y, 0, 1) for y in range(b)])
        else:
            out.append((i, j, a, b))
    return out


def _gap_path(
    s: AlignmentSettings, sources, references, evidence, length_log_prob, src_lengths, ref_lengths, confident=False
):
    """Best path through one gap: 1-1, 2-1 and 1-2 beads at the gap's lower bar, or skips."""
    p, q = len(sources), len(references)
    i0, j0 = sources[0], references[0]
    same_count = p == q
    # structure: equal counts between two anchors (or an anchor and an edge) suggest 1-1 pairs
    bonus = (s.gap_equal_bonus_confident if confident else s.gap_equal_bonus) if same_count else 0.0
    # Otherwise the bar is what the best of p*q pure-noise candidates would reach (the expected
    # maximum of that many standard normals), so a one-sided title is not paired by chance.
    threshold = s.gap_threshold if bonus else max(s.gap_threshold, math.sqrt(2 * math.log(max(p * q, 2))))
    width = min(abs(p - q) + s.gap_band, s.max_band)  # never wider than the main band: cost stays linear

    def score(i, j, a, b) -> float:
        lp = length_log_prob(i0 + i, i0 + i + a, j0 + j, j0 + j + b)
        if lp < s.gap_min_length_log_prob:
            return -math.inf
        combined = evidence(i0 + i, i0 + i + a, j0 + j, j0 + j + b)
        if (a, b) != (1, 1):
            parts = [
                evidence(i0 + i + x, i0 + i + x + 1, j0 + j + y, j0 + j + y + 1) for x in range(a) for y in range(b)
            ]
            if combined < max(parts):  # a merge must be better evidence than its best part alone
                return -math.inf
        prior = 0.0 if (a, b) == (1, 1) else s.merge_prior
        shortest = min(sum(src_lengths[i0 + i : i0 + i + a]), sum(ref_lengths[j0 + j : j0 + j + b]))
        combined = _shrunk(s, combined, shortest)
        return combined - threshold + prior + s.length_weight * lp + bonus

    best = {(0, 0): 0.0}
    back: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(p + 1):
        centre = round(i * q / p) if p else 0
        for j in range(max(0, centre - width), min(q, centre + width) + 1):
            if (i, j) == (0, 0):
                continue
            top, choice = -math.inf, None
            for a, b in BEADS_IN_GAPS:
                pi, pj = i - a, j - b
                if (pi, pj) not in best:
                    continue
                value = best[(pi, pj)] + (s.skip_score if not (a and b) else score(pi, pj, a, b))
                if value > top:
                    top, choice = value, (a, b)
            if choice is not None:
                best[(i, j)], back[(i, j)] = top, choice
    if (p, q) not in back:
        return [(i, j0, 1, 0) for i in sources] + [(i0 + p, j, 0, 1) for j in references]
    path = []
    i, j = p, q
    while (i, j) != (0, 0):
        a, b = back[(i, j)]
        path.append((i0 + i - a, j0 + j - b, a, b))
        i, j = i - a, j - b
    return path[::-1]
