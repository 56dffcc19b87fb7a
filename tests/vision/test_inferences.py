"""Every editorial inference that fixtures/README.md lists is shown on its page as an inference (issue 13)."""

import re
from pathlib import Path

import pytest

from committee.models import Meeting

pytestmark = pytest.mark.django_db

MARK = "編集上の推定"
README = Path(__file__).resolve().parents[2] / "fixtures" / "README.md"


def test_the_fixture_readme_lists_every_editorial_inference():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Editorial inferences") :]
    for words in ("第5回", "田邉", "meetings are public", "linked measures", "directions", "所管課"):
        assert words in section, words


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_each_inference_is_shown_on_its_page(client, reference_data):
    fifth = Meeting.objects.get(number=5, held_on__year=2020)
    body = _page(client, f"/ja/areas/kumamoto/committee/meetings/{fifth.pk}/")
    # seed 001 l.2168 prints 「令和 2（2019）年 2 月 14日（金）」; loaded as 2020-02-14
    assert MARK in body and "2020-02-14" in body and "令和2（2019）年2月14日（金）" in body
    body = _page(client, "/ja/areas/kumamoto/committee/")
    assert re.search(r"荒川\s*浩二 委員の後任", body) and MARK in body
    assert "会議は、公開とする。" in body  # 運営要綱第7条, l.2338
    body = _page(client, "/ja/areas/kumamoto/indicators/S2-G2-N1/")
    assert "ほかの計画の同じ測定" in body and body.count(MARK) >= 2  # the link and the direction
    body = _page(client, "/ja/areas/kumamoto/committee/reviews/2019/")
    assert MARK in body and "所管課" in body
    body = _page(client, "/ja/areas/kumamoto/")
    assert MARK in body
