"""Translate by piping segments, one per line, through a shell pipeline the user wrote.

With Debian's Apertium this is a real offline sv->en engine:
``--engine command --command 'apertium -u swe-isl | apertium -u isl-eng'``.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Sequence

from ..errors import EngineError, InputError
from .base import EngineInfo


class CommandTranslator:
    """Runs exactly the command given (through /bin/sh), nothing else.

    ``{src}`` and ``{tgt}`` in the command are replaced by the language codes.
    """

    name = "command"

    @dataclass
    class Options:
        command: str | None = None
        timeout: float = 600.0

    def __init__(self, command: str | None = None, timeout: float = 600.0) -> None:
        if not command:
            raise InputError("engine 'command' needs a pipeline: pass --command 'CMD' (reads lines on stdin, prints one translation per line)")
        self.command = command
        self.timeout = timeout

    def _command_for(self, src_lang: str, tgt_lang: str) -> str:
        return self.command.replace("{src}", src_lang).replace("{tgt}", tgt_lang)

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        return EngineInfo(engine=self.name, model=self._command_for(src_lang, tgt_lang))

    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        if not texts:
            return []
        if any("\n" in t for t in texts):
            raise EngineError("the command engine sends one segment per line; a segment contains a newline")
        command = self._command_for(src_lang, tgt_lang)
        try:
            finished = subprocess.run(
                command,
                shell=True,
                input="\n".join(texts) + "\n",
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=self.timeout,
            )
        except subprocess.TimeoutExpired:
            raise EngineError(
                f"translation command did not finish within {self.timeout:g} s: {command!r}; "
                "raise it with --engine-option timeout=SECONDS or check the command"
            ) from None
        if finished.returncode != 0:
            detail = (finished.stderr.strip().splitlines() or ["no message"])[-1]
            raise EngineError(f"translation command exited with status {finished.returncode} ({detail}): {command!r}")
        lines = finished.stdout.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) != len(texts):
            raise EngineError(
                f"translation command printed {len(lines)} lines for {len(texts)} input lines: {command!r}; "
                "it must print exactly one translation per input line"
            )
        return [line.strip() for line in lines]
