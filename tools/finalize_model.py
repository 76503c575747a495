"""Give a trained model the test-time centre crop of its preset (match_crop) and refit its calibration.

    python tools/finalize_model.py --train-dir runs/ablate/convstem-3class --data runs/kermany-data/data.csv \
        --out runs/final3/model

Runs trained before `TrainConfig.match_crop` existed were scored on full frames. This sets
crop_pct = matched_crop_pct(augment.scale) in the saved preprocessing and refits the temperature and threshold on
the rows `train` fitted them on (`recalibrate`: the held-out calibration patients), which is exactly what training
with the current code stores (the weights do not depend on it: no checkpoint selection). Prints before and after.
"""
import argparse, json, sys
from dataclasses import fields
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cxr_vit.model import get_cxr, load_model, save_model, update_cxr  # noqa: E402
from cxr_vit.train import TrainConfig, matched_crop_pct, recalibrate  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--train-dir', required=True, help='training folder (train_config.json, model/)')
    ap.add_argument('--data', required=True, help='the data table it was trained on')
    ap.add_argument('--out', required=True, help='where to save the finalized model folder')
    a = ap.parse_args(argv)
    d = Path(a.train_dir)
    saved = json.loads((d/'train_config.json').read_text())
    cfg = TrainConfig(**{f.name: saved[f.name] for f in fields(TrainConfig) if f.name in saved})
    model = load_model(d/'model')
    before = {k: get_cxr(model)[k] for k in ('temperature', 'threshold')} | {'crop_pct': get_cxr(model)['preprocessing']['crop_pct']}
    pp = get_cxr(model)['preprocessing']
    if cfg.augment is not None and cfg.match_crop:
        update_cxr(model, preprocessing={**pp, 'crop_pct': matched_crop_pct(cfg.augment.scale)})
    cal = recalibrate(model, a.data, cfg)
    save_model(model, a.out)
    print(json.dumps(dict(before=before, after=dict(**cal, crop_pct=get_cxr(model)['preprocessing']['crop_pct'])), indent=1))


if __name__ == '__main__': main()
