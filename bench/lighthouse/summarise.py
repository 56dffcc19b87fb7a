"""Median of each page type's Lighthouse runs, printed beside the budgets of issue 16.

Usage: summarise.py REPORT_DIR NAME... (REPORT_DIR holds NAME-1.json, NAME-2.json, … as run.sh writes them)
"""

import json
import statistics
import sys
from pathlib import Path

# (label, how to read it from a report, budget text, test, applies to chart pages only)
CHART_PAGES = {"indicator", "indicator-en", "embed"}
METRICS = [
    ("perf", lambda r: r["categories"]["performance"]["score"] * 100, "≥95", lambda v: v >= 95, True),
    (
        "LCP s",
        lambda r: r["audits"]["largest-contentful-paint"]["numericValue"] / 1000,
        "≤2.0",
        lambda v: v <= 2.0,
        True,
    ),
    ("TBT ms", lambda r: r["audits"]["total-blocking-time"]["numericValue"], "≤150", lambda v: v <= 150, True),
    ("CLS", lambda r: r["audits"]["cumulative-layout-shift"]["numericValue"], "0", lambda v: v < 0.0005, True),
    ("SEO", lambda r: r["categories"]["seo"]["score"] * 100, "100", lambda v: v >= 100, False),
    ("a11y", lambda r: r["categories"]["accessibility"]["score"] * 100, "100", lambda v: v >= 100, False),
]


def main(directory, names):
    directory = Path(directory)
    header = f"{'page':<16}" + "".join(f"{label:>10} {'budget':>7}" for label, *_ in METRICS)
    print(header)
    print("-" * len(header))
    misses = []
    for name in names:
        reports = [json.loads(path.read_text()) for path in sorted(directory.glob(f"{name}-*.json"))]
        row = f"{name:<16}"
        for label, read, budget, meets, charts_only in METRICS:
            value = statistics.median(read(report) for report in reports)
            applies = name in CHART_PAGES or not charts_only
            mark = "" if not applies else (" " if meets(value) else "!")
            shown = f"{value:.3f}" if label == "CLS" else f"{value:.2f}" if label == "LCP s" else f"{value:.0f}"
            row += f"{shown + mark:>10} {budget if applies else '':>7}"
            if applies and not meets(value):
                misses.append(f"{name} {label} {shown} (budget {budget})")
        print(row)
        failed = sorted(
            {
                audit["id"]
                for report in reports
                for category in ("seo", "accessibility")
                for ref in report["categories"][category]["auditRefs"]
                if ref["weight"] and (audit := report["audits"][ref["id"]])["score"] not in (None, 1)
            }
        )
        if failed:
            print(f"{'':<16}failing SEO/accessibility audits: {', '.join(failed)}")
    print(f"\nmedian of {len(reports)} runs per page type; '!' marks a figure over its budget")
    for miss in misses:
        print("over budget:", miss)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
