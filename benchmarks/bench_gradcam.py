"""Benchmark: Grad-CAM heatmaps per second vs plain prediction vs pytorch-grad-cam, in one run.

Same model, same images, same batches. The model is a transformers ViT with ViT-Small geometry
(224x224, patch 16 -> 14x14 tokens, width 384, 12 blocks, 6 heads, MLP 1536), randomly initialized:
no download, and speed does not depend on the weights. Rows:

- predict: `model(x).logits` under `torch.inference_mode()` -- the floor.
- cxr_vit gradcam / gradcam++ / rollout: `cxr_vit.gradcam.explain` (gradcam backpropagates only from the
  output to the last block's pre-attention norm, parameters frozen; rollout needs the whole graph).
- pytorch-grad-cam GradCAM: used the default way -- `GradCAM(model=wrapper, target_layers=[layer],
  reshape_transform=...)`, called per batch -- which backpropagates through the whole network and
  into every parameter's `.grad`.
- occlusion (with --occlusion): one forward per token per image; measured on fewer images.

Each row is timed `--repeats` times after one warm-up batch, the rows interleaved, and the best
time is reported (the machine is shared: load from others only makes a pass slower). Prints a markdown table and the command line that produced it.

    python benchmarks/bench_gradcam.py [--images 32] [--batch-size 8] [--threads N] [--device cpu]
"""
import argparse, shlex, sys, time
from pathlib import Path

import torch
from transformers import ViTConfig, ViTForImageClassification

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cxr_vit.heatmaps import LogitsOnly, default_layer, token_grid, token_maps, vit_reshape_transform  # noqa: E402


def vit_small(size: int, patch: int, depth: int) -> ViTForImageClassification:
    torch.manual_seed(0)
    cfg = ViTConfig(image_size=size, patch_size=patch, hidden_size=384, num_hidden_layers=depth, num_attention_heads=6,
                    intermediate_size=1536, num_labels=2, id2label={0: 'normal', 1: 'pneumonia'},
                    label2id={'normal': 0, 'pneumonia': 1})
    return ViTForImageClassification(cfg).eval()


def _sync():
    if torch.cuda.is_available(): torch.cuda.synchronize()


def best_rates(fns: dict, batches, repeats: int) -> dict:
    "Images/s per function: best of `repeats` passes over all batches, functions interleaved (shared machines drift)."
    for fn in fns.values(): fn(batches[0])                      # warm-up
    n, best = sum(len(b) for b in batches), {k: float('inf') for k in fns}
    for _ in range(repeats):
        for k, fn in fns.items():
            _sync(); t = time.perf_counter()
            for b in batches: fn(b)
            _sync(); best[k] = min(best[k], time.perf_counter() - t)
    return {k: n / t for k, t in best.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--images', type=int, default=32)
    ap.add_argument('--batch-size', type=int, default=8)
    ap.add_argument('--size', type=int, default=224)
    ap.add_argument('--patch', type=int, default=16)
    ap.add_argument('--depth', type=int, default=12)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--threads', type=int, default=None, help='torch.set_num_threads (default: torch default)')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--occlusion', action='store_true', help='also time occlusion (on --batch-size images)')
    a = ap.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    from pytorch_grad_cam import GradCAM

    model = vit_small(a.size, a.patch, a.depth).to(a.device)
    x = torch.randn(a.images, 3, a.size, a.size, generator=torch.Generator().manual_seed(0)).to(a.device)
    batches = list(x.split(a.batch_size))
    layer = model.get_submodule(default_layer(model))
    reshape = vit_reshape_transform(token_grid(model, x))

    def predict(b):
        with torch.inference_mode(): return model(b).logits

    cam = GradCAM(model=LogitsOnly(model), target_layers=[layer], reshape_transform=reshape)
    fns = {'predict (inference_mode forward)': predict}
    for m in ('gradcam', 'gradcam++', 'rollout'):
        fns[f'cxr_vit explain {m}'] = lambda b, m=m: token_maps(model, b, m, batch_size=a.batch_size)
    fns['pytorch-grad-cam GradCAM (default use)'] = lambda b: cam(input_tensor=b, targets=None)
    rows = list(best_rates(fns, batches, a.repeats).items())
    if a.occlusion:
        rows += list(best_rates({'cxr_vit explain occlusion': lambda b: token_maps(model, b, "occlusion", batch_size=64)}, batches[:1], 1).items())
    cam.activations_and_grads.release()

    base = rows[0][1]
    dev = torch.cuda.get_device_name() if a.device.startswith('cuda') else f'CPU, {torch.get_num_threads()} thread(s)'
    print(f'ViT-Small geometry ({a.size}px, patch {a.patch}, {a.depth} blocks, width 384), random init; '
          f'{a.images} images, batch {a.batch_size}; {dev}; torch {torch.__version__}\n')
    print('| method | images/s | time vs predict |')
    print('|---|---:|---:|')
    for name, r in rows: print(f'| {name} | {r:.1f} | {base / r:.2f}x |')
    print(('\ncommand: python benchmarks/bench_gradcam.py ' + shlex.join(sys.argv[1:] if argv is None else argv)).rstrip())


if __name__ == '__main__': main()
