"""The gate through the CLI: exit codes, JUnit, Markdown, the JSON gate section, compare, config."""

import json
import xml.etree.ElementTree as ET

import pytest
from conftest import APERTIUM_SV_EN, EN, SV
from gate_data import write_parallel


@pytest.fixture()
def files(tmp_path):
    return write_parallel(tmp_path)


@pytest.fixture()
def baseline(invoke, files, tmp_path):
    path = tmp_path / "base.json"
    result = invoke(
        "score",
        "--hyp",
        files["hyp"],
        "--ref",
        files["ref"],
        "--src",
        files["src"],
        "--metrics",
        "bleu,chrf,ter",
        "--json",
        path,
    )
    assert result.exit_code == 0, result.stderr
    return path


def score(invoke, files, hyp="hyp", *extra):
    return invoke(
        "score", "--hyp", files[hyp], "--ref", files["ref"], "--src", files["src"], "--metrics", "bleu,chrf,ter", *extra
    )


def test_thresholds_pass_and_fail_with_exit_codes(invoke, files, tmp_path):
    passed = score(invoke, files, "hyp", "--fail-under", "bleu=10", "--fail-over", "ter=70")
    assert passed.exit_code == 0, passed.stderr
    assert "quality gate passed: 2 check(s)" in passed.stdout
    failed = score(invoke, files, "hyp", "--fail-under", "bleu=30,chrf=40", "--json", tmp_path / "r.json")
    assert failed.exit_code == 1
    assert failed.stderr.strip().startswith(
        "tqcheck: quality gate failed: sv-en BLEU 14.61 is under the threshold 30.00"
    )
    gate = json.loads((tmp_path / "r.json").read_text())["gate"]
    assert gate["passed"] is False
    assert [(c["metric"], c["passed"], c["threshold"]) for c in gate["checks"]] == [
        ("bleu", False, 30.0),
        ("chrf", True, 40.0),
    ]
    assert gate["checks"][0]["value"] == pytest.approx(14.6122, abs=1e-4)


def test_real_drop_fails_noise_passes(invoke, files, baseline, tmp_path):
    noisy = score(invoke, files, "noisy", "--baseline", baseline)
    assert noisy.exit_code == 0, noisy.stderr
    assert "quality gate passed" in noisy.stdout
    report = tmp_path / "deg.json"
    degraded = score(invoke, files, "degraded", "--baseline", baseline, "--max-drop", "ter=2", "--json", report)
    assert degraded.exit_code == 1
    assert (
        "TER 65.52 → 72.69 (+7.16 against the baseline): worse by more than the margin 2.00 and significant"
        in degraded.stderr
    )
    checks = {c["metric"]: c for c in json.loads(report.read_text())["gate"]["checks"]}
    assert set(checks) == {"ter"}  # an explicit --max-drop replaces the default margins
    assert checks["ter"]["p_value"] < 0.05 and checks["ter"]["delta"] > 2 and checks["ter"]["margin"] == 2.0
    assert checks["ter"]["ci95"]["half_width"] > 0 and checks["ter"]["paired_segments"] == 20


def test_junit_has_one_case_per_metric_and_the_failures(invoke, files, baseline, tmp_path):
    junit = tmp_path / "gate.xml"
    result = score(invoke, files, "degraded", "--baseline", baseline, "--fail-over", "ter=90", "--junit", junit)
    assert result.exit_code == 1
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "2"
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {"sv-en BLEU", "sv-en chrF", "sv-en TER"}
    assert "significant" in cases["sv-en BLEU"].find("failure").get("message")
    assert cases["sv-en chrF"].find("failure") is not None
    assert cases["sv-en TER"].find("failure") is None and "TER 72.6866" in cases["sv-en TER"].find("system-out").text


def test_markdown_has_the_numbers_and_goes_to_the_step_summary(runner, files, baseline, tmp_path):
    from tqcheck.cli import app

    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    md = tmp_path / "gate.md"
    args = [
        "score",
        "--hyp",
        files["noisy"],
        "--ref",
        files["ref"],
        "--metrics",
        "bleu,chrf,ter",
        "--src",
        files["src"],
        "--baseline",
        baseline,
        "--fail-under",
        "bleu=10",
        "--markdown",
        md,
    ]
    result = runner.invoke(app, [str(a) for a in args], env={"GITHUB_STEP_SUMMARY": str(summary), "COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    text = md.read_text()
    assert text.startswith("## tqcheck: ✅ quality gate passed")
    assert "| sv-en | BLEU | 14.58 |  |  |  | ≥ 10.00 | ✅ |" in text
    assert "| sv-en | BLEU | 14.58 | 14.61 | −0.04 |" in text
    assert "nrefs:1|case:mixed|eff:no|tok:13a" in text
    assert summary.read_text() == "earlier step\n" + text + "\n"


def test_unusable_baselines_are_errors_not_passes(invoke, files, baseline, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(baseline.read_text()[:200])
    result = score(invoke, files, "hyp", "--baseline", broken)
    assert result.exit_code == 2 and "is not valid JSON" in result.stderr and "Traceback" not in result.stderr
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"hello": 1}))
    assert "is not a tqcheck report" in score(invoke, files, "hyp", "--baseline", other).stderr
    # another tokeniser: the signature differs; the report computed so far is still written
    data = json.loads(baseline.read_text())
    data["directions"][0]["scores"]["bleu"]["signature"] = data["directions"][0]["scores"]["bleu"]["signature"].replace(
        "13a", "intl"
    )
    (tmp_path / "intl.json").write_text(json.dumps(data))
    out = tmp_path / "kept.json"
    refused = score(invoke, files, "hyp", "--baseline", tmp_path / "intl.json", "--json", out)
    assert refused.exit_code == 2
    assert "bleu signature differs from this run's (sv-en: tok intl → 13a)" in refused.stderr
    assert json.loads(out.read_text())["directions"][0]["scores"]["bleu"]["score"] == pytest.approx(14.6122, abs=1e-4)


@pytest.mark.parametrize(
    "args,message",
    [
        (["--fail-under", "ter=60"], "lower-is-better; use --fail-over ter=VALUE"),
        (["--max-drop", "bleu=1"], "add --baseline REPORT.json"),
        (["--fail-under", "comet=0.8"], "the quality gate checks comet, which --metrics bleu,chrf,ter leaves out"),
        (["--significance", "t-test", "--baseline", "x.json"], "choose bs"),
    ],
)
def test_bad_gate_usage_exits_2(invoke, files, args, message):
    result = score(invoke, files, "hyp", *args)
    assert result.exit_code == 2 and message in result.stderr


def test_gate_on_comet_with_the_tiny_checkpoint(invoke, files, tiny_models, tmp_path):
    report = tmp_path / "comet.json"
    result = invoke(
        "score",
        "--hyp",
        files["hyp"],
        "--ref",
        files["ref"],
        "--src",
        files["src"],
        "--comet-model",
        tiny_models["comet_dir"],
        "--fail-under",
        "comet=5",
        "--json",
        report,
    )
    assert result.exit_code == 1 and "COMET" in result.stderr and "is under the threshold 5.0000" in result.stderr
    again = invoke(
        "score",
        "--hyp",
        files["noisy"],
        "--ref",
        files["ref"],
        "--src",
        files["src"],
        "--comet-model",
        tiny_models["comet_dir"],
        "--baseline",
        report,
        "--max-drop",
        "comet",
    )
    assert again.exit_code == 0, again.stderr
    assert "COMET" in again.stdout and "Kocmi et al. 2024" in again.stdout


def test_check_gate_from_a_config_file(invoke, tmp_path):
    config = tmp_path / "tqcheck.toml"
    config.write_text(
        f"source = '{SV}'\nreference = '{EN}'\nengine = 'file'\nhypothesis = '{APERTIUM_SV_EN}'\n"
        "metrics = ['bleu', 'chrf']\nfail_under = {{ bleu = 20 }}\njunit = 'out.xml'\n".replace("{{", "{").replace(
            "}}", "}"
        )
    )
    result = invoke("check", "--config", config)
    assert result.exit_code == 1 and "BLEU 14.61 is under the threshold 20.00" in result.stderr
    assert ET.parse(tmp_path / "out.xml").getroot().get("failures") == "1"
    assert invoke("check", "--config", config, "--fail-under", "bleu=10").exit_code == 0  # the flag wins


def test_compare_three_systems(invoke, files, baseline, tmp_path):
    for name in ("noisy", "degraded"):
        assert score(invoke, files, name, "--json", tmp_path / f"{name}.json").exit_code == 0
    out = tmp_path / "cmp.json"
    result = invoke(
        "compare",
        baseline,
        tmp_path / "noisy.json",
        tmp_path / "degraded.json",
        "--json",
        out,
        "--markdown",
        tmp_path / "cmp.md",
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text())
    rows = {r["metric"]: r for r in data["comparisons"]}
    assert set(rows) == {"bleu", "chrf", "ter"}
    for row in rows.values():
        assert row["winner"].endswith("base.json") and not row["clear_winner"]  # noise is not significantly worse
        baseline_row, noisy_row, degraded_row = row["systems"]
        assert baseline_row["p_value"] is None and noisy_row["p_value"] > 0.05 and degraded_row["p_value"] < 0.05
    assert rows["bleu"]["systems"][2]["delta"] == pytest.approx(2.6323 - 14.6122, abs=1e-3)
    assert "| `" in (tmp_path / "cmp.md").read_text()
    assert "BLEU: " in result.stdout and "not significantly better than" in result.stdout


def test_compare_needs_two_reports(invoke, baseline):
    result = invoke("compare", baseline)
    assert result.exit_code == 2 and "at least two reports" in result.stderr


def test_json_that_is_not_a_report_is_refused(invoke, files, tmp_path):
    for content in (
        '{"tool": "tqcheck", "directions": []}',
        "[1, 2]",
        '{"tool": {"name": "tqcheck"}, "directions": 3}',
    ):
        odd = tmp_path / "odd.json"
        odd.write_text(content)
        result = score(invoke, files, "hyp", "--baseline", odd)
        assert result.exit_code == 2 and "is not a tqcheck report" in result.stderr, content


def test_the_first_baseline_from_a_settings_file(tmp_path, monkeypatch):
    """CI users keep baseline and max_drop in tqcheck.toml: the first run says how to make the baseline
    (naming the settings file), --update-baseline makes it (and its folder), the next run gates on it."""
    import json
    import subprocess
    import sys

    from conftest import APERTIUM_SV_EN, EN, SV

    (tmp_path / ".git").mkdir()
    (tmp_path / "tqcheck.toml").write_text(
        f'source = "{SV}"\nreference = "{EN}"\nengine = "file"\nhypothesis = "{APERTIUM_SV_EN}"\n'
        'metrics = ["bleu", "chrf"]\nbaseline = "quality/baseline.json"\nmax_drop = { bleu = "default" }\n'
        "fail_under = { bleu = 5 }\n",
        encoding="utf-8",
    )

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "tqcheck", "check", "--no-cache", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )

    first = run()
    assert first.returncode == 2 and "does not exist yet" in first.stderr and "tqcheck.toml" in first.stderr
    assert "--update-baseline" in first.stderr
    made = run("--update-baseline")
    assert made.returncode == 0, made.stderr
    baseline = tmp_path / "quality" / "baseline.json"
    assert json.loads(baseline.read_text())["directions"][0]["scores"]["bleu"]["score"] > 5
    assert "wrote the baseline" in made.stdout
    gated = run("--json", "r.json")
    assert gated.returncode == 0, gated.stderr
    checks = json.loads((tmp_path / "r.json").read_text())["gate"]["checks"]
    assert {(c["kind"], c["metric"]) for c in checks} == {("fail_under", "bleu"), ("max_drop", "bleu")}
    failing = run("--update-baseline", "--fail-under", "bleu=99")
    assert failing.returncode == 1 and "was not written" in failing.stderr
    assert json.loads(baseline.read_text())["directions"][0]["scores"]["bleu"]["score"] < 99  # the old one stands
