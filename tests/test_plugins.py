"""Third-party engines register through the `tqcheck.translators` entry-point group, the same
lookup the built-ins use. The plugin here is a real installed distribution (a dist-info on sys.path)."""

import subprocess
import sys
import textwrap


def test_entry_point_engine_is_found_and_used(tmp_path):
    (tmp_path / "reverse_engine.py").write_text(
        textwrap.dedent("""
        from dataclasses import dataclass
        from tqcheck.translate import EngineInfo

        class ReverseTranslator:
            name = "reverse"

            @dataclass
            class Options:
                upper: bool = False

            def __init__(self, upper=False):
                self.upper = upper

            def info(self, src_lang, tgt_lang):
                return EngineInfo(engine=self.name)

            def translate(self, texts, src_lang, tgt_lang):
                out = [t[::-1] for t in texts]
                return [t.upper() for t in out] if self.upper else out
    """)
    )
    dist = tmp_path / "reverse_engine-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: reverse-engine\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[tqcheck.translators]\nreverse = reverse_engine:ReverseTranslator\n")
    code = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n"
        "from tqcheck.translate import available_translators, create_translator\n"
        "assert 'reverse' in available_translators()\n"
        "print(create_translator('reverse', {'upper': 'true'}).translate(['abc'], 'sv', 'en')[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "CBA"


def test_the_contract_is_one_base_class_with_its_defaults():
    """A subclass of TranslatorBase that implements only ``translate`` is a complete engine with
    the documented defaults; an engine that does not subclass it is adapted once, its own
    declarations kept and progress passed only when its ``translate`` takes it."""
    from tqcheck.translate.base import DuckTypedTranslator, TranslatorBase, as_translator

    class Minimal(TranslatorBase):
        name = "minimal"

        def translate(self, texts, src_lang, tgt_lang, *, progress=None):
            if progress:
                progress(len(texts), len(texts))
            return list(texts)

    engine = Minimal()
    assert as_translator(engine) is engine
    assert (engine.cacheable, engine.independent_segments, engine.translates_any_text) == (True, False, True)
    assert engine.cache_key_parts("sv", "en") is None and engine.hub_models([("sv", "en")]) == []
    assert engine.info("sv", "en").engine == "minimal"

    class Legacy:
        name = "legacy"
        independent_segments = True

        def translate(self, texts, src_lang, tgt_lang):
            return [t[::-1] for t in texts]

    adapted = as_translator(Legacy())
    assert isinstance(adapted, DuckTypedTranslator) and adapted.independent_segments and adapted.cacheable
    seen = []
    assert adapted.translate(["ab"], "sv", "en", progress=lambda d, t: seen.append(d)) == ["ba"] and seen == []
    assert Minimal().translate(["ab"], "sv", "en", progress=lambda d, t: seen.append(d)) == ["ab"] and seen == [1]
