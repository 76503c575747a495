"""What does `cxr_vit adapt` recover on the shift validation, and is TENT safe there?

    python experiments/adapt_sites.py [--run runs/transfer/t-base] [--data runs/kermany-data/data.csv] [--n 500]
    python experiments/adapt_sites.py --run runs/transfer/d-lpft     # a ViT without BatchNorm: re-centring, TENT, EM

The model of a transfer row (`experiments/transfer.py t-base`: trained without the ends of the acquisition series) meets
six new "sites" it never saw: the held-out series ends (`shift`, real files) and the validation images under each
simulated site of `cxr_vit.shifts.SITES`; `--n` images of each, drawn at random (seed 0). On every site a fresh
copy of the model is adapted, without labels, on that site's images with each method of `cxr_vit.adapt.adapt` that
fits it (with BatchNorm: AdaBN; AdaBN then the class mix by EM; AdaBN then TENT, 1 epoch at lr 1e-3; without: the head
features re-centred; re-centred then EM; TENT alone; EM alone) and scored on them at its stored
threshold: AUROC, accuracy, sensitivity, specificity, the specificity lost to the threshold's transfer
(`threshold_transfer`, against the sensitivity the threshold reached on calibration) and ECE (10 bins). Each site's
`shift_score` is the median shift score of its images relative to the validation images' (`adapt`'s `shift_before`,
what `MIN_SHIFT` is compared with; the model's shift reference is fitted on its training rows if it has none).
Printed and written to experiments/adapt_sites.csv, one block of rows per run (a rerun replaces its block).
"""
import argparse, copy
from pathlib import Path

import pandas as pd
from sklearn.metrics import roc_auc_score

from cxr_vit.adapt import _batchnorms, _predicted, adapt
from cxr_vit.runtime import write_atomic
from cxr_vit.decode import read_xray
from cxr_vit.metrics import expected_calibration_error
from cxr_vit.inference import fit_shift_reference, predict_proba, threshold_transfer
from cxr_vit.preprocessing import get_cxr, update_cxr
from cxr_vit.robustness import apply_shift
from cxr_vit.shifts import SITES
from cxr_vit.augment import XrayDataset
from transfer import row_model   # experiments/transfer.py

ROOT = Path(__file__).resolve().parents[1]
BN_METHODS = {'as is': (None, None), 'adabn': ('adabn', None), 'adabn+em': ('adabn', 'em'), 'adabn+tent': ('tent', None)}
LN_METHODS = {'as is': (None, None), 'recenter': ('recenter', None), 'recenter+em': ('recenter', 'em'), 'tent': ('tent', None),
              'em': (None, 'em')}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--run', default=str(ROOT/'runs/transfer/t-base'))
    ap.add_argument('--data', default=str(ROOT/'runs/kermany-data/data.csv'))
    ap.add_argument('--n', type=int, default=500)
    a = ap.parse_args(argv)
    run = Path(a.run)
    scorer, table = row_model(run, a.data)
    c = get_cxr(scorer)
    if not c.get('shift') or 'mean' not in (getattr(scorer, 'cxr_shift', None) or {}):   # older models: fitted here as train fits it today
        tr, va = table[table.split == 'train'], table[table.split == 'val']
        fit_shift_reference(scorer, list(tr.path), list(va.path), XrayDataset(tr, c).targets, 128)
    pick = lambda split: table[table.split == split].sample(min(a.n, (table.split == split).sum()), random_state=0)
    shift, val = pick('shift'), pick('val')
    val_images = [read_xray(p) for p in val.path]
    sites = {'series ends': (shift, [read_xray(p) for p in shift.path])}
    sites |= {name: (val, apply_shift(val_images, fn, name)) for name, fn in SITES.items()}
    rows = []
    for site, (t, images) in sites.items():
        y, score = (t.label == 'pneumonia').to_numpy(), _predicted(scorer, images, 128)[1]
        for name, (method, prior) in (BN_METHODS if _batchnorms(scorer) else LN_METHODS).items():
            model = copy.deepcopy(scorer)
            model.cxr_shift = {k: v for k, v in scorer.cxr_shift.items() if k in ('mean', 'std')}   # what recenter needs, no scoring
            update_cxr(model, shift=None)
            if method or prior: adapt(model, images, method, source=site, prior=prior)
            p = predict_proba(model, images, 128)
            tt = threshold_transfer(y, p, c['threshold'], c['threshold_sensitivity'])
            rows.append(dict(run=run.name, site=site, shift_score=score, method=name, auroc=roc_auc_score(y, p), accuracy=((p >= c['threshold']) == y).mean(),
                             sensitivity=tt['sensitivity'], specificity=tt['specificity'], specificity_lost=tt['specificity_lost'],
                             ece=expected_calibration_error(y, p, 10)))
            print(rows[-1], flush=True)
    out = pd.DataFrame(rows).round(4)
    with pd.option_context('display.width', 200): print(out.to_string(index=False))
    f = ROOT/'experiments/adapt_sites.csv'
    old = pd.read_csv(f) if f.exists() else out.iloc[:0]
    old = old if 'run' in old else old.assign(run='t-base')[out.columns]   # written before runs had a column: t-base's
    write_atomic(f, pd.concat([old[old.run != run.name], out], ignore_index=True).to_csv(index=False))


if __name__ == '__main__': main()
