#!/usr/bin/env bash
# Re-make the screenshots of the HTML reports on the seed pair (Apertium MT; COMET checkpoints given
# as COMET_DIR (an XCOMET) and QE_DIR (a CometKiwi), e.g. the tiny ones tests/tiny_models.py builds).
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
apertium='apertium -u swe-isl | apertium -u isl-eng'
tqcheck check --direction sv-en --engine command --command "$apertium" --comet-model "$COMET_DIR" \
    --qe-model "$QE_DIR" --html "$work/report.html" >/dev/null
tqcheck audit --engine command --command "$apertium" --qe-model "$QE_DIR" --html "$work/audit.html" >/dev/null
flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --disable-extensions --no-first-run --no-default-browser-check --virtual-time-budget=5000"
chromium $flags --user-data-dir="$work/p1" --window-size=1280,1500 --screenshot="$PWD/report-sv-en.png" "file://$work/report.html"
chromium $flags --user-data-dir="$work/p2" --window-size=1280,1500 --screenshot="$PWD/audit-sv-en.png" "file://$work/audit.html"
rm -rf "$work"
