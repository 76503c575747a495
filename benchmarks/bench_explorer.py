"""How fast the explorer answers a click, on the bundled model's whole validation split.

    python benchmarks/bench_explorer.py [--data ../shared/data/chest_xray] [--clicks 30]

Written to benchmarks/bench_explorer.json for nbs/explanations/performance.ipynb.
Opens `explore` on the validation split the bundled model's patients give back (as benchmarks/bench_inference.py does),
then, as a user would, clicks `--clicks` cases in the list (each one not seen before: its Grad-CAM is computed, the
overlay drawn), moves the threshold slider ten times, and switches the heatmap method on one case. Prints the
seconds each kind of click took (median and worst) and how long opening took.
"""
import argparse, sys, time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', default=str(ROOT.parent / 'shared' / 'data' / 'chest_xray'))
    ap.add_argument('--clicks', type=int, default=30)
    a = ap.parse_args(argv)
    from cxr_vit.data import read_dataset
    from cxr_vit.explore import explore
    from cxr_vit.model import load_model
    from cxr_vit.calibration import model_table
    model = load_model()
    table = model_table(model, read_dataset(a.data))   # the split the model records
    val = table[table.split == 'val'].reset_index(drop=True)
    t0 = time.perf_counter(); ex = explore(model, data=val); opened = time.perf_counter() - t0
    ids = [i for _, i in ex.case_list.options]
    cases, slider, method = [], [], []
    for i in ids[:a.clicks]:
        ex.case_list.value = i; cases.append(ex.last_click_s)
    for t in np.linspace(0.1, 0.9, 10):
        t0 = time.perf_counter(); ex.threshold.value = round(float(t), 2); slider.append(time.perf_counter() - t0)
    for m in ('gradcam++', 'rollout', 'occlusion'):
        ex.method.value = m; method.append(ex.last_click_s)
    f = lambda xs: f'median {np.median(xs):.3f} s, worst {max(xs):.3f} s'
    print(f'explorer on {len(ex.cases)} validation films: opened (predict included) in {opened:.1f} s')
    print(f'click on a case (Grad-CAM computed, overlay drawn): {f(cases)} over {len(cases)} clicks')
    print(f'threshold slider moved: {f(slider)} over {len(slider)} moves')
    print("method switched on one case (gradcam++, rollout, occlusion): " + ', '.join(f'{s:.3f} s' for s in method))
    command = f'python benchmarks/bench_explorer.py {" ".join(argv if argv is not None else sys.argv[1:])}'.rstrip()
    print(f'\ncommand: {command}')
    import json
    from cxr_vit.runtime import write_atomic
    q = lambda v: dict(median=round(float(np.median(v)), 4), worst=round(float(np.max(v)), 4), n=len(v))
    write_atomic(ROOT/'benchmarks/bench_explorer.json', json.dumps(dict(
        films=len(ex.cases), opened_s=round(opened, 1), click=q(cases), slider=q(slider),
        method_switch_s=[round(s, 3) for s in method], command=command), indent=1))
    return 0


if __name__ == '__main__': sys.exit(main())
