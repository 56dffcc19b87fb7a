"""What the browser enforces: the Content Security Policy, and staff text shown as text in the charts."""

from kpi.models import Indicator, Observation

REASON = '<a href="https://evil.example">x</a>'
UNIT = '<a href="//evil.example">x</a>'


def test_an_inline_script_is_blocked_and_recorded(open_page, csp_violations, live_reference_data):
    page = open_page("/ja/")

    ran = page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__inlineRan = true;";
          document.body.appendChild(script);
          return window.__inlineRan === true;
        }"""
    )
    page.wait_for_function("() => true")
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 50))")

    assert ran is False
    assert [v["directive"] for v in csp_violations] == ["script-src-elem"]
    csp_violations.clear()  # provoked on purpose; the fixture fails the test on any other


def test_staff_text_in_a_chart_is_never_a_link(open_page, live_reference_data):
    indicator = Indicator.objects.get(code="S1-G2-N1")
    Indicator.objects.filter(pk=indicator.pk).update(unit=UNIT)
    actual = indicator.observations.filter(kind=Observation.Kind.ACTUAL, value__isnull=False).order_by("fiscal_year")
    actual.filter(pk=actual[0].pk).update(value=None, missing_reason=REASON, is_published=True)

    for path in ("/ja/areas/kumamoto/indicators/S1-G2-N1/", "/ja/areas/kumamoto/indicators/S1-G2-N1/embed/"):
        page = open_page(path)
        # the server's SVG first: the reason and the unit are text there too
        assert page.evaluate("""() => document.querySelectorAll('a[href*="evil"], a[*|href*="evil"]').length""") == 0
        assert page.locator("#indicator-chart .chart__gap").text_content() == f"値なし: {REASON}"
        assert page.locator("#indicator-chart .chart__unit").text_content() == UNIT
        page.get_by_role("button", name="グラフを操作する").click()
        page.wait_for_selector("#indicator-chart[data-rendered='true']", timeout=15000)

        # plotly draws links in SVG with xlink:href, which only a namespace-wildcard selector matches.
        assert page.evaluate("""() => document.querySelectorAll('a[href*="evil"], a[*|href*="evil"]').length""") == 0
        notes = page.locator("#indicator-chart .annotation-text").all_text_contents()
        assert f"値なし: {REASON}" in notes
        assert page.locator("#indicator-chart .ytitle").text_content() == UNIT
