from agreements.diff import compare_sections, inline_diff


def test_inline_diff_marks_deleted_and_inserted_characters():
    assert inline_diff("甲と連携して取り組む。", "甲と協力して取り組む。") == [
        ("equal", "甲と"),
        ("delete", "連携"),
        ("insert", "協力"),
        ("equal", "して取り組む。"),
    ]


def test_compare_sections_reports_added_removed_and_changed_keys():
    old = {"1": ("第1条", "同じ"), "2": ("第2条", "古い"), "3": ("第3条", "消える")}
    new = {"1": ("第1条", "同じ"), "2": ("第2条", "新しい"), "4": ("第4条", "増える")}
    changes = {(c.key, c.kind) for c in compare_sections("articles", old, new)}
    assert changes == {("2", "changed"), ("4", "added"), ("3", "removed")}
