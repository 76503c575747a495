"""Build the embedded sample `cxr_vit/sample/` from the Kermany training images in ../shared.

    python tools/make_sample.py [--data ../shared/data/chest_xray] [--per-group 100]

Draws whole patients that the default patient-level split of the full training set (val_frac=0.2, seed=0)
puts in *validation*, about `--per-group` images each of normal, bacterial and viral pneumonia, and stores
them as 8-bit grayscale JPEGs (quality 85) under their original names, in the class-folder layout.
"""
import argparse, hashlib, shutil
from pathlib import Path

from PIL import Image

from cxr_vit.data import read_dataset
from cxr_vit.splits import split_patients

ROOT = Path(__file__).resolve().parents[1]
ATTRIBUTION = """# Embedded sample: attribution and licence

These {n} images ({counts}) are a sample of the training split of
"Labeled Optical Coherence Tomography (OCT) and Chest X-Ray Images for Classification",
Daniel Kermany, Kang Zhang, Michael Goldbaum, Mendeley Data, v2, 2018, doi:10.17632/rscbjbr9sj.2,
licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). They are the same images as the
Kaggle dataset "Chest X-Ray Images (Pneumonia)".

Changes: resized to 224x224 (aspect ratio not kept) and stored as 8-bit grayscale JPEG (quality 85).
File names are the originals, so patient ids and pneumonia subtypes can be read from them.

Selection: whole patients that cxr_vit's default patient-level split of the full training set
(`split_patients(val_frac=0.2, seed=0)`) puts in validation, made by `tools/make_sample.py`.
For research and education only; not for clinical use.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', default=str(ROOT.parent/'shared/data/chest_xray'))
    ap.add_argument('--per-group', type=int, default=100)
    a = ap.parse_args()
    df = split_patients(read_dataset(a.data), val_frac=0.2, seed=0)
    val = df[df.split == 'val']
    chosen = []
    for sub in ['normal', 'bacterial', 'viral']:
        # patients whose images are all of this subtype, in a seeded order; whole patients until the quota is met
        by_pat = val.groupby('patient').subtype.agg(lambda s: set(s))
        pats = sorted((p for p, s in by_pat.items() if s == {sub}),
                      key=lambda p: hashlib.sha256(f'sample:{p}'.encode()).hexdigest())
        n = 0
        for p in pats:
            if n >= a.per_group: break
            rows = val[val.patient == p]
            chosen.append(rows); n += len(rows)
    import pandas as pd
    sample = pd.concat(chosen)
    out = ROOT/'cxr_vit/sample'
    shutil.rmtree(out, ignore_errors=True)
    for _, r in sample.iterrows():
        dst = out/r.label.upper()/Path(r.path).name
        dst.parent.mkdir(parents=True, exist_ok=True)
        Image.open(r.path).convert('L').save(dst.with_suffix('.jpeg'), quality=85)
    counts = ', '.join(f'{k} {v}' for k, v in sample.subtype.value_counts().items())
    (out/'ATTRIBUTION.md').write_text(ATTRIBUTION.format(n=len(sample), counts=counts))
    size = sum(f.stat().st_size for f in out.rglob('*'))
    print(f'{len(sample)} images ({counts}), {sample.patient.nunique()} patients, {size/1e6:.1f} MB in {out}')


if __name__ == '__main__': main()
