"""The closed 2019 review as the public sees it: the portal's marks are labelled as the portal's, never the
committee's, and the figures read as seed 001 prints them.

Expected values are read by hand from seed 001 (shared/seeds/001_16f58a72b6d60119.txt), line numbers given.
"""

import re
from html.parser import HTMLParser

import pytest

from committee import editions
from committee.models import Edition, Review
from kpi import progress

pytestmark = pytest.mark.django_db

REVIEW_2019 = "/ja/areas/kumamoto/committee/reviews/2019/"
LABEL = "ポータルによる機械的な判定（委員会の評価ではありません）"
MARKS = "◎○▽△×－？"


class _Marks(HTMLParser):
    """Every mark (an element with a badge-- class) and the text of the `judgement` element around it."""

    def __init__(self):
        super().__init__()
        self.stack = []  # (tag, is_judgement, text parts)
        self.marks = []  # (status, text of the enclosing judgement or None)
        self.pending = []  # marks waiting for their judgement to close: (index in stack, index in marks)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        self.stack.append((tag, "judgement" in classes, []))
        status = next((c.removeprefix("badge--") for c in classes if c.startswith("badge--")), None)
        if status:
            holder = max((i for i, entry in enumerate(self.stack) if entry[1]), default=None)
            self.marks.append([status, None])
            if holder is not None:
                self.pending.append((holder, len(self.marks) - 1))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, is_judgement, parts = self.stack.pop()
            if self.stack:
                self.stack[-1][2].extend(parts)
            if is_judgement:
                depth = len(self.stack)
                for _holder, mark in [p for p in self.pending if p[0] == depth]:
                    self.marks[mark][1] = "".join(parts)
                self.pending = [p for p in self.pending if p[0] != depth]
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][2].append(data)


def marks_of(html):
    parser = _Marks()
    parser.feed(html)
    return parser.marks


def test_every_mark_on_the_2019_review_page_carries_the_portal_label(client):
    html = client.get(REVIEW_2019).content.decode()
    marks = marks_of(html)
    # seed 001's first-phase sheets (l.2369–3121): 17 indicators, shown on the 数値目標 pages and again per 施策
    assert len(marks) >= 17
    unlabelled = [status for status, text in marks if text is None or LABEL not in text]
    assert unlabelled == []
    # and no mark is printed outside a labelled judgement: each icon on the page sits in one
    icons = re.findall(r'<span aria-hidden="true">([' + MARKS + "])</span>", html)
    assert len(icons) == len(marks)
    assert "委員会の評価ではありません" in html.split('class="policy-sheet"')[0]  # said before the first sheet


def test_the_disputed_marks_come_out_as_seed_001_supports(client):
    response = client.get(REVIEW_2019)
    rows = {kpi.row.indicator.code: kpi for sheet in response.context["sheets"] for kpi in sheet.kpis}
    # 市内総生産額: 2,496（H27）in the H30 column meets that column's 2,465 (l.2391–2409), but the second strategy's
    # 【第１期戦略の検証】 says the final target 「達成に至らない見込みです」 (l.280–284): not ○ 順調.
    gdp = rows["S1-G1-N1"].row.judgement
    assert (gdp.icon, gdp.word) == ("▽", "達成に至らない見込み")
    assert "達成に至らない見込み" in gdp.reason
    # 公共交通機関の年間利用者数 (l.3004–3032): 53,721（H29）in the H30 column against that column's 55,336（H29):
    # 53,721 ÷ 55,336 = 0.970814… → 97.1 %, behind (not ？ 判定不能).
    transit = rows["S1-G3-P1-K1"].row.judgement
    assert (transit.icon, transit.word, str(transit.rate_percent)) == ("△", "遅れ", "97.1")
    assert transit.compared_with_kind == "year_target"
    # 保育所等利用待機児童数 (l.2875–2880): H31 target 0, actual 6, the plan's final year.
    waiting = rows["S1-G2-P2-K1"].row.judgement
    assert (waiting.fiscal_year, waiting.icon, waiting.word) == (2019, "×", "未達成（期間終了）")


def test_waiting_children_397_stays_in_the_target_row_where_the_document_prints_it(client):
    # seed 001 l.2875–2880: 「目標値 … 397 0 0 0 0」 / 「実績値 ― 0 0 0 6」 in the columns H27 … H31
    response = client.get(REVIEW_2019)
    kpi = next(k for s in response.context["sheets"] for k in s.kpis if k.row.indicator.code == "S1-G2-P2-K1")
    assert kpi.targets == ["397", "0", "0", "0", "0"]
    assert kpi.actuals == ["", "0", "0", "0", "6"]  # an empty cell, shown as ―
    html = response.content.decode()
    row = html[html.index("保育所等利用待機児童数") :]
    actual_row = row[row.index("実績値") : row.index("</tr>", row.index("実績値"))]
    assert "397" not in actual_row


def test_figures_on_the_review_page_read_as_printed(client):
    response = client.get(REVIEW_2019)
    rows = {kpi.row.indicator.code: kpi for sheet in response.context["sheets"] for kpi in sheet.kpis}
    # 有効求人倍率 l.2543–2548: 「― 0.75 0.8 0.85 0.9」 / 「0.56（H26） 0.8 1.02 1.14」
    assert rows["S1-G1-P1-K1"].actuals[1:4] == ["0.8", "1.02", "1.14"]
    # 新規学卒者（大学）の県内定着率 l.2930: 「― 49 51.5 54 56.5」; 地域活動 l.2462: 「― 28 28.7 29.4 30」
    assert rows["S1-G2-P3-K1"].targets[1:] == ["49", "51.5", "54", "56.5"]
    assert rows["S1-G3-N2"].targets[1:] == ["28", "28.7", "29.4", "30"]


def test_an_edition_records_the_rules_version_and_a_rule_change_is_not_a_data_change():
    review = Review.objects.get(fiscal_year=2019)
    edition = editions.freeze(review)
    assert edition.rules_version == progress.RULES_VERSION
    assert edition.snapshot["rules_version"] == progress.RULES_VERSION
    # an edition frozen under the first rules, when 公共交通機関の年間利用者数 was 判定不能
    old = {**edition.snapshot, "rules_version": "1", "indicators": dict(edition.snapshot["indicators"])}
    old["indicators"]["S1-G3-P1-K1"] = {**old["indicators"]["S1-G3-P1-K1"], "status_word": "判定不能"}
    values, statuses = editions.compare(old, editions.snapshot(review))
    assert values == []
    assert [(c.code, c.old, c.new, c.by_rules) for c in statuses] == [("S1-G3-P1-K1", "判定不能", "遅れ", True)]
    assert Edition.objects.filter(review=review).count() == 1
