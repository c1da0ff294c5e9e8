"""The massively multilingual seq2seq models through transformers ``AutoModelForSeq2SeqLM``:
NLLB-200, M2M100, MADLAD-400 and mBART-50, each with its own way of naming the languages, resolved
from ISO codes:

- NLLB-200: FLORES-200 codes (``swe_Latn``) as the tokenizer's ``src_lang``, the target's code as
  the forced first token;
- M2M100: ``__sv__`` tokens, ``src_lang = "sv"``, the target's token forced (``get_lang_id``);
- mBART-50: ``sv_SE``-style codes, likewise;
- MADLAD-400 (T5): a ``<2sv>`` prefix on the source text names the target; nothing forced.

Batching, length sorting, beam search, CUDA and the out-of-memory back-off are Marian's
(``MarianTranslator``), with these conventions plugged in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InputError, ModelUnavailableError
from .marian import MarianTranslator

DEFAULT_SEQ2SEQ_MODEL = "facebook/nllb-200-distilled-600M"

# ISO 639-1 -> FLORES-200 (NLLB) and mBART-50 codes, for the languages the families share.
FLORES = {
    "ar": "arb_Arab", "bg": "bul_Cyrl", "cs": "ces_Latn", "da": "dan_Latn", "de": "deu_Latn", "el": "ell_Grek",
    "en": "eng_Latn", "es": "spa_Latn", "et": "est_Latn", "fi": "fin_Latn", "fr": "fra_Latn", "he": "heb_Hebr",
    "hi": "hin_Deva", "hu": "hun_Latn", "id": "ind_Latn", "is": "isl_Latn", "it": "ita_Latn", "ja": "jpn_Jpan",
    "ko": "kor_Hang", "lt": "lit_Latn", "lv": "lvs_Latn", "nb": "nob_Latn", "nl": "nld_Latn", "no": "nob_Latn",
    "pl": "pol_Latn", "pt": "por_Latn", "ro": "ron_Latn", "ru": "rus_Cyrl", "sk": "slk_Latn", "sl": "slv_Latn",
    "sv": "swe_Latn", "th": "tha_Thai", "tr": "tur_Latn", "uk": "ukr_Cyrl", "vi": "vie_Latn", "zh": "zho_Hans",
}  # fmt: skip
MBART50 = {
    "ar": "ar_AR", "cs": "cs_CZ", "de": "de_DE", "en": "en_XX", "es": "es_XX", "et": "et_EE", "fi": "fi_FI",
    "fr": "fr_XX", "he": "he_IL", "hi": "hi_IN", "it": "it_IT", "ja": "ja_XX", "ko": "ko_KR", "lt": "lt_LT",
    "lv": "lv_LV", "nl": "nl_XX", "pl": "pl_PL", "pt": "pt_XX", "ro": "ro_RO", "ru": "ru_RU", "sv": "sv_SE",
    "tr": "tr_TR", "uk": "uk_UA", "vi": "vi_VN", "zh": "zh_CN",
}  # fmt: skip


def family_of(tokenizer, model) -> str:
    """nllb, m2m100, mbart50 or madlad, from the tokenizer's class and the model's type."""
    kind = type(tokenizer).__name__.lower()
    if "nllb" in kind:
        return "nllb"
    if "m2m100" in kind:
        return "m2m100"
    if "mbart" in kind:
        return "mbart50"
    if getattr(model.config, "model_type", "") in ("t5", "mt5"):
        return "madlad"
    raise ModelUnavailableError(
        f"engine seq2seq knows NLLB-200, M2M100, mBART-50 and MADLAD-400 models; this one has a "
        f"{type(tokenizer).__name__} and model type {getattr(model.config, 'model_type', '?')!r}"
    )


def _code(table: dict[str, str], lang: str, family: str) -> str:
    if lang not in table:
        raise InputError(
            f"engine seq2seq ({family}) has no code for language {lang!r}; known: {', '.join(sorted(table))}"
        )
    return table[lang]


def conventions(tokenizer, model, src_lang: str, tgt_lang: str) -> tuple[str, dict[str, Any]]:
    """(prefix for each source text, extra generate() arguments), with the tokenizer's source
    language set, for this model family and direction."""
    family = family_of(tokenizer, model)
    if family == "madlad":
        tag = f"<2{tgt_lang}>"
        if tokenizer.convert_tokens_to_ids(tag) == tokenizer.unk_token_id:
            raise InputError(f"engine seq2seq (MADLAD-400): the model has no {tag} token for target {tgt_lang!r}")
        return f"{tag} ", {}
    if family == "m2m100":
        tokenizer.src_lang = src_lang
        try:
            return "", {"forced_bos_token_id": tokenizer.get_lang_id(tgt_lang)}
        except KeyError:
            raise InputError(f"engine seq2seq (M2M100) has no language {tgt_lang!r}") from None
    table = FLORES if family == "nllb" else MBART50
    tokenizer.src_lang = _code(table, src_lang, family)
    target = _code(table, tgt_lang, family)
    return "", {"forced_bos_token_id": tokenizer.convert_tokens_to_ids(target)}


class Seq2SeqTranslator(MarianTranslator):
    name = "seq2seq"

    @dataclass
    class Options(MarianTranslator.Options):
        pass

    def model_for(self, src_lang: str, tgt_lang: str) -> str:
        from .base import for_direction

        return for_direction(self.models, src_lang, tgt_lang) or DEFAULT_SEQ2SEQ_MODEL

    def _classes(self):
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        return AutoTokenizer, AutoModelForSeq2SeqLM

    def _conventions(self, tokenizer, model, src_lang: str, tgt_lang: str) -> tuple[str, dict[str, Any]]:
        return conventions(tokenizer, model, src_lang, tgt_lang)
