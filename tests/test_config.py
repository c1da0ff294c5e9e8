"""Settings from tqcheck.toml or [tool.tqcheck]: found upward, checked key by key, flags win."""

import pytest

from tqcheck.config import find_config, load_config
from tqcheck.errors import InputError
from tqcheck.gate import Limit


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def repo(tmp_path):
    (tmp_path / ".git").mkdir()  # the search stops at the repository root
    return tmp_path


def test_pyproject_section_found_from_a_subfolder(repo):
    write(
        repo / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.tqcheck]\nmetrics = ["bleu", "chrf"]\nbaseline = "ci/base.json"\n'
        'fail_under = { bleu = 30, "sv-en" = { bleu = 35 } }\nmax_drop = { comet = true }\n',
    )
    (repo / "docs" / "deep").mkdir(parents=True)
    config = load_config(start=repo / "docs" / "deep")
    assert config.path == repo / "pyproject.toml"
    assert config.pick("metrics", None) == "bleu,chrf"
    assert config.pick("metrics", "ter") == "ter"  # the flag wins
    assert config.pick("baseline", None) == str(repo / "ci" / "base.json")  # relative to the file
    assert sorted(config.limits(), key=repr) == sorted(
        [
            Limit("fail_under", "bleu", 30.0),
            Limit("fail_under", "bleu", 35.0, "sv-en"),
            Limit("max_drop", "comet", None),
        ],
        key=repr,
    )
    assert Limit("fail_under", "bleu", 20.0) in config.limits(["bleu=20"])
    assert Limit("fail_under", "bleu", 30.0) not in config.limits(["bleu=20"])


def test_tqcheck_toml_wins_over_pyproject_in_the_same_folder(repo):
    write(repo / "pyproject.toml", "[tool.tqcheck]\nengine = 'marian'\n")
    write(repo / "tqcheck.toml", "engine = 'command'\ncommand = 'cat'\n")
    config = load_config(start=repo)
    assert config.path.name == "tqcheck.toml" and config.pick("engine", None) == "command"


def test_pyproject_without_section_is_not_a_config(repo):
    write(repo / "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config(repo) is None
    assert load_config(start=repo).values == {}


def test_search_stops_at_the_repository_root(tmp_path):
    write(tmp_path / "tqcheck.toml", "engine = 'file'\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert find_config(tmp_path / "repo") is None


@pytest.mark.parametrize(
    "text,message",
    [
        ("fail_undr = { bleu = 3 }\n", "unknown key 'fail_undr' in .*tqcheck.toml; known keys: source"),
        ("comet_batch_size = 'big'\n", "'comet_batch_size' in .*: expected int, got 'big'"),
        ("fail_under = 30\n", "'fail_under' in .*: expected table"),
        ("fail_under = { bleu = 'high' }\n", "'fail_under.bleu' in .*: expected a number"),
        ("fail_under = { ter = 60 }\n", "lower-is-better; use --fail-over"),
        ("fail_over = { 'sv-en' = { ter = true } }\n", "'fail_over.sv-en.ter' in .*: expected a number"),
        ("metrics = [\n", "is not valid TOML"),
    ],
)
def test_bad_settings_name_the_key(repo, text, message):
    write(repo / "tqcheck.toml", text)
    with pytest.raises(InputError, match=message):
        load_config(start=repo)


def test_explicit_config_must_exist(tmp_path):
    with pytest.raises(InputError, match="--config .*: no such file"):
        load_config(str(tmp_path / "nope.toml"))


def test_a_bad_path_from_the_settings_file_says_where_it_came_from(invoke, tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "tqcheck.toml").write_text(
        'source = "docs/missing.sv.txt"\nreference = "docs/missing.en.txt"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "--metrics", "bleu")
    assert result.exit_code == 2
    assert (
        "missing.sv.txt: no such file" in result.stderr
        and "'source' in" in result.stderr
        and "tqcheck.toml" in result.stderr
    )
