"""Does an agreement contain what the national scheme requires of a 連携協約?

Seed 004 (連携中枢都市圏制度の概要, 連携協約の締結「必須記載事項」) asks at least for: ① the names of the
central city and the partner, ② the purpose, ③ the basic policy, ④ the joint work, covering all three
pillars (経済成長のけん引 / 高次の都市機能の集積・強化 / 生活関連機能サービスの向上); and in the third pillar
at least one policy area from each of its views A 生活機能の強化, B 結びつきやネットワークの強化 and
C 圏域マネジメント能力の強化. `against_scheme` sets the checks beside the full list, so a page names what the
portal does not check (ア's a〜d and イ's a〜c: the agreement does not name the scheme's examples).
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


@dataclass(frozen=True)
class Requirement:
    """One item of the scheme's full list for a 連携協約, and the checks (CheckItem keys) the portal makes of it.

    `checks` empty means the portal does not check the item, and `unchecked_reason` says why."""

    label: str
    checks: tuple = ()
    unchecked_reason: str = ""


# The full list, as seed 004 prints it: 連携協約の締結「必須記載事項」① 〜 ④ (l.84–96) and
# 「連携協約への位置付けを要する取組」 (l.211–266): for ア all of a〜d, for イ all of a〜c, for ウ at least one
# policy area of each of A, B and C.
NOT_MAPPED = gettext_noop(
    "連携協約の別表は国の例示（a、b、c …）を名指ししておらず、その対応は推定になるため、ポータルでは確認していません。"
)
SCHEME_REQUIREMENTS = (
    Requirement(gettext_noop("① 市町村の名称（宣言連携中枢都市及び１の連携市町村の名称）"), ("names",)),
    Requirement(gettext_noop("② 目的（連携中枢都市圏形成の基本的な目的）"), ("purpose",)),
    Requirement(
        gettext_noop("③ 基本方針（④に規定する事項を中心として様々な分野で連携を図る旨を規定）"), ("basic_policy",)
    ),
    Requirement(
        gettext_noop(
            "④ 連携する取組: ア 圏域全体の経済成長のけん引、イ 高次の都市機能の集積・強化、"
            "ウ 圏域全体の生活関連機能サービスの向上（この３点の位置付けは必須）"
        ),
        ("pillar_1", "pillar_2", "pillar_3"),
    ),
    Requirement(
        gettext_noop(
            "ア の a〜d に掲げる事業（全て）: a 経済戦略の策定・体制整備、b 産業クラスターの形成等、"
            "c 地域資源を活用した地域経済の裾野拡大、d 戦略的な観光施策"
        ),
        unchecked_reason=NOT_MAPPED,
    ),
    Requirement(
        gettext_noop(
            "イ の a〜c に掲げる事業（全て）: a 高度な医療サービスの提供、"
            "b 高度な中心拠点の整備・広域的公共交通網の構築、c 高等教育・研究開発の環境整備"
        ),
        unchecked_reason=NOT_MAPPED,
    ),
    Requirement(
        gettext_noop(
            "ウ の Ａ 生活機能の強化、Ｂ 結びつきやネットワークの強化、Ｃ 圏域マネジメント能力の強化の視点ごとに、"
            "少なくとも１以上の政策分野"
        ),
        ("pillar3_group_1", "pillar3_group_2", "pillar3_group_3"),
    ),
)


@dataclass(frozen=True)
class RequirementResult:
    requirement: Requirement
    items: tuple  # the CheckItems that check it (empty when the portal does not check it)

    @property
    def checked(self):
        return bool(self.items)

    @property
    def passed(self):
        return self.checked and all(item.passed for item in self.items)


def against_scheme(items: list[CheckItem]) -> list[RequirementResult]:
    """Every item of the scheme's full list with the checks made of it: what the checklist covers and what not."""
    by_key = {item.key: item for item in items}
    return [
        RequirementResult(requirement, tuple(by_key[key] for key in requirement.checks))
        for requirement in SCHEME_REQUIREMENTS
    ]
