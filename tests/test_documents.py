import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest
from conftest import EN, SV

from tqcheck.documents import load_document, read_lines
from tqcheck.errors import InputError


def test_seed_documents_load_with_line_numbers_and_languages():
    sv, en = load_document(SV), load_document(EN)
    assert (sv.lang, en.lang) == ("sv", "en")
    assert (len(sv.segments), sv.line_count) == (22, 22)
    assert (len(en.segments), en.line_count) == (21, 21)
    assert sv.segments[19].text == "Läs mer:"


def test_blank_lines_are_skipped_but_keep_numbering(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("First paragraph here.\n\n   \nSecond paragraph here.\n", encoding="utf-8")
    doc = load_document(path, "en")
    assert [(s.line, s.text) for s in doc.segments] == [(1, "First paragraph here."), (4, "Second paragraph here.")]
    assert doc.line_count == 4


def test_bom_is_accepted_and_text_is_nfc(tmp_path):
    path = tmp_path / "bom.txt"
    decomposed = unicodedata.normalize("NFD", "Björn Jerdén är chef.")
    path.write_bytes(b"\xef\xbb\xbf" + decomposed.encode("utf-8") + b"\r\n")
    doc = load_document(path, "sv")
    assert doc.segments[0].text == unicodedata.normalize("NFC", "Björn Jerdén är chef.")
    assert not doc.segments[0].text.startswith("\ufeff")


def test_declared_language_wins_but_detection_is_kept():
    doc = load_document(SV, "fi")
    assert (doc.lang, doc.lang_detected) == ("fi", "sv")


BAD_FILES = [
    ("empty", b"", "has no text"),
    ("whitespace", b"  \n\t\n \n", "has no text"),
    ("binary", b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "binary file"),
    ("latin1", "Björn Jerdén är chef\n".encode("latin-1"), "is not UTF-8"),
    ("utf16", "Björn är chef\n".encode("utf-16"), "is UTF-16 text"),
]


@pytest.mark.parametrize("name,content,message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_raise_input_error_with_fix(tmp_path, name, content, message):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        load_document(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
    assert caught.value.exit_code == 2


def test_missing_path_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_lines(tmp_path / "absent.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_lines(tmp_path)


def test_unreadable_file_exits_2_with_the_fix():
    """Root reads any file, so under root the check runs as the unprivileged user nobody."""
    folder = Path(tempfile.mkdtemp(prefix="tqcheck-perm-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        secret = folder / "secret.txt"
        secret.write_text("Hemlig text.\n", encoding="utf-8")
        secret.chmod(0)
        command = [sys.executable, "-m", "tqcheck", "check", str(secret), str(EN), "--metrics", "bleu"]
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("running as root without setpriv: root can read a mode-000 file")
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
        assert done.returncode == 2, done.stderr
        assert (
            done.stderr
            == f"tqcheck: error: {secret}: permission denied; make the file readable (chmod +r) or copy it\n"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_read_lines_keeps_blank_lines_like_sacrebleu(tmp_path):
    path = tmp_path / "hyp.txt"
    path.write_text("a\n\nb\n", encoding="utf-8")
    assert read_lines(path) == ["a", "", "b"]
