"""The catalog of what a policy can name: services and their actions, resource
types, condition keys, APIs and dependencies, as Huawei's SCP reference pages
describe them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from scpstudio.engine.catalog import REGION_RE, access_level_label

# An access level is a word (Huawei's pages and schemas use more than list/read/write); the
# known ones have labels, any other is kept as given and grouped under its own name.
ACCESS_LEVEL_RE = r"^[a-z][a-z0-9_]*\Z"


class AccessLevel(models.TextChoices):
    LIST = "list", "List"
    READ = "read", "Read"
    WRITE = "write", "Write"
    PERMISSION_MANAGEMENT = "permission_management", "Permission management"
    TAGGING = "tagging", "Tagging"


class KeyType(models.TextChoices):
    STRING = "string", "String"
    NUMBER = "number", "Number"
    BOOLEAN = "boolean", "Boolean"
    DATE = "date", "Date"
    IP = "ip", "IP address"


class HttpMethod(models.TextChoices):
    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"
    HEAD = "HEAD"
    OPTIONS = "OPTIONS"


class Service(models.Model):
    prefix = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=500, blank=True, help_text="Where the data came from.")
    updated_on = models.DateField(null=True, blank=True, help_text="The page's 'Updated on' date.")
    scp_governed = models.BooleanField(
        "governed by SCPs",
        null=True,
        blank=True,
        help_text="Whether Huawei lists this service among the cloud services for using SCPs: "
        "an SCP statement about a service SCPs do not govern has no effect. Unknown when empty.",
    )
    schema_version = models.CharField(
        max_length=64, blank=True, help_text="The version of IAM's authorization schema synced."
    )

    class Meta:
        ordering = ["prefix"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def get_absolute_url(self) -> str:
        return reverse("catalog:service", args=[self.prefix])


class ResourceType(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="resource_types")
    name = models.CharField(max_length=100)
    urn_pattern = models.CharField(max_length=300)

    class Meta:
        ordering = ["service__prefix", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="resource_type_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.service.prefix}:{self.name}"


class ConditionKey(models.Model):
    """A key for the Condition element; `service` is empty for global (`g:`) keys."""

    name = models.CharField(max_length=200, unique=True)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="condition_keys"
    )
    value_type = models.CharField(max_length=16, choices=KeyType.choices)
    multivalued = models.BooleanField(default=False)
    request_wide = models.BooleanField(
        default=False,
        help_text="Present in every request (most global keys), not only for the actions "
        "that list it.",
    )
    confirmed = models.BooleanField(default=True, help_text="Confirmed by Huawei's documentation.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_type__in=KeyType.values), name="condition_key_valid_type"
            ),
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(name__startswith="g:"),
                name="condition_key_global_prefix",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:condition-keys") + f"#key-{self.pk}"

    @property
    def is_global(self) -> bool:
        return self.service_id is None

    @property
    def templated(self) -> bool:
        return "<" in self.name


class Action(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="actions")
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    access_level = models.CharField(
        max_length=32,
        validators=[RegexValidator(ACCESS_LEVEL_RE, "An access level is a lower-case word.")],
        help_text="list, read, write, permission_management, tagging, or another level "
        "Huawei names (kept as given).",
    )
    permission_only = models.BooleanField(
        default=False, help_text="Only a permission: no API calls it (IAM's schema says so)."
    )
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names of this action that a policy may use (IAM's schema lists them).",
    )
    resource_types = models.ManyToManyField(
        ResourceType, through="ActionResourceType", related_name="actions", blank=True
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            # any word Huawei names is a level, but never none
            models.CheckConstraint(condition=~Q(access_level=""), name="action_access_level_given")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:action", args=[self.name])

    @property
    def access_level_label(self) -> str:
        """The level's label; one Huawei names that we do not know, as written."""
        return access_level_label(self.access_level)


class ActionResourceType(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="resource_links")
    resource_type = models.ForeignKey(ResourceType, on_delete=models.CASCADE)
    required = models.BooleanField(default=False)
    condition_keys = models.JSONField(
        default=list,
        blank=True,
        help_text="Keys a request carries for this resource type (IAM's schema lists them).",
    )

    class Meta:
        ordering = ["action__name", "resource_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "resource_type"], name="action_resource_type_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} -> {self.resource_type.name}{' *' if self.required else ''}"


class ActionConditionKey(models.Model):
    """An action lists a key; `key` is empty when no catalog key has that name yet."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="key_links")
    key_name = models.CharField(max_length=200)
    key = models.ForeignKey(
        ConditionKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_links"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["action__name", "position", "key_name"]
        constraints = [
            models.UniqueConstraint(fields=["action", "key_name"], name="action_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.action} -> {self.key_name}"


class Dependency(models.Model):
    """An action needs another; the target may be outside the catalog (another service)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="dependencies")
    target_name = models.CharField(max_length=200)
    target = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="dependents"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["action__name", "position", "target_name"]
        verbose_name_plural = "dependencies"
        constraints = [
            models.UniqueConstraint(fields=["action", "target_name"], name="dependency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.action} needs {self.target_name}"


class Api(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="apis")
    method = models.CharField(max_length=8, choices=HttpMethod.choices)
    path = models.CharField(max_length=300)

    class Meta:
        ordering = ["service__prefix", "path", "method"]
        verbose_name = "API"
        constraints = [
            models.UniqueConstraint(fields=["service", "method", "path"], name="api_unique"),
            models.CheckConstraint(condition=Q(method__in=HttpMethod.values), name="api_method"),
            models.CheckConstraint(condition=Q(path__startswith="/"), name="api_path_absolute"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:apis") + f"#api-{self.pk}"


class ApiAction(models.Model):
    """An API needs an action; a conditional link holds only in the situation its note names."""

    api = models.ForeignKey(Api, on_delete=models.CASCADE, related_name="action_links")
    action_name = models.CharField(max_length=200)
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="api_links"
    )
    note = models.CharField(max_length=300, blank=True)
    conditional = models.BooleanField(default=False)

    class Meta:
        ordering = ["api__path", "action_name"]
        verbose_name = "API action link"
        constraints = [
            models.UniqueConstraint(fields=["api", "action_name"], name="api_action_unique")
        ]

    def __str__(self) -> str:
        return f"{self.api} -> {self.action_name}"


class Operation(models.Model):
    """An API known by its operation id (IAM's schema): the action it needs and the actions
    it depends on. Its method and path come from a page API that needs the same action."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="operations")
    operation_id = models.CharField("operation ID", max_length=200)
    action_name = models.CharField(max_length=200)
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="operations"
    )
    dependent_actions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["service__prefix", "operation_id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "operation_id"], name="operation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.service.prefix}:{self.operation_id}"


class Region(models.Model):
    """A Huawei Cloud region a URN may name; validation warns about a region not listed here."""

    region_id = models.CharField(
        "region ID",
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(
                rf"^{REGION_RE.pattern}\Z",
                "A region ID is lower-case words and a number joined by hyphens, like cn-north-4.",
            )
        ],
    )
    name = models.CharField(max_length=200, blank=True, help_text="As the console shows it.")

    class Meta:
        ordering = ["region_id"]

    def __str__(self) -> str:
        return f"{self.region_id} ({self.name})" if self.name else self.region_id


class CatalogRevision(models.Model):
    """One row counting catalog changes, so every worker can tell its snapshot is stale."""

    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "catalog revision"

    def __str__(self) -> str:
        return f"catalog revision {self.number}"


class ImportDraft(models.Model):
    """A source a maintainer reviewed in the admin import, kept until Apply or expiry.

    The Apply form posts only the SHA-256 of the text: posting the text back could pass the
    request size limit that the upload itself stays under.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sha256 = models.CharField(max_length=64)
    source_name = models.CharField(max_length=255, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "import draft"
        constraints = [
            models.UniqueConstraint(fields=["user", "sha256"], name="import_draft_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_name or 'import'} ({self.sha256[:12]})"
