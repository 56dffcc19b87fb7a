"""Who may use the committee workspace: vision.roles decides; this module puts the question on each view."""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin

from vision import roles
from vision.selectors import url_area


class WorkspaceMixin(LoginRequiredMixin, UserPassesTestMixin):
    """A workspace page of the URL's area (the default area until the workspace moves under /areas/):
    administrators, committee members (no staff status needed) and the editors of departments of its members."""

    raise_exception = False

    def test_func(self):
        return roles.can_use_workspace(self.request.user, url_area(self.request))

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()


class EverythingReaderMixin(WorkspaceMixin):
    """A page that shows every department's unpublished values at once (annual editions and comparisons)."""

    def test_func(self):
        user = self.request.user
        return roles.sees_everything(user) and roles.can_use_workspace(user, url_area(self.request))
