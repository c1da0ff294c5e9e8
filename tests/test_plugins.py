"""Third-party engines register through the `tqcheck.translators` entry-point group, the same
lookup the built-ins use. The plugin here is a real installed distribution (a dist-info on sys.path)."""

import subprocess
import sys
import textwrap


def test_entry_point_engine_is_found_and_used(tmp_path):
    (tmp_path / "reverse_engine.py").write_text(textwrap.dedent('''
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
    '''))
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
