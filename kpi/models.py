from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vision.models import Department, Goal, MetroArea, Plan
from vision.translation import TranslatedName, translated

FISCAL_YEAR_VALIDATORS = [MinValueValidator(1900), MaxValueValidator(2100)]


class IndicatorQuerySet(models.QuerySet):
    def with_series(self, *, published_only=True, drafts_for=None):
        """Indicators with their plan and their series values (and revisions) prefetched.

        Public pages see published values only; staff screens pass published_only=False, and screens shown to a
        signed-in user pass `drafts_for=user`: published values, plus the drafts that user may read
        (vision.roles.draft_indicators).
        """
        return self.select_related("plan").prefetch_related(
            Indicator.series_prefetch(published_only=published_only, drafts_for=drafts_for)
        )

    def with_original_placement(self):
        """Indicators with the placement that is not a 再掲 (and its goal) in `original_placements`."""
        return self.prefetch_related(
            models.Prefetch(
                "placements",
                queryset=IndicatorPlacement.objects.filter(is_restated=False).select_related("goal"),
                to_attr="original_placements",
            )
        )


class IndicatorManager(models.Manager.from_queryset(IndicatorQuerySet)):
    def get_by_natural_key(self, area_slug, code):
        return self.get(area__slug=area_slug, code=code)


class Indicator(TranslatedName, models.Model):
    """A measured indicator (数値目標, KPI or 成果指標) of one plan, stored once however often it is shown."""

    class Direction(models.TextChoices):
        HIGHER_IS_BETTER = "higher", _("高いほどよい")
        LOWER_IS_BETTER = "lower", _("低いほどよい")
        KEEP_AT_OR_ABOVE = "keep_above", _("目標値以上を維持")
        KEEP_AT_OR_BELOW = "keep_below", _("目標値以下を維持")

    class Period(models.TextChoices):
        FISCAL_YEAR = "fiscal_year", _("年度（4月〜翌3月）")
        CALENDAR_YEAR = "calendar_year", _("年（1月〜12月）")

    class Outlook(models.TextChoices):
        NONE = "", _("（記載なし）")
        MISS = "miss", _("達成に至らない見込み")

    class BaselineRow(models.TextChoices):
        ACTUAL = "actual", _("実績値の行")
        TARGET = "target", _("目標値の行")

    code = models.CharField(
        _("指標コード"),
        max_length=40,
        help_text=_("取込み・書出しで使う、圏域内で一意の識別子（例: S2-G1-N1）。"),
    )
    plan = models.ForeignKey(Plan, verbose_name=_("計画"), on_delete=models.PROTECT, related_name="indicators")
    # The plan's area, copied on the row so that the database holds the code unique per area (save() keeps it).
    area = models.ForeignKey(
        MetroArea,
        verbose_name=_("連携中枢都市圏"),
        on_delete=models.PROTECT,
        related_name="indicators",
        editable=False,
        help_text=_("計画の圏域（計画から自動で設定されます）。"),
    )
    name = models.CharField(_("指標名"), max_length=300)
    name_en = models.CharField(_("英語名（非公式訳）"), max_length=500, blank=True)
    unit = models.CharField(_("単位"), max_length=30)
    unit_en = models.CharField(
        _("単位の英語表記（非公式訳）"), max_length=60, blank=True, help_text=_("例: people, children, billion yen")
    )
    decimals = models.PositiveSmallIntegerField(
        _("表示する小数点以下の桁数"), default=0, validators=[MaxValueValidator(4)]
    )
    direction = models.CharField(
        _("よい方向"), max_length=20, choices=Direction.choices, default=Direction.HIGHER_IS_BETTER
    )
    period = models.CharField(
        _("値が示す期間"),
        max_length=20,
        choices=Period.choices,
        default=Period.FISCAL_YEAR,
        help_text=_("出典が「年」（暦年）の値として示すか「年度」の値として示すか（例: 出生数は平成30年の値）。"),
    )
    final_outlook = models.CharField(
        _("計画の検証資料による最終目標の見通し"),
        max_length=10,
        choices=Outlook.choices,
        default=Outlook.NONE,
        blank=True,
        help_text=_(
            "計画自身の検証資料が最終目標について述べている見通し。ポータルの判定はこれを出典とともに示します。"
        ),
    )
    final_outlook_source = models.CharField(
        _("見通しの出典"), max_length=300, blank=True, help_text=_("資料名と見出し、その記述の引用。")
    )
    baseline_row = models.CharField(
        _("資料で基準値が載っている行"),
        max_length=10,
        choices=BaselineRow.choices,
        default=BaselineRow.ACTUAL,
        help_text=_("検証委員会資料の基準値の列で、基準値が目標値・実績値のどちらの行に印刷されているか。"),
    )
    is_cumulative = models.BooleanField(_("累計"), default=False)
    cumulative_since = models.CharField(_("累計の起点"), max_length=100, blank=True, help_text=_("例: 平成11年度から"))
    source = models.CharField(_("出典"), max_length=300, blank=True)
    notes = models.TextField(_("注記"), blank=True, help_text=_("例: ※熊本労働局による平成26年平均の数値"))
    goals = models.ManyToManyField(
        Goal, verbose_name=_("目標"), through="IndicatorPlacement", related_name="indicators", blank=True
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("所管課"),
        on_delete=models.PROTECT,
        related_name="indicators",
        null=True,
        blank=True,
        help_text=_("実績値の入力に責任を持つ所管課。"),
    )
    actual_due_month = models.PositiveSmallIntegerField(
        _("実績値の締切（月）"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    actual_due_day = models.PositiveSmallIntegerField(
        _("実績値の締切（日）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("年度の実績値を、翌年度のこの月日までに入力します（例: 8月31日）。"),
    )

    lock_version = models.PositiveIntegerField(
        _("版（同時編集の確認用）"), default=1, help_text=_("保存のたびに1つ増え、古い画面からの保存を見分けます。")
    )

    objects = IndicatorManager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指標")
        verbose_name_plural = _("指標")
        ordering = ("plan", "code")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_cumulative=True) | Q(cumulative_since=""),
                name="%(app_label)s_%(class)s_cumulative_since_only_if_cumulative",
                violation_error_message=_("累計の起点は累計の指標にだけ入力できます。"),
            ),
            models.CheckConstraint(
                condition=Q(final_outlook="") | ~Q(final_outlook_source=""),
                name="%(app_label)s_%(class)s_outlook_has_a_source",
                violation_error_message=_("見通しには出典を入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(actual_due_month__isnull=True, actual_due_day__isnull=True)
                | Q(actual_due_month__isnull=False, actual_due_day__isnull=False),
                name="%(app_label)s_%(class)s_due_month_and_day_together",
                violation_error_message=_("締切は月と日の両方を入力してください。"),
            ),
            models.UniqueConstraint(
                fields=("area", "code"),
                name="%(app_label)s_%(class)s_unique_area_code",
                violation_error_message=_("この圏域には同じ指標コードの指標が既にあります。"),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The area always follows the plan (a form or an import names the plan only).
        if self.plan_id is not None:
            self.area_id = self.plan.area_id
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "plan" in update_fields and "area" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "area"]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from vision.selectors import area_slug

        return reverse("kpi:indicator_detail", kwargs={"area_slug": area_slug(self.area_id), "code": self.code})

    def natural_key(self):
        return (*self.area.natural_key(), self.code)

    natural_key.dependencies = ["vision.metroarea", "vision.plan"]

    def clean(self):
        errors = {}
        if self.plan_id is not None:
            self.area_id = self.plan.area_id
            # Repeated here because forms leave the non-editable area out of their constraint checks.
            if (
                self.code
                and Indicator.objects.filter(area_id=self.area_id, code=self.code).exclude(pk=self.pk).exists()
            ):
                errors["code"] = _("この圏域には同じ指標コードの指標が既にあります。")
        if self.cumulative_since and not self.is_cumulative:
            errors["cumulative_since"] = _("累計の起点は累計の指標にだけ入力できます。")
        if self.final_outlook and not self.final_outlook_source:
            errors["final_outlook_source"] = _("見通しには出典を入力してください。")
        if (self.actual_due_month is None) != (self.actual_due_day is None):
            errors["actual_due_day"] = _("締切は月と日の両方を入力してください。")
        elif self.actual_due_month is not None:
            import calendar

            last_day = calendar.monthrange(2024, self.actual_due_month)[1]  # a leap year allows 2月29日
            if self.actual_due_day > last_day:
                errors["actual_due_day"] = _("%(month)s月に%(day)s日はありません。") % {
                    "month": self.actual_due_month,
                    "day": self.actual_due_day,
                }
        if errors:
            raise ValidationError(errors)

    @property
    def display_unit(self):
        """The unit in the page's language: 人 or "people" / "children" as the indicator counts."""
        return translated(self, "unit")

    @staticmethod
    def series_prefetch(*, published_only=True, drafts_for=None):
        """The Prefetch of indicators' series values (and revisions) as with_series() reads them, for
        `prefetch_related_objects` on indicators already read."""
        observations = Observation.objects.order_by("fiscal_year", "kind").prefetch_related("revisions")
        if drafts_for is not None:
            from vision import roles

            observations = roles.readable_observations(drafts_for, observations)
        elif published_only:
            observations = observations.published()
        return models.Prefetch("observations", queryset=observations)


class IndicatorPlacementManager(models.Manager):
    def get_by_natural_key(self, area_slug, indicator_code, plan_slug, goal_code):
        return self.get(
            indicator__area__slug=area_slug,
            indicator__code=indicator_code,
            goal__plan__area__slug=area_slug,
            goal__plan__slug=plan_slug,
            goal__code=goal_code,
        )


class IndicatorPlacement(models.Model):
    """Where an indicator is shown in a goal tree; a second placement is a 再掲 (restatement)."""

    class Role(models.TextChoices):
        NUMERIC_TARGET = "numeric_target", _("数値目標")
        KPI = "kpi", _("KPI")
        OUTCOME = "outcome", _("成果指標")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指標"), on_delete=models.CASCADE, related_name="placements"
    )
    goal = models.ForeignKey(Goal, verbose_name=_("目標"), on_delete=models.CASCADE, related_name="placements")
    role = models.CharField(_("位置づけ"), max_length=20, choices=Role.choices, default=Role.KPI)
    is_restated = models.BooleanField(_("再掲"), default=False)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = IndicatorPlacementManager()

    class Meta:
        verbose_name = _("指標の掲載先")
        verbose_name_plural = _("指標の掲載先")
        ordering = ("goal", "order")
        constraints = [
            models.UniqueConstraint(
                fields=("indicator", "goal"),
                name="%(app_label)s_%(class)s_unique_indicator_goal",
                violation_error_message=_("この指標はこの目標に既に掲載されています。"),
            ),
            models.UniqueConstraint(
                fields=("indicator",),
                condition=Q(is_restated=False),
                name="%(app_label)s_%(class)s_one_original_placement",
                violation_error_message=_("再掲でない掲載先は指標ごとに1つです。"),
            ),
        ]

    def __str__(self):
        suffix = "（再掲）" if self.is_restated else ""
        return f"{self.goal} / {self.indicator}{suffix}"

    def natural_key(self):
        # The goal is in the indicator's plan (clean()), so in its area: the area is said once.
        return (*self.indicator.natural_key(), self.goal.plan.slug, self.goal.code)

    natural_key.dependencies = ["kpi.indicator", "vision.goal"]

    def clean(self):
        if self.indicator_id and self.goal_id and self.goal.plan_id != self.indicator.plan_id:
            raise ValidationError({"goal": _("指標と同じ計画の目標を選んでください。")})


PUBLIC_FIGURES = ("value", "comparator", "measured_year", "is_provisional", "missing_reason", "printed", "note")


class PublicFigureIterable(models.query.ModelIterable):
    """Rows as the public sees them: a row with a correction waiting for publication shows its published figure.

    Rows of indicators in the queryset's `_drafts_of` (ids whose drafts the reader may see) are left as they are.
    """

    def __iter__(self):
        drafts_of = self.queryset._drafts_of or ()
        for observation in super().__iter__():
            if observation.pending_correction and observation.indicator_id not in drafts_of:
                for name in PUBLIC_FIGURES:
                    setattr(observation, name, getattr(observation, f"published_{name}"))
                observation.shows_published_copy = True
            yield observation


# The rows whose figures the public sees: published ones, and published ones waiting for a correction or a
# retraction (their published_* copy is the public figure). Readers of plain values pick that copy themselves.
PUBLIC_ROWS = Q(is_published=True) | Q(pending_correction=True) | Q(pending_retraction=True)


class ObservationQuerySet(models.QuerySet):
    _drafts_of = None

    def _clone(self):
        clone = super()._clone()
        clone._drafts_of = self._drafts_of
        return clone

    def published(self):
        """The figures the public sees: published rows, with the published figure where a correction is pending.

        A new value waits for publication; a correction or a retraction of a published value leaves the published
        figure public until it is itself published.
        """
        queryset = self.filter(PUBLIC_ROWS)
        queryset._iterable_class = PublicFigureIterable
        return queryset

    def published_or_drafts_of(self, indicator_ids):
        """Public figures, except for the indicators in `indicator_ids`, whose drafts are read as they are."""
        queryset = self.filter(PUBLIC_ROWS | Q(indicator__in=indicator_ids))
        queryset._iterable_class = PublicFigureIterable
        queryset._drafts_of = set(indicator_ids)
        return queryset


class ObservationManager(models.Manager):
    def get_by_natural_key(self, area_slug, indicator_code, fiscal_year, kind):
        return self.get(
            indicator__area__slug=area_slug, indicator__code=indicator_code, fiscal_year=fiscal_year, kind=kind
        )


class Observation(models.Model):
    """One value of an indicator's series: its baseline, a year's target or a year's actual."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("基準値")
        TARGET = "target", _("目標値")
        ACTUAL = "actual", _("実績値")

    class Comparator(models.TextChoices):
        EXACT = "", _("（なし）")
        AT_LEAST = "gte", _("以上")
        AT_MOST = "lte", _("以下")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指標"), on_delete=models.CASCADE, related_name="observations"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度（西暦）"),
        validators=FISCAL_YEAR_VALIDATORS,
        help_text=_("値が掲載されている年度の列。"),
    )
    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices)
    value = models.DecimalField(_("値"), max_digits=20, decimal_places=4, null=True, blank=True)
    comparator = models.CharField(
        _("比較"), max_length=3, choices=Comparator.choices, default=Comparator.EXACT, blank=True
    )
    measured_year = models.PositiveSmallIntegerField(
        _("値が示す年（西暦）"),
        null=True,
        blank=True,
        validators=FISCAL_YEAR_VALIDATORS,
        help_text=_("掲載年度と異なる年の数値のとき（例: H27の列の 2,325（H24））。"),
    )
    is_provisional = models.BooleanField(_("概算値"), default=False)
    missing_reason = models.CharField(
        _("値がない理由"), max_length=200, blank=True, help_text=_("例: ―、アンケート未実施")
    )
    printed = models.CharField(
        _("資料での表記"), max_length=100, blank=True, help_text=_("出典資料のセルの表記どおり（例: 2,325（H24））。")
    )
    note = models.TextField(_("注記"), blank=True)
    is_published = models.BooleanField(
        _("公開"), default=False, help_text=_("公開された値だけが公開ページとオープンデータに載ります。")
    )
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公開した職員"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Empty for rows loaded from the reference data, which carry their source's date instead.
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, null=True)
    # The published figure while a correction waits for publication (kpi.services keeps these in step).
    pending_correction = models.BooleanField(
        _("公開中の値の訂正待ち"),
        default=False,
        help_text=_(
            "公開中の値を訂正した下書きがあり、公開されるまでは公開中の値（published_…）が公開ページに載ります。"
        ),
    )
    pending_retraction = models.BooleanField(
        _("削除待ち"), default=False, help_text=_("公開中の値の削除が、公開の操作を待っています。")
    )
    published_value = models.DecimalField(_("公開中の値"), max_digits=20, decimal_places=4, null=True, blank=True)
    published_comparator = models.CharField(
        _("公開中の比較"), max_length=3, choices=Comparator.choices, default=Comparator.EXACT, blank=True
    )
    published_measured_year = models.PositiveSmallIntegerField(_("公開中の値が示す年"), null=True, blank=True)
    published_is_provisional = models.BooleanField(_("公開中の値は概算値"), default=False)
    published_missing_reason = models.CharField(_("公開中の値がない理由"), max_length=200, blank=True)
    published_printed = models.CharField(_("公開中の資料での表記"), max_length=100, blank=True)
    published_note = models.TextField(_("公開中の注記"), blank=True)
    lock_version = models.PositiveIntegerField(
        _("版（同時編集の確認用）"), default=1, help_text=_("保存のたびに1つ増え、古い画面からの保存を見分けます。")
    )

    objects = ObservationManager.from_queryset(ObservationQuerySet)()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("系列の値")
        verbose_name_plural = _("系列の値")
        ordering = ("indicator", "fiscal_year", "kind")
        permissions = [("publish_observation", _("系列の値を公開できる"))]
        constraints = [
            models.UniqueConstraint(
                fields=("indicator", "fiscal_year", "kind"),
                name="%(app_label)s_%(class)s_unique_indicator_year_kind",
                violation_error_message=_("この指標・年度・種別の値は既に登録されています。"),
            ),
            models.UniqueConstraint(
                fields=("indicator",),
                condition=Q(kind="baseline"),
                name="%(app_label)s_%(class)s_one_baseline_per_indicator",
                violation_error_message=_("基準値は指標ごとに1つです。"),
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(missing_reason=""),
                name="%(app_label)s_%(class)s_value_or_missing_reason",
                violation_error_message=_("値を入力するか、値がない理由を入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(pending_correction=False) | Q(is_published=False),
                name="%(app_label)s_%(class)s_correction_is_unpublished",
                violation_error_message=_("訂正待ちの値は公開済みにできません。"),
            ),
            models.CheckConstraint(
                condition=Q(comparator="") | Q(kind="target"),
                name="%(app_label)s_%(class)s_comparator_only_on_targets",
                violation_error_message=_("「以上」「以下」は目標値にだけ指定できます。"),
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.fiscal_year} {self.get_kind_display()}"

    def natural_key(self):
        return (*self.indicator.natural_key(), self.fiscal_year, self.kind)

    natural_key.dependencies = ["kpi.indicator"]

    def clean(self):
        errors = {}
        if self.value is None and not self.missing_reason:
            errors["missing_reason"] = _("値を入力するか、値がない理由を入力してください。")
        if self.comparator and self.kind != self.Kind.TARGET:
            errors["comparator"] = _("「以上」「以下」は目標値にだけ指定できます。")
        if self.kind != self.Kind.BASELINE and self.indicator_id and self.fiscal_year:
            plan = self.indicator.plan
            if not plan.contains_fiscal_year(self.fiscal_year):
                errors["fiscal_year"] = _("年度は計画期間（%(start)s〜%(end)s年度）の中で入力してください。") % {
                    "start": plan.start_fiscal_year,
                    "end": plan.end_fiscal_year,
                }
        if errors:
            raise ValidationError(errors)

    @property
    def is_missing(self):
        return self.value is None


class TargetRevisionManager(models.Manager):
    def get_by_natural_key(self, area_slug, indicator_code, fiscal_year, kind, revised_on):
        return self.get(
            observation=Observation.objects.get_by_natural_key(area_slug, indicator_code, fiscal_year, kind),
            revised_on=revised_on,
        )


class TargetRevision(models.Model):
    """A revision of a target: the value before and after, when it was decided and why."""

    observation = models.ForeignKey(
        Observation,
        verbose_name=_("目標値"),
        on_delete=models.CASCADE,
        related_name="revisions",
        limit_choices_to={"kind": Observation.Kind.TARGET},
    )
    previous_value = models.DecimalField(_("変更前の値"), max_digits=20, decimal_places=4)
    revised_value = models.DecimalField(_("変更後の値"), max_digits=20, decimal_places=4)
    revised_on = models.DateField(_("変更日"))
    reason = models.TextField(_("変更の理由"))

    objects = TargetRevisionManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目標値の変更")
        verbose_name_plural = _("目標値の変更履歴")
        ordering = ("observation", "revised_on")
        constraints = [
            models.UniqueConstraint(
                fields=("observation", "revised_on"),
                name="%(app_label)s_%(class)s_unique_observation_date",
                violation_error_message=_("同じ日に同じ目標値の変更が既に登録されています。"),
            ),
        ]

    def __str__(self):
        from .presentation import unpadded_number

        return (
            f"{self.observation} {unpadded_number(self.previous_value)} → {unpadded_number(self.revised_value)}"
            f"（{self.revised_on}）"
        )

    def natural_key(self):
        return (*self.observation.natural_key(), self.revised_on.isoformat())

    natural_key.dependencies = ["kpi.observation"]

    def clean(self):
        if self.observation_id and self.observation.kind != Observation.Kind.TARGET:
            raise ValidationError({"observation": _("変更履歴は目標値にだけ記録できます。")})


class MeasureQuerySet(models.QuerySet):
    def with_series(self):
        """Measures with their indicators (oldest plan first), each with its plan and published series."""
        return self.prefetch_related(
            models.Prefetch(
                "indicators",
                queryset=Indicator.objects.with_series().order_by("plan__start_fiscal_year", "plan__order", "code"),
            )
        )


class MeasureManager(models.Manager.from_queryset(MeasureQuerySet)):
    def get_by_natural_key(self, area_slug, key):
        return self.get(area__slug=area_slug, key=key)


class Measure(TranslatedName, models.Model):
    """One thing measured across plans: the indicators of different plans that measure it, linked by the editors."""

    area = models.ForeignKey(
        MetroArea, verbose_name=_("連携中枢都市圏"), on_delete=models.CASCADE, related_name="measures"
    )
    key = models.SlugField(_("識別名"), max_length=60, help_text=_("圏域内で一意の識別子（例: gross-product）。"))
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英語名（非公式訳）"), max_length=500, blank=True)
    indicators = models.ManyToManyField(Indicator, verbose_name=_("指標"), related_name="measures")
    reason = models.TextField(
        _("同じ測定とみなした理由"),
        help_text=_("編集上の推定: 資料は計画をまたいで指標を結び付けていないため、ポータルの編集者が判断した理由。"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = MeasureManager()

    class Meta:
        verbose_name = _("計画をまたぐ測定")
        verbose_name_plural = _("計画をまたぐ測定")
        ordering = ("area", "order", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("area", "key"),
                name="%(app_label)s_%(class)s_unique_area_key",
                violation_error_message=_("この圏域には同じ識別名の測定が既にあります。"),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.area.natural_key(), self.key)

    natural_key.dependencies = ["vision.metroarea", "kpi.indicator"]


class PublicJudgement(models.Model):
    """An indicator's progress as the public pages list it, judged from its published values (kpi.judgements).

    Derived data, kept current on every write of the values it is judged from: the pages read it instead of judging
    each indicator over its series on every render. Staff screens that show drafts judge live.
    """

    indicator = models.OneToOneField(
        Indicator,
        verbose_name=_("指標"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="public_judgement",
    )
    rules_version = models.CharField(_("判定規則の版"), max_length=10)
    # The judgement (kpi.progress.Judgement), for the latest fiscal year with a published actual.
    status = models.CharField(_("進捗"), max_length=20)
    fiscal_year = models.PositiveSmallIntegerField(_("判定した年度"), null=True, blank=True)
    rate = models.DecimalField(_("達成率"), max_digits=32, decimal_places=12, null=True, blank=True)
    compared_with = models.DecimalField(_("比べた値"), max_digits=32, decimal_places=12, null=True, blank=True)
    compared_with_kind = models.CharField(_("比べた値の種類"), max_length=20, blank=True)
    compared_comparator = models.CharField(_("比べた値の比較"), max_length=3, blank=True)
    rate_basis = models.CharField(_("達成率の基準"), max_length=20, blank=True)
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    grade = models.CharField(_("評価"), max_length=5, blank=True)
    scheme = models.CharField(_("評価方法"), max_length=20)
    formula = models.CharField(_("計算式"), max_length=500, blank=True)
    # The judged actual (its fiscal year is `fiscal_year`): what the lists show as the latest actual.
    actual_value = models.DecimalField(_("実績値"), max_digits=20, decimal_places=4, null=True, blank=True)
    actual_comparator = models.CharField(_("実績値の比較"), max_length=3, blank=True)
    actual_measured_year = models.PositiveSmallIntegerField(_("実績値が示す年"), null=True, blank=True)
    actual_is_provisional = models.BooleanField(_("実績値は概算値"), default=False)
    actual_missing_reason = models.CharField(_("実績値がない理由"), max_length=200, blank=True)
    actual_printed = models.CharField(_("実績値の資料での表記"), max_length=100, blank=True)
    # The target of the last fiscal year with one (a value or not): the lists' 最終目標.
    target_year = models.PositiveSmallIntegerField(_("最終目標の年度"), null=True, blank=True)
    target_value = models.DecimalField(_("最終目標"), max_digits=20, decimal_places=4, null=True, blank=True)
    target_comparator = models.CharField(_("最終目標の比較"), max_length=3, blank=True)
    target_printed = models.CharField(_("最終目標の資料での表記"), max_length=100, blank=True)
    # The latest measured value (an actual or the baseline, with a value): the home page's 圏域の現状.
    measured_kind = models.CharField(_("最新の測定値の種別"), max_length=10, blank=True)
    measured_fiscal_year = models.PositiveSmallIntegerField(_("最新の測定値の年度"), null=True, blank=True)
    measured_value = models.DecimalField(_("最新の測定値"), max_digits=20, decimal_places=4, null=True, blank=True)
    measured_measured_year = models.PositiveSmallIntegerField(_("最新の測定値が示す年"), null=True, blank=True)
    measured_is_provisional = models.BooleanField(_("最新の測定値は概算値"), default=False)
    measured_printed = models.CharField(_("最新の測定値の資料での表記"), max_length=100, blank=True)

    # Derived from rows whose own saves move the public data version (vision.dataversion); its writes need not.
    is_public_data = False

    class Meta:
        verbose_name = _("公開ページの進捗判定")
        verbose_name_plural = _("公開ページの進捗判定")
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year__isnull=False) | Q(actual_value__isnull=True),
                name="%(app_label)s_%(class)s_actual_has_a_year",
                violation_error_message=_("実績値には判定した年度が必要です。"),
            ),
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.status}"

    @property
    def is_current(self):
        """Judged by the rules of this code (a stored judgement of other rules is judged again, kpi.judgements)."""
        from .progress import RULES_VERSION

        return self.rules_version == RULES_VERSION

    def as_judgement(self):
        """The stored judgement as kpi.progress.judge returned it."""
        from . import progress

        actual = None
        if self.fiscal_year is not None:
            actual = progress.Value(
                value=self.actual_value,
                comparator=self.actual_comparator,
                provisional=self.actual_is_provisional,
                missing_reason=self.actual_missing_reason,
                measured_year=self.actual_measured_year,
                printed=self.actual_printed,
            )
        return progress.Judgement(
            status=self.status,
            fiscal_year=self.fiscal_year,
            rate=self.rate,
            actual=actual,
            compared_with=self.compared_with,
            compared_with_kind=self.compared_with_kind,
            rate_basis=self.rate_basis,
            compared_comparator=self.compared_comparator,
            reason=self.reason,
            grade=self.grade,
            scheme=self.scheme,
            formula=self.formula,
        )

    @property
    def latest_actual(self):
        """The judged actual as the lists print it, or None."""
        if self.fiscal_year is None:
            return None
        return Figure(
            kind=Observation.Kind.ACTUAL,
            fiscal_year=self.fiscal_year,
            value=self.actual_value,
            comparator=self.actual_comparator,
            measured_year=self.actual_measured_year,
            is_provisional=self.actual_is_provisional,
            missing_reason=self.actual_missing_reason,
            printed=self.actual_printed,
        )

    @property
    def final_target(self):
        """The target of the last fiscal year with one, or None."""
        if self.target_year is None:
            return None
        return Figure(
            kind=Observation.Kind.TARGET,
            fiscal_year=self.target_year,
            value=self.target_value,
            comparator=self.target_comparator,
            printed=self.target_printed,
        )

    @property
    def latest_measured(self):
        """The latest measured value (an actual or the baseline), or None."""
        if self.measured_fiscal_year is None:
            return None
        return Figure(
            kind=self.measured_kind,
            fiscal_year=self.measured_fiscal_year,
            value=self.measured_value,
            measured_year=self.measured_measured_year,
            is_provisional=self.measured_is_provisional,
            printed=self.measured_printed,
        )


@dataclass(frozen=True)
class Figure:
    """A series value as a list prints it, read from a stored judgement: the fields of an Observation it needs."""

    kind: str
    fiscal_year: int
    value: Decimal | None
    comparator: str = ""
    measured_year: int | None = None
    is_provisional: bool = False
    missing_reason: str = ""
    printed: str = ""


class OpenDataBuild(models.Model):
    """公開データ一式（全圏域の CSV・JSON）の作成。公開データの版ごとに1つ（同じ版を二度作らないための印を兼ねる）。"""

    data_version = models.BigIntegerField(_("公開データの版"), unique=True)
    started_at = models.DateTimeField(_("作成開始日時"))
    finished_at = models.DateTimeField(_("作成完了日時"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("行数"), null=True, blank=True)

    # Not public data: a build records the data, it does not change it (vision.dataversion).
    is_public_data = False

    class Meta:
        verbose_name = _("公開データ一式の作成")
        verbose_name_plural = _("公開データ一式の作成")
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(row_count__isnull=False),
                name="%(app_label)s_%(class)s_finished_with_row_count",
                violation_error_message=_("作成が完了した一式には行数が必要です。"),
            ),
        ]

    def __str__(self):
        return str(self.data_version)


class OpenDataFile(models.Model):
    """公開データ一式のファイル1つ（形式ごと）。内容は gzip で圧縮し、OpenDataFilePart に分けて保管する。"""

    class Format(models.TextChoices):
        CSV = "csv", "CSV (UTF-8)"
        CSV_SJIS = "csv-sjis", "CSV (Shift_JIS)"
        JSON = "json", "JSON"
        XLSX = "xlsx", "Excel (XLSX)"

    build = models.ForeignKey(OpenDataBuild, verbose_name=_("作成"), on_delete=models.CASCADE, related_name="files")
    format = models.CharField(_("形式"), max_length=10, choices=Format.choices)
    size = models.BigIntegerField(_("バイト数"))
    compressed_size = models.BigIntegerField(_("圧縮後のバイト数"))
    part_count = models.PositiveIntegerField(_("分割数"))

    is_public_data = False

    class Meta:
        verbose_name = _("公開データ一式のファイル")
        verbose_name_plural = _("公開データ一式のファイル")
        constraints = [
            models.UniqueConstraint(
                fields=("build", "format"),
                name="%(app_label)s_%(class)s_unique_build_format",
                violation_error_message=_("この作成には同じ形式のファイルが既にあります。"),
            ),
        ]

    def __str__(self):
        return f"{self.build} {self.format}"


class OpenDataFilePart(models.Model):
    """公開データ一式のファイルの一片（gzip の連続した一部。番号順につなぐと全体）。"""

    file = models.ForeignKey(OpenDataFile, verbose_name=_("ファイル"), on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField(_("番号"))
    data = models.BinaryField(_("内容"))

    is_public_data = False

    class Meta:
        verbose_name = _("公開データ一式のファイルの一片")
        verbose_name_plural = _("公開データ一式のファイルの一片")
        constraints = [
            models.UniqueConstraint(
                fields=("file", "number"),
                name="%(app_label)s_%(class)s_unique_file_number",
                violation_error_message=_("このファイルには同じ番号の一片が既にあります。"),
            ),
        ]

    def __str__(self):
        return f"{self.file} #{self.number}"
