"""What the API answers, field by field, each field described in Japanese and English.

Numbers come with the form the source document prints (`printed`) and the portal's own rendering (`figure`);
fiscal years come with their 和暦 label (`R5(2023)`) and name (`令和5年度`). Words the portal writes (status words,
the judgement label) are given in both languages, so the language is never a hidden input of an answer.
"""

from django.utils import translation
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.models import Agreement, Article, PolicyArea, RoleAssignment
from kpi import presentation, progress
from kpi.models import Indicator, IndicatorPlacement, Observation
from kpi.opendata import plain_number
from vision import wareki
from vision.models import AreaMembership, Goal, MetroArea, Municipality, Plan


def doc(ja, en):
    """A field description in both languages."""
    return f"{ja} / {en}"


def both_languages(text):
    """{"ja": …, "en": …} of a word the portal writes in Japanese and translates through its catalogue."""
    if not text:
        return {"ja": "", "en": ""}
    with translation.override("en"):
        english = gettext(text)
    return {"ja": str(text), "en": english}


@extend_schema_field(
    {
        "type": "object",
        "properties": {"ja": {"type": "string"}, "en": {"type": "string"}},
        "required": ["ja", "en"],
    }
)
class BilingualField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return both_languages(value)


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True, "pattern": r"^-?\d+(\.\d+)?$"})
class PlainDecimalField(serializers.Field):
    """A decimal as a plain number string (2496, 0.56, -1394): exact, no exponent, no trailing zeros."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value is None else plain_number(value)


def _label(year, fiscal=True):
    return None if year is None else wareki.year_label(year, fiscal=fiscal)


class AreaSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=doc("API での識別番号", "Identifier in the API"))
    slug = serializers.CharField(read_only=True, help_text=doc("圏域の識別名", "Area slug"))
    name = serializers.CharField(read_only=True, help_text=doc("圏域名", "Name of the area"))
    central_city_name = serializers.CharField(read_only=True, help_text=doc("連携中枢都市", "Central city"))
    vision_date = serializers.DateField(
        read_only=True, allow_null=True, help_text=doc("都市圏ビジョン策定日", "Date of the area's vision")
    )
    population = serializers.IntegerField(read_only=True, allow_null=True, help_text=doc("圏域人口", "Population"))
    population_basis = serializers.CharField(
        read_only=True, help_text=doc("人口の出典・時点", "Source and date of the population")
    )
    target_population = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=doc("ビジョンの目標人口", "The vision's target population")
    )
    target_population_year = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=doc("目標人口の年（西暦）", "Year of the target population")
    )
    source = serializers.CharField(read_only=True, help_text=doc("出典", "Source"))

    class Meta:
        model = MetroArea
        fields = (
            "id",
            "slug",
            "name",
            "central_city_name",
            "vision_date",
            "population",
            "population_basis",
            "target_population",
            "target_population_year",
            "source",
        )


class MembershipSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text=doc("圏域の識別名", "Area slug"))
    is_central_city = serializers.BooleanField(read_only=True, help_text=doc("連携中枢都市か", "Whether central city"))
    joined_on = serializers.DateField(
        read_only=True, allow_null=True, help_text=doc("圏域参加日（連携協約の締結日）", "Joined on (agreement signed)")
    )
    left_on = serializers.DateField(read_only=True, allow_null=True, help_text=doc("圏域離脱日", "Left on"))

    class Meta:
        model = AreaMembership
        fields = ("area", "is_central_city", "joined_on", "left_on")


class MunicipalitySerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=doc("API での識別番号", "Identifier in the API"))
    lg_code = serializers.CharField(
        read_only=True, help_text=doc("全国地方公共団体コード（6桁）", "Local government code (6 digits)")
    )
    name = serializers.CharField(read_only=True, help_text=doc("名称", "Name"))
    kana = serializers.CharField(read_only=True, help_text=doc("よみがな", "Reading in katakana"))
    name_en = serializers.CharField(read_only=True, help_text=doc("英語名", "English name"))
    kind = serializers.ChoiceField(
        choices=Municipality.Kind.choices, read_only=True, help_text=doc("市・町・村", "City, town or village")
    )
    population = serializers.IntegerField(read_only=True, allow_null=True, help_text=doc("人口", "Population"))
    population_census_year = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=doc("人口の国勢調査年", "Census year of the population")
    )
    memberships = MembershipSerializer(many=True, read_only=True, help_text=doc("圏域の構成", "Area memberships"))

    class Meta:
        model = Municipality
        fields = (
            "id",
            "lg_code",
            "name",
            "kana",
            "name_en",
            "kind",
            "population",
            "population_census_year",
            "memberships",
        )


class PolicyAreaSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=doc("API での識別番号", "Identifier in the API"))
    code = serializers.CharField(read_only=True, help_text=doc("政策分野のコード（例: 1-2）", "Code (e.g. 1-2)"))
    name = serializers.CharField(read_only=True, help_text=doc("政策分野の名称", "Name of the policy area"))
    number = serializers.IntegerField(read_only=True, help_text=doc("番号", "Number"))
    pillar = serializers.IntegerField(source="pillar.number", read_only=True, help_text=doc("柱の番号", "Pillar"))
    pillar_name = serializers.CharField(source="pillar.name", read_only=True, help_text=doc("柱の名称", "Pillar name"))
    schedule = serializers.CharField(
        source="pillar.schedule_label", read_only=True, help_text=doc("別表（例: 別表第1）", "Schedule of agreements")
    )
    group = serializers.SerializerMethodField(help_text=doc("グループの名称", "Group name"))

    class Meta:
        model = PolicyArea
        fields = ("id", "code", "name", "number", "pillar", "pillar_name", "schedule", "group")

    @extend_schema_field({"type": "string", "nullable": True})
    def get_group(self, area):
        return area.group.name if area.group_id else None


class ArticleSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(read_only=True, help_text=doc("条", "Article number"))
    kind = serializers.ChoiceField(choices=Article.Kind.choices, read_only=True, help_text=doc("種別", "Kind"))
    heading = serializers.CharField(read_only=True, help_text=doc("見出し", "Heading"))
    body = serializers.CharField(read_only=True, help_text=doc("本文", "Text"))

    class Meta:
        model = Article
        fields = ("number", "kind", "heading", "body")


class RoleSerializer(serializers.ModelSerializer):
    policy_area = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text=doc("政策分野のコード", "Policy area code")
    )
    order = serializers.IntegerField(read_only=True, help_text=doc("協約書での並び順", "Order in the agreement"))
    initiative = serializers.CharField(read_only=True, help_text=doc("取組内容", "Initiative"))
    central_role = serializers.CharField(read_only=True, help_text=doc("甲の役割", "Central city's role"))
    partner_role = serializers.CharField(read_only=True, help_text=doc("乙の役割", "Partner's role"))

    class Meta:
        model = RoleAssignment
        fields = ("policy_area", "order", "initiative", "central_role", "partner_role")


class AgreementSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=doc("API での識別番号", "Identifier in the API"))
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text=doc("圏域の識別名", "Area slug"))
    central_city = serializers.SlugRelatedField(
        slug_field="lg_code", read_only=True, help_text=doc("甲（連携中枢都市）のコード", "Central city's code")
    )
    partner = serializers.SlugRelatedField(
        slug_field="lg_code", read_only=True, help_text=doc("乙（連携市町村）のコード", "Partner's code")
    )
    version = serializers.IntegerField(read_only=True, help_text=doc("版（1が当初の協約）", "Version (1: original)"))
    previous_version = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=doc("変更前の版の識別番号", "id of the version it amends")
    )
    title = serializers.CharField(read_only=True, help_text=doc("名称", "Title"))
    legal_basis = serializers.CharField(read_only=True, help_text=doc("根拠法令", "Legal basis"))
    status = serializers.ChoiceField(
        choices=Agreement.Status.choices, read_only=True, help_text=doc("状態", "Status in its procedure")
    )
    signed_on = serializers.DateField(read_only=True, allow_null=True, help_text=doc("締結日", "Signed on"))
    signed_on_name = serializers.SerializerMethodField(help_text=doc("締結日の和暦", "Signing date, Japanese era"))
    notified_on = serializers.DateField(read_only=True, allow_null=True, help_text=doc("告示日", "Notified on"))
    ended_on = serializers.DateField(read_only=True, allow_null=True, help_text=doc("終了日", "Ended on"))
    change_summary = serializers.CharField(read_only=True, help_text=doc("変更の概要", "Summary of the amendment"))
    source = serializers.CharField(read_only=True, help_text=doc("出典", "Source"))
    articles = ArticleSerializer(many=True, read_only=True, help_text=doc("条文", "Articles"))
    roles = RoleSerializer(many=True, read_only=True, help_text=doc("役割分担（別表）", "Role rows (schedules)"))

    class Meta:
        model = Agreement
        fields = (
            "id",
            "area",
            "central_city",
            "partner",
            "version",
            "previous_version",
            "title",
            "legal_basis",
            "status",
            "signed_on",
            "signed_on_name",
            "notified_on",
            "ended_on",
            "change_summary",
            "source",
            "articles",
            "roles",
        )

    @extend_schema_field({"type": "string", "nullable": True})
    def get_signed_on_name(self, agreement):
        return wareki.format_date(agreement.signed_on) if agreement.signed_on else None


class PlanSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=doc("API での識別番号", "Identifier in the API"))
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text=doc("圏域の識別名", "Area slug"))
    slug = serializers.CharField(read_only=True, help_text=doc("計画の識別名（圏域内で一意）", "Plan slug"))
    kind = serializers.ChoiceField(choices=Plan.Kind.choices, read_only=True, help_text=doc("種別", "Kind"))
    title = serializers.CharField(read_only=True, help_text=doc("名称", "Title"))
    short_title = serializers.CharField(read_only=True, help_text=doc("略称", "Short title"))
    start_fiscal_year = serializers.IntegerField(read_only=True, help_text=doc("開始年度（西暦）", "First fiscal year"))
    start_fiscal_year_label = serializers.SerializerMethodField(help_text=doc("開始年度の和暦", "First FY, era"))
    end_fiscal_year = serializers.IntegerField(read_only=True, help_text=doc("終了年度（西暦）", "Last fiscal year"))
    end_fiscal_year_label = serializers.SerializerMethodField(help_text=doc("終了年度の和暦", "Last FY, era"))
    level_names = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=doc("目標の階層名", "Names of the goal levels")
    )
    progress_scheme = serializers.ChoiceField(
        choices=Plan.ProgressScheme.choices, read_only=True, help_text=doc("進捗の評価方法", "Progress scheme")
    )
    description = serializers.CharField(read_only=True, help_text=doc("概要", "Description"))
    source = serializers.CharField(read_only=True, help_text=doc("出典", "Source"))

    class Meta:
        model = Plan
        fields = (
            "id",
            "area",
            "slug",
            "kind",
            "title",
            "short_title",
            "start_fiscal_year",
            "start_fiscal_year_label",
            "end_fiscal_year",
            "end_fiscal_year_label",
            "level_names",
            "progress_scheme",
            "description",
            "source",
        )

    @extend_schema_field(OpenApiTypes.STR)
    def get_start_fiscal_year_label(self, plan):
        return wareki.year_label(plan.start_fiscal_year, fiscal=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_end_fiscal_year_label(self, plan):
        return wareki.year_label(plan.end_fiscal_year, fiscal=True)


class GoalSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=doc("API での識別番号", "Identifier in the API"))
    plan = serializers.PrimaryKeyRelatedField(read_only=True, help_text=doc("計画の識別番号", "Plan id"))
    parent = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=doc("上位の目標の識別番号（最上位は null）", "Parent goal id")
    )
    code = serializers.CharField(read_only=True, help_text=doc("計画内のコード", "Code within the plan"))
    number = serializers.CharField(read_only=True, help_text=doc("番号（表記どおり）", "Number as printed"))
    title = serializers.CharField(read_only=True, help_text=doc("名称", "Title"))
    depth = serializers.SerializerMethodField(help_text=doc("階層の深さ（最上位が0）", "Depth (top level is 0)"))
    level_name = serializers.SerializerMethodField(help_text=doc("階層名（例: 基本目標）", "Level name"))
    description = serializers.CharField(read_only=True, help_text=doc("内容", "Description"))
    order = serializers.IntegerField(read_only=True, help_text=doc("表示順", "Order"))

    class Meta:
        model = Goal
        fields = ("id", "plan", "parent", "code", "number", "title", "depth", "level_name", "description", "order")

    def _depth(self, goal):
        parents = self.context.get("goal_parents", {})
        depth, parent = 0, goal.parent_id
        while parent is not None:
            depth, parent = depth + 1, parents.get(parent)
        return depth

    @extend_schema_field(OpenApiTypes.INT)
    def get_depth(self, goal):
        return self._depth(goal)

    @extend_schema_field(OpenApiTypes.STR)
    def get_level_name(self, goal):
        return goal.level_label or goal.plan.level_name(self._depth(goal))


class PlacementSerializer(serializers.ModelSerializer):
    goal = serializers.PrimaryKeyRelatedField(read_only=True, help_text=doc("目標の識別番号", "Goal id"))
    goal_code = serializers.CharField(source="goal.code", read_only=True, help_text=doc("目標のコード", "Goal code"))
    role = serializers.ChoiceField(
        choices=IndicatorPlacement.Role.choices, read_only=True, help_text=doc("位置づけ", "Role of the indicator")
    )
    is_restated = serializers.BooleanField(read_only=True, help_text=doc("再掲", "Restated (再掲)"))

    class Meta:
        model = IndicatorPlacement
        fields = ("goal", "goal_code", "role", "is_restated")


class IndicatorSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=doc("API での識別番号", "Identifier in the API"))
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text=doc("圏域の識別名", "Area slug"))
    plan = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text=doc("計画の識別名", "Plan slug"))
    code = serializers.CharField(read_only=True, help_text=doc("指標コード（圏域内で一意）", "Indicator code"))
    name = serializers.CharField(read_only=True, help_text=doc("指標名", "Name"))
    unit = serializers.CharField(read_only=True, help_text=doc("単位", "Unit"))
    decimals = serializers.IntegerField(read_only=True, help_text=doc("表示する小数点以下の桁数", "Decimals shown"))
    direction = serializers.ChoiceField(
        choices=Indicator.Direction.choices, read_only=True, help_text=doc("よい方向", "Which way is better")
    )
    period = serializers.ChoiceField(
        choices=Indicator.Period.choices, read_only=True, help_text=doc("値が示す期間（年度・年）", "FY or calendar")
    )
    is_cumulative = serializers.BooleanField(read_only=True, help_text=doc("累計", "Cumulative"))
    cumulative_since = serializers.CharField(read_only=True, help_text=doc("累計の起点", "Cumulative since"))
    source = serializers.CharField(read_only=True, help_text=doc("出典", "Source"))
    notes = serializers.CharField(read_only=True, help_text=doc("注記", "Notes"))
    placements = PlacementSerializer(many=True, read_only=True, help_text=doc("掲載先の目標", "Where it is placed"))

    class Meta:
        model = Indicator
        fields = (
            "id",
            "area",
            "plan",
            "code",
            "name",
            "unit",
            "decimals",
            "direction",
            "period",
            "is_cumulative",
            "cumulative_since",
            "source",
            "notes",
            "placements",
        )


class SeriesValueSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=doc("API での識別番号", "Identifier in the API"))
    area = serializers.CharField(source="indicator.area.slug", read_only=True, help_text=doc("圏域の識別名", "Area"))
    plan = serializers.CharField(source="indicator.plan.slug", read_only=True, help_text=doc("計画の識別名", "Plan"))
    indicator = serializers.CharField(
        source="indicator.code", read_only=True, help_text=doc("指標コード", "Indicator code")
    )
    indicator_id = serializers.IntegerField(read_only=True, help_text=doc("指標の識別番号", "Indicator id"))
    unit = serializers.CharField(source="indicator.unit", read_only=True, help_text=doc("単位", "Unit"))
    fiscal_year = serializers.IntegerField(
        read_only=True, help_text=doc("値が掲載されている年度（西暦）", "Fiscal year of the column (Gregorian)")
    )
    fiscal_year_label = serializers.SerializerMethodField(
        help_text=doc("年度の和暦（例: R5(2023)）", "Fiscal year, era label (e.g. R5(2023))")
    )
    fiscal_year_name = serializers.SerializerMethodField(
        help_text=doc("年度の和暦（例: 令和5年度）", "Fiscal year, era name (e.g. 令和5年度)")
    )
    kind = serializers.ChoiceField(
        choices=Observation.Kind.choices, read_only=True, help_text=doc("種別", "Baseline, target or actual")
    )
    value = PlainDecimalField(help_text=doc("値（値がないときは null）", "Value (null when missing)"))
    figure = serializers.SerializerMethodField(
        help_text=doc("ポータルでの表記（例: 2,496）", "The value as the portal writes it (e.g. 2,496)")
    )
    printed = serializers.CharField(
        read_only=True, help_text=doc("出典資料でのセルの表記", "The cell as the source document prints it")
    )
    comparator = serializers.ChoiceField(
        choices=Observation.Comparator.choices,
        read_only=True,
        help_text=doc("目標値の比較: gte（以上）/ lte（以下）/ 空", "Target comparator: gte / lte / empty"),
    )
    measured_year = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=doc("値が示す年（掲載年度と異なるときのみ）", "Year the value measures, when not the column's"),
    )
    measured_year_name = serializers.SerializerMethodField(
        help_text=doc("値が示す年の和暦", "Year the value measures, era name")
    )
    provisional = serializers.BooleanField(
        source="is_provisional", read_only=True, help_text=doc("概算値", "Provisional figure")
    )
    missing_reason = serializers.CharField(read_only=True, help_text=doc("値がない理由", "Why there is no value"))
    note = serializers.CharField(read_only=True, help_text=doc("注記", "Note"))
    published = serializers.SerializerMethodField(
        help_text=doc(
            "公開中の値なら true（職員には下書きが false で見えます）",
            "true for a published figure (staff also see drafts, as false)",
        )
    )

    class Meta:
        model = Observation
        fields = (
            "id",
            "area",
            "plan",
            "indicator",
            "indicator_id",
            "unit",
            "fiscal_year",
            "fiscal_year_label",
            "fiscal_year_name",
            "kind",
            "value",
            "figure",
            "printed",
            "comparator",
            "measured_year",
            "measured_year_name",
            "provisional",
            "missing_reason",
            "note",
            "published",
        )

    @extend_schema_field(OpenApiTypes.STR)
    def get_fiscal_year_label(self, observation):
        return wareki.year_label(observation.fiscal_year, fiscal=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_fiscal_year_name(self, observation):
        return wareki.year_name(observation.fiscal_year, fiscal=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_figure(self, observation):
        return presentation.observation_figure(observation, observation.indicator.decimals)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_measured_year_name(self, observation):
        if observation.measured_year is None:
            return None
        fiscal = observation.indicator.period != Indicator.Period.CALENDAR_YEAR
        return wareki.year_name(observation.measured_year, fiscal=fiscal)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_published(self, observation):
        return bool(
            observation.is_published
            or getattr(observation, "shows_published_copy", False)
            or (observation.pending_retraction and not observation.pending_correction)
        )


class JudgementSerializer(serializers.Serializer):
    """One indicator judged for a fiscal year by kpi.progress (the portal's mechanical judgement)."""

    indicator_id = serializers.IntegerField(source="indicator.pk", help_text=doc("指標の識別番号", "Indicator id"))
    indicator = serializers.CharField(source="indicator.code", help_text=doc("指標コード", "Indicator code"))
    area = serializers.CharField(source="indicator.area.slug", help_text=doc("圏域の識別名", "Area slug"))
    plan = serializers.CharField(source="indicator.plan.slug", help_text=doc("計画の識別名", "Plan slug"))
    fiscal_year = serializers.IntegerField(
        source="judgement.fiscal_year",
        allow_null=True,
        help_text=doc("判定した年度（実績がなければ null）", "Fiscal year judged (null without any actual)"),
    )
    fiscal_year_label = serializers.SerializerMethodField(help_text=doc("年度の和暦", "Fiscal year, era label"))
    scheme = serializers.CharField(source="judgement.scheme", help_text=doc("計画の評価方法", "The plan's scheme"))
    status = serializers.ChoiceField(
        choices=list(progress.STATUS_WORDS), source="judgement.status", help_text=doc("進捗の状態", "Status")
    )
    status_word = BilingualField(source="judgement.word", help_text=doc("状態の語", "Status in words"))
    icon = serializers.CharField(source="judgement.icon", help_text=doc("状態の記号", "Status symbol"))
    grade = serializers.CharField(
        source="judgement.grade", help_text=doc("評価方法による評語（S/A/B/C など）", "Scheme grade (S/A/B/C…)")
    )
    rate = PlainDecimalField(source="judgement.rate", help_text=doc("達成率（1 = 100%）", "Achievement rate (1 = 1)"))
    rate_percent = PlainDecimalField(source="judgement.rate_percent", help_text=doc("達成率（%）", "Rate in percent"))
    rate_note = BilingualField(source="judgement.rate_note", help_text=doc("達成率の注記", "Note on the rate"))
    compared_with = PlainDecimalField(
        source="judgement.compared_with", help_text=doc("比べた値", "The value compared with")
    )
    compared_with_kind = serializers.CharField(
        source="judgement.compared_with_kind",
        help_text=doc("比べた値: final / year_target / line", "Compared with: final / year_target / line"),
    )
    actual = PlainDecimalField(source="judgement.actual.value", help_text=doc("実績値", "The actual judged"))
    actual_printed = serializers.SerializerMethodField(help_text=doc("実績値の資料での表記", "The actual as printed"))
    provisional = serializers.BooleanField(
        source="judgement.is_provisional", help_text=doc("概算値による判定", "Judged on a provisional figure")
    )
    reason = BilingualField(source="judgement.reason", help_text=doc("判定の理由・出典", "Reason or source"))
    judged_by = serializers.SerializerMethodField(
        help_text=doc("判定の主体（ポータルによる機械的な判定）", "Who judged: the portal, mechanically")
    )
    rules_version = serializers.SerializerMethodField(help_text=doc("判定規則の版", "Version of the rules"))

    @extend_schema_field({"type": "string", "nullable": True})
    def get_fiscal_year_label(self, row):
        return _label(row["judgement"].fiscal_year)

    @extend_schema_field(OpenApiTypes.STR)
    def get_actual_printed(self, row):
        actual = row["judgement"].actual
        return actual.printed if actual else ""

    @extend_schema_field(BilingualField)
    def get_judged_by(self, row):
        return both_languages(progress.PORTAL_JUDGEMENT_LABEL)

    @extend_schema_field(OpenApiTypes.STR)
    def get_rules_version(self, row):
        return progress.RULES_VERSION
