"""The seq2seq engine with tiny random-weight NLLB (M2M100 architecture), M2M100, mBART-50 and
MADLAD-400 (T5) models built here with the real tokenizer classes, loaded by from_pretrained like hub
models: each family's language convention is resolved from ISO codes and the target is forced."""

from __future__ import annotations

import pytest
from conftest import EN, SV, seed_lines
from tiny_models import build_seq2seq

from tqcheck.errors import InputError
from tqcheck.translate import create_translator

FAMILIES = {  # family -> (source token in the input, target token forced or prefixed)
    "nllb": ("swe_Latn", "eng_Latn"),
    "m2m100": ("__sv__", "__en__"),
    "mbart50": ("sv_SE", "en_XX"),
    "madlad": (None, "<2en>"),
}


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("seq2seq")
    texts = seed_lines(SV) + seed_lines(EN)
    return {family: build_seq2seq(root / family, family, texts, seed=k) for k, family in enumerate(FAMILIES)}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_each_family_gets_its_language_codes_and_the_target_is_forced(models, family):
    import torch

    engine = create_translator("seq2seq", {"model": str(models[family]), "batch_size": 2})
    texts = seed_lines(SV)[:3]
    out = engine.translate(texts, "sv", "en")
    assert len(out) == 3 and all(isinstance(t, str) for t in out)
    tokenizer, model, _ = engine._load(str(models[family]))
    prefix, arguments = engine._conventions(tokenizer, model, "sv", "en")
    source_token, target_token = FAMILIES[family]
    encoded = tokenizer([prefix + texts[0]], return_tensors="pt")
    tokens = tokenizer.convert_ids_to_tokens(encoded["input_ids"][0])
    if family == "madlad":
        assert arguments == {} and tokens[0] == target_token  # the prefix names the target
    else:
        assert source_token in tokens  # the tokenizer's source language was set
        forced = arguments["forced_bos_token_id"]
        assert tokenizer.convert_ids_to_tokens(forced) == target_token
        with torch.inference_mode():
            generated = model.generate(**encoded, **arguments, max_new_tokens=4)
        assert int(generated[0][1]) == forced  # after the decoder's start token, the target's code


def test_the_other_direction_swaps_the_codes(models):
    engine = create_translator("seq2seq", {"model": str(models["nllb"])})
    tokenizer, model, _ = engine._load(str(models["nllb"]))
    _, arguments = engine._conventions(tokenizer, model, "en", "sv")
    assert (
        tokenizer.src_lang == "eng_Latn"
        and tokenizer.convert_ids_to_tokens(arguments["forced_bos_token_id"]) == "swe_Latn"
    )


def test_a_language_the_family_lacks_is_bad_input(models):
    engine = create_translator("seq2seq", {"model": str(models["mbart50"])})
    with pytest.raises(InputError, match="no code for language 'is'"):
        engine.translate(["Hej"], "sv", "is")
    madlad = create_translator("seq2seq", {"model": str(models["madlad"])})
    with pytest.raises(InputError, match="no <2fi> token"):
        madlad.translate(["Hej"], "sv", "fi")


def test_seq2seq_checks_the_seed_pair_through_the_cli(invoke, models, tmp_path):
    result = invoke(
        "check", SV, EN, "--direction", "sv-en", "--engine", "seq2seq", "--model", models["nllb"],
        "--metrics", "chrf", "--no-cache", "--json", tmp_path / "r.json",
    )  # fmt: skip
    # random weights generate nothing but special tokens: tqcheck refuses to score empty MT
    assert result.exit_code == 3, result.stdout + result.stderr
    assert "22 of 22 MT segments from engine seq2seq are not translations (22 empty" in result.stderr
    assert "meaningless" in result.stderr and "Traceback" not in result.stderr
