"""Vision Transformers for pediatric chest X-rays (normal / pneumonia, bacterial / viral), with checked heatmaps: a literate nbdev project run by papermill

Modules:

- `cxr_vit.adapt`: Unsupervised adaptation to a new site from its unlabeled images: BatchNorm statistics re-estimated on them (AdaBN), optionally entropy minimization of the normalization layers (TENT); recorded in the model, with the shift score before and after. `adapt` changes a model in place and stores the record in `config.cxr['adapted']`; `cxr_vit adapt --data NEW_SITE --out M2` saves the adapted model.
- `cxr_vit.corpus`: Every kind of input that has broken, or could break, a chest X-ray tool — empty, truncated, mislabelled, enormous, animated, hostile — generated here, and run through every command: each gives its documented outcome (a result, or an error that names the file and the problem), never a traceback, a hang or a silent skip. Plus a fuzzer on the decoder and the table readers.
- `cxr_vit.data`: Kermany folders, plain class folders, CSV manifests and PneumoniaMNIST `.npz` files become one pandas table (`path, label, subtype, patient, split`), split by **patient**, checked for leakage, and scanned for bad files. `read_dataset` makes the table every later stage reads (`data.csv` in a run folder), `split_patients` and `check_leakage` settle the splits, and `scan` (`cxr_vit data scan`) reports a dataset's images, patients, duplicates and unreadable files by name.
- `cxr_vit.decode`: `read_xray` turns any chest X-ray we accept — a JPEG or PNG in any mode, a DICOM file, an image inside a MedMNIST `.npz` — into an 8-bit grayscale `PIL.Image` (mode "L", bright = dense), and every input it cannot read honestly into a specific `XrayReadError` that names the file and the problem. Every other part of `cxr_vit` gets its pixels from here, so one decoder and one set of checks (decompression bombs, truncated files, formats we never meant to parse) cover every path.
- `cxr_vit.evaluate`: Metrics with patient-level confidence intervals, thresholds, temperature scaling, calibration, subgroups, figures and a saved report for a `cxr_vit` model. Every metric comes with a 95% CI from resampling patients, not images, at the model's stored threshold and at 0.5; `evaluate_model` scores a saved model on a data table and refuses its training patients, and `save_report` (`cxr_vit evaluate --out`) writes `metrics.json`, `predictions.csv` and the figures.
- `cxr_vit.gradcam`: Heatmaps of what a ViT's decision rests on, taken where they are not degenerate, and checked: model randomization, deletion/insertion against random maps, and the heatmap mass on the thorax. Grad-CAM (at the input of the last block's attention), Grad-CAM++, gradient-weighted rollout and occlusion share one `token_maps` interface; `explain` returns an `Explanation` per image, and `explain_paths` (`cxr_vit explain`) writes overlays, raw maps and a JSON summary for folders of images.
- `cxr_vit.inference`: From images to calibrated probabilities, decisions and shift scores: prediction with the preprocessing, temperature and threshold a model carries; the calibration math those come from (temperature scaling, the threshold and how it transfers to new data); the shift score; and the `cxr_vit predict` command. `predict(model, paths)` gives a row per image (P(pneumonia), the label at the model's threshold, how unlike the training images it is); training fits the temperature and threshold here, evaluation applies them.
- `cxr_vit.model`: Build, save and load chest X-ray classifiers: Hugging Face image-classification models (ViT, DeiT, Swin, ...) by name, the project's offline presets, model folders, and the reference project's pickled `vit_model.pth`, each carrying its own preprocessing, labels, threshold and temperature in `model.config.cxr` (made and read by `cxr_vit.preprocessing`). The rest of the package gets a model from `build_model` or `load_model` (no argument: the bundled default).
- `cxr_vit.pipeline`: The papermill runner and the `cxr_vit` command: a run executes each stage notebook's report into a run folder, which ends up holding the executed notebooks, their offline HTML, a one-page `report.html` and `run.json`. `run_pipeline` (`cxr_vit run`) checks every stage's parameters before anything runs and hands each stage the files earlier stages wrote; `main` is the `cxr_vit` command, whose other subcommands (`COMMANDS`) are imported from the modules that do the work only when called.
- `cxr_vit.preprocessing`: What a model carries besides its weights, and how images become its input. `config.cxr` holds the preprocessing, the labels, the threshold and temperature, the patients it was trained on and its shift reference, and `make_cxr`, `get_cxr` and `update_cxr` make, read and change it, validated. `preprocess` turns images or paths into the tensor a model expects by its own stored preprocessing (resize policy, centre crop, body crop, histogram equalization, normalization), so that training and inference cannot disagree.
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
