"""Copy a pipeline run's figures into assets/ (the README's figures).

    python tools/update_assets.py runs/NAME

assets/roc_curve.png     <- RUN/roc_curve.png (04_evaluate)
assets/gradcam_pneumonia.png, assets/gradcam_normal.png
                         <- the overlays (05_gradcam) of the gallery's most confident true positive and
                            true negative, as listed in RUN/gradcam/checks.json (no hand-picking)
"""
import json, shutil, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(run: str):
    run = Path(run)
    checks = json.loads((run/'gradcam/checks.json').read_text())
    method = checks['method']
    pick = {'pneumonia': 'TP', 'normal': 'TN'}
    (ROOT/'assets').mkdir(exist_ok=True)
    shutil.copy(run/'roc_curve.png', ROOT/'assets/roc_curve.png')
    for name, outcome in pick.items():
        ex = next(e for e in checks['examples'] if e['outcome'] == outcome)   # examples are sorted by confidence
        src = run/'gradcam/overlays'/f"{Path(ex['path']).stem}_{method}.png"
        shutil.copy(src, ROOT/f'assets/gradcam_{name}.png')
        print(f"assets/gradcam_{name}.png <- {src.name} ({outcome}, p={ex['prob']:.3f})")
    print(f'assets/roc_curve.png <- {run}/roc_curve.png')


if __name__ == '__main__': main(sys.argv[1])
