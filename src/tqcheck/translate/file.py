"""Use a translation made elsewhere: a file with one translation per source line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..documents import read_lines
from ..errors import InputError
from .base import EngineInfo


class FileTranslator:
    name = "file"

    @dataclass
    class Options:
        hypothesis: str | None = None

    def __init__(self, hypothesis: str | None = None) -> None:
        if not hypothesis:
            raise InputError("engine 'file' needs the translation: pass --hypothesis PATH (one line per source line)")
        self.hypothesis = hypothesis

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        return EngineInfo(engine=self.name, model=Path(self.hypothesis).name)

    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        """Pair hypothesis lines with source segments in order.

        The file may be line-parallel to the source file (blank lines where the source has
        them) or hold exactly one line per non-blank source segment.
        """
        lines = read_lines(self.hypothesis)
        if len(lines) == len(texts):
            return [" ".join(line.split()) for line in lines]
        non_blank = [line for line in lines if line.strip()]
        if len(non_blank) == len(texts):
            return [" ".join(line.split()) for line in non_blank]
        raise InputError(
            f"{self.hypothesis}: has {len(lines)} lines but the source has {len(texts)} segments; "
            "pass the translation of this source file, one line per source line"
        )
