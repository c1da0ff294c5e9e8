"""The README's CI material must work as written: its settings example passes the settings
checker, its workflows are valid YAML, and every tqcheck flag they use exists."""

import re

import pytest
import yaml
from conftest import ROOT

from tqcheck.config import load_config

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, flags=re.S)


def test_readme_starts_with_the_two_commands():
    assert BLOCKS[0][0] == "bash" and "tqcheck check" in BLOCKS[0][1]
    assert BLOCKS[1][0] == "bash" and "python -m pytest" in BLOCKS[1][1]


@pytest.mark.parametrize("name", ["pyproject.toml", "tqcheck.toml"])
def test_settings_example_is_valid(tmp_path, name):
    """The README says to commit "a tqcheck.toml like the one above": its text works in either file."""
    (toml,) = [body for kind, body in BLOCKS if kind == "toml"]
    (tmp_path / ".git").mkdir()
    (tmp_path / name).write_text(toml, encoding="utf-8")
    config = load_config(start=tmp_path)
    assert config.pick("direction", None) == "sv-en"
    assert {(limit.kind, limit.metric, limit.direction) for limit in config.limits()} == {
        ("fail_under", "bleu", None),
        ("fail_under", "comet", None),
        ("fail_under", "chrf", "sv-en"),
        ("fail_over", "ter", None),
        ("max_drop", "comet", None),
        ("max_drop", "bleu", None),
    }


@pytest.mark.parametrize("index", [i for i, (kind, _) in enumerate(BLOCKS) if kind == "yaml"])
def test_ci_workflows_are_valid_and_use_real_flags(index, invoke):
    body = BLOCKS[index][1]
    assert isinstance(yaml.safe_load(body), dict)
    commands = re.findall(r"tqcheck (check|score|models pull)([^\n]*)", body)
    assert any(name == "check" for name, _ in commands)
    for name, rest in commands:
        help_text = invoke(*name.split(), "--help").stdout
        for flag in re.findall(r"(--[a-z-]+)", rest):
            assert flag in help_text, f"{flag} is not an option of tqcheck {name}"


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_example_ci_files_are_the_readme_text_and_install_as_the_readme_does(name):
    """examples/ holds the workflows exactly as the README shows them, and their install steps pin the
    torch the README's own commands pin (a bare `torch` pulls gigabytes of CUDA)."""
    text = (ROOT / "examples" / name).read_text(encoding="utf-8")
    assert text in [body for kind, body in BLOCKS if kind == "yaml"]
    assert isinstance(yaml.safe_load(text), dict)
    pinned = re.search(r"pip install (torch==[\d.]+)", BLOCKS[0][1]).group(1)
    installs = re.findall(r"pip install (torch\S*)", text)
    assert installs and all(i == pinned for i in installs), installs
    assert 'pip install "tqcheck' in text or "pip install 'tqcheck" in text


def test_apt_commands_in_the_readme_do_not_wait_for_a_yes():
    assert all("-y" in line for line in README.splitlines() if "apt-get install" in line)


@pytest.mark.parametrize("marker", ["--manifest", "--executor", "--engine openai"])
def test_check_examples_use_real_flags(invoke, marker):
    """Every flag of the corpus, engine and Ray examples is an option of tqcheck check."""
    (body,) = [body for kind, body in BLOCKS if kind == "bash" and marker in body]
    help_text = invoke("check", "--help").stdout
    for line in body.splitlines():
        if line.lstrip().startswith("tqcheck check"):
            for flag in set(re.findall(r"(--[a-z-]+)", line)):
                assert flag in help_text, f"{flag} is not an option of tqcheck check"
