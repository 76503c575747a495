"""How faithful are the shipped model's heatmaps? Deletion and insertion on validation films, per method and true class.

    python experiments/faithfulness.py [--data runs/kermany-data/data.csv] [--model MODEL] [--images 128] [--methods gradcam ...]
    python experiments/faithfulness.py --methods gradcam gradcam@dinov2.encoder.layer.8.norm1 rollout   # a method at another layer

`--images` films are drawn at random (seed 0) from the validation rows of `--data` (the data.csv of
`cxr_vit run --data ../shared/data/chest_xray --stages 01_data --name kermany-data`). For each method and for
random maps (three seeds), `cxr_vit.heatmap_checks.deletion_insertion` (the pipeline's settings: mean-image baseline,
10 steps, the predicted class as target) gives per-film deletion and insertion AUCs and their difference,
insertion - deletion (the area between the least- and most-relevant-first deletion curves). The table
(mean per method and true class, and the share of films where the difference is above 0) is printed and written
to experiments/faithfulness.csv.
"""
import argparse, shlex, sys, time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cxr_vit.runtime import write_atomic  # noqa: E402
from cxr_vit.decode import read_xray  # noqa: E402
from cxr_vit.heatmap_checks import deletion_insertion, random_maps  # noqa: E402
from cxr_vit.heatmaps import token_grid, token_maps  # noqa: E402
from cxr_vit.model import load_model  # noqa: E402
from cxr_vit.preprocessing import preprocess  # noqa: E402


def per_film(model, x, methods, seeds=(0, 1, 2), steps=10) -> pd.DataFrame:
    "One row per (film, method): deletion and insertion AUCs and their difference; random maps as method 'random'."
    rows, shape = [], (len(x), *token_grid(model, x))
    at = lambda m: token_maps(model, x, m.split('@')[0], layer=m.split('@')[1] if '@' in m else None)   # 'method@layer'
    for method, maps in [*((m, at(m)) for m in methods), *(('random', random_maps(shape, s)) for s in seeds)]:
        r = deletion_insertion(model, x, maps, steps=steps)
        rows.append(pd.DataFrame(dict(film=range(len(x)), method=method, deletion=r['deletion_auc'], insertion=r['insertion_auc'],
                                      insertion_minus_deletion=r['insertion_minus_deletion'])))
    return pd.concat(rows, ignore_index=True)


def summary(df: pd.DataFrame) -> pd.DataFrame:
    "Means per method and true class (and over all films), with the share of films where insertion - deletion is above 0."
    agg = lambda g: pd.Series(dict(films=g.film.nunique(), deletion=g.deletion.mean(), insertion=g.insertion.mean(),
                                   insertion_minus_deletion=g.insertion_minus_deletion.mean(),
                                   share_above_0=(g.insertion_minus_deletion > 0).mean()))
    out = pd.concat([df.assign(label='all'), df]).groupby(['method', 'label'], sort=False).apply(agg, include_groups=False)
    return out.astype({'films': int}).round(3).reset_index()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data', default='runs/kermany-data/data.csv')
    p.add_argument('--model', default=None, help='model folder (default: the shipped default model)')
    p.add_argument('--images', type=int, default=128)
    p.add_argument('--methods', nargs='+', default=['gradcam', 'gradcam++', 'rollout'])
    p.add_argument('--out', default=str(ROOT/'experiments/faithfulness.csv'))
    a = p.parse_args(argv)
    table = pd.read_csv(a.data)
    val = table[table.split == 'val']
    val = val.iloc[np.random.default_rng(0).permutation(len(val))[:a.images]].reset_index(drop=True)
    model, t0 = load_model(a.model), time.time()
    df = per_film(model, preprocess([read_xray(f) for f in val.path], model), a.methods)
    df['label'] = val.label.to_numpy()[df.film]
    out = summary(df)
    write_atomic(Path(a.out), out.to_csv(index=False))
    print(out.to_string(index=False))
    print(f'\n{len(val)} validation films, {time.time() - t0:.0f} s; python experiments/faithfulness.py {shlex.join(argv or sys.argv[1:])}')


if __name__ == '__main__':
    main()
