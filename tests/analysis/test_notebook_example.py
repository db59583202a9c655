"""The notebook example in docs/ANALYSIS.md runs as written, on the shipped data, without Django."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RUNNER = """
import re, sys
text = open("docs/ANALYSIS.md", encoding="utf-8").read()
for block in re.findall(r"```python\\n(.*?)```", text, flags=re.DOTALL):
    exec(compile(block, "docs/ANALYSIS.md", "exec"))
print("sites", len(best.site_ids), "gap", round(gap.gap, 4), "malmo", per_kommun.loc["1280", "children_covered"] > 0)
print("django imported:", "django" in sys.modules)
"""


def test_the_documented_notebook_example_runs_without_django():
    text = (ROOT / "docs" / "ANALYSIS.md").read_text(encoding="utf-8")
    assert len(re.findall(r"```python\n", text)) == 2
    result = subprocess.run([sys.executable, "-c", RUNNER], cwd=ROOT, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert re.search(r"sites 3 gap 0\.0\d* malmo True", result.stdout), result.stdout
    assert "django imported: False" in result.stdout
