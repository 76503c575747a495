"""The long fuzz run of the decoder and the table readers (nbs/09_reliability.ipynb runs a short one as a test).

    python tools/fuzz.py [--examples 20000]

Feeds `--examples` generated inputs to each property (random and mutated image files through read_xray, random
CSV manifests through read_manifest, random arrays through read_npz), prints how many it tried and how long it
took, and exits 1 with hypothesis's minimal failing example if any input gives anything but a result or the
module's named error.
"""
import argparse, time

from cxr_vit.corpus import fuzz

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--examples', type=int, default=20000)
    a = ap.parse_args()
    t0 = time.perf_counter()
    tried = fuzz(a.examples)
    print(f'fuzz: {sum(tried.values()):,} inputs ({", ".join(f"{k} {v:,}" for k, v in tried.items())}) in '
          f'{time.perf_counter() - t0:.0f}s: 0 failures')
