"""The translation and COMET caches: hits, misses on any key part, resume after an interruption,
concurrent writers. Engines and COMET are real (the command engine, the tiny checkpoint)."""

import multiprocessing
import subprocess
import sys

import pytest

from tqcheck.cache import Cache
from tqcheck.errors import EngineError
from tqcheck.metrics import ScoringSettings, TranslationTriple, create_metric
from tqcheck.translate import create_translator
from tqcheck.translate.cached import CachedTranslator

TEXTS = [f"segment number {k} of the test" for k in range(12)]


def counting_command(log):
    """Upper-cases its input and appends one line per call to ``log``."""
    return f"echo call >> {log}; tr a-z A-Z"


def line_by_line(command):
    """The command engine, declared to translate each line on its own (per-segment caching)."""
    return create_translator("command", {"command": command, "independent": "true"})


def calls(log):
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_second_run_is_served_from_the_cache(tmp_path):
    cache, log = Cache(tmp_path / "c"), tmp_path / "log"
    engine = CachedTranslator(line_by_line(counting_command(log)), cache)
    first = engine.translate(TEXTS + TEXTS[:3], "sv", "en")
    assert first == [t.upper() for t in TEXTS + TEXTS[:3]] and calls(log) == 1
    assert engine.misses == 15 and engine.hits == 0  # segments not served from the cache (repeats are sent once)
    again = CachedTranslator(line_by_line(counting_command(log)), Cache(tmp_path / "c"))
    assert again.translate(TEXTS, "sv", "en") == first[:12] and calls(log) == 1 and again.hits == 12


def test_work_to_overlap_with_the_engine_starts_only_when_the_engine_runs(tmp_path):
    """check imports comet while an out-of-process engine translates; on a cached re-run the engine
    never runs, and neither may that import (COMET's scores are cached too: it is wasted time)."""
    log = tmp_path / "log"
    started = []
    engine = CachedTranslator(line_by_line(counting_command(log)), Cache(tmp_path / "c"))
    engine.when_engine_runs = lambda: started.append(calls(log))
    engine.translate(TEXTS, "sv", "en")
    assert started == [0]  # once, before the engine's first call
    engine.translate(TEXTS + ["one more segment"], "sv", "en")
    assert started == [0]  # not again
    again = CachedTranslator(line_by_line(counting_command(log)), Cache(tmp_path / "c"))
    again.when_engine_runs = lambda: started.append("re-run")
    assert again.translate(TEXTS, "sv", "en") == [t.upper() for t in TEXTS]
    assert started == [0]  # everything cached: never called


@pytest.mark.parametrize("change,misses", [("text", 1), ("direction", 12), ("command", 12), ("timeout", 0)])
def test_changing_any_key_part_misses(tmp_path, change, misses):
    """Whatever changes the output misses; an option that does not (a timeout) still hits."""
    cache, log = Cache(tmp_path / "c"), tmp_path / "log"
    CachedTranslator(line_by_line(counting_command(log)), cache).translate(TEXTS, "sv", "en")
    options, texts, src, tgt = {"command": counting_command(log), "independent": "true"}, TEXTS, "sv", "en"
    if change == "text":
        texts = TEXTS[:-1] + ["something new"]
    elif change == "direction":
        src, tgt = "sv", "de"
    elif change == "timeout":
        options["timeout"] = "30"
    else:
        options["command"] = counting_command(log) + " | cat"
    engine = CachedTranslator(create_translator("command", options), cache)
    engine.translate(texts, src, tgt)
    assert calls(log) == (2 if misses else 1)
    assert engine.misses == misses


def test_marian_key_follows_the_weights(tmp_path, tiny_models):
    """A retrained model in the same folder is another model: its files' fingerprint is in the key."""
    import shutil

    model = tmp_path / "marian"
    shutil.copytree(tiny_models["marian_sv_en"], model)
    translator = create_translator("marian", {"model": str(model)})
    before = translator.cache_key_parts("sv", "en")
    (model / "config.json").write_text((model / "config.json").read_text() + "\n")
    after = translator.cache_key_parts("sv", "en")
    assert before["model"] == after["model"] and before["weights"] != after["weights"]
    assert create_translator("marian", {"model": str(model), "beam_size": 2}).cache_key_parts("sv", "en") != after


def test_interrupted_run_resumes(tmp_path):
    """The engine dies on its second chunk; the first chunk is kept and not translated again."""
    cache, log, allow = Cache(tmp_path / "c"), tmp_path / "log", tmp_path / "allow"
    script = tmp_path / "flaky.sh"  # the script is part of the key; the log and flag it reads are its own business
    script.write_text(
        f"echo call >> {log}; if [ $(wc -l < {log}) -gt 1 ] && [ ! -e {allow} ]; then exit 1; fi; tr a-z A-Z\n"
    )
    command = f"sh {script}"
    engine = CachedTranslator(line_by_line(command), cache, chunk_size=5)
    with pytest.raises(EngineError):
        engine.translate(TEXTS, "sv", "en")
    assert cache.count("translations") == 5
    allow.touch()
    resumed = CachedTranslator(line_by_line(command), cache, chunk_size=5)
    assert resumed.translate(TEXTS, "sv", "en") == [t.upper() for t in TEXTS]
    assert resumed.hits == 5 and resumed.misses == 7 and calls(log) == 4  # 2 before, 2 chunks to finish


def _writer(directory, worker, count):
    cache = Cache(directory)
    for start in range(0, count, 10):
        cache.put_many("translations", {f"key{k}": f"w{worker}:{k}" for k in range(start, start + 10)})
        cache.get_many("translations", [f"key{k}" for k in range(count)])


def test_concurrent_writers(tmp_path):
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(tmp_path / "c", w, 300)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
    assert [p.exitcode for p in workers] == [0, 0, 0, 0]
    cache = Cache(tmp_path / "c")
    assert cache.count("translations") == 300
    assert all(
        v.split(":")[1] == k[3:] for k, v in cache.get_many("translations", [f"key{k}" for k in range(300)]).items()
    )


def test_a_cache_opened_while_another_process_creates_it_waits_instead_of_failing(tmp_path):
    """A new cache file still in rollback mode, another connection in the middle of a write: the
    switch to WAL fails at once with "database is locked" (SQLite does not wait where waiting
    could deadlock), which failed a run that merely opened the cache at the same moment."""
    import sqlite3
    import threading

    (tmp_path / "c").mkdir()
    other = sqlite3.connect(tmp_path / "c" / "cache.sqlite3", isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE translations (key TEXT PRIMARY KEY, value)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO translations VALUES ('k', 'v')")
    release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    release.start()
    try:
        cache = Cache(tmp_path / "c")
    finally:
        release.join()
    assert cache.get_many("translations", ["k"]) == {"k": "v"}
    assert cache._connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_comet_scores_are_cached(tmp_path, tiny_models, monkeypatch):
    import tqcheck.metrics.comet_metric as comet_metric

    triples = [TranslationTriple(f"källa {k}", f"hypothesis {k}", f"reference {k}") for k in range(6)]
    plain = create_metric("comet", ScoringSettings(comet_model=str(tiny_models["comet_dir"]))).score(triples)
    cache = Cache(tmp_path / "c")
    predicted = []
    original = comet_metric.predict_with_embedding_cache  # the model's path when there is a cache
    monkeypatch.setattr(
        comet_metric,
        "predict_with_embedding_cache",
        lambda model, samples, *a, **kw: predicted.append(len(samples)) or original(model, samples, *a, **kw),
    )
    first = create_metric("comet", ScoringSettings(comet_model=str(tiny_models["comet_dir"])), cache=cache).score(
        triples
    )
    assert first.segment_scores == pytest.approx(plain.segment_scores, abs=1e-6) and first.score == pytest.approx(
        plain.score, abs=1e-6
    )
    assert first.signature == plain.signature
    second = create_metric("comet", ScoringSettings(comet_model=str(tiny_models["comet_dir"])), cache=cache).score(
        triples
    )
    assert second.segment_scores == first.segment_scores and predicted == [6]
    changed = triples[:5] + [TranslationTriple("källa 5", "another hypothesis", "reference 5")]
    create_metric("comet", ScoringSettings(comet_model=str(tiny_models["comet_dir"])), cache=cache).score(changed)
    assert predicted == [6, 1]


def test_cached_rerun_of_check_through_the_cli(tmp_path):
    """Two processes, one cache: the second run translates nothing (the engine is not called)."""
    from conftest import APERTIUM_SV_EN, EN, SV

    log = tmp_path / "log"
    replay = f"echo call >> {log}; cat > /dev/null; grep -v '^$' {APERTIUM_SV_EN}"  # Apertium's MT, recorded
    args = [
        sys.executable,
        "-m",
        "tqcheck",
        "check",
        str(SV),
        str(EN),
        "--metrics",
        "bleu",
        "--engine",
        "command",
        "--command",
        replay,
        "--cache-dir",
        str(tmp_path / "c"),
        "--json",
    ]
    first = subprocess.run(args + [str(tmp_path / "1.json")], capture_output=True, text=True)
    second = subprocess.run(args + [str(tmp_path / "2.json")], capture_output=True, text=True)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert calls(log) == 1
    assert (tmp_path / "1.json").read_text().split('"created"')[0] == (tmp_path / "2.json").read_text().split(
        '"created"'
    )[0]
    no_cache = subprocess.run(
        args[:-3] + ["--no-cache", "--json", str(tmp_path / "3.json")], capture_output=True, text=True
    )
    assert no_cache.returncode == 0 and calls(log) == 2


def test_unusable_cache_folder_says_how_to_fix(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    from tqcheck.cache import CacheError

    with pytest.raises(CacheError, match="pass --cache-dir with a writable folder.*--no-cache"):
        Cache(blocker / "sub")


def test_alignment_is_cached_and_identical(tmp_path, monkeypatch):
    from conftest import APERTIUM_SV_EN, EN, SV

    from tqcheck.align import DynamicProgrammingAligner
    from tqcheck.documents import load_document
    from tqcheck.pipeline import check_direction

    calls = []
    original = DynamicProgrammingAligner.align
    monkeypatch.setattr(DynamicProgrammingAligner, "align", lambda self, *a: calls.append(1) or original(self, *a))
    cache = Cache(tmp_path / "c")
    engine = create_translator("file", {"hypothesis": str(APERTIUM_SV_EN)})
    source, reference = load_document(SV), load_document(EN)
    first, _ = check_direction(source, reference, engine, ["bleu"], cache=cache)
    second, _ = check_direction(source, reference, engine, ["bleu"], cache=cache)
    assert calls == [1] and second.alignment == first.alignment
    changed = create_translator(
        "command", {"command": f"cat > /dev/null; grep -v '^$' {APERTIUM_SV_EN} | sed 's/the/a/g'"}
    )
    check_direction(source, reference, changed, ["bleu"], cache=cache)  # other MT: aligned again
    assert calls == [1, 1]


def test_a_changed_aligner_code_misses_the_alignment_cache(tmp_path, monkeypatch):
    """The version number stays while the aligner's code changes between releases: a digest of
    that code (and sacrebleu's version, whose chrF is its evidence) is in the key, so an alignment
    made by other code is never served."""
    import shutil
    from pathlib import Path

    from conftest import EN, SV

    from tqcheck import pipeline
    from tqcheck.align import DynamicProgrammingAligner
    from tqcheck.documents import load_document

    # the digest follows the code: a copy of the aligner's files has the same, one byte changed not
    copy = tmp_path / "align"
    shutil.copytree(Path(pipeline.__file__).parent / "align", copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert pipeline.source_digest(copy) in pipeline.aligner_code_digest()
    (copy / "gaps.py").write_text((copy / "gaps.py").read_text() + "\n# changed\n")
    assert pipeline.source_digest(copy) not in pipeline.aligner_code_digest()
    calls = []
    original = DynamicProgrammingAligner.align
    monkeypatch.setattr(DynamicProgrammingAligner, "align", lambda self, *a: calls.append(1) or original(self, *a))
    cache = Cache(tmp_path / "c")
    source, reference = load_document(SV), load_document(EN)
    pipeline.align_cached(DynamicProgrammingAligner(), source, reference, None, cache)
    pipeline.align_cached(DynamicProgrammingAligner(), source, reference, None, cache)
    assert calls == [1]
    monkeypatch.setattr(pipeline, "aligner_code_digest", lambda: "other code")
    pipeline.align_cached(DynamicProgrammingAligner(), source, reference, None, cache)
    assert calls == [1, 1]


# --- The cache never serves what the current inputs would not produce (trust issue) ---

NUMBERING = "awk '{print NR \": \" toupper($0)}'"  # each line's output depends on the lines before it


def test_context_dependent_engine_sees_the_same_input_cached_or_not(tmp_path):
    """A command whose output depends on the other lines sent with it (like Apertium) must give a
    cached run exactly the output of an uncached one, whatever is already in the cache."""
    uncached = create_translator("command", {"command": NUMBERING}).translate(TEXTS, "sv", "en")
    cache = Cache(tmp_path / "c")
    CachedTranslator(create_translator("command", {"command": NUMBERING}), cache).translate(TEXTS[3:8], "sv", "en")
    engine = CachedTranslator(create_translator("command", {"command": NUMBERING}), cache)
    assert engine.translate(TEXTS, "sv", "en") == uncached
    again = CachedTranslator(create_translator("command", {"command": NUMBERING}), cache)
    assert again.translate(TEXTS, "sv", "en") == uncached and again.hits == len(TEXTS)


def test_editing_the_script_a_command_runs_misses(tmp_path):
    script = tmp_path / "mt.sh"
    script.write_text("tr a-z A-Z\n")
    cache = Cache(tmp_path / "c")
    first = CachedTranslator(create_translator("command", {"command": f"sh {script}"}), cache)
    assert first.translate(TEXTS, "sv", "en")[0] == TEXTS[0].upper()
    script.write_text("tr a-z A-Z | rev\n")
    second = CachedTranslator(create_translator("command", {"command": f"sh {script}"}), cache)
    assert second.translate(TEXTS, "sv", "en")[0] == TEXTS[0].upper()[::-1] and second.hits == 0


def test_upgrading_the_executable_on_path_misses(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tool = bin_dir / "toymt"
    tool.write_text("#!/bin/sh\ntr a-z A-Z\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{__import__('os').environ['PATH']}")
    cache = Cache(tmp_path / "c")
    assert (
        CachedTranslator(create_translator("command", {"command": "toymt | cat"}), cache).translate(TEXTS, "sv", "en")[
            0
        ]
        == TEXTS[0].upper()
    )
    tool.write_text("#!/bin/sh\ntr a-z A-Z | tr S Z\n")
    upgraded = CachedTranslator(create_translator("command", {"command": "toymt | cat"}), cache)
    assert upgraded.translate(TEXTS, "sv", "en")[0] == TEXTS[0].upper().replace("S", "Z") and upgraded.hits == 0


class _Undeclared:
    """A plugin engine that does not say what determines its output."""

    name = "undeclared"

    def __init__(self):
        self.calls = 0

    def translate(self, texts, src_lang, tgt_lang):
        self.calls += 1
        return [t.upper() for t in texts]


def test_an_engine_that_cannot_name_its_key_is_not_cached_unless_versioned(tmp_path):
    cache = Cache(tmp_path / "c")
    inner = _Undeclared()
    for _ in range(2):
        engine = CachedTranslator(inner, cache)
        engine.translate(TEXTS, "sv", "en")
        assert engine.hits == 0 and "cache_key" in engine.not_cached
    assert inner.calls == 2 and cache.count("translations") == 0
    for _ in range(2):
        CachedTranslator(inner, cache, version="v1").translate(TEXTS, "sv", "en")
    assert inner.calls == 3  # the second versioned run was served from the cache
    CachedTranslator(inner, cache, version="v2").translate(TEXTS, "sv", "en")
    assert inner.calls == 4


def test_damaged_output_is_not_cached(tmp_path):
    cache = Cache(tmp_path / "c")
    bad = "printf 'caf\\351\\n'; cat >/dev/null"  # Latin-1 bytes
    engine = CachedTranslator(create_translator("command", {"command": bad}), cache)
    with pytest.raises(EngineError, match="not UTF-8.*line 1"):
        engine.translate(["one"], "sv", "en")
    assert cache.count("translations") == 0
