"""A verdict you can trust: the cases that need more than one exit code and message (those are in
trust_cases.py): verdicts that must not change, processes that must not outlive tqcheck, cached
runs that must equal uncached ones. Every run here is a real process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from conftest import (
    APERTIUM_COMMAND,
    APERTIUM_SV_EN,
    EN,
    SV,
    ends_within,
    engine_that_hangs,
    interactive_signals,
    needs_apertium,
    wait_for_pid,
)
from trust_cases import BLEU, REPLAY_SV_EN

TQCHECK = [sys.executable, "-m", "tqcheck"]
FILE_ENGINE = ["--engine", "file", "--hypothesis", str(APERTIUM_SV_EN)]


def run(*args, env=None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*TQCHECK, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "120", **(env or {})},
        **kwargs,
    )


@pytest.mark.parametrize("threshold,code", [("10", 0), ("90", 1)])
def test_a_job_summary_that_cannot_be_written_never_changes_the_verdict(tmp_path, threshold, code):
    blocked = tmp_path / "no-such-folder" / "summary.md"
    done = run(
        "check",
        SV,
        EN,
        *FILE_ENGINE,
        *BLEU,
        "--fail-under",
        f"bleu={threshold}",
        env={"GITHUB_STEP_SUMMARY": str(blocked)},
    )
    assert done.returncode == code, done.stderr
    assert "GITHUB_STEP_SUMMARY" in done.stderr and "the verdict stands" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_endless_pipe_as_input_is_refused(tmp_path):
    yes = subprocess.Popen(["yes", "Det här är en mening om Ryssland och Kina."], stdout=subprocess.PIPE)
    try:
        done = subprocess.run(
            [*TQCHECK, "check", "/dev/stdin", str(EN), *FILE_ENGINE, *BLEU],
            stdin=yes.stdout,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "TQCHECK_MAX_INPUT_MB": "5"},
        )
    finally:
        yes.kill()
        yes.wait()
    assert done.returncode == 2 and "over the 5 MB limit" in done.stderr, done.stderr


@pytest.mark.parametrize(
    "sig,code,words", [(signal.SIGTERM, 143, "terminated (SIGTERM)"), (signal.SIGINT, 130, "interrupted")]
)
def test_a_signal_ends_the_whole_engine_process_group(tmp_path, sig, code, words):
    command, pid_file = engine_that_hangs(tmp_path)
    process = subprocess.Popen(
        [
            *TQCHECK,
            "check",
            str(SV),
            str(EN),
            "--direction",
            "sv-en",
            "--engine",
            "command",
            "--command",
            command,
            *BLEU,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=interactive_signals,
    )
    sleeper = wait_for_pid(pid_file)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    assert stderr.startswith(f"tqcheck: {words}") and "run the same command again to resume" in stderr
    assert ends_within(sleeper, 10), "the engine's child process outlived tqcheck"


def test_an_engine_timeout_ends_the_whole_pipeline(tmp_path):
    command, pid_file = engine_that_hangs(tmp_path)
    done = run(
        "check",
        SV,
        EN,
        "--direction",
        "sv-en",
        "--engine",
        "command",
        "--command",
        command,
        "--engine-option",
        "timeout=2",
        *BLEU,
    )
    assert done.returncode == 3 and "did not finish within 2 s" in done.stderr
    sleeper = int(pid_file.read_text())
    assert ends_within(sleeper, 10)


def test_compare_of_a_report_with_itself_is_no_difference(tmp_path):
    report = tmp_path / "r.json"
    assert run("check", SV, EN, *FILE_ENGINE, *BLEU, "--metrics", "bleu,chrf,ter", "--json", report).returncode == 0
    done = run("compare", report, report, "--json", tmp_path / "c.json")
    assert done.returncode == 0, done.stderr
    assert "no difference" in done.stdout and "clear winner" not in done.stdout
    rows = json.loads((tmp_path / "c.json").read_text())["comparisons"]
    assert rows and all(r["no_difference"] and not r["clear_winner"] and r["winner_p_value"] == 1.0 for r in rows)


def test_line_separators_inside_engine_output_do_not_shift_lines(tmp_path):
    """CR and U+2028 inside an MT line stay inside it (and are whitespace to the scores)."""
    plain = run("check", SV, EN, "--engine", "command", "--command", REPLAY_SV_EN, *BLEU, "--json", tmp_path / "a.json")
    odd = run(
        "check",
        SV,
        EN,
        "--engine",
        "command",
        "--command",
        REPLAY_SV_EN + r" | sed 's/ /\r/; s/ /\xe2\x80\xa8/'",
        *BLEU,
        "--json",
        tmp_path / "b.json",
    )
    assert plain.returncode == 0 and odd.returncode == 0, plain.stderr + odd.stderr
    a, b = (json.loads((tmp_path / n).read_text())["directions"][0] for n in ("a.json", "b.json"))
    assert a["scores"]["bleu"]["score"] == b["scores"]["bleu"]["score"]
    assert [s["hypothesis"] for s in a["segments"]] == [s["hypothesis"] for s in b["segments"]]


def test_the_report_says_how_many_segments_came_from_the_cache(tmp_path):
    cache = ["--cache-dir", tmp_path / "cache"]
    args = ["check", SV, EN, "--engine", "command", "--command", REPLAY_SV_EN, "--metrics", "bleu", *cache]
    first, second = (run(*args, "--json", tmp_path / f"{k}.json") for k in (1, 2))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    one, two = (json.loads((tmp_path / f"{k}.json").read_text())["directions"][0]["translation_cache"] for k in (1, 2))
    assert one == {"from_cache": 0, "translated": 22} and two == {"from_cache": 22, "translated": 0}
    assert "22 of 22 segments from the cache" in second.stdout
    uncached = run("check", SV, EN, *FILE_ENGINE, "--metrics", "bleu", *cache, "--json", tmp_path / "3.json")
    note = json.loads((tmp_path / "3.json").read_text())["directions"][0]["translation_cache"]
    assert uncached.returncode == 0 and note["not_cached"].startswith("engine file reads its translation from a file")


def test_a_command_engine_can_be_versioned_explicitly(tmp_path):
    args = [
        "check",
        SV,
        EN,
        "--engine",
        "command",
        "--command",
        REPLAY_SV_EN,
        "--metrics",
        "bleu",
        "--cache-dir",
        tmp_path / "cache",
    ]
    for version, expected in (("1", 0), ("1", 22), ("2", 0)):
        done = run(*args, "--engine-option", f"cache_key={version}", "--json", tmp_path / "r.json")
        assert done.returncode == 0, done.stderr
        assert (
            json.loads((tmp_path / "r.json").read_text())["directions"][0]["translation_cache"]["from_cache"]
            == expected
        )


@needs_apertium
def test_apertium_cached_and_uncached_give_the_same_translations(tmp_path):
    """Apertium's output depends on where a chunk of lines breaks: the cache must never chunk it
    (600 lines: the old 256-line chunks changed the MT), nor send it only the lines it missed."""
    lines = [line for line in SV.read_text(encoding="utf-8").split("\n") if line.strip()]
    source = tmp_path / "long.sv.txt"
    source.write_text("\n".join(f"{lines[k % len(lines)]} ({k})" for k in range(600)) + "\n", encoding="utf-8")
    out = {}
    cache = ["--cache-dir", tmp_path / "cache"]
    # a partial cache first: the first 100 lines alone
    partial = tmp_path / "part.sv.txt"
    partial.write_text("\n".join(source.read_text(encoding="utf-8").split("\n")[:100]) + "\n", encoding="utf-8")
    assert (
        run(
            "translate",
            partial,
            "--to",
            "en",
            "--engine",
            "command",
            "--command",
            APERTIUM_COMMAND,
            *cache,
            "-o",
            tmp_path / "part.en.txt",
        ).returncode
        == 0
    )
    for name, extra in (("cached", cache), ("again", cache), ("uncached", ["--no-cache"])):
        done = run(
            "translate",
            source,
            "--to",
            "en",
            "--engine",
            "command",
            "--command",
            APERTIUM_COMMAND,
            *extra,
            "-o",
            tmp_path / f"{name}.en.txt",
        )
        assert done.returncode == 0, done.stderr
        out[name] = (tmp_path / f"{name}.en.txt").read_text(encoding="utf-8")
    assert out["cached"] == out["uncached"] == out["again"]


def test_every_missing_model_is_named_at_once_before_any_work(tmp_path):
    """No hub here: both directions' MT models and the COMET model asked for are named in one message
    (before, the sv-en run was done and thrown away before en-sv's missing model was named)."""
    done = run("check", "--metrics", "bleu,comet", env={"HF_HUB_OFFLINE": "1"})
    assert done.returncode == 3 and done.stderr.count("\n") == 1, done.stderr
    for name in ("Helsinki-NLP/opus-mt-sv-en", "Helsinki-NLP/opus-mt-en-sv", "Unbabel/wmt22-comet-da"):
        assert name in done.stderr
    assert (
        "tqcheck models pull Helsinki-NLP/opus-mt-sv-en Helsinki-NLP/opus-mt-en-sv Unbabel/wmt22-comet-da"
        in done.stderr
    )
    assert "--direction sv-en --engine command" in done.stderr


def test_save_translation_names_one_file_per_direction_as_documented(tmp_path):
    """`--save-translation tr` with both directions writes tr.sv-en.txt and tr.en-sv.txt (README)."""
    sv_lines = [line for line in SV.read_text(encoding="utf-8").split("\n") if line.strip()]
    (tmp_path / "sv-en.txt").write_text(APERTIUM_SV_EN.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "en-sv.txt").write_text(
        "\n".join(sv_lines[:21]) + "\n", encoding="utf-8"
    )  # Swedish text, one per en line
    replay = f"cat > /dev/null; grep -v '^$' {tmp_path}/{{src}}-{{tgt}}.txt"
    done = run("check", "--engine", "command", "--command", replay, *BLEU, "--save-translation", tmp_path / "tr")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.glob("tr*")) == ["tr.en-sv.txt", "tr.sv-en.txt"]
    assert (tmp_path / "tr.sv-en.txt").read_text(encoding="utf-8").count("\n") == len(sv_lines)  # line-parallel


def test_a_ci_log_gets_whole_lines_and_says_what_was_written(tmp_path):
    """Not a terminal and no $COLUMNS (a CI log): no signature is wrapped mid-word, and each written
    file has its line."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    done = subprocess.run(
        [
            *TQCHECK,
            "check",
            str(SV),
            str(EN),
            *FILE_ENGINE,
            "--metrics",
            "bleu,chrf,ter",
            "--no-cache",
            "--json",
            str(tmp_path / "r.json"),
            "--markdown",
            str(tmp_path / "r.md"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    signatures = [
        m["signature"] for m in json.loads((tmp_path / "r.json").read_text())["directions"][0]["scores"].values()
    ]
    lines = done.stdout.splitlines()
    assert all(any(signature in line for line in lines) for signature in signatures)
    assert f"wrote {tmp_path / 'r.json'}" in lines and f"wrote {tmp_path / 'r.md'}" in lines


def test_mt_of_short_lines_in_the_wrong_language_says_it_was_judged_as_a_whole(tmp_path):
    """A page of short items (a menu, a table) that the engine left in Swedish: every segment is too
    short to identify alone, so the refusal must say it judged the text as a whole, not '0 of 0'."""
    items = ["Inställningar", "Sök av", "Vanliga frågor", "Öppna mapp", "Stäng fönstret", "Hjälp och stöd"]
    source = tmp_path / "menu.sv.txt"
    reference = tmp_path / "menu.en.txt"
    source.write_text("\n".join(items) + "\n", encoding="utf-8")
    reference.write_text("Settings\nScan\nCommon questions\nOpen folder\nClose the window\nHelp and support\n")
    result = run(
        "check", str(source), str(reference), "--direction", "sv-en", "--engine", "command", "--command", "cat",
        "--metrics", "bleu", "--no-cache",
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "is not in 'en'" in result.stderr
    assert "too short to judge alone" in result.stderr
    assert "0 of 0" not in result.stderr
