"""Headless Chromium for the HTML report tests: Debian's `chromium`, no network, no profile left behind."""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--mute-audio",
    "--virtual-time-budget=5000",
]


def chromium() -> str | None:
    return next(
        (path for name in ("chromium", "chromium-browser", "google-chrome") if (path := shutil.which(name))), None
    )


needs_chromium = pytest.mark.skipif(
    chromium() is None, reason="headless Chromium is not installed (Debian: apt-get install chromium)"
)


def _run(page: Path, *arguments: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="tqcheck-chromium-") as profile:
        return subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *arguments, page.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )


def dump_dom(page: Path) -> str:
    """The DOM after the page's scripts ran."""
    return _run(page, "--dump-dom").stdout


def screenshot(page: Path, png: Path, size: tuple[int, int] = (1280, 2000)) -> Path:
    _run(page, f"--screenshot={png}", f"--window-size={size[0]},{size[1]}")
    return png


def png_facts(png: Path) -> tuple[int, int, int]:
    """(width, height, distinct byte values in the decompressed pixels): a blank page has a handful."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    pixels, position = b"", 8
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        if kind == b"IDAT":
            pixels += data[position + 8 : position + 8 + length]
        position += 12 + length
    return width, height, len(set(zlib.decompress(pixels)))
