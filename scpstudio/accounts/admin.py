"""Accounts in the admin: API tokens (made with the key shown once, revoked by deleting),
and the users' delete page, which asks what becomes of the user's policies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from scpstudio.accounts import selectors, services
from scpstudio.accounts.models import ApiToken
from scpstudio.accounts.services import TOKEN_NAME_MAX, AccountInputError

User = get_user_model()
TRANSFER, DELETE = "transfer", "delete"


def _user_named(username: str) -> Any:
    user = User.objects.filter(username=username.replace("\x00", "")).first()
    if user is None:
        raise forms.ValidationError(f"There is no user {username!r}.")
    return user


class TokenAddForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="The account the token signs in as.")
    name = forms.CharField(max_length=TOKEN_NAME_MAX, help_text="What will use it, e.g. CI lint.")

    def clean_username(self) -> Any:
        return _user_named(self.cleaned_data["username"])


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made here or on the account page, shown, and revoked (deleted); never
    edited, and their keys are never stored."""

    list_display = ["name", "user", "key_start", "created_at", "last_used_at"]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    fields = readonly_fields

    @admin.display(description="key starts", ordering="prefix")
    def key_start(self, obj: ApiToken) -> str:
        return f"{obj.prefix}…"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def add_view(  # the admin sends it with never_cache: the key is not kept by a cache
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = TokenAddForm(request.POST if request.method == "POST" else None)
        token, key = None, ""
        if form.is_bound and form.is_valid():
            try:
                token, key = services.token_create(
                    user=form.cleaned_data["username"], name=form.cleaned_data["name"]
                )
            except AccountInputError as exc:
                form.add_error("name", exc.message.replace("You already have", "It already has"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Add API token",
            "form": form,
            "token": token,
            "key": key,
        }
        return TemplateResponse(request, "admin/accounts/apitoken/add.html", context)


class UserDeleteForm(forms.Form):
    what = forms.ChoiceField(
        choices=[(TRANSFER, "Transfer them"), (DELETE, "Delete them")],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose transfer or delete for their policies."},
    )
    transfer_to = forms.CharField(max_length=150, required=False)

    def __init__(self, *args: Any, owns_policies: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owns_policies = owns_policies

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.owns_policies:
            return data
        if data.get("what") not in (TRANSFER, DELETE):
            raise forms.ValidationError("Choose what becomes of their policies.")
        if data["what"] == TRANSFER:
            if not data.get("transfer_to"):
                self.add_error("transfer_to", "Name the user who receives the policies.")
            else:
                data["receiver"] = _user_named(data["transfer_to"])
        return data


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, but deleting a user goes through a page that lists their
    policies and the versions other people saved in them, and asks what becomes of them."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one user at a time, through the page below
        return actions

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        user = self.get_object(request, object_id)
        if user is None:
            raise Http404("There is no such user.")
        if not self.has_delete_permission(request, user):
            raise PermissionDenied
        plan = selectors.user_deletion_plan(user)
        form = UserDeleteForm(
            request.POST if request.method == "POST" else None,
            owns_policies=plan.policy_count > 0,
        )
        if form.is_bound and form.is_valid():
            what = form.cleaned_data.get("what")
            try:
                done = services.user_delete(
                    user=user,
                    transfer_to=form.cleaned_data.get("receiver") if what == TRANSFER else None,
                    delete_policies=what == DELETE,
                )
            except AccountInputError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, done.sentence, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:auth_user_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Delete the user {user.get_username()}?",
            "object": user,
            "plan": plan,
            "form": form,
        }
        status = 400 if form.is_bound else 200
        return TemplateResponse(request, "admin/accounts/user_delete.html", context, status=status)
