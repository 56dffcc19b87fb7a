"""The curl and Python examples of the README and the open-data page are the same text, and they run against a
live server on the reference data."""

import html
import json
import re
import subprocess
import sys
from pathlib import Path

from kpi import api_examples

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_and_the_open_data_page_show_the_examples(reference_data, client):
    readme = README.read_text(encoding="utf-8")
    page = html.unescape(client.get("/ja/areas/kumamoto/open-data/").content.decode())
    for name, text in api_examples.render("http://127.0.0.1:8000").items():
        assert text in readme, name
    for name, text in api_examples.render("http://testserver").items():
        assert text in page, name


def test_the_examples_run(live_reference_data, live_server):
    examples = api_examples.render(live_server.url)
    curl = subprocess.run(examples["curl"], shell=True, capture_output=True, text=True, timeout=60, check=True)
    # Seed 001 l.2403–2409: 市内総生産額's actuals 2,334（H25）, 2,354（H26）, 2,496（H27）.
    values = {row["printed"] for row in json.loads(curl.stdout)["results"]}
    assert {"2,334（H25）", "2,354（H26）", "2,496（H27）"} <= values
    python = subprocess.run(
        [sys.executable, "-c", examples["python"]], capture_output=True, text=True, timeout=60, check=True
    )
    lines = python.stdout.splitlines()
    assert len(lines) == 3
    assert all(re.fullmatch(r"[HR]\d+\(\d{4}\)", line.split()[1]) for line in lines), lines
