"""The translation stage: the MT of a document (checked: one translation per segment, in the
target language), by paragraph or sentence by sentence, and the checks made before any of it
runs (every hub model available). Split from pipeline.py, which composes the stages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .documents import Document
from .errors import EngineError, InputError, ModelUnavailableError, UnusableTranslationError
from .translate import Translator

Progress = Callable[[str], None]


def announce(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def translate_document(
    translator: Translator,
    document: Document,
    tgt_lang: str,
    progress: Progress | None = None,
    *,
    strict: bool = False,
    warnings: list[str] | None = None,
) -> list[str]:
    """The MT of every segment, checked: one translation each, in the target language.

    MT that is mostly in another language is an engine error (its score would be meaningless);
    MT with several segments in another language is a warning in ``warnings``, and an error under
    ``strict``."""
    import time

    texts = document.texts
    what = f"translating {len(texts)} segments {document.lang}→{tgt_lang} with {translator.name}"
    announce(progress, what)
    started = time.perf_counter()

    def counted(done: int, total: int) -> None:
        assert progress is not None  # only passed on when there is a progress callback
        rate = done / max(time.perf_counter() - started, 1e-9)
        progress(f"{what}: {done}/{total} ({rate:.1f}/s)")

    if translator.reads_line_parallel_file:
        translations = translator.translate_document(document, tgt_lang)
    else:
        translations = translator.translate(texts, document.lang, tgt_lang, progress=counted if progress else None)
    if len(translations) != len(texts):
        raise EngineError(
            f"engine {translator.name} returned {len(translations)} translations for {len(texts)} segments"
        )
    not_translations, unusable = describe_output_problems(translator.name, document, texts, translations, tgt_lang)
    if not_translations and unusable:
        raise UnusableTranslationError(not_translations)
    if not_translations and strict:
        raise EngineError(not_translations + "; --strict is on")
    if not_translations and warnings is not None:
        warnings.append(not_translations)
    mixed = check_translation_language(translator.name, document, translations, tgt_lang)
    if mixed and strict:
        raise UnusableTranslationError(mixed + "; --strict is on")
    if mixed and warnings is not None:
        warnings.append(mixed)
    return translations


def describe_output_problems(
    engine: str, document: Document, texts: Sequence[str], translations: Sequence[str], tgt_lang: str
) -> tuple[str | None, bool]:
    """A message naming the MT segments that are not translations (empty, refusals), or None; and
    whether they are most of the MT (then nothing may be scored)."""
    from .translate.llm_output import output_problems

    found = output_problems(texts, translations)
    if not found:
        return None, False
    kinds: dict[str, int] = {}
    for kind in found.values():
        kinds[kind] = kinds.get(kind, 0) + 1
    lines = [str(document.segments[k].line) for k in sorted(found)]
    what = (
        f"{document.lang}→{tgt_lang}: {len(found)} of {len(texts)} MT segments from engine {engine} are not "
        f"translations ({', '.join(f'{n} {kind}' for kind, n in kinds.items())}; source lines "
        f"{', '.join(lines[:10])}{', …' if len(lines) > 10 else ''})"
    )
    if len(found) * 2 > len(texts):  # most of it: the engine is broken, a score would be meaningless
        return f"{what}; scoring that would be meaningless: check the engine and its model", True
    return f"{what}; they are scored as they are (--strict makes this an error)", False


def check_translation_language(
    engine: str, document: Document, translations: Sequence[str], tgt_lang: str
) -> str | None:
    """Raise EngineError when the MT is mostly not in ``tgt_lang``; return a warning when several
    segments are in another language; None when it is fine (or the language cannot be identified)."""
    from .langid import identify_translation

    found = identify_translation(list(translations), tgt_lang)
    if found is None:
        return None
    direction = f"{document.lang}→{tgt_lang}"
    if found.mostly_off(tgt_lang):
        language = found.found if found.probability >= 0.9 else "other languages"
        by_segment = (
            f"{len(found.off_target)} of {found.checked} segments off target"
            if found.checked
            else "the text as a whole; each segment is too short to judge alone"
        )
        raise UnusableTranslationError(
            f"the {direction} MT from engine {engine} is not in {tgt_lang!r}: language identification says "
            f"{language!r} (p={found.probability:.2f}, {by_segment}); "
            f"scoring it would be meaningless: check that the engine translates {direction} "
            "(--model, --command with {src}/{tgt}, or --direction)"
        )
    if found.mixed():
        lines = [str(document.segments[k].line) for k in found.off_target]
        return (
            f"{direction}: {len(found.off_target)} of {found.checked} MT segments from engine {engine} look like "
            f"another language than {tgt_lang!r} (source lines {', '.join(lines[:10])}{', …' if len(lines) > 10 else ''})"
            " (--strict makes this an error)"
        )
    return None


def preflight_models(
    translator: Translator,
    directions: Sequence[tuple[str, str]],
    metrics: Sequence[str],
    comet_model: str | None,
    qe_model: str | None,
) -> None:
    """Before any work: every hub model of every direction (MT, and COMET/QE for ``metrics``) must be
    reachable or cached; all that are not are named at once, with the one command that fetches them."""
    from .hub import missing_hub_models
    from .metrics.comet_metric import DEFAULT_COMET_MODEL, DEFAULT_QE_MODEL, _not_cached

    mt_models = list(translator.hub_models(directions))
    scorers = {}
    if "comet" in metrics:
        scorers[comet_model or DEFAULT_COMET_MODEL] = ("--comet-model", "comet")
    if "cometkiwi" in metrics:
        scorers[qe_model or DEFAULT_QE_MODEL] = ("--qe-model", "cometkiwi")
    missing = missing_hub_models([*mt_models, *scorers])
    if len(missing) == 1 and missing[0] in scorers:
        raise _not_cached(missing[0], *scorers[missing[0]])
    if len(missing) == 1:
        from .translate.marian import MarianTranslator

        raise MarianTranslator._not_cached(missing[0])
    if missing:
        raise ModelUnavailableError(
            f"{len(missing)} models are not in the local cache and the hub is unreachable: {', '.join(missing)}; "
            f"run `tqcheck models pull {' '.join(missing)}` where there is network, or pass local paths "
            "(--model, --comet-model, --qe-model)"
            + (
                ", or use another engine (--direction sv-en --engine command --command 'apertium -u swe-isl | apertium -u "
                "isl-eng', or --engine file --hypothesis PATH)"
                if set(missing) & set(mt_models)
                else ""
            )
        )


def translation_cache_summary(translator: Translator) -> dict[str, object] | None:
    """How many segments of the last translation came from the cache (None without a cache)."""
    from .translate.cached import CachedTranslator

    if not isinstance(translator, CachedTranslator):
        return None
    summary: dict[str, object] = {"from_cache": translator.hits, "translated": translator.misses}
    if translator.not_cached:
        summary["not_cached"] = translator.not_cached
    return summary


def cache_warnings(translator: Translator) -> list[str]:
    summary = translation_cache_summary(translator)
    if summary is None or "not_cached" not in summary or not translator.cacheable:
        return []
    return [f"translations are not cached: {summary['not_cached']}"]


UNITS = ("paragraph", "sentence")


@dataclass
class Translated:
    """The MT of a source for alignment (one text per source segment) and, by sentence, per sentence."""

    paragraphs: list[str] | None  # None without an engine
    sentences: dict[int, list[str]] | None = None  # sentence unit: source line -> its sentences
    sentence_mt: dict[int, list[str]] | None = None  # sentence unit: source line -> its sentences' MT
    warnings: list[str] = field(default_factory=list)  # e.g. MT segments in another language


def _translate_sentences(
    translator: Translator,
    source: Document,
    sentences: dict[int, list[str]],
    tgt_lang: str,
    progress: Progress | None,
    strict: bool,
    warnings: list[str],
) -> dict[int, list[str]]:
    """Translate every sentence of the source (one engine call over all of them); line -> its sentences' MT."""
    from .documents import Segment

    flat = [text for seg in source.segments for text in sentences[seg.line]]
    as_document = Document(
        path=source.path,
        lang=source.lang,
        line_count=len(flat),
        segments=tuple(Segment(k, text) for k, text in enumerate(flat, 1)),
    )
    translated = iter(translate_document(translator, as_document, tgt_lang, progress, strict=strict, warnings=warnings))
    return {seg.line: [next(translated) for _ in sentences[seg.line]] for seg in source.segments}


def translate_for_unit(
    translator: Translator | None,
    source: Document,
    tgt_lang: str,
    unit: str,
    progress: Progress | None = None,
    strict: bool = False,
) -> Translated:
    """Translate by paragraph, or (sentence unit) sentence by sentence, with the sentences' MT joined
    per paragraph for the paragraph alignment: one pass of the engine either way."""
    if unit not in UNITS:
        raise InputError(f"--unit {unit}: choose paragraph or sentence")
    warnings: list[str] = []
    if unit == "paragraph":
        if translator is None:
            return Translated(None)
        paragraphs = translate_document(translator, source, tgt_lang, progress, strict=strict, warnings=warnings)
        return Translated(paragraphs, warnings=warnings)
    if translator is not None and not translator.translates_any_text:
        raise InputError(
            f"--unit sentence translates the source sentence by sentence, and engine {translator.name} "
            "only has one translation per source line; use an engine that translates (marian, "
            "ctranslate2, command), or --unit paragraph"
        )
    from .align.sentences import split_lines

    announce(progress, "splitting into sentences")
    sentences = split_lines({seg.line: seg.text for seg in source.segments}, source.lang)
    if translator is None:
        return Translated(None, sentences)
    sentence_mt = _translate_sentences(translator, source, sentences, tgt_lang, progress, strict, warnings)
    return Translated([" ".join(sentence_mt[seg.line]) for seg in source.segments], sentences, sentence_mt, warnings)
