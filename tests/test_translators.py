import pytest
from conftest import APERTIUM_COMMAND, SV, needs_apertium, seed_lines

from tqcheck.errors import EngineError, InputError, ModelUnavailableError
from tqcheck.translate import available_translators, create_translator

TEXTS = ["Hej världen.", "Det här är en mening.", "Hej världen."]


def test_builtin_engines_are_registered():
    assert {"marian", "command", "file"} <= set(available_translators())


def test_marian_translates_through_from_pretrained(tiny_models):
    translator = create_translator("marian", {"model": str(tiny_models["marian_sv_en"]), "batch_size": "2"})
    out = translator.translate(TEXTS, "sv", "en")
    assert len(out) == 3 and all(isinstance(t, str) and t for t in out)
    assert out[0] == out[2]  # identical inputs, identical outputs (translated once)
    assert translator.info("sv", "en").model == str(tiny_models["marian_sv_en"])


def test_marian_per_direction_models(tiny_models):
    spec = f"sv-en={tiny_models['marian_sv_en']},en-sv={tiny_models['marian_en_sv']}"
    translator = create_translator("marian", {"model": spec})
    assert translator.model_for("sv", "en") == str(tiny_models["marian_sv_en"])
    assert translator.model_for("en", "sv") == str(tiny_models["marian_en_sv"])
    assert translator.model_for("de", "en") == "Helsinki-NLP/opus-mt-de-en"


def test_marian_batching_does_not_change_output(tiny_models):
    texts = seed_lines(SV)[:6]
    one = create_translator("marian", {"model": str(tiny_models["marian_sv_en"]), "batch_size": 1}).translate(
        texts, "sv", "en"
    )
    many = create_translator("marian", {"model": str(tiny_models["marian_sv_en"]), "batch_size": 4}).translate(
        texts, "sv", "en"
    )
    assert one == many


def test_marian_uncached_hub_model_fails_fast_offline():
    with pytest.raises(ModelUnavailableError) as caught:
        create_translator("marian", {}).translate(["Hej"], "sv", "en")
    assert "Helsinki-NLP/opus-mt-sv-en" in str(caught.value) and "--model PATH" in str(caught.value)


def test_marian_missing_local_directory(tmp_path):
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        create_translator("marian", {"model": str(tmp_path / "absent")}).translate(["Hej"], "sv", "en")


def test_command_engine_pipes_lines_and_substitutes_languages():
    translator = create_translator("command", {"command": "sed 's/^/{src}>{tgt}: /'"})
    assert translator.translate(["a", "b"], "sv", "en") == ["sv>en: a", "sv>en: b"]


@pytest.mark.parametrize(
    "command,message",
    [
        ("head -n 1", "printed 1 lines for 2 input lines"),
        ("echo broken >&2; exit 4", "exited with status 4 (broken)"),
    ],
)
def test_command_engine_failures(command, message):
    with pytest.raises(EngineError, match=message.replace("(", r"\(").replace(")", r"\)")):
        create_translator("command", {"command": command}).translate(["a", "b"], "sv", "en")


def test_command_engine_timeout():
    with pytest.raises(EngineError, match="did not finish within 0.5 s"):
        create_translator("command", {"command": "sleep 5", "timeout": "0.5"}).translate(["a"], "sv", "en")


@needs_apertium
def test_apertium_is_a_real_sv_en_engine():
    out = create_translator("command", {"command": APERTIUM_COMMAND}).translate(["Läs mer:", "Hej"], "sv", "en")
    assert out[0] == "Read more:"


def test_file_engine_checks_line_count(tmp_path):
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("one\ntwo\n", encoding="utf-8")
    assert create_translator("file", {"hypothesis": str(hyp)}).translate(["a", "b"], "sv", "en") == ["one", "two"]
    with pytest.raises(InputError, match="has 2 lines but the sv source has 3 segments"):
        create_translator("file", {"hypothesis": str(hyp)}).translate(["a", "b", "c"], "sv", "en")


@pytest.mark.parametrize(
    "engine,options,message",
    [
        ("nope", {}, "unknown engine 'nope'"),
        ("command", {}, "needs a pipeline"),
        ("file", {}, "needs the translation"),
        ("marian", {"beam": "4"}, "has no option 'beam'"),
        ("marian", {"beam_size": "four"}, "beam_size='four' is not a valid int"),
    ],
)
def test_engine_option_errors(engine, options, message):
    with pytest.raises(InputError, match=message):
        create_translator(engine, options)


def test_split_to_fit_never_exceeds_the_limit_and_keeps_all_text():
    from tqcheck.translate.marian import split_to_fit

    text = "Första meningen är kort. " + "Ord " * 30 + "slut. Sista meningen!"
    pieces = split_to_fit(text, lambda t: len(t.split()), 10)
    assert all(len(p.split()) <= 10 for p in pieces)
    assert " ".join(pieces).split() == text.split()
    assert split_to_fit("kort text", lambda t: len(t.split()), 10) == ["kort text"]


def test_marian_translates_overlong_paragraphs_in_pieces(tiny_models):
    translator = create_translator("marian", {"model": str(tiny_models["marian_sv_en"])})
    long_paragraph = " ".join(seed_lines(SV)) * 3  # far beyond 512 tokens
    tokenizer = translator._load(str(tiny_models["marian_sv_en"]))[0]
    assert len(tokenizer.tokenize(long_paragraph)) > 512
    seen = []
    out = translator.translate([long_paragraph], "sv", "en", progress=lambda done, total: seen.append((done, total)))
    assert len(out) == 1 and out[0]
    assert seen and seen[-1][0] == seen[-1][1] > 1  # more than one piece was translated


def test_file_engine_per_direction(tmp_path):
    forward, backward = tmp_path / "sv-en.txt", tmp_path / "en-sv.txt"
    forward.write_text("to English\n")
    backward.write_text("till svenska\n")
    translator = create_translator("file", {"hypothesis": f"sv-en={forward},en-sv={backward}"})
    assert translator.translate(["x"], "sv", "en") == ["to English"]
    assert translator.translate(["x"], "en", "sv") == ["till svenska"]
    with pytest.raises(InputError, match="no translation for de-en"):
        translator.translate(["x"], "de", "en")
