"""Page weight of public pages in headless Chromium: bytes transferred on a first and a repeat visit, and any
request that leaves the machine.

    .venv/bin/python bench/page_weight.py            # prints one line per page

Budget (issue: public progress pages): an indicator page under 600 KB on a first visit and under 60 KB on a
repeat visit, with no external request. The figures are printed, not asserted: this is a measurement.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import portal

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PAGES = [
    "/ja/",
    "/ja/plans/kumamoto-strategy-1/",
    "/ja/indicators/S1-G2-N1/",
    "/ja/indicators/S1-G2-N1/embed/",
    "/ja/matrix/",
    "/ja/agreements/1/",
]


def measure(browser, url):
    """(first-visit, repeat-visit and reload bytes, requests, external hosts) for one page in a fresh profile."""
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    transferred = {"bytes": 0, "requests": 0}
    hosts = set()
    cdp.on(
        "Network.loadingFinished",
        lambda e: transferred.__setitem__("bytes", transferred["bytes"] + e["encodedDataLength"]),
    )
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: (
            transferred.__setitem__("requests", transferred["requests"] + 1),
            hosts.add(urlparse(e["request"]["url"]).hostname),
        ),
    )
    page.goto(url, wait_until="networkidle")
    first, first_requests = transferred["bytes"], transferred["requests"]
    transferred.update(bytes=0, requests=0)
    page.goto(url, wait_until="networkidle")
    repeat = transferred["bytes"]
    transferred.update(bytes=0, requests=0)
    page.reload(wait_until="networkidle")  # the page itself revalidated, its static files still cached
    reload = transferred["bytes"]
    context.close()
    external = sorted(h for h in hosts if h not in ("127.0.0.1", "localhost"))
    return first, repeat, reload, first_requests, external


def main():
    from playwright.sync_api import sync_playwright

    with portal() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        print(f"{'page':34} {'first visit':>12} {'repeat':>10} {'reload':>10} {'requests':>9}  external")
        for path in PAGES:
            first, repeat, reload, requests, external = measure(browser, base + path)
            print(
                f"{path:34} {first / 1024:>9.1f} KB {repeat / 1024:>7.1f} KB {reload / 1024:>7.1f} KB"
                f" {requests:>9}  {', '.join(external) or 'none'}"
            )
        browser.close()


if __name__ == "__main__":
    main()
