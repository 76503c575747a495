"""Reproduce one row of the offline-model ablation table (README, "The offline model").

    python tools/ablate.py ROW [--data runs/kermany-data/data.csv] [--out runs/ablate]

Every row is the `cpu-convvit` training preset with a few fields changed (ROWS below); each trains from
scratch on the default patient-level split of ../shared/data/chest_xray (the data.csv any pipeline run on it
writes: `cxr_vit run --data ../shared/data/chest_xray --stages 01_data --name kermany-data`) and prints the
validation figures of its final epoch and the wall time. Results are appended to results/ablations.csv.
"""
import argparse, csv, json, time
from pathlib import Path

from transformers import ViTConfig, ViTForImageClassification

from cxr_vit.model import LABELS, make_cxr, make_preprocessing, register_preset
from cxr_vit.train import AugmentConfig, get_preset, read_log, train

ROOT = Path(__file__).resolve().parents[1]


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


ROWS = {  # name -> (what changes vs the cpu-convvit preset, overrides)
    'plain-vit-6ep': ('plain ViT, 16x16 patches (8x8 tokens), light augmentation, 6 epochs',
                      dict(model='vit-t-128-p16', augment=AugmentConfig(), epochs=6)),
    'convstem-6ep': ('conv stem (16x16 tokens), light augmentation, 6 epochs',
                     dict(augment=AugmentConfig(), epochs=6)),
    'convstem-final': ('conv stem, stronger augmentation + blur, 20 epochs (the cpu-convvit preset)', dict()),
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('row', choices=sorted(ROWS))
    ap.add_argument('--data', default=str(ROOT/'runs/kermany-data/data.csv'))
    ap.add_argument('--out', default=str(ROOT/'runs/ablate'))
    ap.add_argument('--resume', action='store_true')
    a = ap.parse_args(argv)
    what, over = ROWS[a.row]
    over = dict(over)
    model = over.pop('model', None)
    out = Path(a.out)/a.row
    t0 = time.time()
    train(a.data, 'cpu-convvit', model_name=model, output_dir=out, resume=True if a.resume else None, progress_bar=False, **over)
    secs = time.time() - t0
    last = read_log(out).dropna(subset=['eval_auroc']).iloc[-1]          # the final epoch's validation
    keys = ['auroc', 'accuracy', 'balanced_accuracy', 'sensitivity', 'specificity', 'loss']
    row = dict(row=a.row, what=what, minutes=round(secs / 60, 1), epochs=over.get('epochs', get_preset('cpu-convvit').epochs),
               **{k: round(float(last[f'eval_{k}']), 4) for k in keys if f'eval_{k}' in last},
               command=f'python tools/ablate.py {a.row}')
    print(json.dumps(row, indent=1))
    f = ROOT/'results/ablations.csv'
    new = not f.exists()
    with open(f, 'a', newline='') as fh:
        w = csv.DictWriter(fh, fieldnames=list(row), extrasaction='ignore')
        if new: w.writeheader()
        w.writerow(row)


if __name__ == '__main__': main()
