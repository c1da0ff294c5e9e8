"""OPUS-MT through CTranslate2: int8 on CPU, float16 on GPU, the same outputs interface as marian.

``--model`` is a CTranslate2 model directory, or a Marian model (hub name or folder) that is
converted with CTranslate2's own converter on first use and kept in the cache folder
(``tqcheck models convert`` does it ahead of time)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EngineError, InputError, ModelUnavailableError
from ..hub import model_fingerprint
from .base import EngineInfo, Progress, TranslatorBase, parse_direction_spec
from .marian import opus_mt_model, split_to_fit

TOKENIZER_FILES = (
    "source.spm",
    "target.spm",
    "vocab.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "generation_config.json",
)


def _max_length(directory: Path) -> int:
    """The Marian model's own generation bound, as transformers' generate applies it: max_length
    counts the decoder start token, and a forced EOS takes the last place; CTranslate2's
    max_decoding_length counts neither."""
    import json

    try:
        config = json.loads((directory / "generation_config.json").read_text())
    except (OSError, ValueError):
        config = {}
    return int(config.get("max_length") or 512) - (2 if config.get("forced_eos_token_id") is not None else 1)


def is_ctranslate2_dir(path: str) -> bool:
    return (Path(os.path.expanduser(path)) / "model.bin").is_file()


def convert_marian(
    name: str, output_dir: str | os.PathLike | None = None, quantization: str | None = None, force: bool = False
) -> Path:
    """Convert a Marian model (hub name or folder) with CTranslate2's TransformersConverter; its
    tokenizer files go along. The default place is keyed by the model's weights fingerprint."""
    try:
        from ctranslate2.converters import TransformersConverter
    except ImportError:
        raise ModelUnavailableError(
            "the ctranslate2 engine needs the ctranslate2 package: pip install 'tqcheck[ctranslate2]'"
        ) from None
    from ..cache import default_cache_dir
    from ..hub import ensure_offline_if_unreachable, is_local_path

    local = is_local_path(name)
    if not local:
        ensure_offline_if_unreachable()
    source = os.path.expanduser(name) if local else name
    if output_dir is None:
        safe = name.strip("/").replace("/", "--").replace("~", "")
        output_dir = default_cache_dir() / "ctranslate2" / f"{safe}-{model_fingerprint(name).split(':')[-1][:16]}"
    output = Path(output_dir)
    if is_ctranslate2_dir(str(output)) and not force:
        return output
    available = [f for f in TOKENIZER_FILES if not local or (Path(source) / f).is_file()]
    try:
        TransformersConverter(source, copy_files=available, load_as_float16=False).convert(
            str(output), quantization=quantization, force=True
        )
    except (
        OSError,
        ValueError,
        KeyError,
        RuntimeError,
        NotImplementedError,
    ) as error:  # not a Marian model, or unreadable
        raise ModelUnavailableError(
            f"cannot convert {name} to CTranslate2 ({str(error).splitlines()[0] if str(error) else type(error).__name__}); "
            f"it must be a Marian model in the local cache or a folder (run `tqcheck models pull {name}` where there is network)"
        ) from None
    return output


class CTranslate2Translator(TranslatorBase):
    name = "ctranslate2"
    independent_segments = True  # each segment is translated on its own (batches are padded and masked)

    @dataclass
    class Options:
        model: str | None = None
        beam_size: int | None = None
        batch_size: int = 64
        device: str = "auto"
        compute_type: str | None = None  # default: int8 on CPU, float16 on GPU
        threads: int = 0  # intra-op threads (0: CTranslate2 decides)
        max_new_tokens: int | None = None
        min_new_tokens: int | None = None  # with max_new_tokens, pins the output length (benchmarks)

    def __init__(
        self,
        model: str | None = None,
        beam_size: int | None = None,
        batch_size: int = 64,
        device: str = "auto",
        compute_type: str | None = None,
        threads: int = 0,
        max_new_tokens: int | None = None,
        min_new_tokens: int | None = None,
    ) -> None:
        if batch_size < 1:
            raise InputError("ctranslate2: batch_size must be at least 1")
        self.models = parse_direction_spec(model)
        self.beam_size, self.batch_size, self.device = beam_size, batch_size, device
        self.compute_type, self.threads, self.max_new_tokens = compute_type, threads, max_new_tokens
        self.min_new_tokens = min_new_tokens
        self._loaded: dict[str, Any] = {}

    def model_for(self, src_lang: str, tgt_lang: str) -> str:
        return opus_mt_model(self.models, src_lang, tgt_lang)

    def _device_and_type(self) -> tuple[str, str]:
        import ctranslate2

        device = self.device
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        return device, self.compute_type or ("float16" if device == "cuda" else "int8")

    def cache_key_parts(self, src_lang: str, tgt_lang: str) -> dict[str, Any]:
        name = self.model_for(src_lang, tgt_lang)
        return {
            "model": name,
            "weights": model_fingerprint(name),
            "beam_size": self.beam_size,
            "compute_type": self.compute_type or "default-for-device",
            "max_new_tokens": self.max_new_tokens,
            "min_new_tokens": self.min_new_tokens,
        }

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        options: dict[str, Any] = {
            k: v for k, v in {"beam_size": self.beam_size, "max_new_tokens": self.max_new_tokens}.items() if v
        }
        name = self.model_for(src_lang, tgt_lang)
        if name in self._loaded:
            options["compute_type"] = self._loaded[name][2]
        return EngineInfo(engine=self.name, model=name, options=options)

    def _load(self, name: str):
        if name in self._loaded:
            return self._loaded[name]
        try:
            import ctranslate2
            from transformers import MarianTokenizer
        except ImportError:
            raise ModelUnavailableError(
                "the ctranslate2 engine needs the ctranslate2 package: pip install 'tqcheck[ctranslate2]'"
            ) from None
        directory = Path(os.path.expanduser(name)) if is_ctranslate2_dir(name) else convert_marian(name)
        missing = [f for f in ("source.spm", "target.spm", "vocab.json") if not (directory / f).is_file()]
        if missing:
            raise ModelUnavailableError(
                f"CTranslate2 model {directory} has no tokenizer files ({', '.join(missing)}); "
                "convert it with `tqcheck models convert MARIAN_MODEL`, which copies them"
            )
        device, compute_type = self._device_and_type()
        try:
            translator = ctranslate2.Translator(
                str(directory), device=device, compute_type=compute_type, intra_threads=self.threads
            )
        except (RuntimeError, ValueError) as error:
            raise ModelUnavailableError(
                f"CTranslate2 cannot load {directory} on {device} as {compute_type} "
                f"({str(error).splitlines()[0]}); try --device cpu or --engine-option compute_type=float32"
            ) from None
        tokenizer = MarianTokenizer.from_pretrained(str(directory))
        self._loaded[name] = (tokenizer, translator, compute_type, _max_length(directory))
        return self._loaded[name]

    def translate(
        self, texts: Sequence[str], src_lang: str, tgt_lang: str, *, progress: Progress | None = None
    ) -> list[str]:
        """Identical texts once, over-long ones in sentence pieces; CTranslate2 sorts batches by length."""
        if not texts:
            return []
        tokenizer, translator, _, max_length = self._load(self.model_for(src_lang, tgt_lang))
        limit = min(getattr(tokenizer, "model_max_length", 512) or 512, 512) - 1
        unique = list(dict.fromkeys(texts))
        pieces_of = {text: split_to_fit(text, lambda t: len(tokenizer.tokenize(t)), limit) for text in unique}
        pieces = list(dict.fromkeys(p for ps in pieces_of.values() for p in ps))
        tokens = [tokenizer.convert_ids_to_tokens(tokenizer.encode(p)) for p in pieces]
        options: dict[str, Any] = {"beam_size": self.beam_size or 1, "max_batch_size": self.batch_size}
        options["max_decoding_length"] = self.max_new_tokens or max_length
        if self.min_new_tokens:
            options["min_decoding_length"] = self.min_new_tokens
        translated: dict[str, str] = {}
        step = max(self.batch_size * 8, 1)
        for start in range(0, len(pieces), step):
            try:
                results = translator.translate_batch(tokens[start : start + step], **options)
            except RuntimeError as error:
                raise EngineError(
                    f"CTranslate2 translation failed ({str(error).splitlines()[0]}); try --engine-option batch_size=4 or --device cpu"
                ) from None
            for piece, result in zip(pieces[start : start + step], results):
                ids = tokenizer.convert_tokens_to_ids(result.hypotheses[0])
                translated[piece] = tokenizer.decode(ids, skip_special_tokens=True).strip()
            if progress is not None:
                progress(min(start + step, len(pieces)), len(pieces))
        return [" ".join(translated[p] for p in pieces_of[t]) for t in texts]
