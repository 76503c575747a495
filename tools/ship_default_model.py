"""Package a trained model as cxr_vit's default model (cxr_vit/default_model/), with a full model card.

    python tools/ship_default_model.py --model runs/ablate/convstem-final/model \
        --eval runs/final-eval --train-dir runs/ablate/convstem-final

--eval is the --out folder of `cxr_vit evaluate` (metrics.json) and of `tools/robustness.py` (robustness.csv)
on the validation split; --train-dir is the training folder (train_config.json, trainer_state.json).
The weights are copied as saved (safetensors + config.json); README.md is the model card.
"""
import argparse, json, shutil, sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cxr_vit.model import get_cxr, load_model, model_card  # noqa: E402


def _ci(m: dict) -> str:
    return f"{m['value']:.3f} ({m['ci_low']:.3f}-{m['ci_high']:.3f})"


def card(model, metrics: dict, robust: pd.DataFrame | None, train_dir: Path) -> str:
    cxr, meta = get_cxr(model), metrics['meta']
    state = json.loads((train_dir/'trainer_state.json').read_text())
    cfg = json.loads((train_dir/'train_config.json').read_text())
    rows = ['accuracy', 'balanced_accuracy', 'sensitivity', 'specificity', 'ppv', 'npv', 'f1', 'auroc', 'auprc']
    mt = metrics['metrics']
    lines = [model_card(model).rstrip(), '', '## Training', '',
             'Data: the training split of the Kermany et al. pediatric chest X-ray set (Mendeley Data v2, '
             'doi:10.17632/rscbjbr9sj.2, CC BY 4.0), 5,216 images; patient-level split by cxr_vit '
             f"(`split_patients(val_frac=0.2, seed=0)`): {len(cxr['train_patients']):,} training patients; "
             f"validation {meta['n_images']:,} images of {meta['n_patients']:,} patients.", '',
             f"Preset `cpu-convvit` (`cxr_vit train --preset cpu-convvit`, or `python tools/ablate.py convstem-final`), "
             f"{cfg.get('epochs')} epochs, {state.get('global_step')} optimizer steps, trained from scratch on a 2-core CPU.", '',
             '## Validation (patient-level, 95% CIs by patient bootstrap)', '',
             f"| metric | at the stored threshold {metrics['thresholds']['model']:.3f} | at 0.5 |", '|---|---|---|']
    lines += [f"| {r} | {_ci(mt['model'][r])} | {_ci(mt['0.5'][r])} |" for r in rows]
    cal = metrics['calibration']
    lines += ['', f"Calibration: temperature {cxr['temperature']:.3f}; expected calibration error ({cal['n_bins']} bins) "
              f"{cal['ece_before']:.3f} before, {cal['ece_after']:.3f} after temperature scaling.", '',
              'The threshold (Youden) and the temperature were fitted on this same validation split, so the '
              'threshold-dependent rows and the calibration are optimistic; AUROC and AUPRC do not depend on them.']
    if robust is not None:
        lines += ['', '## Robustness to synthesized acquisition shifts (validation)', '',
                  '| condition | AUROC | change vs clean (paired 95% CI) | verdict (within 0.01) |', '|---|---|---|---|']
        lines += [f"| {r.condition} | {r.auroc:.4f} | {r.delta_auroc:+.4f} ({r.delta_low:+.4f}, {r.delta_high:+.4f}) | {r.verdict} |"
                  for r in robust.itertuples()]
    lines += ['', '## Limitations', '',
              'Trained and validated on one hospital\'s pediatric (1-5 years) anterior-posterior chest X-rays; the '
              'official test split of the same dataset, from a different period, is held back and was not used. '
              'Not validated on adults, other hospitals or other devices. Research and education only: '
              'not a medical device, not for diagnosis.', '']
    return '\n'.join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', required=True)
    ap.add_argument('--eval', required=True)
    ap.add_argument('--train-dir', required=True)
    a = ap.parse_args(argv)
    model = load_model(a.model)
    metrics = json.loads((Path(a.eval)/'metrics.json').read_text())
    rob = Path(a.eval)/'robustness.csv'
    dst = ROOT/'cxr_vit/default_model'
    shutil.rmtree(dst, ignore_errors=True); dst.mkdir(parents=True)
    for f in ('config.json', 'model.safetensors'): shutil.copy(Path(a.model)/f, dst/f)
    (dst/'README.md').write_text(card(model, metrics, pd.read_csv(rob) if rob.exists() else None, Path(a.train_dir)))
    size = sum(f.stat().st_size for f in dst.iterdir()) / 1e6
    print(f'{dst}: {size:.1f} MB')


if __name__ == '__main__': main()
