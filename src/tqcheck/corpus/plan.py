"""Which documents a corpus run checks: two folders paired by relative path, a ``{lang}`` pattern,
a manifest, or bilingual files. Only paths are planned here; documents are read one at a time when
they are checked, so memory does not grow with the number of documents.

A file present on one side only is listed (``unpaired``), never dropped silently.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..formats.bilingual import BILINGUAL_SUFFIXES, is_bilingual

# What a folder of documents holds by default; --include widens or narrows it.
DOCUMENT_PATTERNS = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.xhtml")


@dataclass(frozen=True)
class PlannedPair:
    """One document pair to check: a source and a reference file, or one bilingual file (reference None)."""

    name: str  # shown in reports and used to pair documents with a baseline: the relative path
    source: str
    reference: str | None = None
    src_lang: str | None = None
    tgt_lang: str | None = None
    manifest_line: int | None = None  # where it was declared, for messages


@dataclass
class CorpusPlan:
    source_root: str
    reference_root: str | None
    pairs: list[PlannedPair]
    unpaired: list[dict[str, str]] = field(default_factory=list)  # {"side": ..., "path": ...}
    filtered_out: int = 0  # files left out by --include/--exclude

    def check_not_empty(self, how: str) -> None:
        if not self.pairs:
            sides = ", ".join(f"{u['side']} {u['path']}" for u in self.unpaired[:5])
            raise InputError(
                f"{how} pairs no documents"
                + (f" (files on one side only: {sides})" if sides else "")
                + "; check the paths and --include/--exclude (by default: "
                + ", ".join(DOCUMENT_PATTERNS)
                + ")"
            )


def _selected(relative: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    """Globs match the path relative to the folder; ``*`` crosses folders (``*.md`` is any Markdown file)."""
    return any(fnmatch.fnmatch(relative, pattern) for pattern in include) and not any(
        fnmatch.fnmatch(relative, pattern) for pattern in exclude
    )


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def plan_folders(
    source_dir: str, reference_dir: str, include: Sequence[str] = (), exclude: Sequence[str] = ()
) -> CorpusPlan:
    """Files of both folders paired by relative path."""
    include = tuple(include) or DOCUMENT_PATTERNS
    roots = {"source": Path(source_dir), "reference": Path(reference_dir)}
    for _side, root in roots.items():
        if not root.is_dir():
            raise InputError(f"{root}: is not a folder; pass two folders (source and reference) or two files")
    found = {side: _files(root) for side, root in roots.items()}
    chosen = {side: [f for f in files if _selected(f, include, exclude)] for side, files in found.items()}
    filtered = sum(len(found[s]) - len(chosen[s]) for s in found)
    references = set(chosen["reference"])
    pairs = [
        PlannedPair(name, str(roots["source"] / name), str(roots["reference"] / name))
        for name in chosen["source"]
        if name in references
    ]
    sources = set(chosen["source"])
    unpaired = [{"side": "source", "path": str(roots["source"] / f)} for f in chosen["source"] if f not in references]
    unpaired += [
        {"side": "reference", "path": str(roots["reference"] / f)} for f in chosen["reference"] if f not in sources
    ]
    plan = CorpusPlan(source_dir, reference_dir, pairs, unpaired, filtered)
    plan.check_not_empty(f"{source_dir} and {reference_dir}")
    return plan


def _pattern_regex(pattern: str) -> re.Pattern:
    """``docs/{lang}/**/*.md`` as a regular expression with the language as a group."""
    out = []
    for token in re.split(r"(\{lang\}|\*\*/|\*\*|\*|\?)", pattern):
        out.append(
            {
                "{lang}": r"(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)",
                "**/": r"(?:.*/)?",
                "**": r".*",
                "*": r"[^/]*",
                "?": r"[^/]",
            }.get(token, re.escape(token))
        )
    return re.compile("".join(out))


def plan_pattern(
    pattern: str,
    src_lang: str | None,
    tgt_lang: str | None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> CorpusPlan:
    """Documents found by a glob whose ``{lang}`` stands for the language (``docs/{lang}/**/*.md``,
    ``content/*.{lang}.md``), paired where only the language differs."""
    import glob

    if pattern.count("{lang}") != 1:
        raise InputError(f"{pattern}: a layout pattern has {{lang}} exactly once, e.g. 'docs/{{lang}}/**/*.md'")
    if not (src_lang and tgt_lang):
        raise InputError(
            f"{pattern}: name the languages {{lang}} stands for with --src-lang and --tgt-lang (e.g. sv and en)"
        )
    regex = _pattern_regex(pattern)
    if pattern.endswith("/"):
        pattern, regex = pattern + "**/*", _pattern_regex(pattern + "**/*")
    by_side: dict[str, dict[str, str]] = {"source": {}, "reference": {}}
    filtered = 0
    for path in sorted(glob.glob(pattern.replace("{lang}", "*"), recursive=True)):
        match = regex.fullmatch(Path(path).as_posix())
        if match is None or not Path(path).is_file():
            continue
        lang = match.group("lang")
        side = "source" if lang == src_lang else "reference" if lang == tgt_lang else None
        if side is None:
            continue
        key = path[: match.start("lang")] + "{lang}" + path[match.end("lang") :]
        if not _selected(key, include or DOCUMENT_PATTERNS, exclude):
            filtered += 1
            continue
        by_side[side][key] = path
    sources, references = by_side["source"], by_side["reference"]
    pairs = [
        PlannedPair(_layout_name(pattern, key), sources[key], references[key]) for key in sources if key in references
    ]
    unpaired = [{"side": "source", "path": p} for k, p in sources.items() if k not in references]
    unpaired += [{"side": "reference", "path": p} for k, p in references.items() if k not in sources]
    plan = CorpusPlan(
        pattern.replace("{lang}", src_lang), pattern.replace("{lang}", tgt_lang), pairs, unpaired, filtered
    )
    plan.check_not_empty(f"pattern {pattern} with {{lang}} = {src_lang} and {tgt_lang}")
    return plan


def _layout_name(pattern: str, key: str) -> str:
    """A document's name in a layout: its path below the pattern's fixed folders, without the language
    (``docs/{lang}/guide/a.md`` → ``guide/a.md``, ``content/a.{lang}.md`` → ``a.md``)."""
    fixed = re.split(r"\{lang\}|[*?\[]", pattern)[0]
    prefix = fixed[: fixed.rfind("/") + 1]
    name = key[len(prefix) :] if key.startswith(prefix) else key
    return re.sub(r"\{lang\}/|[._-]\{lang\}(?=[./]|$)|\{lang\}[._-]?", "", name) or name


def plan_bilingual(path: str, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> CorpusPlan:
    """One bilingual file, or every bilingual file of a folder."""
    root = Path(path)
    if root.is_file():
        return CorpusPlan(path, None, [PlannedPair(root.name, path)])
    if not root.is_dir():
        raise InputError(f"{path}: no such file or folder; check the path")
    files = _files(root)
    chosen = [f for f in files if _selected(f, include or tuple(f"*{s}" for s in BILINGUAL_SUFFIXES), exclude)]
    plan = CorpusPlan(
        path, None, [PlannedPair(f, str(root / f)) for f in chosen], filtered_out=len(files) - len(chosen)
    )
    if not plan.pairs:
        raise InputError(
            f"{path}: holds no bilingual file ({', '.join(BILINGUAL_SUFFIXES)}); pass a folder of them, "
            "or a source and a reference folder"
        )
    return plan


def plan_manifest(path: str) -> CorpusPlan:
    """A TSV manifest: ``source<TAB>reference[<TAB>src_lang<TAB>tgt_lang]`` per row, or a bilingual
    file alone on its row; paths relative to the manifest's folder; ``#`` starts a comment."""
    from ..documents import read_text

    base = Path(path).parent
    pairs: list[PlannedPair] = []
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        fields = [f.strip() for f in line.split("\t")]
        if not line.strip() or line.lstrip().startswith("#") or (number == 1 and fields[0].lower() == "source"):
            continue
        if len(fields) not in (1, 2, 4):
            raise InputError(
                f"{path}: line {number}: has {len(fields)} tab-separated fields; write source<TAB>reference, "
                "optionally <TAB>src_lang<TAB>tgt_lang, or a bilingual file alone"
            )
        files = [str(base / f) for f in fields[:2]]
        for file in files:
            if not Path(file).is_file():
                raise InputError(f"{path}: line {number}: {file} does not exist; fix the path (relative to {base})")
        if len(fields) == 1 and not is_bilingual(files[0]):
            raise InputError(
                f"{path}: line {number}: {fields[0]} alone must be a bilingual file ({', '.join(BILINGUAL_SUFFIXES)}); "
                "add its reference after a tab"
            )
        langs = (fields[2].lower() or None, fields[3].lower() or None) if len(fields) == 4 else (None, None)
        name = fields[0]
        if any(p.name == name and p.src_lang == langs[0] and p.tgt_lang == langs[1] for p in pairs):
            raise InputError(f"{path}: line {number}: {name} is listed twice for the same languages; list it once")
        pairs.append(PlannedPair(name, files[0], files[1] if len(files) > 1 else None, *langs, manifest_line=number))
    plan = CorpusPlan(path, None, pairs)
    if not pairs:
        raise InputError(f"{path}: lists no document pairs; write one source<TAB>reference per line")
    return plan
