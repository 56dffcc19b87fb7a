"""Every write to a review and what it holds (evaluations, comments) goes through these functions.

Each one locks the review row and reads its status from the database before writing, so a review closed
by someone else a moment ago is not written to, whatever the caller's copy of it says. The admin calls
these functions too; the database refuses changes to closed rows as a last line (migration 0002).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kpi.models import IndicatorPlacement
from vision import roles
from vision.models import Goal

from .models import REVIEW_CLOSED_MESSAGE, Comment, Evaluation, Review
from .sheets import policies_of


def _lock_open_review(review_id) -> Review:
    review = Review.objects.select_for_update().get(pk=review_id)
    if review.is_closed:
        raise ValidationError(REVIEW_CLOSED_MESSAGE)
    return review


def _lock_stored_review_of(model, obj):
    """Lock the review an existing row belongs to in the database (it may differ from the one it is moved to)."""
    if obj.pk is None:
        return
    stored_review_id = model.objects.filter(pk=obj.pk).values_list("review_id", flat=True).first()
    if stored_review_id is not None:
        _lock_open_review(stored_review_id)


@transaction.atomic
def save_review(review: Review) -> Review:
    """Create or change an open review; closing goes through `close_review`."""
    if review.pk is not None:
        _lock_open_review(review.pk)
    if review.is_closed:
        raise ValidationError(_("検証を締め切るには「締め切る」操作を使ってください。"))
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def start_review(review: Review, *, user, on=None) -> Review:
    """Open a year's review of a plan with an empty evaluation (a policy sheet) per policy (administrators only).

    The departments then enter their 方向性 and 課題・検証 on each sheet and the committee's members comment on its
    KPIs; the committee's current plan becomes the reviewed one.
    """
    if not roles.can_start_review(user):
        raise PermissionDenied(_("年度の検証を始められるのは管理者だけです。"))
    if review.pk is not None:
        raise ValidationError(_("この検証は既に始まっています。"))
    review.status = Review.Status.OPEN
    review.opened_on = review.opened_on or on or timezone.localdate()
    review.full_clean()
    review.save()
    goals = list(Goal.objects.filter(plan=review.plan_id))
    with_kpis = set(IndicatorPlacement.objects.filter(goal__plan=review.plan_id).values_list("goal_id", flat=True))
    for policy in policies_of(goals, with_kpis):
        evaluation = Evaluation(review=review, policy=policy)
        evaluation.full_clean()
        evaluation._history_user = user
        evaluation.save()
    committee = review.committee
    if committee.plan_id != review.plan_id:
        committee.plan = review.plan
        committee.save(update_fields=["plan"])
    return review


@transaction.atomic
def close_review(review: Review, *, on=None) -> Review:
    """Close an open review on `on` (today by default); from then on it and everything under it is read-only."""
    locked = _lock_open_review(review.pk)
    locked.status = Review.Status.CLOSED
    locked.closed_on = on or timezone.localdate()
    locked.full_clean()
    locked.save(update_fields=["status", "closed_on"])
    review.status, review.closed_on = locked.status, locked.closed_on
    from .editions import freeze

    freeze(locked)  # the annual edition: what the committee saw, kept after later corrections
    return locked


@transaction.atomic
def delete_review(review: Review) -> None:
    """Delete an open review with its evaluations and comments."""
    _lock_open_review(review.pk).delete()


@transaction.atomic
def save_evaluation(evaluation: Evaluation) -> Evaluation:
    """Create or change a policy's evaluation in an open review."""
    _lock_stored_review_of(Evaluation, evaluation)
    _lock_open_review(evaluation.review_id)
    evaluation.full_clean()
    evaluation.save()
    return evaluation


@transaction.atomic
def delete_evaluation(evaluation: Evaluation) -> None:
    """Delete a policy's evaluation from an open review."""
    _lock_stored_review_of(Evaluation, evaluation)
    evaluation.delete()


@transaction.atomic
def add_comment(*, review: Review, indicator, author, body: str) -> Comment:
    """Post a remark on an indicator in an open review: members of the committee in office only."""
    locked = _lock_open_review(review.pk)
    if not roles.can_comment(author, locked):
        raise PermissionDenied(_("意見を書けるのは、この委員会の在任中の委員だけです。"))
    comment = Comment(review=locked, indicator=indicator, author=author, body=body)
    comment.full_clean()
    comment._history_user = author
    comment.save()
    return comment


def _lock_comment(comment: Comment, user, action) -> Comment:
    _lock_stored_review_of(Comment, comment)
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if not (roles.is_comment_author(user, locked) and roles.permits(user, action, locked)):
        raise PermissionDenied(_("この意見を変更・取り下げできるのは投稿者だけです。"))
    return locked


@transaction.atomic
def change_comment(comment: Comment, *, user, body: str) -> Comment:
    """Reword a remark: its author only, while the review is open. History keeps the earlier wording."""
    locked = _lock_comment(comment, user, "change")
    locked.body = body
    locked.full_clean()
    locked._history_user = user
    locked.save(update_fields=["body"])
    return locked


@transaction.atomic
def withdraw_comment(comment: Comment, *, user) -> Comment:
    """Withdraw a remark (its author only): it is no longer shown, and history keeps it."""
    locked = _lock_comment(comment, user, "delete")
    locked.withdrawn_at = timezone.now()
    locked._history_user = user
    locked.save(update_fields=["withdrawn_at"])
    return locked


@transaction.atomic
def hide_comment(comment: Comment, *, user, reason: str) -> Comment:
    """Hide a remark with a reason (administrators only); members no longer see it, history keeps it."""
    if not roles.can_hide_comment(user):
        raise PermissionDenied(_("意見を非表示にできるのは管理者だけです。"))
    _lock_stored_review_of(Comment, comment)
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    locked.hidden_at, locked.hidden_by, locked.hidden_reason = timezone.now(), user, reason
    locked.full_clean()
    locked._history_user = user
    locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return locked


@transaction.atomic
def save_comment(comment: Comment) -> Comment:
    """Create or change a remark in an open review (administrators, from the admin)."""
    _lock_stored_review_of(Comment, comment)
    _lock_open_review(comment.review_id)
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def delete_comment(comment: Comment) -> None:
    """Delete a remark from an open review (administrators; members withdraw theirs instead)."""
    _lock_stored_review_of(Comment, comment)
    comment.delete()
