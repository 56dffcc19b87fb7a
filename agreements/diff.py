"""What changed between two versions of an agreement: articles and role-table rows, compared as text."""

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    """One changed part of an agreement. `kind` is added, removed or changed; segments mark the edits."""

    section: str
    key: str
    label: str
    kind: str
    old: str
    new: str

    @property
    def segments(self):
        return inline_diff(self.old, self.new)


def inline_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Split two texts into (op, text) segments, op being 'equal', 'delete' or 'insert', character by character."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    segments = []
    for op, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if op == "equal":
            segments.append(("equal", old[a_start:a_end]))
            continue
        if op in ("delete", "replace"):
            segments.append(("delete", old[a_start:a_end]))
        if op in ("insert", "replace"):
            segments.append(("insert", new[b_start:b_end]))
    return segments


def compare_sections(section: str, old: dict[str, tuple[str, str]], new: dict[str, tuple[str, str]]) -> list[Change]:
    """Compare two mappings key → (label, text) of one section, keeping the new version's order."""
    changes = []
    for key, (label, new_text) in new.items():
        if key not in old:
            changes.append(Change(section, key, label, "added", "", new_text))
        elif old[key][1] != new_text:
            changes.append(Change(section, key, label, "changed", old[key][1], new_text))
    for key, (label, old_text) in old.items():
        if key not in new:
            changes.append(Change(section, key, label, "removed", old_text, ""))
    return changes
