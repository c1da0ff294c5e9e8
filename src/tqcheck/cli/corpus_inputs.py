"""Which form of input a check was given: one document pair (the default), or a corpus (two
folders, a ``{lang}`` layout, a manifest, bilingual files)."""

from __future__ import annotations

from pathlib import Path

from ..corpus import CorpusPlan, plan_bilingual, plan_folders, plan_manifest, plan_pattern
from ..errors import InputError
from ..formats.bilingual import Columns, is_bilingual


def corpus_plan(
    config,
    source: str | None,
    reference: str | None,
    *,
    manifest: str | None,
    include: list[str] | None,
    exclude: list[str] | None,
    src_lang: str | None,
    tgt_lang: str | None,
) -> CorpusPlan | None:
    """The corpus these arguments name, or None for a single document pair."""
    source, reference = config.pick("source", source), config.pick("reference", reference)
    manifest = config.pick("manifest", manifest)
    include, exclude = list(config.pick("include", include) or []), list(config.pick("exclude", exclude) or [])
    if manifest is not None:
        if source is not None or reference is not None:
            raise InputError("--manifest lists the documents: pass it without SOURCE and REFERENCE")
        return plan_manifest(manifest)
    if source is None:
        return None
    if reference is None:
        if "{lang}" in source:
            return plan_pattern(source, src_lang, tgt_lang, include, exclude)
        if Path(source).is_dir() or is_bilingual(source):
            return plan_bilingual(source, include, exclude)
        raise InputError(
            f"{source}: pass both SOURCE and REFERENCE (or neither, for the seed pair); one argument alone is a "
            "bilingual file (.po, .xlf, .tmx, .tsv or .jsonl), a folder of them, or a layout pattern with {lang}"
        )
    folders = [path for path in (source, reference) if Path(path).is_dir()]
    if len(folders) == 2:
        return plan_folders(source, reference, include, exclude)
    if folders:
        raise InputError(
            f"{folders[0]}: is a directory; pass a text file with one paragraph per line for each side, "
            "or a folder for each side (a corpus)"
        )
    if include or exclude:
        raise InputError("--include and --exclude choose files in folders; SOURCE and REFERENCE are files")
    if is_bilingual(source) or is_bilingual(reference):
        raise InputError(
            f"{source if is_bilingual(source) else reference}: is a bilingual file, which holds the reference "
            "itself; pass it alone"
        )
    return None


def columns(config, src_column: str | None, ref_column: str | None) -> Columns:
    return Columns(config.pick("src_column", src_column, "src"), config.pick("ref_column", ref_column, "ref"))


def planned_files(plan: CorpusPlan) -> list[str]:
    """Every file the corpus reads (no output may overwrite one)."""
    return [path for pair in plan.pairs for path in (pair.source, pair.reference) if path is not None]
