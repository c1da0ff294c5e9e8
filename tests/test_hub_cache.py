"""Hub names resolve through the local Hugging Face cache, offline: tiny models are laid out as
the hub cache lays them out and loaded by name, through the same code a real hub model takes."""

import json

REVISION = "0123456789abcdef0123456789abcdef01234567"


def install_in_hf_cache(cache, repo_id, model_dir):
    """Lay a local model out exactly as the Hugging Face hub cache does."""
    import shutil

    repo = cache / f"models--{repo_id.replace('/', '--')}"
    shutil.copytree(model_dir, repo / "snapshots" / REVISION)
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(REVISION)


def test_hub_names_load_from_the_local_cache_offline(tiny_models, tmp_path):
    """The hub-name code path (cache lookup, from_pretrained by name, comet.download_model) with
    tiny models placed in a local HF cache; the revision ends up in the report."""
    import os
    import subprocess
    import sys

    cache = tmp_path / "hub"
    install_in_hf_cache(cache, "tiny/opus-mt-sv-en", tiny_models["marian_sv_en"])
    install_in_hf_cache(cache, "tiny/comet", tiny_models["comet_dir"])
    report = tmp_path / "r.json"
    env = {**os.environ, "HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tqcheck",
            "check",
            "--direction",
            "sv-en",
            "--model",
            "tiny/opus-mt-sv-en",
            "--comet-model",
            "tiny/comet",
            "--json",
            str(report),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    direction = json.loads(report.read_text())["directions"][0]
    assert direction["engine"]["model"] == "tiny/opus-mt-sv-en"
    assert direction["engine"]["options"]["revision"] == REVISION[:12]
    assert direction["scores"]["comet"]["signature"] == f"model:tiny/comet|rev:{REVISION[:12]}|comet:2.2.7"


def test_models_list_shows_kind_size_and_flags_non_commercial_licences(tiny_models, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from tqcheck.cli import app

    cache = tmp_path / "hub"
    install_in_hf_cache(cache, "tiny/opus-mt-sv-en", tiny_models["marian_sv_en"])
    install_in_hf_cache(cache, "Unbabel/wmt22-cometkiwi-da", tiny_models["comet_dir"])
    (cache / "models--tiny--opus-mt-sv-en" / "snapshots" / REVISION / "README.md").write_text(
        "---\nlicense: apache-2.0\n---\n# card\n"
    )
    result = CliRunner().invoke(app, ["models", "list"], env={"HF_HUB_CACHE": str(cache), "COLUMNS": "160"})
    assert result.exit_code == 0, result.stderr
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") > 4}
    assert "Marian (MT)" in rows["tiny/opus-mt-sv-en"] and "apache-2.0" in rows["tiny/opus-mt-sv-en"]
    assert (
        "COMET" in rows["Unbabel/wmt22-cometkiwi-da"]
        and "cc-by-nc-sa-4.0 — NON-COMMERCIAL" in rows["Unbabel/wmt22-cometkiwi-da"]
    )
    assert REVISION[:12] in rows["tiny/opus-mt-sv-en"] and " MB" in rows["tiny/opus-mt-sv-en"]
    empty = CliRunner().invoke(app, ["models", "list"], env={"HF_HUB_CACHE": str(tmp_path / "none")})
    assert empty.exit_code == 0 and "No models in the local Hugging Face cache" in empty.stdout
