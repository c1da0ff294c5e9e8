"""Use a translation made elsewhere: a file with one translation per source line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..documents import read_lines
from ..errors import InputError
from .base import EngineInfo, TranslatorBase, for_direction, parse_direction_spec


class FileTranslator(TranslatorBase):
    name = "file"
    cacheable = False  # reading the file is the translation; nothing to save
    translates_any_text = False  # it holds one translation per source line, not of any text (sentences)

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
            raise InputError(f"engine 'file' has no translation for {src_lang}-{tgt_lang}; "
                             f"pass --hypothesis {src_lang}-{tgt_lang}=PATH (or --direction to check one direction)")
        return path

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        return EngineInfo(engine=self.name, model=Path(self.path_for(src_lang, tgt_lang)).name)

    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        """Pair hypothesis lines with source segments in order.

        The file may be line-parallel to the source file (blank lines where the source has
        them) or hold exactly one line per non-blank source segment.
        """
        path = self.path_for(src_lang, tgt_lang)
        lines = read_lines(path)
        if len(lines) == len(texts):
            return [" ".join(line.split()) for line in lines]
        non_blank = [line for line in lines if line.strip()]
        if len(non_blank) == len(texts):
            return [" ".join(line.split()) for line in non_blank]
        fix = "pass the translation of this source file, one line per source line"
        if f"{src_lang}-{tgt_lang}" not in self.hypotheses:
            fix += (f"; one --hypothesis serves one direction: add --direction, or pass "
                    f"--hypothesis {src_lang}-{tgt_lang}=PATH,...")
        raise InputError(f"{path}: has {len(lines)} lines but the {src_lang} source has {len(texts)} segments; {fix}")
