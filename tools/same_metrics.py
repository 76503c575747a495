"""Compare two runs' metrics.json: every number equal within a tolerance, apart from times, versions and paths.

    python tools/same_metrics.py runs/before/metrics.json runs/after/metrics.json [--tol 1e-6]

A refactor that should not change behaviour is checked with it: run `cxr_vit run` on the same data before and
after, then compare. Prints each difference and exits 1 if any is above the tolerance.
"""
import argparse, json, sys

SKIP = ('/meta/', '/versions/')  # paths, times, hashes of file lists (they change with the folder a run lives in) and versions

def diffs(a, b, path=''):
    "Yield (path, a, b) for every leaf where `a` and `b` differ."
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from (diffs(a[k], b[k], f'{path}/{k}') if k in a and k in b else [(f'{path}/{k}', a.get(k), b.get(k))])
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (u, v) in enumerate(zip(a, b)): yield from diffs(u, v, f'{path}[{i}]')
    elif a != b: yield path, a, b

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('before'); ap.add_argument('after')
    ap.add_argument('--tol', type=float, default=1e-6, help='largest absolute difference allowed between numbers')
    a = ap.parse_args(argv)
    bad = 0
    for p, x, y in diffs(*(json.load(open(f)) for f in (a.before, a.after))):
        if any(p.startswith(s) or s in p for s in SKIP): continue
        num = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y))
        over = not num or abs(x - y) > a.tol
        bad += over
        print(f"{'DIFF' if over else 'ok  '} {p}: {x!r} -> {y!r}" + (f' ({abs(x - y):.1e})' if num else ''))
    print(f'{bad} difference(s) above {a.tol:g}')
    return 1 if bad else 0

if __name__ == '__main__': sys.exit(main())
