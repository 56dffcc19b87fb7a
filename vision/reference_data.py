"""Load the reference fixtures by merging them, field by field, into what the database holds.

A plain `loaddata` overwrites every row with the same natural key, so loading again reverted every staff
edit of a shipped row, without history. This loader remembers, per row and per field, the value it wrote
last time (`ReferenceRecord`) and on the next load:

- a field still equal to what was loaded last time takes the new shipped value (a fixture correction);
- a field changed since is the staff's and is kept, and reported;
- a field the fixtures do not set (a department, a due date, a member's login) is never read or written;
- a new row is inserted, a row deleted since the last load is not brought back (reported);
- a row of a closed committee review is skipped and reported (the database refuses to change it).

`reset=True` writes every shipped value over the stored one. Updates go through the model's save(), so
django-simple-history records them with a change reason; inserts are raw saves, exactly as `loaddata`
makes them, so a first load gives the same rows as before.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.serializers import base
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import DEFAULT_DB_ALIAS, models, transaction

from . import dataversion
from .models import ReferenceRecord

UPDATE_REASON = "参照データの更新"
RESET_REASON = "参照データの上書き（--reset）"

_MISSING = object()


@dataclass
class ModelCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # fields kept because staff edited them
    skipped: int = 0


@dataclass(frozen=True)
class KeptField:
    """A field whose stored value was kept because it was changed after the last load."""

    model: str
    key: str
    field: str
    current: object
    shipped: object
    # False when the row was loaded before the loader kept records: the stored value may or may not be an edit.
    recorded: bool = True


@dataclass(frozen=True)
class SkippedRow:
    model: str
    key: str
    reason: str
    fields: tuple = ()


@dataclass
class LoadReport:
    files: list = field(default_factory=list)
    counts: dict = field(default_factory=lambda: defaultdict(ModelCounts))
    kept: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


def fixture_paths(directory):
    """The reference fixtures in `directory`: files named NN_subject.<format>, in file-name order."""
    formats = set(serializers.get_serializer_formats())
    return sorted(
        path for path in Path(directory).glob("[0-9][0-9]_*.*") if path.suffix[1:] in formats and path.is_file()
    )


def load_reference_data(paths, *, reset=False, using=DEFAULT_DB_ALIAS):
    """Merge the fixtures at `paths` (in that order) into the database, in one transaction; return a LoadReport."""
    # One bump for the whole load (each raw save would otherwise move the data version on by one).
    with dataversion.batch(), transaction.atomic(using=using):
        loader = _Loader(reset=reset, using=using)
        for path in paths:
            loader.load_file(Path(path))
        loader.finish()
    return loader.report


class _Broken:
    """A fixture object that could not be built, most often because the row it refers to was deleted."""

    def __init__(self, model, error):
        self.model = model
        self.error = error


def _given_fields(obj):
    """The names of the fields a fixture object sets (a dict for JSON/YAML/JSONL, a DOM node for XML)."""
    if isinstance(obj, dict):
        return tuple(obj.get("fields", {}))
    return tuple(node.getAttribute("name") for node in obj.getElementsByTagName("field"))


def _model_name(obj):
    return obj.get("model", "") if isinstance(obj, dict) else obj.getAttribute("model")


_deserializers = {}


def _deserializer(format):
    """Django's deserializer for `format`, noting on each object which fields the fixture sets.

    A row the fixture refers to that no longer exists gives a _Broken object instead of ending the file.
    """
    if format in _deserializers:
        return _deserializers[format]
    django_deserializer = serializers.get_deserializer(format)
    if issubclass(django_deserializer, PythonDeserializer):  # JSON, JSONL, YAML: one generator per object

        class Deserializer(django_deserializer):
            def _handle_object(self, obj):
                given = _given_fields(obj)
                try:
                    for deserialized in super()._handle_object(obj):
                        deserialized.given_fields = given
                        yield deserialized
                except base.DeserializationError as error:
                    yield _Broken(_model_name(obj), error)

    else:  # XML: one object per call

        class Deserializer(django_deserializer):
            def _handle_object(self, node):
                try:
                    deserialized = super()._handle_object(node)
                except base.DeserializationError as error:
                    return _Broken(_model_name(node), error)
                deserialized.given_fields = _given_fields(node)
                return deserialized

    _deserializers[format] = Deserializer
    return Deserializer


def _dump(model_field, instance):
    """A field's value as JSON (the foreign key's id for a relation)."""
    value = model_field.value_from_object(instance)
    if isinstance(model_field, models.FileField):
        return value.name or ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 2496, not 2496.0000 as the database returns it
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _default(model_field):
    """A field's default as JSON, as `_dump` writes values (None for a relation)."""
    if model_field.is_relation:
        return None
    return json.loads(json.dumps(model_field.get_default(), cls=DjangoJSONEncoder))


def _same(model_field, a, b):
    if model_field.many_to_many:
        return {str(pk) for pk in a} == {str(pk) for pk in b}
    try:
        return model_field.to_python(a) == model_field.to_python(b)
    except ValidationError:
        return a == b


def _row_key(instance):
    natural_key = instance.natural_key() if hasattr(instance, "natural_key") else ("pk", instance.pk)
    return json.dumps(list(natural_key), cls=DjangoJSONEncoder, ensure_ascii=False)


class _Loader:
    def __init__(self, *, reset, using):
        self.reset = reset
        self.using = using
        self.report = LoadReport()
        self.records = {
            (record.content_type_id, record.natural_key): record
            for record in ReferenceRecord.objects.using(using).all()
        }
        # On a database the loader has never written to, a fixture that cannot be read is an error in the fixture.
        self.first_load = not self.records
        self.inserted = set()  # (model, pk) inserted by this run
        self.postponed = []  # existing rows with forward references, merged once every row is in
        self.forward = []  # rows inserted with forward references still to set
        self.changed_records = []
        try:
            self.review_model = apps.get_model("committee", "Review")
        except LookupError:
            self.review_model = None

    def load_file(self, path):
        self.report.files.append(path.name)
        deserializer = _deserializer(path.suffix[1:])
        with open(path, encoding="utf-8") as stream:
            for deserialized in deserializer(stream, using=self.using, handle_forward_references=True):
                if isinstance(deserialized, _Broken):
                    if self.first_load:
                        raise deserialized.error
                    self.report.counts[deserialized.model].skipped += 1
                    reason = f"参照先の行がないため読み込めません: {deserialized.error}"
                    self.report.skipped.append(SkippedRow(deserialized.model, "", reason))
                    continue
                if deserialized.deferred_fields and deserialized.object.pk is not None and self._stored(deserialized):
                    self.postponed.append(deserialized)
                    continue
                self.merge(deserialized)

    def finish(self):
        for deserialized in self.forward:
            if not self._resolved(deserialized):
                continue
            models.Model.save_base(deserialized.object, using=self.using, raw=True)
            self._remember(deserialized, self._shipped(deserialized))
        for deserialized in self.postponed:
            if not self._resolved(deserialized):
                continue
            self.merge(deserialized)
        for record in self.changed_records:
            record.save(using=self.using)

    def _resolved(self, deserialized):
        """Resolve a row's forward references; a row naming a row deleted since (a measure's indicator, say) is
        skipped and reported, as rows under a deleted row are while the files are read."""
        try:
            self._resolve_forward_references(deserialized)
        except (base.DeserializationError, base.M2MDeserializationError, ObjectDoesNotExist) as error:
            if self.first_load:
                raise
            label = deserialized.object._meta.label_lower
            self.report.counts[label].skipped += 1
            reason = f"参照先の行がないため読み込めません: {error}"
            self.report.skipped.append(SkippedRow(label, "", reason))
            return False
        return True

    def _resolve_forward_references(self, deserialized):
        for model_field, raw in deserialized.deferred_fields.items():
            if model_field.many_to_many:
                deserialized.m2m_data = deserialized.m2m_data or {}
                deserialized.m2m_data[model_field.name] = base.deserialize_m2m_values(
                    model_field, raw, self.using, handle_forward_references=False
                )
            else:
                value = base.deserialize_fk_value(model_field, raw, self.using, handle_forward_references=False)
                setattr(deserialized.object, model_field.attname, value)
        deserialized.deferred_fields = {}

    def _stored(self, deserialized):
        instance = deserialized.object
        if instance.pk is None:
            return None
        return type(instance)._base_manager.using(self.using).filter(pk=instance.pk).first()

    def _fields(self, deserialized):
        opts = deserialized.object._meta
        deferred = {f.name for f in deserialized.deferred_fields or ()}
        fields = [opts.get_field(name) for name in deserialized.given_fields if name not in deferred]
        return [f for f in fields if (f.concrete or f.many_to_many) and not f.primary_key]

    def _shipped(self, deserialized):
        shipped = {}
        for model_field in self._fields(deserialized):
            if model_field.many_to_many:
                pks = (deserialized.m2m_data or {}).get(model_field.name, [])
                shipped[model_field.name] = json.loads(json.dumps(list(pks), cls=DjangoJSONEncoder))
            else:
                shipped[model_field.name] = _dump(model_field, deserialized.object)
        return shipped

    def _remember(self, deserialized, shipped):
        instance = deserialized.object
        content_type = ContentType.objects.db_manager(self.using).get_for_model(type(instance))
        key = _row_key(instance)
        record = self.records.get((content_type.pk, key))
        if record is None:
            record = ReferenceRecord(content_type=content_type, natural_key=key)
            self.records[(content_type.pk, key)] = record
        if record.values != shipped or record.pk is None:
            record.values = shipped
            self.changed_records.append(record)

    def _record(self, instance):
        content_type = ContentType.objects.db_manager(self.using).get_for_model(type(instance))
        return self.records.get((content_type.pk, _row_key(instance)))

    def _in_closed_review(self, instance, stored):
        """Whether the row is, or belongs to, a committee review closed before this load."""
        Review = self.review_model
        if Review is None:
            return False
        if isinstance(instance, Review):
            return stored is not None and stored.status == Review.Status.CLOSED
        review_ids = set()
        for model_field in instance._meta.concrete_fields:
            if model_field.is_relation and model_field.related_model is Review:
                review_ids.update(getattr(row, model_field.attname) for row in (instance, stored) if row is not None)
        review_ids = {pk for pk in review_ids if pk is not None and (Review, pk) not in self.inserted}
        return (
            bool(review_ids)
            and Review._base_manager.using(self.using).filter(pk__in=review_ids, status=Review.Status.CLOSED).exists()
        )

    def merge(self, deserialized):
        instance = deserialized.object
        model = type(instance)
        label = model._meta.label_lower
        counts = self.report.counts[label]
        stored = self._stored(deserialized)
        key = _row_key(instance)
        record = self._record(instance)
        shipped = self._shipped(deserialized)

        if stored is None:
            if record is not None and not self.reset:
                counts.skipped += 1
                self.report.skipped.append(SkippedRow(label, key, "前回の読込み後に削除されたため再登録しません"))
                return
            if self._in_closed_review(instance, None):
                counts.skipped += 1
                self.report.skipped.append(SkippedRow(label, key, "締め切った検証の行のため追加しません"))
                return
            deserialized.save(using=self.using)
            self.inserted.add((model, instance.pk))
            counts.inserted += 1
            if deserialized.deferred_fields:
                self.forward.append(deserialized)
            else:
                self._remember(deserialized, shipped)
            return

        last = record.values if record is not None else {}
        apply, kept = [], []
        for model_field in self._fields(deserialized):
            name = model_field.name
            if model_field.many_to_many:
                current = [pk for pk in getattr(stored, name).values_list("pk", flat=True)]
                current = json.loads(json.dumps(current, cls=DjangoJSONEncoder))
            else:
                current = _dump(model_field, stored)
            if _same(model_field, current, shipped[name]):
                continue
            previous = last.get(name, _MISSING)
            if previous is _MISSING and record is not None and _same(model_field, current, _default(model_field)):
                # A field added to the model since the last load, still at its default: nobody edited it.
                previous = current
            if self.reset or (previous is not _MISSING and _same(model_field, current, previous)):
                apply.append(model_field)
            else:
                kept.append(KeptField(label, key, name, current, shipped[name], recorded=previous is not _MISSING))

        if apply and self._in_closed_review(instance, stored):
            counts.skipped += 1
            self.report.skipped.append(
                SkippedRow(label, key, "締め切った検証の行のため変更しません", tuple(f.name for f in apply))
            )
            return
        counts.kept += len(kept)
        self.report.kept.extend(kept)
        if apply:
            self._update(stored, deserialized, apply)
            counts.updated += 1
        else:
            counts.unchanged += 1
        self._remember(deserialized, shipped)

    def _update(self, stored, deserialized, fields):
        plain = [f for f in fields if not f.many_to_many]
        for model_field in plain:
            setattr(stored, model_field.attname, getattr(deserialized.object, model_field.attname))
        stored._change_reason = RESET_REASON if self.reset else UPDATE_REASON
        # Through save() (not update()) so that the change is in the row's history, as an edit would be.
        stored.save(using=self.using, update_fields=[f.name for f in plain] or None)
        for model_field in fields:
            if model_field.many_to_many:
                getattr(stored, model_field.name).set((deserialized.m2m_data or {}).get(model_field.name, []))


def record_initial_history(using=DEFAULT_DB_ALIAS):
    """Give every row with change history but no history yet a first record, so the first edit shows its old value.

    Inserts are raw saves, which write no history; without this the history of a reference value would
    start at its first change with nothing to compare or revert to. Rows that have history are left alone.
    """
    from simple_history.models import registered_models
    from simple_history.utils import get_history_manager_for_model

    created = 0
    for model in registered_models.values():
        history = get_history_manager_for_model(model)
        with_history = history.using(using).values_list(model._meta.pk.attname, flat=True).distinct()
        missing = list(model._default_manager.using(using).exclude(pk__in=with_history))
        if missing:
            history.bulk_history_create(missing, default_change_reason="参照データの読込み")
            created += len(missing)
    return created
