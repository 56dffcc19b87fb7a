"""Every URL of the site as it was before areas moved into the path still answers: 200, or a 301 to a page that
answers 200 (issue 12, "Done when").

tests/vision/urls_before_areas.txt was recorded by crawling /ja/ and /en/ (tests/vision/crawl.py) on the code
before the change (commit 822e029), over the reference data. Regenerate it only from that commit:
    git worktree add /tmp/before 822e029 && run `crawl(Client())` there in a django_db test.
"""

from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

BEFORE = Path(__file__).with_name("urls_before_areas.txt").read_text().split()


def test_the_recorded_list_covers_every_public_page_type():
    prefixes = {"/".join(path.split("/")[:3]) for path in BEFORE}
    for kind in ("plans", "indicators", "municipalities", "agreements", "matrix", "policy-areas", "committee"):
        assert f"/ja/{kind}" in prefixes


def test_every_url_before_areas_answers_or_moves_permanently(client):
    broken = []
    for path in BEFORE:
        response = client.get(path)
        if response.status_code == 301:
            target = client.get(response["Location"])
            if target.status_code != 200:
                broken.append((path, 301, response["Location"], target.status_code))
        elif response.status_code != 200:
            broken.append((path, response.status_code))
    assert broken == []
