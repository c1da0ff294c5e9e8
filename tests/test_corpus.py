"""Corpus runs: folders, layouts and manifests of many documents, one pooled verdict with a report per
document. Pooled scores equal sacrebleu's on the concatenation, per-document scores equal a run on
that pair alone, and every file or document left out is listed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import sacrebleu
from corpus_inputs import GROUPS, folder_corpus, gold, po_catalogue, write

FILE_ENGINE = ("--engine", "file", "--no-cache")


def run_json(invoke, tmp_path, *args, name="r.json", code=0):
    out = tmp_path / name
    result = invoke("check", *args, "--json", out)
    assert result.exit_code == code, result.stdout + result.stderr
    return json.loads(out.read_text()), result


def test_folders_pool_like_sacrebleu_on_the_concatenation_and_list_what_is_left_out(tmp_path, invoke):
    root = folder_corpus(tmp_path)
    report, result = run_json(
        invoke,
        tmp_path,
        root / "sv",
        root / "en",
        *FILE_ENGINE,
        "--hypothesis",
        root / "mt",
        "--metrics",
        "bleu,chrf,ter",
    )
    (direction,) = report["directions"]
    _, en, mt = gold()
    assert direction["scores"]["bleu"]["score"] == pytest.approx(sacrebleu.corpus_bleu(mt, [en]).score, abs=1e-9)
    assert direction["scores"]["chrf"]["score"] == pytest.approx(sacrebleu.corpus_chrf(mt, [en]).score, abs=1e-9)
    assert direction["scores"]["ter"]["score"] == pytest.approx(sacrebleu.corpus_ter(mt, [en]).score, abs=1e-9)
    documents = {doc["name"]: doc for doc in direction["documents"]}
    assert sorted(documents) == ["one.txt", "part/two.txt", "three.txt"]  # notes.csv is not a document type
    assert documents["one.txt"]["alignment"]["unmatched"][0]["side"] == "reference"  # the English-only title
    assert {(u["side"], u["path"].rsplit("/", 1)[1]) for u in direction["unpaired_files"]} == {
        ("source", "only-in-swedish.txt"),
        ("reference", "only-in-english.txt"),
    }
    assert any("no counterpart" in w for w in direction["warnings"])
    assert {s["document"] for s in direction["segments"]} == set(documents)
    assert "Worst 3 of 3 documents" in result.stdout and "only-in-swedish.txt" in result.stdout


def test_each_document_scores_as_a_run_on_that_pair_alone(tmp_path, invoke):
    root = folder_corpus(tmp_path)
    corpus, _ = run_json(invoke, tmp_path, root / "sv", root / "en", *FILE_ENGINE, "--hypothesis", root / "mt")
    for doc in corpus["directions"][0]["documents"]:
        alone, _ = run_json(
            invoke,
            tmp_path,
            root / "sv" / doc["name"],
            root / "en" / doc["name"],
            *FILE_ENGINE,
            "--hypothesis",
            root / "mt" / doc["name"],
            name="alone.json",
        )
        scores = alone["directions"][0]["scores"]
        assert {k: v["score"] for k, v in doc["scores"].items()} == {k: v["score"] for k, v in scores.items()}
        assert {k: v["signature"] for k, v in doc["scores"].items()} == {k: v["signature"] for k, v in scores.items()}


def test_include_and_exclude_choose_the_documents(tmp_path, invoke):
    root = folder_corpus(tmp_path)
    args = (root / "sv", root / "en", *FILE_ENGINE, "--hypothesis", root / "mt")
    report, _ = run_json(invoke, tmp_path, *args, "--include", "part/*", "--metrics", "bleu")
    assert [doc["name"] for doc in report["directions"][0]["documents"]] == ["part/two.txt"]
    report, _ = run_json(invoke, tmp_path, *args, "--exclude", "*o*.txt", "--metrics", "bleu")
    assert [doc["name"] for doc in report["directions"][0]["documents"]] == ["three.txt"]
    result = invoke("check", *args, "--include", "*.md")
    assert result.exit_code == 2 and "pairs no documents" in result.stderr


def test_a_manifest_groups_pairs_into_directions(tmp_path, invoke):
    root = folder_corpus(tmp_path)
    po_catalogue(root / "app.po")
    mt = root / "mt-all"
    sv, en, mtl = gold()
    manifest = write(
        root / "pairs.tsv",
        ["source\treference\tsrc_lang\ttgt_lang", "sv/one.txt\ten/one.txt\tsv\ten", "# a comment",
         "en/three.txt\tsv/three.txt\ten\tsv", "app.po"],
    )  # fmt: skip
    # the file engine reads each direction's translations from its own folder, by the name in the manifest
    write(mt / "sv-en" / "sv/one.txt", mtl[0:7])
    write(mt / "sv-en" / "app.po", mtl + ["One file has been saved", "%d files have been saved"])
    write(mt / "en-sv" / "en/three.txt", sv[14:20])  # a perfect "MT" into Swedish
    report, _ = run_json(
        invoke, tmp_path, "--manifest", manifest, *FILE_ENGINE,
        "--hypothesis", f"sv-en={mt / 'sv-en'},en-sv={mt / 'en-sv'}", "--metrics", "bleu",
    )  # fmt: skip
    directions = {d["direction"]: d for d in report["directions"]}
    assert sorted(directions) == ["en-sv", "sv-en"]
    assert directions["en-sv"]["scores"]["bleu"]["score"] == pytest.approx(100.0)
    documents = directions["sv-en"]["documents"]
    assert [doc["name"] for doc in documents] == ["sv/one.txt", "app.po"]
    assert documents[1]["skipped_entries"] == {"fuzzy": 1, "untranslated": 1, "obsolete": 1, "whitespace only": 1}
    overwrite = invoke("check", "--manifest", manifest, *FILE_ENGINE, "--json", manifest)
    assert overwrite.exit_code == 2 and "destroy" in overwrite.stderr and manifest.read_text().startswith("source")
    bad = write(root / "bad.tsv", ["sv/one.txt\tmissing.txt"])
    result = invoke("check", "--manifest", bad, *FILE_ENGINE)
    assert result.exit_code == 2 and "line 1" in result.stderr and "missing.txt does not exist" in result.stderr


def test_a_lang_layout_pairs_files_where_only_the_language_differs(tmp_path, invoke):
    sv, en, mt = gold()
    for k, (a, b) in enumerate(GROUPS):
        write(tmp_path / "docs" / "sv" / f"page{k}.md", [f"{line}\n" for line in sv[a:b]])
        write(tmp_path / "docs" / "en" / f"page{k}.md", [f"{line}\n" for line in en[a:b]])
        write(tmp_path / "mt" / f"page{k}.md", mt[a:b])
    write(tmp_path / "docs" / "sv" / "draft.md", ["Bara ett utkast."])
    report, _ = run_json(
        invoke, tmp_path, str(tmp_path / "docs" / "{lang}" / "*.md"), "--src-lang", "sv", "--tgt-lang", "en",
        *FILE_ENGINE, "--hypothesis", tmp_path / "mt", "--metrics", "bleu", "--exclude", "*draft*",
    )  # fmt: skip
    direction = report["directions"][0]
    assert [doc["name"] for doc in direction["documents"]] == ["page0.md", "page1.md", "page2.md"]
    assert direction["unpaired_files"] == []
    assert direction["scores"]["bleu"]["score"] == pytest.approx(sacrebleu.corpus_bleu(mt, [en]).score, abs=1e-9)
    result = invoke("check", str(tmp_path / "docs" / "{lang}" / "*.md"), *FILE_ENGINE)
    assert result.exit_code == 2 and "--src-lang and --tgt-lang" in result.stderr


def test_per_document_thresholds_fail_the_gate_and_show_in_junit(tmp_path, invoke):
    root = folder_corpus(tmp_path)
    junit, html = tmp_path / "j.xml", tmp_path / "r.html"
    report, result = run_json(
        invoke, tmp_path, root / "sv", root / "en", *FILE_ENGINE, "--hypothesis", root / "mt",
        "--metrics", "bleu,chrf", "--fail-under", "bleu=10", "--fail-under", "doc:bleu=13",
        "--junit", junit, "--html", html, code=1,
    )  # fmt: skip
    checks = report["gate"]["checks"]
    failing = [c["document"] for c in checks if not c["passed"]]
    scores = {doc["name"]: doc["scores"]["bleu"]["score"] for doc in report["directions"][0]["documents"]}
    assert failing == [name for name, score in scores.items() if score < 13] and failing
    assert any(c.get("document") is None and c["passed"] for c in checks)  # the pooled BLEU passes
    suites = {s.get("name"): s for s in ET.parse(junit).getroot()}
    cases = suites["tqcheck sv-en documents"].findall("testcase")
    assert len(cases) == 3 * 2  # one per document and metric
    assert sorted(c.get("name") for c in cases if c.find("failure") is not None) == [f"{n} BLEU" for n in failing]
    page = html.read_text()
    assert page.index(">" + failing[0] + "</a>") < page.index(">three.txt</a>")  # index: worst first
    assert 'href="#doc-sv-en-1"' in page and 'id="doc-sv-en-1-segments"' in page
    assert f"{3 - len(failing)} document(s) pass" in page  # passing per-document checks are counted, not listed
    assert "doc:" not in result.stderr or "quality gate failed" in result.stderr


def test_a_document_limit_on_a_single_pair_is_refused(invoke):
    result = invoke("check", "--fail-under", "doc:bleu=10", *FILE_ENGINE, "--hypothesis", "x")
    assert result.exit_code == 2 and "applies to every document of a corpus" in result.stderr


def test_a_document_that_cannot_be_aligned_is_listed_not_scored(tmp_path, invoke):
    root = folder_corpus(tmp_path)
    write(root / "sv" / "wrong.txt", ["Helt annan text om väder och vind i fjällen."])
    write(root / "en" / "wrong.txt", ["12345 67890"])
    write(root / "mt" / "wrong.txt", ["Completely different text about weather and wind in the mountains."])
    report, result = run_json(invoke, tmp_path, root / "sv", root / "en", *FILE_ENGINE, "--hypothesis", root / "mt")
    direction = report["directions"][0]
    wrong = next(doc for doc in direction["documents"] if doc["name"] == "wrong.txt")
    assert wrong["not_scored"] and wrong["scores"] == {} and wrong["segments"]["count"] == 0
    assert any("1 of 4 documents could not be scored" in w for w in direction["warnings"])
    _, en, mt = gold()
    assert direction["scores"]["bleu"]["score"] == pytest.approx(sacrebleu.corpus_bleu(mt, [en]).score, abs=1e-9)


def test_both_directions_of_a_folder_corpus(tmp_path, invoke):
    root = folder_corpus(tmp_path, extra_title=False)
    sv, _, _ = gold()
    for name, (a, b) in zip(["one.txt", "part/two.txt", "three.txt"], GROUPS):
        write(root / "mt-sv" / name, sv[a:b])
    report, _ = run_json(
        invoke, tmp_path, root / "sv", root / "en", *FILE_ENGINE, "--direction", "both",
        "--hypothesis", f"sv-en={root / 'mt'},en-sv={root / 'mt-sv'}", "--metrics", "bleu",
    )  # fmt: skip
    assert [d["direction"] for d in report["directions"]] == ["sv-en", "en-sv"]
    assert report["directions"][1]["scores"]["bleu"]["score"] == pytest.approx(100.0)
    assert report["directions"][1]["documents"][0]["source"].endswith("en/one.txt")


def test_a_document_whose_mt_is_in_another_language_is_not_scored_unless_most_are(tmp_path, invoke):
    """One page of untranslated names is that page's problem; most of the corpus off target is the engine's."""
    root = folder_corpus(tmp_path)
    sv, _, _ = gold()
    write(root / "mt" / "three.txt", sv[14:20])  # "MT" that is the Swedish source
    report, _ = run_json(invoke, tmp_path, root / "sv", root / "en", *FILE_ENGINE, "--hypothesis", root / "mt")
    documents = {doc["name"]: doc for doc in report["directions"][0]["documents"]}
    assert "is not in 'en'" in documents["three.txt"]["not_scored"] and documents["one.txt"]["scores"]
    write(root / "mt" / "one.txt", sv[0:7])
    result = invoke("check", root / "sv", root / "en", *FILE_ENGINE, "--hypothesis", root / "mt")
    assert result.exit_code == 3 and "the MT of 2 of 3 documents" in result.stderr
