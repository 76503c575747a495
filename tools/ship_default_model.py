"""Package a trained model as cxr_vit's default model (cxr_vit/default_model/), with a full model card.

    python tools/ship_default_model.py --model runs/ablate/convstem-3class-30ep/model --eval runs/final-eval30 \
        --train-dir runs/ablate/convstem-3class-30ep --row convstem-3class-30ep

--eval is the --out folder of `cxr_vit evaluate` (metrics.json) and of `cxr_vit robustness` (robustness.csv)
on the validation split; --train-dir is the training folder (train_config.json, trainer_state.json).
The weights are copied as saved (safetensors + config.json); README.md is the model card.
"""
import argparse, json, shutil, sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cxr_vit.model import load_model, model_card
from cxr_vit.preprocessing import SHIFT_FILE, get_cxr  # noqa: E402


def _ci(m: dict) -> str:
    return f"{m['value']:.3f} ({m['ci_low']:.3f}-{m['ci_high']:.3f})"


def transfer_lines(row: pd.Series) -> list[str]:
    "The card's section on validation that sees shift: one row of results/transfer.csv."
    return ['', '## Transfer: validation that sees shift', '',
            'Figures that predict how the model moves to new data better than the random validation split does '
            '(nbs/03_train.ipynb, "Validation that sees shift"). All at the stored threshold, chosen on the calibration '
            f"patients for sensitivity {row.threshold_sensitivity:.3f}; \"specificity lost\" is what the threshold transfer costs "
            'against the threshold the evaluated images themselves would give at that sensitivity.', '',
            '| evaluated on | AUROC | sensitivity | specificity | specificity lost |', '|---|---|---|---|---|',
            f"| validation patients (random patient-level split) | {row.val_auroc:.4f} | {row.val_sensitivity:.3f} | {row.val_specificity:.3f} | {row.val_specificity_lost:+.3f} |",
            f"| held-out series ends (the lowest- and highest-numbered 10% of each file series, never trained on) | {row.shift_auroc:.4f} | {row.shift_sensitivity:.3f} | {row.shift_specificity:.3f} | {row.shift_specificity_lost:+.3f} |",
            f"| simulated sites (`cxr_vit.robustness.SITES`), worst | {row.sites_auroc_min:.4f} | | {row.sites_specificity_min:.3f} | {row.sites_specificity_lost_max:+.3f} ({row.sites_worst}) |",
            '', f"Mean specificity lost over the simulated sites: {row.sites_specificity_lost_mean:.3f}. At a new site, "
            '`cxr_vit adapt` (AdaBN on its unlabeled images) and the shift score in `cxr_vit predict` are the tools to use.']


def card(model, metrics: dict, robust: pd.DataFrame | None, train_dir: Path, row: str, tool: str = 'ablate') -> str:
    cxr, meta = get_cxr(model), metrics['meta']
    state = json.loads((train_dir/'trainer_state.json').read_text())
    cfg = json.loads((train_dir/'train_config.json').read_text())
    minutes = json.loads((train_dir/'calibration.json').read_text())['seconds'] / 60
    rows = ['accuracy', 'balanced_accuracy', 'sensitivity', 'specificity', 'ppv', 'npv', 'f1', 'auroc', 'auprc']
    mt, n_cal = metrics['metrics'], len(cxr['train_patients'])
    steps = [f"python tools/{tool}.py {row}   # cxr_vit train --preset {cfg['preset']} --data runs/kermany-data/data.csv, with the row's settings"]
    lines = [model_card(model).rstrip(), '', '## Training', '',
             'Data: the training split of the Kermany et al. pediatric chest X-ray set (Mendeley Data v2, '
             'doi:10.17632/rscbjbr9sj.2, CC BY 4.0), 5,216 images; patient-level split by cxr_vit '
             f"(`split_patients(val_frac=0.2, seed=0)`); validation {meta['n_images']:,} images of {meta['n_patients']:,} patients. "
             + (f"The {cfg['shift_frac']:.0%} lowest- and highest-numbered training patients of each acquisition file series were held out of training as a shift test "
                "(`hold_out_shift`). " if cfg.get('shift_frac') else '')
             + (f"{cfg['calib_frac']:.0%} of the training patients were held out of training to fit the temperature and the "
                f"threshold (`hold_out_calibration`); {n_cal:,} patients shaped the model (training + calibration)."
                if cfg.get('calib_frac') else f"{n_cal:,} training patients."), '',
             f"Preset `{cfg['preset']}`: {cfg.get('epochs')} epochs, {state.get('global_step')} optimizer steps, "
             f"{minutes:.0f} minutes from scratch on a 2-core CPU. Reproduce with:", '', '```', *steps, '```', '',
             '## Validation (patient-level, 95% CIs by patient bootstrap)', '',
             f"| metric | at the stored threshold {metrics['thresholds']['model']:.3f} | at 0.5 |", '|---|---|---|']
    lines += [f"| {r} | {_ci(mt['model'][r])} | {_ci(mt['0.5'][r])} |" for r in rows]
    mc = metrics.get('multiclass')
    if mc and mc.get('viral_vs_bacterial'):
        vb = mc['viral_vs_bacterial']
        lines += ['', f"Bacterial vs viral (among the {vb['n_bacterial'] + vb['n_viral']:,} pneumonia images): AUROC "
                  f"{vb['auroc']:.3f} ({vb['ci_low']:.3f}-{vb['ci_high']:.3f}) on P(viral) / (P(viral) + P(bacterial)).", '',
                  '3-class confusion (argmax; rows true, columns predicted; ' + ', '.join(mc['labels']) + '): '
                  + '; '.join(' '.join(str(int(v)) for v in r) for r in mc['confusion']) + '.']
    cal = metrics['calibration']
    lines += ['', f"Calibration: temperature {cxr['temperature']:.3f}; expected calibration error ({cal['n_bins']} bins) "
              f"{cal['ece_before']:.3f} before, {cal['ece_after']:.3f} after temperature scaling.", '']
    lines += ['The threshold (Youden) and the temperature were fitted on the held-out calibration patients, not on '
              'validation: the threshold-dependent figures and the calibration above are not fitted to the images they '
              'are reported on.' if cfg.get('calib_frac') else
              'The threshold (Youden) and the temperature were fitted on this same validation split, so the '
              'threshold-dependent rows and the calibration are optimistic; AUROC and AUPRC do not depend on them.']
    if tool == 'transfer':
        tr = pd.read_csv(ROOT/'results/transfer.csv').set_index('row')
        lines += transfer_lines(tr.loc[row])
    if robust is not None:
        lines += ['', '## Robustness to synthesized acquisition shifts (validation)', '',
                  '| condition | AUROC | change vs clean (paired 95% CI) | verdict (within 0.01) | sensitivity | specificity |',
                  '|---|---|---|---|---|---|']
        lines += [f"| {r.condition} | {r.auroc:.4f} | {r.delta_auroc:+.4f} ({r.delta_low:+.4f}, {r.delta_high:+.4f}) | "
                  f"{r.verdict} | {r.sensitivity:.3f} | {r.specificity:.3f} |" for r in robust.itertuples()]
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
    ap.add_argument('--row', required=True, help='the tools/ablate.py or tools/transfer.py row that trained it')
    ap.add_argument('--tool', default='ablate', choices=('ablate', 'transfer'), help='which tool the row belongs to')
    a = ap.parse_args(argv)
    model = load_model(a.model)
    metrics = json.loads((Path(a.eval)/'metrics.json').read_text())
    rob = Path(a.eval)/'robustness.csv'
    dst = ROOT/'cxr_vit/default_model'
    shutil.rmtree(dst, ignore_errors=True); dst.mkdir(parents=True)
    for f in ('config.json', 'model.safetensors', SHIFT_FILE):
        if f != SHIFT_FILE or (Path(a.model)/f).exists(): shutil.copy(Path(a.model)/f, dst/f)
    (dst/'README.md').write_text(card(model, metrics, pd.read_csv(rob) if rob.exists() else None, Path(a.train_dir), a.row, a.tool))
    size = sum(f.stat().st_size for f in dst.iterdir()) / 1e6
    print(f'{dst}: {size:.1f} MB')


if __name__ == '__main__': main()
