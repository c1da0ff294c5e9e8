"""Corpus scoring beyond sacrebleu's metrics: COMET pooled and per document, baselines per document,
resampling whole documents, and an interrupted corpus run that resumes from the cache."""

from __future__ import annotations

import json
import sys

import pytest
from corpus_inputs import folder_corpus, gold, write

from tqcheck.cache import Cache
from tqcheck.corpus import check_corpus, corpus_directions, plan_folders
from tqcheck.errors import EngineError
from tqcheck.formats.bilingual import Columns
from tqcheck.report.model import DirectionReport, SegmentResult
from tqcheck.significance import pair_segments, paired_tests
from tqcheck.translate import create_translator
from tqcheck.translate.cached import CachedTranslator


def test_comet_pools_as_the_mean_of_every_segment_and_each_document_as_alone(tmp_path, invoke, tiny_models):
    root = folder_corpus(tmp_path)
    comet = ("--metrics", "bleu,comet", "--comet-model", tiny_models["comet_dir"], "--engine", "file", "--no-cache")
    out = tmp_path / "corpus.json"
    result = invoke("check", root / "sv", root / "en", *comet, "--hypothesis", root / "mt", "--json", out)
    assert result.exit_code == 0, result.stdout + result.stderr
    direction = json.loads(out.read_text())["directions"][0]
    segment_comet = [s["scores"]["comet"] for s in direction["segments"]]
    assert direction["scores"]["comet"]["score"] == pytest.approx(sum(segment_comet) / len(segment_comet), abs=1e-12)
    for doc in direction["documents"]:
        alone = tmp_path / "alone.json"
        name = doc["name"]
        args = (root / "sv" / name, root / "en" / name, *comet, "--hypothesis", root / "mt" / name, "--json", alone)
        assert invoke("check", *args).exit_code == 0
        scores = json.loads(alone.read_text())["directions"][0]["scores"]
        assert doc["scores"]["comet"]["score"] == pytest.approx(scores["comet"]["score"], abs=1e-6)
        assert doc["scores"]["comet"]["signature"] == scores["comet"]["signature"]


def _direction(hypotheses: list[str], references: list[str], documents: list[str]) -> DirectionReport:
    segments = [
        SegmentResult((k,), (k,), "", h, r, {}, document=d)
        for k, (h, r, d) in enumerate(zip(hypotheses, references, documents), start=1)
    ]
    return DirectionReport("sv", "en", None, None, None, None, [], segments)


def test_resampling_documents_of_one_segment_each_is_resampling_segments():
    """sacrebleu draws the same indices either way, so with one segment per document the two tests
    must agree exactly: the document rows are built right."""
    _, en, mt = gold()
    worse = [" ".join(line.split()[: len(line.split()) // 2]) for line in mt]
    baseline = _direction(mt, en, [f"d{k}" for k in range(len(en))])
    system = _direction(worse, en, [f"d{k}" for k in range(len(en))])
    pairing = pair_segments(baseline, system)
    by_segment = paired_tests(baseline, system, ["bleu", "chrf"], pairing, samples=200)
    by_document = paired_tests(baseline, system, ["bleu", "chrf"], pairing, samples=200, by_document=True)
    for name in ("bleu", "chrf"):
        assert by_document[name].p_value == pytest.approx(by_segment[name].p_value)
        assert by_document[name].system_ci == pytest.approx(by_segment[name].system_ci)


def test_resampling_documents_is_more_cautious_when_a_document_carries_the_drop():
    """All the damage in one of four documents: segment resampling finds it significant, document
    resampling (whose unit of evidence is the document) does not, with the same point estimate."""
    _, en, mt = gold()
    worse = [(" ".join(line.split()[:3]) if k < 5 else line) for k, line in enumerate(mt)]
    documents = [f"d{k // 5}" for k in range(len(en))]
    baseline, system = _direction(mt, en, documents), _direction(worse, en, documents)
    pairing = pair_segments(baseline, system)
    by_segment = paired_tests(baseline, system, ["bleu"], pairing, samples=1000)["bleu"]
    by_document = paired_tests(baseline, system, ["bleu"], pairing, samples=1000, by_document=True)["bleu"]
    assert by_segment.system == by_document.system
    assert by_segment.p_value < 0.05 <= by_document.p_value


def test_a_baseline_compares_each_document_with_doc_limits(tmp_path, invoke):
    root = folder_corpus(tmp_path)
    base = tmp_path / "base.json"
    args = (root / "sv", root / "en", "--engine", "file", "--no-cache", "--metrics", "bleu")
    assert invoke("check", *args, "--hypothesis", root / "mt", "--json", base).exit_code == 0
    worse = root / "mt-worse"
    for name in ("one.txt", "part/two.txt", "three.txt"):
        lines = (root / "mt" / name).read_text(encoding="utf-8").splitlines()
        write(worse / name, [" ".join(line.split()[:4]) if name == "three.txt" else line for line in lines])
    out = tmp_path / "r.json"
    result = invoke(
        "check", *args, "--hypothesis", worse, "--baseline", base, "--max-drop", "doc:bleu=2", "--json", out
    )
    assert result.exit_code == 1, result.stdout + result.stderr
    checks = json.loads(out.read_text())["gate"]["checks"]
    by_document = {c.get("document"): c for c in checks if c["kind"] == "max_drop"}
    assert not by_document["three.txt"]["passed"] and by_document["one.txt"]["passed"]
    assert by_document["one.txt"]["delta"] == 0 and None in by_document  # the pooled score is compared too


def test_an_interrupted_corpus_run_resumes_where_it_stopped(tmp_path):
    """The engine dies on the second document's chunk; the rerun translates only what is left."""
    root = folder_corpus(tmp_path)
    sv, _, mt = gold()
    table = tmp_path / "table.json"
    table.write_text(json.dumps(dict(zip(sv, mt)), ensure_ascii=False), encoding="utf-8")
    log, allow = tmp_path / "calls.log", tmp_path / "allow"
    script = tmp_path / "engine.py"
    script.write_text(
        "import json, pathlib, sys\n"
        f"log = pathlib.Path({str(log)!r}); allow = pathlib.Path({str(allow)!r})\n"
        "calls = (log.read_text().count('\\n') if log.exists() else 0) + 1\n"
        "log.write_text('call\\n' * calls)\n"
        "if calls == 2 and not allow.exists(): sys.exit(1)\n"
        f"table = json.loads(pathlib.Path({str(table)!r}).read_text())\n"
        "for line in sys.stdin: print(table[line.rstrip(chr(10))])\n"
    )
    plan = plan_folders(str(root / "sv"), str(root / "en"))
    (direction,) = corpus_directions(plan, "sv", "en", None, Columns())
    cache = Cache(tmp_path / "cache")

    def engine():
        command = create_translator("command", {"command": f"{sys.executable} {script}", "independent": "true"})
        return CachedTranslator(command, cache)

    with pytest.raises(EngineError):
        check_corpus(direction, engine(), ["bleu"], chunk_segments=7)
    assert log.read_text().count("\n") == 2
    allow.touch()
    report = check_corpus(direction, engine(), ["bleu"], chunk_segments=7)
    assert log.read_text().count("\n") == 4  # the failed chunk again, then the last one: not the first
    assert report.translation_cache == {"from_cache": 7, "translated": 13}
    said: list[str] = []
    uncached = check_corpus(
        direction, create_translator("file", {"hypothesis": str(root / "mt")}), ["bleu"], progress=said.append
    )
    assert report.metrics[0].score == uncached.metrics[0].score
    documents = len(uncached.documents or [])
    assert any(line.startswith(f"aligning documents: {documents}/{documents} (") for line in said), said
