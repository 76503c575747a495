"""Reproduce one row of the offline-model ablation table (README, "The offline model").

    python experiments/ablate.py ROW [--data runs/kermany-data/data.csv] [--out runs/ablate]

Every row is a training preset (`cpu-convvit` unless the row says) with a few fields changed (ROWS below); each trains from
scratch on the default patient-level split of ../shared/data/chest_xray (the data.csv any pipeline run on it
writes: `cxr_vit run --data ../shared/data/chest_xray --stages 01_data --name kermany-data`) and prints the
validation figures of its final epoch and the wall time. EVAL_ROWS train nothing: they score a trained row's
model under a test-time choice (centre crop, test-time augmentation); `minutes` is then the
prediction time. Each command writes its row into experiments/ablations.csv (a rerun replaces it); all rows are
scored on validation with the argmax of the logits as the decision (pneumonia = any class but normal; for two
classes that is threshold 0.5); `loss` is the validation cross-entropy (with label smoothing where the row trains
with it), so it compares only rows of the same kind.
"""
import json, time
from pathlib import Path

from transformers import ViTConfig, ViTForImageClassification

from cxr_vit.data import LABELS
from cxr_vit.architectures import register_preset
from cxr_vit.preprocessing import make_cxr, make_preprocessing
from cxr_vit.augment import AugmentConfig
from cxr_vit.train import train
from cxr_vit.presets import get_preset
from cxr_vit.trainer import read_log

from _rows import ROOT, row_parser, write_row


@register_preset('vit-t-128-p16')
def plain_vit(labels=LABELS, image_size=None, **kw):
    "The plain-ViT baseline of the ablation: the convvit-s-128 transformer with a linear 16x16 patch projection."
    labels = [str(l) for l in labels]
    cfg = ViTConfig(image_size=128, patch_size=16, num_channels=1, hidden_size=192, num_hidden_layers=6,
                    num_attention_heads=3, intermediate_size=768, num_labels=2, id2label=dict(enumerate(labels)),
                    label2id={l: i for i, l in enumerate(labels)})
    m = ViTForImageClassification(cfg)
    m.config.cxr = make_cxr(labels, make_preprocessing(128, 1, 0.5, 0.25, 'squash'), name='vit-t-128-p16')
    return m


ROWS = {  # name -> (what changes vs the cpu-convvit preset, overrides); full-frame rows predate match_crop
    'plain-vit-6ep': ('plain ViT, 16x16 patches (8x8 tokens), light augmentation, 6 epochs, full frame',
                      dict(model='vit-t-128-p16', augment=AugmentConfig(), epochs=6, match_crop=False)),
    'convstem-6ep': ('conv stem (16x16 tokens), light augmentation, 6 epochs, full frame',
                     dict(augment=AugmentConfig(), epochs=6, match_crop=False)),
    'convstem-final': ('conv stem, stronger augmentation + blur, 20 epochs (the cpu-convvit preset), full frame',
                       dict(match_crop=False)),
    'convstem-3class': ('3-class head (normal/bacterial/viral), no class weights, no label smoothing, 10% of training '
                        'patients held out for calibration (the cpu-convvit-3class preset at 20 epochs), full frame',
                        dict(preset='cpu-convvit-3class', epochs=20, match_crop=False)),
    'convstem-3class-30ep': ('the cpu-convvit-3class preset: as 3class-crop, trained 30 epochs instead of 20 (the default model)',
                             dict(preset='cpu-convvit-3class', epochs=30)),
}


EVAL_ROWS = {  # name -> (what, base row whose trained model is evaluated, how): test-time choices, no training
    'final-crop': ('convstem-final evaluated on a centre crop matched to its training crops (crop_pct 0.918; '
                   'the match_crop default)', 'convstem-final', dict(crop='matched')),
    'final-crop-tta': ('as final-crop, averaging the logits of 5 views (crops 0.918 / 0.85 / 1.0, rotations +-5 deg)',
                       'convstem-final', dict(crop='matched', tta=True)),
    '3class-crop': ('convstem-3class evaluated on the matched centre crop (before its temperature and threshold)', 'convstem-3class', dict(crop='matched')),
}
ORDER = ['plain-vit-6ep', 'convstem-6ep', 'convstem-final', 'final-crop', 'final-crop-tta', 'convstem-3class', '3class-crop',
         'convstem-3class-30ep']  # the table's row order: each step next to the one it changes


def tta_views(img, crop_pct: float):
    "The 5 test-time views of an image: the model's crop, two other centre crops, two small rotations."
    from torchvision.transforms.v2 import functional as TF
    w, h = img.size
    crop = lambda f: TF.center_crop(img, [round(h * f), round(w * f)])
    return [crop(crop_pct), crop(0.85), img, crop(crop_pct).rotate(5, resample=2), crop(crop_pct).rotate(-5, resample=2)]


def eval_row(name: str, data: str, out: Path) -> dict:
    "Validation figures of an EVAL_ROWS entry, scored as the training rows are (compute_metrics)."
    import torch
    from transformers import EvalPrediction
    from cxr_vit.data import load_table
    from cxr_vit.decode import read_xray
    from cxr_vit.inference import predict_logits
    from cxr_vit.model import load_model
    from cxr_vit.preprocessing import get_cxr, update_cxr
    from cxr_vit.augment import XrayDataset
    from cxr_vit.start import matched_crop_pct
    from cxr_vit.trainer import compute_metrics
    what, base, how = EVAL_ROWS[name]
    cfg = json.loads((out/base/'train_config.json').read_text())
    model = load_model(out/base/'model')
    pp = get_cxr(model)['preprocessing']
    c = matched_crop_pct(cfg['augment']['scale']) if how.get('crop') == 'matched' else 1.0
    update_cxr(model, preprocessing={**pp, 'crop_pct': c})
    val = load_table(data).query("split == 'val'")
    y = XrayDataset(val, get_cxr(model)).targets  # the labels training scored against
    t0 = time.time()
    if how.get('tta'):
        update_cxr(model, preprocessing={**pp, 'crop_pct': 1.0})  # the views carry their own crops
        z = sum(predict_logits(model, [tta_views(read_xray(p), c)[k] for p in val.path], 128) for k in range(5)) / 5
    else: z = predict_logits(model, list(val.path), 128)
    m = compute_metrics(EvalPrediction(predictions=z.numpy(), label_ids=y))
    m['loss'] = float(torch.nn.functional.cross_entropy(z, torch.as_tensor(y)))
    return dict(row=name, what=what, minutes=round((time.time() - t0) / 60, 2), epochs=cfg['epochs'],
                **{k: round(v, 4) for k, v in m.items()}, command=f'python experiments/ablate.py {name}')


def train_row(name: str, data: str, out: Path, resume: bool) -> dict:
    "Train a ROWS entry from scratch and return its final epoch's validation figures."
    what, over = ROWS[name]
    over = dict(over)
    model, preset = over.pop('model', None), over.pop('preset', 'cpu-convvit')
    t0 = time.time()
    train(data, preset, model_name=model, output_dir=out/name, resume=True if resume else None, progress_bar=False, **over)
    secs = time.time() - t0
    last = read_log(out/name).dropna(subset=['eval_auroc']).iloc[-1]          # the final epoch's validation
    keys = ['auroc', 'accuracy', 'balanced_accuracy', 'sensitivity', 'specificity', 'loss', 'viral_auroc', 'accuracy3']
    return dict(row=name, what=what, minutes=round(secs / 60, 1), epochs=over.get('epochs', get_preset(preset).epochs),
                **{k: round(float(last[f'eval_{k}']), 4) for k in keys if f'eval_{k}' in last},
                command=f'python experiments/ablate.py {name}')


def main(argv=None):
    a = row_parser(__doc__, ORDER, 'runs/ablate').parse_args(argv)
    out = Path(a.out)
    row = eval_row(a.row, a.data, out) if a.row in EVAL_ROWS else train_row(a.row, a.data, out, a.resume)
    print(json.dumps(row, indent=1))
    write_row(ROOT/'experiments/ablations.csv', row, ORDER)


if __name__ == '__main__': main()
