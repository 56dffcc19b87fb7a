"""Synthetic national-scale data for measuring the portal (`manage.py generate_scale_data`).

Nothing here is reference data: every area's name starts with 「合成データ」 and its slug with `synthetic-`, every
municipality is in prefecture 98 (none exists), and nothing loads it by default. The rows have the variety of the
real data (gaps with reasons, provisional values, target revisions, 以上/以下 comparators, 再掲 placements, values
of another year, long names, drafts and corrections waiting for publication) and their history rows, so the pages
and the open data do the work they will do at national scale.

Deterministic: the same preset and seed give the same rows (ids aside). Written with bulk inserts one plan at a time,
so memory stays bounded whatever the preset; the data version is bumped once at the end.
"""

import datetime
import io
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import JSONField
from django.utils import timezone

from agreements.models import Agreement, Article, PolicyArea, RoleAssignment
from kpi import judgements
from kpi.models import Indicator, IndicatorPlacement, Observation, PublicJudgement, TargetRevision
from vision import dataversion
from vision.lgcode import check_digit
from vision.models import AreaMembership, Department, Goal, MetroArea, Municipality, Plan

SLUG_PREFIX = "synthetic-"
NAME_PREFIX = "合成データ"
PREFECTURE = "98"  # no prefecture has this number, so no code collides with a real municipality
BATCH = 2000


@dataclass(frozen=True)
class Preset:
    areas: int
    members: int  # member municipalities in all, central cities included
    indicators: tuple  # (fewest, most) indicators per municipality's strategy
    years: int  # fiscal years of each strategy
    roles: tuple = (20, 30)  # (fewest, most) role rows per agreement


PRESETS = {
    "small": Preset(areas=2, members=6, indicators=(4, 6), years=10, roles=(20, 22)),
    "medium": Preset(areas=4, members=40, indicators=(100, 150), years=10),
    "national": Preset(areas=38, members=376, indicators=(100, 150), years=10),
}

FIRST_YEAR = 2016  # the strategies run FIRST_YEAR .. FIRST_YEAR + years - 1; the baseline is the year before

MISSING_REASONS = ["―", "アンケート未実施", "調査休止のため数値なし", "統計の公表待ち", "地震によりアンケート未実施"]
UNITS = [("件", 0), ("人", 0), ("%", 1), ("億円", 1), ("十億円", 0), ("箇所", 0), ("回", 0), ("団体", 0), ("t", 0)]
THEMES = [
    "移住・定住",
    "観光交流",
    "雇用創出",
    "子育て支援",
    "健康づくり",
    "地域医療",
    "公共交通",
    "防災・減災",
    "環境保全",
    "農林水産業",
    "中小企業支援",
    "人材育成",
    "デジタル化",
    "文化・スポーツ",
    "行政サービス",
]
MEASURES = ["件数", "参加者数", "利用者数", "満足度", "割合", "総額", "延べ人数", "登録数", "実施回数"]
LONG_TAIL = (
    "（ただし、{theme}に関する事業のうち、圏域の構成市町村が連携して実施するものに限り、国・県の補助事業を含み、"
    "単独事業は含まない。数値は各年度末時点の実績を所管課が集計したもので、前年度の数値と比較可能なように"
    "集計方法を統一している。なお、令和2年度以降は新型コロナウイルス感染症の影響により一部の事業を中止している。）"
)
LEVEL_NAMES = ["基本目標", "施策", "具体的な取組"]
DEPARTMENTS = ["企画課", "商工観光課", "子育て支援課", "健康推進課", "都市計画課", "環境政策課", "農林水産課"]
ARTICLES = [
    ("purpose", "目的"),
    ("basic_policy", "基本方針"),
    ("roles", "連携する取組及び役割分担"),
    ("cost_sharing", "費用分担"),
    ("liaison", "連絡会議"),
]


def lg_code(number):
    first_five = f"{PREFECTURE}{number:03d}"
    return first_five + str(check_digit(first_five))


def printed_number(value, decimals):
    return f"{value:,.{decimals}f}"


def wareki(year):
    return f"R{year - 2018}" if year >= 2019 else f"H{year - 1988}"


def _copy_text(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_into(model, objects):
    """PostgreSQL's COPY for a list of unsaved rows (ids drawn from the table's sequence first, and set on the
    objects as bulk_create would): several times faster than INSERTs of the same rows, for the server above all."""
    objects = list(objects)
    if not objects:
        return objects
    opts = model._meta
    fields = opts.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        buffer = io.StringIO()
        for obj, pk in zip(objects, ids, strict=True):
            setattr(obj, opts.pk.attname, pk)
            obj._state.adding, obj._state.db = False, connection.alias
            buffer.write(
                "\t".join(
                    _copy_text(field.pre_save(obj, True) if field.primary_key is False else pk) for field in fields
                )
            )
            buffer.write("\n")
        buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(opts.db_table)} ({columns}) FROM STDIN", buffer)
    return objects


def synthetic_areas():
    return MetroArea.objects.filter(slug__startswith=SLUG_PREFIX)


def _raw_delete(queryset):
    queryset._raw_delete(queryset.db)


def delete_synthetic():
    """Remove every synthetic row (raw deletes: a million rows through the delete collector would take hours)."""
    from kpi.models import Observation as O

    areas = list(synthetic_areas().values_list("pk", flat=True))
    if not areas:
        return
    municipalities = list(
        Municipality.objects.filter(lg_code__startswith=PREFECTURE, memberships__area__in=areas).values_list(
            "pk", flat=True
        )
    )
    indicator_ids = Indicator.objects.filter(area__in=areas).values("pk")
    observation_ids = O.objects.filter(indicator__area__in=areas).values("pk")
    for model, ids in (
        (O.history.model, observation_ids),
        (TargetRevision.history.model, TargetRevision.objects.filter(observation__in=observation_ids).values("pk")),
        (Indicator.history.model, indicator_ids),
    ):
        _raw_delete(model.objects.filter(id__in=ids))
    _raw_delete(TargetRevision.objects.filter(observation__indicator__area__in=areas))
    _raw_delete(O.objects.filter(indicator__area__in=areas))
    _raw_delete(IndicatorPlacement.objects.filter(indicator__area__in=areas))
    _raw_delete(PublicJudgement.objects.filter(indicator__area__in=areas))
    _raw_delete(Indicator.objects.filter(area__in=areas))
    _raw_delete(Goal.objects.filter(plan__area__in=areas, parent__isnull=False))
    _raw_delete(Goal.objects.filter(plan__area__in=areas))
    agreements = Agreement.objects.filter(area__in=areas)
    for model in (RoleAssignment, Article):
        _raw_delete(model.history.model.objects.filter(agreement_id__in=agreements.values("pk")))
        _raw_delete(model.objects.filter(agreement__area__in=areas))
    _raw_delete(Agreement.history.model.objects.filter(area_id__in=areas))
    _raw_delete(agreements)
    _raw_delete(Plan.objects.filter(area__in=areas))
    _raw_delete(AreaMembership.history.model.objects.filter(area_id__in=areas))
    _raw_delete(AreaMembership.objects.filter(area__in=areas))
    _raw_delete(Department.objects.filter(municipality__in=municipalities))
    _raw_delete(Municipality.objects.filter(pk__in=municipalities))
    _raw_delete(MetroArea.objects.filter(pk__in=areas))


class Generator:
    def __init__(self, preset: Preset, seed=15, stdout=None):
        self.preset = preset
        self.random = random.Random(seed)
        self.stdout = stdout
        self.counts = {}
        self.history_date = timezone.make_aware(datetime.datetime(2026, 4, 1, 9, 0))

    def log(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    def count(self, name, n):
        self.counts[name] = self.counts.get(name, 0) + n

    def create(self, model, objects, name=None):
        if connection.vendor == "postgresql" and not any(isinstance(f, JSONField) for f in model._meta.fields):
            created = copy_into(model, objects)
        else:
            created = model.objects.bulk_create(objects, batch_size=BATCH)
        self.count(name or model._meta.model_name, len(created))
        return created

    def history(self, model, objects, history_type="+"):
        historical = model.history.model
        names = [field.attname for field in model._meta.fields]
        rows = [
            historical(
                history_date=self.history_date,
                history_type=history_type,
                history_change_reason=f"{NAME_PREFIX}の生成",
                **{name: getattr(obj, name) for name in names},
            )
            for obj in objects
        ]
        self.create(historical, rows, name="history")

    def run(self):
        started = time.monotonic()
        if PolicyArea.objects.count() < 20:
            call_command("loaddata", settings.BASE_DIR / "fixtures" / "03_policy_areas.json", verbosity=0)
        self.policy_areas = list(PolicyArea.objects.order_by("code"))
        with dataversion.batch(), transaction.atomic():
            delete_synthetic()
            areas = self.make_areas()
            for index, (area, members) in enumerate(areas, 1):
                self.make_agreements(area, members)
                for membership in members:
                    self.make_strategy(area, membership)
                self.log(f"  {index}/{len(areas)} {area.slug}: {self.counts.get('observation', 0):,} values so far")
            # The rows above were written around the signals (bulk_create, COPY): judge their indicators here.
            self.count("judgement", judgements.refresh_all(Indicator.objects.filter(area__in=synthetic_areas())))
            dataversion.bump()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.seconds = time.monotonic() - started
        return self.counts

    # Areas, municipalities, memberships and departments
    def make_areas(self):
        preset, rnd = self.preset, self.random
        sizes = [preset.members // preset.areas] * preset.areas
        for i in range(preset.members % preset.areas):
            sizes[i] += 1
        # The largest area first, so that the benchmarks find it as synthetic-01.
        sizes[0] += sizes[-1] // 2
        sizes[-1] -= sizes[-1] // 2
        areas = self.create(
            MetroArea,
            [
                MetroArea(
                    slug=f"{SLUG_PREFIX}{n:02d}",
                    name=f"{NAME_PREFIX}{n:02d}連携中枢都市圏",
                    central_city_name=f"{NAME_PREFIX}{n:02d}中心市",
                    vision_date=datetime.date(2015 + n % 8, 1 + n % 12, 1),
                    cities_count=1 + size // 4,
                    towns_count=size - 1 - size // 4 - size // 6,
                    villages_count=size // 6,
                    composition_note="合成データ（実在しない圏域）",
                    population=0,
                    population_basis="合成データ",
                    future_image=f"{NAME_PREFIX}による測定用の圏域です。実在の圏域・市町村とは関係ありません。",
                    source=NAME_PREFIX,
                )
                for n, size in enumerate(sizes, 1)
            ],
        )
        municipalities, memberships, number = [], [], 0
        for area, size in zip(areas, sizes, strict=True):
            for position in range(size):
                number += 1
                if position == 0:
                    name, kind = area.central_city_name, Municipality.Kind.CITY
                else:
                    kind = [Municipality.Kind.CITY, Municipality.Kind.TOWN, Municipality.Kind.VILLAGE][
                        0 if position <= size // 4 else 2 if position >= size - size // 6 else 1
                    ]
                    name = f"{NAME_PREFIX}{number:03d}{kind}"
                population = rnd.randint(2_000, 60_000) if position else rnd.randint(200_000, 800_000)
                municipalities.append(
                    Municipality(
                        lg_code=lg_code(number),
                        name=name,
                        kana="ゴウセイデータ",
                        kind=kind,
                        population=population,
                        population_census_year=2020,
                        population_source="合成データ",
                    )
                )
        municipalities = self.create(Municipality, municipalities)
        result, start = [], 0
        for area, size in zip(areas, sizes, strict=True):
            members = municipalities[start : start + size]
            start += size
            area_memberships = [
                AreaMembership(
                    area=area,
                    municipality=municipality,
                    is_central_city=position == 0,
                    joined_on=None if position == 0 else datetime.date(2016 + position % 6, 3, 20 + position % 8),
                    source=NAME_PREFIX,
                )
                for position, municipality in enumerate(members)
            ]
            memberships.extend(area_memberships)
            result.append((area, area_memberships))
            area.population = sum(m.population for m in members)
            area.central_city_population = members[0].population
        MetroArea.objects.bulk_update(areas, ["population", "central_city_population"])
        self.create(AreaMembership, memberships)
        self.history(AreaMembership, memberships)
        departments = self.create(
            Department,
            [
                Department(municipality=municipality, name=name, email=f"dept{i}@{municipality.lg_code}.example.jp")
                for municipality in municipalities
                for i, name in enumerate(DEPARTMENTS)
            ],
        )
        self.departments = {}
        for department in departments:
            self.departments.setdefault(department.municipality_id, []).append(department)
        return result

    # Agreements: one per partner, in force, with its articles and 20–30 role rows
    def make_agreements(self, area, members):
        rnd = self.random
        central = members[0].municipality
        agreements = self.create(
            Agreement,
            [
                Agreement(
                    area=area,
                    central_city=central,
                    partner=membership.municipality,
                    department=self.departments[central.pk][0],
                    title=f"{central.name}及び{membership.municipality.name}における連携中枢都市圏形成に係る連携協約",
                    status=Agreement.Status.IN_FORCE,
                    signed_on=membership.joined_on,
                    notified_on=membership.joined_on,
                    central_signatory=f"{central.name}長　合成　太郎",
                    partner_signatory=f"{membership.municipality.name}長　合成　花子",
                    source=NAME_PREFIX,
                )
                for membership in members[1:]
            ],
        )
        articles, roles = [], []
        for agreement in agreements:
            for number, (kind, heading) in enumerate(ARTICLES, 1):
                articles.append(
                    Article(
                        agreement=agreement,
                        number=number,
                        kind=kind,
                        heading=heading,
                        body=f"第{number}条　{heading}について、甲及び乙は別表に定めるところにより連携する。",
                    )
                )
            chosen = rnd.sample(self.policy_areas, min(len(self.policy_areas), rnd.randint(*self.preset.roles)))
            for order, policy_area in enumerate(sorted(chosen, key=lambda p: p.code), 1):
                roles.append(
                    RoleAssignment(
                        agreement=agreement,
                        policy_area=policy_area,
                        order=order,
                        initiative=f"{policy_area.name}に関する連携事業（合成データ）",
                        central_role=f"{policy_area.name}の取組を圏域全体で企画・実施する。",
                        partner_role=f"{policy_area.name}の取組に参加し、地域の実情に応じて実施する。",
                    )
                )
        self.create(Article, articles)
        self.create(RoleAssignment, roles)
        self.history(Agreement, agreements)
        self.history(RoleAssignment, roles)

    # One strategy per member: a goal tree, ~100+ indicators, 10 years of baselines, targets and actuals
    def make_strategy(self, area, membership):
        rnd, preset = self.random, self.preset
        municipality = membership.municipality
        end = FIRST_YEAR + preset.years - 1
        plan = self.create(
            Plan,
            [
                Plan(
                    slug=f"strategy-{municipality.lg_code}",
                    area=area,
                    kind=Plan.Kind.STRATEGY,
                    title=f"{municipality.name}まち・ひと・しごと創生総合戦略（{NAME_PREFIX}）",
                    short_title=f"{municipality.name}総合戦略",
                    start_fiscal_year=FIRST_YEAR,
                    end_fiscal_year=end,
                    level_names=LEVEL_NAMES,
                    progress_scheme=rnd.choice(list(Plan.ProgressScheme.values)),
                    description=f"{NAME_PREFIX}による測定用の計画です。",
                    source=NAME_PREFIX,
                    order=10 + (0 if membership.is_central_city else municipality.pk % 1000),
                )
            ],
        )[0]
        # Goal tree: 基本目標 > 施策 > 具体的な取組
        tops = self.create(
            Goal,
            [
                Goal(plan=plan, code=f"G{i}", number=f"基本目標{i}", title=self._goal_title(i), order=i)
                for i in range(1, rnd.randint(4, 6) + 1)
            ],
        )
        policies = self.create(
            Goal,
            [
                Goal(
                    plan=plan, parent=top, code=f"{top.code}-P{j}", number=f"({j})", title=self._goal_title(j), order=j
                )
                for top in tops
                for j in range(1, rnd.randint(3, 5) + 1)
            ],
        )
        measures = self.create(
            Goal,
            [
                Goal(
                    plan=plan,
                    parent=policy,
                    code=f"{policy.code}-M{k}",
                    number="①②③④⑤"[k - 1],
                    title=self._goal_title(k),
                    level_label="リーディングプロジェクト" if rnd.random() < 0.03 else "",
                    order=k,
                )
                for policy in policies
                for k in range(1, rnd.randint(2, 4) + 1)
            ],
        )
        homes = tops + policies + measures
        departments = self.departments[municipality.pk]
        count = rnd.randint(*preset.indicators)
        indicators, goals_of = [], []
        for n in range(1, count + 1):
            goal = tops[(n - 1) % len(tops)] if n <= len(tops) else rnd.choice(policies + measures)
            indicators.append(self._indicator(plan, n, goal, departments))
            goals_of.append(goal)
        indicators = self.create(Indicator, indicators)
        placements = []
        for n, (indicator, goal) in enumerate(zip(indicators, goals_of, strict=True), 1):
            role = IndicatorPlacement.Role.NUMERIC_TARGET if goal.parent_id is None else IndicatorPlacement.Role.KPI
            placements.append(IndicatorPlacement(indicator=indicator, goal=goal, role=role, order=n))
            if rnd.random() < 0.06:  # 再掲: shown again under another goal
                other = rnd.choice(homes)
                if other.pk != goal.pk:
                    placements.append(
                        IndicatorPlacement(indicator=indicator, goal=other, role=role, is_restated=True, order=n)
                    )
        self.create(IndicatorPlacement, placements)
        self.history(Indicator, indicators)
        observations, revised_targets = [], []
        for indicator in indicators:
            series, revised = self._series(indicator, end)
            observations.extend(series)
            revised_targets.extend(revised)
        observations = self.create(Observation, observations)
        revisions = []
        for observation, previous, reason in revised_targets:
            revisions.append(
                TargetRevision(
                    observation=observation,
                    previous_value=previous,
                    revised_value=observation.value,
                    revised_on=datetime.date(FIRST_YEAR + 4, 3, 25),
                    reason=reason,
                )
            )
        self.create(TargetRevision, revisions)
        self.history(TargetRevision, revisions)
        # History of the values staff have touched since loading: the revised targets, the provisional values and
        # the corrections waiting for publication each have their creation and one change.
        edited = [o for o in observations if o.pending_correction or o.is_provisional]
        edited += [revision.observation for revision in revisions]
        self.history(Observation, edited)
        self.history(Observation, edited, history_type="~")

    def _goal_title(self, i):
        theme = self.random.choice(THEMES)
        title = f"{theme}の推進による魅力ある地域づくり（{i}）"
        if self.random.random() < 0.04:
            title = (title + LONG_TAIL.format(theme=theme))[:300]
        return title

    def _indicator(self, plan, n, goal, departments):
        rnd = self.random
        theme, measure = rnd.choice(THEMES), rnd.choice(MEASURES)
        unit, decimals = ("%", 1) if measure in ("満足度", "割合") else rnd.choice(UNITS)
        name = f"{theme}に関する{measure}"
        if rnd.random() < 0.05:  # long names, as some strategies print them
            name = (name + LONG_TAIL.format(theme=theme))[:300]
        direction = rnd.choices(list(Indicator.Direction.values), weights=[80, 10, 7, 3])[0]
        cumulative = rnd.random() < 0.08
        outlook = rnd.random() < 0.03
        due = rnd.random() < 0.3
        return Indicator(
            code=f"{plan.slug.removeprefix('strategy-')}-{goal.code}-K{n}",
            plan=plan,
            area_id=plan.area_id,
            name=name,
            unit=unit,
            decimals=decimals,
            direction=direction,
            period=Indicator.Period.CALENDAR_YEAR if rnd.random() < 0.1 else Indicator.Period.FISCAL_YEAR,
            final_outlook=Indicator.Outlook.MISS if outlook else Indicator.Outlook.NONE,
            final_outlook_source=f"{plan.short_title}の検証資料「今後の見通し」（合成データ）" if outlook else "",
            baseline_row=Indicator.BaselineRow.TARGET if rnd.random() < 0.05 else Indicator.BaselineRow.ACTUAL,
            is_cumulative=cumulative,
            cumulative_since=f"{wareki(FIRST_YEAR)}年度から" if cumulative else "",
            source=NAME_PREFIX,
            notes="※合成データ" if rnd.random() < 0.1 else "",
            department=rnd.choice(departments),
            actual_due_month=8 if due else None,
            actual_due_day=31 if due else None,
        )

    def _series(self, indicator, end):
        """Baseline (the year before the plan), a target and an actual for every year, with the real variety."""
        rnd = self.random
        decimals = indicator.decimals
        step = Decimal(1).scaleb(-decimals)
        base = Decimal(rnd.randint(10, 50_000)) if indicator.unit != "%" else Decimal(rnd.randint(200, 800)) / 10
        base = base.quantize(step)
        lower = indicator.direction in ("lower", "keep_below")
        growth = Decimal(rnd.randint(-3, 8) if not lower else rnd.randint(-8, 2)) / 100
        rows, revised = [], []
        baseline_year = FIRST_YEAR - 1
        measured = baseline_year - rnd.randint(1, 3) if rnd.random() < 0.1 else None
        printed = printed_number(base, decimals)
        if measured:
            printed += f"（{wareki(measured)}({measured})）"
        rows.append(
            Observation(
                indicator=indicator,
                fiscal_year=baseline_year,
                kind="baseline",
                value=base,
                measured_year=measured,
                printed=printed,
                is_published=True,
            )
        )
        target_trend = Decimal(rnd.randint(1, 5) * (-1 if lower else 1)) / 100
        comparator = ""
        if indicator.direction == "keep_above" or rnd.random() < 0.1:
            comparator = "gte" if not lower else "lte"
        if indicator.direction == "keep_below":
            comparator = "lte"
        last_year_draft = rnd.random() < 0.3
        for offset, year in enumerate(range(FIRST_YEAR, end + 1), 1):
            target = (base * (1 + target_trend * offset)).quantize(step)
            word = {"gte": "以上", "lte": "以下"}.get(comparator, "")
            rows.append(
                Observation(
                    indicator=indicator,
                    fiscal_year=year,
                    kind="target",
                    value=target,
                    comparator=comparator,
                    printed=printed_number(target, decimals) + word,
                    is_published=True,
                )
            )
            if rnd.random() < 0.01 and offset > 4:
                previous = (target * Decimal("0.9")).quantize(step)
                revised.append((rows[-1], previous, "中間見直しにより目標値を上方修正（合成データ）"))
            # Actuals: a gap now and then, the last year often a draft or provisional, corrections waiting
            if year == end and last_year_draft:
                continue  # not entered yet
            noise = Decimal(rnd.randint(-40, 40)) / 1000
            actual = (base * (1 + growth * offset + noise)).quantize(step)
            if actual < 0:
                actual = Decimal(0).quantize(step)
            observation = Observation(
                indicator=indicator,
                fiscal_year=year,
                kind="actual",
                value=actual,
                printed=printed_number(actual, decimals),
                is_published=True,
            )
            roll = rnd.random()
            if roll < 0.04:
                observation.value = None
                observation.missing_reason = rnd.choice(MISSING_REASONS)
                observation.printed = "―"
            elif year >= end - 1 and roll < 0.2:
                observation.is_provisional = True
                observation.printed += "（概算値）"
                observation.note = "速報値。確定値は次年度に更新予定。"
            elif year == end and roll < 0.35:
                observation.is_published = False  # a draft waiting for publication
            elif roll > 0.995:
                # A correction waiting for publication: the public still sees the published figure.
                observation.is_published = False
                observation.pending_correction = True
                observation.published_value = (actual * Decimal("0.98")).quantize(step)
                observation.published_printed = printed_number(observation.published_value, decimals)
                observation.published_comparator = ""
            elif roll > 0.99:
                observation.measured_year = year - 1
                observation.printed += f"（{wareki(year - 1)}）"
            rows.append(observation)
        return rows, revised


def generate(preset_name, seed=15, stdout=None):
    generator = Generator(PRESETS[preset_name], seed=seed, stdout=stdout)
    generator.run()
    return generator
