"""Write the corpus of bad and hostile inputs (nbs/09_reliability.ipynb) into a folder, with its table.

    python tools/make_corpus.py OUT

OUT/NORMAL/ holds one file per kind of trouble, OUT/PNEUMONIA/ three good images (so OUT is a dataset with both
classes), and OUT/corpus.csv says what each file is and the outcome `cxr_vit.decode.read_xray` must give.
"""
import sys
from pathlib import Path

from cxr_vit.corpus import make_corpus
from cxr_vit.data import save_table

if __name__ == '__main__':
    out = Path(sys.argv[1])
    table = make_corpus(out)
    save_table(table, out/'corpus.csv')
    print(f'{len(table)} files in {out} ({(table.expected == "ok").sum()} readable); see {out / "corpus.csv"}')
