"""Two imports of the same new rows at the same moment, on two database connections (PostgreSQL only: SQLite
serialises writers for the whole database, so the race cannot happen there)."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from kpi import series_import
from kpi.models import Indicator, Observation
from kpi.services import import_observations

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HEADER = "indicator_id,fiscal_year,kind,value,comparator,measured_year,provisional,missing_reason,printed,note"


def test_two_imports_inserting_the_same_rows_at_once_end_with_one_message_and_nothing_from_the_loser(
    monkeypatch, live_reference_data
):
    plan = Indicator.objects.get(code="S2-G1-N1").plan  # FY2020–FY2023
    Indicator.objects.bulk_create(
        Indicator(code=f"RACE-{n}", plan=plan, area=plan.area, name=f"指標{n}", unit="件") for n in range(125)
    )
    lines = [f"RACE-{n},{year},actual,{n + year},,,false,,," for n in range(125) for year in range(2020, 2024)]
    data = ("\r\n".join([HEADER, *lines]) + "\r\n").encode()
    assert len(lines) == 500

    barrier = threading.Barrier(2, timeout=60)
    load = series_import._Checker.load  # the stored values of a chunk of rows (all 500 here), read and locked

    def load_then_wait(self, keys, checked):
        found = load(self, keys, checked)
        barrier.wait()  # both have found no existing rows before either inserts one
        return found

    monkeypatch.setattr(series_import._Checker, "load", load_then_wait)
    outcomes = [None, None]

    def run(index):
        try:
            outcomes[index] = import_observations(data, "same.csv", dry_run=False)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(outcome is not None for outcome in outcomes)

    winner, loser = sorted(outcomes, key=lambda outcome: outcome.written, reverse=True)
    assert winner.written and winner.totals["new"] == 500
    assert not loser.written
    assert len(loser.errors) == 1
    assert "別の取込みが同じ行を先に書き込みました" in loser.errors[0].message
    race = Observation.objects.filter(indicator__code__startswith="RACE-")
    assert race.count() == 500
    assert Observation.history.filter(indicator__code__startswith="RACE-").count() == 500  # the winner's only


def test_a_dry_run_locks_no_stored_value_while_it_checks(monkeypatch, live_reference_data):
    """A background check of a large file takes seconds; staff saving a value meanwhile must not wait for it (and
    two checks must not lock chunks in each other's way). The confirmation compares versions instead."""
    stored = Observation.objects.filter(indicator__code="S2-G1-N1").first()
    data = (f"{HEADER}\r\nS2-G1-N1,{stored.fiscal_year},{stored.kind},12345,,,false,,,\r\n").encode()
    load = series_import._Checker.load
    tried = {}

    def load_then_try_a_lock(self, keys, checked):
        found = load(self, keys, checked)

        def lock_elsewhere():
            try:
                with transaction.atomic():
                    Observation.objects.select_for_update(nowait=True).get(pk=stored.pk)
                tried["locked"] = True
            except DatabaseError:
                tried["locked"] = False
            finally:
                connection.close()

        thread = threading.Thread(target=lock_elsewhere)
        thread.start()
        thread.join(timeout=30)
        return found

    monkeypatch.setattr(series_import._Checker, "load", load_then_try_a_lock)
    outcome = import_observations(data, "check.csv", dry_run=True)

    assert outcome.ok and not outcome.written
    assert tried == {"locked": True}
