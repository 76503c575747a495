"""The explorer in a real browser: JupyterLab and headless Chromium (Debian's `chromium` and `chromium-driver`).

    python tools/browser_test.py [--screenshot assets/explorer.png] [--keep]

Starts `jupyter lab --no-browser` on a free port with a token, in a temporary folder holding a notebook that opens
`cxr_vit.explore.explore` on the embedded sample (scored by the bundled model) and saves the case table it shows.
Selenium drives Chromium: it runs all cells from the Run menu, waits for the explorer, moves the threshold slider
with the keyboard and checks that the specificity shown becomes the one computed here from the saved case table at
the slider's new value; it picks a false positive in the case list and checks that an overlay image appears. Then it
saves a screenshot and checks it is not blank (many colours, not one flat field). Exit status 0 when all hold.
"""
import argparse, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CELLS = ["from cxr_vit.data import sample_dir\nfrom cxr_vit.explore import explore\nex = explore(data=sample_dir())\nex",
         "ex.cases.to_csv('cases.csv', index=False)"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


def wait_http(url: str, seconds: float):
    t0 = time.time()
    while time.time() - t0 < seconds:
        try:
            with urllib.request.urlopen(url, timeout=2): return
        except OSError: time.sleep(0.5)
    raise TimeoutError(f'{url}: no answer in {seconds:.0f} s')


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    exe = shutil.which('chromium') or shutil.which('chromium-browser')
    drv = shutil.which('chromedriver') or '/usr/lib/chromium/chromedriver'
    if not exe or not Path(drv).exists():
        raise SystemExit('browser test: needs Debian\'s chromium and chromium-driver (apt-get install chromium chromium-driver)')
    o = webdriver.ChromeOptions()
    o.binary_location = exe
    for a in ('--headless=new', '--no-sandbox', '--disable-dev-shm-usage', '--window-size=1500,1100', '--disable-gpu'): o.add_argument(a)
    return webdriver.Chrome(service=Service(drv), options=o)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--screenshot', default=None, help='where to save the screenshot (default: in the temporary folder)')
    ap.add_argument('--keep', action='store_true', help='keep the temporary folder')
    a = ap.parse_args(argv)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
    import numpy as np, pandas as pd
    from PIL import Image
    work = Path(tempfile.mkdtemp(prefix='cxr-browser-'))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    nbformat.write(nb, work / 'explore.ipynb')
    port, token = free_port(), os.urandom(12).hex()
    lab = subprocess.Popen([sys.executable, '-m', 'jupyter', 'lab', '--no-browser', f'--port={port}', '--ip=127.0.0.1',
                            f'--ServerApp.token={token}', f'--ServerApp.root_dir={work}', '--allow-root'],
                           stdout=open(work / 'lab.log', 'w'), stderr=subprocess.STDOUT, cwd=work)
    t0, driver = time.time(), None
    try:
        wait_http(f'http://127.0.0.1:{port}/api/status?token={token}', 90)
        driver = browser()
        wait = lambda s, cond: WebDriverWait(driver, s, poll_frequency=0.25).until(cond)
        driver.get(f'http://127.0.0.1:{port}/lab/tree/explore.ipynb?token={token}')
        wait(120, lambda d: d.find_elements(By.CSS_SELECTOR, '.jp-Notebook .jp-Cell'))
        wait(60, lambda d: 'Idle' in d.find_element(By.CSS_SELECTOR, 'body').text or d.find_elements(By.CSS_SELECTOR, '.jp-Notebook-ExecutionIndicator[data-status="idle"]'))
        run_menu = [e for e in driver.find_elements(By.CSS_SELECTOR, '.lm-MenuBar-item') if e.text.strip() == 'Run'][0]
        run_menu.click()
        wait(10, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, '.lm-Menu-itemLabel') if e.text.strip() == 'Run All Cells'])[0].click()
        wait(180, lambda d: d.find_elements(By.CSS_SELECTOR, '.cxr-explorer .cxr-specificity'))
        wait(60, lambda d: (work / 'cases.csv').exists())
        cases = pd.read_csv(work / 'cases.csv')
        spec_el = lambda: driver.find_element(By.CSS_SELECTOR, '.cxr-explorer .cxr-specificity').text
        readout = lambda: float(driver.find_element(By.CSS_SELECTOR, '.cxr-explorer .widget-readout').text)
        before_t, before_spec = readout(), spec_el()
        handle = driver.find_element(By.CSS_SELECTOR, '.cxr-explorer .noUi-handle')
        handle.click()
        for _ in range(30): handle.send_keys(Keys.ARROW_RIGHT)
        wait(20, lambda d: abs(readout() - before_t) > 0.05)
        time.sleep(1.0)   # the kernel's answer to the last step
        t = readout()
        y, p = (cases.label == 'pneumonia').to_numpy(), cases.prob_pneumonia.to_numpy()
        expected = f'{((~y) & (p < t)).sum() / (~y).sum():.3f}'
        wait(20, lambda d: spec_el() == expected)
        print(f'threshold {before_t:.3f} -> {t:.3f}: specificity shown {before_spec} -> {spec_el()}, computed {expected}')
        options = driver.find_elements(By.CSS_SELECTOR, '.cxr-explorer .widget-select select option')
        assert options, 'the case list is empty'
        fp = [o for o in options if o.text.startswith('FP')] or options
        fp[0].click()
        wait(30, lambda d: d.execute_script(
            "const i = document.querySelector('.cxr-explorer .cxr-overlay'); return i && i.naturalWidth > 0 && i.src.startsWith('blob:')"))
        print(f'clicked {fp[0].text!r}: overlay shown')
        for b in driver.find_elements(By.CSS_SELECTOR, '.jp-toast-button'):   # JupyterLab's "get news?" toast, out of the picture
            if b.text.strip() == 'No': b.click()
        time.sleep(0.5)
        shot = Path(a.screenshot) if a.screenshot else work / 'explorer.png'
        shot.parent.mkdir(parents=True, exist_ok=True)
        driver.find_element(By.CSS_SELECTOR, '.cxr-explorer').screenshot(str(shot))
        im = np.asarray(Image.open(shot).convert('RGB'))
        colours = len(np.unique(im.reshape(-1, 3), axis=0))
        assert im.std() > 20 and colours > 500, (im.std(), colours)
        print(f'screenshot {shot}: {im.shape[1]}x{im.shape[0]}, {colours} colours; browser test passed in {time.time() - t0:.0f} s')
        return 0
    except Exception as e:
        print(f'browser test FAILED: {type(e).__name__}: {e}\n--- jupyter lab log (tail):\n{(work / "lab.log").read_text()[-3000:]}', file=sys.stderr)
        if driver is not None: driver.save_screenshot(str(work / 'failure.png')); print(f'screenshot of the failure: {work / "failure.png"}', file=sys.stderr)
        return 1
    finally:
        if driver is not None: driver.quit()
        lab.terminate()
        try: lab.wait(20)
        except subprocess.TimeoutExpired: lab.kill()
        if not a.keep and (work / 'failure.png').exists() is False: shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__': sys.exit(main())
