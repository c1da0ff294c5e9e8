"""The bundled seed pair: a Swedish news article (the original) and its English version.

Installed from a wheel they are the data package ``tqcheck.seeds`` (mapped from the top-level
``seeds/`` folder); in an editable install or a source checkout they are read from ``seeds/``.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

SEED_FILES = {"sv": "russia-china-espionage.sv.txt", "en": "russia-china-espionage.en.txt"}
_CHECKOUT_SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed_path(lang: str) -> Path:
    try:
        resource = files("tqcheck.seeds") / SEED_FILES[lang]
        with as_file(resource) as path:
            if Path(path).is_file():
                return Path(path)
    except ModuleNotFoundError:
        pass
    return _CHECKOUT_SEEDS / SEED_FILES[lang]
