"""How far an indicator has come: the achievement rate and a status word, judged for one fiscal year.

The rules, as a verification committee member would read them (B = baseline, T = target, A = actual,
all taken from the same report column — a figure reported in a column is judged against that column's
target, even when it measures an earlier year, e.g. 市内総生産額 reported three years late):

Achievement rate (達成率), always against the final target of the plan:
- higher is better:        (A − B) / (T − B)
- lower is better:         (B − A) / (B − T)
- keep at or above T:      A / T
- keep at or below T:      T / A   (a zero actual under a target of zero or more is met; no rate)
  A target printed with 以上 or 以下 is a floor or a ceiling whatever the direction says.

Targets get revised: each year is judged against the targets in force when that fiscal year ended
(a revision decided later does not change an earlier year's judgement).

Status (default scheme, 達成率と進捗):
- 未測定 (not measured):  no actual for that year, or the actual is missing (the reason is kept).
- 判定不能 (unjudgeable): no final target; for higher/lower, no baseline, or a baseline equal to the final
  target, or a target on the wrong side of the baseline for the direction.
- 達成 (met):             the actual reaches the final target (for keep-directions: that year's target).
- 順調 (on track):        the actual reaches that year's target; where the year has none, the point on the
  straight line from the baseline to the final target for that year.
- 遅れ (behind):          otherwise.
A provisional actual (概算値) is judged like any other, and the result says it is provisional.

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
BEHIND = "behind"
NOT_MEASURED = "not_measured"
UNJUDGEABLE = "unjudgeable"

STATUS_WORDS = {
    MET: gettext_noop("達成"),
    ON_TRACK: gettext_noop("順調"),
    BEHIND: gettext_noop("遅れ"),
    NOT_MEASURED: gettext_noop("未測定"),
    UNJUDGEABLE: gettext_noop("判定不能"),
}
# Shapes as well as colours, so the status reads without colour vision.
STATUS_ICONS = {MET: "◎", ON_TRACK: "○", BEHIND: "△", NOT_MEASURED: "－", UNJUDGEABLE: "？"}

SCHEME_ACHIEVEMENT = "achievement"
SCHEME_GRADE_BAND = "grade_band"
SCHEME_PERIOD_SHARE = "period_share"

FORMULAS = {
    HIGHER: gettext_noop("達成率 =（実績値 − 基準値）÷（目標値 − 基準値）"),
    LOWER: gettext_noop("達成率 =（基準値 − 実績値）÷（基準値 − 目標値）"),
    KEEP_ABOVE: gettext_noop("達成率 = 実績値 ÷ 目標値（目標値以上を維持）"),
    KEEP_BELOW: gettext_noop("達成率 = 目標値 ÷ 実績値（目標値以下を維持）"),
}
SCHEME_RULES = {
    SCHEME_ACHIEVEMENT: gettext_noop(
        "最終目標に届けば「達成」、"
        "その年度の目標値（ない年度は基準値から最終目標への直線）に届けば「順調」、届かなければ「遅れ」。"
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


def _meets(actual, target, direction, comparator):
    if comparator == AT_LEAST or (not comparator and direction in (HIGHER, KEEP_ABOVE)):
        return actual >= target
    return actual <= target


def _effective_direction(series):
    final = series.final_target
    if final is not None and final.comparator == AT_LEAST and series.direction == LOWER:
        return KEEP_ABOVE
    if final is not None and final.comparator == AT_MOST and series.direction == HIGHER:
        return KEEP_BELOW
    return series.direction


def achievement_rate(actual, baseline, target, direction):
    """The achievement rate as a fraction (1 = 100%), or None when it cannot be computed."""
    if direction == KEEP_ABOVE:
        return None if target == 0 else actual / target
    if direction == KEEP_BELOW:
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
    if direction in (KEEP_ABOVE, KEEP_BELOW):
        return ""
    if series.baseline is None or series.baseline.value is None:
        return gettext_noop("基準値がありません")
    if series.baseline.value == final.value:
        return gettext_noop("基準値と目標値が同じです")
    if direction == HIGHER and final.value < series.baseline.value:
        return gettext_noop("目標値が基準値を下回っており、高いほどよい指標として判定できません")
    if direction == LOWER and final.value > series.baseline.value:
        return gettext_noop("目標値が基準値を上回っており、低いほどよい指標として判定できません")
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

    def result(status, **kwargs):
        rate = kwargs.get("rate")
        elapsed = None
        if (
            fiscal_year is not None
            and series.baseline_year is not None
            and series.final_year
            and series.final_year != series.baseline_year
        ):
            elapsed = Decimal(fiscal_year - series.baseline_year) / Decimal(series.final_year - series.baseline_year)
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
    rate = achievement_rate(actual.value, baseline, final.value, direction)
    year_target = series.targets.get(fiscal_year)

    if direction in (KEEP_ABOVE, KEEP_BELOW):
        # A level to keep: each year is judged against the target in force for it.
        target = year_target if year_target is not None and year_target.value is not None else final
        rate = achievement_rate(actual.value, baseline, target.value, direction)
        met = _meets(actual.value, target.value, direction, target.comparator)
        kind = "year_target" if target is year_target else "final"
        return result(
            MET if met else BEHIND,
            rate=rate,
            compared_with=target.value,
            compared_with_kind=kind,
            compared_comparator=target.comparator,
        )

    if _meets(actual.value, final.value, direction, final.comparator):
        return result(
            MET, rate=rate, compared_with=final.value, compared_with_kind="final", compared_comparator=final.comparator
        )
    if year_target is not None and year_target.value is not None:
        point, kind, comparator = year_target.value, "year_target", year_target.comparator
    else:
        point, kind, comparator = _line_point(series, fiscal_year), "line", ""
    if point is None:
        return result(
            UNJUDGEABLE, rate=rate, reason=gettext_noop("その年度の目標値も、基準値から目標値への直線もありません")
        )
    on_track = _meets(actual.value, point, direction, "")
    return result(
        ON_TRACK if on_track else BEHIND,
        rate=rate,
        compared_with=point,
        compared_with_kind=kind,
        compared_comparator=comparator,
    )
