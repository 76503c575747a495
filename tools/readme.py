"""Render README.md from nbs/index.ipynb (nbdev's own README export needs Quarto).

`python tools/readme.py` writes README.md; `python tools/readme.py --check` fails when
README.md does not say what nbs/index.ipynb says.
"""
import re, sys
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parents[1]
HIDE = re.compile(r'^\s*#\s*\|\s*(hide|export|exporti|exports|default_exp)\b', re.M)
ECHO_FALSE = re.compile(r'^\s*#\s*\|\s*echo\s*:\s*false', re.M)
DIRECTIVE = re.compile(r'^\s*#\s*\|.*\n?', re.M)


def render(nb_path: Path = ROOT/'nbs'/'index.ipynb') -> str:
    nb = nbformat.read(nb_path, as_version=4)
    out = ['<!-- generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file -->\n']
    for cell in nb.cells:
        src = cell.source
        if cell.cell_type == 'markdown':
            out.append(src.strip() + '\n')
        elif cell.cell_type == 'code' and not HIDE.search(src):
            if not ECHO_FALSE.search(src):
                code = DIRECTIVE.sub('', src).strip()
                if code: out.append(f'```python\n{code}\n```\n')
    return '\n'.join(out)


def main(argv=sys.argv[1:]):
    txt, readme = render(), ROOT/'README.md'
    if '--check' in argv:
        if not readme.exists() or readme.read_text() != txt:
            sys.exit('README.md is out of date with nbs/index.ipynb: run `python tools/readme.py`')
        print('README.md matches nbs/index.ipynb')
    else:
        readme.write_text(txt)
        print(f'wrote {readme}')


if __name__ == '__main__': main()
