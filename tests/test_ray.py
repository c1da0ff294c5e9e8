"""--executor ray: machine translation and COMET through Ray Data on a local Ray, with results
identical to the local executor, the cache in front, and engine errors reported as locally.

Every run is the CLI in a process of its own, which starts and stops its own local Ray, as a user's
run does: Ray's threads and processes never live inside the test process."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from conftest import APERTIUM_SV_EN as APERTIUM
from conftest import EN, SV, ends_within, engine_that_hangs, wait_for_pid


def test_ray_is_installed_with_the_test_extra():
    assert importlib.util.find_spec("ray") is not None, "pip install -e '.[test]' installs ray[data]"


@pytest.fixture()
def invoke():
    def run(*args):
        done = subprocess.run(
            [sys.executable, "-m", "tqcheck", *map(str, args)],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": "120"},
            timeout=600,
        )
        return SimpleNamespace(exit_code=done.returncode, stdout=done.stdout, stderr=done.stderr)

    return run


def check_json(invoke, tmp_path, name, *args):
    out = tmp_path / f"{name}.json"
    metrics = () if "--metrics" in args else ("--metrics", "bleu,chrf")
    result = invoke("check", SV, EN, "--direction", "sv-en", *metrics, *args, "--json", out)
    assert result.exit_code == 0, result.stdout + result.stderr
    return json.loads(out.read_text())["directions"][0]


def test_ray_gives_the_local_executors_mt_and_scores(invoke, tmp_path, tiny_models):
    model = ("--model", tiny_models["marian_sv_en"], "--no-cache", "--batch-size", "4")
    local = check_json(invoke, tmp_path, "local", *model)
    on_ray = check_json(invoke, tmp_path, "ray", *model, "--executor", "ray")
    assert [s["hypothesis"] for s in on_ray["segments"]] == [s["hypothesis"] for s in local["segments"]]
    assert {k: v["score"] for k, v in on_ray["scores"].items()} == {k: v["score"] for k, v in local["scores"].items()}


def test_a_cached_rerun_dispatches_nothing(invoke, tmp_path, tiny_models):
    args = ("--model", tiny_models["marian_sv_en"], "--cache-dir", tmp_path / "cache", "--executor", "ray")
    first = check_json(invoke, tmp_path, "first", *args)
    again = check_json(invoke, tmp_path, "again", *args)
    assert first["translation_cache"] == {"from_cache": 0, "translated": 22}
    assert again["translation_cache"] == {"from_cache": 22, "translated": 0}
    assert again["scores"] == first["scores"]


def test_an_engine_error_on_the_cluster_is_the_same_exit_3(invoke):
    failing = ("--engine", "command", "--command", "exit 7", "--engine-option", "independent=true", "--no-cache")
    local = invoke("check", SV, EN, "--direction", "sv-en", *failing)
    on_ray = invoke("check", SV, EN, "--direction", "sv-en", *failing, "--executor", "ray")
    assert local.exit_code == on_ray.exit_code == 3
    # the last line: Ray may log its own warnings before it
    assert on_ray.stderr.splitlines()[-1] == local.stderr.splitlines()[-1]
    assert (
        local.stderr.splitlines()[-1]
        == "tqcheck: error: translation command exited with status 7 (no message): 'exit 7'"
    )


def test_ray_needs_no_import_for_help_and_refuses_an_unknown_executor(invoke):
    result = invoke("check", "--executor", "spark")
    assert result.exit_code == 2 and "choose local or ray" in result.stderr


def test_a_worker_killed_mid_run_is_replaced_and_the_scores_are_the_same(invoke, tmp_path):
    """The engine kills its actor's worker process on its first call; Ray Data restarts the actor,
    retries the batch, and the run ends with the scores of a local run."""

    from conftest import APERTIUM_SV_EN, seed_lines

    table = tmp_path / "table.json"
    table.write_text(json.dumps(dict(zip(seed_lines(SV), APERTIUM_SV_EN.read_text().split("\n")))), encoding="utf-8")
    flag, armed = tmp_path / "killed-once", tmp_path / "armed"
    script = tmp_path / "engine.py"
    script.write_text(
        "import json, os, pathlib, signal, sys\n"
        f"flag = pathlib.Path({str(flag)!r})\n"
        f"if pathlib.Path({str(armed)!r}).exists() and not flag.exists():\n"
        "    flag.touch()\n"
        "    pid = os.getppid()\n"  # up from the shell (or the worker, when the shell exec'd) to the Ray worker
        "    while pid > 1 and b'ray::' not in open(f'/proc/{pid}/cmdline', 'rb').read():\n"
        "        pid = int(open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[1])\n"
        "    assert pid > 1, 'no Ray worker above the engine'\n"
        "    pathlib.Path(str(flag) + '.pid').write_text(open(f'/proc/{pid}/cmdline', 'rb').read().decode(errors='replace'))\n"
        "    os.kill(pid, signal.SIGKILL)\n"
        "    sys.exit(1)\n"
        f"table = json.loads(pathlib.Path({str(table)!r}).read_text())\n"
        "for line in sys.stdin: print(table[line.rstrip(chr(10))])\n"
    )
    engine = ("--engine", "command", "--command", f"{sys.executable} {script}", "--engine-option", "independent=true")
    local = check_json(invoke, tmp_path, "local", *engine, "--no-cache")
    armed.touch()
    on_ray = check_json(invoke, tmp_path, "ray", *engine, "--no-cache", "--executor", "ray")
    assert flag.exists()  # a worker was killed: the actor's own process, not Ray's node
    assert "MapBatches(_EngineActor)" in (tmp_path / "killed-once.pid").read_text()
    assert {k: v["score"] for k, v in on_ray["scores"].items()} == {k: v["score"] for k, v in local["scores"].items()}


def test_comet_on_ray_scores_as_locally(invoke, tmp_path, tiny_models):
    args = ("--engine", "file", "--hypothesis", APERTIUM, "--no-cache", "--comet-model", tiny_models["comet_dir"])
    metrics = ("--metrics", "bleu,comet")
    local = check_json(invoke, tmp_path, "local", *args, *metrics)
    on_ray = check_json(invoke, tmp_path, "ray", *args, *metrics, "--executor", "ray")
    local_segments = [s["scores"]["comet"] for s in local["segments"]]
    ray_segments = [s["scores"]["comet"] for s in on_ray["segments"]]
    assert ray_segments == pytest.approx(local_segments, abs=1e-6)  # other batches: other padding, same scores
    assert on_ray["scores"]["comet"]["score"] == pytest.approx(local["scores"]["comet"]["score"], abs=1e-6)
    assert on_ray["scores"]["comet"]["signature"] == local["scores"]["comet"]["signature"]


def test_comet_on_ray_and_locally_reports_its_progress(tmp_path, tiny_models):
    """COMET has a done/total status line like the MT's: on Ray for every batch that comes back,
    locally for every chunk the cache stores; both end at all the segments the model scored."""
    from tqcheck.cache import Cache
    from tqcheck.metrics import TranslationTriple
    from tqcheck.metrics.comet_metric import CometMetric
    from tqcheck.metrics.comet_ray import RayCometMetric

    triples = [TranslationTriple(f"källa {k}", f"source {k} text", f"the source {k}") for k in range(7)]
    for name, metric in (
        ("ray", RayCometMetric(model=str(tiny_models["comet_dir"]), batch_size=2, gpus=0)),
        ("local", CometMetric(model=str(tiny_models["comet_dir"]), batch_size=2, gpus=0, cache=Cache(tmp_path / "c"))),
    ):
        if name == "local":
            metric.chunk_size = 3
        seen: list[tuple[int, int]] = []
        metric.progress = lambda done, total, seen=seen: seen.append((done, total))
        metric.score(triples)
        assert len(seen) >= 3, (name, seen)  # batches of 2 (Ray), chunks of 3 (local)
        assert seen[-1] == (7, 7) and [d for d, _ in seen] == sorted(d for d, _ in seen), (name, seen)


def test_score_and_audit_take_the_executor_too(invoke, tmp_path, tiny_models):
    """score's COMET on Ray equals score's COMET locally; audit refuses an unknown executor like check."""
    from corpus_inputs import gold, write

    sv, en, mt = gold()
    files = [write(tmp_path / name, lines) for name, lines in (("mt.txt", mt), ("en.txt", en), ("sv.txt", sv))]
    args = ("--hyp", files[0], "--ref", files[1], "--src", files[2], "--metrics", "comet")
    args += ("--comet-model", tiny_models["comet_dir"])
    outputs = {}
    for executor in ("local", "ray"):
        outputs[executor] = tmp_path / f"{executor}.json"
        result = invoke("score", *args, "--no-cache", "--executor", executor, "--json", outputs[executor])
        assert result.exit_code == 0, result.stdout + result.stderr
    local, on_ray = (json.loads(outputs[e].read_text())["directions"][0]["scores"]["comet"]["score"] for e in outputs)
    assert on_ray == pytest.approx(local, abs=1e-6)
    result = invoke("audit", "--executor", "dask")
    assert result.exit_code == 2 and "choose local or ray" in result.stderr


def test_a_corpus_on_ray_aligns_and_extracts_statistics_as_tasks_with_the_local_result(invoke, tmp_path):
    """Each document's alignment and each block of sacrebleu statistics run as Ray tasks (the report
    says how many were sent); documents, segments and pooled scores are the local run's."""
    from corpus_inputs import folder_corpus

    root = folder_corpus(tmp_path)
    args = (root / "sv", root / "en", "--engine", "file", "--hypothesis", root / "mt", "--no-cache")
    reports = {}
    for executor in ("local", "ray"):
        out = tmp_path / f"{executor}.json"
        result = invoke("check", *args, "--metrics", "bleu,chrf,ter", "--executor", executor, "--json", out)
        assert result.exit_code == 0, result.stderr
        reports[executor] = json.loads(out.read_text())["directions"][0]
    local, on_ray = reports["local"], reports["ray"]
    documents = len(on_ray["documents"])
    assert documents >= 3
    assert on_ray["cluster"]["sent"] == {"alignment_tasks": documents, "statistics_tasks": 3}  # a block per metric
    assert "cluster" not in local
    for key in ("scores", "documents", "segments", "alignment", "warnings"):
        assert on_ray.get(key) == local.get(key), key


def _start_check(command: str, *extra):
    from conftest import interactive_signals

    return subprocess.Popen(
        [sys.executable, "-m", "tqcheck", "check", SV, EN, "--direction", "sv-en", "--engine", "command",
         "--command", command, "--metrics", "bleu", "--no-cache", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=interactive_signals,
    )  # fmt: skip


def test_ctrl_c_on_the_driver_cancels_the_work_on_the_cluster(tmp_path):
    """The engine hangs inside a Ray actor; Ctrl-C on the driver exits 130 as locally, and the
    engine's own child process on the cluster is gone too (Ray kills the worker outright, so the
    pipeline's guard ends the pipeline)."""
    import signal

    command, pid_file = engine_that_hangs(tmp_path)
    process = _start_check(command, "--executor", "ray")
    sleeper = wait_for_pid(pid_file)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1].startswith("tqcheck: interrupted")
    assert ends_within(sleeper, 20), "the engine's process on the cluster outlived the run"


def test_an_engine_pipeline_never_outlives_a_killed_tqcheck(tmp_path):
    """SIGKILL cannot be caught, so tqcheck cannot end the engine's process group itself: the guard
    it runs the pipeline under does, when its parent dies."""
    import signal

    command, pid_file = engine_that_hangs(tmp_path)
    process = _start_check(command)
    sleeper = wait_for_pid(pid_file)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert ends_within(sleeper, 20), "the engine's child process outlived a killed tqcheck"


def test_a_run_without_an_address_starts_its_own_ray_not_another_runs(tmp_path):
    """Another process's local Ray (as a concurrent tqcheck run starts for itself) is running: a
    run with no --ray-address starts its own instead of joining it ("auto" would find it, and it
    stops when its run ends, taking this one down: Ray's driver exits 1, which reads as a failed
    gate; seen with two test runs side by side). Before, it joined: the same GCS address."""
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import ray, time; ray.init(address='local', include_dashboard=False); "
            "print(ray.get_runtime_context().gcs_address, flush=True); time.sleep(300)",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        running = holder.stdout.readline().strip()
        assert running, "the other process's Ray did not start"
        joined = (
            "import ray; from tqcheck.translate.ray_executor import connect; connect(None); "
            "print(ray.get_runtime_context().gcs_address)"
        )
        done = subprocess.run([sys.executable, "-c", joined], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[-1] != running
    finally:
        holder.kill()
        holder.wait()
