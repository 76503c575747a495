"""Copy a pipeline run's figures into assets/ (the README's figures).

    python tools/update_assets.py runs/NAME

assets/roc_curve.png     <- RUN/roc_curve.png (04_evaluate)
assets/gradcam_pneumonia.png, assets/gradcam_normal.png
                         <- the overlays (05_gradcam) of the gallery's most confident true positive and
                            true negative whose Grad-CAM map is not empty (all zero after Grad-CAM's ReLU),
                            in the order of RUN/gradcam/checks.json (no hand-picking); skipped ones are printed
assets/front_door.png    <- explain(RUN's model, the index's example image).overlay (the README's three calls)
"""
import json, shutil, sys

import numpy as np
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRONT_DOOR_IMAGE = 'PNEUMONIA/person100_virus_184.jpeg'   # the image of nbs/index.ipynb's three-call example


def main(run: str):
    run = Path(run)
    checks = json.loads((run/'gradcam/checks.json').read_text())
    method = checks['method']
    pick = {'pneumonia': 'TP', 'normal': 'TN'}
    (ROOT/'assets').mkdir(exist_ok=True)
    shutil.copy(run/'roc_curve.png', ROOT/'assets/roc_curve.png')
    for name, outcome in pick.items():
        for ex in (e for e in checks['examples'] if e['outcome'] == outcome):   # sorted by confidence
            stem = run/'gradcam/overlays'/f"{Path(ex['path']).stem}_{method}"
            if np.load(stem.with_suffix('.npy')).max() > 0: break
            print(f"skipped {stem.name}: empty map ({outcome}, p={ex['prob_pneumonia']:.3f})")
        src = stem.with_suffix('.png')
        shutil.copy(src, ROOT/f'assets/gradcam_{name}.png')
        print(f"assets/gradcam_{name}.png <- {src.name} ({outcome}, p={ex['prob_pneumonia']:.3f})")
    print(f'assets/roc_curve.png <- {run}/roc_curve.png')
    from cxr_vit import explain, load_model
    from cxr_vit.data import sample_dir
    explain(load_model(run/'model'), sample_dir()/FRONT_DOOR_IMAGE).overlay.save(ROOT/'assets/front_door.png')
    print(f'assets/front_door.png <- explain({run}/model, {FRONT_DOOR_IMAGE})')


if __name__ == '__main__': main(sys.argv[1])
