"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOT_DIR = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "artifacts" / "screenshots")
)
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures are still
# synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, but static files come through WhiteNoise as in production.

    pytest-django serves /static/ with the finders, which know nothing of the hashed, compressed names
    that the manifest storage writes; passing requests straight to the WSGI app lets WhiteNoise serve them.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost", start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


# Installed in every page before its first script runs, so a violation during loading is seen too.
_CSP_LISTENER_JS = """document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation({
    page: document.location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile + ":" + event.lineNumber,
    sample: event.sample,
  });
});"""


@pytest.fixture(autouse=True)
def csp_violations():
    """Every Content Security Policy violation a browser test's pages report; the test fails if there is one.

    A test that provokes a violation on purpose empties the list itself.
    """
    violations = []
    yield violations
    assert not violations, "Content Security Policy violations:\n" + "\n".join(map(str, violations))


def watch_csp(context, violations):
    """Record the CSP violations of every page of the context (pages opened later included)."""
    context.expose_binding("__reportCspViolation", lambda _source, violation: violations.append(violation))
    context.add_init_script(_CSP_LISTENER_JS)


@pytest.fixture
def open_page(browser, live_server, csp_violations):
    """Open a path of the live server in a fresh context of the given width; returns the page."""
    contexts = []

    def _open(path, *, width=1280, height=900, locale="ja-JP", **options):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale, **options)
        watch_csp(context, csp_violations)
        contexts.append(context)
        page = context.new_page()
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok, f"{path}: HTTP {response.status}"
        return page

    yield _open
    for context in contexts:
        for page in context.pages:
            # A round trip to each page delivers the violation reports it has already sent.
            page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")
        context.close()


def save_screenshot(page, name):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


_WIDE_ELEMENTS_JS = """() => {
  const width = document.documentElement.clientWidth, found = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.getBoundingClientRect().right <= width + 1) continue;
    let parent = el.parentElement, clipped = false;
    for (; parent; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== 'visible') { clipped = true; break; }
    }
    if (!clipped) found.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
  }
  return found.slice(0, 5);
}"""


def assert_no_horizontal_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px: {page.evaluate(_WIDE_ELEMENTS_JS)}"


def assert_no_clipped_table_cells(page):
    """On a phone, a KPI table is a stack of cards inside a box that may scroll: no cell's text may run past its
    card (a long 最新の測定値 with its 「（平成30年の値・平成30年度報告）」 once did, cut off at the card's edge)."""
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('table.kpi-table td, table.kpi-table th')]
            .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
            .map(cell => cell.textContent.trim().slice(0, 40))"""
    )
    assert not clipped, f"{page.url}: cells wider than their card: {clipped[:5]}"


def assert_no_axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    violations = results.response["violations"]
    assert not violations, results.generate_report()
