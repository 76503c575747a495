"""Check a finished default `cxr_vit run` (the embedded sample): every stage ok, and its files hold what they should.

    python tools/check_run.py RUN_DIR

tools/test.sh runs the real chain once and calls this on it. Each check is independent of the code that
wrote the file it reads (AUROC is recomputed from predictions.csv with scikit-learn, the sample is listed
again); the script prints what it checked and exits 1 at the first failure.
"""
import json, math, sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from cxr_vit.data import COLUMNS, read_dataset
from cxr_vit.results import HEADLINE
from cxr_vit.pipeline import REPORT_TAG, STAGES
from cxr_vit.report import external_resources

RUN_TAGS = {REPORT_TAG, 'parameters', 'injected-parameters'}


def check(ok: bool, what: str):
    if not ok: sys.exit(f'FAIL: {what}')
    print(f'ok: {what}')


def check_manifest(run: Path):
    m = json.loads((run/'run.json').read_text())
    check(m['status'] == 'ok', f"run.json: status ok ({m['status']})")
    check(list(m['stages']) == STAGES and all(s['status'] == 'ok' and s['seconds'] > 0 for s in m['stages'].values()),
          'run.json: stages all ok (' + ', '.join(f"{k} {v['seconds']:.0f}s" for k, v in m['stages'].items()) + ')')


def check_tables(run: Path, n: int):
    data = pd.read_csv(run/'data.csv', dtype=str)
    check(list(data.columns) == COLUMNS and len(data) == n, f'data.csv: {len(data)} rows (the sample has {n})')
    pr = pd.read_csv(run/'predictions.csv')
    check(len(pr) == n and pr.prob_pneumonia.between(0, 1).all() and set(pr.path) == set(data.path),
          f'predictions.csv: {len(pr)} probabilities in [0, 1], one per image of data.csv')
    return pr


def check_metrics(run: Path, pr: pd.DataFrame, n: int):
    mj = json.loads((run/'metrics.json').read_text())
    check(mj['meta']['n_images'] == n, f"metrics.json: {mj['meta']['n_images']} images")
    for t in mj['thresholds']:
        for k in HEADLINE:
            m = mj['metrics'][t][k]
            vals = [m['ci_low'], m['value'], m['ci_high']]
            if not (all(v is not None and math.isfinite(v) for v in vals) and vals == sorted(vals) and 0 <= vals[0] <= vals[2] <= 1):
                check(False, f'metrics.json: {t} {k} = {vals} (finite, in [0, 1], inside its CI)')
    print(f"ok: metrics.json: {len(HEADLINE)} metrics x {len(mj['thresholds'])} thresholds finite, each inside its finite 95% CI")
    auroc = roc_auc_score(pr.label == 'pneumonia', pr.prob_pneumonia)
    check(abs(auroc - mj['metrics']['model']['auroc']['value']) < 1e-9, f'metrics.json: AUROC {auroc:.4f} = sklearn on predictions.csv')
    return mj


def check_gradcam(run: Path):
    ck = json.loads((run/'gradcam'/'checks.json').read_text())
    maps = [np.load(p) for p in sorted((run/'gradcam'/'overlays').glob('*.npy'))]
    pngs = list((run/'gradcam'/'overlays').glob('*.png'))
    check(len(maps) == len(pngs) == len(ck['examples']) > 0, f"gradcam: {len(maps)} maps and overlays, one per example")
    check(all(m.ndim == 2 and np.isfinite(m).all() and m.min() >= 0 for m in maps) and sum(m.max() > 0 for m in maps) > len(maps) // 2,
          f"gradcam: maps finite, non-negative, {sum(m.max() > 0 for m in maps)} of {len(maps)} non-empty")
    check((run/'gradcam'/'gallery.png').read_bytes()[:4] == b'\x89PNG' and set(ck['randomization']) and ck['n_images'] > 0,
          f"gradcam: gallery, randomization and faithfulness checks on {ck['n_images']} images")


def check_notebooks(run: Path):
    for s in STAGES:
        nb = nbformat.read(run/f'{s}.ipynb', as_version=4)
        extra = [i for i, c in enumerate(nb.cells[1:], 1) if not RUN_TAGS & set(c.metadata.get('tags', []))]
        outs = [o for c in nb.cells for o in c.get('outputs', [])]
        noisy = [o for o in outs if o.output_type == 'error' or (o.output_type == 'stream' and o.name == 'stderr')
                 or 'IProgress' in json.dumps(o) or '0%|' in json.dumps(o)]
        check(nb.cells[0].cell_type == 'markdown' and nb.cells[0].source.startswith('# ') and not extra and not noisy,
              f'{s}.ipynb: a title, then only the report ({len(nb.cells)} cells); no errors, warnings or progress bars in it')
    pages = {p.name: p.read_text() for p in [*(run/'html').glob('*.html'), run/'report.html']}
    check(set(pages) == {f'{s}.html' for s in STAGES} | {'report.html'} and not any(map(external_resources, pages.values())),
          'html/: one page per stage, and report.html, none loading anything from the network')


def main(run: Path):
    n = len(read_dataset())
    check_manifest(run)
    pr = check_tables(run, n)
    mj = check_metrics(run, pr, n)
    check_gradcam(run)
    check_notebooks(run)
    a = mj['metrics']['model']['auroc']
    check(f"{a['value']:.3f} ({a['ci_low']:.3f}-{a['ci_high']:.3f})" in (run/'report.html').read_text(),
          'report.html: shows the AUROC of metrics.json with its CI')


if __name__ == '__main__': main(Path(sys.argv[1]))
