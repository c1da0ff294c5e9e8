"""MarianMT (OPUS-MT) through transformers: batched, length-sorted, beam search, CUDA when available."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..accelerator import with_batch_backoff
from ..errors import EngineError, InputError, ModelUnavailableError
from ..hub import cached_locally, ensure_offline_if_unreachable, is_local_path, model_fingerprint
from .base import EngineInfo, Progress, TranslatorBase, for_direction, parse_direction_spec

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-{src}-{tgt}"


def opus_mt_model(models: dict[str, str], src_lang: str, tgt_lang: str) -> str:
    """The model given for this direction (or for all), else OPUS-MT's for the pair."""
    return for_direction(models, src_lang, tgt_lang) or DEFAULT_MODEL.format(src=src_lang, tgt=tgt_lang)


def _out_of_memory(device: str, tokens: int) -> EngineError:
    return EngineError(
        f"Marian ran out of {device} memory even for one segment ({tokens} tokens); "
        "use --device cpu, or split that paragraph"
    )


def _generation_failed(error: RuntimeError) -> EngineError:
    return EngineError(f"Marian generation failed ({str(error).splitlines()[0]}); try --batch-size 4 or --device cpu")


class MarianTranslator(TranslatorBase):
    name = "marian"
    independent_segments = True  # each segment is translated on its own (batches are padded and masked)

    @dataclass
    class Options:
        model: str | None = None
        beam_size: int | None = None
        batch_size: int = 64
        device: str = "auto"
        max_new_tokens: int | None = None
        min_new_tokens: int | None = None  # with max_new_tokens, pins the output length (benchmarks)

    def __init__(
        self,
        model: str | None = None,
        beam_size: int | None = None,
        batch_size: int = 64,
        device: str = "auto",
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
    ) -> None:
        if batch_size < 1:
            raise InputError("marian: batch_size must be at least 1")
        if beam_size is not None and beam_size < 1:
            raise InputError("marian: beam_size must be at least 1")
        self.models = parse_direction_spec(model)
        self.beam_size = beam_size
        self.batch_size = batch_size
        self.device = device
        self.max_new_tokens = max_new_tokens
        self.min_new_tokens = min_new_tokens
        self._loaded: dict[str, Any] = {}

    def model_for(self, src_lang: str, tgt_lang: str) -> str:
        return opus_mt_model(self.models, src_lang, tgt_lang)

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        name = self.model_for(src_lang, tgt_lang)
        options: dict[str, Any] = {
            k: v
            for k, v in {
                "beam_size": self.beam_size,
                "max_new_tokens": self.max_new_tokens,
                "min_new_tokens": self.min_new_tokens,
            }.items()
            if v
        }
        if name in self._loaded:  # the hub commit the weights came from: the model's exact version
            revision = getattr(self._loaded[name][1].config, "_commit_hash", None)
            if revision:
                options["revision"] = revision[:12]
        return EngineInfo(engine=self.name, model=name, options=options)

    def hub_models(self, directions: Sequence[tuple[str, str]]) -> list[str]:
        return [self.model_for(s, t) for s, t in directions]

    def cache_key_parts(self, src_lang: str, tgt_lang: str) -> dict[str, Any]:
        """What changes the output, known without loading the model (for the translation cache)."""
        name = self.model_for(src_lang, tgt_lang)
        return {
            "model": name,
            "weights": model_fingerprint(name),
            "beam_size": self.beam_size,
            "max_new_tokens": self.max_new_tokens,
            "min_new_tokens": self.min_new_tokens,
        }

    def _load(self, name: str):
        if name in self._loaded:
            return self._loaded[name]
        local = is_local_path(name)
        if local and not os.path.isdir(os.path.expanduser(name)):
            raise ModelUnavailableError(
                f"Marian model directory {name} does not exist; pass --model with a directory made by save_pretrained, or a hub name"
            )
        offline = False if local else ensure_offline_if_unreachable()
        if offline and not cached_locally(name):
            raise self._not_cached(name)
        import torch

        tokenizer_class, model_class = self._classes()
        path = os.path.expanduser(name) if local else name
        try:
            tokenizer = tokenizer_class.from_pretrained(path, local_files_only=offline)
            model = model_class.from_pretrained(path, local_files_only=offline)
        except (OSError, ValueError, TypeError) as error:
            if offline:
                raise self._not_cached(name) from None
            raise ModelUnavailableError(
                f"MT model {name} could not be loaded ({str(error).splitlines()[0]}); pass --model NAME_OR_PATH"
            ) from None
        device = self.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        model.to(device).eval()
        self._loaded[name] = (tokenizer, model, device)
        return self._loaded[name]

    def _classes(self):
        """The tokenizer and model classes ``from_pretrained`` loads (the seq2seq engine's are Auto*)."""
        from transformers import MarianMTModel, MarianTokenizer

        return MarianTokenizer, MarianMTModel

    def _conventions(self, tokenizer, model, src_lang: str, tgt_lang: str) -> tuple[str, dict[str, Any]]:
        """A prefix for each source text and extra generate() arguments that name the languages:
        none for Marian, whose model is one direction."""
        return "", {}

    @staticmethod
    def _not_cached(name: str) -> ModelUnavailableError:
        return ModelUnavailableError(
            f"MT model {name} is not in the local cache and the hub is unreachable; "
            f"run `tqcheck models pull {name}` where there is network, pass --model PATH to a local copy, "
            "or use another engine (--direction sv-en --engine command --command 'apertium -u swe-isl | apertium -u isl-eng', "
            "or --engine file --hypothesis PATH)"
        )

    def translate(
        self, texts: Sequence[str], src_lang: str, tgt_lang: str, *, progress: Progress | None = None
    ) -> list[str]:
        """Translate in length-sorted batches; identical texts once; over-long texts in pieces."""
        if not texts:
            return []
        import torch

        tokenizer, model, device = self._load(self.model_for(src_lang, tgt_lang))
        prefix, language_args = self._conventions(tokenizer, model, src_lang, tgt_lang)
        limit = min(getattr(tokenizer, "model_max_length", 512) or 512, 512) - 1  # room for </s>
        unique = list(dict.fromkeys(texts))
        pieces_of = {text: split_to_fit(text, lambda t: len(tokenizer.tokenize(t)), limit) for text in unique}
        pieces = list(dict.fromkeys(p for ps in pieces_of.values() for p in ps))
        lengths = {p: len(tokenizer.tokenize(p)) for p in pieces}
        ordered = sorted(pieces, key=lambda p: -lengths[p])  # longest first: out-of-memory shows early
        generate_args: dict[str, Any] = dict(language_args)
        if self.beam_size:
            generate_args["num_beams"] = self.beam_size
        if self.max_new_tokens:  # otherwise the model's own max_length bounds generation
            generate_args["max_new_tokens"] = self.max_new_tokens
        if self.min_new_tokens:
            generate_args["min_new_tokens"] = self.min_new_tokens
        translated: dict[str, str] = {}
        batch_size, start = self.batch_size, 0
        while start < len(ordered):

            def generate(size: int, start: int = start):
                batch = [prefix + text for text in ordered[start : start + size]]
                encoded = tokenizer(batch, return_tensors="pt", padding=True).to(device)
                with torch.inference_mode():
                    return model.generate(**encoded, **generate_args)

            # a smaller batch that fitted stays: the longest segments come first
            output, batch_size = with_batch_backoff(
                generate,
                batch_size,
                too_big=functools.partial(_out_of_memory, device, lengths[ordered[start]]),
                failed=_generation_failed,
            )
            batch = ordered[start : start + batch_size]
            for text, out in zip(batch, tokenizer.batch_decode(output, skip_special_tokens=True)):
                translated[text] = out.strip()
            start += len(batch)
            if progress is not None:
                progress(start, len(ordered))
        return [" ".join(translated[p] for p in pieces_of[t]) for t in texts]


_SENTENCE_BREAK = re.compile(r"(?<=[.!?…:;])[\"”»’)]*\s+(?=\S)")


def split_to_fit(text: str, length: Callable[[str], int], limit: int) -> list[str]:
    """Split a text the model cannot take whole at sentence ends, then at words, so that no
    piece exceeds ``limit`` tokens: nothing is truncated silently."""
    if length(text) <= limit:
        return [text]
    sentences = [s for s in _SENTENCE_BREAK.split(text) if s.strip()]
    if len(sentences) == 1:
        words = text.split()
        if len(words) == 1:
            return [text]  # one enormous token run: nothing sensible to split on
        sentences = words
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        candidate = f"{current} {sentence}".strip()
        if current and length(candidate) > limit:
            pieces.append(current)
            candidate = sentence
        current = candidate
    pieces.append(current)
    fitted: list[str] = []
    for piece in pieces:  # a single sentence still too long is split again, at words
        fitted.extend(split_to_fit(piece, length, limit) if length(piece) > limit else [piece])
    return fitted
