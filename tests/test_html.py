"""The HTML report: its pieces as functions, and the whole file rendered in headless Chromium."""

import json
import re

import pytest
from browser import dump_dom, needs_chromium, png_facts, screenshot
from conftest import APERTIUM_SV_EN, EN, SV

from tqcheck.report.html import Mark, highlight, histogram, word_differences

FILE_ENGINE = ["--engine", "file", "--hypothesis", APERTIUM_SV_EN]


def test_word_differences_mark_only_the_words_that_differ():
    mt, ref = "the cat sat on a mat", "the cat sat on the red mat"
    mt_marks, ref_marks = word_differences(mt, ref)
    assert [mt[m.start : m.end] for m in mt_marks] == ["a"]
    assert [ref[m.start : m.end] for m in ref_marks] == ["the red"]
    assert word_differences("same words", "same words") == ([], [])


def test_highlight_escapes_and_combines_overlapping_marks():
    text = "a <b> & c"
    out = highlight(text, [Mark(0, 5, "x", "first"), Mark(2, 9, "y")])
    assert "<b>" not in out and "&lt;b&gt;" in out and "&amp;" in out
    assert '<span class="x" title="first">a </span>' in out
    assert '<span class="x y" title="first">&lt;b&gt;</span>' in out
    assert '<span class="y"> &amp; c</span>' in out
    assert (
        highlight("abc", [Mark(1, 2, "err err-major", "major")])
        == 'a<span class="err err-major" title="major">b</span>c'
    )
    assert re.sub(r"<[^>]+>", "", out).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


def test_histogram_bins_cover_every_score():
    chrf = histogram("chrf", [0.0, 9.99, 10.0, 55.0, 100.0])
    assert [count for *_, count in chrf.bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 1]
    assert chrf.bins[0][0] == 0.0 and chrf.bins[-1][1] == pytest.approx(100.0)
    comet = histogram("comet", [0.2, 0.4, 0.8])
    assert sum(count for *_, count in comet.bins) == 3 and comet.bins[0][0] == 0.2
    assert max(bar["height"] for bar in comet.bars) == pytest.approx(comet.height - 30)


@pytest.fixture(scope="module")
def seed_html(tiny_models, tmp_path_factory):
    """`tqcheck check --html` on the seed pair (Apertium MT, tiny XCOMET), with its JSON twin."""
    from typer.testing import CliRunner

    from tqcheck.cli import app

    folder = tmp_path_factory.mktemp("html")
    page, report = folder / "report.html", folder / "report.json"
    result = CliRunner().invoke(
        app,
        [
            "check",
            str(SV),
            str(EN),
            *map(str, FILE_ENGINE),
            "--comet-model",
            str(tiny_models["xcomet_dir"]),
            "--html",
            str(page),
            "--json",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.stderr
    return page, json.loads(report.read_text(encoding="utf-8"))["directions"][0]


def test_html_is_self_contained(seed_html):
    page, _ = seed_html
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text), "the report must not load anything"
    assert "@import" not in text and "<link" not in text
    assert "<script>" in text and "<svg" in text


def _row_order(dom: str, table_id: str) -> list[int]:
    table = dom[dom.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    return [int(k) for k in re.findall(r'<tr data-index="(\d+)"', table)]


@needs_chromium
def test_html_renders_in_chromium_and_the_table_sorts(seed_html, tmp_path):
    page, direction = seed_html
    segments = direction["segments"]
    dom = dump_dom(page)
    # rendered: scores with signatures, the alignment with its unmatched lines, one row per segment
    for metric in ("bleu", "chrf", "ter", "comet"):
        assert f'<tr data-metric="{metric}">' in dom
        assert direction["scores"][metric]["signature"] in dom
    assert (
        len(re.findall(r'<tr data-side="source">', dom)) == 2
        and len(re.findall(r'<tr data-side="reference">', dom)) == 1
    )
    assert _row_order(dom, "segments-sv-en") == list(range(1, len(segments) + 1))
    assert dom.count('class="bar"') == 4 * 10
    assert 'class="diff-mt"' in dom and 'class="diff-ref"' in dom
    spans = sum(len(s.get("error_spans", {}).get("comet", [])) for s in segments)
    assert spans > 0 and dom.count("error-span") == sum(
        min(6, len(s.get("error_spans", {}).get("comet", []))) for s in segments
    )

    # the table sorts: click the BLEU header once (worst first), then again (best first)
    bleu = [s["scores"]["bleu"] for s in segments]
    ascending = sorted(range(1, len(bleu) + 1), key=lambda k: (bleu[k - 1], k))
    clicker = page.with_name("clicked.html")
    click = "document.querySelector('#segments-sv-en th[data-sort=\"bleu\"]').click();"
    clicker.write_text(
        page.read_text(encoding="utf-8").replace("</body>", f"<script>{click}</script></body>"), encoding="utf-8"
    )
    clicked = dump_dom(clicker)
    assert _row_order(clicked, "segments-sv-en") == ascending
    assert 'data-sort="bleu" data-type="num" data-higher-is-better="true" aria-sort="ascending"' in clicked
    clicker.write_text(
        page.read_text(encoding="utf-8").replace("</body>", f"<script>{click}{click}</script></body>"), encoding="utf-8"
    )
    assert [bleu[k - 1] for k in _row_order(dump_dom(clicker), "segments-sv-en")] == sorted(bleu, reverse=True)

    # TER is lower-is-better: its first click puts the highest TER (the worst) first
    ter = [s["scores"]["ter"] for s in segments]
    clicker.write_text(
        page.read_text(encoding="utf-8").replace(
            "</body>",
            "<script>document.querySelector('#segments-sv-en th[data-sort=\"ter\"]').click();</script></body>",
        ),
        encoding="utf-8",
    )
    assert [ter[k - 1] for k in _row_order(dump_dom(clicker), "segments-sv-en")] == sorted(ter, reverse=True)

    png = screenshot(page, tmp_path / "report.png")
    width, height, distinct = png_facts(png)
    assert (width, height) == (1280, 2000)
    assert distinct > 50, "the screenshot is blank"
