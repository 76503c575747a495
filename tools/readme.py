"""Render README.md from nbs/index.ipynb (nbdev's own README export needs Quarto).

`python tools/readme.py` writes README.md; `python tools/readme.py --check` fails when
README.md does not say what nbs/index.ipynb says.

As Quarto renders nbdev's docs: markdown cells as they are, code cells as code blocks, except cells marked
`#| hide` (left out) and `#| echo: false` (code left out). A cell marked `#| output: asis` is run (in nbs/, one
kernel for the whole notebook, in order) and what it prints goes into the README as markdown: the README's tables
of results are printed from the results files by such cells, never typed.
"""
import os, re, sys
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parents[1]
HIDE = re.compile(r'^\s*#\s*\|\s*(hide|export|exporti|exports|default_exp)\b', re.M)
ECHO_FALSE = re.compile(r'^\s*#\s*\|\s*echo\s*:\s*false', re.M)
ASIS = re.compile(r'^\s*#\s*\|\s*output\s*:\s*asis', re.M)
DIRECTIVE = re.compile(r'^\s*#\s*\|.*\n?', re.M)


def printed(shell, src: str) -> str:
    "What the cell prints (stdout), run in `shell`; an error in it stops the render."
    outs = shell.run(src)
    errors = [o for o in outs if o.get('output_type') == 'error']
    if errors: sys.exit(f"README cell failed: {errors[0]['ename']}: {errors[0]['evalue']}\n{src}")
    return ''.join(''.join(o.get('text', '')) for o in outs if o.get('output_type') == 'stream' and o.get('name') == 'stdout')


def render(nb_path: Path = ROOT/'nbs'/'index.ipynb') -> str:
    nb = nbformat.read(nb_path, as_version=4)
    out, shell = ['<!-- generated from nbs/index.ipynb by tools/readme.py: edit the notebook, not this file -->\n'], None
    for cell in nb.cells:
        src = cell.source
        if cell.cell_type == 'markdown':
            out.append(src.strip() + '\n')
        elif cell.cell_type == 'code' and ASIS.search(src):
            if shell is None:
                from execnb.shell import CaptureShell
                os.chdir(nb_path.parent); shell = CaptureShell()
            out.append(printed(shell, src).strip() + '\n')
        elif cell.cell_type == 'code' and not HIDE.search(src):
            if not ECHO_FALSE.search(src):
                code = DIRECTIVE.sub('', src).strip()
                if code: out.append(f'```python\n{code}\n```\n')
    return '\n'.join(out)


def main(argv=sys.argv[1:]):
    txt, readme = render(), ROOT/'README.md'
    if '--check' in argv:
        if not readme.exists() or readme.read_text() != txt:
            sys.exit('README.md is out of date with nbs/index.ipynb or the results it prints: run `python tools/readme.py`')
        print('README.md matches nbs/index.ipynb')
    else:
        readme.write_text(txt)
        print(f'wrote {readme}')


if __name__ == '__main__': main()
