"""A changed macro reaches the incremental models on the next run, with partial parsing.

dbt renders a model's config when it parses the model, and partial parsing
keeps a parsed model whose own file did not change. It does re-parse the
models that call a changed macro, but not when the macro's yml entry changed
too (dbt-core 1.11), and such a model keeps what its config rendered
(dbt-core #4364). So the incremental models take nothing for their hooks
from a rendered config: the parse models' pre-hook reads the parse
signature from the SQL compiled for the run, and the lead-keyed models'
`parts` are expressions their hooks render. Here a copy of the project is
built, two macros and their docs are edited (one only in how it renders,
one in its result), and `dbt build` on the same warehouse, parsing
partially as an analytics engineer's would, must equal a full build of the
edited project.

Before the fix that run kept the old parse signature in
base_crm__leads_parsed's pre-hook (the day's files were parsed twice: the
raw rows no longer reconciled) and the old cohort month in
int_lead_funnel's fingerprints (the leads built before kept their old
cohort). `funnel build` and `funnel refresh` also drop dbt's saved parse
when a macro changed (funnel.dbt.forget_parse_if_macros_changed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, assert_same_tables, query
from funnel.dbt import (
    MACROS_DIGEST,
    PARTIAL_PARSE,
    forget_parse_if_macros_changed,
    macro_folders,
    macros_digest,
)

LEADS = 1_000
SEED = 5
# What `funnel build` needs of the project: dbt's files and the funnel package.
PROJECT_FILES = ("dbt_project.yml", "profiles.yml")
PROJECT_FOLDERS = ("models", "macros", "seeds", "tests", "scripts")


def _copy_project(to: Path) -> Path:
    to.mkdir(parents=True)
    for name in PROJECT_FILES:
        shutil.copy2(PROJECT_DIR / name, to / name)
    for name in PROJECT_FOLDERS:
        shutil.copytree(PROJECT_DIR / name, to / name,
                        ignore=shutil.ignore_patterns("__pycache__", "python"))
    return to


def _env(project: Path, warehouse: Path, target: Path, landing: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(project / "scripts"),  # the copy's funnel package
        "FUNNEL_LANDING_DIR": str(landing),
        "FUNNEL_BUILD_DB": str(warehouse),
        "FUNNEL_PUBLISHED_DB": str(warehouse.parent / "published" / warehouse.name),
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(target.parent / "logs"),
        "DBT_EXCLUDE_RESOURCE_TYPES": "unit_test",
    }


def _funnel_build(project: Path, landing: Path, warehouse: Path, target: Path) -> None:
    """`funnel build --no-publish` of the copy (its own funnel package and dbt project)."""
    proc = subprocess.run(
        [sys.executable, "-m", "funnel.cli", "build", "--no-publish"], cwd=project,
        env=_env(project, warehouse, target, landing), capture_output=True, text=True,
        check=False,
    )
    assert proc.returncode == 0, f"{warehouse}: {proc.stdout}\n{proc.stderr}"


def _dbt(project: Path, landing: Path, warehouse: Path, target: Path,
         *args: str) -> subprocess.CompletedProcess:
    """`dbt build` in the copy, as an analytics engineer runs it (landing zone registered)."""
    dbt = str(Path(sys.executable).parent / "dbt")
    return subprocess.run(
        [dbt, "build", "--project-dir", str(project), "--profiles-dir", str(project), *args],
        cwd=project, env=_env(project, warehouse, target, landing), capture_output=True,
        text=True, check=False,
    )


def _dbt_build(project: Path, landing: Path, warehouse: Path, target: Path) -> None:
    proc = _dbt(project, landing, warehouse, target)
    assert proc.returncode == 0, f"{warehouse}: {proc.stdout}\n{proc.stderr}"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path}: the test's edit no longer applies"
    path.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from funnel.generate import generate

    raw = tmp_path_factory.mktemp("partial_parse") / "raw"
    generate(raw, leads=LEADS, seed=SEED)
    return raw


def test_a_changed_macro_reaches_the_incremental_models(
    landing: Path, tmp_path: Path
) -> None:
    project = _copy_project(tmp_path / "project")
    incremental, target = tmp_path / "incremental" / "funnel.duckdb", tmp_path / "target"
    _funnel_build(project, landing, incremental, target)
    assert (target / PARTIAL_PARSE).exists()
    assert (target / MACROS_DIGEST).read_text().strip() == macros_digest(project)

    # Renders differently, same result: every parse model's signature changes
    # (the leads parse's own file does not).
    _edit(project / "macros" / "normalize_label.sql",
          "    end\n{%- endmacro %}", "    end /* edited */\n{%- endmacro %}")
    # Another result: a lead created in a month's last three days belongs to
    # the next month's cohort (int_lead_funnel renders it in its parts).
    _edit(project / "macros" / "cohort_month.sql",
          "dbt.date_trunc('month', to_reporting_tz(column))",
          "dbt.date_trunc('month', to_reporting_tz(column) ~ ' + interval 3 day')")
    # Their docs too, as a real change would.
    _edit(project / "macros" / "_macros.yml",
          "      Lower case, runs of", "      Edited. Lower case, runs of")
    _edit(project / "macros" / "_macros.yml",
          "description: First day of the month", "description: Edited. First day of the month")
    # The same target folder: dbt parses partially (its partial_parse.msgpack).
    _dbt_build(project, landing, incremental, target)

    full = tmp_path / "full" / "funnel.duckdb"
    _funnel_build(project, landing, full, tmp_path / "full" / "target")
    moved = query(full, "select count(*) from intermediate.int_lead_funnel where "
                        "cohort_month != cast(date_trunc('month', created_at) as date)")[0][0]
    assert moved > 0, "the edited cohort_month should move some leads to another cohort"
    assert_same_tables(incremental, full)

    # A parse model whose compiled SQL does not carry its signature stops
    # before its pre-hook deletes anything.
    parsed = "staging.base_crm__leads_parsed"
    rows = query(incremental, f"select count(*) from {parsed}")[0][0]
    _edit(project / "models" / "staging" / "crm" / "base" / "base_crm__leads_parsed.sql",
          "{{ landing_rows_to_parse('leads', files, signature) }}",
          "{{ landing_rows_to_parse('leads', files, signature)"
          " | replace('landing parse signature', 'no signature') }}")
    proc = _dbt(project, landing, incremental, target, "--select", "base_crm__leads_parsed")
    assert proc.returncode != 0
    assert "base_crm__leads_parsed: expected one landing parse signature" in proc.stdout
    assert query(incremental, f"select count(*) from {parsed}")[0][0] == rows


def test_funnel_drops_dbts_saved_parse_when_a_macro_changed(tmp_path: Path) -> None:
    project, target = tmp_path / "project", tmp_path / "target"
    (project / "macros").mkdir(parents=True)
    (project / "tests" / "generic").mkdir(parents=True)
    macro = project / "macros" / "a.sql"
    macro.write_text("{% macro a() %}1{% endmacro %}")
    target.mkdir()

    def run() -> bool:
        """As run_dbt does around dbt: whether dbt's saved parse survived."""
        (target / PARTIAL_PARSE).touch()  # dbt saves its parse on every run
        digest = forget_parse_if_macros_changed(target, project)
        kept = (target / PARTIAL_PARSE).exists()
        (target / MACROS_DIGEST).write_text(digest + "\n")
        return kept

    assert not run(), "no digest yet (a parse saved by an older funnel or by dbt)"
    assert run(), "nothing changed: dbt parses partially"
    macro.write_text("{% macro a() %}2{% endmacro %}")
    assert not run(), "a changed macro"
    assert run()
    (project / "tests" / "generic" / "b.sql").write_text("{% test b(model) %}{% endtest %}")
    assert not run(), "a new generic test"
    (project / "macros" / "_macros.yml").write_text("macros: []\n")
    assert not run(), "a changed macro yml"
    macro.rename(project / "macros" / "c.sql")
    assert not run(), "a renamed macro file"
    # The folders dbt_project.yml names, not only dbt's defaults.
    (project / "dbt_project.yml").write_text(
        'macro-paths: ["macros", "shared_macros"]\ntest-paths: ["checks"]\n')
    assert not run(), "other folders: another digest"
    assert run()
    (project / "shared_macros").mkdir()
    (project / "shared_macros" / "d.sql").write_text("{% macro d() %}{% endmacro %}")
    assert not run(), "a macro in a second macro path"
    (project / "checks" / "generic").mkdir(parents=True)
    (project / "checks" / "generic" / "e.sql").write_text("{% test e(model) %}{% endtest %}")
    assert not run(), "a generic test under another test path"
    (project / "tests" / "generic" / "b.sql").write_text("changed, but no longer a test path")
    assert run()
    assert macro_folders(project) == ["macros", "shared_macros", "checks/generic"]
