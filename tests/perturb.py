"""Perturbed versions of the seed pair with known gold alignments: lines deleted on one side,
junk inserted, paragraphs merged or split. Used by the alignment regression test."""

from __future__ import annotations

import random

JUNK_EN = [
    "Subscribe to our newsletter for the latest news.",
    "Photo: Alexander Kazakov / AP",
    "Advertisement",
    "Share this article on Facebook and Twitter",
]
JUNK_SV = ["Prenumerera på vårt nyhetsbrev.", "Foto: TT", "Annons", "Dela artikeln på Facebook"]
OPERATIONS = ("del_ref", "del_src", "ins_ref", "ins_src", "merge_ref", "merge_src", "split_ref")


def perturb(rnd: random.Random, source: list[str], mt: list[str], reference: list[str]):
    """Apply 1-4 random operations to a 1-1 parallel text. Returns (source, mt, reference, gold pairs)."""
    beads = [([(s, m)], [r]) for s, m, r in zip(source, mt, reference)]
    for _ in range(rnd.randint(1, 4)):
        op = rnd.choice(OPERATIONS)
        k = rnd.randrange(len(beads))
        src, ref = beads[k]
        simple = len(src) == 1 and len(ref) == 1
        nxt = beads[k + 1] if k + 1 < len(beads) else None
        next_simple = nxt is not None and len(nxt[0]) == 1 and len(nxt[1]) == 1
        if op == "del_ref" and simple:
            beads[k] = (src, [])
        elif op == "del_src" and simple:
            beads[k] = ([], ref)
        elif op == "ins_ref":
            beads.insert(k, ([], [rnd.choice(JUNK_EN)]))
        elif op == "ins_src":
            junk = rnd.choice(JUNK_SV)
            beads.insert(k, ([(junk, junk)], []))
        elif op == "merge_ref" and simple and next_simple:
            beads[k : k + 2] = [(src + nxt[0], [ref[0] + " " + nxt[1][0]])]
        elif op == "merge_src" and simple and next_simple:
            beads[k : k + 2] = [([(src[0][0] + " " + nxt[0][0][0], src[0][1] + " " + nxt[0][0][1])], ref + nxt[1])]
        elif op == "split_ref" and simple and ". " in ref[0]:
            first, second = ref[0].split(". ", 1)
            beads[k] = (src, [first + ".", second])
    out_src, out_ref, gold = [], [], set()
    for src, ref in beads:
        src_lines = tuple(range(len(out_src) + 1, len(out_src) + 1 + len(src)))
        ref_lines = tuple(range(len(out_ref) + 1, len(out_ref) + 1 + len(ref)))
        out_src += src
        out_ref += ref
        if src and ref:
            gold.add((src_lines, ref_lines))
    return [s for s, _ in out_src], [m for _, m in out_src], out_ref, gold
