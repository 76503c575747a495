#!/usr/bin/env bash
# The whole test suite: the library is what the notebooks export, the notebooks are clean,
# the README says what nbs/index.ipynb says, every notebook's cells pass (nbdev-test), and the
# explorer works in a real browser (tools/browser_test.py: JupyterLab + Debian's chromium), and the
# real pipeline runs once on the embedded sample with its outputs checked (tools/check_run.py).
# Extra arguments go to nbdev-test (e.g. `tools/test.sh --flags slow`).
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
before_lib=$(git diff --no-ext-diff -- cxr_vit; git ls-files --others --exclude-standard -- cxr_vit)
nbdev-export
after_lib=$(git diff --no-ext-diff -- cxr_vit; git ls-files --others --exclude-standard -- cxr_vit)
if [ "$before_lib" != "$after_lib" ]; then echo "FAIL: nbdev-export changed cxr_vit/: commit the exported library"; git status --short -- cxr_vit; fail=1
else echo "ok: nbdev-export leaves cxr_vit/ unchanged"; fi
before_nbs=$(git diff --no-ext-diff -- nbs)
nbdev-clean
after_nbs=$(git diff --no-ext-diff -- nbs)
if [ "$before_nbs" != "$after_nbs" ]; then echo "FAIL: nbdev-clean changed nbs/: commit clean notebooks"; git status --short -- nbs; fail=1
else echo "ok: notebooks are clean"; fi
python tools/readme.py --check || fail=1
python tools/check_layers.py || fail=1
python tools/nbtest.py "$@" || fail=1
python tools/browser_test.py || fail=1   # the explorer in JupyterLab, driven by headless Chromium
runs=$(mktemp -d)
if cxr_vit run --out "$runs" --name sample; then python tools/check_run.py "$runs/sample" || fail=1
else echo "FAIL: cxr_vit run on the embedded sample (see $runs/sample)"; fail=1; fi
[ $fail = 0 ] && rm -rf "$runs"
if [ $fail = 0 ]; then echo "all passed"; else echo "FAILED"; fi
exit $fail
