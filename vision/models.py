from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .translation import TranslatedName, translated
from .validators import validate_lg_code


class MetroAreaQuerySet(models.QuerySet):
    def with_members(self):
        """Areas with their current memberships (`area.current_memberships`) prefetched, central city first."""
        return self.prefetch_related(
            models.Prefetch(
                "memberships",
                queryset=AreaMembership.objects.current().select_related("municipality").in_member_order(),
                to_attr="current_memberships",
            )
        )

    def with_current_members(self):
        """Areas that have at least one current member."""
        return self.filter(pk__in=AreaMembership.objects.current().values("area_id"))


class MetroAreaManager(models.Manager.from_queryset(MetroAreaQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class MetroArea(TranslatedName, models.Model):
    """A 連携中枢都市圏: a central city and the neighbours that signed 1:1 agreements with it."""

    slug = models.SlugField(_("識別名"), unique=True, help_text=_("URL に使う半角英数字（例: kumamoto）。"))
    name = models.CharField(_("圏域名"), max_length=100, unique=True)
    name_en = models.CharField(_("英語名（非公式訳）"), max_length=200, blank=True)
    central_city_name = models.CharField(
        _("連携中枢都市"),
        max_length=50,
        help_text=_("宣言を行った中心都市の名称。構成市町村が登録されている圏域では、その中心都市と一致します。"),
    )
    central_city_name_en = models.CharField(_("連携中枢都市の英語名（非公式訳）"), max_length=100, blank=True)
    vision_date = models.DateField(_("都市圏ビジョン策定日"), null=True, blank=True)
    cities_count = models.PositiveSmallIntegerField(_("構成市数"), null=True, blank=True)
    towns_count = models.PositiveSmallIntegerField(_("構成町数"), null=True, blank=True)
    villages_count = models.PositiveSmallIntegerField(_("構成村数"), null=True, blank=True)
    composition_note = models.CharField(_("構成の注記"), max_length=100, blank=True, help_text=_("例: 合併1市圏域"))
    population = models.PositiveIntegerField(_("圏域人口"), null=True, blank=True)
    central_city_population = models.PositiveIntegerField(_("連携中枢都市人口"), null=True, blank=True)
    population_basis = models.CharField(
        _("人口の出典・時点"), max_length=200, blank=True, help_text=_("例: 平成22年国勢調査")
    )
    target_population = models.PositiveIntegerField(_("ビジョンの目標人口"), null=True, blank=True)
    target_population_year = models.PositiveSmallIntegerField(_("目標人口の年（西暦）"), null=True, blank=True)
    future_image = models.TextField(_("目指すべき圏域の姿"), blank=True)
    source = models.CharField(_("出典"), max_length=300, blank=True)

    objects = MetroAreaManager()

    class Meta:
        verbose_name = _("連携中枢都市圏")
        verbose_name_plural = _("連携中枢都市圏")
        ordering = ("vision_date", "name")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_population__isnull=True) | Q(target_population_year__isnull=False),
                name="%(app_label)s_%(class)s_target_population_has_year",
                violation_error_message=_("目標人口には目標の年を入力してください。"),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("kpi:area_home", kwargs={"area_slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def municipality_count(self):
        counts = (self.cities_count, self.towns_count, self.villages_count)
        if all(count is None for count in counts):
            return None
        return sum(count or 0 for count in counts)

    def clean(self):
        if self.target_population is not None and self.target_population_year is None:
            raise ValidationError({"target_population_year": _("目標人口には目標の年を入力してください。")})

    @property
    def display_central_city_name(self):
        return translated(self, "central_city_name")


class MunicipalityManager(models.Manager):
    def get_by_natural_key(self, lg_code):
        return self.get(lg_code=lg_code)


class Municipality(TranslatedName, models.Model):
    """A city, town or village (市町村), identified by its 全国地方公共団体コード."""

    class Kind(models.TextChoices):
        CITY = "市", _("市")
        TOWN = "町", _("町")
        VILLAGE = "村", _("村")

    lg_code = models.CharField(
        _("地方公共団体コード"),
        max_length=6,
        unique=True,
        validators=[validate_lg_code],
        help_text=_("全国地方公共団体コード（検査数字を含む6桁）。"),
    )
    name = models.CharField(_("名称"), max_length=50)
    kana = models.CharField(_("よみがな（カタカナ）"), max_length=100)
    name_en = models.CharField(_("英語名"), max_length=100, blank=True)
    kind = models.CharField(_("種別"), max_length=1, choices=Kind.choices)
    areas = models.ManyToManyField(
        MetroArea,
        verbose_name=_("連携中枢都市圏"),
        through="AreaMembership",
        related_name="members",
        blank=True,
    )
    population = models.PositiveIntegerField(_("人口"), null=True, blank=True)
    population_census_year = models.PositiveSmallIntegerField(_("人口の国勢調査年"), null=True, blank=True)
    population_source = models.CharField(_("人口の出典"), max_length=200, blank=True)

    objects = MunicipalityManager()

    class Meta:
        verbose_name = _("市町村")
        verbose_name_plural = _("市町村")
        ordering = ("lg_code",)
        constraints = [
            models.CheckConstraint(
                condition=Q(lg_code__regex=r"^[0-9]{6}$"),
                name="%(app_label)s_%(class)s_lg_code_six_digits",
                violation_error_message=_("地方公共団体コードは半角数字6桁で入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population_census_year__isnull=False),
                name="%(app_label)s_%(class)s_population_has_census_year",
                violation_error_message=_("人口には国勢調査年を入力してください。"),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """The page in the first area it belongs to (central city first); pages of an area link with
        `AreaMembership.get_absolute_url` or `url_in_area` instead, so they stay in that area."""
        membership = self.memberships.current().in_member_order().first()
        if membership is None:
            return None
        return self.url_in_area(membership.area_id)

    def url_in_area(self, area_id):
        from .selectors import area_slug

        return reverse(
            "agreements:municipality_detail", kwargs={"area_slug": area_slug(area_id), "lg_code": self.lg_code}
        )

    def natural_key(self):
        return (self.lg_code,)

    def clean(self):
        if self.population is not None and self.population_census_year is None:
            raise ValidationError({"population_census_year": _("人口には国勢調査年を入力してください。")})


class AreaMembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        """Memberships in force on `on` (today by default): joined by then, or central city, and not yet left."""
        on = on or timezone.localdate()
        return self.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=on)).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=on)
        )

    def in_member_order(self):
        """Central city first, then partners in the order they joined."""
        return self.order_by("-is_central_city", "joined_on", "municipality__lg_code")


class AreaMembershipManager(models.Manager.from_queryset(AreaMembershipQuerySet)):
    def get_by_natural_key(self, area_slug, lg_code):
        return self.get(area__slug=area_slug, municipality__lg_code=lg_code)


class AreaMembership(models.Model):
    """A municipality's membership of an area, from its agreement's signing until it leaves.

    A municipality can be a member of several areas (and was of some only for a time); whether it is the
    central city, and when it joined, belong to the membership, not to the municipality.
    """

    area = models.ForeignKey(
        MetroArea, verbose_name=_("連携中枢都市圏"), on_delete=models.PROTECT, related_name="memberships"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("市町村"), on_delete=models.PROTECT, related_name="memberships"
    )
    is_central_city = models.BooleanField(_("連携中枢都市"), default=False)
    joined_on = models.DateField(
        _("圏域参加日"),
        null=True,
        blank=True,
        help_text=_("連携協約の締結日。連携中枢都市は空欄です。"),
    )
    left_on = models.DateField(
        _("圏域離脱日"), null=True, blank=True, help_text=_("連携協約が終了した日。構成市町村である間は空欄です。")
    )
    source = models.CharField(_("出典"), max_length=300, blank=True)

    objects = AreaMembershipManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("圏域の構成市町村")
        verbose_name_plural = _("圏域の構成市町村")
        ordering = ("area", "-is_central_city", "joined_on", "municipality__lg_code")
        constraints = [
            models.UniqueConstraint(
                fields=("area", "municipality"),
                name="%(app_label)s_%(class)s_unique_area_municipality",
                violation_error_message=_("この市町村はこの圏域に既に登録されています。"),
            ),
            models.UniqueConstraint(
                fields=("area",),
                condition=Q(is_central_city=True),
                name="%(app_label)s_%(class)s_one_central_city_per_area",
                violation_error_message=_("この圏域には既に連携中枢都市が登録されています。"),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="%(app_label)s_%(class)s_left_after_joined",
                violation_error_message=_("圏域離脱日は圏域参加日以降にしてください。"),
            ),
        ]

    def __str__(self):
        return f"{self.area} {self.municipality}"

    def get_absolute_url(self):
        return self.municipality.url_in_area(self.area_id)

    def natural_key(self):
        return (*self.area.natural_key(), *self.municipality.natural_key())

    natural_key.dependencies = ["vision.metroarea", "vision.municipality"]

    def clean(self):
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("圏域離脱日は圏域参加日以降にしてください。")})


class PlanManager(models.Manager):
    def get_by_natural_key(self, area_slug, slug):
        return self.get(area__slug=area_slug, slug=slug)


class DepartmentManager(models.Manager):
    def get_by_natural_key(self, lg_code, name):
        return self.get(municipality__lg_code=lg_code, name=name)


class Department(TranslatedName, models.Model):
    """A department (所管課) of a municipality: it owns indicators and enters their actuals each year."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("市町村"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英語名（非公式訳）"), max_length=200, blank=True)
    email = models.EmailField(
        _("連絡先メールアドレス"), blank=True, help_text=_("督促メールの宛先（担当者のアドレスに加えて）。")
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("担当職員"),
        related_name="departments",
        blank=True,
        help_text=_("この所管課の指標・連携協約を編集できる職員。"),
    )

    objects = DepartmentManager()

    class Meta:
        verbose_name = _("所管課")
        verbose_name_plural = _("所管課")
        ordering = ("municipality__lg_code", "name")
        constraints = [
            models.UniqueConstraint(
                fields=("municipality", "name"),
                name="%(app_label)s_%(class)s_unique_municipality_name",
                violation_error_message=_("この市町村には同じ名称の所管課が既にあります。"),
            ),
        ]

    def __str__(self):
        return f"{self.municipality.name} {self.name}"

    def natural_key(self):
        return (self.municipality.lg_code, self.name)

    natural_key.dependencies = ["vision.municipality"]


class Plan(TranslatedName, models.Model):
    """A published plan whose goals are measured by indicators: a vision, a strategy, a priority list."""

    class Kind(models.TextChoices):
        VISION = "vision", _("連携中枢都市圏ビジョン")
        STRATEGY = "strategy", _("総合戦略")
        COMPREHENSIVE = "comprehensive", _("総合計画")

    class ProgressScheme(models.TextChoices):
        ACHIEVEMENT = "achievement", _("達成率と進捗（達成・順調・遅れ）")
        GRADE_BAND = "grade_band", _("達成率による S/A/B/C 評価")
        PERIOD_SHARE = "period_share", _("期間経過割合との比較による A/B/F/N 評価")

    slug = models.SlugField(
        _("識別名"), help_text=_("圏域内で一意の、URL に使う半角英数字（例: kumamoto-strategy-2）。")
    )
    area = models.ForeignKey(
        MetroArea, verbose_name=_("連携中枢都市圏"), on_delete=models.PROTECT, related_name="plans"
    )
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=200)
    title_en = models.CharField(_("英語名（非公式訳）"), max_length=300, blank=True)
    short_title = models.CharField(_("略称"), max_length=60, blank=True)
    short_title_en = models.CharField(_("英語の略称（非公式訳）"), max_length=100, blank=True)
    start_fiscal_year = models.PositiveSmallIntegerField(
        _("開始年度（西暦）"), validators=[MinValueValidator(1989), MaxValueValidator(2100)]
    )
    end_fiscal_year = models.PositiveSmallIntegerField(
        _("終了年度（西暦）"), validators=[MinValueValidator(1989), MaxValueValidator(2100)]
    )
    level_names = models.JSONField(
        _("階層の名称"),
        default=list,
        blank=True,
        help_text=_('目標の階層ごとの名称を上から順に並べたリスト（例: ["基本目標", "施策", "具体的な取組"]）。'),
    )
    level_names_en = models.JSONField(
        _("階層の英語名（非公式訳）"),
        default=list,
        blank=True,
        help_text=_('階層の名称と同じ順の英語のリスト（例: ["Basic goal", "Policy", "Measure"]）。'),
    )
    progress_scheme = models.CharField(
        _("進捗の評価方法"), max_length=20, choices=ProgressScheme.choices, default=ProgressScheme.ACHIEVEMENT
    )
    description = models.TextField(_("概要"), blank=True)
    source = models.CharField(_("出典"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = PlanManager()

    name_field = "title"

    class Meta:
        verbose_name = _("計画")
        verbose_name_plural = _("計画")
        ordering = ("order", "start_fiscal_year")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_fiscal_year__gte=models.F("start_fiscal_year")),
                name="%(app_label)s_%(class)s_period_in_order",
                violation_error_message=_("終了年度は開始年度以降にしてください。"),
            ),
            models.UniqueConstraint(
                fields=("area", "slug"),
                name="%(app_label)s_%(class)s_unique_area_slug",
                violation_error_message=_("この圏域には同じ識別名の計画が既にあります。"),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from .selectors import area_slug

        return reverse("kpi:plan_detail", kwargs={"area_slug": area_slug(self.area_id), "slug": self.slug})

    def natural_key(self):
        return (*self.area.natural_key(), self.slug)

    natural_key.dependencies = ["vision.metroarea"]

    def clean(self):
        if self.start_fiscal_year and self.end_fiscal_year and self.end_fiscal_year < self.start_fiscal_year:
            raise ValidationError({"end_fiscal_year": _("終了年度は開始年度以降にしてください。")})

    def contains_fiscal_year(self, fiscal_year):
        return self.start_fiscal_year <= fiscal_year <= self.end_fiscal_year

    @property
    def display_short_title(self):
        return translated(self, "short_title")

    def level_name(self, depth):
        """The name this plan gives to goals at `depth` (0 is the top level), in the page's language."""
        names = translated(self, "level_names")
        if 0 <= depth < len(names):
            return names[depth]
        return ""


class GoalQuerySet(models.QuerySet):
    def for_tree(self, plan):
        """All goals of a plan in document order, ready to be nested by `parent_id`."""
        return self.filter(plan=plan).order_by("order", "pk")


class GoalManager(models.Manager.from_queryset(GoalQuerySet)):
    def get_by_natural_key(self, area_slug, plan_slug, code):
        return self.get(plan__area__slug=area_slug, plan__slug=plan_slug, code=code)


class Goal(TranslatedName, models.Model):
    """A node of a plan's goal tree: a basic goal, a policy, a measure, a pillar or an initiative."""

    plan = models.ForeignKey(Plan, verbose_name=_("計画"), on_delete=models.CASCADE, related_name="goals")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位の目標"),
        on_delete=models.CASCADE,
        related_name="children",
        null=True,
        blank=True,
    )
    code = models.CharField(
        _("コード"),
        max_length=40,
        help_text=_("計画内で一意の識別子（例: G1, G1-P2, G1-P2-M3）。"),
    )
    number = models.CharField(_("番号（表記どおり）"), max_length=20, blank=True, help_text=_("例: 基本目標１、(1)、①"))
    number_en = models.CharField(
        _("番号の英語表記"), max_length=40, blank=True, help_text=_("番号に日本語を含むときだけ（例: Basic goal 1）。")
    )
    title = models.CharField(_("名称"), max_length=300)
    title_en = models.CharField(_("英語名（非公式訳）"), max_length=500, blank=True)
    level_label = models.CharField(
        _("階層名"),
        max_length=40,
        blank=True,
        help_text=_("計画の階層名と異なる呼び方をする目標のとき（例: リーディングプロジェクト）。"),
    )
    level_label_en = models.CharField(_("階層名の英語名（非公式訳）"), max_length=60, blank=True)
    description = models.TextField(_("内容"), blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = GoalManager()

    name_field = "title"

    class Meta:
        verbose_name = _("目標")
        verbose_name_plural = _("目標")
        ordering = ("plan", "order", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("plan", "code"),
                name="%(app_label)s_%(class)s_unique_plan_code",
                violation_error_message=_("この計画には同じコードの目標が既にあります。"),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self):
        from .selectors import area_slug

        return reverse(
            "kpi:goal_detail",
            kwargs={"area_slug": area_slug(self.plan.area_id), "plan_slug": self.plan.slug, "code": self.code},
        )

    def natural_key(self):
        return (*self.plan.natural_key(), self.code)

    natural_key.dependencies = ["vision.plan"]

    def clean(self):
        if self.parent_id and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": _("上位の目標は同じ計画の目標を選んでください。")})
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("目標を自分自身の下位に置くことはできません。")})
            ancestor = ancestor.parent

    def ancestors(self):
        """The goals above this one, top first."""
        chain = []
        goal = self.parent
        while goal is not None:
            chain.append(goal)
            goal = goal.parent
        return list(reversed(chain))

    @property
    def depth(self):
        return len(self.ancestors())

    @property
    def level_name(self):
        return translated(self, "level_label") or self.plan.level_name(self.depth)

    @property
    def display_name(self):
        """Number and name in the page's language, as `str()` gives them in Japanese."""
        return f"{translated(self, 'number')} {translated(self, 'title')}".strip()

    @property
    def display_title(self):
        return translated(self, "title")

    @property
    def display_number(self):
        return translated(self, "number")

    @property
    def official_name(self):
        return str(self)

    def path(self):
        """The names from the top of the tree down to this goal."""
        return [str(goal) for goal in [*self.ancestors(), self]]


class PassageQuerySet(models.QuerySet):
    def for_goal_pages(self, goals):
        """The passages written about `goals`, in document order (one query for a page of goals)."""
        return self.filter(Q(goal__in=goals) | Q(assessed_goal__in=goals)).order_by("order", "pk")

    def on_topic(self, area, topic):
        """A context page's passages, in document order."""
        return self.filter(area=area, topic=topic).order_by("order", "pk")


class PassageManager(models.Manager.from_queryset(PassageQuerySet)):
    def get_by_natural_key(self, area_slug, key):
        return self.get(area__slug=area_slug, key=key)


class Passage(TranslatedName, models.Model):
    """A passage of a source document, stored exactly as printed and cited by the document and its section."""

    class Topic(models.TextChoices):
        GOAL = "goal", _("目標についての記述")
        AREA = "area", _("圏域の現況とビジョンの構成")
        SCHEME = "scheme", _("連携中枢都市圏制度の概要")
        STRATEGY = "strategy", _("総合戦略の基本的考え方")
        PRIORITIES = "priorities", _("総合計画 後期計画の重点的取組")

    class Author(models.TextChoices):
        # Who wrote the words: the page says so beside the text (issue 13: who said what).
        DOCUMENT = "document", _("出典資料の本文")
        SELF_ASSESSMENT = "self_assessment", _("熊本市による自己評価（第2期総合戦略の本文）")
        PLAN = "plan", _("熊本市の方針（第2期総合戦略の本文）")
        OTHER_CITY = "other_city", _("他市の説明資料（熊本市についての記述ではありません）")

    area = models.ForeignKey(MetroArea, verbose_name=_("圏域"), on_delete=models.CASCADE, related_name="passages")
    key = models.SlugField(_("識別名"), max_length=80, help_text=_("圏域内で一意の識別子（例: s2-g1-review）。"))
    name_field = "heading"
    topic = models.CharField(_("ページ"), max_length=20, choices=Topic.choices)
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("目標"),
        on_delete=models.CASCADE,
        related_name="passages",
        null=True,
        blank=True,
        help_text=_("目標についての記述のとき、その目標。"),
    )
    assessed_goal = models.ForeignKey(
        Goal,
        verbose_name=_("検証の対象とした目標"),
        on_delete=models.SET_NULL,
        related_name="assessments",
        null=True,
        blank=True,
        help_text=_("前の計画の目標を検証した記述のとき、その目標（例: 第１期の基本目標）。"),
    )
    author = models.CharField(_("書き手"), max_length=20, choices=Author.choices, default=Author.DOCUMENT)
    document = models.CharField(_("出典資料"), max_length=200, help_text=_("資料の題名（表記どおり）。"))
    section = models.CharField(_("節"), max_length=200, help_text=_("資料の中の見出し（表記どおり）。"))
    heading = models.CharField(_("見出し"), max_length=200, blank=True)
    heading_en = models.CharField(_("見出しの英語表記（非公式訳）"), max_length=300, blank=True)
    text = models.TextField(_("本文"), help_text=_("資料の表記どおり（PDF抽出で入った改行と空白だけを除く）。"))
    inference = models.TextField(
        _("編集上の推定"),
        blank=True,
        help_text=_("資料に書かれておらず、ポータルの編集者が推定したこと（例: 見出しと本文の対応）とその理由。"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    objects = PassageManager()

    class Meta:
        verbose_name = _("出典資料の一節")
        verbose_name_plural = _("出典資料の一節")
        ordering = ("area", "topic", "order", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("area", "key"),
                name="%(app_label)s_%(class)s_unique_area_key",
                violation_error_message=_("この圏域には同じ識別名の一節が既にあります。"),
            ),
        ]

    def __str__(self):
        return f"{self.document} {self.section} {self.heading}".strip()

    def natural_key(self):
        return (*self.area.natural_key(), self.key)

    natural_key.dependencies = ["vision.metroarea", "vision.goal"]

    @property
    def paragraphs(self):
        """The text's paragraphs (or a list's lines), as printed."""
        return [line for line in self.text.split("\n") if line]


class ReferenceRecord(models.Model):
    """参照データの1行について、前回の読込みで書き込んだ各項目の値（次の読込みで職員の編集を見分けるため）。"""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("モデル"), on_delete=models.CASCADE, related_name="+"
    )
    natural_key = models.TextField(_("自然キー"), help_text=_("行を識別する自然キー（JSON）。"))
    values = models.JSONField(_("読み込んだ値"), default=dict, help_text=_("項目名ごとの、前回読み込んだ値。"))
    loaded_at = models.DateTimeField(_("読込み日時"), auto_now=True)

    class Meta:
        verbose_name = _("参照データの読込み記録")
        verbose_name_plural = _("参照データの読込み記録")
        ordering = ("content_type", "natural_key")
        constraints = [
            models.UniqueConstraint(
                fields=("content_type", "natural_key"),
                name="%(app_label)s_%(class)s_unique_row",
                violation_error_message=_("この行の読込み記録は既にあります。"),
            ),
        ]

    def __str__(self):
        return f"{self.content_type.app_label}.{self.content_type.model} {self.natural_key}"


class DataVersion(models.Model):
    """公開データの版（データが変わるたびに1つ進む番号。公開ページのキャッシュと ETag の鍵）。"""

    SINGLETON = 1

    value = models.BigIntegerField(_("版"), default=0)

    class Meta:
        verbose_name = _("公開データの版")
        verbose_name_plural = _("公開データの版")

    def __str__(self):
        return str(self.value)


class PendingUpload(models.Model):
    """取込みファイルの一時保管（確認前のドライラン結果を確定するまでの間。どのアプリサーバーからも読める）。"""

    token = models.CharField(_("確認用トークン"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("アップロードした利用者"), on_delete=models.CASCADE
    )
    suffix = models.CharField(_("形式"), max_length=8)
    data = models.BinaryField(_("ファイルの内容"))
    meta = models.JSONField(_("確認時の情報"), default=dict)
    created_at = models.DateTimeField(_("アップロード日時"), auto_now_add=True, db_index=True)

    # Not public data: a stash does not move the public data version (vision.dataversion).
    is_public_data = False

    class Meta:
        verbose_name = _("確認待ちの取込みファイル")
        verbose_name_plural = _("確認待ちの取込みファイル")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class BackgroundJob(models.Model):
    """時間のかかる処理（大きなファイルの取込み、全シートの PDF）の状態・進み具合・結果。依頼した本人だけが見る。"""

    class Kind(models.TextChoices):
        IMPORT = "import", _("一括取込み")
        # the check of a large file before its import: nothing written, a preview and the confirmation to follow
        IMPORT_CHECK = "import_check", _("一括取込みの確認")
        SHEETS_PDF = "sheets_pdf", _("全シートの PDF")

    class State(models.TextChoices):
        QUEUED = "queued", _("待機中")
        RUNNING = "running", _("実行中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("依頼した利用者"), on_delete=models.CASCADE, related_name="+"
    )
    # What the job works on, for finding it again: the model's label of an import ("kpi.observation"), the
    # area and year of a PDF ("kumamoto/2025").
    subject = models.CharField(_("対象"), max_length=100, blank=True)
    state = models.CharField(_("状態"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("処理済み"), default=0)
    total = models.PositiveIntegerField(_("全体"), default=0)
    message = models.TextField(_("メッセージ"), blank=True)
    result = models.JSONField(_("結果"), default=dict, blank=True)
    output = models.BinaryField(_("作成したファイル"), null=True, blank=True)
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    # Not public data: a job's progress does not move the public data version (vision.dataversion).
    is_public_data = False

    class Meta:
        verbose_name = _("バックグラウンド処理")
        verbose_name_plural = _("バックグラウンド処理")
        constraints = [
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")) | Q(total=0),
                name="%(app_label)s_%(class)s_done_within_total",
                violation_error_message=_("処理済みの件数が全体の件数を超えています。"),
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(state__in=("done", "failed")),
                name="%(app_label)s_%(class)s_finished_only_when_over",
                violation_error_message=_("終了日時は、完了または失敗した処理にだけあります。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_state_display()})"

    @property
    def is_over(self):
        return self.state in (self.State.DONE, self.State.FAILED)
