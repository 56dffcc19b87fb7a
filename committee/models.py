import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kpi.models import Indicator
from vision.models import Goal, MetroArea, Plan
from vision.translation import TranslatedName, translated
from vision.wareki import fiscal_year_of

from . import rules

FISCAL_YEAR_VALIDATORS = [MinValueValidator(1989), MaxValueValidator(2100)]

# Shared by clean(), the services and the admin, so every layer refuses a closed review in the same words.
REVIEW_CLOSED_MESSAGE = _("締め切った検証は変更・削除できません。")


class CommitteeManager(models.Manager):
    def get_by_natural_key(self, area_slug, slug):
        return self.get(area__slug=area_slug, slug=slug)


class Committee(TranslatedName, models.Model):
    """A verification committee (検証委員会) that reviews a strategy's progress every year."""

    class DecisionRule(models.TextChoices):
        MAJORITY_OF_PRESENT = "majority", _("出席委員の過半数（可否同数のときは議長が決する）")
        TWO_THIRDS_OF_PRESENT = "two_thirds", _("出席委員の3分の2以上")

    area = models.ForeignKey(
        MetroArea,
        verbose_name=_("連携中枢都市圏"),
        on_delete=models.PROTECT,
        related_name="committees",
        help_text=_("委員会を置く圏域。検証する計画はこの圏域の計画から選びます。"),
    )
    slug = models.SlugField(_("識別名"), help_text=_("圏域内で一意の、半角英数字の識別名。"))
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英語名（非公式訳）"), max_length=300, blank=True)
    short_name = models.CharField(_("略称"), max_length=100, blank=True)
    short_name_en = models.CharField(_("英語の略称（非公式訳）"), max_length=200, blank=True)
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("検証する計画"),
        on_delete=models.PROTECT,
        related_name="committees",
        null=True,
        blank=True,
        help_text=_("委員会が現在検証している総合戦略。年度ごとの検証の対象は各「検証」に記録します。"),
    )
    established_on = models.DateField(_("設置日"), null=True, blank=True)
    established_fiscal_year = models.PositiveSmallIntegerField(
        _("設置年度（西暦）"),
        null=True,
        blank=True,
        validators=FISCAL_YEAR_VALIDATORS,
        help_text=_("資料に設置の年度だけが書かれているとき。"),
    )
    rules_title = models.CharField(_("運営要綱の名称"), max_length=200, blank=True)
    rules = models.TextField(_("運営要綱"), blank=True, help_text=_("本文を資料の表記どおりに。"))
    rules_enacted_on = models.DateField(_("運営要綱の制定日"), null=True, blank=True)
    rules_amended_on = models.DateField(_("運営要綱の最終改正日"), null=True, blank=True)
    quorum_numerator = models.PositiveSmallIntegerField(
        _("定足数（分子）"),
        default=1,
        help_text=_("委員の何分のいくつ以上の出席で会議を開けるか（半数以上なら 1/2）。"),
    )
    quorum_denominator = models.PositiveSmallIntegerField(_("定足数（分母）"), default=2)
    decision_rule = models.CharField(
        _("議決の方法"), max_length=20, choices=DecisionRule.choices, default=DecisionRule.MAJORITY_OF_PRESENT
    )
    meetings_public_by_default = models.BooleanField(_("会議は原則公開"), default=True)
    closing_vote_numerator = models.PositiveSmallIntegerField(
        _("非公開の議決（分子）"),
        null=True,
        blank=True,
        help_text=_("会議を非公開とする議決に必要な出席委員の割合（3分の2以上なら 2/3）。"),
    )
    closing_vote_denominator = models.PositiveSmallIntegerField(_("非公開の議決（分母）"), null=True, blank=True)
    max_term_years = models.PositiveSmallIntegerField(_("委員の任期の上限（年）"), null=True, blank=True)
    secretariat = models.CharField(_("庶務担当"), max_length=200, blank=True)
    source = models.CharField(_("出典"), max_length=300, blank=True)

    objects = CommitteeManager()

    class Meta:
        verbose_name = _("検証委員会")
        verbose_name_plural = _("検証委員会")
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_numerator__gt=0, quorum_numerator__lte=F("quorum_denominator")),
                name="%(app_label)s_%(class)s_quorum_is_a_fraction",
                violation_error_message=_("定足数は 0 より大きく 1 以下の分数で入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(closing_vote_numerator__isnull=True, closing_vote_denominator__isnull=True)
                | Q(closing_vote_numerator__gt=0, closing_vote_numerator__lte=F("closing_vote_denominator")),
                name="%(app_label)s_%(class)s_closing_vote_is_a_fraction",
                violation_error_message=_(
                    "非公開の議決の割合は、分子と分母をそろえて 1 以下の分数で入力してください。"
                ),
            ),
            models.UniqueConstraint(
                fields=("area", "slug"),
                name="%(app_label)s_%(class)s_unique_area_slug",
                violation_error_message=_("この圏域には同じ識別名の検証委員会が既にあります。"),
            ),
            models.UniqueConstraint(
                fields=("area", "name"),
                name="%(app_label)s_%(class)s_unique_area_name",
                violation_error_message=_("この圏域には同じ名称の検証委員会が既にあります。"),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.area.natural_key(), self.slug)

    natural_key.dependencies = ["vision.metroarea"]

    def clean(self):
        errors = {}
        if self.plan_id is not None and self.area_id is not None and self.plan.area_id != self.area_id:
            errors["plan"] = _("委員会の圏域の計画を選んでください。")
        if self.quorum_numerator is not None and self.quorum_denominator is not None:
            if not 0 < self.quorum_numerator <= self.quorum_denominator:
                errors["quorum_numerator"] = _("定足数は 0 より大きく 1 以下の分数で入力してください。")
        numerator, denominator = self.closing_vote_numerator, self.closing_vote_denominator
        if (numerator is None) != (denominator is None) or (numerator is not None and not 0 < numerator <= denominator):
            errors["closing_vote_numerator"] = _(
                "非公開の議決の割合は、分子と分母をそろえて 1 以下の分数で入力してください。"
            )
        if errors:
            raise ValidationError(errors)

    def has_quorum(self, members, present):
        """Whether `present` of `members` may hold a meeting under this committee's rules."""
        return rules.has_quorum(members, present, self.quorum_numerator, self.quorum_denominator)

    @property
    def display_short_name(self):
        return translated(self, "short_name")


class MemberQuerySet(models.QuerySet):
    def in_office_on(self, day):
        """Members holding an appointment on `day`."""
        return self.filter(models.Exists(Appointment.objects.in_office_on(day).filter(member=models.OuterRef("pk"))))


class MemberManager(models.Manager.from_queryset(MemberQuerySet)):
    def get_by_natural_key(self, area_slug, committee_slug, name):
        return self.get(committee__area__slug=area_slug, committee__slug=committee_slug, name=name)


class Member(TranslatedName, models.Model):
    """A person on a committee's roster (委員名簿), whatever the number of their terms."""

    class Sector(models.TextChoices):
        INDUSTRY = "industry", _("産")
        GOVERNMENT = "government", _("官")
        ACADEMIA = "academia", _("学")
        FINANCE = "finance", _("金")
        LABOUR = "labour", _("労")
        MEDIA = "media", _("言")
        CITIZEN = "citizen", _("市民・その他")

    committee = models.ForeignKey(
        Committee, verbose_name=_("検証委員会"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("氏名"), max_length=100, help_text=_("名簿の表記どおり（姓と名の間の全角空白も）。"))
    kana = models.CharField(_("ふりがな"), max_length=100, blank=True, help_text=_("資料に記載がなければ空欄。"))
    name_en = models.CharField(_("ローマ字表記"), max_length=100, blank=True, help_text=_("例: Hanako Yamada"))
    affiliation = models.CharField(_("所属団体等・役職"), max_length=300, blank=True, help_text=_("名簿の表記どおり。"))
    sector = models.CharField(
        _("分野"),
        max_length=20,
        choices=Sector.choices,
        blank=True,
        help_text=_("資料に分野の記載があるときだけ入力します。"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ログインアカウント"),
        on_delete=models.SET_NULL,
        related_name="committee_memberships",
        null=True,
        blank=True,
        help_text=_("委員がポータルで意見を読み書きするためのアカウント。"),
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    note = models.TextField(_("備考"), blank=True)

    objects = MemberManager()

    class Meta:
        verbose_name = _("委員")
        verbose_name_plural = _("委員")
        ordering = ("committee", "order", "kana", "name")
        constraints = [
            models.UniqueConstraint(
                fields=("committee", "name"),
                name="%(app_label)s_%(class)s_unique_committee_name",
                violation_error_message=_("この委員会には同じ氏名の委員が既に登録されています。"),
            ),
            models.UniqueConstraint(
                fields=("committee", "user"),
                condition=Q(user__isnull=False),
                name="%(app_label)s_%(class)s_unique_committee_user",
                violation_error_message=_("このアカウントはこの委員会の別の委員に既に結び付けられています。"),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.committee.natural_key(), self.name)

    natural_key.dependencies = ["committee.committee"]


class AppointmentQuerySet(models.QuerySet):
    def in_office_on(self, day):
        """Appointments whose term covers `day`."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


class AppointmentManager(models.Manager.from_queryset(AppointmentQuerySet)):
    def get_by_natural_key(self, area_slug, committee_slug, name, starts_on):
        return self.get(
            member__committee__area__slug=area_slug,
            member__committee__slug=committee_slug,
            member__name=name,
            starts_on=starts_on,
        )


class Appointment(models.Model):
    """One term of appointment (委嘱期間) of a member, possibly filling a vacancy left by another member."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("委員長")
        VICE_CHAIR = "vice_chair", _("副委員長")
        MEMBER = "member", _("委員")

    member = models.ForeignKey(Member, verbose_name=_("委員"), on_delete=models.CASCADE, related_name="appointments")
    starts_on = models.DateField(_("委嘱期間の始期"))
    ends_on = models.DateField(_("委嘱期間の終期"), null=True, blank=True)
    role = models.CharField(
        _("役職"), max_length=20, choices=Role.choices, blank=True, help_text=_("資料に記載がなければ空欄。")
    )
    replaced_member = models.ForeignKey(
        Member,
        verbose_name=_("前任の委員"),
        on_delete=models.PROTECT,
        related_name="successor_appointments",
        null=True,
        blank=True,
        help_text=_("欠員を補う補欠委員のとき、その前任者（任期は前任者の残任期間）。"),
    )
    printed_term = models.CharField(
        _("委嘱期間（資料の表記）"), max_length=100, blank=True, help_text=_("例: 委嘱期間：（2018.7.13～2021.3.31）")
    )
    note = models.TextField(_("備考"), blank=True)

    objects = AppointmentManager()

    class Meta:
        verbose_name = _("委嘱期間")
        verbose_name_plural = _("委嘱期間")
        ordering = ("member", "starts_on")
        constraints = [
            models.UniqueConstraint(
                fields=("member", "starts_on"),
                name="%(app_label)s_%(class)s_unique_member_start",
                violation_error_message=_("この委員には同じ日に始まる委嘱期間が既に登録されています。"),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("委嘱期間の終期は始期以降の日付にしてください。"),
            ),
            models.CheckConstraint(
                condition=~Q(replaced_member=F("member")),
                name="%(app_label)s_%(class)s_not_replacing_oneself",
                violation_error_message=_("前任の委員に本人は指定できません。"),
            ),
        ]

    def __str__(self):
        return f"{self.member} {self.starts_on}〜{self.ends_on or ''}"

    def natural_key(self):
        return (*self.member.natural_key(), self.starts_on.isoformat())

    natural_key.dependencies = ["committee.member"]

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("委嘱期間の終期は始期以降の日付にしてください。")
        elif self.starts_on and self.ends_on and self.member_id:
            limit = self.member.committee.max_term_years
            # 運営要綱第4条: 委員の任期は３年以内
            if limit and not rules.term_within_limit(self.starts_on, self.ends_on, limit):
                errors["ends_on"] = _("委員の任期は %(years)d 年以内です。") % {"years": limit}
        if self.replaced_member_id and self.member_id:
            if self.replaced_member_id == self.member_id:
                errors["replaced_member"] = _("前任の委員に本人は指定できません。")
            elif self.replaced_member.committee_id != self.member.committee_id:
                errors["replaced_member"] = _("前任の委員は同じ委員会の委員を選んでください。")
        if errors:
            raise ValidationError(errors)


class MeetingQuerySet(models.QuerySet):
    def for_listing(self):
        """Meetings with their committee, agenda and documents, oldest first."""
        return (
            self.select_related("committee").prefetch_related("agenda_items", "documents").order_by("held_on", "number")
        )


class MeetingManager(models.Manager.from_queryset(MeetingQuerySet)):
    def get_by_natural_key(self, area_slug, committee_slug, fiscal_year, number):
        return self.get(
            committee__area__slug=area_slug, committee__slug=committee_slug, fiscal_year=fiscal_year, number=number
        )


class Meeting(models.Model):
    """A meeting of a committee (第N回), numbered within its fiscal year."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("検証委員会"), on_delete=models.CASCADE, related_name="meetings"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度（西暦）"),
        validators=FISCAL_YEAR_VALIDATORS,
        help_text=_("回の番号を数える年度。開催日の年度と一致します。"),
    )
    number = models.PositiveSmallIntegerField(_("回"), help_text=_("第N回の N。"))
    held_on = models.DateField(_("開催日"))
    starts_at = models.TimeField(_("開始時刻"), null=True, blank=True)
    ends_at = models.TimeField(_("終了時刻"), null=True, blank=True)
    place = models.CharField(_("場所"), max_length=200, blank=True)
    is_public = models.BooleanField(_("公開"), default=True)
    minutes = models.TextField(_("議事録"), blank=True)
    printed_date = models.CharField(
        _("日時（資料の表記）"),
        max_length=100,
        blank=True,
        help_text=_("資料の日時の表記どおり。誤記を正したときは正しい日付を開催日に、経緯を備考に。"),
    )
    note = models.TextField(_("備考"), blank=True)

    objects = MeetingManager()

    class Meta:
        verbose_name = _("会議")
        verbose_name_plural = _("会議")
        ordering = ("committee", "held_on", "number")
        constraints = [
            models.UniqueConstraint(
                fields=("committee", "fiscal_year", "number"),
                name="%(app_label)s_%(class)s_unique_committee_year_number",
                violation_error_message=_("この委員会のこの年度には同じ回の会議が既に登録されています。"),
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("終了時刻は開始時刻以降にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="%(app_label)s_%(class)s_number_positive",
                violation_error_message=_("回は 1 以上の数で入力してください。"),
            ),
        ]

    def __str__(self):
        return _("%(committee)s 第%(number)d回（%(date)s）") % {
            "committee": self.committee.short_name or self.committee.name,
            "number": self.number,
            "date": self.held_on,
        }

    def natural_key(self):
        return (*self.committee.natural_key(), self.fiscal_year, self.number)

    natural_key.dependencies = ["committee.committee"]

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("終了時刻は開始時刻以降にしてください。")
        if self.number is not None and self.number < 1:
            errors["number"] = _("回は 1 以上の数で入力してください。")
        if self.held_on and self.fiscal_year and fiscal_year_of(self.held_on) != self.fiscal_year:
            errors["fiscal_year"] = _("年度は開催日の年度（%(year)d年度）にしてください。") % {
                "year": fiscal_year_of(self.held_on)
            }
        if errors:
            raise ValidationError(errors)


class AgendaItemManager(models.Manager):
    def get_by_natural_key(self, area_slug, committee_slug, fiscal_year, number, order):
        return self.get(
            meeting=Meeting.objects.get_by_natural_key(area_slug, committee_slug, fiscal_year, number),
            order=order,
        )


class AgendaItem(TranslatedName, models.Model):
    """An item on a meeting's agenda (議事)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会議"), on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("番号"), help_text=_("議事（１）、（２）…の番号。"))
    title = models.CharField(_("議事"), max_length=300)
    title_en = models.CharField(_("英語名（非公式訳）"), max_length=500, blank=True)

    objects = AgendaItemManager()

    name_field = "title"

    class Meta:
        verbose_name = _("議事")
        verbose_name_plural = _("議事")
        ordering = ("meeting", "order")
        constraints = [
            models.UniqueConstraint(
                fields=("meeting", "order"),
                name="%(app_label)s_%(class)s_unique_meeting_order",
                violation_error_message=_("この会議には同じ番号の議事が既にあります。"),
            ),
        ]

    def __str__(self):
        return f"（{self.order}）{self.title}"

    def natural_key(self):
        return (*self.meeting.natural_key(), self.order)

    natural_key.dependencies = ["committee.meeting"]


class MeetingDocumentManager(models.Manager):
    def get_by_natural_key(self, area_slug, committee_slug, fiscal_year, number, title):
        return self.get(
            meeting=Meeting.objects.get_by_natural_key(area_slug, committee_slug, fiscal_year, number),
            title=title,
        )


class MeetingDocument(TranslatedName, models.Model):
    """A document handed out at a meeting (会議資料): an uploaded file, a link, or only its title."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会議"), on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("資料名"), max_length=300)
    title_en = models.CharField(_("英語名（非公式訳）"), max_length=500, blank=True)
    file = models.FileField(_("ファイル"), upload_to="committee/documents/%Y/", blank=True)
    url = models.URLField(_("URL"), blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    note = models.TextField(_("備考"), blank=True)

    objects = MeetingDocumentManager()

    name_field = "title"

    class Meta:
        verbose_name = _("会議資料")
        verbose_name_plural = _("会議資料")
        ordering = ("meeting", "order", "title")
        constraints = [
            models.UniqueConstraint(
                fields=("meeting", "title"),
                name="%(app_label)s_%(class)s_unique_meeting_title",
                violation_error_message=_("この会議には同じ名前の資料が既にあります。"),
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.meeting.natural_key(), self.title)

    natural_key.dependencies = ["committee.meeting"]


class PublicCommentManager(models.Manager):
    def get_by_natural_key(self, starts_on, title):
        return self.get(starts_on=starts_on, title=title)


class PublicComment(TranslatedName, models.Model):
    """A period of public comment (市民意見聴取・パブリックコメント) on a plan or a committee's work."""

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("検証委員会"),
        on_delete=models.CASCADE,
        related_name="public_comments",
        null=True,
        blank=True,
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("対象の計画"),
        on_delete=models.PROTECT,
        related_name="public_comments",
        null=True,
        blank=True,
    )
    title = models.CharField(_("件名"), max_length=300)
    title_en = models.CharField(_("英語名（非公式訳）"), max_length=500, blank=True)
    starts_on = models.DateField(_("実施期間の始期"))
    ends_on = models.DateField(_("実施期間の終期"))
    printed_period = models.CharField(_("実施期間（資料の表記）"), max_length=100, blank=True)
    note = models.TextField(_("備考"), blank=True)

    objects = PublicCommentManager()

    name_field = "title"

    class Meta:
        verbose_name = _("パブリックコメント")
        verbose_name_plural = _("パブリックコメント")
        ordering = ("starts_on",)
        constraints = [
            models.UniqueConstraint(
                fields=("starts_on", "title"),
                name="%(app_label)s_%(class)s_unique_start_title",
                violation_error_message=_("同じ件名・始期のパブリックコメントが既に登録されています。"),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("実施期間の終期は始期以降の日付にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(committee__isnull=False) | Q(plan__isnull=False),
                name="%(app_label)s_%(class)s_has_committee_or_plan",
                violation_error_message=_("検証委員会か対象の計画の少なくとも一方を指定してください。"),
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.starts_on}〜{self.ends_on}）"

    def natural_key(self):
        return (self.starts_on.isoformat(), self.title)

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("実施期間の終期は始期以降の日付にしてください。")
        if self.committee_id is None and self.plan_id is None:
            errors["plan"] = _("検証委員会か対象の計画の少なくとも一方を指定してください。")
        if errors:
            raise ValidationError(errors)


class ReviewQuerySet(models.QuerySet):
    def closed(self):
        return self.filter(status=Review.Status.CLOSED)

    def open(self):
        return self.filter(status=Review.Status.OPEN)

    def with_evaluations(self):
        """Reviews with their committee, plan, meeting and evaluations (and each evaluation's policy)."""
        return self.select_related("committee", "plan", "meeting").prefetch_related(
            models.Prefetch(
                "evaluations",
                queryset=Evaluation.objects.select_related("policy").order_by("policy__order", "policy__pk"),
            )
        )


class ReviewManager(models.Manager.from_queryset(ReviewQuerySet)):
    def get_by_natural_key(self, area_slug, committee_slug, fiscal_year):
        return self.get(committee__area__slug=area_slug, committee__slug=committee_slug, fiscal_year=fiscal_year)


class Review(models.Model):
    """A committee's yearly review (評価・検証) of a plan; read-only, with all it holds, once closed."""

    class Status(models.TextChoices):
        OPEN = "open", _("検証中")
        CLOSED = "closed", _("締切済み")

    committee = models.ForeignKey(
        Committee, verbose_name=_("検証委員会"), on_delete=models.PROTECT, related_name="reviews"
    )
    plan = models.ForeignKey(Plan, verbose_name=_("検証する計画"), on_delete=models.PROTECT, related_name="reviews")
    fiscal_year = models.PositiveSmallIntegerField(
        _("検証の年度（西暦）"),
        validators=FISCAL_YEAR_VALIDATORS,
        help_text=_("検証を行う年度（例: 令和元年度は 2019）。"),
    )
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("開始日"), null=True, blank=True)
    closed_on = models.DateField(_("締切日"), null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("審議した会議"),
        on_delete=models.PROTECT,
        related_name="reviews",
        null=True,
        blank=True,
    )
    note = models.TextField(_("備考"), blank=True)
    lock_version = models.PositiveIntegerField(
        _("版（同時編集の確認用）"), default=1, help_text=_("保存のたびに1つ増え、古い画面からの保存を見分けます。")
    )

    objects = ReviewManager()

    class Meta:
        verbose_name = _("検証")
        verbose_name_plural = _("検証")
        ordering = ("committee", "-fiscal_year")
        constraints = [
            models.UniqueConstraint(
                fields=("committee", "fiscal_year"),
                name="%(app_label)s_%(class)s_unique_committee_year",
                violation_error_message=_("この委員会のこの年度の検証は既に登録されています。"),
            ),
            models.CheckConstraint(
                condition=Q(opened_on__isnull=True) | Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="%(app_label)s_%(class)s_closes_after_opening",
                violation_error_message=_("締切日は開始日以降の日付にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(status="closed") | Q(closed_on__isnull=True),
                name="%(app_label)s_%(class)s_closed_on_only_when_closed",
                violation_error_message=_("締切日は締め切った検証にだけ入力できます。"),
            ),
        ]

    def __str__(self):
        return _("%(committee)s %(year)d年度の検証") % {
            "committee": self.committee.short_name or self.committee.name,
            "year": self.fiscal_year,
        }

    def natural_key(self):
        return (*self.committee.natural_key(), self.fiscal_year)

    natural_key.dependencies = ["committee.committee", "committee.meeting", "vision.plan"]

    def clean(self):
        # The stored row decides, not this instance: a crafted form cannot reopen a closed review.
        if self.pk and Review.objects.closed().filter(pk=self.pk).exists():
            raise ValidationError(REVIEW_CLOSED_MESSAGE)
        errors = {}
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            errors["closed_on"] = _("締切日は開始日以降の日付にしてください。")
        if self.closed_on and self.status != self.Status.CLOSED:
            errors["closed_on"] = _("締切日は締め切った検証にだけ入力できます。")
        if self.meeting_id and self.committee_id and self.meeting.committee_id != self.committee_id:
            errors["meeting"] = _("同じ委員会の会議を選んでください。")
        if self.plan_id and self.committee_id and self.plan.area_id != self.committee.area_id:
            errors["plan"] = _("委員会の圏域の計画を選んでください。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED


def _review_is_closed(review_id):
    return review_id is not None and Review.objects.closed().filter(pk=review_id).exists()


class EvaluationManager(models.Manager):
    def get_by_natural_key(self, area_slug, committee_slug, fiscal_year, plan_area_slug, plan_slug, goal_code):
        return self.get(
            review__committee__area__slug=area_slug,
            review__committee__slug=committee_slug,
            review__fiscal_year=fiscal_year,
            policy__plan__area__slug=plan_area_slug,
            policy__plan__slug=plan_slug,
            policy__code=goal_code,
        )


class Evaluation(models.Model):
    """The evaluation of one policy (施策) in a review: the department's self-evaluation and the committee's view."""

    class Rating(models.TextChoices):
        A = "A", _("A（順調に進んでいる）")
        B = "B", _("B（おおむね順調に進んでいる）")
        C = "C", _("C（やや遅れている）")
        D = "D", _("D（遅れている）")

    review = models.ForeignKey(Review, verbose_name=_("検証"), on_delete=models.CASCADE, related_name="evaluations")
    policy = models.ForeignKey(
        Goal,
        verbose_name=_("施策"),
        on_delete=models.PROTECT,
        related_name="committee_evaluations",
        help_text=_("検証する計画の施策（目標）。"),
    )
    direction_text = models.TextField(_("方向性"), blank=True, help_text=_("所管課による今後の方向性。"))
    issues_text = models.TextField(_("課題・検証"), blank=True, help_text=_("所管課による課題と検証。"))
    committee_opinion = models.TextField(_("委員会の意見"), blank=True)
    rating = models.CharField(_("評価"), max_length=1, choices=Rating.choices, blank=True)
    lock_version = models.PositiveIntegerField(
        _("版（同時編集の確認用）"), default=1, help_text=_("保存のたびに1つ増え、古い画面からの保存を見分けます。")
    )

    objects = EvaluationManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("施策の評価")
        verbose_name_plural = _("施策の評価")
        ordering = ("review", "policy__order", "policy__pk")
        constraints = [
            models.UniqueConstraint(
                fields=("review", "policy"),
                name="%(app_label)s_%(class)s_unique_review_policy",
                violation_error_message=_("この検証にはこの施策の評価が既にあります。"),
            ),
        ]

    def __str__(self):
        return f"{self.review} / {self.policy}"

    def natural_key(self):
        return (*self.review.natural_key(), *self.policy.natural_key())

    natural_key.dependencies = ["committee.review", "vision.goal"]

    def clean(self):
        stored_review_id = (
            Evaluation.objects.filter(pk=self.pk).values_list("review_id", flat=True).first() if self.pk else None
        )
        if _review_is_closed(self.review_id) or _review_is_closed(stored_review_id):
            raise ValidationError(REVIEW_CLOSED_MESSAGE)
        if self.review_id and self.policy_id and self.policy.plan_id != self.review.plan_id:
            raise ValidationError({"policy": _("検証する計画の施策を選んでください。")})


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Comments a user may read (vision.roles): members of the committee in office and administrators."""
        from vision import roles

        return roles.restrict(user, "view", self)

    def current(self):
        """Neither withdrawn by their author nor hidden by an administrator."""
        return self.filter(withdrawn_at__isnull=True, hidden_at__isnull=True)

    def for_listing(self):
        return self.select_related("review__committee", "indicator", "author").order_by("created_at")


class CommentManager(models.Manager.from_queryset(CommentQuerySet)):
    def get_by_natural_key(self, uid):
        return self.get(uid=uid)


class Comment(models.Model):
    """A remark on an indicator within a review, by a member or staff; never shown to the public."""

    uid = models.UUIDField(_("識別子"), default=uuid.uuid4, unique=True, editable=False)
    review = models.ForeignKey(Review, verbose_name=_("検証"), on_delete=models.CASCADE, related_name="comments")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指標"), on_delete=models.PROTECT, related_name="committee_comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("投稿者"),
        on_delete=models.SET_NULL,
        related_name="committee_comments",
        null=True,
        blank=True,
    )
    body = models.TextField(_("本文"))
    created_at = models.DateTimeField(_("投稿日時"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(
        _("取下げ日時"), null=True, blank=True, help_text=_("投稿者が取り下げた意見は本文を残したまま表示しません。")
    )
    hidden_at = models.DateTimeField(_("非表示にした日時"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("非表示にした管理者"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    hidden_reason = models.CharField(_("非表示の理由"), max_length=500, blank=True)

    objects = CommentManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("意見")
        verbose_name_plural = _("意見")
        ordering = ("review", "indicator", "created_at")

    def __str__(self):
        return f"{self.indicator}: {self.body[:30]}"

    def natural_key(self):
        return (str(self.uid),)

    def clean(self):
        stored_review_id = (
            Comment.objects.filter(pk=self.pk).values_list("review_id", flat=True).first() if self.pk else None
        )
        if _review_is_closed(self.review_id) or _review_is_closed(stored_review_id):
            raise ValidationError(REVIEW_CLOSED_MESSAGE)
        if self.review_id and self.indicator_id and self.indicator.plan_id != self.review.plan_id:
            raise ValidationError({"indicator": _("検証する計画の指標を選んでください。")})
        if self.hidden_at and not self.hidden_reason.strip():
            raise ValidationError({"hidden_reason": _("非表示にする理由を入力してください。")})


class EditionManager(models.Manager):
    def get_by_natural_key(self, area_slug, committee_slug, fiscal_year):
        return self.get(
            review__committee__area__slug=area_slug,
            review__committee__slug=committee_slug,
            review__fiscal_year=fiscal_year,
        )


class Edition(models.Model):
    """An annual edition (年度版): the values, statuses and opinions as the committee saw them when it closed a review.

    Frozen once; later corrections to the data do not change it, so two editions can be compared.
    """

    review = models.OneToOneField(Review, verbose_name=_("検証"), on_delete=models.PROTECT, related_name="edition")
    frozen_at = models.DateTimeField(_("確定日時"))
    snapshot = models.JSONField(_("内容"))
    rules_version = models.CharField(
        _("進捗判定ルールの版"),
        max_length=20,
        help_text=_("この年度版の進捗を判定したルールの版（kpi.progress.RULES_VERSION）。"),
    )

    objects = EditionManager()

    class Meta:
        verbose_name = _("年度版")
        verbose_name_plural = _("年度版")
        ordering = ("-review__fiscal_year",)

    def __str__(self):
        return _("%(review)s（年度版）") % {"review": self.review}

    def natural_key(self):
        return self.review.natural_key()

    natural_key.dependencies = ["committee.review"]
