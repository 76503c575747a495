"""Compare the public API of two checkouts: every name in a module's `__all__`, where it lives and its signature.

    git worktree add /tmp/before REV
    python tools/same_api.py /tmp/before [AFTER]      # AFTER: this checkout by default

A refactor that moves code between modules should lose no public name and change no signature; names that moved
to another module are listed (an import path users must update). Exits 1 if a name is gone or a signature changed.
"""
import argparse, json, os, subprocess, sys
from pathlib import Path

COLLECT = '''
import importlib, inspect, json, pkgutil, cxr_vit
out = {}
for m in pkgutil.iter_modules(cxr_vit.__path__):
    if m.name.startswith('_'): continue
    mod = importlib.import_module('cxr_vit.' + m.name)
    for n in getattr(mod, '__all__', []):
        o = getattr(mod, n)
        try: sig = str(inspect.signature(o)) if callable(o) else type(o).__name__
        except (TypeError, ValueError): sig = type(o).__name__
        out[n] = dict(module=m.name, sig=sig)
print(json.dumps(dict(file=cxr_vit.__file__, names=out)))
'''


def api(tree: Path) -> dict:
    "The public names of the `cxr_vit` package in checkout `tree`, imported in a fresh process."
    env = {**os.environ, 'PYTHONPATH': str(tree)}
    res = json.loads(subprocess.run([sys.executable, '-c', COLLECT], env=env, cwd='/', capture_output=True, text=True,
                                    check=True).stdout)
    if not Path(res['file']).resolve().is_relative_to(tree.resolve()):
        sys.exit(f'{tree}: imported cxr_vit from {res["file"]} instead; is {tree} a checkout?')
    return res['names']


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('before', type=Path, help='a checkout of the earlier revision (git worktree add DIR REV)')
    ap.add_argument('after', type=Path, nargs='?', default=Path(__file__).resolve().parents[1], help='default: this checkout')
    a = ap.parse_args()
    b, n = api(a.before), api(a.after)
    gone, new = sorted(set(b) - set(n)), sorted(set(n) - set(b))
    changed = sorted(k for k in set(b) & set(n) if b[k]['sig'] != n[k]['sig'])
    moved = sorted((b[k]['module'], n[k]['module'], k) for k in set(b) & set(n) if b[k]['module'] != n[k]['module'])
    print(f'{len(b)} public names before, {len(n)} after: {len(gone)} gone, {len(new)} new, {len(changed)} signatures changed, '
          f'{len(moved)} in another module')
    for k in gone: print(f'gone: {b[k]["module"]}.{k}')
    for k in new: print(f'new: {n[k]["module"]}.{k}')
    for k in changed: print(f'changed: {k}{b[k]["sig"]} -> {k}{n[k]["sig"]}')
    for old, mod, k in moved: print(f'moved: cxr_vit.{old}.{k} -> cxr_vit.{mod}.{k}')
    return 1 if gone or changed else 0


if __name__ == '__main__': sys.exit(main())
