"""Robustness of a saved model to synthesized acquisition shifts, on the validation split of a data table.

Scores every image clean and under each shift of `cxr_vit.robustness.SHIFTS` (contrast, gamma, exposure, blur,
resolution, crop, border, marker, noise) and reports AUROC with a patient-bootstrap 95% CI, its change against
clean with a paired bootstrap CI (the target: within 0.01), and sensitivity / specificity at the model's threshold.
Prints a markdown table and the command line that produced it; with --out, writes robustness.csv and shifts.png
(one image under every shift) there, atomically. See nbs/07_robustness.ipynb for what each shift simulates.

    python tools/robustness.py --model M --data DATA_CSV [--split val] [--out DIR] [--n-boot 200] [--batch-size 64]
"""
import argparse, io, shlex, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cxr_vit.data import write_atomic  # noqa: E402
from cxr_vit.evaluate import TrainPatientsError, check_train_patients, load_eval_table, select_split  # noqa: E402
from cxr_vit.model import load_model  # noqa: E402
from cxr_vit.robustness import markdown_table, plot_shifts, robustness_table  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--model', required=True, help='saved model folder (or .safetensors / .pth file)')
    ap.add_argument('--data', required=True, help='data table CSV (path,label,patient[,split]), image folder or .npz')
    ap.add_argument('--split', default='val', help="rows of this split (default val; '' for all rows)")
    ap.add_argument('--out', help='folder for robustness.csv and shifts.png')
    ap.add_argument('--n-boot', type=int, default=200, help='patient-bootstrap replicates (default 200)')
    ap.add_argument('--batch-size', type=int, default=64)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--tolerance', type=float, default=0.01, help='allowed AUROC drop (default 0.01)')
    ap.add_argument('--allow-train-patients', action='store_true', help="run even on the model's training patients")
    ap.add_argument('--no-progress', action='store_true')
    a = ap.parse_args(argv)
    try:
        df = select_split(load_eval_table(a.data), a.split or None, a.data)
        model = load_model(a.model)
        check_train_patients(model, df, allow=a.allow_train_patients)
        table = robustness_table(model, df, batch_size=a.batch_size, n_boot=a.n_boot, seed=a.seed,
                                 progress=not a.no_progress, tolerance=a.tolerance)
    except TrainPatientsError as e:
        print(f'robustness: {a.data}: {e}', file=sys.stderr); return 3
    except (ValueError, OSError, ImportError) as e:
        print(f'robustness: {e}', file=sys.stderr); return 2
    print(markdown_table(table))
    print(f"\ncommand: python {shlex.join(['tools/robustness.py', *(sys.argv[1:] if argv is None else argv)])}")
    if a.out:
        out = Path(a.out)
        write_atomic(out / 'robustness.csv', table.assign(**table.attrs).to_csv(index=False))  # + threshold, n, ...
        buf = io.BytesIO()
        plot_shifts(df['path'].iloc[0]).savefig(buf, format='png', dpi=100)
        write_atomic(out / 'shifts.png', buf.getvalue())
        print(f'wrote {out / "robustness.csv"} and {out / "shifts.png"}')
    return 0


if __name__ == '__main__': sys.exit(main())
