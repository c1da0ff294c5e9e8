"""Alignment test data built here, from a source nobody tuned on: the Mallard help pages that ten
GNOME applications ship in Debian (baobab, eog, evince, file-roller, gedit, gnome-calculator,
gnome-clocks, gnome-system-monitor, gnome-terminal, totem), English originals and their Swedish
translations. Not gnome-user-docs (the maintainers' held-out set).

A page's block elements (title, desc, p, td, item texts) in document order are its lines; the
Swedish page is translated element by element, so a pair with the same number of blocks has a
known 1-1 gold alignment. ``perturb`` then makes the hard cases with a known gold: merges,
splits, deletions, one-sided insertions (titles, "read more" links), and it keeps what the pages
have of their own (runs of short table cells, repeated identical lines).
"""

from __future__ import annotations

import random
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

PACKAGES = (
    "baobab",
    "eog",
    "evince-common",
    "file-roller",
    "gedit-common",
    "gnome-calculator",
    "gnome-clocks",
    "gnome-system-monitor",
    "gnome-terminal-data",
    "totem-common",
)
# A second set, from other applications (games, seahorse, cheese, simple-scan, brasero, boxes,
# ...): held out from every setting tuned on the first (bench/ALIGNMENT.md says which were).
HELD_OUT_PACKAGES = (
    "aisleriot",
    "brasero-common",
    "cheese-common",
    "five-or-more",
    "four-in-a-row",
    "gnome-boxes",
    "gnome-chess",
    "gnome-klotski",
    "gnome-logs",
    "gnome-mines",
    "gnome-nibbles",
    "gnome-robots",
    "gnome-sudoku",
    "gnome-taquin",
    "gnome-tetravex",
    "hitori",
    "iagno",
    "lightsoff",
    "quadrapassel",
    "seahorse",
    "simple-scan",
    "swell-foop",
    "tali",
)
MALLARD = "{http://projectmallard.org/1.0/}"
BLOCKS = {"title", "desc", "p", "subtitle"}
SKIP = {"info", "code", "screen", "media", "comment"}


@dataclass
class Pair:
    """Source (sv) and reference (en) lines, and the gold beads as (source indices, reference indices)."""

    name: str
    source: list[str]
    reference: list[str]
    gold: list[tuple[tuple[int, ...], tuple[int, ...]]]


def fetch_pages(folder: Path, packages: tuple[str, ...] = PACKAGES) -> Path:
    """Download and unpack the packages once (Debian's archive); returns the help root."""
    root = folder / "x" / "usr" / "share" / "help"
    if root.is_dir():
        return root
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", "-q", *packages], cwd=folder, check=True, capture_output=True)
    for deb in folder.glob("*.deb"):
        subprocess.run(["dpkg", "-x", str(deb), str(folder / "x")], check=True)
    return root


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def blocks(path: Path) -> list[str]:
    """The page's block texts in document order (nested blocks each on their own line)."""
    out: list[str] = []

    def walk(element) -> None:
        tag = element.tag.replace(MALLARD, "")
        if tag in SKIP or not isinstance(element.tag, str):
            return
        if tag in BLOCKS:
            text = _text(element)
            if text:
                out.append(text)
            return
        for child in element:
            walk(child)

    walk(ET.parse(path).getroot())
    return out


def clean_pairs(root: Path) -> list[Pair]:
    pairs = []
    for page in sorted((root / "C").glob("*/*.page")):
        swedish = root / "sv" / page.parent.name / page.name
        if not swedish.is_file():
            continue
        en, sv = blocks(page), blocks(swedish)
        if len(en) != len(sv) or len(en) < 3:
            continue
        pairs.append(Pair(f"{page.parent.name}/{page.stem}", sv, en, [((k,), (k,)) for k in range(len(en))]))
    return pairs


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])")

TITLES_EN = ["Overview", "Help", "Contents", "Documentation"]
LINKS_SV = ["Läs mer: Hjälp för GNOME", "Läs mer", "Se även: Användarhandbok", "Mer information finns på webbplatsen"]
TITLES_SV = ["Översikt", "Hjälp", "Innehåll", "Dokumentation"]
LINKS_EN = ["Read more: GNOME Help", "Read more", "See also: User Guide", "More information is on the website"]


def mirrored(pair: Pair, rng: random.Random, edits: int = 3) -> Pair:
    """``perturb`` with the sides swapped: the source's lines merged (1-2 beads), the reference's
    split, a one-sided Swedish title before the source and an English "read more" link after the
    reference. The rules were tuned on ``perturb``'s pages, where every merge is 2-1 and every
    title is in the reference; this set shows whether they hold the other way round."""
    swapped = Pair(pair.name, pair.reference, pair.source, [(r, s) for s, r in pair.gold])
    edited = perturb(swapped, rng, edits, titles=TITLES_SV, links=LINKS_EN)
    gold = sorted((r, s) for s, r in edited.gold)
    return Pair(pair.name + "+mirrored", edited.reference, edited.source, gold)


def perturb(
    pair: Pair, rng: random.Random, edits: int = 3, titles: list[str] = TITLES_EN, links: list[str] = LINKS_SV
) -> Pair:
    """Apply ``edits`` random edits with a known effect on the gold; every kind is drawn."""
    source, reference = list(pair.source), list(pair.reference)
    # gold as lists of source/reference line objects: track identity through edits with ids
    src_ids = list(range(len(source)))
    ref_ids = list(range(len(reference)))
    beads = [([s], [r]) for (s,), (r,) in pair.gold]
    next_id = [max(len(source), len(reference)) + 1000]

    def new_id() -> int:
        next_id[0] += 1
        return next_id[0]

    kinds = ["merge_ref", "split_src", "delete_ref", "insert_title", "insert_link", "delete_src"]
    for _ in range(edits):
        kind = rng.choice(kinds)
        if kind == "merge_ref" and len(reference) > 3:
            k = rng.randrange(len(reference) - 1)
            a, b = ref_ids[k], ref_ids[k + 1]
            bead_a = next((x for x in beads if a in x[1]), None)
            bead_b = next((x for x in beads if b in x[1]), None)
            if (
                bead_a is None
                or bead_b is None
                or bead_a is bead_b
                or len(bead_a[1]) + len(bead_b[1]) > 2
                or len(bead_a[0]) + len(bead_b[0]) > 2
            ):
                continue
            merged = new_id()
            reference[k : k + 2] = [reference[k] + " " + reference[k + 1]]
            ref_ids[k : k + 2] = [merged]
            beads.remove(bead_b)
            bead_a[0].extend(bead_b[0])
            bead_a[1][:] = [merged]
        elif kind == "split_src":
            candidates = [k for k, text in enumerate(source) if len(_SENTENCE_END.split(text)) >= 2]
            if not candidates:
                continue
            k = rng.choice(candidates)
            bead = next((x for x in beads if src_ids[k] in x[0]), None)
            if bead is None or len(bead[0]) != 1 or len(bead[1]) != 1:
                continue
            sentences = _SENTENCE_END.split(source[k])
            cut = rng.randrange(1, len(sentences))
            first, second = new_id(), new_id()
            source[k : k + 1] = [" ".join(sentences[:cut]), " ".join(sentences[cut:])]
            src_ids[k : k + 1] = [first, second]
            bead[0][:] = [first, second]
        elif kind in ("delete_ref", "delete_src"):
            lines, ids, side = (reference, ref_ids, 1) if kind == "delete_ref" else (source, src_ids, 0)
            if len(lines) <= 3:
                continue
            k = rng.randrange(len(lines))
            bead = next((x for x in beads if ids[k] in x[side]), None)
            if bead is None or len(bead[0]) != 1 or len(bead[1]) != 1:
                continue
            del lines[k]
            del ids[k]
            beads.remove(bead)
        elif kind == "insert_title":
            reference.insert(0, rng.choice(titles))
            ref_ids.insert(0, new_id())
        elif kind == "insert_link":
            source.append(rng.choice(links))
            src_ids.append(new_id())
    src_index = {i: k for k, i in enumerate(src_ids)}
    ref_index = {i: k for k, i in enumerate(ref_ids)}
    gold = sorted((tuple(sorted(src_index[i] for i in s)), tuple(sorted(ref_index[i] for i in r))) for s, r in beads)
    return Pair(pair.name + "+perturbed", source, reference, gold)


def with_short_runs(pair: Pair, rng: random.Random) -> Pair:
    """Append a table of short cells (a run of one- and two-word lines) on both sides."""
    cells = [
        ("Inaktiverad", "Disabled"),
        ("Aktiverad", "Enabled"),
        ("Ja", "Yes"),
        ("Nej", "No"),
        ("Växla till arbetsyta 1", "Switch to workspace 1"),
        ("Markera område", "Select area"),
        ("Stäng fönster", "Close window"),
        ("Tangent", "Key"),
        ("Genväg", "Shortcut"),
    ]
    rows = [rng.choice(cells) for _ in range(rng.randrange(4, 9))]
    n, m = len(pair.source), len(pair.reference)
    gold = pair.gold + [((n + k,), (m + k,)) for k in range(len(rows))]
    return Pair(pair.name + "+table", pair.source + [s for s, _ in rows], pair.reference + [e for _, e in rows], gold)
