"""A small crawler over the test client: the public URLs a visitor reaches from /ja/ and /en/ by following links.

Used once on the code before areas moved into the URL to record tests/vision/urls_before_areas.txt
(`python -m tests.vision.crawl` is not needed: see test_urls_before_areas.py for how the list is regenerated),
and by the test that checks every recorded URL still answers.
"""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

START = ("/ja/", "/en/")
# Not public pages, or not pages: the admin, login, the workspace, static and media files.
SKIP_PREFIXES = ("/admin/", "/static/", "/media/")
SKIP_PARTS = ("/accounts/", "/workspace/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "link", "iframe", "form"):
            for name, value in attrs:
                if name in ("href", "src") and value:
                    self.hrefs.append(value)


def _same_site_path(base, href):
    href = urldefrag(href)[0]
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin("http://testserver" + base, href))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    path = parts.path + ("?" + parts.query if parts.query else "")
    if path.startswith(SKIP_PREFIXES) or any(part in parts.path for part in SKIP_PARTS):
        return None
    return path


def crawl(client, start=START, max_depth=4):
    """Every same-site path reached from `start` within `max_depth` links; only 200 HTML pages are parsed."""
    seen = set(start)
    frontier = list(start)
    for _depth in range(max_depth + 1):
        following = []
        for path in frontier:
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = _Links()
            parser.feed(response.content.decode("utf-8", "replace"))
            for href in parser.hrefs:
                found = _same_site_path(path, href)
                if found and found not in seen:
                    seen.add(found)
                    following.append(found)
        frontier = following
    return sorted(seen)
