from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vision.models import AreaMembership, Goal, MetroArea, Municipality
from vision.translation import TranslatedName, translated


class PillarManager(models.Manager):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class Pillar(TranslatedName, models.Model):
    """One of the scheme's three pillars, each the subject of one schedule (別表) of an agreement."""

    number = models.PositiveSmallIntegerField(_("番号"), unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    name_en = models.CharField(_("英語名（非公式訳）"), max_length=200, blank=True)
    short_name = models.CharField(_("略称"), max_length=50)
    short_name_en = models.CharField(_("英語の略称（非公式訳）"), max_length=100, blank=True)
    schedule_label = models.CharField(_("別表"), max_length=20, help_text=_("例: 別表第1"))

    objects = PillarManager()

    class Meta:
        verbose_name = _("取組の柱")
        verbose_name_plural = _("取組の柱")
        ordering = ("number",)
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=3),
                name="%(app_label)s_%(class)s_number_1_to_3",
                violation_error_message=_("柱の番号は1から3です。"),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.number,)

    @property
    def display_short_name(self):
        return translated(self, "short_name")


class PolicyAreaGroupManager(models.Manager):
    def get_by_natural_key(self, pillar_number, number):
        return self.get(pillar__number=pillar_number, number=number)


class PolicyAreaGroup(TranslatedName, models.Model):
    """A group of policy areas inside a pillar (pillar 3 has three: 生活機能, ネットワーク, マネジメント)."""

    pillar = models.ForeignKey(Pillar, verbose_name=_("柱"), on_delete=models.PROTECT, related_name="groups")
    number = models.PositiveSmallIntegerField(_("番号"))
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英語名（非公式訳）"), max_length=200, blank=True)

    objects = PolicyAreaGroupManager()

    class Meta:
        verbose_name = _("政策分野のグループ")
        verbose_name_plural = _("政策分野のグループ")
        ordering = ("pillar__number", "number")
        constraints = [
            models.UniqueConstraint(
                fields=("pillar", "number"),
                name="%(app_label)s_%(class)s_unique_pillar_number",
                violation_error_message=_("この柱には同じ番号のグループが既にあります。"),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    def natural_key(self):
        return (*self.pillar.natural_key(), self.number)

    natural_key.dependencies = ["agreements.pillar"]


class PolicyAreaQuerySet(models.QuerySet):
    def in_document_order(self):
        return self.select_related("pillar", "group").order_by("pillar__number", "group__number", "number")


class PolicyAreaManager(models.Manager.from_queryset(PolicyAreaQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class PolicyArea(TranslatedName, models.Model):
    """A policy area (政策分野) of the scheme, shared by every agreement that names it."""

    code = models.CharField(
        _("コード"),
        max_length=20,
        unique=True,
        help_text=_("柱・グループ・番号からなる識別子（例: 1-2, 3-1-10）。取込みで使います。"),
    )
    pillar = models.ForeignKey(Pillar, verbose_name=_("柱"), on_delete=models.PROTECT, related_name="policy_areas")
    group = models.ForeignKey(
        PolicyAreaGroup,
        verbose_name=_("グループ"),
        on_delete=models.PROTECT,
        related_name="policy_areas",
        null=True,
        blank=True,
    )
    number = models.PositiveSmallIntegerField(_("番号"))
    name = models.CharField(_("名称"), max_length=100, unique=True)
    name_en = models.CharField(_("英語名（非公式訳）"), max_length=200, blank=True)
    vision_goals = models.ManyToManyField(
        Goal,
        verbose_name=_("ビジョンの対応する目標"),
        through="VisionGoalLink",
        related_name="policy_areas",
        blank=True,
    )

    objects = PolicyAreaManager()

    class Meta:
        verbose_name = _("政策分野")
        verbose_name_plural = _("政策分野")
        ordering = ("pillar__number", "group__number", "number")
        constraints = [
            models.UniqueConstraint(
                fields=("pillar", "group", "number"),
                name="%(app_label)s_%(class)s_unique_position",
                violation_error_message=_("同じ柱・グループに同じ番号の政策分野が既にあります。"),
            ),
        ]

    def __str__(self):
        return f"({self.number}) {self.name}"

    def get_absolute_url(self):
        # A policy area is shared by every area; its page lives under the default area unless a view passes one.
        from django.conf import settings

        return reverse("agreements:policy_area_detail", kwargs={"area_slug": settings.DEFAULT_AREA, "code": self.code})

    def natural_key(self):
        return (self.code,)

    def clean(self):
        if self.group_id and self.pillar_id and self.group.pillar_id != self.pillar_id:
            raise ValidationError({"group": _("グループは同じ柱のものを選んでください。")})


class AgreementQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(status=Agreement.Status.IN_FORCE)

    def public(self):
        """Agreements the public may read: once signed (drafts and resolutions are staff-only)."""
        return self.filter(status__in=Agreement.PUBLIC_STATUSES)

    def with_parties(self):
        return self.select_related("area", "central_city", "partner")

    def with_contents(self):
        """Agreements with their articles and role table (policy areas included) prefetched."""
        return self.with_parties().prefetch_related(
            "articles",
            models.Prefetch(
                "roles",
                queryset=RoleAssignment.objects.select_related("policy_area__pillar", "policy_area__group").order_by(
                    "order"
                ),
            ),
        )


class AgreementManager(models.Manager.from_queryset(AgreementQuerySet)):
    def get_by_natural_key(self, central_lg_code, partner_lg_code, version):
        return self.get(central_city__lg_code=central_lg_code, partner__lg_code=partner_lg_code, version=version)


class Agreement(TranslatedName, models.Model):
    """One version of a 連携協約 between the central city (甲) and one partner (乙).

    An amendment (変更) follows the same procedure as the original (地方自治法第252条の2第4項), so it is a
    new row pointing at the version it amends; the earlier versions stay as they were signed.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("案")
        RESOLVED = "resolved", _("議決済み")
        SIGNED = "signed", _("締結済み")
        IN_FORCE = "in_force", _("効力発生中")
        AMENDED = "amended", _("変更済み（旧版）")
        ABOLISHED = "abolished", _("廃止")

    PUBLIC_STATUSES = (Status.SIGNED, Status.IN_FORCE, Status.AMENDED, Status.ABOLISHED)
    DEFAULT_LEGAL_BASIS = "地方自治法（昭和22年法律第67号）第252条の2第1項"

    area = models.ForeignKey(
        MetroArea, verbose_name=_("連携中枢都市圏"), on_delete=models.PROTECT, related_name="agreements"
    )
    central_city = models.ForeignKey(
        Municipality,
        verbose_name=_("甲（連携中枢都市）"),
        on_delete=models.PROTECT,
        related_name="agreements_as_central_city",
    )
    partner = models.ForeignKey(
        Municipality,
        verbose_name=_("乙（連携市町村）"),
        on_delete=models.PROTECT,
        related_name="agreements_as_partner",
    )
    department = models.ForeignKey(
        "vision.Department",
        verbose_name=_("所管課（甲）"),
        on_delete=models.PROTECT,
        related_name="agreements",
        null=True,
        blank=True,
        help_text=_(
            "連携中枢都市の側でこの連携協約を担当する所管課。部局編集者のうち編集できるのは、この所管課と"
            "乙の市町村の所管課の職員だけです。"
        ),
    )
    version = models.PositiveSmallIntegerField(
        _("版"), default=1, help_text=_("締結時を1とし、変更のたびに1つ増えます。")
    )
    previous_version = models.OneToOneField(
        "self",
        verbose_name=_("変更前の版"),
        on_delete=models.PROTECT,
        related_name="next_version",
        null=True,
        blank=True,
    )
    title = models.CharField(_("名称"), max_length=200)
    title_en = models.CharField(_("英語名（非公式訳）"), max_length=300, blank=True)
    legal_basis = models.CharField(_("根拠法令"), max_length=200, default=DEFAULT_LEGAL_BASIS)
    preamble = models.TextField(_("前文"), blank=True)
    closing = models.TextField(_("末文"), blank=True)
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    central_council_resolved_on = models.DateField(_("甲の議会の議決日"), null=True, blank=True)
    partner_council_resolved_on = models.DateField(_("乙の議会の議決日"), null=True, blank=True)
    signed_on = models.DateField(_("締結日"), null=True, blank=True)
    notified_on = models.DateField(_("告示日"), null=True, blank=True)
    ended_on = models.DateField(
        _("効力を失った日"), null=True, blank=True, help_text=_("変更または廃止により効力を失った日。")
    )
    central_address = models.CharField(_("甲の所在地"), max_length=200, blank=True)
    central_signatory = models.CharField(_("甲の記名者"), max_length=100, blank=True)
    partner_address = models.CharField(_("乙の所在地"), max_length=200, blank=True)
    partner_signatory = models.CharField(_("乙の記名者"), max_length=100, blank=True)
    change_summary = models.TextField(_("変更の概要"), blank=True)
    source = models.CharField(_("出典"), max_length=300, blank=True)
    notes = models.TextField(_("備考"), blank=True)

    lock_version = models.PositiveIntegerField(
        _("版（同時編集の確認用）"), default=1, help_text=_("保存のたびに1つ増え、古い画面からの保存を見分けます。")
    )

    objects = AgreementManager()

    name_field = "title"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("連携協約")
        verbose_name_plural = _("連携協約")
        ordering = ("partner__lg_code", "version")
        constraints = [
            models.UniqueConstraint(
                fields=("central_city", "partner"),
                condition=Q(status="in_force"),
                name="%(app_label)s_%(class)s_one_in_force_per_pair",
                violation_error_message=_("この市町村との間には既に効力発生中の連携協約があります。"),
            ),
            models.UniqueConstraint(
                fields=("central_city", "partner", "version"),
                name="%(app_label)s_%(class)s_unique_pair_version",
                violation_error_message=_("この市町村との連携協約には同じ版が既にあります。"),
            ),
            models.CheckConstraint(
                condition=~Q(central_city=models.F("partner")),
                name="%(app_label)s_%(class)s_parties_differ",
                violation_error_message=_("甲と乙に同じ市町村は指定できません。"),
            ),
            models.CheckConstraint(
                condition=Q(status__in=("draft", "resolved")) | Q(signed_on__isnull=False),
                name="%(app_label)s_%(class)s_signed_has_date",
                violation_error_message=_("締結済みの連携協約には締結日を入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(version=1) | Q(previous_version__isnull=False),
                name="%(app_label)s_%(class)s_amendment_has_previous",
                violation_error_message=_("第2版以降には変更前の版を指定してください。"),
            ),
        ]

    def __str__(self):
        label = (
            f"{self.central_city}・{self.partner} {self.title}"
            if self.title
            else f"{self.central_city}・{self.partner}"
        )
        return f"{label}（第{self.version}版）" if self.version > 1 else label

    def get_absolute_url(self):
        from vision.selectors import area_slug

        return reverse("agreements:agreement_detail", kwargs={"area_slug": area_slug(self.area_id), "pk": self.pk})

    @property
    def partner_url(self):
        """The partner's page in this agreement's area."""
        return self.partner.url_in_area(self.area_id)

    @property
    def central_city_url(self):
        return self.central_city.url_in_area(self.area_id)

    def natural_key(self):
        return (self.central_city.lg_code, self.partner.lg_code, self.version)

    natural_key.dependencies = ["vision.municipality"]

    def clean(self):
        errors = {}
        central = self.central_city if self.central_city_id else None
        partner = self.partner if self.partner_id else None
        memberships = {
            membership.municipality_id: membership
            for membership in AreaMembership.objects.filter(
                area_id=self.area_id, municipality_id__in=[m.pk for m in (central, partner) if m is not None]
            )
        }
        if central is not None and self.area_id:
            if central.pk not in memberships:
                errors["central_city"] = _("甲には %(area)s の連携中枢都市を指定してください。") % {"area": self.area}
            elif not memberships[central.pk].is_central_city:
                errors["central_city"] = _(
                    "甲には連携中枢都市を指定してください（%(name)s は連携中枢都市ではありません）。"
                ) % {"name": central.name}
        if partner is not None:
            if central is not None and partner.pk == central.pk:
                errors["partner"] = _("甲と乙に同じ市町村は指定できません。")
            elif self.area_id and partner.pk not in memberships:
                errors["partner"] = _("乙は %(area)s の構成市町村から選んでください。") % {"area": self.area}
            elif self.area_id and memberships[partner.pk].is_central_city:
                errors["partner"] = _("乙には連携中枢都市ではない市町村を指定してください。")
        if self.department_id and central is not None and self.department.municipality_id != central.pk:
            errors["department"] = _("所管課には甲（%(name)s）の所管課を選んでください。") % {"name": central.name}
        if self.status not in (self.Status.DRAFT, self.Status.RESOLVED) and self.signed_on is None:
            errors["signed_on"] = _("締結済みの連携協約には締結日を入力してください。")
        if self.previous_version_id:
            previous = self.previous_version
            if previous.partner_id != self.partner_id:
                errors["partner"] = _("変更案の乙は変更前の版と同じ市町村（%(name)s）にしてください。") % {
                    "name": previous.partner
                }
            elif previous.central_city_id != self.central_city_id:
                errors["central_city"] = _("変更案の甲は変更前の版と同じ市町村にしてください。")
            elif self.version != previous.version + 1:
                errors["version"] = _("版は変更前の版の次の番号（%(number)s）にしてください。") % {
                    "number": previous.version + 1
                }
        elif self.version != 1:
            errors["previous_version"] = _("第2版以降には変更前の版を指定してください。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_editable(self):
        """Only drafts are edited in place; a signed text changes by amendment."""
        return self.status == self.Status.DRAFT

    def versions(self):
        """Every version of this pair's agreement, oldest first."""
        return Agreement.objects.filter(central_city_id=self.central_city_id, partner_id=self.partner_id).order_by(
            "version"
        )


class ArticleManager(models.Manager):
    def get_by_natural_key(self, central_lg_code, partner_lg_code, version, number):
        return self.get(
            agreement=Agreement.objects.get_by_natural_key(central_lg_code, partner_lg_code, version), number=number
        )


class Article(TranslatedName, models.Model):
    """An article (条) of an agreement, as signed."""

    class Kind(models.TextChoices):
        PURPOSE = "purpose", _("目的")
        BASIC_POLICY = "basic_policy", _("基本方針")
        ROLES = "roles", _("連携する取組及び役割分担")
        COST_SHARING = "cost_sharing", _("費用分担")
        LIAISON = "liaison", _("連絡会議")
        OTHER = "other", _("その他")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("連携協約"), on_delete=models.CASCADE, related_name="articles"
    )
    number = models.PositiveSmallIntegerField(_("条"))
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    heading = models.CharField(_("見出し"), max_length=100)
    heading_en = models.CharField(_("見出しの英語名（非公式訳）"), max_length=200, blank=True)
    body = models.TextField(_("本文"))

    objects = ArticleManager()

    name_field = "heading"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("条")
        verbose_name_plural = _("条")
        ordering = ("agreement", "number")
        constraints = [
            models.UniqueConstraint(
                fields=("agreement", "number"),
                name="%(app_label)s_%(class)s_unique_agreement_number",
                violation_error_message=_("この連携協約には同じ番号の条が既にあります。"),
            ),
        ]

    def __str__(self):
        return f"第{self.number}条（{self.heading}）"

    def natural_key(self):
        return (*self.agreement.natural_key(), self.number)

    natural_key.dependencies = ["agreements.agreement"]


class RoleAssignmentManager(models.Manager):
    def get_by_natural_key(self, central_lg_code, partner_lg_code, version, policy_area_code):
        return self.get(
            agreement=Agreement.objects.get_by_natural_key(central_lg_code, partner_lg_code, version),
            policy_area__code=policy_area_code,
        )


class RoleAssignment(models.Model):
    """A row of an agreement's role table: the work in one policy area and what 甲 and 乙 each do."""

    agreement = models.ForeignKey(Agreement, verbose_name=_("連携協約"), on_delete=models.CASCADE, related_name="roles")
    policy_area = models.ForeignKey(
        PolicyArea, verbose_name=_("政策分野"), on_delete=models.PROTECT, related_name="roles"
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0, help_text=_("協約書での並び順。"))
    initiative = models.TextField(_("取組内容"))
    central_role = models.TextField(_("甲の役割"))
    partner_role = models.TextField(_("乙の役割"))
    lock_version = models.PositiveIntegerField(
        _("版（同時編集の確認用）"), default=1, help_text=_("保存のたびに1つ増え、古い画面からの保存を見分けます。")
    )

    objects = RoleAssignmentManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("役割分担")
        verbose_name_plural = _("役割分担（別表）")
        ordering = ("agreement", "order")
        constraints = [
            models.UniqueConstraint(
                fields=("agreement", "policy_area"),
                name="%(app_label)s_%(class)s_unique_agreement_policy_area",
                violation_error_message=_("この政策分野は、この連携協約の別表に既に記載されています。"),
            ),
        ]

    def __str__(self):
        return f"{self.agreement} / {self.policy_area}"

    def get_absolute_url(self):
        return self.url_within(self.agreement.get_absolute_url())

    def url_within(self, agreement_url):
        """This row's place on its agreement's page, given that page's URL (a list of many rows reverses it once)."""
        return f"{agreement_url}#role-{self.policy_area.code}"

    def natural_key(self):
        return (*self.agreement.natural_key(), self.policy_area.code)

    natural_key.dependencies = ["agreements.agreement", "agreements.policyarea"]


class VisionGoalLinkManager(models.Manager):
    def get_by_natural_key(self, policy_area_code, area_slug, plan_slug, goal_code):
        return self.get(
            policy_area__code=policy_area_code,
            goal__plan__area__slug=area_slug,
            goal__plan__slug=plan_slug,
            goal__code=goal_code,
        )


class VisionGoalLink(models.Model):
    """Says that a goal of a vision is the same policy area as one named in the agreements."""

    policy_area = models.ForeignKey(
        PolicyArea, verbose_name=_("政策分野"), on_delete=models.CASCADE, related_name="vision_links"
    )
    goal = models.ForeignKey(Goal, verbose_name=_("ビジョンの目標"), on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("注記"), max_length=200, blank=True, help_text=_("名称が異なる場合の対応の根拠など。"))

    objects = VisionGoalLinkManager()

    class Meta:
        verbose_name = _("ビジョンとの対応")
        verbose_name_plural = _("ビジョンとの対応")
        constraints = [
            models.UniqueConstraint(
                fields=("policy_area", "goal"),
                name="%(app_label)s_%(class)s_unique_policy_area_goal",
                violation_error_message=_("この政策分野とこの目標の対応は既に登録されています。"),
            ),
        ]

    def __str__(self):
        return f"{self.policy_area} = {self.goal}"

    def natural_key(self):
        return (self.policy_area.code, *self.goal.natural_key())

    natural_key.dependencies = ["agreements.policyarea", "vision.goal"]
