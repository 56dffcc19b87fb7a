"""Does an agreement contain what the national scheme requires of a 連携協約?

Seed 004 (連携中枢都市圏制度の概要, 連携協約の締結「必須記載事項」) asks at least for: ① the names of the
central city and the partner, ② the purpose, ③ the basic policy, ④ the joint work, covering all three
pillars (経済成長のけん引 / 高次の都市機能の集積・強化 / 生活関連機能サービスの向上); and in the third pillar
at least one policy area from each of its views A 生活機能の強化, B 結びつきやネットワークの強化 and
C 圏域マネジメント能力の強化.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_noop  # marks labels for translation; they stay plain text


@dataclass(frozen=True)
class AgreementOutline:
    """What the check needs to know of an agreement, free of the ORM."""

    central_city_name: str
    partner_name: str
    has_purpose: bool
    has_basic_policy: bool
    pillar_numbers: frozenset[int] = field(default_factory=frozenset)
    pillar3_group_numbers: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    passed: bool


PILLAR_LABELS = {
    1: gettext_noop("圏域全体の経済成長のけん引に係る取組がある"),
    2: gettext_noop("高次の都市機能の集積・強化に係る取組がある"),
    3: gettext_noop("圏域全体の生活関連機能サービスの向上に係る取組がある"),
}
PILLAR3_GROUP_LABELS = {
    1: gettext_noop("生活機能の強化に係る政策分野が1以上ある"),
    2: gettext_noop("結び付きやネットワークの強化に係る政策分野が1以上ある"),
    3: gettext_noop("圏域マネジメント能力の強化に係る政策分野が1以上ある"),
}


def check_agreement(outline: AgreementOutline) -> list[CheckItem]:
    """Return the scheme's checklist for one agreement, each item passed or not."""
    items = [
        CheckItem(
            "names",
            gettext_noop("連携中枢都市と連携市町村の名称がある"),
            bool(outline.central_city_name and outline.partner_name),
        ),
        CheckItem("purpose", gettext_noop("目的の規定がある"), outline.has_purpose),
        CheckItem("basic_policy", gettext_noop("基本方針の規定がある"), outline.has_basic_policy),
    ]
    items += [
        CheckItem(f"pillar_{number}", label, number in outline.pillar_numbers)
        for number, label in PILLAR_LABELS.items()
    ]
    items += [
        CheckItem(f"pillar3_group_{number}", label, number in outline.pillar3_group_numbers)
        for number, label in PILLAR3_GROUP_LABELS.items()
    ]
    return items


def is_complete(items: list[CheckItem]) -> bool:
    return all(item.passed for item in items)
