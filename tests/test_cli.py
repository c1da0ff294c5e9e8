"""The CLI end to end through typer's CliRunner, with tiny local models and real engines."""

import json
import subprocess
import sys

import pytest
from conftest import APERTIUM_COMMAND, APERTIUM_SV_EN, EN, GOLD_SV_EN, SV, needs_apertium
from sacrebleu.metrics import BLEU, CHRF, TER

FILE_ENGINE = ["--engine", "file", "--hypothesis", APERTIUM_SV_EN]


def read_json(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_check_with_file_engine_and_tiny_comet(invoke, tiny_models, tmp_path):
    report = tmp_path / "report.json"
    result = invoke("check", SV, EN, *FILE_ENGINE, "--comet-model", tiny_models["comet_dir"], "--json", report)
    assert result.exit_code == 0, result.stderr
    for label in ("BLEU", "chrF", "TER", "COMET", "Alignment 20 aligned pairs", "Worst 5 segments by COMET"):
        assert label in result.stdout
    data = read_json(report)
    assert data["schema_version"] == 1 and data["command"] == "check"
    (direction,) = data["directions"]
    assert direction["direction"] == "sv-en"
    assert [(tuple(s["source_lines"]), tuple(s["reference_lines"])) for s in direction["segments"]] == GOLD_SV_EN
    assert sorted((u["side"], u["line"]) for u in direction["alignment"]["unmatched"]) == [
        ("reference", 1),
        ("source", 21),
        ("source", 22),
    ]
    hyps = [s["hypothesis"] for s in direction["segments"]]
    refs = [s["reference"] for s in direction["segments"]]
    assert direction["scores"]["bleu"]["score"] == pytest.approx(BLEU(trg_lang="en").corpus_score(hyps, [refs]).score)
    assert direction["scores"]["chrf"]["score"] == pytest.approx(CHRF().corpus_score(hyps, [refs]).score)
    assert direction["scores"]["ter"]["score"] == pytest.approx(TER().corpus_score(hyps, [refs]).score)
    assert direction["scores"]["comet"]["signature"].startswith("model:")
    assert len(direction["worst_segments"]["indices"]) == 5 and direction["worst_segments"]["by"] == "comet"


def test_check_seed_pair_both_directions_with_tiny_marian(invoke, tiny_models, tmp_path):
    report, saved = tmp_path / "report.json", tmp_path / "mt.txt"
    models = f"sv-en={tiny_models['marian_sv_en']},en-sv={tiny_models['marian_en_sv']}"
    result = invoke(
        "check",
        "--model",
        models,
        "--comet-model",
        tiny_models["comet_ckpt"],
        "--json",
        report,
        "--save-translation",
        saved,
    )
    assert result.exit_code == 0, result.stderr
    data = read_json(report)
    assert [d["direction"] for d in data["directions"]] == ["sv-en", "en-sv"]
    for direction in data["directions"]:
        assert set(direction["scores"]) == {"bleu", "chrf", "ter", "comet"}
        assert direction["engine"]["engine"] == "marian"
    assert len((tmp_path / "mt.sv-en.txt").read_text().splitlines()) == 22
    assert len((tmp_path / "mt.en-sv.txt").read_text().splitlines()) == 21


def test_default_comet_unavailable_is_skipped_with_reason(invoke):
    result = invoke("check", SV, EN, *FILE_ENGINE)
    assert result.exit_code == 0, result.stderr
    assert "COMET skipped" in result.stdout and "Unbabel/wmt22-comet-da" in result.stdout
    assert "BLEU" in result.stdout


def test_explicit_comet_unavailable_fails_with_exit_3(invoke):
    result = invoke("check", SV, EN, *FILE_ENGINE, "--metrics", "bleu,comet")
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and "Unbabel/wmt22-comet-da" in result.stderr
    assert "Traceback" not in result.stderr


def test_default_marian_unavailable_exits_3_and_names_the_fix(invoke):
    result = invoke("check", "--direction", "sv-en")
    assert result.exit_code == 3
    assert "Helsinki-NLP/opus-mt-sv-en" in result.stderr and "--model PATH" in result.stderr
    assert result.stderr.count("\n") == 1


@needs_apertium
def test_check_with_apertium_command_engine(invoke, tmp_path):
    report = tmp_path / "r.json"
    result = invoke(
        "check",
        "--direction",
        "sv-en",
        "--engine",
        "command",
        "--command",
        APERTIUM_COMMAND,
        "--metrics",
        "bleu,chrf,ter",
        "--json",
        report,
    )
    assert result.exit_code == 0, result.stderr
    segments = read_json(report)["directions"][0]["segments"]
    assert [(tuple(s["source_lines"]), tuple(s["reference_lines"])) for s in segments] == GOLD_SV_EN


def test_score_command_and_comet_with_source(invoke, tiny_models, tmp_path):
    src, hyp, ref = tmp_path / "src.txt", tmp_path / "hyp.txt", tmp_path / "ref.txt"
    src.write_text("\n".join(SV.read_text().splitlines()[:20]) + "\n")
    hyp.write_text("\n".join(APERTIUM_SV_EN.read_text().splitlines()[:20]) + "\n")
    ref.write_text("\n".join(EN.read_text().splitlines()[1:21]) + "\n")
    report = tmp_path / "r.json"
    result = invoke(
        "score", "--hyp", hyp, "--ref", ref, "--src", src, "--comet-model", tiny_models["comet_dir"], "--json", report
    )
    assert result.exit_code == 0, result.stderr
    direction = read_json(report)["directions"][0]
    assert set(direction["scores"]) == {"bleu", "chrf", "ter", "comet"}
    assert (direction["src_lang"], direction["tgt_lang"]) == ("sv", "en")
    assert len(direction["segments"]) == 20


def test_score_without_source_skips_comet(invoke, tmp_path):
    hyp, ref = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    hyp.write_text("The cat sat on the mat.\n")
    ref.write_text("The cat sat on a mat.\n")
    result = invoke("score", "--hyp", hyp, "--ref", ref)
    assert result.exit_code == 0, result.stderr
    assert "COMET skipped: no --src given" in result.stdout


def test_score_line_count_mismatch_exits_2(invoke, tmp_path):
    hyp, ref = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    hyp.write_text("one\ntwo\n")
    ref.write_text("one\n")
    result = invoke("score", "--hyp", hyp, "--ref", ref, "--metrics", "bleu")
    assert result.exit_code == 2
    assert "has 2 lines but" in result.stderr and result.stderr.count("\n") == 1


def test_align_writes_every_line_once(invoke, tmp_path):
    source = tmp_path / "sv.txt"
    source.write_text(SV.read_text(encoding="utf-8").replace("\nLäs mer:", "\n\nLäs mer:"), encoding="utf-8")
    hypothesis = tmp_path / "hyp.txt"
    hypothesis.write_text(
        APERTIUM_SV_EN.read_text(encoding="utf-8").replace("\nRead more:", "\n\nRead more:"), encoding="utf-8"
    )
    tsv = tmp_path / "align.tsv"
    result = invoke("align", source, EN, "--engine", "file", "--hypothesis", hypothesis, "--tsv", tsv)
    assert result.exit_code == 0, result.stderr
    rows = [line.split("\t") for line in tsv.read_text().splitlines()]
    expected = (
        [["", "1"]] + [[str(i), str(i + 1)] for i in range(1, 20)] + [["20", ""], ["21", "21"], ["22", ""], ["23", ""]]
    )
    assert rows == expected
    src_lines = [int(x) for r in rows for x in r[0].split(",") if x]
    ref_lines = [int(x) for r in rows for x in r[1].split(",") if x]
    assert sorted(src_lines) == list(range(1, 24)) and sorted(ref_lines) == list(range(1, 22))


def test_translate_command_is_line_parallel(invoke, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Hej världen.\n\nHej igen, världen.\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    toy_mt = "sed -e 's/Hej igen/Hello again/' -e 's/Hej/Hello/' -e 's/världen/world/'"
    result = invoke("translate", source, "--to", "en", "--engine", "command", "--command", toy_mt, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == "Hello world.\n\nHello again, world.\n"


def test_help_imports_no_numerical_library():
    """`tqcheck --help` is the first thing a user runs: none of numpy, scipy, sacrebleu or the
    entry-point scan (importlib.metadata) belongs on its path (bench/RESULTS.md has the time)."""
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom tqcheck.cli import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "heavy = sorted(m for m in ('numpy', 'scipy', 'sacrebleu', 'importlib.metadata') if m in sys.modules)\n"
        "print(r.exit_code, ','.join(heavy) or 'none')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "none"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["check", "/nonexistent/src.txt", EN], "/nonexistent/src.txt: no such file"),
        (["check", SV], "pass both SOURCE and REFERENCE"),
        (["check", EN, EN], "are both in language 'en'"),
        (
            ["check", "--direction", "de-en", "--engine", "command", "--command", "cat"],
            "--direction de-en does not match",
        ),
        (["check", "--metrics", "bleu,meteor"], "unknown metric meteor"),
        (["check", "--engine", "nope"], "unknown engine 'nope'"),
        (["score", "--hyp", SV.parent, "--ref", EN], "is a directory"),
    ],
)
def test_bad_input_exits_2_with_one_line(invoke, args, message):
    result = invoke(*args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "has no text"),
        (b"\x00\x01binary\x00", "binary file"),
    ],
)
def test_bad_files_exit_2(invoke, tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = invoke("check", bad, EN, *FILE_ENGINE)
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1


def test_models_pull_without_a_hub_exits_3(invoke):
    result = invoke("models", "pull", "Helsinki-NLP/opus-mt-sv-en")
    assert result.exit_code == 3
    assert "cannot pull Helsinki-NLP/opus-mt-sv-en: the hub is unreachable" in result.stderr
    assert result.stderr.count("\n") == 1


def test_worst_segments_are_indices_even_for_identical_segments():
    from tqcheck.pipeline import score_lines

    report = score_lines(
        ["Read more:", "a b c", "Read more:"],
        ["Read more:", "x y z", "Read more:"],
        None,
        ["chrf"],
        src_lang="sv",
        tgt_lang="en",
    )
    by, indices = report.worst_segments(3)
    assert by == "chrf" and indices[0] == 1 and sorted(indices) == [0, 1, 2]


def test_engine_failure_exits_3(invoke):
    result = invoke("check", "--direction", "sv-en", "--engine", "command", "--command", "head -n 2")
    assert result.exit_code == 3 and "printed 2 lines for 22 input lines" in result.stderr


def test_debug_shows_the_traceback():
    env = {"TQCHECK_DEBUG": "1", "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "tqcheck", "check", "/nonexistent", str(EN)], capture_output=True, text=True, env=env
    )
    assert done.returncode != 0 and "Traceback" in done.stderr


LIGHT_COMMANDS = [
    ["--help"],
    ["score", "--hyp", str(APERTIUM_SV_EN), "--ref", str(SV), "--metrics", "bleu,chrf,ter"],
    ["align", str(SV), str(EN), "--engine", "none", "--tsv", "/dev/null"],
]


@pytest.mark.parametrize("args", LIGHT_COMMANDS, ids=["help", "score-bleu", "align"])
def test_light_commands_never_import_torch(args):
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom tqcheck.cli import app\n"
        f"r = CliRunner().invoke(app, {args!r})\n"
        "heavy = sorted(m for m in ('torch', 'transformers', 'comet') if m in sys.modules)\n"
        "print(r.exit_code, ','.join(heavy) or 'none')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "none"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["check", "--bogus"], "No such option: --bogus"),
        (["score", "--ref", "r.txt"], "Missing option '--hyp'"),
        (["check", "--comet-batch-size", "many"], "Invalid value for '--comet-batch-size'"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args, message):
    done = subprocess.run([sys.executable, "-m", "tqcheck", *args], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith("tqcheck: error: ") and message in done.stderr
    assert done.stderr.count("\n") == 1 and done.stdout == ""


def test_python_dash_m_and_version():
    done = subprocess.run([sys.executable, "-m", "tqcheck", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("tqcheck ")


@pytest.mark.parametrize("command", ["check", "score", "audit", "align", "translate", "compare", "models list"])
def test_help_reads_as_a_user_expects(invoke, command):
    text = invoke(*command.split(), "--help").stdout
    for line in text.splitlines():
        if any(flag in line for flag in ("--strict", "--no-cache", "--no-mt", "--update-baseline", "--help")):
            assert "<bool>" not in line, line  # a flag takes no value
    if "--engine" in text:
        assert "ctranslate2" in text
    if command == "align":
        assert "Language of SOURCE" in text and "Language of REFERENCE" in text
    if command == "compare":
        assert "Quality gate" not in text and "drops" not in text
