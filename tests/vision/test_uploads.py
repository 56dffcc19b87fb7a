"""Pending import files wait in the database, so a dry run on one app server can be confirmed on another."""

from datetime import timedelta

import pytest
from django.utils import timezone

from vision import dataversion, uploads
from vision.models import PendingUpload
from vision.tabular import MAX_FILE_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(django_user_model):
    return [django_user_model.objects.create_user(name) for name in ("tanaka", "suzuki")]


def test_a_stashed_file_is_redeemed_by_its_uploader_only(users, settings, tmp_path):
    tanaka, suzuki = users
    token = uploads.stash(b"indicator_id,fiscal_year\n", "values.CSV", tanaka, {"versions": {"a/b/2020/actual": 3}})

    assert uploads.redeem(token, tanaka) == (b"indicator_id,fiscal_year\n", "upload.csv")
    assert uploads.stashed_meta(token, tanaka) == {"versions": {"a/b/2020/actual": 3}}
    assert uploads.redeem(token, suzuki) is None
    assert uploads.stashed_meta(token, suzuki) == {}
    assert uploads.redeem("../../etc/passwd", tanaka) is None
    assert not list(tmp_path.iterdir())  # nothing on this server's disk

    uploads.discard(token, tanaka)
    assert uploads.redeem(token, tanaka) is None


def test_only_the_uploader_replaces_a_stashed_files_meta(users):
    tanaka, suzuki = users
    token = uploads.stash(b"a\n1\n", "values.csv", tanaka, {"checked": False})

    uploads.remember(token, suzuki, {"rows": 9})
    assert uploads.stashed_meta(token, tanaka) == {"checked": False}
    uploads.remember(token, tanaka, {"rows": 1, "versions": {}})
    assert uploads.stashed_meta(token, tanaka) == {"rows": 1, "versions": {}}


def test_an_xlsx_keeps_its_suffix(users):
    token = uploads.stash(b"PK\x03\x04", "値.xlsx", users[0])
    assert uploads.redeem(token, users[0]) == (b"PK\x03\x04", "upload.xlsx")


def test_a_day_old_file_expires_and_the_next_stash_cleans_it_up(users):
    tanaka, suzuki = users
    old = uploads.stash(b"old", "a.csv", tanaka)
    PendingUpload.objects.filter(token=old).update(created_at=timezone.now() - timedelta(hours=24, seconds=1))

    assert uploads.redeem(old, tanaka) is None
    uploads.stash(b"new", "b.csv", suzuki)
    assert not PendingUpload.objects.filter(token=old).exists()


def test_each_user_keeps_at_most_the_newest_few(users):
    tanaka, suzuki = users
    other = uploads.stash(b"other", "o.csv", suzuki)
    tokens = [uploads.stash(f"{n}".encode(), "a.csv", tanaka) for n in range(uploads.MAX_PER_USER + 2)]

    assert [uploads.redeem(token, tanaka) is not None for token in tokens] == [False, False] + [True] * (
        uploads.MAX_PER_USER
    )
    assert uploads.redeem(other, suzuki) is not None


def test_the_size_cap_holds(users):
    with pytest.raises(ValueError):
        uploads.stash(b"x" * (MAX_FILE_BYTES + 1), "big.csv", users[0])
    assert not PendingUpload.objects.exists()


def test_a_stash_is_not_public_data(users):
    before = dataversion.current()
    token = uploads.stash(b"a", "a.csv", users[0])
    uploads.discard(token, users[0])
    assert dataversion.current() == before
