from agreements.completeness import AgreementOutline, check_agreement, is_complete


def outline(**overrides):
    values = dict(
        central_city_name="熊本市",
        partner_name="荒尾市",
        has_purpose=True,
        has_basic_policy=True,
        pillar_numbers=frozenset({1, 2, 3}),
        pillar3_group_numbers=frozenset({1, 2, 3}),
    )
    values.update(overrides)
    return AgreementOutline(**values)


def test_an_agreement_with_everything_the_scheme_asks_for_is_complete():
    items = check_agreement(outline())
    assert is_complete(items)
    assert len(items) == 9


def test_missing_pillar_2_is_reported():
    items = {item.key: item for item in check_agreement(outline(pillar_numbers=frozenset({1, 3})))}
    assert not items["pillar_2"].passed
    assert items["pillar_1"].passed


def test_pillar_3_needs_an_area_in_each_of_its_three_groups():
    items = {item.key: item for item in check_agreement(outline(pillar3_group_numbers=frozenset({1, 2})))}
    assert not items["pillar3_group_3"].passed
    assert not is_complete(list(items.values()))


def test_missing_purpose_or_basic_policy_is_reported():
    items = {item.key: item for item in check_agreement(outline(has_purpose=False, has_basic_policy=False))}
    assert not items["purpose"].passed
    assert not items["basic_policy"].passed


def test_the_full_list_says_which_items_the_portal_checks():
    from agreements.completeness import SCHEME_REQUIREMENTS, against_scheme

    results = against_scheme(check_agreement(outline()))
    assert len(results) == len(SCHEME_REQUIREMENTS) == 7  # seed 004: ①②③④, ア a〜d, イ a〜c, ウ A・B・C
    assert [r.checked for r in results] == [True, True, True, True, False, False, True]
    # every check the portal makes belongs to one item of the list
    assert sorted(key for r in results for key in r.requirement.checks) == sorted(
        i.key for i in check_agreement(outline())
    )
