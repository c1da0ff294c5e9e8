"""Before any translation: read every planned document once (a malformed file fails the run in
seconds, not after an hour of MT), settle each side's language, and group the pairs into
directions (a manifest may hold several language pairs)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

from ..documents import Document, load_document
from ..errors import InputError
from ..formats.bilingual import BilingualFile, Columns, read_bilingual
from .plan import CorpusPlan, PlannedPair


@dataclass(frozen=True)
class LoadedPair:
    """A planned pair read, oriented for its direction (source side first)."""

    name: str
    source: Document
    reference: Document
    source_path: str
    reference_path: str | None
    given_alignment: bool  # a bilingual file: entry k of one side is entry k of the other
    skipped_entries: dict[str, int]
    format: str


@dataclass(frozen=True)
class CorpusDirection:
    """The pairs checked src_lang → tgt_lang; ``reverse`` pairs check the reference side as source."""

    src_lang: str
    tgt_lang: str
    pairs: tuple[tuple[PlannedPair, bool], ...]
    plan: CorpusPlan

    @property
    def name(self) -> str:
        return f"{self.src_lang}-{self.tgt_lang}"


def _read(planned: PlannedPair, src_lang: str | None, tgt_lang: str | None, columns: Columns):
    """Both documents of a pair (one bilingual file, or two documents) with the languages declared so far."""
    if planned.reference is None:
        return read_bilingual(planned.source, src_lang, tgt_lang, columns)
    return (
        load_document(planned.source, src_lang, "--src-lang"),
        load_document(planned.reference, tgt_lang, "--tgt-lang"),
    )


def _sides(read) -> tuple[Document, Document]:
    return (read.source, read.reference) if isinstance(read, BilingualFile) else read


def _in_manifest(planned: PlannedPair, plan: CorpusPlan, error: InputError) -> InputError:
    if planned.manifest_line is None:
        return error
    return InputError(f"{error} (listed on line {planned.manifest_line} of {plan.source_root})")


def settle_languages(
    plan: CorpusPlan, src_lang: str | None, tgt_lang: str | None, columns: Columns
) -> list[PlannedPair]:
    """Every pair with both languages: declared (manifest row, then flags), the bilingual file's own,
    or for documents identified; identification is settled by majority over the corpus, so that one
    short document guessed as a neighbouring language does not become a direction of its own."""
    settled: list[PlannedPair] = []
    guessed: dict[str, Counter] = {"source": Counter(), "reference": Counter()}
    for planned in plan.pairs:
        declared = (planned.src_lang or src_lang, planned.tgt_lang or tgt_lang)
        try:
            source, reference = _sides(_read(planned, *declared, columns))
        except InputError as error:
            raise _in_manifest(planned, plan, error) from None
        settled.append(replace(planned, src_lang=source.lang, tgt_lang=reference.lang))
        if planned.reference is not None:
            guessed["source"].update([source.lang] if declared[0] is None else [])
            guessed["reference"].update([reference.lang] if declared[1] is None else [])
    majority = {side: counts.most_common(1)[0][0] for side, counts in guessed.items() if counts}
    for k, planned in enumerate(plan.pairs):
        if planned.reference is None:
            continue
        if not (planned.src_lang or src_lang) and "source" in majority:
            settled[k] = replace(settled[k], src_lang=majority["source"])
        if not (planned.tgt_lang or tgt_lang) and "reference" in majority:
            settled[k] = replace(settled[k], tgt_lang=majority["reference"])
    return settled


def corpus_directions(
    plan: CorpusPlan, src_lang: str | None, tgt_lang: str | None, direction: str | None, columns: Columns
) -> list[CorpusDirection]:
    """The directions to check: each language pair of the corpus as planned, and with ``both`` its
    reverse too; ``xx-yy`` keeps the pairs that can be checked that way."""
    groups: dict[tuple[str, str], list[PlannedPair]] = {}
    for planned in settle_languages(plan, src_lang, tgt_lang, columns):
        assert planned.src_lang is not None and planned.tgt_lang is not None
        if planned.src_lang == planned.tgt_lang:
            raise InputError(
                f"{planned.name}: both sides are in language {planned.src_lang!r}; the reference must be a "
                "translation of the source (if identification is wrong, pass --src-lang and --tgt-lang)"
            )
        groups.setdefault((planned.src_lang, planned.tgt_lang), []).append(planned)
    directions = []
    spec = (direction or "").lower()
    for (src, tgt), pairs in groups.items():
        forward = CorpusDirection(src, tgt, tuple((p, False) for p in pairs), plan)
        backward = CorpusDirection(tgt, src, tuple((p, True) for p in pairs), plan)
        if not spec or spec == f"{src}-{tgt}":
            directions.append(forward)
        if spec == "both":
            directions += [forward, backward]
        elif spec == f"{tgt}-{src}":
            directions.append(backward)
    if not directions:
        found = ", ".join(f"{s}-{t}" for s, t in groups)
        raise InputError(
            f"--direction {direction} matches none of the corpus's language pairs ({found}); use one of those, or both"
        )
    return directions


def load_pairs(direction: CorpusDirection, columns: Columns) -> Iterator[LoadedPair]:
    """The direction's pairs, read one at a time."""
    for planned, reverse in direction.pairs:
        read = _read(planned, planned.src_lang, planned.tgt_lang, columns)
        source, reference = _sides(read)
        source = replace(source, relative_path=planned.name)
        reference = replace(reference, relative_path=planned.name)
        paths = (planned.source, planned.reference)
        if reverse:
            source, reference, paths = reference, source, (paths[1] or paths[0], paths[0] if paths[1] else None)
        bilingual = isinstance(read, BilingualFile)
        yield LoadedPair(
            name=planned.name,
            source=source,
            reference=reference,
            source_path=paths[0],
            reference_path=paths[1],
            given_alignment=bilingual,
            skipped_entries=read.skipped if isinstance(read, BilingualFile) else {},
            format=read.format if isinstance(read, BilingualFile) else source.format,
        )
