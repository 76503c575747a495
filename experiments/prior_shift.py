"""Does a prior-shift EM (Saerens et al. 2002) help when a new site's prevalence differs from training's?

    python experiments/prior_shift.py [--run runs/transfer/t-base] [--data runs/kermany-data/data.csv] [--draws 200]

The model of a transfer row (`experiments/transfer.py t-base`: trained with the ends of every acquisition series held
out) scores the held-out series ends (`shift`, never trained on) and, as a control, the validation split (`val`).
Each is resampled, 200 times, to sets of 200 images at prevalences from 0.1 to 0.9 (images drawn without
replacement within each class), and on every set the stored threshold is applied three ways:

- as is: the model's calibrated probabilities;
- EM: re-weighted to the class mix `cxr_vit.adapt.estimate_prior` finds in the set's own unlabeled predictions
  (what `cxr_vit adapt --method none --prior em` stores);
- oracle: re-weighted to the set's true prevalence (the most a prior correction could give).

Printed and written to experiments/prior_shift.csv: per split and prevalence, the mean accuracy, sensitivity,
specificity and ECE of each, and EM's mean absolute error on the prevalence.
"""
import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from cxr_vit.adapt import estimate_prior
from cxr_vit.runtime import write_atomic
from cxr_vit.metrics import expected_calibration_error
from cxr_vit.inference import class_probs, pneumonia_probability, predict_logits
from cxr_vit.preprocessing import get_cxr
from transfer import row_model   # experiments/transfer.py

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--run', default=str(ROOT/'runs/transfer/t-base'))
    ap.add_argument('--data', default=str(ROOT/'runs/kermany-data/data.csv'))
    ap.add_argument('--draws', type=int, default=200)
    ap.add_argument('--size', type=int, default=200)
    a = ap.parse_args(argv)
    run = Path(a.run)
    model, table = row_model(run, a.data)
    c = get_cxr(model)
    labels, thr = c['labels'], c['threshold']
    base = np.array(c['class_prior'])
    print(f"model {run/'model'}: labels {labels}, calibrated at class mix {np.round(base, 3)}, threshold {thr:.3f}")
    rng, rows = np.random.default_rng(0), []
    for split in ('shift', 'val'):
        t = table[table.split == split]
        Z = predict_logits(model, list(t.path), batch_size=128)
        y = (t.label == 'pneumonia').to_numpy()
        pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
        for prev in (0.1, 0.25, 0.4, 0.5, 0.625, 0.75, 0.9):
            n_pos = round(prev * a.size)
            if n_pos > len(pos) or a.size - n_pos > len(neg): continue
            acc = {m: [] for m in ('as is', 'EM', 'oracle')}
            err = []
            for _ in range(a.draws):
                i = np.concatenate([rng.choice(pos, n_pos, replace=False), rng.choice(neg, a.size - n_pos, replace=False)])
                Zi, yi = Z[i], y[i]
                est = estimate_prior(class_probs(Zi, c), base)
                err.append(abs((1 - est[labels.index('normal')]) - prev))
                normal = np.array(labels) == 'normal'   # the true mix: the classes of pneumonia keep their training ratio
                true = base * np.where(normal, (1 - prev) / base[normal].sum(), prev / base[~normal].sum())
                for m, prior in (('as is', None), ('EM', est), ('oracle', true)):
                    p = pneumonia_probability(class_probs(Zi, {**c, 'prior': None if prior is None else list(prior)}), labels)
                    d = p >= thr
                    acc[m].append(((d == yi).mean(), d[yi].mean(), (~d[~yi]).mean(), expected_calibration_error(yi, p, 10)))
            for m, v in acc.items():
                v = np.mean(v, 0)
                rows.append(dict(split=split, prevalence=prev, method=m, accuracy=v[0], sensitivity=v[1], specificity=v[2], ece=v[3],
                                 em_prevalence_error=np.mean(err) if m == 'EM' else np.nan))
    out = pd.DataFrame(rows).round(4)
    with pd.option_context('display.width', 200, 'display.max_rows', 200): print(out.to_string(index=False))
    write_atomic(ROOT/'experiments/prior_shift.csv', out.to_csv(index=False))


if __name__ == '__main__': main()
