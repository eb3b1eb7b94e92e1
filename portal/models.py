"""Identity and tenancy: users, products (one portal each) and customer accounts."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def email_domain(email: str) -> str:
    """The lower-cased domain of an email address ('' when there is none)."""
    _, _, domain = email.strip().rpartition("@")
    return domain.lower()


def parse_domains(text: str) -> list[str]:
    """Domains from text separated by commas, spaces or new lines, lower-cased, deduplicated."""
    seen: dict[str, None] = {}
    for chunk in text.replace(",", " ").split():
        domain = chunk.strip().lstrip("@").lower()
        if domain:
            seen[domain] = None
    return list(seen)


class Role(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    SALES = "sales", "Sales / support"
    PM = "pm", "Product manager"
    ADMIN = "admin", "Admin"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with their email address."""

    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    account = models.ForeignKey(
        "portal.Account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        help_text="Set automatically from the email domain.",
    )
    sales_digest = models.BooleanField(
        "weekly accounts digest",
        default=True,
        help_text="Sales: a Monday email of what changed for their accounts' ideas.",
    )
    is_staff = models.BooleanField(default=False, help_text="Can sign in to the Django admin site.")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        # One address, one login, whatever the case it was typed in.
        self.email = self.email.strip().lower()
        if self._state.adding and self.account_id is None:
            # A new user belongs to the account that owns their email domain.
            match = AccountDomain.objects.filter(domain=email_domain(self.email)).first()
            if match is not None:
                self.account_id = match.account_id
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    @property
    def is_team_member(self) -> bool:
        """Sales, support, PMs and admins: people who work for the product's company."""
        return self.role in {Role.SALES, Role.PM, Role.ADMIN}


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone can see the portal"
    PRIVATE = "private", "Private: only allowed email domains and the team"


class Product(models.Model):
    """A product and its ideas portal at /p/<slug>/."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True, help_text="Markdown, shown on the portal.")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    allowed_email_domains = models.TextField(
        blank=True,
        help_text="For a private portal: domains whose users may see it, comma separated.",
    )
    moderate_first_anonymous_ideas = models.BooleanField(
        default=False,
        help_text="Hold a visitor's first anonymous idea for a PM to approve before it shows.",
    )
    allow_anonymous_ideas = models.BooleanField(
        default=False,
        help_text="Visitors may submit an idea with just an email address, "
        "held until they confirm it.",
    )
    team = models.ManyToManyField(
        User,
        blank=True,
        related_name="products",
        help_text="PMs, sales and support who work on this product.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def allowed_domains(self) -> list[str]:
        return parse_domains(self.allowed_email_domains)


class Segment(models.TextChoices):
    ENTERPRISE = "enterprise", "Enterprise"
    MID_MARKET = "mid-market", "Mid-market"
    SMB = "smb", "Small business"


class Account(models.Model):
    """A customer organisation. Its users are those whose email domain it lists."""

    name = models.CharField(max_length=200)
    arr = models.DecimalField(
        "ARR", max_digits=14, decimal_places=2, default=0, help_text="Annual recurring revenue."
    )
    segment = models.CharField(max_length=16, choices=Segment.choices, blank=True)
    renewal_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_accounts",
        limit_choices_to={"role__in": [Role.SALES, Role.ADMIN, Role.PM]},
        help_text="The sales person who looks after this account.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(arr__gte=0), name="account_arr_not_negative"),
        ]
        indexes = [models.Index(Lower("name"), name="account_name_lower_idx")]

    def __str__(self) -> str:
        return self.name


class AccountDomain(models.Model):
    """An email domain that belongs to one account."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class ApiToken(models.Model):
    """A personal API token. The secret is shown once; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'CRM sync'.")
    prefix = models.CharField(
        max_length=12, help_text="The first characters of the token, to recognise it in a list."
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuditEntry(models.Model):
    """One PM or admin action, kept as it was: who did what to which object, and when."""

    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=254, blank=True, help_text="The actor's email at the time, kept after deletion."
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.CASCADE, related_name="audit_entries"
    )
    action = models.CharField(max_length=40, help_text="A dotted name, e.g. 'idea.status'.")
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["product", "-created_at"], name="audit_product_recent_idx"),
            models.Index(fields=["-created_at"], name="audit_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"
