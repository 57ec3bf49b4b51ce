"""The organization: one per installation, a tree of nodes with SCPs attached.

* `Node`: the root (exactly one, made by migrate and kept by `apps.ensure_root`), OUs
  (nested at most `settings.ORG_MAX_OU_DEPTH` levels below the root, at most
  `settings.ORG_MAX_OUS` of them) and accounts (under the root or any OU, never holding
  anything). `huawei_id` is the id Huawei gives the node (`r-…`, `ou-…`, an account id),
  empty for a node entered by hand without one; `management` marks the one management
  account, which SCPs do not restrict.
* `Attachment`: a saved policy (`scpstudio.policies.models.Policy`) attached to a node,
  following its latest version (`version` empty) or pinned to one version; or the system
  policy FullAccess (`builtin`), attached to every new node. 1 to
  `settings.ORG_MAX_ATTACHMENTS` (5) per node, kept by `services`.
* `PolicyHuaweiId`: the `p-…` id Huawei gives a saved policy that came from (or went to)
  Huawei's Organizations API.

Nothing here writes: every change goes through `services` (`node_create`, `node_rename`,
`node_move`, `node_delete`, `node_set_management`, `attachment_create`,
`attachment_delete`), which check the rules and quotas. A policy that is attached cannot
be deleted (`on_delete=PROTECT`); the policies app says so through its usage registry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from scpstudio.policies.models import Policy, PolicyVersion

FULL_ACCESS = "FullAccess"  # the system policy's name, in Huawei's console and here


class NodeKind(models.TextChoices):
    ROOT = "root", "Root"
    OU = "ou", "OU"
    ACCOUNT = "account", "Account"


class Node(models.Model):
    kind = models.CharField(max_length=8, choices=NodeKind.choices)
    name = models.CharField(max_length=64)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    huawei_id = models.CharField(
        max_length=100, blank=True, default="", help_text="The id Huawei gives the node."
    )
    management = models.BooleanField(
        default=False, help_text="The management account: SCPs do not restrict it."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="root"), name="org_one_root"),
            models.UniqueConstraint(
                fields=["management"], condition=Q(management=True), name="org_one_management"
            ),
            models.UniqueConstraint(
                fields=["huawei_id"], condition=~Q(huawei_id=""), name="org_huawei_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="root", parent__isnull=True)
                | (~Q(kind="root") & Q(parent__isnull=False)),
                name="org_only_the_root_has_no_parent",
            ),
            models.CheckConstraint(
                condition=Q(management=False) | Q(kind="account"),
                name="org_management_is_an_account",
            ),
        ]
        indexes = [models.Index(fields=["parent", "kind"], name="org_node_children")]
        permissions = [("change_organization", "Can change the organization: nodes, attachments")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """`OU Engineering (ou-ab12-cd34ef56)`: how a sentence names the node."""
        kind = {"root": "Root", "ou": "OU", "account": "account"}[self.kind]
        named = (
            kind if self.kind == NodeKind.ROOT and self.name == "Root" else f"{kind} {self.name}"
        )
        return f"{named} ({self.huawei_id})" if self.huawei_id else named

    @property
    def is_root(self) -> bool:
        return self.kind == NodeKind.ROOT

    @property
    def is_ou(self) -> bool:
        return self.kind == NodeKind.OU

    @property
    def is_account(self) -> bool:
        return self.kind == NodeKind.ACCOUNT


class Attachment(models.Model):
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="attachments")
    # A policy that is attached cannot be deleted: detach it first (services say where).
    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, null=True, blank=True, related_name="org_attachments"
    )
    version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="org_attachments",
        help_text="Pinned to this version; empty: follows the latest version.",
    )
    builtin = models.CharField(
        max_length=16,
        blank=True,
        default="",
        choices=[("", "—"), (FULL_ACCESS, FULL_ACCESS)],
        help_text="A system policy instead of a saved one.",
    )
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["node", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(policy__isnull=False) & Q(builtin=""))
                | (Q(policy__isnull=True) & ~Q(builtin="") & Q(version__isnull=True)),
                name="org_attachment_policy_or_builtin",
            ),
            models.UniqueConstraint(
                fields=["node", "policy"],
                condition=Q(policy__isnull=False),
                name="org_attach_a_policy_once",
            ),
            models.UniqueConstraint(
                fields=["node", "builtin"], condition=~Q(builtin=""), name="org_attach_builtin_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy_name} attached to {self.node.label}"

    @property
    def policy_name(self) -> str:
        return self.builtin or (self.policy.name if self.policy is not None else "")

    @property
    def pinned(self) -> bool:
        return self.version_id is not None


class PolicyHuaweiId(models.Model):
    """The `p-…` id of a saved policy in Huawei's Organizations (set by an import)."""

    policy = models.OneToOneField(Policy, on_delete=models.CASCADE, related_name="huawei")
    huawei_id = models.CharField(max_length=140, unique=True)

    class Meta:
        verbose_name = "policy's Huawei id"
        verbose_name_plural = "policies' Huawei ids"

    def __str__(self) -> str:
        return f"{self.policy} is {self.huawei_id}"
