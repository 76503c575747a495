"""One row of the transfer ablation: does a training idea make the model hold up on data it was not fitted to?

    python experiments/transfer.py ROW [--data runs/kermany-data/data.csv] [--out runs/transfer] [--resume]

Every training row is the `cpu-convvit-3class` recipe trained from scratch for 15 epochs on the default
patient-level split of ../shared/data/chest_xray (the data.csv of `cxr_vit run --data ../shared/data/chest_xray
--stages 01_data --name kermany-data`) with the ends of every acquisition series held out (`shift_frac=0.1`), plus
the changes of its row. POST_ROWS change a trained row's model after training; EVAL_ROWS train nothing: they score
trained rows together. Each row is scored three ways, none of them the official test split:

- val: the random patient-level validation split (the pool training was drawn from);
- shift: the ends of each acquisition series (`cxr_vit.splits.hold_out_shift`), never trained on;
- sites: the validation images under the five simulated sites of `cxr_vit.shifts.SITES`.

For each, AUROC and, at the model's stored threshold (fitted on held-out training patients), sensitivity,
specificity and the specificity lost to threshold transfer (`cxr_vit.inference.threshold_transfer`: against a
threshold set for that data at the sensitivity the stored one reached where it was chosen). The row goes into
experiments/transfer.csv (a rerun replaces it); `minutes` is the training's wall time on this machine.
"""
import json, time
from pathlib import Path

import numpy as np
import pandas as pd
from safetensors.torch import load_file
from sklearn.metrics import roc_auc_score

from cxr_vit.adapt import adapt_batchnorm
from cxr_vit.inference import choose_threshold, pneumonia_probability, predict_class_probs, threshold_transfer
from cxr_vit.model import load_model
from cxr_vit.preprocessing import get_cxr, update_cxr
from cxr_vit.probe import interpolate_weights
from cxr_vit.robustness import robustness_table
from cxr_vit.shifts import SITES
from cxr_vit.augment import AugmentConfig, XrayDataset
from cxr_vit.pretrain import pretrain
from cxr_vit.train import train
from cxr_vit.calibration import recalibrate, split_table
from cxr_vit.presets import TrainConfig, get_preset

from _rows import ROOT, row_parser, write_row
BASE = dict(preset='cpu-convvit-3class', epochs=15, shift_frac=0.1)
# the DINOv2 ViT-S/14 the pretrained rows start from: ../shared/pretrained here (see its SOURCE.md), the hub's elsewhere
DINO = str(ROOT.parent/'shared/pretrained/dinov2-vits14') if (ROOT.parent/'shared/pretrained/dinov2-vits14').is_dir() else 'facebook/dinov2-small'
DINO_BASE = dict(preset='cpu-dinov2-s14', model=DINO, epochs=2)
SHIFT_AUG = AugmentConfig(scale=(0.5, 1.0), degrees=10, brightness=0.3, contrast=0.4, gamma=(0.6, 1.6), blur=0.4,
                          blur_sigma=(0.5, 3.0), blur_kernel=19, resolution=0.3, resolution_factor=(1.5, 4.0), sharpen=0.2)
TRAIN_AUG = AugmentConfig(scale=(0.7, 1.0), degrees=10, brightness=0.2, contrast=0.2, gamma=(0.7, 1.4), blur=0.2)   # cpu-convvit-3class's
EQUALIZE = dict(image_size=128, channels=1, mean=0.5, std=0.25, intensity='equalize')

ROWS = {  # name -> (what changes against t-base, TrainConfig overrides)
    't-base': ('the cpu-convvit-3class recipe (shipped default), 15 epochs, series ends held out', {}),
    't-equalize': ('+ histogram equalization in the stored preprocessing', dict(preprocessing=EQUALIZE)),
    't-shiftaug': ('+ augmentation aimed at the shifts: crops of 50-100%, brightness/contrast +-30/40%, gamma 0.6-1.6, '
                   'blur (p 0.4, sigma 0.5-3 px), lost resolution (p 0.3), sharpening (p 0.2)', dict(augment=SHIFT_AUG)),
    't-crop': ('+ the body crop in the stored preprocessing (`body_box`: dark borders, frames and side markers cut off)',
               dict(preprocessing={**EQUALIZE, 'intensity': None, 'crop': 'body'})),
    't-ema': ('+ an exponential moving average of the weights (decay 0.995)', dict(ema=0.995)),
    't-res160': ('+ input 160x160 (20x20 tokens)', dict(image_size=160)),
    't-ssl': ('+ the encoder pre-trained self-supervised (SimMIM, 60% masked in 16-px blocks) on the same training images '
              'for 5 epochs first (pre-training and training together within the 90-minute budget)', dict(pretrain_epochs=5)),
    # pretrained: DINOv2 ViT-S/14 (cpu-dinov2-s14: 112 px, 3-class head, LP-FT for 2 epochs), series ends held out as above
    'd-probe': ('DINOv2 ViT-S/14, frozen; the head a logistic regression (C 0.01, balanced) on the CLS and mean patch tokens at '
                '112 px: the floor', {**DINO_BASE, 'epochs': 0}),
    'd-ft': ('DINOv2 ViT-S/14 fine-tuned from a fresh head: 2 epochs at 112 px, layer-wise lr decay 0.75 from 2e-5',
             {**DINO_BASE, 'probe': 0.0}),
    'd-lpft': ('DINOv2 ViT-S/14, LP-FT: the probe of d-probe as the head, then everything fine-tuned as d-ft (cpu-dinov2-s14)',
               DINO_BASE),
    'd-lpft-140': ('d-lpft at 140 px (10x10 tokens)', {**DINO_BASE, 'image_size': 140}),
    'd-lpft-168': ('d-lpft at 168 px (12x12 tokens)', {**DINO_BASE, 'image_size': 168}),
    'd-lpft-224': ('d-lpft at 224 px (16x16 tokens)', {**DINO_BASE, 'image_size': 224}),
    'd-lpft-4ep': ('d-lpft for 4 epochs', {**DINO_BASE, 'epochs': 4}),
    'd-lpft-aug': ("d-lpft with t-base's augmentation (crops of 70-100%, rotation 10 deg, brightness/contrast 20%, gamma "
                   "0.7-1.4, blur p 0.2)", {**DINO_BASE, 'augment': TRAIN_AUG}),
    # the fast student: t-base's recipe, also taught by d-lpft (trained without the series ends too) on the same augmented films
    's-distill': ('t-base (convvit-s-128 from scratch, 15 epochs) distilled from d-lpft: loss 0.5 x labels + 0.5 x KL to its '
                  'predictions at temperature 2 on the same augmented films (cpu-convvit-distill)',
                  dict(preset='cpu-convvit-distill', teacher=str(ROOT/'runs/transfer/d-lpft/model'))),
}
POST_ROWS = {  # name -> (what, the trained row it changes after training[, WiSE-FT alpha])
    't-cleanbn': ('t-base with the BatchNorm statistics of its conv stem re-estimated on the clean (unaugmented) training films '
                  '(`adapt_batchnorm`), then temperature and threshold refitted on calib; no training', 't-base'),
    'd-wise-0.5': ("WiSE-FT: d-lpft's weights moved halfway back to its probe's (alpha 0.5), then temperature and threshold "
                   'refitted on calib; no training', 'd-lpft', 0.5),
    'd-wise-0.7': ("WiSE-FT: d-lpft's weights 70% of the way from its probe's (alpha 0.7), threshold refitted", 'd-lpft', 0.7),
}
EVAL_ROWS = {  # name -> (what, trained rows whose class probabilities are averaged)
    't-ensemble': ('mean class probabilities of t-base and t-equalize (temperature and threshold refitted on calib)',
                   ['t-base', 't-equalize']),
}
ORDER = [*ROWS, *POST_ROWS, *EVAL_ROWS]


def _scores(predict, labels, threshold: float, sens: float, table: pd.DataFrame) -> dict:
    "AUROC, sensitivity, specificity and specificity lost on val and shift, and over the simulated sites."
    out = {}
    for split in ('val', 'shift'):
        rows = table[table.split == split]
        y, p = (rows.label == 'pneumonia').to_numpy(), pneumonia_probability(predict(list(rows.path)), labels)
        tt = threshold_transfer(y, p, threshold, sens)
        out |= {f'{split}_auroc': roc_auc_score(y, p), f'{split}_sensitivity': tt['sensitivity'],
                f'{split}_specificity': tt['specificity'], f'{split}_specificity_lost': tt['specificity_lost']}
    val = table[table.split == 'val']
    sites = robustness_table(None, val, SITES, n_boot=0, threshold=threshold, progress=True,
                             predict=lambda imgs: pneumonia_probability(predict(imgs), labels)).set_index('condition').drop('clean')
    out |= dict(sites_auroc_min=sites.auroc.min(), sites_specificity_min=sites.specificity.min(),
                sites_specificity_lost_mean=sites.specificity_lost.mean(), sites_specificity_lost_max=sites.specificity_lost.max(),
                sites_worst=sites.specificity_lost.idxmax())
    return out


def _row(name: str, what: str, minutes: float, epochs, threshold: float, sens: float, scores: dict, **extra) -> dict:
    "A row of experiments/transfer.csv, figures rounded to 4 places."
    return dict(row=name, what=what, minutes=round(minutes, 1), epochs=epochs, threshold=round(threshold, 4), threshold_sensitivity=round(sens, 4),
                **extra, **{k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()}, command=f'python experiments/transfer.py {name}')


def row_config(run: Path) -> TrainConfig:
    "The split settings a trained row was trained with (t-base's train_config.json predates shift_frac: it was trained with BASE's)."
    cfg = json.loads((run/'train_config.json').read_text())
    return get_preset(cfg['preset'], **{k: cfg[k] for k in ('calib_frac', 'val_frac', 'seed')}, shift_frac=cfg.get('shift_frac', BASE['shift_frac']))


def row_model(run: Path, data: str):
    "A trained row's model and its training table, with what calibrate stores today filled in from its calibration rows for a model trained before: the class mix and the sensitivity its threshold reaches."
    table = split_table(data, row_config(run))
    model, calib = load_model(run/'model'), table[table.split == 'calib']
    c = get_cxr(model)
    if c.get('class_prior') is None:
        update_cxr(model, class_prior=[float(v) for v in np.bincount(XrayDataset(calib, c).targets, minlength=len(c['labels'])) / len(calib)])
    if c.get('threshold_sensitivity') is None:
        p = pneumonia_probability(predict_class_probs(model, list(calib.path), batch_size=128), c['labels'])
        update_cxr(model, threshold_sensitivity=float((p[(calib.label == 'pneumonia').to_numpy()] >= c['threshold']).mean()))
    return model, table


def train_row(name: str, data: str, out: Path, resume: bool) -> dict:
    "Train a ROWS entry (unless its model is there already: then it is only scored) and score it."
    what, over = ROWS[name]
    over = {**BASE, **over}
    preset, pre_epochs = over.pop('preset'), over.pop('pretrain_epochs', 0)
    if pre_epochs:  # self-supervised first, on the same training rows, then the classifier starts from that encoder
        enc = out/f'{name}-pretrain'/'encoder'
        if resume or not (enc/'config.json').exists():
            pretrain(data, preset, out/f'{name}-pretrain', pre_epochs, resume=True if resume else None, progress_bar=False,
                     shift_frac=over['shift_frac'])
        over['init_from'] = str(enc)
    if resume or not (out/name/'model'/'config.json').exists():
        train(data, preset, over.pop('model', None), output_dir=out/name, resume=True if resume else None, progress_bar=False, **over)
    cal = json.loads((out/name/'calibration.json').read_text())
    model, table = row_model(out/name, data)
    c = get_cxr(model)
    minutes = cal['seconds'] / 60 + (json.loads((out/f'{name}-pretrain'/'trainer_state.json').read_text())['log_history'][-1]
                                     .get('train_runtime', 0) / 60 if pre_epochs else 0)
    scores = _scores(lambda items: predict_class_probs(model, items, batch_size=128), c['labels'], c['threshold'],
                     c['threshold_sensitivity'], table)
    return _row(name, what, minutes, over['epochs'], c['threshold'], c['threshold_sensitivity'], scores,
                val_viral_auroc=round(cal.get('val_viral_auroc', np.nan), 4))


def post_row(name: str, data: str, out: Path) -> dict:
    "Score a POST_ROWS entry: its trained row's model changed after training (nothing saved)."
    what, base, *alpha = POST_ROWS[name]
    cfg = row_config(out/base)
    model, table = load_model(out/base/'model'), split_table(data, cfg)   # (recalibrate stores what row_model would fill in)
    t0 = time.time()
    if alpha: interpolate_weights(model, load_file(out/base/'probe.safetensors'), alpha[0])   # WiSE-FT
    else: adapt_batchnorm(model, list(table[table.split == 'train'].path), batch_size=128)
    cal = recalibrate(model, data, cfg)
    minutes, c = (time.time() - t0) / 60, get_cxr(model)
    scores = _scores(lambda items: predict_class_probs(model, items, batch_size=128), c['labels'], c['threshold'],
                     cal['threshold_sensitivity'], table)
    return _row(name, what, minutes, json.loads((out/base/'train_config.json').read_text())['epochs'], c['threshold'],
                cal['threshold_sensitivity'], scores)


def eval_row(name: str, data: str, out: Path) -> dict:
    "Score an EVAL_ROWS ensemble: mean class probabilities, temperature 1, threshold (Youden) refitted on calib."
    what, members = EVAL_ROWS[name]
    models = [load_model(out/m/'model') for m in members]
    cfg = json.loads((out/members[0]/'train_config.json').read_text())
    table = split_table(data, row_config(out/members[0]))
    labels = get_cxr(models[0])['labels']
    predict = lambda items: np.mean([predict_class_probs(m, items, batch_size=128) for m in models], axis=0)
    calib = table[table.split == 'calib']
    y, p = (calib.label == 'pneumonia').to_numpy(), pneumonia_probability(predict(list(calib.path)), labels)
    thr = choose_threshold(y, p)
    sens = float((p[y] >= thr).mean())
    t0 = time.time()
    scores = _scores(predict, labels, thr, sens, table)
    return _row(name, what, (time.time() - t0) / 60, cfg['epochs'], thr, sens, scores)


def main(argv=None):
    a = row_parser(__doc__, ORDER, 'runs/transfer').parse_args(argv)
    if a.row in ROWS: row = train_row(a.row, a.data, Path(a.out), a.resume)
    elif a.row in POST_ROWS: row = post_row(a.row, a.data, Path(a.out))
    else: row = eval_row(a.row, a.data, Path(a.out))
    print(json.dumps(row, indent=1, default=str))
    write_row(ROOT/'experiments/transfer.csv', row, ORDER)


if __name__ == '__main__': main()
