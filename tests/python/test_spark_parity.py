"""`funnel spark-check`: the demo built on Spark gives the DuckDB build's marts.

Slow (a Spark session and two full builds, about five minutes on two cores):
marked `spark`, run by `make test-spark` (part of `make test`), not by
`make unit`. Needs Java 17 on the PATH (PySpark 4).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_funnel
from funnel.spark import CONTRACT_MARTS

SALT = "parity-test-salt-7f3a"

pytestmark = pytest.mark.spark


def test_every_mart_is_identical_on_spark(tmp_path: Path):
    work = tmp_path / "spark-check"
    proc = run_funnel(
        "spark-check", "--work-dir", str(work), env={"FUNNEL_PII_SALT": SALT}
    )
    print(proc.stdout)  # the per-mart table; `make test-spark` shows it (pytest -rP)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = re.search(r"^(\d+)/(\d+) marts identical, ([\d,]+) rows compared$",
                        proc.stdout, re.MULTILINE)
    assert summary, proc.stdout
    identical, total, rows = int(summary[1]), int(summary[2]), int(summary[3].replace(",", ""))
    assert identical == total >= len(CONTRACT_MARTS)
    assert rows > 0
    for mart in CONTRACT_MARTS:
        row = rf"^{mart}\s+[\d,]+\s+[\d,]+\s+identical$"
        assert re.search(row, proc.stdout, re.MULTILINE), mart
    built = re.search(r"spark build: (\d+) seeds, (\d+) models, (\d+) data tests passed",
                      proc.stdout)
    assert built and int(built[2]) > 0 and int(built[3]) > 0, proc.stdout
    # the salt reached Spark as a conf: no compiled or run SQL holds it
    for path in (work / "target-spark").rglob("*"):
        if path.is_file() and path.suffix in (".sql", ".json"):
            assert SALT not in path.read_text(errors="replace"), path
