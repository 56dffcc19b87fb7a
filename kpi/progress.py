"""How far an indicator has come: the achievement rate and a status word, judged for one fiscal year.

The rules, as a verification committee member would read them (B = baseline, T = target, A = actual,
all taken from the same report column — a figure reported in a column is judged against that column's
target, even when it measures an earlier year, e.g. 市内総生産額 reported three years late):

Achievement rate (達成率), against the final target of the plan:
- higher is better:        (A − B) / (T − B)
- lower is better:         (B − A) / (B − T)
- keep at or above T:      A / T   (T: that year's target, or the final one)
- keep at or below T:      T / A   (a zero actual under a target of zero or more is met; no rate)
  A target printed with 以上 or 以下 is a floor or a ceiling whatever the direction says.
- a declining floor (higher is better, final target below the baseline, e.g. 公共交通機関の年間利用者数
  55,436 → 55,302) is judged like a level to keep: against each year's target, rate A / that year's target.
  A rising ceiling (lower is better, final target above the baseline) likewise, rate T / A.
A rate below 0 % means the actual is worse than the baseline (基準値より悪化); above 100 %, that it is past the
target (目標を超過). Pages say so in words (`Judgement.rate_note`).

Targets get revised: each year is judged against the targets in force when that fiscal year ended
(a revision decided later does not change an earlier year's judgement).

Status (default scheme, 達成率と進捗):
- 未測定 (not measured):  no actual for that year, or the actual is missing (the reason is kept).
- 判定不能 (unjudgeable): no final target; for higher/lower, no baseline, or a baseline equal to the final
  target.
- 達成 (met):             the actual reaches the final target (for keep-directions and declining floors: that
  year's target).
- 順調 (on track):        the actual reaches that year's target; where the year has none, the point on the
  straight line from the baseline to the final target for that year.
- 達成に至らない見込み:   it would be 順調 (or 達成 of a year's target before the final year), but the plan's own
  review says the final target will not be reached (`Series.final_outlook`, the source cited in the reason;
  e.g. 市内総生産額, seed 001 l.280–285).
- 遅れ (behind):          otherwise, before the final year.
- 未達成（期間終了）:     otherwise, in the final target's year (or later): the period is over, the target missed.
A provisional actual (概算値) is judged like any other, and the result says it is provisional.

These are the portal's mechanical judgements, never the committee's: every page shows them with
`PORTAL_JUDGEMENT_LABEL`. `RULES_VERSION` changes whenever a rule here changes, and each frozen annual edition
records the version that judged it, so a rule change is not read as a change in the data.

Other schemes a plan may choose:
- grade_band (S/A/B/C/−): S 達成率 ≥ 100%, A ≥ 80%, B ≥ 50%, C < 50%, − when unjudgeable or not measured.
  Keep-directions: S when met, otherwise by the same bands of A/T (or T/A).
- period_share (A/B/F/N): the share of the period elapsed is (year − baseline year) / (final year − baseline
  year). A when the final target is met; B when the achievement rate is at least the elapsed share; F when
  it is below; N when unjudgeable or not measured.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_noop  # marks words for translation; they stay plain text

HIGHER = "higher"
LOWER = "lower"
KEEP_ABOVE = "keep_above"
KEEP_BELOW = "keep_below"

AT_LEAST = "gte"
AT_MOST = "lte"

MET = "met"
ON_TRACK = "on_track"
EXPECTED_MISS = "expected_miss"
BEHIND = "behind"
MISSED_AT_END = "missed_at_end"
NOT_MEASURED = "not_measured"
UNJUDGEABLE = "unjudgeable"

# The version of the rules in this module; an annual edition records the version that judged it.
# 1: until 2026-12; 2: declining floors, 未達成（期間終了）, 以上/以下 always a floor/ceiling, documented outlooks.
RULES_VERSION = "2"

# Shown with every mark the portal computes, wherever it appears.
PORTAL_JUDGEMENT_LABEL = gettext_noop("ポータルによる機械的な判定（委員会の評価ではありません）")

STATUS_WORDS = {
    MET: gettext_noop("達成"),
    ON_TRACK: gettext_noop("順調"),
    EXPECTED_MISS: gettext_noop("達成に至らない見込み"),
    BEHIND: gettext_noop("遅れ"),
    MISSED_AT_END: gettext_noop("未達成（期間終了）"),
    NOT_MEASURED: gettext_noop("未測定"),
    UNJUDGEABLE: gettext_noop("判定不能"),
}
# Shapes as well as colours, so the status reads without colour vision.
STATUS_ICONS = {
    MET: "◎",
    ON_TRACK: "○",
    EXPECTED_MISS: "▽",
    BEHIND: "△",
    MISSED_AT_END: "×",
    NOT_MEASURED: "－",
    UNJUDGEABLE: "？",
}

# What the plan's own review says of the final target (Series.final_outlook).
OUTLOOK_MISS = "miss"

DECLINING_FLOOR = "declining_floor"
RISING_CEILING = "rising_ceiling"

SCHEME_ACHIEVEMENT = "achievement"
SCHEME_GRADE_BAND = "grade_band"
SCHEME_PERIOD_SHARE = "period_share"

FORMULAS = {
    HIGHER: gettext_noop("達成率 =（実績値 − 基準値）÷（目標値 − 基準値）"),
    LOWER: gettext_noop("達成率 =（基準値 − 実績値）÷（基準値 − 目標値）"),
    KEEP_ABOVE: gettext_noop("達成率 = 実績値 ÷ 目標値（目標値以上を維持）"),
    KEEP_BELOW: gettext_noop("達成率 = 目標値 ÷ 実績値（目標値以下を維持）"),
    DECLINING_FLOOR: gettext_noop(
        "達成率 = 実績値 ÷ その年度の目標値（目標値が基準値より低い「高いほどよい」指標: 毎年度の目標値を下回らないか）"
    ),
    RISING_CEILING: gettext_noop(
        "達成率 = その年度の目標値 ÷ 実績値（目標値が基準値より高い「低いほどよい」指標: 毎年度の目標値を上回らないか）"
    ),
}
SCHEME_RULES = {
    SCHEME_ACHIEVEMENT: gettext_noop(
        "最終目標に届けば「達成」、"
        "その年度の目標値（ない年度は基準値から最終目標への直線）に届けば「順調」、届かなければ「遅れ」、"
        "最終目標の年度（計画の最終年度）に届かなければ「未達成（期間終了）」。"
        "「順調」でも、計画自身の検証資料が最終目標を「達成に至らない見込み」としている指標は、"
        "その旨を出典とともに示して「達成に至らない見込み」とします。"
        "実績がなければ「未測定」、基準値がない・基準値と目標値が同じなどの場合は「判定不能」。"
    ),
    SCHEME_GRADE_BAND: gettext_noop("S: 達成率100%以上、A: 80%以上、B: 50%以上、C: 50%未満、−: 判定不能・未測定。"),
    SCHEME_PERIOD_SHARE: gettext_noop(
        "A: 最終目標を達成、B: 達成率が期間経過割合以上、F: 期間経過割合未満、N: 判定不能・未測定。"
        "期間経過割合 =（評価年度 − 基準年度）÷（目標年度 − 基準年度）。"
    ),
}

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Value:
    """One series value as the judgement needs it."""

    value: Decimal | None
    comparator: str = ""
    provisional: bool = False
    missing_reason: str = ""
    measured_year: int | None = None
    printed: str = ""  # the cell as the source prints it, for display only
    # For targets: (previous_value, revised_value, revised_on) of each revision.
    revisions: tuple = ()


@dataclass(frozen=True)
class Series:
    """An indicator's baseline, targets (with their revisions) and actuals by fiscal year."""

    direction: str
    baseline: Value | None = None
    baseline_year: int | None = None
    targets: dict[int, Value] = field(default_factory=dict)
    actuals: dict[int, Value] = field(default_factory=dict)
    # OUTLOOK_MISS when the plan's own review says the final target will not be reached; the source in words.
    final_outlook: str = ""
    final_outlook_source: str = ""

    @property
    def final_year(self):
        years = [year for year, target in self.targets.items() if target.value is not None]
        return max(years) if years else None

    @property
    def final_target(self):
        return self.targets[self.final_year] if self.final_year is not None else None

    def latest_actual_year(self):
        years = list(self.actuals)
        return max(years) if years else None


@dataclass(frozen=True)
class Judgement:
    """The result for one indicator and year: a status word, the rate, and what it was compared with."""

    status: str
    fiscal_year: int | None
    rate: Decimal | None = None
    actual: Value | None = None
    compared_with: Decimal | None = None
    compared_with_kind: str = ""  # "final", "year_target" or "line"
    rate_basis: str = ""  # "progress": (A − B) / (T − B) towards the final target; "target": A / T or T / A
    compared_comparator: str = ""  # 以上/以下 of the target compared with
    reason: str = ""
    grade: str = ""
    scheme: str = SCHEME_ACHIEVEMENT
    formula: str = ""

    @property
    def word(self):
        return STATUS_WORDS[self.status]

    @property
    def icon(self):
        return STATUS_ICONS[self.status]

    @property
    def is_provisional(self):
        return bool(self.actual and self.actual.provisional)

    @property
    def label(self):
        """What a page shows: the grade of the plan's scheme, or the status word."""
        return self.grade or self.word

    @property
    def rate_percent(self):
        return None if self.rate is None else (self.rate * HUNDRED).quantize(Decimal("0.1"))

    @property
    def rate_meaning(self):
        """What the rate measures, in words."""
        if self.rate is None:
            return ""
        if self.rate_basis == "target":
            if self.compared_with_kind == "year_target":
                return gettext_noop("その年度の目標値に対する実績値の割合")
            return gettext_noop("目標値に対する実績値の割合")
        return gettext_noop("基準値から最終目標までのうち、実績値が進んだ割合")

    @property
    def rate_note(self):
        """A rate outside 0–100 % in words: worse than the baseline, or past the target."""
        if self.rate is None:
            return ""
        if self.rate < 0:
            return gettext_noop("基準値より悪化")
        if self.rate > 1:
            return gettext_noop("目標を超過")
        return ""


def target_in_force(current_value, revisions, fiscal_year):
    """The target value that was in force when `fiscal_year` ended.

    `revisions` are (previous_value, revised_value, revised_on) tuples; a revision decided after the end
    of the fiscal year (31 March of the next year) does not change how that year is judged.
    """
    if not revisions:
        return current_value
    ordered = sorted(revisions, key=lambda revision: revision[2])
    year_end = date(fiscal_year + 1, 3, 31)
    in_force = ordered[0][0]
    for _previous, revised, revised_on in ordered:
        if revised_on <= year_end:
            in_force = revised
    return in_force


# Directions judged against each year's target as a level: met or not, rate A / T (or T / A).
LEVELS = (KEEP_ABOVE, KEEP_BELOW, DECLINING_FLOOR, RISING_CEILING)


def _meets(actual, target, direction, comparator):
    if comparator == AT_LEAST or (not comparator and direction in (HIGHER, KEEP_ABOVE, DECLINING_FLOOR)):
        return actual >= target
    return actual <= target


def _effective_direction(series):
    """The rule the series is judged by: 以上/以下 make a floor/ceiling, and a target on the far side of the
    baseline a declining floor (higher is better) or a rising ceiling (lower is better)."""
    final = series.final_target
    if final is not None and final.comparator == AT_LEAST:
        return KEEP_ABOVE
    if final is not None and final.comparator == AT_MOST:
        return KEEP_BELOW
    baseline = series.baseline.value if series.baseline is not None else None
    if final is not None and final.value is not None and baseline is not None:
        if series.direction == HIGHER and final.value < baseline:
            return DECLINING_FLOOR
        if series.direction == LOWER and final.value > baseline:
            return RISING_CEILING
    return series.direction


def achievement_rate(actual, baseline, target, direction):
    """The achievement rate as a fraction (1 = 100%), or None when it cannot be computed."""
    if direction in (KEEP_ABOVE, DECLINING_FLOOR):
        return None if target == 0 else actual / target
    if direction in (KEEP_BELOW, RISING_CEILING):
        return None if actual == 0 else target / actual
    if baseline is None or target == baseline:
        return None
    if direction == HIGHER:
        return (actual - baseline) / (target - baseline)
    return (baseline - actual) / (baseline - target)


def _line_point(series, fiscal_year):
    """The straight line from the baseline to the final target, read at `fiscal_year`."""
    final_year = series.final_year
    if series.baseline is None or series.baseline_year is None or final_year == series.baseline_year:
        return None
    start, end = series.baseline.value, series.final_target.value
    share = Decimal(fiscal_year - series.baseline_year) / Decimal(final_year - series.baseline_year)
    return start + (end - start) * share


def _unjudgeable_reason(series, direction):
    final = series.final_target
    if final is None:
        return gettext_noop("目標値がありません")
    if direction in LEVELS:
        return ""
    if series.baseline is None or series.baseline.value is None:
        return gettext_noop("基準値がありません")
    if series.baseline.value == final.value:
        return gettext_noop("基準値と目標値が同じです")
    return ""


def _grade(status, rate, elapsed_share, scheme):
    if scheme == SCHEME_GRADE_BAND:
        if status in (NOT_MEASURED, UNJUDGEABLE) or rate is None and status != MET:
            return "−"
        if status == MET or rate >= 1:
            return "S"
        if rate >= Decimal("0.8"):
            return "A"
        if rate >= Decimal("0.5"):
            return "B"
        return "C"
    if scheme == SCHEME_PERIOD_SHARE:
        if status in (NOT_MEASURED, UNJUDGEABLE):
            return "N"
        if status == MET:
            return "A"
        if rate is None or elapsed_share is None:
            return "N"
        return "B" if rate >= elapsed_share else "F"
    return ""


def judge(series: Series, fiscal_year: int | None = None, scheme: str = SCHEME_ACHIEVEMENT) -> Judgement:
    """Judge the indicator for `fiscal_year` (default: the latest year with an actual) under `scheme`."""
    if fiscal_year is None:
        fiscal_year = series.latest_actual_year()
    if fiscal_year is not None and any(t.revisions for t in series.targets.values()):
        # Judge each year against the targets as they stood when that year ended.
        series = replace(
            series,
            targets={
                year: replace(t, value=target_in_force(t.value, t.revisions, fiscal_year))
                for year, t in series.targets.items()
            },
        )
    direction = _effective_direction(series)
    formula = FORMULAS[direction]
    actual = series.actuals.get(fiscal_year) if fiscal_year is not None else None
    final_year = series.final_year
    period_over = fiscal_year is not None and final_year is not None and fiscal_year >= final_year

    def result(status, **kwargs):
        if status == BEHIND and period_over:
            status = MISSED_AT_END
        if (
            status in (ON_TRACK, MET)
            and series.final_outlook == OUTLOOK_MISS
            and not period_over
            and kwargs.get("compared_with_kind") != "final"
        ):
            # The plan's own review expects the final target to be missed: this year's figure does not say
            # otherwise, so the portal does not call it 順調.
            status = EXPECTED_MISS
            kwargs["reason"] = series.final_outlook_source
        rate = kwargs.get("rate")
        elapsed = None
        if (
            fiscal_year is not None
            and series.baseline_year is not None
            and final_year
            and final_year != series.baseline_year
        ):
            elapsed = Decimal(fiscal_year - series.baseline_year) / Decimal(final_year - series.baseline_year)
        return Judgement(
            status=status,
            fiscal_year=fiscal_year,
            actual=actual,
            scheme=scheme,
            formula=formula,
            grade=_grade(status, rate, elapsed, scheme),
            **kwargs,
        )

    if actual is None or actual.value is None:
        return result(NOT_MEASURED, reason=actual.missing_reason if actual else "")
    reason = _unjudgeable_reason(series, direction)
    if reason:
        return result(UNJUDGEABLE, reason=reason)

    final = series.final_target
    baseline = series.baseline.value if series.baseline and series.baseline.value is not None else None
    year_target = series.targets.get(fiscal_year)

    if direction in LEVELS:
        # A level to keep, or a floor (ceiling) that moves each year: each year is judged against the target in
        # force for it, met or not.
        target = year_target if year_target is not None and year_target.value is not None else final
        rate = achievement_rate(actual.value, baseline, target.value, direction)
        met = _meets(actual.value, target.value, direction, target.comparator)
        kind = "year_target" if target is year_target else "final"
        return result(
            MET if met else BEHIND,
            rate=rate,
            rate_basis="target",
            compared_with=target.value,
            compared_with_kind=kind,
            compared_comparator=target.comparator,
        )

    rate = achievement_rate(actual.value, baseline, final.value, direction)
    if _meets(actual.value, final.value, direction, final.comparator):
        return result(
            MET,
            rate=rate,
            rate_basis="progress",
            compared_with=final.value,
            compared_with_kind="final",
            compared_comparator=final.comparator,
        )
    if year_target is not None and year_target.value is not None:
        point, kind, comparator = year_target.value, "year_target", year_target.comparator
    else:
        point, kind, comparator = _line_point(series, fiscal_year), "line", ""
    if point is None:
        return result(
            UNJUDGEABLE,
            rate=rate,
            rate_basis="progress",
            reason=gettext_noop("その年度の目標値も、基準値から目標値への直線もありません"),
        )
    on_track = _meets(actual.value, point, direction, "")
    return result(
        ON_TRACK if on_track else BEHIND,
        rate=rate,
        rate_basis="progress",
        compared_with=point,
        compared_with_kind=kind,
        compared_comparator=comparator,
    )
