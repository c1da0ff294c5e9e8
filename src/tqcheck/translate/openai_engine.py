"""LLMs behind any OpenAI-compatible chat-completions server: OpenAI, vLLM, Ollama, llama.cpp's
server, hosted APIs.

Through the official ``openai`` client, for its request and error types (and the auth, paths and
JSON every compatible server expects). Its own retries are turned off: tqcheck's retry policy
(``api_requests``) is the same for every API engine and counts what it does for the report.

The key comes only from the environment (``OPENAI_API_KEY`` or the variable ``api_key_env`` names);
it is never in a report, the cache key or a message. Temperature 0 and a fixed seed by default.
With ``context=N`` each segment is sent after the N before it (their source and MT) as document
context; the segments then depend on each other, so the whole input is one cache entry.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from .api_requests import (
    Refused,
    RequestPolicy,
    Retryable,
    Usage,
    call_with_retries,
    retry_after_seconds,
    send_all,
)
from .base import EngineInfo, Progress, TranslatorBase
from .llm_output import clean

OFFICIAL_API = "https://api.openai.com/v1"

DEFAULT_SYSTEM = (
    "You are a professional translator. Translate the user's text from {src_name} into {tgt_name}. "
    "Reply with the translation only: no notes, no quotes, no explanations."
)
DEFAULT_PROMPT = "{text}"

LANGUAGE_NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "et": "Estonian", "fi": "Finnish", "fr": "French", "hu": "Hungarian",
    "id": "Indonesian", "is": "Icelandic", "it": "Italian", "ja": "Japanese", "ko": "Korean", "lt": "Lithuanian",
    "lv": "Latvian", "nb": "Norwegian Bokmål", "nl": "Dutch", "no": "Norwegian", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sv": "Swedish",
    "tr": "Turkish", "uk": "Ukrainian", "zh": "Chinese",
}  # fmt: skip


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code.lower(), code)


class OpenAITranslator(TranslatorBase):
    name = "openai"
    independent_segments = True  # unless context > 0 (set per instance)
    runs_out_of_process = True  # no model library in this process

    @dataclass
    class Options:
        model: str | None = None
        base_url: str | None = None
        api_key_env: str = "OPENAI_API_KEY"
        system: str = DEFAULT_SYSTEM
        prompt: str = DEFAULT_PROMPT
        temperature: float = 0.0
        seed: int = 0
        max_tokens: int | None = None
        context: int = 0
        concurrency: int = 8
        max_retries: int = 5
        timeout: float = 60.0
        backoff: float = 1.0

    def __init__(self, **given: Any) -> None:
        self.options = options = self.Options(**given)
        if not options.model:
            raise InputError(
                "engine 'openai' needs a model: pass --model NAME (e.g. gpt-4o-mini, or the name vLLM serves)"
            )
        for template, needed in ((options.system, ()), (options.prompt, ("{text}",))):
            try:
                template.format(src_name="", tgt_name="", src="", tgt="", text="")
            except (KeyError, IndexError, ValueError) as error:
                raise InputError(
                    f"engine 'openai': the template {template!r} has a field other than {{src_name}}, {{tgt_name}}, "
                    f"{{src}}, {{tgt}}, {{text}} ({error}); double literal braces"
                ) from None
            if any(field not in template for field in needed):
                raise InputError("engine 'openai': the prompt must contain {text}")
        self.base_url = (options.base_url or os.environ.get("OPENAI_BASE_URL") or OFFICIAL_API).rstrip("/")
        key = os.environ.get(options.api_key_env)
        if not key and self.base_url == OFFICIAL_API:
            raise InputError(
                f"engine 'openai' needs an API key: set {options.api_key_env} in the environment "
                "(or point --engine-option base_url=URL at a local server)"
            )
        self._key = key or "no-key"  # local servers (vLLM, Ollama) accept any key
        self.independent_segments = options.context == 0
        self.policy = RequestPolicy(options.concurrency, options.max_retries, options.timeout, options.backoff)
        self.usage = Usage()
        self._client: Any = None

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        o = self.options
        shown = {"endpoint": self.base_url, "temperature": o.temperature, "seed": o.seed}
        if o.context:
            shown["context"] = o.context
        if o.system != DEFAULT_SYSTEM or o.prompt != DEFAULT_PROMPT:
            shown["prompt"] = "custom"
        return EngineInfo(self.name, o.model, shown)

    def cache_key_parts(self, src_lang: str, tgt_lang: str) -> Any:
        o = self.options
        return {
            "endpoint": self.base_url,
            "model": o.model,
            "system": o.system,
            "prompt": o.prompt,
            "temperature": o.temperature,
            "seed": o.seed,
            "max_tokens": o.max_tokens,
            "context": o.context,
        }

    def take_usage(self) -> dict[str, Any] | None:
        return self.usage.take()

    def _client_instance(self):
        if self._client is None:
            from openai import OpenAI

            self._client = OpenAI(
                api_key=self._key, base_url=self.base_url, max_retries=0, timeout=self.options.timeout
            )
        return self._client

    def messages(self, text: str, src_lang: str, tgt_lang: str, context: Sequence[tuple[str, str]] = ()) -> list:
        """The chat for one segment: the instruction, then (with context) earlier segments and their MT."""
        names = {
            "src_name": language_name(src_lang),
            "tgt_name": language_name(tgt_lang),
            "src": src_lang,
            "tgt": tgt_lang,
        }
        out = [{"role": "system", "content": self.options.system.format(**names, text="")}]
        for earlier, translated in context:
            out.append({"role": "user", "content": self.options.prompt.format(**names, text=earlier)})
            out.append({"role": "assistant", "content": translated})
        out.append({"role": "user", "content": self.options.prompt.format(**names, text=text)})
        return out

    def _complete(self, messages: list) -> str:
        """One chat completion; the client's errors as Retryable or Refused."""
        import openai

        o = self.options
        try:
            response = self._client_instance().chat.completions.create(
                model=o.model,
                messages=messages,
                temperature=o.temperature,
                seed=o.seed,
                **({"max_tokens": o.max_tokens} if o.max_tokens else {}),
            )
        except openai.APIStatusError as error:
            what = f"HTTP {error.status_code} from {self.base_url}: {_server_message(error)}"
            if error.status_code in (408, 409, 429) or error.status_code >= 500:
                raise Retryable(what, retry_after_seconds(error.response.headers.get("retry-after"))) from None
            raise Refused(what) from None
        except openai.APITimeoutError:
            raise Retryable(f"no answer from {self.base_url} within {o.timeout:g} s") from None
        except openai.APIConnectionError as error:
            raise Retryable(f"cannot reach {self.base_url} ({error.__cause__ or error})") from None
        except (openai.APIResponseValidationError, ValueError) as error:  # ValueError: JSON that does not parse
            raise Retryable(f"a malformed answer from {self.base_url} ({error})") from None
        choices = getattr(response, "choices", None)
        if not choices or choices[0].message is None:
            raise Retryable(f"an answer without a choice from {self.base_url}")
        usage = getattr(response, "usage", None)
        if usage is not None:
            self.usage.add(input_tokens=usage.prompt_tokens or 0, output_tokens=usage.completion_tokens or 0)
        return choices[0].message.content or ""

    def translate(
        self, texts: Sequence[str], src_lang: str, tgt_lang: str, *, progress: Progress | None = None
    ) -> list[str]:
        texts = list(texts)
        if self.options.context == 0:
            return send_all(
                texts,
                lambda text: clean(self._complete(self.messages(text, src_lang, tgt_lang)), text),
                self.policy,
                self.usage,
                self.name,
                progress,
            )
        out: list[str] = []  # with context each segment waits for the ones before it
        for index, text in enumerate(texts):
            context = list(zip(texts, out))[max(0, index - self.options.context) : index]
            chat = self.messages(text, src_lang, tgt_lang, context)
            started = time.perf_counter()
            answer = call_with_retries(functools.partial(self._complete, chat), self.policy, self.usage, self.name)
            self.usage.add(seconds=time.perf_counter() - started)
            out.append(clean(answer, text))
            if progress is not None:
                progress(index + 1, len(texts))
        return out


def _server_message(error) -> str:
    """The server's own words (OpenAI-style ``{"error": {"message": ...}}`` or the body), cut short."""
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return str(message)[:300]
    try:
        return error.response.text[:300] or error.message
    except Exception:  # noqa: BLE001 (a message for the user; never mask the error itself)
        return str(error)[:300]
