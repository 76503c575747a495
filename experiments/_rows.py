"""The skeleton every row-per-command experiment shares (`ablate.py`, `transfer.py`): its command line, and writing
its row into the CSV beside it, where a rerun replaces the row and the rows keep the table's order."""
import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def row_parser(doc: str, rows, out: str) -> argparse.ArgumentParser:
    "`SCRIPT ROW [--data CSV] [--out DIR] [--resume]`: the row to make, the split it trains on, where its runs go."
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument('row', choices=list(rows))
    ap.add_argument('--data', default=str(ROOT/'runs/kermany-data/data.csv'),
                    help='the data.csv of `cxr_vit run --data ../shared/data/chest_xray --stages 01_data --name kermany-data`')
    ap.add_argument('--out', default=str(ROOT/out), help='folder of the rows\' training runs (default: %(default)s)')
    ap.add_argument('--resume', action='store_true', help='continue a row\'s interrupted training from its last checkpoint')
    return ap


def write_row(csv: Path, row: dict, order: list) -> None:
    "Put `row` into the table `csv` (a rerun replaces the row of the same name), rows in `order`, `command` last; atomically."
    import pandas as pd
    from cxr_vit.runtime import write_atomic
    old = pd.read_csv(csv) if csv.exists() else pd.DataFrame(columns=list(row))
    table = pd.concat([old[old.row != row['row']], pd.DataFrame([row])], ignore_index=True)
    table = table.sort_values('row', key=lambda r: r.map(lambda x: order.index(x) if x in order else len(order)), kind='stable')
    write_atomic(csv, table[[c for c in table.columns if c != 'command'] + ['command']].to_csv(index=False))
