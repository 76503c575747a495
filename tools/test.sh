#!/usr/bin/env bash
# The whole test suite: the library is what the notebooks export, the notebooks are clean, the README says what
# nbs/index.ipynb says, the package reads top-down, every notebook's cells pass (nbdev-test), the explorer works in a
# real browser (tools/browser_test.py: JupyterLab + Debian's chromium, installed here when it can be), and the real
# pipeline runs once on the embedded sample with its outputs checked (tools/check_run.py).
# Ends with `N passed, M failed, K skipped`; the exit status is 0 only when nothing failed.
# Extra arguments go to nbdev-test (e.g. `tools/test.sh --flags slow`).
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0; failed=0; skipped=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL: $1"; failed=$((failed + 1)); }
skip() { echo "SKIP: $1"; skipped=$((skipped + 1)); }

before_lib=$(git diff --no-ext-diff -- cxr_vit; git ls-files --others --exclude-standard -- cxr_vit)
if ! nbdev-export; then fail "nbdev-export did not run (pip install -e \".[dev]\" installs it)"; fi
after_lib=$(git diff --no-ext-diff -- cxr_vit; git ls-files --others --exclude-standard -- cxr_vit)
if [ "$before_lib" != "$after_lib" ]; then fail "nbdev-export changed cxr_vit/: commit the exported library"; git status --short -- cxr_vit
else ok "nbdev-export leaves cxr_vit/ unchanged"; fi
before_nbs=$(git diff --no-ext-diff -- nbs)
if ! nbdev-clean; then fail "nbdev-clean did not run"; fi
after_nbs=$(git diff --no-ext-diff -- nbs)
if [ "$before_nbs" != "$after_nbs" ]; then fail "nbdev-clean changed nbs/: commit clean notebooks"; git status --short -- nbs
else ok "notebooks are clean"; fi
if python tools/readme.py --check; then ok "README.md matches nbs/index.ipynb"; else fail "README.md"; fi
if python tools/check_layers.py; then ok "no upward imports"; else fail "layers"; fi

# every notebook: nbtest.py prints `PASS name` / `FAIL name` lines
nb_log=$(mktemp); python tools/nbtest.py "$@" 2>&1 | tee "$nb_log"; nb_rc=${PIPESTATUS[0]}
passed=$((passed + $(grep -c '^PASS ' "$nb_log"))); failed=$((failed + $(grep -c '^FAIL ' "$nb_log")))
if [ "$nb_rc" != 0 ] && ! grep -q '^FAIL ' "$nb_log"; then fail "tools/nbtest.py stopped (exit $nb_rc) before naming a notebook"; fi
rm -f "$nb_log"

# the browser test needs Debian's chromium and chromium-driver: installed here as root with apt, as .ci/run does
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing Debian's chromium and chromium-driver for the browser test (apt-get)"
        { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; } >/dev/null 2>&1 \
            || echo "apt-get could not install chromium and chromium-driver"
    fi
fi
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    skip "browser test: needs Debian's chromium and chromium-driver, and this is not root with apt to install them (apt-get install chromium chromium-driver)"
elif python tools/browser_test.py; then ok "browser test (the explorer in JupyterLab)"
else fail "browser test"; fi

runs=$(mktemp -d)
if cxr_vit run --out "$runs" --name sample && python tools/check_run.py "$runs/sample"; then ok "cxr_vit run on the embedded sample"; rm -rf "$runs"
else fail "cxr_vit run on the embedded sample (see $runs/sample)"; fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
