"""The load benchmark (``bench/load.py``) at a tiny scale: it seeds, serves, loads every
page and writes its table. It asserts that the harness works and the data has its skew,
never how fast a page is: that is the full run's job, on a quiet machine.

It needs the PostgreSQL and Redis that ``scripts/test`` starts, and creates (then drops) a
database of its own on that server, so the test database is never touched. Kept short by
its size: 300 ideas, one second per page, no warm-up (about 30 s in all).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "reference: base.html, one indexed query",
    "public list, top, page 1",
    "public list, top, rank 150",
    "public list, new, page 1",
    "public list, new, rank 150",
    "public list, trending, page 1",
    "public list, trending, rank 150",
    "idea page, most voted",
    "idea page, median",
    "similar ideas",
    "PM scores, by score, open only",
    "/sales/",
    "public roadmap",
    "vote toggles",
    "public list, top, page 1, during a full rescore",
]


def _table(text: str, header: str) -> list[list[str]]:
    """The rows of the Markdown table whose header line starts with ``header``."""
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_load_benchmark_runs_at_a_tiny_scale_and_writes_a_row_per_page(tmp_path: Path) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.skip("needs the PostgreSQL server that scripts/test starts")
    assert shutil.which("wrk"), "wrk is missing: scripts/test installs it"
    output = tmp_path / "performance.md"
    output.write_text("# Performance\n\nNotes that a run must keep.\n")
    result = subprocess.run(
        [sys.executable, "bench/load.py", "--ideas", "300", "--votes", "3000",
         "--users", "300", "--accounts", "30", "--vote-users", "60",
         "--duration", "1", "--warmup", "0", "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=150, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]

    text = output.read_text()
    assert text.startswith("# Performance\n\nNotes that a run must keep.\n")
    rows = _table(text, "| page |")
    assert len(rows) == len(PAGES)
    for row, label in zip(rows, PAGES, strict=True):
        page, queries, rps, _, p50, p95, p99, errors = row
        assert page.startswith(label)
        # "0 (not loaded: one request took 2.3 s)" is no error: the machine was busy.
        assert errors.split()[0] == "0", f"{page}: {errors}"
        assert float(rps) > 0, page
        assert float(p50) <= float(p95) <= float(p99), page
        if label != "public list, top, page 1, during a full rescore":
            assert re.match(r"^\d+", queries), f"{page}: queries {queries!r}"

    data = {row[0]: row[1] for row in _table(text, "| data |")}
    assert data["ideas"].startswith("300 ")
    votes = re.match(
        r"([\d,]+): most voted ([\d,]+), 100th ([\d,]+), median ([\d,]+)", data["votes"]
    )
    assert votes is not None, data["votes"]
    total, most, _, median = (int(v.replace(",", "")) for v in votes.groups())
    assert 2_900 <= total <= 3_100
    assert most >= 10 * median, "votes follow a long tail: a few ideas with many"
    assert "declined" in data["ideas"]
    assert "shipped" in data["ideas"]

    goals = _table(text, "| what |")
    assert len(goals) == 9
    assert all(row[4] in {"pass", "**miss**"} for row in goals)
    assert "rescore all ideas" in text
    assert "peak RSS" in text
    net = re.search(r"The vote toggles left ([+-][\d,]+) votes", text)
    assert net is not None
    assert int(net.group(1).replace(",", "")) > 0, "the vote toggles wrote nothing"
