"""Use a translation made elsewhere: a file line-parallel with the source file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..documents import check_line_parallel, read_lines
from ..errors import InputError
from .base import EngineInfo, Progress, TranslatorBase, for_direction, parse_direction_spec

if TYPE_CHECKING:
    from ..documents import Document


class FileTranslator(TranslatorBase):
    name = "file"
    cacheable = False  # reading the file is the translation; nothing to save
    translates_any_text = False  # it holds one translation per source line, not of any text (sentences)
    reads_line_parallel_file = True  # pairs its lines with the source file's lines, blank lines included
    runs_out_of_process = True  # no model library in this process

    @dataclass
    class Options:
        hypothesis: str | None = None

    def __init__(self, hypothesis: str | None = None) -> None:
        if not hypothesis:
            raise InputError("engine 'file' needs the translation: pass --hypothesis PATH (one line per source line)")
        self.hypotheses = parse_direction_spec(hypothesis)

    def path_for(self, src_lang: str, tgt_lang: str) -> str:
        path = for_direction(self.hypotheses, src_lang, tgt_lang)
        if path is None:
            raise InputError(
                f"engine 'file' has no translation for {src_lang}-{tgt_lang}; "
                f"pass --hypothesis {src_lang}-{tgt_lang}=PATH (or --direction to check one direction)"
            )
        return path

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        return EngineInfo(engine=self.name, model=Path(self.path_for(src_lang, tgt_lang)).name)

    def _fix(self, src_lang: str, tgt_lang: str) -> str:
        if f"{src_lang}-{tgt_lang}" in self.hypotheses:
            return ""
        return (
            f" (one --hypothesis serves one direction: add --direction, or pass "
            f"--hypothesis {src_lang}-{tgt_lang}=PATH,...)"
        )

    def translate_document(self, document: Document, tgt_lang: str) -> list[str]:
        """The translation of each segment of ``document``, from the hypothesis line of the same number.

        The file must be line-parallel with the source file as the user sees it: same number of
        lines, blank where the source is blank."""
        path = self.path_for(document.lang, tgt_lang)
        if Path(path).is_dir():  # a corpus: the hypothesis folder mirrors the source folder
            if document.relative_path is None:
                raise InputError(f"--hypothesis {path} is a folder; for one document pair pass the translation file")
            path = str(Path(path) / document.relative_path)
        lines = read_lines(path)
        if document.format != "text":  # Markdown, HTML, bilingual files: one line per segment, in order
            if len(lines) != len(document.segments):
                raise InputError(
                    f"{path}: has {len(lines)} lines but {document.path} has {len(document.segments)} segments "
                    f"({document.format}); for such a file the translation has one line per segment, in order"
                )
            return [" ".join(line.split()) for line in lines]
        source_lines = [""] * document.line_count  # a document's blank lines are those without a segment
        for segment in document.segments:
            source_lines[segment.line - 1] = segment.text
        try:
            check_line_parallel(lines, path, source_lines, f"the {document.lang} source {document.path}")
        except InputError as error:
            raise InputError(f"{error}{self._fix(document.lang, tgt_lang)}") from None
        return [" ".join(lines[segment.line - 1].split()) for segment in document.segments]

    def translate(
        self, texts: Sequence[str], src_lang: str, tgt_lang: str, *, progress: Progress | None = None
    ) -> list[str]:
        """One hypothesis line per text, in order (the file has exactly as many lines as ``texts``)."""
        path = self.path_for(src_lang, tgt_lang)
        lines = read_lines(path)
        if len(lines) != len(texts):
            raise InputError(
                f"{path}: has {len(lines)} lines but the {src_lang} source has {len(texts)} segments; "
                f"pass the translation of this source, one line per source line{self._fix(src_lang, tgt_lang)}"
            )
        return [" ".join(line.split()) for line in lines]
