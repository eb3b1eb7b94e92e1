"""Writes for users and accounts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.db.utils import IntegrityError

from portal.imports import (
    AccountRef,
    ImportResult,
    OwnerRef,
    ResolvedRow,
    RowError,
    parse_accounts_csv,
    resolve_rows,
)
from portal.models import Account, AccountDomain, User, email_domain
from portal.signals import accounts_changed


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


# --- Accounts from CSV (columns: docs/accounts-csv.md) -----------------------------------

# Keeps every IN list under SQLite's limit on bound parameters (the embedded default mode).
_IMPORT_CHUNK = 500


def accounts_import(*, text: str, dry_run: bool = False) -> ImportResult:
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
        error = _import_apply(plan)
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


def _import_apply(plan: list[_AccountChange]) -> RowError | None:
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
