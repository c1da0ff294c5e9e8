"""The gap pass's reading of runs between confident matches (align/gaps.py), on hand-set evidence:
what pairs in order, and what is reported as resting on the confident matches alone."""

from __future__ import annotations

from tqcheck.align.dp import AlignmentSettings
from tqcheck.align.gaps import fill_gaps


def run(evidence_of, beads, n, m, length_log_prob_of=None):
    lengths_src, lengths_ref = [20] * n, [20] * m

    def evidence(i0, i1, j0, j1):
        return evidence_of.get((i0, i1, j0, j1), 0.0)

    def length_log_prob(i0, i1, j0, j1):
        if length_log_prob_of is not None and (i0, i1, j0, j1) in length_log_prob_of:
            return length_log_prob_of[(i0, i1, j0, j1)]
        return -0.1 if (i1 - i0, j1 - j0) == (1, 1) else -3.0

    texts_src, texts_ref = [f"s{k}" for k in range(n)], [f"r{k}" for k in range(m)]
    return fill_gaps(
        AlignmentSettings(), beads, evidence, length_log_prob, lengths_src, lengths_ref, texts_src, texts_ref
    )


def matched(beads):
    return sorted((i, j) for i, j, a, b in beads if a and b)


def test_a_chance_overlap_does_not_shift_a_run_between_confident_matches():
    """Lines 1-2 on both sides between two confident matches: a 1.3σ shifted pair (2, 1) against
    two in-order pairs near 0σ. The run pairs in order, and the shifted weak match the DP made
    is undone."""
    evidence = {(0, 1, 0, 1): 9.0, (3, 4, 3, 4): 9.0, (2, 3, 1, 2): 1.3, (1, 2, 1, 2): 0.1, (2, 3, 2, 3): 0.1}
    dp = [(0, 0, 1, 1), (1, 1, 1, 0), (2, 1, 1, 1), (3, 2, 0, 1), (3, 3, 1, 1)]
    beads, on_confidence = run(evidence, dp, 4, 4)
    assert matched(beads) == [(0, 0), (1, 1), (2, 2), (3, 3)]
    # the ordinary gap bar would have taken the shifted pair only: one more line rests on the anchors
    assert on_confidence == 1


def test_without_a_confident_match_the_ordinary_bar_decides():
    """The same run between matches of 4σ (under the 5σ that fixes the order): left as the
    ordinary gap pass reads it, and nothing is counted as resting on confidence."""
    evidence = {(0, 1, 0, 1): 4.0, (3, 4, 3, 4): 4.0, (2, 3, 1, 2): 1.3, (1, 2, 1, 2): 0.1, (2, 3, 2, 3): 0.1}
    dp = [(0, 0, 1, 1), (1, 1, 1, 0), (2, 1, 1, 1), (3, 2, 0, 1), (3, 3, 1, 1)]
    beads, on_confidence = run(evidence, dp, 4, 4)
    assert (2, 1) in matched(beads)
    assert on_confidence == 0


def test_a_run_of_unequal_counts_is_not_read_as_a_whole():
    """Two source lines against one reference line between confident matches: one of them is
    one-sided, so the run is not paired in order and the weak match the DP found stays."""
    evidence = {(0, 1, 0, 1): 9.0, (3, 4, 2, 3): 9.0, (2, 3, 1, 2): 2.4}
    dp = [(0, 0, 1, 1), (1, 1, 1, 0), (2, 1, 1, 1), (3, 2, 1, 1)]
    beads, on_confidence = run(evidence, dp, 4, 3)
    assert matched(beads) == [(0, 0), (2, 1), (3, 2)]
    assert on_confidence == 0


def test_a_line_joined_on_the_edge_of_its_partner_rests_on_that_match():
    """A skipped line joined onto its matched neighbour because its text is at the partner's edge
    (a merge whose MT is rough) is reported as resting on that match, like a run: it does not
    count towards the chance check's share of aligned lines."""
    hyp = [
        "Open Backup, click on Restore and choose the day you want to restore the files from.",
        "Well/Chose filerna you wants have back.",
    ]
    ref = [
        "Open Backups, click Restore and pick the day you want to restore the files from. Select the files you want back."
    ]
    settings = AlignmentSettings()

    def evidence(i0, i1, j0, j1):
        return 9.0 if (i0, i1) == (0, 1) else 0.0

    def length_log_prob(i0, i1, j0, j1):
        return -0.5

    def join(reference: list[str]):
        dp = [(0, 0, 1, 1), (1, 1, 1, 0)]
        lengths = ([len(x) for x in hyp], [len(reference[0])])
        return fill_gaps(settings, dp, evidence, length_log_prob, *lengths, hyp, reference)

    beads, resting = join(ref)
    assert beads == [(0, 0, 2, 1)] and resting == 1
    # the same line after a partner that has no room for it (its own translation only) stays apart
    beads, resting = join([ref[0].rsplit(" Select", 1)[0]])
    assert beads == [(0, 0, 1, 1), (1, 1, 1, 0)] and resting == 0


def test_a_clear_winner_beside_a_one_sided_line_pairs_between_confident_matches():
    """Two source lines against one reference line between confident matches (one of the two lost
    its partner): a pair under the bar of that gap (the best of two chance pairs) but far ahead of
    its rival pairs, and rests on the matches; a close second leaves the gap unmatched, and so do
    weaker matches around it unless the pair is twice as far ahead."""
    dp = [(0, 0, 1, 1), (1, 1, 1, 0), (2, 1, 1, 0), (3, 1, 0, 1), (3, 2, 1, 1)]
    evidence = {(0, 1, 0, 1): 9.0, (3, 4, 2, 3): 9.0, (1, 2, 1, 2): 0.9, (2, 3, 1, 2): -0.5}
    beads, on_confidence = run(evidence, dp, 4, 3)
    assert matched(beads) == [(0, 0), (1, 1), (3, 2)]
    assert on_confidence == 1
    close = {**evidence, (2, 3, 1, 2): 0.5}
    assert matched(run(close, dp, 4, 3)[0]) == [(0, 0), (3, 2)]
    # between weaker matches (under 5σ) the winner must stand out by twice as much
    weaker = {**evidence, (0, 1, 0, 1): 4.0, (3, 4, 2, 3): 4.0}
    assert matched(run(weaker, dp, 4, 3)[0]) == [(0, 0), (3, 2)]
    far_ahead = {**weaker, (1, 2, 1, 2): 1.1, (2, 3, 1, 2): -3.0}  # under the gap bar of 1.2σ
    beads, on_confidence = run(far_ahead, dp, 4, 3)
    assert matched(beads) == [(0, 0), (1, 1), (3, 2)] and on_confidence == 1


def test_a_merge_that_stands_out_in_a_gap_between_confident_matches_pairs_whole():
    """Two source lines against one reference line between confident matches, the reference line
    being both of them merged: each part alone is weak evidence and too short for the partner,
    the merge is better evidence than either part and its length fits. It pairs as one 2-1 bead,
    and both of its source lines rest on the matches. A merge no better than its best part is no
    merge (and no 1-1 pair of a misfitting length stands out either)."""
    dp = [(0, 0, 1, 1), (1, 1, 1, 0), (2, 1, 1, 0), (3, 1, 0, 1), (3, 2, 1, 1)]
    evidence = {(0, 1, 0, 1): 9.0, (3, 4, 2, 3): 9.0, (1, 2, 1, 2): 1.0, (2, 3, 1, 2): 0.3, (1, 3, 1, 2): 2.2}
    lengths = {(1, 2, 1, 2): -5.0, (2, 3, 1, 2): -12.0, (1, 3, 1, 2): -0.2}
    beads, on_confidence = run(evidence, dp, 4, 3, lengths)
    assert (1, 1, 2, 1) in beads and matched(beads) == [(0, 0), (1, 1), (3, 2)]
    assert on_confidence == 2
    no_better = {**evidence, (1, 3, 1, 2): 0.9}
    assert matched(run(no_better, dp, 4, 3, lengths)[0]) == [(0, 0), (3, 2)]


def test_pairs_beside_a_one_sided_line_pair_as_a_run_when_that_choice_stands_out():
    """Three source lines against two reference lines between confident matches, the first source
    line one-sided: the two true pairs are weak (under the bar of that gap) and tie as single
    beads, so neither is a clear winner alone; together, leaving the first line out beats every
    other choice of the line left out, and both pairs rest on the matches. A close rival choice
    leaves the gap unmatched; a pair below chance is no part of a run (the other pair, far ahead
    of its rivals, is still a clear winner alone)."""
    dp = [(0, 0, 1, 1), (1, 1, 1, 0), (2, 1, 1, 0), (3, 1, 1, 0), (4, 1, 0, 1), (4, 2, 0, 1), (4, 3, 1, 1)]
    evidence = {(0, 1, 0, 1): 9.0, (4, 5, 3, 4): 9.0, (2, 3, 1, 2): 1.3, (3, 4, 2, 3): 1.4}
    beads, on_confidence = run(evidence, dp, 5, 4)
    assert matched(beads) == [(0, 0), (2, 1), (3, 2), (4, 3)]
    assert on_confidence == 2
    rival = {**evidence, (1, 2, 1, 2): 1.0}  # leaving out line 2 instead is nearly as good
    assert matched(run(rival, dp, 5, 4)[0]) == [(0, 0), (4, 3)]
    below_chance = {**evidence, (2, 3, 1, 2): -1.0}
    assert matched(run(below_chance, dp, 5, 4)[0]) == [(0, 0), (3, 2), (4, 3)]


def test_at_the_documents_edge_a_weaker_neighbour_asks_the_ordinary_margin():
    """A title at the start of the page against two reference lines (the first a one-sided title),
    before a match of 4σ: the pair 1.2 ahead of its rival pairs. Between two such weaker matches it
    would need to be 2 ahead; at the document's edge, whose order is certain, 1 is enough."""
    dp = [(0, 0, 0, 1), (0, 1, 0, 1), (0, 2, 1, 0), (1, 2, 1, 1), (2, 3, 1, 1)]
    evidence = {(1, 2, 2, 3): 4.0, (2, 3, 3, 4): 9.0, (0, 1, 1, 2): 1.2}
    beads, on_confidence = run(evidence, dp, 3, 4)
    assert matched(beads) == [(0, 1), (1, 2), (2, 3)] and on_confidence == 1
    # the same gap between two weaker matches stays unmatched
    inside = [(0, 0, 1, 1), (1, 1, 0, 1), (1, 2, 0, 1), (1, 3, 1, 0), (2, 3, 1, 1)]
    evidence = {(0, 1, 0, 1): 4.0, (2, 3, 3, 4): 4.0, (1, 2, 2, 3): 1.2}
    assert matched(run(evidence, inside, 3, 4)[0]) == [(0, 0), (2, 3)]
