"""Translate by piping segments, one per line, through a shell pipeline the user wrote.

With Debian's Apertium this is a real offline sv->en engine:
``--engine command --command 'apertium -u swe-isl | apertium -u isl-eng'``.

The pipeline runs in its own process group, so a timeout, Ctrl-C or SIGTERM ends every process
in it, not only the shell. Its output must be UTF-8 with one line per input line (split on
``\\n`` alone); anything else is an engine error, and nothing of it is cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EngineError, InputError
from .base import EngineInfo, Progress, TranslatorBase

# Characters other programs may treat as line ends; here only "\n" ends a line.
_OTHER_LINE_BREAKS = {"\r": "CR", "\u2028": "U+2028", "\u2029": "U+2029", "\x85": "U+0085", "\x0b": "VT", "\x0c": "FF"}
_SHELL_OPERATORS = {"|", "||", "&", "&&", ";", ";;", "(", ")", "|&", "\n"}


def _digest(path: str) -> str:
    hasher = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                hasher.update(block)
    except OSError as error:
        return f"unreadable ({error.strerror})"
    return hasher.hexdigest()


def command_dependencies(command: str) -> dict[str, str]:
    """Path -> SHA-256 of each executable the pipeline runs (resolved on PATH) and each file it names.

    What the shell cannot show (a script's own imports, data an engine finds by itself) is not
    covered; ``--engine-option cache_key=VERSION`` versions those explicitly."""
    try:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: the shell will say so when it runs
        return {}
    found: dict[str, str] = {}
    expect_command, output_target = True, False
    for token in tokens:
        if output_target:  # a file the pipeline writes (a log), not one that determines its output
            output_target = False
            continue
        if token.startswith(">") or token in ("&>", "&>>"):
            output_target = True
            continue
        if token in _SHELL_OPERATORS:
            expect_command = True
            continue
        if expect_command and "=" in token and not token.startswith("="):
            continue  # VAR=value before the command word
        if expect_command:
            expect_command = False
            executable = shutil.which(token)
            if executable is not None:
                found[os.path.realpath(executable)] = _digest(executable)
                continue
        if os.path.isfile(token):
            found[os.path.realpath(token)] = _digest(token)
    return found


class CommandTranslator(TranslatorBase):
    """Runs exactly the command given (through /bin/sh), nothing else.

    ``{src}`` and ``{tgt}`` in the command are replaced by the language codes.
    """

    runs_out_of_process = True

    name = "command"

    @dataclass
    class Options:
        command: str | None = None
        timeout: float = 600.0
        # Declare that each line is translated on its own (the cache may then send only new lines, in
        # chunks). Off by default: Apertium's output, for one, depends on where a chunk of lines breaks.
        independent: bool = False

    def __init__(self, command: str | None = None, timeout: float = 600.0, independent: bool = False) -> None:
        if not command:
            raise InputError(
                "engine 'command' needs a pipeline: pass --command 'CMD' (reads lines on stdin, prints one translation per line)"
            )
        if not timeout > 0 or timeout == float("inf"):
            raise InputError(f"--engine-option timeout={timeout}: give a positive number of seconds, e.g. timeout=600")
        self.command = command
        self.timeout = timeout
        self.independent_segments = independent

    def _command_for(self, src_lang: str, tgt_lang: str) -> str:
        return self.command.replace("{src}", src_lang).replace("{tgt}", tgt_lang)

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        return EngineInfo(engine=self.name, model=self._command_for(src_lang, tgt_lang))

    def cache_key_parts(self, src_lang: str, tgt_lang: str) -> dict[str, Any]:
        command = self._command_for(src_lang, tgt_lang)
        return {"command": command, "files": command_dependencies(command)}

    def check_directions(self, directions: Sequence[tuple[str, str]]) -> None:
        if len(set(directions)) > 1 and "{src}" not in self.command and "{tgt}" not in self.command:
            names = ", ".join(f"{s}-{t}" for s, t in dict.fromkeys(directions))
            raise InputError(
                f"the command engine was asked for {names}, but its command has no {{src}} or {{tgt}} placeholder, "
                f"so it would run the same pipeline for every direction; pick one with --direction, or write the "
                "language codes into the command as {src} and {tgt}"
            )

    def translate(
        self, texts: Sequence[str], src_lang: str, tgt_lang: str, *, progress: Progress | None = None
    ) -> list[str]:
        if not texts:
            return []
        if any("\n" in t for t in texts):
            raise EngineError("the command engine sends one segment per line; a segment contains a newline")
        command = self._command_for(src_lang, tgt_lang)
        stdout, stderr, returncode = self._run(command, ("\n".join(texts) + "\n").encode("utf-8"))
        detail = _tail(stderr)
        if returncode != 0:
            raise EngineError(
                f"translation command exited with status {returncode} ({detail or 'no message'}): {command!r}"
            )
        try:
            text = stdout.decode("utf-8")
        except UnicodeDecodeError as error:
            line = stdout.count(b"\n", 0, error.start) + 1
            raise EngineError(
                f"translation command printed bytes that are not UTF-8 (0x{stdout[error.start]:02x} on output line "
                f"{line}): {command!r}; make it write UTF-8 (nothing of this run was scored or cached)"
            ) from None
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if len(lines) != len(texts):
            breaks = sorted({name for char, name in _OTHER_LINE_BREAKS.items() if char in text})
            note = (
                f"; its output also contains {', '.join(breaks)}, which tqcheck does not count as line ends"
                if breaks
                else ""
            )
            said = f"; it said: {detail}" if detail else ""
            raise EngineError(
                f"translation command printed {len(lines)} lines for {len(texts)} input lines{note}{said}: {command!r}; "
                "it must print exactly one translation per input line"
            )
        return [" ".join(line.split()) for line in lines]

    def _run(self, command: str, data: bytes) -> tuple[bytes, bytes, int]:
        """Run in a new process group; on timeout or interruption end the whole group. On Linux a
        guard (pipeline_guard.py) runs it, so it also ends when this process is killed outright."""
        if sys.platform == "linux":
            guard = str(Path(__file__).with_name("pipeline_guard.py"))
            argv: str | list[str] = [sys.executable, "-I", "-S", guard, str(os.getpid()), command]
        else:
            argv = command
        process = subprocess.Popen(
            argv,
            shell=isinstance(argv, str),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(data, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _end_group(process)
            raise EngineError(
                f"translation command did not finish within {self.timeout:g} s: {command!r}; "
                "raise it with --engine-option timeout=SECONDS or check the command"
            ) from None
        except BaseException:  # Ctrl-C, SIGTERM: nothing of the pipeline may outlive tqcheck
            _end_group(process)
            raise
        return stdout, stderr, process.returncode


def _tail(stderr: bytes, lines: int = 3) -> str:
    said = stderr.decode("utf-8", errors="replace").strip().splitlines()
    return " | ".join(line.strip() for line in said[-lines:] if line.strip())


def _end_group(process: subprocess.Popen) -> None:
    """SIGTERM to every process of the pipeline, then (a second later, or at once when the shell is
    gone) SIGKILL to whatever of the group is left."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=1.0)
    except (ProcessLookupError, PermissionError, subprocess.TimeoutExpired):
        pass
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    process.wait()
