"""The committee's reference data against seed 001, written out by hand here (not generated from the fixture)."""

import datetime

import pytest
from django.core.management import call_command

from committee.models import Appointment, Committee, Evaluation, Meeting, Member, PublicComment, Review
from vision.models import Goal

pytestmark = pytest.mark.django_db

D = datetime.date
COMMITTEE = "kumamoto-strategy-committee"
FULL_TERM = (D(2018, 7, 13), D(2021, 3, 31))

# 委員名簿 (seed 001 l.2249–2275): 8 seats, 9 people in 50音順, 田邉 succeeding 荒川 mid-term.
ROSTER = [
    ("荒川　浩二", "あらかわ こうじ", "肥後銀行　上席執行役員　地域振興部長", (D(2018, 7, 13), D(2020, 1, 23))),
    ("木村　光伸", "きむら みつのぶ", "日本労働組合総連合会熊本県連合会　熊本地域協議会　副議長", FULL_TERM),
    ("小林　寛子", "こばやし ひろこ", "東海大学経営学部観光ビジネス学科　教授", FULL_TERM),
    ("坂本　浩", "さかもと ひろし", "熊本商工会議所　専務理事", FULL_TERM),
    ("澤田　道夫", "さわだ みちお", "熊本県立大学総合管理学部　教授", FULL_TERM),
    ("鈴木　桂樹", "すずき けいじゅ", "熊本大学法学部　教授", FULL_TERM),
    ("田邉　元", "たなべ もと", "肥後銀行　理事地域振興部長", (D(2020, 1, 24), D(2021, 3, 31))),
    ("津留　三郎", "つる さぶろう", "熊本日日新聞社　編集局編集委員室長", FULL_TERM),
    ("吉原　正勝", "よしはら まさかつ", "熊本銀行　営業推進部長", FULL_TERM),
]

# 策定経過 (l.2120–2174): number, date, start time, place, agenda.
MEETINGS = [
    (
        2,
        D(2019, 8, 7),
        datetime.time(9, 30),
        "市役所４階モニター室",
        ["評価・検証について", "人口動態の現状認識について", "人口ビジョンについて", "次期総合戦略について"],
    ),
    (
        3,
        D(2019, 10, 29),
        datetime.time(15, 0),
        "市役所議会棟総務委員会室",
        ["次期「熊本市しごと・ひと・まち創生総合戦略」【骨子案】", "次期リーディングプロジェクト（案）"],
    ),
    (
        4,
        D(2019, 12, 24),
        datetime.time(13, 0),
        "市役所別館８階会議室",
        ["第2期「熊本市しごと・ひと・まち創生総合戦略」【素案】", "今後のスケジュールについて"],
    ),
    (
        5,
        D(2020, 2, 14),  # printed 令和 2（2019）年: 令和2年 is 2020, and 2020-02-14 is the printed Friday
        None,
        "市役所４階モニター室",
        ["第２期「熊本市しごと・ひと・まち創生総合戦略」【案】", "熊本市人口ビジョンについて"],
    ),
]

FIRST_PHASE_POLICIES = ["G1-P1", "G1-P2", "G1-P3", "G1-P4", "G2-P1", "G2-P2", "G2-P3", "G3-P1", "G3-P2"]


def test_committee_and_its_rules(reference_data):
    committee = Committee.objects.get(slug=COMMITTEE)
    assert committee.name == "熊本市しごと・ひと・まち創生総合戦略検証委員会"
    assert committee.short_name == "総合戦略検証委員会"
    assert committee.established_on is None and committee.established_fiscal_year == 2016
    assert (committee.rules_enacted_on, committee.rules_amended_on) == (D(2016, 8, 4), D(2018, 5, 29))
    assert (committee.quorum_numerator, committee.quorum_denominator) == (1, 2)
    assert committee.decision_rule == Committee.DecisionRule.MAJORITY_OF_PRESENT
    assert committee.meetings_public_by_default is True
    assert (committee.closing_vote_numerator, committee.closing_vote_denominator) == (2, 3)
    assert committee.max_term_years == 3
    assert committee.secretariat == "政策局総合政策部政策企画課"
    assert "２ 会議は、委員の半数以上が出席しなければ、これを開くことができない。" in committee.rules
    assert "３ 会議の議事は、出席委員の過半数で決し、可否同数のときは、議長の決するところによる。" in committee.rules
    assert "第７条 会議は、公開とする。ただし、熊本市情報公開条例第７条に掲げる情報" in committee.rules
    assert "補欠委員の任期は、前任者の残任期間とする。" in committee.rules  # joined across a PDF line break
    assert committee.has_quorum(8, 4) and not committee.has_quorum(8, 3)


def test_every_member_with_kana_affiliation_and_term_as_printed(reference_data):
    members = Member.objects.filter(committee__slug=COMMITTEE).order_by("order")
    assert members.count() == 9
    for member, (name, kana, affiliation, term) in zip(members, ROSTER, strict=True):
        assert (member.name, member.kana, member.affiliation) == (name, kana, affiliation)
        appointment = member.appointments.get()
        assert (appointment.starts_on, appointment.ends_on) == term, name
        assert appointment.role == ""  # the roster names no 委員長 or 副委員長
        assert member.sector == ""


def test_the_replaced_member_and_the_successor(reference_data):
    successor = Appointment.objects.get(member__name="田邉　元")
    assert successor.replaced_member.name == "荒川　浩二"
    assert (successor.starts_on, successor.ends_on) == (D(2020, 1, 24), D(2021, 3, 31))
    predecessor = Appointment.objects.get(member__name="荒川　浩二")
    assert predecessor.ends_on + datetime.timedelta(days=1) == successor.starts_on
    assert Appointment.objects.exclude(replaced_member=None).count() == 1


def test_eight_members_in_office_at_every_meeting(reference_data):
    # The roster says 8名 while listing 9 people: never more than 8 at a time.
    for meeting in Meeting.objects.filter(committee__slug=COMMITTEE):
        in_office = Member.objects.filter(committee__slug=COMMITTEE).in_office_on(meeting.held_on)
        assert in_office.count() == 8, meeting
    on_the_first_day_of_the_successor = Member.objects.in_office_on(D(2020, 1, 24))
    assert "田邉　元" in {m.name for m in on_the_first_day_of_the_successor}
    assert "荒川　浩二" not in {m.name for m in on_the_first_day_of_the_successor}


def test_meetings_dates_places_and_agenda(reference_data):
    meetings = Meeting.objects.filter(committee__slug=COMMITTEE).for_listing()
    assert [m.number for m in meetings] == [2, 3, 4, 5]  # no 第1回 is mentioned in the seed
    for meeting, (number, held_on, starts_at, place, agenda) in zip(meetings, MEETINGS, strict=True):
        assert (meeting.number, meeting.held_on, meeting.starts_at, meeting.place) == (
            number,
            held_on,
            starts_at,
            place,
        )
        assert meeting.fiscal_year == 2019
        assert meeting.is_public is True
        assert [item.title for item in meeting.agenda_items.all()] == agenda


def test_the_fifth_meeting_keeps_the_printed_slip_and_explains_the_correction(reference_data):
    fifth = Meeting.objects.get(committee__slug=COMMITTEE, number=5)
    assert fifth.held_on == D(2020, 2, 14)
    assert fifth.printed_date == "令和2（2019）年2月14日（金）"
    assert "2020年2月14日" in fifth.note
    fourth = Meeting.objects.get(committee__slug=COMMITTEE, number=4)
    assert "※予定" in fourth.printed_date


def test_public_comment_period(reference_data):
    consultation = PublicComment.objects.get()
    assert (consultation.starts_on, consultation.ends_on) == (D(2020, 1, 6), D(2020, 2, 5))
    assert consultation.committee.slug == COMMITTEE
    assert consultation.plan.slug == "kumamoto-strategy-2"


def test_the_first_phase_review_is_closed_with_one_evaluation_per_policy(reference_data):
    review = Review.objects.with_evaluations().get(committee__slug=COMMITTEE, fiscal_year=2019)
    assert review.is_closed
    assert review.plan.slug == "kumamoto-strategy-1"
    assert (review.meeting.number, review.meeting.held_on) == (2, D(2019, 8, 7))
    assert [e.policy.code for e in review.evaluations.all()] == FIRST_PHASE_POLICIES
    policies = Goal.objects.filter(plan__slug="kumamoto-strategy-1", parent__isnull=False, parent__parent__isnull=True)
    assert {e.policy_id for e in review.evaluations.all()} == set(policies.values_list("pk", flat=True))
    for evaluation in review.evaluations.all():
        assert evaluation.direction_text and evaluation.issues_text, evaluation.policy.code
        assert evaluation.committee_opinion == "" and evaluation.rating == ""
        assert "⚫" not in evaluation.direction_text + evaluation.issues_text


def test_sampled_texts_as_printed(reference_data):
    def evaluation(code):
        return Evaluation.objects.get(review__fiscal_year=2019, policy__code=code)

    # l.2844–2845: one bullet across a PDF line break
    assert evaluation("G2-P2").direction_text == (
        "保育の量及び質を支える保育士の確保と処遇の改善を図るとともに利用者と施設とのマッチングを強化していく。"
    )
    # l.2669–2671
    assert evaluation("G1-P3").issues_text == (
        "ＵＩＪサポートデスクは平成２７年の開設以来、順調に目標を超える就業実績をあげてきた。"
        "しかし、昨年度は相談件数は減少しており、「待ち」の姿勢であり続けることの難しさが課題となっている。"
    )
    # l.2494–2506: four bullets, one per line; the printed slip 「必要がる」 is kept
    direction = evaluation("G1-P1").direction_text.split("\n")
    assert len(direction) == 4
    assert direction[2].endswith("立地企業の増加につなげていく必要がる。")
    assert direction[3] == (
        "新製品の開発支援、産学連携による企業と大学等の研究者とのマッチング等の取組を着実に実施していくとともに、"
        "技術力向上を図る企業に対し、継続したフォローアップを行っていく。"
    )
    # l.2741–2743
    assert (
        "復興需要に加え、外国人宿泊者客数が増加したことなどにより、H30年の観光消費額は７３５億円で、"
        "前年に続き過去最高を記録した。"
    ) in evaluation("G1-P4").issues_text.split("\n")


def test_loading_the_reference_data_again_changes_nothing(reference_data):
    review = Review.objects.get(committee__slug=COMMITTEE, fiscal_year=2019)
    before = list(Evaluation.objects.filter(review=review).order_by("pk").values())
    call_command("load_reference_data", verbosity=0)
    assert list(Evaluation.objects.filter(review=review).order_by("pk").values()) == before
    assert Member.objects.filter(committee__slug=COMMITTEE).count() == 9
