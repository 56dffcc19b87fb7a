"""Each progress rule on the real edge cases of seed 001 (figures written out here, not read from fixtures)."""

import datetime
from decimal import Decimal as D

import pytest

from kpi import progress
from kpi.progress import Series, Value, judge, target_in_force


def yearly(values, **kwargs):
    return {year: Value(D(str(v)) if v is not None else None, **kwargs) for year, v in values.items()}


# 市内総生産額 (十億円), first phase: H27 column baseline 2,325 (measures H24), targets H28–H31, actuals reported
# three years late (the H30 column's 2,496 measures H27).
GDP = Series(
    direction=progress.HIGHER,
    baseline=Value(D("2325"), measured_year=2012),
    baseline_year=2015,
    targets=yearly({2016: 2365, 2017: 2400, 2018: 2465, 2019: 2541}),
    actuals={
        2016: Value(D("2334"), measured_year=2013),
        2017: Value(D("2354"), measured_year=2014),
        2018: Value(D("2496"), measured_year=2015),
    },
)


def test_late_reported_figure_is_judged_against_its_column_and_keeps_its_measured_year():
    result = judge(GDP, 2018)
    assert result.status == progress.ON_TRACK
    assert result.compared_with == D("2465")
    assert result.actual.measured_year == 2015
    assert result.rate_percent == D("79.2")  # (2496 − 2325) / (2541 − 2325)


def test_behind_the_year_target():
    result = judge(GDP, 2017)
    assert (result.status, result.word, result.icon) == (progress.BEHIND, "遅れ", "△")


def test_latest_year_is_the_default():
    assert judge(GDP).fiscal_year == 2018


# 保育所等利用待機児童数: baseline 397, target 0 every year, lower is better; 0, 0, 0 then 6 in H31.
WAITING_CHILDREN = Series(
    direction=progress.LOWER,
    baseline=Value(D("397")),
    baseline_year=2015,
    targets=yearly({2016: 0, 2017: 0, 2018: 0, 2019: 0}),
    actuals=yearly({2016: 0, 2017: 0, 2018: 0, 2019: 6}),
)


def test_zero_target_lower_is_better_met_at_zero():
    result = judge(WAITING_CHILDREN, 2018)
    assert result.status == progress.MET
    assert result.rate == 1


def test_zero_target_lower_is_better_six_children_in_the_final_year_is_missed_at_the_end():
    result = judge(WAITING_CHILDREN, 2019)
    assert (result.status, result.word, result.icon) == (progress.MISSED_AT_END, "未達成（期間終了）", "×")
    assert result.rate_percent == D("98.5")  # (397 − 6) / (397 − 0)
    assert result.rate_meaning == "基準値から最終目標までのうち、実績値が進んだ割合"
    assert result.rate_note == ""


# 出生数: 7,000以上 every year; H30 actual 6,766 is provisional (概算値).
BIRTHS = Series(
    direction=progress.KEEP_ABOVE,
    baseline=Value(D("7039"), measured_year=2014),
    baseline_year=2015,
    targets=yearly({2016: 7000, 2017: 7000, 2018: 7000, 2019: 7000}, comparator=progress.AT_LEAST),
    actuals={2016: Value(D("6797")), 2017: Value(D("6746")), 2018: Value(D("6766"), provisional=True)},
)


def test_at_least_target_is_a_floor_and_provisional_is_said():
    result = judge(BIRTHS, 2018)
    assert result.status == progress.BEHIND
    assert result.is_provisional
    assert result.rate_percent == D("96.7")  # 6766 / 7000


def test_at_least_target_met_when_reached():
    series = Series(**{**BIRTHS.__dict__, "actuals": {2019: Value(D("7000"))}})
    assert judge(series, 2019).status == progress.MET


def test_at_least_comparator_overrides_a_higher_direction():
    # the second phase prints 出生数 as 7,000以上 with a baseline of 6,766
    series = Series(
        direction=progress.HIGHER,
        baseline=Value(D("6766")),
        baseline_year=2018,
        targets={2023: Value(D("7000"), comparator=progress.AT_LEAST)},
        actuals={2020: Value(D("7100"))},
    )
    assert judge(series, 2020).status == progress.MET


# 熊本県内における正社員の有効求人倍率, second phase: baseline 1.14, target 1.00 — below its baseline.
JOB_OFFERS = Series(
    direction=progress.KEEP_ABOVE,
    baseline=Value(D("1.14")),
    baseline_year=2018,
    targets={2023: Value(D("1.00"))},
    actuals={2020: Value(D("1.05")), 2021: Value(D("0.95"))},
)


def test_target_below_baseline_is_a_level_to_keep():
    met = judge(JOB_OFFERS, 2020)
    assert (met.status, met.rate_percent) == (progress.MET, D("105.0"))
    assert judge(JOB_OFFERS, 2021).status == progress.BEHIND


def test_target_below_baseline_with_higher_direction_is_a_declining_floor():
    series = Series(**{**JOB_OFFERS.__dict__, "direction": progress.HIGHER})
    result = judge(series, 2020)
    assert (result.status, result.rate_percent) == (progress.MET, D("105.0"))  # 1.05 / 1.00
    assert result.rate_note == "目標を超過"
    assert result.formula == progress.FORMULAS[progress.DECLINING_FLOOR]
    assert judge(series, 2021).status == progress.BEHIND  # 0.95 < 1.00, final year 2023 not reached


# 企業立地件数（累計）: cumulative counts since H11; baseline 114, targets 124…154, actuals 125, 141, 158.
FIRMS = Series(
    direction=progress.HIGHER,
    baseline=Value(D("114")),
    baseline_year=2015,
    targets=yearly({2016: 124, 2017: 134, 2018: 144, 2019: 154}),
    actuals=yearly({2016: 125, 2017: 141, 2018: 158}),
)


def test_cumulative_count_reaching_the_final_target_early_is_met():
    result = judge(FIRMS, 2018)
    assert result.status == progress.MET
    assert result.rate_percent == D("110.0")  # (158 − 114) / (154 − 114)
    assert judge(FIRMS, 2016).status == progress.ON_TRACK


# 「仕事と子育ての両立ができている」と感じる市民の割合: no survey in H28 because of the earthquake.
WORK_LIFE = Series(
    direction=progress.HIGHER,
    baseline=Value(D("18.9")),
    baseline_year=2015,
    targets=yearly({2016: 21.3, 2017: 23.8, 2018: 26.3, 2019: 28.8}),
    actuals={2016: Value(None, missing_reason="地震によりアンケート未実施"), 2017: Value(D("25.5"))},
)


def test_missing_value_is_not_measured_with_its_reason():
    result = judge(WORK_LIFE, 2016)
    assert (result.status, result.word) == (progress.NOT_MEASURED, "未測定")
    assert result.reason == "地震によりアンケート未実施"
    assert judge(WORK_LIFE, 2017).status == progress.ON_TRACK


def test_no_actual_for_the_year_is_not_measured():
    assert judge(WORK_LIFE, 2019).status == progress.NOT_MEASURED


def test_no_baseline_is_unjudgeable():
    series = Series(direction=progress.HIGHER, targets={2023: Value(D("10"))}, actuals={2020: Value(D("5"))})
    result = judge(series, 2020)
    assert result.status == progress.UNJUDGEABLE
    assert result.reason == "基準値がありません"


def test_baseline_equal_to_target_is_unjudgeable():
    series = Series(
        direction=progress.HIGHER,
        baseline=Value(D("60.7")),
        baseline_year=2015,
        targets={2019: Value(D("60.7"))},
        actuals={2016: Value(D("60.5"))},
    )
    assert judge(series, 2016).status == progress.UNJUDGEABLE


def test_without_a_yearly_target_the_straight_line_is_used():
    # second phase: only H30 baseline and R5 final target; FY2021 is 3/5 of the way.
    series = Series(
        direction=progress.HIGHER,
        baseline=Value(D("51")),
        baseline_year=2018,
        targets={2023: Value(D("90"))},
        actuals={2021: Value(D("75")), 2022: Value(D("70"))},
    )
    on_track = judge(series, 2021)  # line at 2021: 51 + 39 × 3/5 = 74.4
    assert (on_track.status, on_track.compared_with_kind, on_track.compared_with) == (
        progress.ON_TRACK,
        "line",
        D("74.4"),
    )
    assert judge(series, 2022).status == progress.BEHIND  # line at 2022: 82.2


def test_keep_below_direction():
    series = Series(direction=progress.KEEP_BELOW, targets={2023: Value(D("5"))}, actuals={2020: Value(D("4"))})
    result = judge(series, 2020)
    assert result.status == progress.MET
    assert result.rate_percent == D("125.0")
    zero = Series(direction=progress.KEEP_BELOW, targets={2023: Value(D("0"))}, actuals={2020: Value(D("0"))})
    assert judge(zero, 2020).status == progress.MET


@pytest.mark.parametrize(("year", "grade"), [(2016, "C"), (2017, "C"), (2018, "B")])  # 4.2%, 13.4%, 79.2%
def test_grade_band_scheme(year, grade):
    result = judge(GDP, year, scheme=progress.SCHEME_GRADE_BAND)
    assert (result.grade, result.label) == (grade, grade)


def test_grade_band_s_when_met_and_dash_when_not_measured():
    assert judge(FIRMS, 2018, scheme=progress.SCHEME_GRADE_BAND).grade == "S"
    assert judge(WORK_LIFE, 2016, scheme=progress.SCHEME_GRADE_BAND).grade == "−"


def test_period_share_scheme():
    # GDP 2018: rate 79.2% against 3/4 of the period elapsed → B; 2017: 13.4% against 1/2 → F
    assert judge(GDP, 2018, scheme=progress.SCHEME_PERIOD_SHARE).grade == "B"
    assert judge(GDP, 2017, scheme=progress.SCHEME_PERIOD_SHARE).grade == "F"
    assert judge(FIRMS, 2018, scheme=progress.SCHEME_PERIOD_SHARE).grade == "A"
    assert judge(WORK_LIFE, 2016, scheme=progress.SCHEME_PERIOD_SHARE).grade == "N"


def test_formula_is_part_of_the_result():
    assert judge(WAITING_CHILDREN, 2019).formula == progress.FORMULAS[progress.LOWER]


def test_target_in_force_follows_revisions_decided_by_the_end_of_the_year():
    revisions = [(D("10"), D("12"), datetime.date(2021, 6, 1)), (D("12"), D("15"), datetime.date(2023, 3, 31))]
    assert target_in_force(D("15"), revisions, 2020) == D("10")  # FY2020 ended 2021-03-31, before any revision
    assert target_in_force(D("15"), revisions, 2021) == D("12")
    assert target_in_force(D("15"), revisions, 2022) == D("15")  # decided on the last day of FY2022
    assert target_in_force(D("15"), [], 2020) == D("15")


def test_a_series_without_any_actual_is_not_measured_under_every_scheme():
    series = Series(
        direction=progress.HIGHER, baseline=Value(D("51")), baseline_year=2018, targets={2023: Value(D("90"))}
    )
    for scheme in (progress.SCHEME_ACHIEVEMENT, progress.SCHEME_GRADE_BAND, progress.SCHEME_PERIOD_SHARE):
        result = judge(series, scheme=scheme)
        assert (result.status, result.fiscal_year) == (progress.NOT_MEASURED, None)


# --- Issue 13: the rules as seed 001 reads (figures copied from the seed, expected results computed by hand) ---

# 公共交通機関の年間利用者数 (千人), seed 001 l.3004–3032: H27 column 55,436（H26）; targets H28–H31 55,403（H27）,
# 55,369（H28）, 55,336（H29）, 55,302（H30）: a floor that declines below the baseline under "higher is better";
# actuals 54,761（H27）, 52,015（H28）, 53,721（H29）.
TRANSIT = Series(
    direction=progress.HIGHER,
    baseline=Value(D("55436"), measured_year=2014),
    baseline_year=2015,
    targets=yearly({2016: 55403, 2017: 55369, 2018: 55336, 2019: 55302}),
    actuals={
        2016: Value(D("54761"), measured_year=2015),
        2017: Value(D("52015"), measured_year=2016),
        2018: Value(D("53721"), measured_year=2017),
    },
)


@pytest.mark.parametrize(
    ("year", "target", "percent"),
    [
        (2016, D("55403"), D("98.8")),  # 54,761 ÷ 55,403 = 0.98840…
        (2017, D("55369"), D("93.9")),  # 52,015 ÷ 55,369 = 0.93942…
        (2018, D("55336"), D("97.1")),  # 53,721 ÷ 55,336 = 0.97081…
    ],
)
def test_declining_floor_is_judged_against_each_years_target(year, target, percent):
    result = judge(TRANSIT, year)
    assert (result.status, result.word) == (progress.BEHIND, "遅れ")
    assert (result.compared_with, result.compared_with_kind) == (target, "year_target")
    assert result.rate_percent == percent
    assert result.rate_meaning == "その年度の目標値に対する実績値の割合"


def test_declining_floor_met_in_a_year_and_missed_in_the_final_year():
    met = Series(**{**TRANSIT.__dict__, "actuals": {2018: Value(D("55336"))}})
    assert (judge(met, 2018).status, judge(met, 2018).rate_percent) == (progress.MET, D("100.0"))
    missed = Series(**{**TRANSIT.__dict__, "actuals": {2019: Value(D("55301"))}})
    assert judge(missed, 2019).status == progress.MISSED_AT_END


def test_a_miss_before_the_final_year_is_still_behind():
    # 保育所等利用待機児童数 (seed 001 l.2875–2880) with 6 children in H30 instead of H31
    series = Series(**{**WAITING_CHILDREN.__dict__, "actuals": yearly({2018: 6})})
    assert judge(series, 2018).status == progress.BEHIND


def test_documented_outlook_of_a_miss_overrides_on_track():
    # 市内総生産額: 2,496（H27）reaches the H30 target 2,465 (seed 001 l.2391–2409), but the second strategy's
    # 【第１期戦略の検証】 says the final target 「達成に至らない見込みです」 (seed 001 l.280–284).
    source = "第2期熊本市しごと・ひと・まち創生総合戦略【第１期戦略の検証】"
    series = Series(**{**GDP.__dict__, "final_outlook": progress.OUTLOOK_MISS, "final_outlook_source": source})
    result = judge(series, 2018)
    assert (result.status, result.word, result.icon) == (progress.EXPECTED_MISS, "達成に至らない見込み", "▽")
    assert result.reason == source
    assert result.rate_percent == D("79.2")  # (2,496 − 2,325) ÷ (2,541 − 2,325) = 171 ÷ 216
    assert judge(series, 2017).status == progress.BEHIND  # 2,354 < 2,400: behind stays behind


def test_rate_below_zero_is_worse_than_the_baseline():
    # 観光客入込数 (千人), seed 001 l.2759–2768: 5,566（H26）→ 5,875; H30 actual 4,954
    series = Series(
        direction=progress.HIGHER,
        baseline=Value(D("5566"), measured_year=2014),
        baseline_year=2015,
        targets=yearly({2016: 5643, 2017: 5721, 2018: 5798, 2019: 5875}),
        actuals=yearly({2018: 4954}),
    )
    result = judge(series, 2018)
    assert result.rate_percent == D("-198.1")  # (4,954 − 5,566) ÷ (5,875 − 5,566) = −612 ÷ 309
    assert result.rate_note == "基準値より悪化"


def test_births_with_the_same_floor_are_judged_alike_in_both_plans():
    # 出生数 7,000以上 in both plans (seed 001 l.843 and l.2434); H30 6,766: 6,766 ÷ 7,000 = 96.66 %
    first = judge(BIRTHS, 2018)
    second = judge(
        Series(
            direction=progress.HIGHER,
            baseline=Value(D("6766")),
            baseline_year=2018,
            targets={2023: Value(D("7000"), comparator=progress.AT_LEAST)},
            actuals={2020: Value(D("6766"))},
        ),
        2020,
    )
    assert (first.status, first.rate_percent, first.formula) == (progress.BEHIND, D("96.7"), second.formula)
    assert (second.status, second.rate_percent) == (progress.BEHIND, D("96.7"))
