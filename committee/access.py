"""Who may use the committee workspace: members of the committee group and staff; never the public."""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin

from vision import roles


def can_use_workspace(user):
    return user.is_active and user.is_authenticated and (user.is_staff or roles.sees_everything(user))


class WorkspaceMixin(LoginRequiredMixin, UserPassesTestMixin):
    raise_exception = False

    def test_func(self):
        return can_use_workspace(self.request.user)

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            self.raise_exception = True
        return super().handle_no_permission()
