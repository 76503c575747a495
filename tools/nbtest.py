"""Run `nbdev-test` on every notebook (two at a time): a `PASS name` or `FAIL name` line each, then the notebooks' `N passed, M failed`.

Arguments are passed to nbdev-test (e.g. `--flags slow` to run the slow checks too).
"""
import subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(nb: Path, extra: list[str]):
    t = time.time()
    try: p = subprocess.run(['nbdev-test', str(nb), *extra], cwd=ROOT, capture_output=True, text=True)
    except FileNotFoundError: return str(nb.relative_to(ROOT/'nbs')), False, 0.0, 'nbdev-test not found: pip install -e ".[dev]"'
    return str(nb.relative_to(ROOT/'nbs')), p.returncode == 0, time.time() - t, p.stdout + p.stderr


def main(extra=sys.argv[1:]):
    nbs = sorted(p for p in (ROOT/'nbs').rglob('*.ipynb') if not p.name.startswith('_') and '.ipynb_checkpoints' not in p.parts)
    with ThreadPoolExecutor(2) as ex: results = list(ex.map(lambda nb: run(nb, extra), nbs))
    for name, ok, secs, out in results:
        print(f"{'PASS' if ok else 'FAIL'} {name} ({secs:.0f}s)")
        if not ok: print(out[-6000:])
    passed = sum(ok for _, ok, _, _ in results)
    print(f"notebooks: {passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)


if __name__ == '__main__': main()
