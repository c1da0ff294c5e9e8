"""BLEU, chrF and TER must be sacrebleu's own numbers: the API and the CLI on the same lines."""

import subprocess
import sys

import pytest
from conftest import APERTIUM_SV_EN, EN, seed_lines
from sacrebleu.metrics import BLEU, CHRF, TER

from tqcheck.metrics import TranslationTriple, create_metric

HYPS = seed_lines(APERTIUM_SV_EN)[:20]
REFS = seed_lines(EN)[1:21]

CASES = [
    # name, tgt_lang, sacrebleu corpus metric, sacrebleu sentence metric
    ("bleu", "en", BLEU(trg_lang="en"), BLEU(trg_lang="en", effective_order=True)),
    ("chrf", "en", CHRF(), CHRF()),
    ("ter", "en", TER(), TER()),
    ("bleu", "zh", BLEU(trg_lang="zh"), BLEU(trg_lang="zh", effective_order=True)),
    ("ter", "ja", TER(asian_support=True), TER(asian_support=True)),
]


@pytest.mark.parametrize("block", [2000, 3])  # statistics extracted a block of segments at a time
@pytest.mark.parametrize("name,lang,corpus_metric,sentence_metric", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_scores_equal_sacrebleu_api(name, lang, corpus_metric, sentence_metric, block, monkeypatch):
    monkeypatch.setattr("tqcheck.metrics.sacrebleu_metrics.STATISTICS_BLOCK", block)
    triples = [TranslationTriple("", h, r) for h, r in zip(HYPS, REFS)]
    result = create_metric(name, tgt_lang=lang).score(triples)
    expected = corpus_metric.corpus_score(HYPS, [REFS])
    assert result.score == pytest.approx(expected.score, abs=1e-9)
    assert result.signature == corpus_metric.get_signature().format()
    assert result.segment_scores == pytest.approx(
        [sentence_metric.sentence_score(h, [r]).score for h, r in zip(HYPS, REFS)], abs=1e-9
    )
    assert result.higher_is_better == (name != "ter")


def test_language_picks_the_tokeniser():
    zh = create_metric("bleu", tgt_lang="zh").score([TranslationTriple("", "我们 好", "我们好")])
    en = create_metric("bleu", tgt_lang="en").score([TranslationTriple("", "a b", "a b")])
    assert "tok:zh" in zh.signature and "tok:13a" in en.signature


def test_tqcheck_score_equals_the_sacrebleu_cli(tmp_path, invoke):
    import json

    hyp, ref = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    hyp.write_text("\n".join(HYPS) + "\n", encoding="utf-8")
    ref.write_text("\n".join(REFS) + "\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "sacrebleu", str(ref), "-i", str(hyp), "-m", "bleu", "chrf", "ter", "-w", "4"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cli = dict(zip(["bleu", "chrf", "ter"], json.loads(out)))
    report = tmp_path / "report.json"
    result = invoke("score", "--hyp", hyp, "--ref", ref, "--metrics", "bleu,chrf,ter", "--json", report)
    assert result.exit_code == 0, result.stderr
    scores = json.loads(report.read_text())["directions"][0]["scores"]
    for name, expected in cli.items():
        assert round(scores[name]["score"], 4) == pytest.approx(expected["score"], abs=1e-4)
        assert scores[name]["signature"] == expected["signature"]


EDGE_HYPS = ["", "exactly the same words", "no overlap at all", "Ett kort svar .", "a a a a a a a a"]
EDGE_REFS = ["a reference with words", "exactly the same words", "completely different text here", "", "a"]


@pytest.mark.parametrize(
    "name,corpus_metric,sentence_metric",
    [
        ("bleu", BLEU(trg_lang="en"), BLEU(trg_lang="en", effective_order=True)),
        ("chrf", CHRF(), CHRF()),
        ("ter", TER(), TER()),
    ],
)
def test_segment_scores_from_statistics_equal_sentence_score_on_edge_cases(name, corpus_metric, sentence_metric):
    result = create_metric(name, tgt_lang="en").score(
        [TranslationTriple("", h, r) for h, r in zip(EDGE_HYPS, EDGE_REFS)]
    )
    assert result.score == pytest.approx(corpus_metric.corpus_score(EDGE_HYPS, [EDGE_REFS]).score, abs=1e-9)
    assert result.segment_scores == pytest.approx(
        [sentence_metric.sentence_score(h, [r]).score for h, r in zip(EDGE_HYPS, EDGE_REFS)], abs=1e-9
    )


def test_statistics_come_from_the_cache_on_a_rerun_with_identical_scores(tmp_path, monkeypatch):
    """A gate re-run scores the same pairs: sacrebleu extracts only the segments it has not seen."""
    import tqcheck.metrics.sacrebleu_metrics as module
    from tqcheck.cache import Cache
    from tqcheck.metrics import TranslationTriple
    from tqcheck.metrics.sacrebleu_metrics import SacrebleuMetric

    extracted: list[int] = []
    original = module.block_statistics
    monkeypatch.setattr(
        module,
        "block_statistics",
        lambda name, lang, hyps, refs: extracted.append(len(hyps)) or original(name, lang, hyps, refs),
    )
    triples = [TranslationTriple("", f"the cat {k} sat on the mat", f"a cat {k} sat on a mat") for k in range(30)]
    cache = Cache(tmp_path / "cache")
    for name in ("bleu", "chrf", "ter"):
        extracted.clear()
        plain = SacrebleuMetric(name, "en").score(triples)
        first = SacrebleuMetric(name, "en", cache=cache).score(triples)
        again = SacrebleuMetric(name, "en", cache=cache).score(triples)
        changed = triples[:-1] + [TranslationTriple("", "a different sentence", "a cat 29 sat on a mat")]
        partly = SacrebleuMetric(name, "en", cache=cache).score(changed)
        assert extracted == [30, 30, 1]  # plain, first; the re-run none; the changed run one segment
        for result in (first, again):
            assert (result.score, result.segment_scores, result.signature) == (
                plain.score,
                plain.segment_scores,
                plain.signature,
            )
        assert partly.score == SacrebleuMetric(name, "en").score(changed).score


def test_statistics_over_worker_processes_equal_one_process(monkeypatch):
    """Large inputs are extracted over local worker processes (here forced with a low threshold):
    the corpus score, every segment score and the signature are unchanged."""
    import tqcheck.executor as executor
    import tqcheck.metrics.sacrebleu_metrics as module
    from tqcheck.executor import cpu_count
    from tqcheck.metrics import TranslationTriple

    monkeypatch.setattr(executor, "_POOLS", {})
    if cpu_count() < 2:
        pytest.skip("one core: tqcheck never starts worker processes here")
    triples = [TranslationTriple("", h, r) for h, r in zip(HYPS * 5, REFS * 5)]
    monkeypatch.setattr(module, "STATISTICS_BLOCK", 7)
    alone = {name: module.SacrebleuMetric(name, "en").score(triples) for name in ("bleu", "chrf", "ter")}
    monkeypatch.setattr(module, "PARALLEL_MIN_SEGMENTS", 10)
    pools = []
    for name, expected in alone.items():
        metric = module.SacrebleuMetric(name, "en")
        result = metric.score(triples)
        assert metric.ran_on == "local-processes"
        assert (result.score, result.segment_scores, result.signature) == (
            expected.score,
            expected.segment_scores,
            expected.signature,
        )
        pools.append(list(executor._POOLS.values()))
    # the workers are started once and serve all three metrics
    assert len(pools[0]) == 1 and pools[0] == pools[1] == pools[2]


@pytest.mark.parametrize("guarded", [True, False], ids=["guarded script", "unguarded script"])
def test_a_script_without_a_main_guard_is_never_rerun_by_workers(tmp_path, guarded):
    """Spawned workers import the caller's ``__main__``. A script that calls the API at its top
    level would run again in each of them (and fail, or repeat its side effects), so tqcheck
    extracts its statistics in the process itself; a guarded script gets the workers."""
    import subprocess
    import sys

    from tqcheck.executor import cpu_count

    if cpu_count() < 2:
        pytest.skip("one core: tqcheck never starts worker processes here")
    log = tmp_path / "runs.txt"
    body = f"""
import pathlib
from tqcheck.metrics import TranslationTriple
from tqcheck.metrics.sacrebleu_metrics import SacrebleuMetric
with open({str(log)!r}, "a") as runs:
    runs.write("ran\\n")
metric = SacrebleuMetric("ter", "en")
result = metric.score([TranslationTriple("", f"the cat sat on mat {{k}}", f"the cat sat on the mat {{k}}") for k in range(1200)])
print(metric.ran_on, round(result.score, 6))
"""
    if guarded:
        body = "def main():\n" + "".join(f"    {line}\n" for line in body.strip().splitlines())
        body += 'if __name__ == "__main__":\n    main()\n'
    script = tmp_path / "score.py"
    script.write_text(body, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    where, score = done.stdout.split()
    assert where == ("local-processes" if guarded else "local")
    assert log.read_text().count("ran") == 1  # the script's own work ran once, never in a worker
    assert float(score) == pytest.approx(
        100 * 1200 / sum(len(f"the cat sat on the mat {k}".split()) for k in range(1200)), abs=1e-6
    )
