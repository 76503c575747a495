"""Redraw the README's figure of the three calls (assets/front_door.png) with the bundled default model.

    python tools/update_assets.py

assets/front_door.png <- explain(load_model(), the index's example image).overlay
(assets/explorer.png is the browser test's screenshot: python tools/browser_test.py --screenshot assets/explorer.png)
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRONT_DOOR_IMAGE = 'PNEUMONIA/person100_virus_184.jpeg'   # the image of nbs/index.ipynb's three-call example


def main():
    from cxr_vit import explain, load_model
    from cxr_vit.data import sample_dir
    explain(load_model(), sample_dir()/FRONT_DOOR_IMAGE).overlay.save(ROOT/'assets/front_door.png')
    print(f'assets/front_door.png <- explain(load_model(), {FRONT_DOOR_IMAGE})')


if __name__ == '__main__': main()
