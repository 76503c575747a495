"""Benchmark inference as users run it: every engine of `cxr_vit predict`, and `cxr_vit explain`, against the reference loop.

    python benchmarks/bench_inference.py [--data ../shared/data/chest_xray] [--vitb-images 384] [--memory]

Two models, each on one set of real films (the same files for every row of that model):
- `vit-b16`: ViT-B/16 with the reference checkpoint's geometry (224x224, 3 channels, mean = std = 0.5), random
  weights, on the first `--vitb-images` films of the default model's validation split;
- `default`: the bundled model on its whole validation split (the patients `split_table` gives back from `--data`
  with the model's preset, checked against the patients recorded in the model), so the accuracy columns are its
  validation AUROC under each engine.

Rows, each in a fresh process (so its peak RSS is its own): `reference` (the reference project's loop: PIL and
torchvision float transforms, HF eager attention, fp32, batch 16), `cxr_vit predict` with the torch engine in fp32 and
bf16, with ONNX Runtime in fp32 and int8, with OpenVINO in its own precision (bf16 where the CPU has it) and static int8
(all exported and quantized first, by `cxr_vit export --onnx --openvino --int8`), and `cxr_vit explain`
(Grad-CAM, overlays and raw maps written). `e2e img/s`: the command's function called in-process on the folder of
films (model loading, decoding, the model, writing the CSV or the overlays); `model img/s`: the engine alone on
preprocessed batches of 32 (for explain: its maps, in the batch size and precision the command picks); `peak RSS`: of the main process (decoding workers are
separate processes). Also printed: the machine's matmul rate in fp32, bf16 and int8, and each model's FLOPs per image.
`--precision auto` is measured once per model before the rows (the one-time cost users pay on first use, cached per
machine, printed and recorded), so no row pays it. `--memory`: peak RSS of `cxr_vit predict` (default model) on generated folders of 1,000 and 10,000 files.
Printed, and written to benchmarks/bench_inference.csv (the rows) and benchmarks/bench_inference.json (the machine's
matmul rates, each model's GFLOP per image, the int8 check, the memory rows, the command) for
nbs/explanations/performance.ipynb.
"""
import argparse, json, os, shlex, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = ['reference', 'torch-auto', 'torch-fp32', 'torch-bf16', 'onnx-fp32', 'onnx-int8', 'openvino', 'openvino-int8', 'explain']


def _rss_mb() -> float:
    "This process's peak RSS (VmHWM: getrusage's ru_maxrss keeps the parent's peak across fork and exec)."
    return next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) / 1024


def _best(f, reps: int = 3) -> float:
    f(); best = float('inf')
    for _ in range(reps):
        t0 = time.perf_counter(); f(); best = min(best, time.perf_counter() - t0)
    return best


def child(row: str, model: str, onnx: str, images: str, out: str) -> dict:
    "One row, in this (fresh) process: end to end, then the model alone."
    import torch
    from cxr_vit.preprocessing import get_cxr, preprocess
    n, prec = len(os.listdir(images)), None
    files = sorted(str(Path(images) / f) for f in os.listdir(images))
    if row == 'reference':
        from PIL import Image
        from torchvision import transforms
        from transformers import AutoModelForImageClassification
        import cxr_vit.model  # noqa: F401  (registers the project's model types with transformers' Auto classes)
        t0 = time.perf_counter()
        m = AutoModelForImageClassification.from_pretrained(model, attn_implementation='eager', dtype=torch.float32)   # fp32, as the reference ran (the bundled weights are stored in fp16).eval()
        prep = get_cxr(m)['preprocessing']; size = prep['image_size']
        tf = transforms.Compose([transforms.Resize((round(size / prep.get('crop_pct', 1)),) * 2), transforms.CenterCrop(size),
                                 transforms.Grayscale(prep['channels']), transforms.ToTensor(), transforms.Normalize(prep['mean'], prep['std'])])
        probs = []
        with torch.no_grad():
            for i in range(0, n, 16):
                x = torch.stack([tf(Image.open(p).convert('RGB')) for p in files[i:i + 16]])
                probs.append(torch.softmax(m(pixel_values=x).logits, -1))
        e2e = time.perf_counter() - t0
        x = torch.randn(16, prep['channels'], size, size)
        with torch.no_grad(): model_s = _best(lambda: m(pixel_values=x)) / 16
    elif row == 'explain':
        from cxr_vit.gradcam import cli_explain
        from cxr_vit.heatmaps import token_maps
        from cxr_vit.model import load_model
        t0 = time.perf_counter()
        rc = cli_explain([images, '--model', model, '--out', out])
        e2e = time.perf_counter() - t0
        assert rc == 0, rc
        from cxr_vit.engine import resolve_precision
        from cxr_vit.gradcam import auto_batch_size
        m = load_model(model); bs = auto_batch_size(m); x = preprocess(files[:bs], m)
        def maps():   # in the precision and batch size the command picked
            with torch.autocast('cpu', torch.bfloat16, enabled=resolve_precision('auto', 'cpu', m) == 'bf16'): token_maps(m, x)
        model_s = _best(maps) / bs
    else:
        from cxr_vit.bulk import cli_predict, load_engine
        engine, precision = {'torch-auto': ('torch', 'auto'), 'torch-fp32': ('torch', 'fp32'), 'torch-bf16': ('torch', 'bf16'), 'onnx-fp32': ('onnx', 'auto'),
                             'onnx-int8': ('onnx-int8', 'auto'), 'openvino': ('openvino', 'auto'), 'openvino-int8': ('openvino-int8', 'auto')}[row]
        src = model if engine == 'torch' else onnx
        t0 = time.perf_counter()
        rc = cli_predict([images, '--model', src, '--engine', engine, '--precision', precision, '--out', out, '--no-progress'])
        e2e = time.perf_counter() - t0
        assert rc == 0, rc
        eng = load_engine(src, engine, precision)
        prec, x = eng.precision, preprocess(files[:32], eng)
        model_s = _best(lambda: eng(x)) / 32
    return dict(row=row, n=n, e2e_s=e2e, e2e_ips=n / e2e, model_ips=1 / model_s, peak_rss_mb=_rss_mb(),
                precision=prec)


def gflops() -> dict:
    "The machine's matmul rate (2048x2048) in fp32 and bf16 (GFLOP/s) and, where torch has it, int8 (`torch._int_mm`, GOP/s)."
    import torch
    torch.manual_seed(0)
    out = {}
    for name, dt in (('fp32', torch.float32), ('bf16', torch.bfloat16)):
        a, b = torch.randn(2048, 2048, dtype=dt), torch.randn(2048, 2048, dtype=dt)
        out[name] = 2 * 2048 ** 3 / _best(lambda: a @ b, 5) / 1e9
    a, b = torch.randint(-127, 128, (2048, 2048), dtype=torch.int8), torch.randint(-127, 128, (2048, 2048), dtype=torch.int8)
    try: out['int8'] = 2 * 2048 ** 3 / _best(lambda: torch._int_mm(a, b), 5) / 1e9
    except (RuntimeError, AttributeError): pass   # no int8 matmul in this torch build: int8 rows are read against fp32
    return out


def model_gflop(folder: str) -> float:
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    from cxr_vit.model import load_model
    from cxr_vit.preprocessing import get_cxr, input_size
    m = load_model(folder); prep = get_cxr(m)['preprocessing']
    with torch.no_grad(), FlopCounterMode(display=False) as fc: m(pixel_values=torch.randn(1, prep['channels'], *input_size(prep)))
    return fc.get_total_flops() / 1e9


def setup(data: str, work: Path, vitb_images: int) -> dict:
    "Model folders, ONNX exports and image folders (links to the films) for both models."
    import torch
    from transformers import ViTConfig, ViTForImageClassification
    from cxr_vit.data import read_dataset
    from cxr_vit.bulk import cli_export
    from cxr_vit.model import _default_model_dir, load_model, save_model
    from cxr_vit.preprocessing import REFERENCE_PREPROCESSING, make_cxr
    from cxr_vit.calibration import model_table
    default = _default_model_dir()
    table = model_table(load_model(default), read_dataset(data))   # the split the model records
    val = table[table.split == 'val'].reset_index(drop=True)
    torch.manual_seed(0)
    vitb = ViTForImageClassification(ViTConfig(num_labels=2, id2label={0: 'normal', 1: 'pneumonia'}, label2id={'normal': 0, 'pneumonia': 1}))
    vitb.config.cxr = make_cxr(['normal', 'pneumonia'], REFERENCE_PREPROCESSING, name='vit-b16 (reference geometry, random weights)')
    save_model(vitb, work / 'vit-b16')
    sets = {'default': (str(default), val), 'vit-b16': (str(work / 'vit-b16'), val.iloc[:vitb_images])}
    out = {}
    for name, (folder, rows) in sets.items():
        imgs = work / f'{name}-images'; imgs.mkdir()
        for i, p in enumerate(rows.path): os.symlink(os.path.abspath(p), imgs / f'{i:05d}_{Path(p).name}')
        if name == 'default': rows.to_csv(work / 'val.csv', index=False)   # the int8 check on the validation split
        rc = cli_export(['--onnx', folder, '--openvino', '--out', str(work / f'{name}-onnx')] + (['--int8', '--data', str(work / 'val.csv')] if name == 'default' else []))
        if name != 'default':   # random weights: no check can judge int8 here; quantized to time it (its rows show what it changes)
            from cxr_vit.export import quantize_int8, quantize_openvino
            quantize_int8(work / f'{name}-onnx'); quantize_openvino(work / f'{name}-onnx', rows.path)
        from cxr_vit.engine import measure_precision
        t0 = time.perf_counter(); picked = measure_precision(load_model(folder))   # once per machine (cached): not in the rows
        out[name] = dict(model=folder, onnx=str(work / f'{name}-onnx'), images=str(imgs), labels=list(rows.label), rc_export=rc,
                         auto=dict(precision=picked, measure_s=round(time.perf_counter() - t0, 2)))
    return out


def memory(work: Path) -> list[dict]:
    "Peak RSS of the whole `cxr_vit predict` on 1,000 and 10,000 files (links to the embedded sample's films)."
    from cxr_vit.data import read_dataset
    src, res = list(read_dataset().path), []
    for n in (1000, 10000):
        d = work / f'mem-{n}'; d.mkdir()
        for i in range(n): os.symlink(os.path.abspath(src[i % len(src)]), d / f'{i:05d}.jpeg')
        code = ('import sys, time; from cxr_vit.cli import main; t0 = time.time(); '
                f"rc = main(['predict', {str(d)!r}, '--out', {str(work / f'mem-{n}.csv')!r}, '--no-progress']); "
                "print(time.time() - t0, next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) / 1024)")
        r = subprocess.run([sys.executable, '-c', code], check=True, capture_output=True, text=True)
        s, rss = map(float, r.stdout.strip().splitlines()[-1].split())
        res.append(dict(files=n, seconds=round(s, 1), peak_rss_mb=round(rss)))
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', default=str(ROOT.parent / 'shared' / 'data' / 'chest_xray'))
    ap.add_argument('--vitb-images', type=int, default=384)   # enough that start-up is not the figure
    ap.add_argument('--memory', action='store_true', help='also the 1k / 10k files peak memory check')
    ap.add_argument('--child', nargs=5, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(child(*a.child))); return 0
    import numpy as np, pandas as pd
    from sklearn.metrics import roc_auc_score
    work = Path(tempfile.mkdtemp(prefix='cxr-bench-inference-'))
    os.environ['CXR_VIT_CACHE'] = str(work / 'cache')   # precision auto measured afresh in setup, then read by every row
    sets = setup(a.data, work, a.vitb_images)
    res = []
    for name, s in sets.items():
        for row in ROWS:
            out = str(work / f'{name}-{row}' / ('out' if row == 'explain' else 'preds.csv'))
            r = subprocess.run([sys.executable, __file__, '--child', row, s['model'], s['onnx'], s['images'], out],
                               capture_output=True, text=True, env={**os.environ, 'TQDM_DISABLE': '1'})
            if r.returncode: print(r.stderr[-3000:], file=sys.stderr); return 1
            res.append(dict(model=name, **json.loads(r.stdout.strip().splitlines()[-1]), csv=out))
            print(f"{name:8s} {row:11s} e2e {res[-1]['e2e_ips']:7.1f} img/s  model {res[-1]['model_ips']:7.1f} img/s  "
                  f"peak {res[-1]['peak_rss_mb']:5.0f} MB", file=sys.stderr, flush=True)
    df = pd.DataFrame(res)
    for name, s in sets.items():   # accuracy against torch fp32 on the same files
        base = pd.read_csv(df.csv[(df.model == name) & (df.row == 'torch-fp32')].iloc[0])
        y = (np.array(s['labels']) == 'pneumonia')
        for i in df.index[(df.model == name) & df.row.str.startswith(('torch', 'onnx', 'openvino'))]:
            p = pd.read_csv(df.csv[i])
            df.loc[i, 'auroc'] = roc_auc_score(y, p.prob_pneumonia) if name == 'default' else np.nan
            df.loc[i, 'max_prob_change'] = float((p.prob_pneumonia - base.prob_pneumonia).abs().max())
            df.loc[i, 'flipped'] = float((p.label != base.label).mean())
        df.loc[df.model == name, 'x_reference'] = df.e2e_ips[df.model == name] / df.e2e_ips[(df.model == name) & (df.row == 'reference')].iloc[0]
    df['x_predict_fp32'] = np.nan
    rates, flops = gflops(), {k: model_gflop(s['model']) for k, s in sets.items()}
    print('\nmatmul 2048x2048 on this machine: ' + ', '.join(f'{k} {v:.0f} G(FL)OP/s' for k, v in rates.items()) + '; '
          + '; '.join(f'{k} {v:.2f} GFLOP/image' for k, v in flops.items()))
    print('\n| model | row | images | e2e img/s | x reference | model img/s | peak RSS MB | val AUROC | max |dP| vs fp32 | decisions flipped |')
    print('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|')
    for r in df.itertuples():
        f = lambda v, fmt: '' if pd.isna(v) else format(v, fmt)
        print(f'| {r.model} | {r.row} | {r.n} | {r.e2e_ips:.1f} | {r.x_reference:.2f}x | {r.model_ips:.1f} | {r.peak_rss_mb:.0f} | '
              f'{f(r.auroc, ".4f")} | {f(r.max_prob_change, ".4f")} | {f(r.flipped, ".2%")} |')
    for name in sets:
        d = df[df.model == name].set_index('row')
        print(f"{name}: `cxr_vit predict` as run (precision auto -> {d.loc['torch-auto', 'precision']}) end to end at "
              f"{d.loc['torch-auto', 'e2e_ips'] / d.loc['torch-auto', 'model_ips']:.0%} of the model alone in the same precision "
              f"({d.loc['torch-auto', 'model_ips']:.1f} img/s)")
        e = d.e2e_ips
        print(f"{name}: explain end to end at {e['explain'] / e['torch-fp32']:.2f}x predict fp32, {e['explain'] / e[['torch-fp32', 'torch-bf16', 'onnx-fp32']].max():.2f}x the fastest fp32/bf16 predict")
    for name, s in sets.items():
        print(f"{name}: --precision auto measured fp32 against bf16 once ({s['auto']['measure_s']:.1f} s, cached per machine): {s['auto']['precision']}")
    info = json.loads((Path(sets['default']['onnx']) / 'onnx.json').read_text())
    chk, ovchk = info['int8'], info['openvino_int8']
    for what, c in (('ONNX dynamic', chk), ('OpenVINO static', ovchk)):
        print(f"default model, `cxr_vit export --int8` check of {what} int8 on its validation split: AUROC change {c['auroc_change']:.4f}, "
              f"{c['flipped']:.2%} of decisions flipped: {'offered' if c['offered'] else 'not offered'}")
    mem = memory(work) if a.memory else []
    if mem:
        print('\n| files | seconds | peak RSS MB |\n|---:|---:|---:|')
        for m in mem: print(f"| {m['files']} | {m['seconds']} | {m['peak_rss_mb']} |")
    command = f'python benchmarks/bench_inference.py {shlex.join(argv if argv is not None else sys.argv[1:])}'.rstrip()
    print(f'\ncommand: {command}')
    from cxr_vit.runtime import write_atomic
    write_atomic(ROOT/'benchmarks/bench_inference.csv', df.drop(columns='csv').round(4).to_csv(index=False))
    write_atomic(ROOT/'benchmarks/bench_inference.json', json.dumps(dict(
        matmul_gflops={k: round(v, 1) for k, v in rates.items()}, model_gflop={k: round(v, 3) for k, v in flops.items()},
        int8_check=chk, openvino_int8_check=ovchk, memory=mem, precision_auto={k: s['auto'] for k, s in sets.items()}, models={k: s['model'] for k, s in sets.items()}, command=command), indent=1, default=str))
    return 0


if __name__ == '__main__': sys.exit(main())
