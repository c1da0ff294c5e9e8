"""What every engine behind an HTTP API needs, said once: requests in parallel up to a limit,
retries with exponential back-off and jitter on 429, 5xx, timeouts and dropped connections
(honouring the server's Retry-After), and the usage a report shows (requests, retries, tokens or
characters, time).

An engine turns each request into a call that returns its result or raises ``Retryable`` /
``Refused`` (normalised from its client library's errors); ``send_all`` does the rest. After the
last retry the run stops with an EngineError (exit 3) naming the status and the server's message.
Keys never pass through here.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..errors import EngineError

T = TypeVar("T")
RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


class Retryable(Exception):
    """A failure worth another try: throttled, a server error, a timeout, a dropped connection."""

    def __init__(self, what: str, retry_after: float | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.retry_after = retry_after


class Refused(Exception):
    """A failure another try will not fix (bad request, wrong key, unknown model)."""


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After in seconds (the HTTP-date form is rare from APIs and is treated as absent)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


@dataclass
class Usage:
    """What an API engine spent, for the report: kept per direction (``take``)."""

    requests: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    characters: int = 0
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: float) -> None:
        with self._lock:
            for key, value in counts.items():
                setattr(self, key, getattr(self, key) + value)

    def take(self) -> dict[str, Any]:
        """The counts so far (zeros left out, time rounded), and start again from zero."""
        with self._lock:
            out = {
                key: round(value, 3) if key == "seconds" else value
                for key in ("requests", "retries", "input_tokens", "output_tokens", "characters", "seconds")
                if (value := getattr(self, key))
            }
            self.requests = self.retries = self.input_tokens = self.output_tokens = self.characters = 0
            self.seconds = 0.0
        return out


@dataclass(frozen=True)
class RequestPolicy:
    concurrency: int = 8
    max_retries: int = 5
    timeout: float = 60.0
    backoff: float = 1.0  # first wait; doubled each retry, with ±50% jitter, at most backoff_cap
    backoff_cap: float = 60.0

    def wait(self, attempt: int, retry_after: float | None) -> float:
        """Seconds before retry ``attempt`` (from 1): the server's Retry-After when it gives one."""
        if retry_after is not None:
            return min(retry_after, self.backoff_cap)
        return min(self.backoff * 2 ** (attempt - 1), self.backoff_cap) * random.uniform(0.5, 1.5)


def call_with_retries(call: Callable[[], T], policy: RequestPolicy, usage: Usage, engine: str) -> T:
    """One request, retried as the policy says; every try counts as a request."""
    attempt = 0
    while True:
        usage.add(requests=1)
        try:
            return call()
        except Refused as error:
            raise EngineError(f"engine {engine}: the server refused the request: {error}") from None
        except Retryable as error:
            attempt += 1
            if attempt > policy.max_retries:
                raise EngineError(
                    f"engine {engine}: {error.what}, still after {policy.max_retries} retries; "
                    "try again later, or lower --engine-option concurrency"
                ) from None
            usage.add(retries=1)
            time.sleep(policy.wait(attempt, error.retry_after))


def send_all(
    items: Sequence[Any],
    call: Callable[[Any], T],
    policy: RequestPolicy,
    usage: Usage,
    engine: str,
    progress: Callable[[int, int], None] | None = None,
) -> list[T]:
    """``call(item)`` for every item, ``policy.concurrency`` at a time, results in input order.
    The first failure stops the rest (requests already sent finish; their results are dropped)."""
    started = time.perf_counter()
    results: list[Any] = [None] * len(items)
    done = 0
    lock = threading.Lock()

    def one(index: int) -> None:
        nonlocal done
        results[index] = call_with_retries(lambda: call(items[index]), policy, usage, engine)
        with lock:
            done += 1
            if progress is not None:
                progress(done, len(items))

    try:
        if policy.concurrency <= 1 or len(items) <= 1:
            for index in range(len(items)):
                one(index)
        else:
            with ThreadPoolExecutor(max_workers=min(policy.concurrency, len(items))) as pool:
                futures = [pool.submit(one, index) for index in range(len(items))]
                for future in futures:
                    error = future.exception()
                    if error is not None:
                        for other in futures:
                            other.cancel()
                        raise error
    finally:
        usage.add(seconds=time.perf_counter() - started)
    return results
