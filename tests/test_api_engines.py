"""The openai and deepl engines against real HTTP servers on 127.0.0.1 (tests/api_servers.py),
through the official clients: end to end on the seed pair, retries on 429/5xx/timeouts/malformed
answers, refusals, output hygiene, concurrency, usage, the cache, and keys that never leak."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from api_servers import FakeAPI
from conftest import APERTIUM_SV_EN, EN, SV, seed_lines


def _seed_bleu() -> float:
    """sacrebleu on the seed pair's 20 gold pairs with Apertium's MT: what any engine returning that MT must score."""
    import sacrebleu
    from corpus_inputs import gold

    _, en, mt = gold()
    return sacrebleu.corpus_bleu(mt, [en]).score


SEED_BLEU = _seed_bleu()
KEY = "sk-test-0123456789-SECRET"


def apertium_table() -> dict[str, str]:
    sv = seed_lines(SV)
    mt = APERTIUM_SV_EN.read_text(encoding="utf-8").split("\n")
    return dict(zip(sv, mt))


@pytest.fixture()
def llm():
    table = apertium_table()
    with FakeAPI(lambda text: table.get(text, text)) as api:
        yield api


def openai_args(api: FakeAPI, *extra: str) -> list[str]:
    return [
        "check", SV, EN, "--direction", "sv-en", "--engine", "openai", "--model", "test-llm",
        "--engine-option", f"base_url={api.url}/v1", "--engine-option", "backoff=0.01", "--metrics", "bleu,chrf", *extra,
    ]  # fmt: skip


def run(invoke, monkeypatch, tmp_path, args, env_key="OPENAI_API_KEY"):
    monkeypatch.setenv(env_key, KEY)
    out = tmp_path / "r.json"
    result = invoke(*args, "--json", out)
    report = json.loads(out.read_text()) if out.exists() else None
    return result, report


def test_openai_engine_checks_the_seed_pair_end_to_end(invoke, monkeypatch, tmp_path, llm):
    result, report = run(invoke, monkeypatch, tmp_path, openai_args(llm, "--no-cache"))
    assert result.exit_code == 0, result.stdout + result.stderr
    direction = report["directions"][0]
    assert direction["scores"]["bleu"]["score"] == pytest.approx(SEED_BLEU, abs=1e-9)
    assert direction["engine"]["engine"] == "openai" and direction["engine"]["model"] == "test-llm"
    request = llm.requests[0]
    assert request["headers"]["authorization"] == f"Bearer {KEY}"
    assert request["body"]["temperature"] == 0 and request["body"]["seed"] == 0
    assert (
        "Swedish" in request["body"]["messages"][0]["content"]
        and "English" in request["body"]["messages"][0]["content"]
    )
    usage = direction["engine_usage"]
    assert usage["requests"] == 22 and usage.get("retries", 0) == 0 and usage["output_tokens"] > 0
    assert "API usage: 22 requests" in result.stdout


def test_retries_honour_retry_after_and_recover(invoke, monkeypatch, tmp_path, llm):
    llm.script = ["429", "500", "malformed", "503"]
    result, report = run(
        invoke, monkeypatch, tmp_path, openai_args(llm, "--no-cache", "--engine-option", "concurrency=1")
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    assert report["directions"][0]["engine_usage"]["retries"] == 4
    assert report["directions"][0]["scores"]["bleu"]["score"] == pytest.approx(SEED_BLEU, abs=1e-9)


def test_a_hung_request_times_out_and_is_retried(invoke, monkeypatch, tmp_path, llm):
    llm.script = ["hang"]
    args = openai_args(llm, "--no-cache", "--engine-option", "timeout=0.5", "--engine-option", "concurrency=1")
    result, report = run(invoke, monkeypatch, tmp_path, args)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert report["directions"][0]["engine_usage"]["retries"] == 1


@pytest.mark.parametrize(
    "script,retries,says",
    [(["500"] * 10, "2", "HTTP 500"), (["400"], "5", "HTTP 400"), (["403"], "5", "scripted 403")],
)
def test_failures_after_the_last_retry_or_refusals_are_exit_3(
    invoke, monkeypatch, tmp_path, llm, script, retries, says
):
    llm.script = list(script)
    args = openai_args(
        llm, "--no-cache", "--engine-option", f"max_retries={retries}", "--engine-option", "concurrency=1"
    )
    result, _ = run(invoke, monkeypatch, tmp_path, args)
    assert result.exit_code == 3, result.stdout + result.stderr
    assert says in result.stderr and "Traceback" not in result.stderr and KEY not in result.stderr
    if script == ["400"]:
        assert len(llm.requests) == 1  # a refusal is not retried


def test_wrappers_are_stripped_and_refusals_are_warned_about(invoke, monkeypatch, tmp_path, llm):
    llm.script = ["wrapped", "refuse"]
    args = openai_args(llm, "--no-cache", "--engine-option", "concurrency=1")
    result, report = run(invoke, monkeypatch, tmp_path, args)
    assert result.exit_code == 0, result.stdout + result.stderr
    segments = {s["source_lines"][0]: s["hypothesis"] for s in report["directions"][0]["segments"]}
    table = apertium_table()
    assert segments[1] == " ".join(table[seed_lines(SV)[0]].split())  # "Here is the translation: ..." stripped
    assert any("not translations (1 a refusal; source lines 2)" in w for w in report["directions"][0]["warnings"])
    llm.script = ["refuse"]
    strict = invoke(*openai_args(llm, "--no-cache", "--strict", "--engine-option", "concurrency=1"))
    assert strict.exit_code == 3 and "refusal" in strict.stderr


def test_requests_run_concurrently_up_to_the_limit(monkeypatch):
    from tqcheck.translate import create_translator

    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeAPI(str.upper, latency=0.1) as api:
        for limit in (1, 4):
            api.peak_in_flight = 0
            engine = create_translator("openai", {"model": "m", "base_url": f"{api.url}/v1", "concurrency": limit})
            assert engine.translate([f"text {k}" for k in range(12)], "sv", "en") == [f"TEXT {k}" for k in range(12)]
            assert api.peak_in_flight == limit  # 12 requests of 0.1 s: the pool fills


def test_context_sends_the_segments_before(monkeypatch):
    from tqcheck.translate import create_translator

    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with FakeAPI(str.upper) as api:
        engine = create_translator("openai", {"model": "m", "base_url": f"{api.url}/v1", "context": 2})
        assert not engine.independent_segments
        assert engine.translate(["a", "b", "c"], "sv", "en") == ["A", "B", "C"]
        last = [m["content"] for m in api.requests[-1]["body"]["messages"][1:]]
        assert last == ["a", "A", "b", "B", "c"]


def test_a_rerun_is_served_from_the_cache_and_the_key_is_nowhere(invoke, monkeypatch, tmp_path, llm):
    cache = tmp_path / "cache"
    first, _ = run(invoke, monkeypatch, tmp_path, openai_args(llm, "--cache-dir", cache))
    assert first.exit_code == 0 and len(llm.requests) == 22
    again, report = run(
        invoke, monkeypatch, tmp_path, openai_args(llm, "--cache-dir", cache, "--html", tmp_path / "r.html")
    )
    assert again.exit_code == 0 and len(llm.requests) == 22  # nothing asked again
    assert report["directions"][0]["translation_cache"]["from_cache"] == 22
    other, _ = run(
        invoke, monkeypatch, tmp_path, openai_args(llm, "--cache-dir", cache, "--engine-option", "temperature=0.3")
    )
    assert other.exit_code == 0 and len(llm.requests) == 44  # another parameter is another translation
    for path in [*cache.rglob("*"), tmp_path / "r.json", tmp_path / "r.html"]:
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path
    for result in (first, again, other):
        assert KEY not in result.stdout + result.stderr


def test_the_official_api_without_a_key_is_bad_usage(invoke, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    result = invoke("check", SV, EN, "--direction", "sv-en", "--engine", "openai", "--model", "gpt-4o-mini")
    assert result.exit_code == 2 and "OPENAI_API_KEY" in result.stderr


def deepl_args(api: FakeAPI, *extra: str) -> list[str]:
    return [
        "check", SV, EN, "--direction", "sv-en", "--engine", "deepl", "--engine-option", f"server_url={api.url}",
        "--engine-option", "backoff=0.01", "--metrics", "bleu,chrf", *extra,
    ]  # fmt: skip


def test_deepl_engine_checks_the_seed_pair_with_deepls_codes(invoke, monkeypatch, tmp_path, llm):
    llm.script = ["429"]
    result, report = run(invoke, monkeypatch, tmp_path, deepl_args(llm, "--no-cache"), env_key="DEEPL_AUTH_KEY")
    assert result.exit_code == 0, result.stdout + result.stderr
    direction = report["directions"][0]
    assert direction["scores"]["bleu"]["score"] == pytest.approx(SEED_BLEU, abs=1e-9)
    bodies = [r["body"] for r in llm.requests]
    assert {b["target_lang"] for b in bodies} == {"EN-US"} and {b["source_lang"] for b in bodies} == {"SV"}
    assert llm.requests[0]["headers"]["authorization"] == f"DeepL-Auth-Key {KEY}"
    usage = direction["engine_usage"]
    assert usage["retries"] == 1 and usage["characters"] == sum(len(line) for line in seed_lines(SV))
    assert KEY not in result.stdout + result.stderr + Path(tmp_path / "r.json").read_text()
    options = ("--engine-option", "english=EN-GB", "--engine-option", "formality=prefer_less")
    args = deepl_args(llm, "--no-cache", *options, "--engine-option", "glossary=g-1")
    gb, _ = run(invoke, monkeypatch, tmp_path, args, "DEEPL_AUTH_KEY")
    assert gb.exit_code == 0, gb.stdout + gb.stderr
    body = llm.requests[-1]["body"]
    assert (body["target_lang"], body["formality"], body["glossary_id"]) == ("EN-GB", "prefer_less", "g-1")


def test_compare_puts_an_llm_deepl_and_opus_mt_side_by_side(invoke, monkeypatch, tmp_path, llm, tiny_models):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("DEEPL_AUTH_KEY", KEY)
    reports = {}
    for name, args in (
        ("llm", openai_args(llm, "--no-cache")),
        ("deepl", deepl_args(llm, "--no-cache")),
        (
            "opus",
            [
                "check",
                SV,
                EN,
                "--direction",
                "sv-en",
                "--model",
                tiny_models["marian_sv_en"],
                "--metrics",
                "bleu,chrf",
                "--no-cache",
            ],
        ),
    ):
        reports[name] = tmp_path / f"{name}.json"
        result = invoke(*args, "--json", reports[name])
        assert result.exit_code == 0, name + result.stdout + result.stderr
    out = tmp_path / "compare.json"
    result = invoke("compare", *reports.values(), "--json", out, "--samples", "100")
    assert result.exit_code == 0, result.stdout + result.stderr
    rows = json.loads(out.read_text())["comparisons"]
    assert {len(row["systems"]) for row in rows} == {3}
    assert all(name in result.stdout for name in ("llm.json", "deepl.json", "opus.json"))
