"""Benchmark what users run: `cxr_vit predict` and `cxr_vit explain` end to end, on the same images, in one run.

    python tools/bench_commands.py [--images 64] [--repeats 2] [--model M]

Copies `--images` images of the embedded sample into a temporary folder, then times the two whole commands
(process start, model load, decoding, the model, writing the CSV / the overlays, raw maps and summary.json),
interleaved, `--repeats` times each; the best time of each is reported (the machine is shared: load from others
only makes a pass slower). Prints a markdown table and the command line that produced it.
"""
import argparse, shlex, shutil, subprocess, sys, tempfile, time
from pathlib import Path

from cxr_vit.data import read_dataset


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--images', type=int, default=64)
    ap.add_argument('--repeats', type=int, default=2)
    ap.add_argument('--model', default=None, help='model for both commands (default: the bundled one)')
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix='cxr-bench-'))
    imgs = tmp/'images'; imgs.mkdir()
    for p in read_dataset().path[:a.images]: shutil.copy(p, imgs)
    model = ['--model', a.model] if a.model else []
    cmds = {'cxr_vit predict': ['cxr_vit', 'predict', *model, str(imgs), '--out', str(tmp/'p.csv')],
            'cxr_vit explain': ['cxr_vit', 'explain', *model, str(imgs), '--out', str(tmp/'explained')]}
    best = {k: float('inf') for k in cmds}
    for _ in range(a.repeats):
        for k, c in cmds.items():
            t0 = time.perf_counter()
            subprocess.run(c, check=True, capture_output=True)
            best[k] = min(best[k], time.perf_counter() - t0)
    n = len(list(imgs.iterdir()))
    print(f'| command ({n} images, whole process) | seconds | images/s | time vs predict |\n|---|---:|---:|---:|')
    for k, s in best.items(): print(f'| {k} | {s:.1f} | {n / s:.1f} | {s / best["cxr_vit predict"]:.2f}x |')
    print(f'\ncommand: python tools/bench_commands.py {shlex.join(argv if argv is not None else sys.argv[1:])}'.rstrip())
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__': sys.exit(main())
