"""Vision Transformers for pediatric chest X-rays (normal / pneumonia, bacterial / viral), with checked heatmaps: a literate nbdev project run by papermill

Modules:

- `cxr_vit.corpus`: Every kind of input that has broken, or could break, a chest X-ray tool — empty, truncated, mislabelled, enormous, animated, hostile — generated here, and run through every command: each gives its documented outcome (a result, or an error that names the file and the problem), never a traceback, a hang or a silent skip. Plus a fuzzer on the decoder and the table readers.
- `cxr_vit.robustness`: Twelve synthesized acquisition shifts (contrast, gamma, exposure, blur, resolution, crop, borders, markers, noise) and how much each moves a model's AUROC, sensitivity and specificity, with paired patient-bootstrap CIs. `robustness_table` scores the images of a data table clean and under each shift (or under `SITES`, five simulated sites that compose them); `cxr_vit robustness` does it for a saved model and writes `robustness.csv`.
- `cxr_vit.train`: Presets as dataclasses (`seed-recipe` is the reference recipe, on a patient-level split), a torch `Dataset` over the data table that preprocesses as the model says, and transformers' `Trainer` underneath — so the same call trains on a CPU, one GPU, many GPUs or many nodes, with mixed precision, clipping, a checkpoint every epoch, resume, early stopping and logs. After training, the temperature and the decision threshold are fitted on patients held out of training (a calibration split, or else validation) and saved with the weights, together with the list of the patients that shaped the model."""

__version__ = "0.1.0"

# The front door (kept by hand: nbdev writes only the docstring and the version above). Three names are enough to go
# from an image to a probability and a heatmap; they are imported on first use, so `import cxr_vit` and the
# command line do not pay for torch until they need it.
_FRONT_DOOR = {'load_model': 'cxr_vit.model', 'predict': 'cxr_vit.inference', 'explain': 'cxr_vit.gradcam'}
__all__ = list(_FRONT_DOOR)


def __getattr__(name: str):
    "`cxr_vit.load_model`, `cxr_vit.predict`, `cxr_vit.explain`: the functions of their modules, imported on first use."
    if name in _FRONT_DOOR:
        import importlib
        return getattr(importlib.import_module(_FRONT_DOOR[name]), name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def __dir__(): return sorted([*globals(), *_FRONT_DOOR])
