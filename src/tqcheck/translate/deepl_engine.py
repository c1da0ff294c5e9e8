"""DeepL through the official ``deepl`` client: the key from ``DEEPL_AUTH_KEY``, ``server_url`` for a
proxy or a compatible server, formality and glossary, and the language codes DeepL wants (a target
English is EN-US or EN-GB, Portuguese PT-BR or PT-PT, Chinese ZH-HANS).

The client's own retries are turned off (``deepl.http_client.max_network_retries``, a documented
setting): tqcheck's policy retries, and reads the server's Retry-After through a response hook on
the client's HTTP session, which the client's exceptions do not carry.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from .api_requests import Refused, RequestPolicy, Retryable, Usage, retry_after_seconds, send_all
from .base import EngineInfo, Progress, TranslatorBase

TARGET_DEFAULTS = {"en": "EN-US", "pt": "PT-BR", "zh": "ZH-HANS"}


def deepl_target(lang: str, variants: dict[str, str]) -> str:
    """An ISO code as DeepL's target language: a regional variant where DeepL requires one."""
    lang = lang.lower()
    return (variants.get(lang) or TARGET_DEFAULTS.get(lang) or lang).upper()


def deepl_source(lang: str) -> str:
    """Source languages are named without region (EN, PT, ZH)."""
    return lang.split("-")[0].upper()


class DeepLTranslator(TranslatorBase):
    name = "deepl"
    independent_segments = True
    runs_out_of_process = True  # no model library in this process

    @dataclass
    class Options:
        server_url: str | None = None
        api_key_env: str = "DEEPL_AUTH_KEY"
        formality: str | None = None  # more, less, prefer_more, prefer_less
        glossary: str | None = None  # a glossary id
        english: str = "EN-US"  # the variant an English target means: EN-US or EN-GB
        portuguese: str = "PT-BR"  # PT-BR or PT-PT
        batch_size: int = 50  # texts per request (DeepL takes up to 50)
        concurrency: int = 4
        max_retries: int = 5
        timeout: float = 60.0
        backoff: float = 1.0

    def __init__(self, **given: Any) -> None:
        self.options = options = self.Options(**given)
        key = os.environ.get(options.api_key_env)
        if not key:
            raise InputError(f"engine 'deepl' needs an API key: set {options.api_key_env} in the environment")
        if options.english.upper() not in ("EN-US", "EN-GB") or options.portuguese.upper() not in ("PT-BR", "PT-PT"):
            raise InputError("engine 'deepl': english is EN-US or EN-GB, portuguese PT-BR or PT-PT")
        if not 1 <= options.batch_size <= 50:
            raise InputError("engine 'deepl': batch_size is 1 to 50 texts per request")
        self._key = key
        self.variants = {"en": options.english.upper(), "pt": options.portuguese.upper()}
        self.policy = RequestPolicy(options.concurrency, options.max_retries, options.timeout, options.backoff)
        self.usage = Usage()
        self._client: Any = None
        self._last = threading.local()  # the Retry-After of this thread's last response

    @property
    def endpoint(self) -> str:
        if self.options.server_url:
            return self.options.server_url.rstrip("/")
        return "https://api-free.deepl.com" if self._key.endswith(":fx") else "https://api.deepl.com"

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        shown = {"endpoint": self.endpoint, "target": deepl_target(tgt_lang, self.variants)}
        shown.update(
            {k: v for k, v in (("formality", self.options.formality), ("glossary", self.options.glossary)) if v}
        )
        return EngineInfo(self.name, None, shown)

    def cache_key_parts(self, src_lang: str, tgt_lang: str) -> Any:
        o = self.options
        return {
            "endpoint": self.endpoint,
            "target": deepl_target(tgt_lang, self.variants),
            "formality": o.formality,
            "glossary": o.glossary,
        }

    def take_usage(self) -> dict[str, Any] | None:
        return self.usage.take()

    def _translator(self):
        if self._client is None:
            import deepl
            import deepl.http_client

            deepl.http_client.max_network_retries = 0
            deepl.http_client.min_connection_timeout = self.options.timeout
            self._client = deepl.Translator(self._key, server_url=self.options.server_url, send_platform_info=False)
            session = getattr(getattr(self._client, "_client", None), "_session", None)
            if session is not None:  # requests' own extension point: an adapter that sees every response
                adapter = _retry_after_adapter(self._last)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
        return self._client

    def _request(self, batch: list[str], src_lang: str, tgt_lang: str) -> list[str]:
        import deepl

        self._last.retry_after = None
        try:
            results = self._translator().translate_text(
                batch,
                source_lang=deepl_source(src_lang),
                target_lang=deepl_target(tgt_lang, self.variants),
                formality=self.options.formality,
                glossary=self.options.glossary,
            )
        except deepl.TooManyRequestsException as error:
            raise Retryable(f"HTTP 429 from {self.endpoint}: {error}", self._last.retry_after) from None
        except deepl.ConnectionException as error:
            raise Retryable(f"cannot reach {self.endpoint} in time ({error})") from None
        except deepl.DeepLException as error:
            status = getattr(error, "http_status_code", None)
            if status is not None and (status >= 500 or status in (408, 429)):
                raise Retryable(f"HTTP {status} from {self.endpoint}: {error}", self._last.retry_after) from None
            raise Refused(f"{'HTTP ' + str(status) + ' from ' if status else ''}{self.endpoint}: {error}") from None
        except ValueError as error:  # an answer that is not JSON
            raise Retryable(f"a malformed answer from {self.endpoint} ({error})") from None
        if not isinstance(results, list) or len(results) != len(batch):
            raise Retryable(f"a malformed answer from {self.endpoint} ({len(results or [])} texts for {len(batch)})")
        self.usage.add(characters=sum(int(r.billed_characters or 0) for r in results))
        return [" ".join(r.text.split()) for r in results]

    def translate(
        self, texts: Sequence[str], src_lang: str, tgt_lang: str, *, progress: Progress | None = None
    ) -> list[str]:
        texts = list(texts)
        size = self.options.batch_size
        batches = [texts[start : start + size] for start in range(0, len(texts), size)]
        done = send_all(
            batches,
            lambda batch: self._request(batch, src_lang, tgt_lang),
            self.policy,
            self.usage,
            self.name,
            (lambda k, n: progress(min(k * size, len(texts)), len(texts))) if progress else None,
        )
        return [text for batch in done for text in batch]


def _retry_after_adapter(last: threading.local):
    """A requests HTTPAdapter that notes each response's Retry-After for the thread that sent it."""
    from requests.adapters import HTTPAdapter

    class RetryAfterAdapter(HTTPAdapter):
        def send(self, request, *args, **kwargs):
            response = super().send(request, *args, **kwargs)
            last.retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            return response

    return RetryAfterAdapter()
