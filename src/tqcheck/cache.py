"""A content-addressed cache of translations and COMET segment scores, on disk.

One SQLite file in WAL mode under the platform cache folder (``platformdirs``; ``--cache-dir``
or ``TQCHECK_CACHE_DIR`` moves it): several runs can read and write at once, and each batch is
committed as soon as it is done, so an interrupted run loses at most one batch and the next
run resumes. Keys are SHA-256 digests of everything that changes the value (engine, model and
its revision or file fingerprint, options, languages, the text itself).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import TqcheckError

TABLES = ("translations", "comet_scores", "alignments", "comet_embeddings", "sacrebleu_statistics")
_BATCH = 500  # keys per SELECT, below SQLite's variable limit
_TIMEOUT = 60.0  # seconds to wait for another process's write


class CacheError(TqcheckError):
    exit_code = 3


def default_cache_dir() -> Path:
    configured = os.environ.get("TQCHECK_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return platformdirs.user_cache_path("tqcheck")


def cache_key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


class Cache:
    def __init__(self, directory: str | os.PathLike | None = None) -> None:
        self.directory = Path(directory).expanduser() if directory is not None else default_cache_dir()
        self.path = self.directory / "cache.sqlite3"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(self.path, timeout=_TIMEOUT, isolation_level=None)
            self._prepare()
        except (OSError, sqlite3.Error) as error:
            raise CacheError(
                f"cache {self.path} cannot be used ({error}); pass --cache-dir with a writable folder, "
                "delete the file if it is damaged, or run with --no-cache"
            ) from None

    def _prepare(self) -> None:
        """WAL mode and the tables. Switching a new file to WAL while another process is creating
        its tables fails at once ("database is locked": SQLite does not wait where waiting could
        deadlock), so that step is retried until the timeout instead of failing the run."""
        import random
        import time

        deadline = time.monotonic() + _TIMEOUT
        while True:
            try:
                if self._connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    self._connection.execute("PRAGMA journal_mode=WAL")
                self._connection.execute("PRAGMA synchronous=NORMAL")
                names = self._connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                missing = set(TABLES) - {name for (name,) in names}
                if missing:  # a cache that has its tables is never written to here (it may be read-only)
                    with self._connection:
                        self._connection.execute("BEGIN IMMEDIATE")
                        for table in sorted(missing):
                            self._connection.execute(
                                f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value)"
                            )
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.01, 0.1))

    def get_many(self, table: str, keys: Iterable[str]) -> dict[str, Any]:
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        try:
            for start in range(0, len(wanted), _BATCH):
                chunk = wanted[start : start + _BATCH]
                marks = ",".join("?" * len(chunk))
                found.update(self._connection.execute(f"SELECT key, value FROM {table} WHERE key IN ({marks})", chunk))
        except sqlite3.Error as error:
            raise CacheError(f"cache {self.path} cannot be read ({error}); delete it or run with --no-cache") from None
        return found

    def put_many(self, table: str, items: dict[str, Any]) -> None:
        """Store in one transaction: all of the batch or none of it."""
        if not items:
            return
        try:
            with self._connection:
                self._connection.execute("BEGIN IMMEDIATE")
                self._connection.executemany(
                    f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)", items.items()
                )
        except sqlite3.Error as error:
            raise CacheError(
                f"cache {self.path} cannot be written ({error}); free disk space, pass --cache-dir, "
                "or run with --no-cache"
            ) from None

    def count(self, table: str) -> int:
        return self._connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def close(self) -> None:
        self._connection.close()
