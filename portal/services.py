"""Writes for users and accounts."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.functions import Lower
from django.db.utils import IntegrityError
from django.utils import timezone

from portal.imports import (
    AccountRef,
    ImportResult,
    OwnerRef,
    ResolvedRow,
    RowError,
    parse_accounts_csv,
    resolve_rows,
)
from portal.models import (
    Account,
    AccountDomain,
    ApiToken,
    AuditEntry,
    Product,
    Role,
    User,
    email_domain,
)
from portal.signals import accounts_changed, user_data_requested, user_erasing

# --- Audit log -----------------------------------------------------------------------------


def audit_record(
    *,
    actor: User | None,
    action: str,
    product: Product | None = None,
    target: models.Model | None = None,
    summary: str = "",
    data: Mapping[str, object] | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Write one audit entry: who did what to which object. Call it inside the transaction
    of the change it records, so the entry exists exactly when the change does.

    ``action`` is a dotted name ("idea.status"); ``data`` the details (from, to, why), kept
    as JSON. ``actor_label`` names a non-user actor (a command) when ``actor`` is None."""
    payload = json.loads(json.dumps(dict(data or {}), cls=DjangoJSONEncoder))
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=(actor.email if actor is not None else actor_label)[:254],
        product=product,
        action=action[:40],
        target_type=target._meta.label_lower[:40] if target is not None else "",
        target_id=target.pk if target is not None else None,
        summary=summary,
        data=payload,
    )


# --- Personal data: export and deletion ------------------------------------------------------

EXPORT_FORMAT = "ideas-portal-user-data/1"


def user_data_export(*, user: User) -> dict[str, object]:
    """Everything the portal holds about a user, as JSON-ready data: the profile and their
    email addresses here, and a section from each app that keeps something of theirs
    (ideas, votes, comments, follows, proxy votes naming them)."""
    from allauth.account.models import EmailAddress

    data: dict[str, object] = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "profile": {
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "account": user.account.name if user.account else None,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "weekly_accounts_digest": user.sales_digest,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
    }
    for _receiver, sections in user_data_requested.send(sender=User, user=user):
        if isinstance(sections, dict):
            data.update(sections)
    result: dict[str, object] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return result


@transaction.atomic
def user_delete(*, user: User, by: User | None = None) -> None:
    """Delete a user's account on their own request (``by`` None or themselves) or an
    admin's. What they wrote stays, shown as a former user's; their votes go and every
    count, demand and score they fed is updated; their follows, email addresses and the
    emails addressed to them go too. The audit entry names the user by number only."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user_id, role = user.pk, user.role
    self_service = by is None or by.pk == user_id
    user_erasing.send(sender=User, user=user)
    audit_record(
        actor=None if self_service else by,
        actor_label=f"user #{user_id} (their own request)" if self_service else "",
        action="user.delete",
        target=user,
        summary=f"User #{user_id} ({Role(role).label}) deleted"
        + (" at their own request" if self_service else ""),
        data={"user": user_id, "role": role},
    )
    user.delete()  # allauth's email addresses, API tokens and memberships go with the row


def account_for_email(email: str) -> Account | None:
    domain = email_domain(email)
    if not domain:
        return None
    match = AccountDomain.objects.select_related("account").filter(domain=domain).first()
    return match.account if match else None


def user_link_account(*, user: User) -> User:
    """Attach the user to the account that owns their email domain (or to none)."""
    account = account_for_email(user.email)
    if user.account_id != (account.pk if account else None):
        user.account = account
        user.save(update_fields=["account"])
    return user


def account_changed(*, account: Account, user_ids: Iterable[int] = ()) -> None:
    """Tell listeners (demand, scores) that an account's ARR or users changed."""
    accounts_changed.send(sender=Account, account_ids=[account.pk], user_ids=list(user_ids))


@transaction.atomic
def account_set_domains(*, account: Account, domains: Iterable[str]) -> Account:
    """Replace the account's email domains and re-link the users they cover."""
    wanted = sorted({d.strip().lstrip("@").lower() for d in domains if d.strip()})
    taken = AccountDomain.objects.filter(domain__in=wanted).exclude(account=account)
    if taken.exists():
        names = ", ".join(f"{d.domain} ({d.account})" for d in taken.select_related("account"))
        raise ValidationError(f"These domains already belong to another account: {names}")
    AccountDomain.objects.filter(account=account).exclude(domain__in=wanted).delete()
    existing = set(AccountDomain.objects.filter(account=account).values_list("domain", flat=True))
    AccountDomain.objects.bulk_create(
        AccountDomain(account=account, domain=d) for d in wanted if d not in existing
    )
    before = set(User.objects.filter(account=account).values_list("pk", flat=True))
    User.objects.filter(account=account).update(account=None)
    for domain in wanted:
        User.objects.filter(email__iendswith=f"@{domain}").update(account=account)
    after = set(User.objects.filter(account=account).values_list("pk", flat=True))
    if before != after:
        account_changed(account=account, user_ids=before ^ after)
    return account


@dataclass(frozen=True)
class AccountChanges:
    """What a client may set on an account; ``None`` leaves a field as it is."""

    name: str | None = None
    arr: Decimal | None = None
    segment: str | None = None
    renewal_date: date | None = None
    clear_renewal_date: bool = False
    owner: User | None = None
    clear_owner: bool = False
    domains: list[str] | None = None


def _check_owner(owner: User | None) -> None:
    if owner is not None and not (owner.is_active and owner.is_team_member):
        raise ValidationError({"owner": f"{owner.email} is not an active member of the team."})


@transaction.atomic
def account_create(*, name: str, domains: Iterable[str], changes: AccountChanges) -> Account:
    """Create an account with its email domains; the users of those domains join it."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the account a name."})
    _check_owner(changes.owner)
    account = Account.objects.create(
        name=name,
        arr=changes.arr if changes.arr is not None else Decimal(0),
        segment=changes.segment or "",
        renewal_date=changes.renewal_date,
        owner=changes.owner,
    )
    account_set_domains(account=account, domains=domains)
    return account


@transaction.atomic
def account_update(*, account: Account, changes: AccountChanges) -> Account:
    """Change an account's fields and, when given, replace its domains. Listeners hear of
    a new ARR or new users, so demand and scores follow."""
    locked = Account.objects.select_for_update().get(pk=account.pk)
    wanted: dict[str, object] = {}
    if changes.name is not None:
        name = " ".join(changes.name.split())
        if not name:
            raise ValidationError({"name": "Give the account a name."})
        wanted["name"] = name
    if changes.arr is not None:
        wanted["arr"] = changes.arr
    if changes.segment is not None:
        wanted["segment"] = changes.segment
    if changes.renewal_date is not None or changes.clear_renewal_date:
        wanted["renewal_date"] = changes.renewal_date
    if changes.owner is not None or changes.clear_owner:
        _check_owner(changes.owner)
        wanted["owner"] = changes.owner
    changed = [k for k, v in wanted.items() if getattr(locked, k) != v]
    for key in changed:
        setattr(locked, key, wanted[key])
    if changed:
        locked.save(update_fields=changed)
    if changes.domains is not None:
        account_set_domains(account=locked, domains=changes.domains)
    if "arr" in changed:
        account_changed(account=locked)
    return locked


# --- Personal API tokens ------------------------------------------------------------------

API_TOKEN_PREFIX = "ipt_"  # noqa: S105 - a label, not a secret
API_TOKEN_PREFIX_LENGTH = 12
API_TOKENS_PER_USER = 20


def api_token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the user and its secret. The secret is returned once and never
    stored: only its SHA-256 digest is kept, and the first characters to recognise it."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Say what the token is for, e.g. “CRM sync”."})
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= API_TOKENS_PER_USER:
        raise ValidationError(
            {
                "name": f"You have {API_TOKENS_PER_USER} active tokens, the most allowed. "
                "Revoke one you no longer use first."
            }
        )
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:API_TOKEN_PREFIX_LENGTH],
        digest=api_token_digest(secret),
    )
    return token, secret


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a token from working, at once. Idempotent: revoking twice keeps the first time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken, every_seconds: int = 60) -> None:
    """Record that the token was used; at most one write a minute per token, so a busy
    client does not write on every request."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= every_seconds:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- Accounts from CSV (columns: docs/accounts-csv.md) -----------------------------------

# Keeps every IN list under SQLite's limit on bound parameters (the embedded default mode).
_IMPORT_CHUNK = 500


def accounts_import(
    *, text: str, dry_run: bool = False, by: User | None = None, actor_label: str = ""
) -> ImportResult:
    """Create or update accounts from CSV text: all of its rows or none.

    Every row is checked first; with any error nothing is written and the errors come back
    by line. A row updates the existing account that owns any of its domains (name, ARR,
    segment, renewal date, owner; its domains are replaced by the row's) or creates one,
    and users are re-linked by email domain. Cost: four queries to check, then a few per
    created or changed account and none per unchanged one."""
    parsed = parse_accounts_csv(text)
    owners = _import_owners({r.owner_email for r in parsed.rows if r.owner_email})
    domain_accounts = _import_domain_accounts({d for r in parsed.rows for d in r.domains})
    resolved, problems = resolve_rows(parsed.rows, owners=owners, domain_accounts=domain_accounts)
    errors = sorted([*parsed.errors, *problems], key=lambda e: e.line)
    if errors:
        return ImportResult(errors=tuple(errors), dry_run=dry_run)

    existing = _import_existing_accounts({r.account_id for r in resolved if r.account_id})
    plan = [_import_plan(item, existing.get(item.account_id or 0)) for item in resolved]
    created = sum(1 for change in plan if change.account is None)
    updated = sum(1 for change in plan if change.account is not None and change.changed)
    if not dry_run:
        error = _import_apply(
            plan,
            audit=lambda: audit_record(
                actor=by,
                actor_label=actor_label,
                action="accounts.import",
                summary=f"Imported accounts from CSV: {created} created, {updated} updated.",
                data={"created": created, "updated": updated, "rows": len(plan)},
            ),
        )
        if error is not None:
            return ImportResult(errors=(error,))
    return ImportResult(
        created=created, updated=updated, unchanged=len(plan) - created - updated, dry_run=dry_run
    )


@dataclass(frozen=True)
class _AccountChange:
    """What one row does: create an account (``account`` is None) or change these fields
    and maybe the domains of an existing one."""

    row: ResolvedRow
    account: Account | None
    fields: dict[str, object] = field(default_factory=dict)
    domains_changed: bool = True

    @property
    def changed(self) -> bool:
        return bool(self.fields) or self.domains_changed


def _import_plan(item: ResolvedRow, account: Account | None) -> _AccountChange:
    if account is None:
        return _AccountChange(row=item, account=None)
    wanted: dict[str, object] = {
        "name": item.row.name,
        "arr": item.row.arr,
        "segment": item.row.segment,
        "renewal_date": item.row.renewal_date,
        "owner_id": item.owner_id,
    }
    return _AccountChange(
        row=item,
        account=account,
        fields={k: v for k, v in wanted.items() if getattr(account, k) != v},
        domains_changed={d.domain for d in account.domains.all()} != set(item.row.domains),
    )


def _import_apply(plan: list[_AccountChange], *, audit: Callable[[], object]) -> RowError | None:
    """Write the plan in one transaction. A conflict with a concurrent change (a domain
    taken meanwhile) undoes it all; the error names the row that met it."""
    line = 0
    try:
        with transaction.atomic():
            for change in plan:
                row = change.row.row
                line = row.line
                account = change.account
                if account is None:
                    account = Account.objects.create(
                        name=row.name,
                        arr=row.arr,
                        segment=row.segment,
                        renewal_date=row.renewal_date,
                        owner_id=change.row.owner_id,
                    )
                elif change.fields:
                    for name, value in change.fields.items():
                        setattr(account, name, value)
                    account.save(update_fields=list(change.fields))
                if change.domains_changed:
                    # account_set_domains tells listeners too, which covers a new ARR.
                    account_set_domains(account=account, domains=row.domains)
                elif "arr" in change.fields:
                    account_changed(account=account)
            audit()
    except ValidationError as exc:
        return RowError(line, f"{' '.join(exc.messages)} Nothing was imported.")
    except IntegrityError:
        return RowError(
            line, "someone changed these accounts during the import; nothing was imported."
        )
    return None


def _chunks[T](values: Iterable[T]) -> list[list[T]]:
    items = list(values)
    return [items[i : i + _IMPORT_CHUNK] for i in range(0, len(items), _IMPORT_CHUNK)]


def _import_owners(emails: set[str]) -> dict[str, OwnerRef]:
    """The users named as owners, by lower-case email (stored emails may be mixed case)."""
    owners: dict[str, OwnerRef] = {}
    for chunk in _chunks(emails):
        users = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk)
        for user in users.order_by("pk"):
            owners.setdefault(
                user.email.lower(),
                OwnerRef(
                    pk=user.pk,
                    email=user.email,
                    is_active=user.is_active,
                    is_team_member=user.is_team_member,
                ),
            )
    return owners


def _import_domain_accounts(domains: set[str]) -> dict[str, AccountRef]:
    found: dict[str, AccountRef] = {}
    for chunk in _chunks(domains):
        rows = AccountDomain.objects.filter(domain__in=chunk).values_list(
            "domain", "account_id", "account__name"
        )
        for domain, account_id, name in rows:
            found[domain] = AccountRef(pk=account_id, name=name)
    return found


def _import_existing_accounts(ids: set[int]) -> dict[int, Account]:
    accounts: dict[int, Account] = {}
    for chunk in _chunks(ids):
        for account in Account.objects.filter(pk__in=chunk).prefetch_related("domains"):
            accounts[account.pk] = account
    return accounts
