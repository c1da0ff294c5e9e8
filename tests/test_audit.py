"""The reference audit: ranking, the library call on the seed pair, and the CLI's outputs."""

import json

import pytest
from browser import dump_dom, needs_chromium
from conftest import APERTIUM_COMMAND, APERTIUM_SV_EN, EN, SV, needs_apertium, seed_lines

from tqcheck.audit import audit_reference, rank_suspicion
from tqcheck.documents import load_document
from tqcheck.metrics.comet_metric import CometMetric
from tqcheck.translate.file import FileTranslator


def test_low_qe_and_a_leading_mt_are_the_suspicious_ones():
    reference_qe = [0.80, 0.82, 0.79, 0.81, 0.40, 0.80, 0.83, 0.78]
    mt_qe = [0.80, 0.80, 0.80, 0.80, 0.80, 0.80, 0.80, 0.95]
    ranked = rank_suspicion(reference_qe, mt_qe, None)
    order = sorted(range(len(ranked)), key=lambda k: -ranked[k][0])
    assert order[0] == 4
    assert any("low QE" in reason for reason in ranked[4][1])
    assert any("the MT scores" in reason for reason in ranked[4][1])
    assert any("the MT scores 0.1700 above" in reason for reason in ranked[7][1])
    assert ranked[1][1] == ()


def test_nothing_stands_out_when_every_segment_is_alike():
    assert rank_suspicion([0.5] * 4, [0.6] * 4, [50.0] * 4) == [(0.0, ())] * 4
    # differences too small to matter are no reason, however uniform the rest
    ranked = rank_suspicion([0.800, 0.801, 0.799, 0.800, 0.780], [0.8] * 5, [50.0, 50.0, 50.0, 50.0, 45.0])
    assert all(reasons == () for _, reasons in ranked)


def test_a_reference_far_from_the_mt_is_named():
    ranked = rank_suspicion([0.5] * 6, None, [60.0, 62.0, 58.0, 61.0, 5.0, 59.0])
    assert max(range(6), key=lambda k: ranked[k][0]) == 4
    assert "far from the MT (chrF 5.0)" in ranked[4][1][0]


def _seed_audit(tiny_models, english_lines=None, tmp_path=None):
    reference = EN
    if english_lines is not None:
        reference = tmp_path / "en.txt"
        reference.write_text("\n".join(english_lines) + "\n", encoding="utf-8")
    source, ref = load_document(SV, "sv"), load_document(reference, "en")
    qe = CometMetric(model=str(tiny_models["kiwi_dir"]), gpus=0, reference_free=True)
    return audit_reference(source, ref, qe, FileTranslator(hypothesis=str(APERTIUM_SV_EN)))


def test_audit_scores_the_reference_with_comet_itself(tiny_models):
    import comet

    audit = _seed_audit(tiny_models)
    assert len(audit.segments) == 20 and audit.mt_qe is not None
    model = comet.load_from_checkpoint(
        str(tiny_models["kiwi_dir"] / "checkpoints" / "model.ckpt"), local_files_only=True
    )
    expected = model.predict(
        [{"src": s.source, "mt": s.reference} for s in audit.segments], batch_size=8, gpus=0, progress_bar=False
    )
    assert [s.reference_qe for s in audit.segments] == pytest.approx(expected.scores, abs=1e-5)
    expected_mt = model.predict(
        [{"src": s.source, "mt": s.mt} for s in audit.segments], batch_size=8, gpus=0, progress_bar=False
    )
    assert [s.mt_qe for s in audit.segments] == pytest.approx(expected_mt.scores, abs=1e-5)
    top = audit.most_suspicious(5)
    assert [audit.segments[k].suspicion for k in top] == sorted((s.suspicion for s in audit.segments), reverse=True)[:5]


def test_a_truncated_reference_line_comes_first(tiny_models, tmp_path):
    english = seed_lines(EN)
    words = english[8].split()
    english[8] = " ".join(words[: len(words) // 3])  # a translation that stops a third of the way in
    audit = _seed_audit(tiny_models, english, tmp_path)
    planted = next(k for k, s in enumerate(audit.segments) if s.reference == english[8])
    assert audit.most_suspicious(1) == [planted]
    assert any("far from the MT" in reason for reason in audit.segments[planted].reasons)


def test_an_unrelated_reference_line_in_its_place_is_audited_first(tiny_models, tmp_path):
    """The aligner leaves it unmatched; the audit pairs it with the source line in the same gap."""
    from tqcheck.audit import ORPHAN_REASON

    english = seed_lines(EN)
    english[8] = "Our weekend offer: two pizzas for the price of one, every Friday until midnight."
    audit = _seed_audit(tiny_models, english, tmp_path)
    (planted,) = [k for k, s in enumerate(audit.segments) if s.reference.startswith("Our weekend offer")]
    assert (audit.segments[planted].source_lines, audit.segments[planted].reference_lines) == ((8,), (9,))
    assert audit.most_suspicious(1) == [planted] and audit.segments[planted].reasons[0] == ORPHAN_REASON
    assert not any(u.side == "reference" and u.line == 9 for u in audit.alignment.unmatched)
    assert sorted((u.side, u.line) for u in audit.alignment.unmatched) == [
        ("reference", 1),
        ("source", 21),
        ("source", 22),
    ]


def test_audit_cli_writes_json_and_html(invoke, tiny_models, tmp_path):
    report, page = tmp_path / "audit.json", tmp_path / "audit.html"
    result = invoke(
        "audit",
        SV,
        EN,
        "--engine",
        "file",
        "--hypothesis",
        APERTIUM_SV_EN,
        "--qe-model",
        tiny_models["xcomet_dir"],
        "--top",
        "3",
        "--json",
        report,
        "--html",
        page,
    )
    assert result.exit_code == 0, result.stderr
    assert "The 3 most suspicious reference segments" in result.stdout
    top = json.loads(report.read_text(encoding="utf-8"))
    assert top["kind"] == "audit" and top["tool"]["name"] == "tqcheck" and top["command"] == "audit"
    (data,) = top["directions"]
    assert data["direction"] == "sv-en" and len(data["segments"]) == 20
    assert sorted(data["most_suspicious"]) == list(range(20))
    assert data["reference_qe"]["signature"].startswith(f"model:{tiny_models['xcomet_dir']}|ref:no")
    assert any(s["error_spans"] for s in data["segments"])  # XCOMET marks errors in the reference
    assert sorted((u["side"], u["line"]) for u in data["unmatched"]) == [
        ("reference", 1),
        ("source", 21),
        ("source", 22),
    ]
    text = page.read_text(encoding="utf-8")
    assert text.count('<tr data-index="') == 20


@needs_chromium
def test_audit_html_renders_and_sorts_by_reference_qe(invoke, tiny_models, tmp_path):
    report, page = tmp_path / "audit.json", tmp_path / "audit.html"
    result = invoke(
        "audit",
        SV,
        EN,
        "--engine",
        "file",
        "--hypothesis",
        APERTIUM_SV_EN,
        "--qe-model",
        tiny_models["kiwi_dir"],
        "--json",
        report,
        "--html",
        page,
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(report.read_text(encoding="utf-8"))["directions"][0]
    import re

    dom = dump_dom(page)
    ranked = [data["segments"][k]["reference_qe"] for k in data["most_suspicious"]]
    rows = [int(k) for k in re.findall(r'<tr data-index="(\d+)"', dom)]
    assert rows == list(range(1, 21))
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "</body>", "<script>document.querySelector('th[data-sort=\"refqe\"]').click();</script></body>"
        ),
        encoding="utf-8",
    )
    rows = [int(k) for k in re.findall(r'<tr data-index="(\d+)"', dump_dom(page))]
    assert [ranked[k - 1] for k in rows] == sorted(ranked)


def test_audit_without_mt_uses_qe_only(invoke, tiny_models, tmp_path):
    report = tmp_path / "audit.json"
    result = invoke("audit", SV, EN, "--no-mt", "--qe-model", tiny_models["qe_dir"], "--json", report)
    assert result.exit_code == 0, result.stderr
    data = json.loads(report.read_text(encoding="utf-8"))["directions"][0]
    assert data["mt_qe"] is None and data["engine"] is None
    assert all(s["mt"] is None and s["chrf_vs_mt"] is None for s in data["segments"])
    assert len(data["segments"]) >= 15  # aligned on the source alone: names, numbers and punctuation carry it


def test_audit_with_a_reference_based_model_exits_2(invoke, tiny_models):
    result = invoke("audit", SV, EN, "--no-mt", "--qe-model", tiny_models["comet_dir"])
    assert result.exit_code == 2
    assert "reference-based COMET model" in result.stderr and result.stderr.count("\n") == 1


def test_audit_by_sentence_names_the_sentences(invoke, tiny_models, tmp_path):
    report = tmp_path / "audit.json"
    result = invoke(
        "audit",
        SV,
        EN,
        "--model",
        tiny_models["marian_sv_en"],
        "--qe-model",
        tiny_models["kiwi_dir"],
        "--unit",
        "sentence",
        "--json",
        report,
    )
    assert result.exit_code == 0, result.stderr
    assert "src↔ref sentences" in result.stdout
    data = json.loads(report.read_text(encoding="utf-8"))["directions"][0]
    assert data["unit"] == "sentence" and len(data["segments"]) >= 25
    assert all(s["source_sentences"] and s["reference_sentences"] for s in data["segments"])


@needs_apertium
def test_a_wrong_sentence_inside_a_good_paragraph_comes_first_by_sentence(tiny_models, tmp_path):
    """By paragraph a wrong sentence is diluted by its good neighbours; by sentence it stands alone."""
    from tqcheck.translate.command import CommandTranslator

    english = seed_lines(EN)
    first, second, third = english[8].split(". ", 2)
    english[8] = f"{first}. The weather in Lisbon was sunny and warm all week long. {third}"
    reference = tmp_path / "en.txt"
    reference.write_text("\n".join(english) + "\n", encoding="utf-8")
    qe = CometMetric(model=str(tiny_models["kiwi_dir"]), gpus=0, reference_free=True)

    def audit(unit):
        return audit_reference(
            load_document(SV, "sv"),
            load_document(reference, "en"),
            qe,
            CommandTranslator(command=APERTIUM_COMMAND),
            unit=unit,
        )

    by_sentence = audit("sentence")
    top = by_sentence.segments[by_sentence.most_suspicious(1)[0]]
    assert top.reference.startswith("The weather in Lisbon") and top.reference_sentences == ("9.2",)
    assert any("far from the MT" in reason for reason in top.reasons)
    by_paragraph = audit("paragraph")
    assert by_paragraph.segments[by_paragraph.most_suspicious(1)[0]].reference_lines != (9,)


UNRELATED_SV = "Regeringen presenterade i dag en ny budget för skolan och vården.\nKatten sov hela dagen på fönsterbrädan i köket.\nPriset på el steg kraftigt under vintern i norra Sverige.\n"
UNRELATED_EN = "The football match ended in a draw after extra time.\nA recipe for bread needs flour, water, salt and yeast.\nThe mountain trail was closed because of heavy snow.\n"
UNRELATED_MT = "Stocks fell sharply on Monday.\nThe new library opens next spring.\nHeavy rain flooded several roads.\n"


@pytest.mark.parametrize("command", ["audit", "check"])
def test_documents_that_share_no_line_are_bad_input(invoke, tiny_models, tmp_path, command):
    """Check and audit share the translate-and-align step; neither scores a pair that does not exist."""
    for name, text in (("sv.txt", UNRELATED_SV), ("en.txt", UNRELATED_EN), ("mt.txt", UNRELATED_MT)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    engine = (
        ["--no-mt", "--qe-model", tiny_models["qe_dir"]]
        if command == "audit"
        else ["--engine", "file", "--hypothesis", tmp_path / "mt.txt", "--metrics", "bleu"]
    )
    result = invoke(command, tmp_path / "sv.txt", tmp_path / "en.txt", *engine)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "could be aligned" in result.stderr
    assert ("engine translates" in result.stderr) == (command == "check")


def test_an_audit_report_is_refused_as_a_baseline(invoke, tiny_models, tmp_path):
    audit = tmp_path / "audit.json"
    assert invoke("audit", SV, EN, "--no-mt", "--qe-model", tiny_models["qe_dir"], "--json", audit).exit_code == 0
    result = invoke(
        "check", SV, EN, "--engine", "file", "--hypothesis", APERTIUM_SV_EN, "--metrics", "bleu", "--baseline", audit
    )
    assert result.exit_code == 2 and "is a reference audit" in result.stderr
