"""The ctranslate2 engine on a tiny Marian model converted with CTranslate2's own converter."""

import json
import shutil

import pytest
from conftest import EN, SV, seed_lines

from tqcheck.errors import ModelUnavailableError
from tqcheck.translate import create_translator

pytest.importorskip("ctranslate2", reason="pip install 'tqcheck[ctranslate2]' for the ctranslate2 engine")

SOURCE = seed_lines(SV)


@pytest.fixture(scope="module")
def converted(tiny_models, tmp_path_factory, request):
    from typer.testing import CliRunner

    from tqcheck.cli import app

    output = tmp_path_factory.mktemp("ct2") / "sv-en"
    result = CliRunner().invoke(app, ["models", "convert", str(tiny_models["marian_sv_en"]), "--output", str(output)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(output)
    return output


def test_float32_output_equals_the_marian_engine(converted, tiny_models):
    marian = create_translator("marian", {"model": str(tiny_models["marian_sv_en"]), "beam_size": 1}).translate(
        SOURCE, "sv", "en"
    )
    ct2 = create_translator("ctranslate2", {"model": str(converted), "compute_type": "float32"}).translate(
        SOURCE, "sv", "en"
    )
    assert ct2 == marian


def test_int8_default_on_cpu_and_engine_info(converted):
    translator = create_translator("ctranslate2", {"model": str(converted), "batch_size": 4})
    out = translator.translate(SOURCE[:5] + SOURCE[:2], "sv", "en")
    assert len(out) == 7 and out[5:] == out[:2] and all(out)
    assert translator.info("sv", "en").options["compute_type"] == "int8"


def test_marian_folder_is_converted_on_first_use(tiny_models, tmp_path, monkeypatch):
    monkeypatch.setenv("TQCHECK_CACHE_DIR", str(tmp_path / "cache"))
    translator = create_translator(
        "ctranslate2", {"model": str(tiny_models["marian_sv_en"]), "compute_type": "float32"}
    )
    assert len(translator.translate(SOURCE[:3], "sv", "en")) == 3
    (converted,) = (tmp_path / "cache" / "ctranslate2").iterdir()
    assert (converted / "model.bin").is_file() and (converted / "source.spm").is_file()


def test_check_end_to_end_with_ctranslate2(invoke, converted, tmp_path):
    report = tmp_path / "r.json"
    result = invoke(
        "check", SV, EN, "--engine", "ctranslate2", "--model", converted, "--metrics", "bleu,chrf", "--json", report
    )
    assert result.exit_code == 0, result.stderr
    direction = json.loads(report.read_text())["directions"][0]
    assert direction["engine"]["engine"] == "ctranslate2" and direction["engine"]["options"]["compute_type"] == "int8"


def test_converted_model_without_tokenizer_says_how_to_fix(converted, tmp_path):
    bare = tmp_path / "bare"
    shutil.copytree(converted, bare)
    (bare / "source.spm").unlink()
    with pytest.raises(ModelUnavailableError, match="has no tokenizer files .*tqcheck models convert"):
        create_translator("ctranslate2", {"model": str(bare)}).translate(["Hej."], "sv", "en")
