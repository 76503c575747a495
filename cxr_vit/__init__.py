"""Vision Transformers for pediatric chest X-rays (normal / pneumonia, bacterial / viral), with checked heatmaps: a literate nbdev project run by papermill

Modules:

- `cxr_vit.corpus`: Every kind of input that has broken, or could break, a chest X-ray tool — empty, truncated, mislabelled, enormous, animated, hostile — generated here, and run through every command: each gives its documented outcome (a result, or an error that names the file and the problem), never a traceback, a hang or a silent skip. Plus a fuzzer on the decoder and the table readers.
- `cxr_vit.train`: Presets as dataclasses (`seed-recipe` is the reference recipe, on a patient-level split), a torch `Dataset` over the data table that preprocesses as the model says, and transformers' `Trainer` underneath — so the same call trains on a CPU, one GPU, many GPUs or many nodes, with mixed precision, clipping, a checkpoint every epoch, resume, early stopping and logs. After training, the temperature and the decision threshold are fitted on patients held out of training (a calibration split, or else validation) and saved with the weights, together with the list of the patients that shaped the model."""

__version__ = "0.1.0"
