"""Give a trained model the shift score, threshold-transfer figure and calibration class mix it was trained before: fitted afterwards, weights unchanged.

    python tools/add_shift_reference.py --model cxr_vit/default_model --data runs/kermany-data/data.csv \
        --preset cpu-convvit-3class

Recreates the model's training table exactly as `train` made it (`split_table` with the preset's val, calibration
and shift fractions, which must give back the model's recorded `train_patients`), then fits what `train` fits today
at its end: the shift reference (`fit_shift_reference` on the training rows, scaled on the validation rows) and
the sensitivity its stored threshold reaches on the calibration rows (`threshold_sensitivity`) and those rows' class
mix (`class_prior`, what `cxr_vit adapt --prior em` re-weights from). Writes only
config.json and shift_reference.safetensors into --model (atomically); model.safetensors is not touched.
"""
import argparse, json, sys, tempfile
from pathlib import Path

import numpy as np

from cxr_vit.data import write_atomic
from cxr_vit.inference import fit_shift_reference, pneumonia_probability, predict_class_probs
from cxr_vit.model import load_model, save_model
from cxr_vit.preprocessing import SHIFT_FILE, get_cxr, update_cxr
from cxr_vit.train import XrayDataset, get_preset, model_table


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', required=True, help='a model folder (changed in place: config.json, shift reference)')
    ap.add_argument('--data', required=True, help="the data.csv the model was trained on (its split)")
    ap.add_argument('--preset', required=True, help='the training preset it was trained with')
    ap.add_argument('--batch-size', type=int, default=128)
    a = ap.parse_args(argv)
    model, folder = load_model(a.model), Path(a.model)
    c = get_cxr(model)
    try: table = model_table(model, a.data, get_preset(a.preset))
    except ValueError as e:
        print(f'{a.model}: {e}', file=sys.stderr); return 2
    tr, va, cal = (table[table.split == s] for s in ('train', 'val', 'calib'))
    shift = fit_shift_reference(model, list(tr.path), list(va.path), XrayDataset(tr, c).targets, a.batch_size)
    p = pneumonia_probability(predict_class_probs(model, list(cal.path), batch_size=a.batch_size), c['labels'])
    sens = float(np.mean(p[(cal.label == 'pneumonia').to_numpy()] >= c['threshold']))
    mix = np.bincount(XrayDataset(cal, c).targets, minlength=len(c['labels'])) / len(cal)
    update_cxr(model, threshold_sensitivity=sens, class_prior=[float(v) for v in mix])
    with tempfile.TemporaryDirectory() as tmp:
        save_model(model, tmp)
        for f in ('config.json', SHIFT_FILE): write_atomic(folder/f, (Path(tmp)/f).read_bytes())
    print(json.dumps(dict(model=str(folder), train_rows=len(tr), val_rows=len(va), calib_rows=len(cal),
                          threshold=c['threshold'], threshold_sensitivity=round(sens, 4), class_prior=np.round(mix, 4).tolist(), shift=shift), indent=1))
    return 0


if __name__ == '__main__': sys.exit(main())
