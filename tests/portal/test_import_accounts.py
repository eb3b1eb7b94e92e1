"""Importing accounts from CSV: the service, the management command and the admin page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connections
from django.test import Client

from portal.imports import (
    MAX_BYTES,
    MAX_ROWS,
    CsvFileError,
    ImportResult,
    RowError,
    decode_csv,
    parse_accounts_csv,
)
from portal.models import Account, Role, User
from portal.services import accounts_import
from portal.signals import accounts_changed
from tests.factories import make_account, make_user

pytestmark = pytest.mark.django_db

HEADER = "name,domains,arr,segment,renewal_date,owner_email"
IMPORT_URL = "/admin/portal/account/import/"


def csv_text(*rows: str) -> str:
    return "".join(f"{line}\n" for line in (HEADER, *rows))


def domains_of(account: Account) -> list[str]:
    return sorted(d.domain for d in account.domains.all())


def account_of(user: User) -> Account | None:
    user.refresh_from_db()
    return user.account


@pytest.fixture
def changed_account_ids() -> Iterator[list[int]]:
    """Account ids the ideas app was told about (it refreshes their ideas' demand)."""
    sent: list[int] = []

    def record(sender: Any, account_ids: list[int], **kwargs: Any) -> None:
        sent.extend(account_ids)

    accounts_changed.connect(record, weak=False)
    yield sent
    accounts_changed.disconnect(record)


# --- The service ---------------------------------------------------------------------------


def test_a_good_file_creates_accounts_and_links_existing_users_by_domain() -> None:
    owner = make_user(email="sam@vendor.test", role=Role.SALES)
    ann = make_user(email="ann@northwind.test")
    bob = make_user(email="bob@nw-eu.test")
    stranger = make_user(email="eve@elsewhere.test")
    text = (
        "Name,Domains,ARR,Segment,Renewal Date,OWNER_EMAIL,Notes\n"
        'Northwind,"northwind.test; @NW-EU.test","$120,000.50",Enterprise,2026-03-31,'
        "Sam@Vendor.test,our biggest\n"
        "Contoso,contoso.test,0,small business,,,\n"
    )

    result = accounts_import(text=text)

    assert result == ImportResult(created=2)
    northwind = Account.objects.get(name="Northwind")
    assert northwind.arr == Decimal("120000.50")
    assert northwind.segment == "enterprise"
    assert northwind.renewal_date == date(2026, 3, 31)
    assert northwind.owner == owner
    assert domains_of(northwind) == ["northwind.test", "nw-eu.test"]
    contoso = Account.objects.get(name="Contoso")
    assert (contoso.arr, contoso.segment, contoso.renewal_date, contoso.owner) == (
        Decimal(0),
        "smb",
        None,
        None,
    )
    assert account_of(ann) == northwind
    assert account_of(bob) == northwind
    assert account_of(stranger) is None


def test_a_bad_row_is_reported_by_its_line_and_nothing_is_imported() -> None:
    ann = make_user(email="ann@northwind.test")
    text = csv_text(
        "Northwind,northwind.test,120000,,,",
        "Contoso,contoso.test,lots,,,",
        "Fabrikam,fabrikam.test,5000,,,",
    )

    result = accounts_import(text=text)

    assert result.errors == (
        RowError(3, "arr: “lots” is not a number; write it like 120000, 120,000.50 or $120000."),
    )
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert "nothing was imported" in result.summary
    assert not Account.objects.exists()
    assert account_of(ann) is None


def test_every_kind_of_bad_value_is_reported_on_its_line() -> None:
    make_account(name="Existing", domains=["existing.test"])
    make_account(name="Other", domains=["other.test"])
    make_user(email="casey@customer.test", role=Role.CUSTOMER)
    make_user(email="gone@vendor.test", role=Role.SALES, is_active=False)
    text = csv_text(
        ",nameless.test,1,,,",  # 2
        "No domain, ; ,1,,,",  # 3
        "Bad domain,exa_mple.test,1,,,",  # 4
        "Negative,negative.test,-5,,,",  # 5
        "Segment,segment.test,1,huge,,",  # 6
        "Date,date.test,1,,31/12/2026,",  # 7
        "Unknown owner,owner1.test,1,,,nobody@vendor.test",  # 8
        "Customer owner,owner2.test,1,,,casey@customer.test",  # 9
        "Inactive owner,owner3.test,1,,,gone@vendor.test",  # 10
        "Twice,SEGMENT.test,1,,,",  # 11
        "Two accounts,existing.test other.test,1,,,",  # 12
        "No such day,feb.test,1,,2026-02-30,",  # 13
        "Email,ann@acme.test,1,,,",  # 14
        'European,euro.test,"120.000,50",,,',  # 15
        "Cents,cents.test,1.005,,,",  # 16
    )

    result = accounts_import(text=text)

    messages = {e.line: e.message for e in result.errors}
    assert len(result.errors) == len(messages) == 15
    expected = {
        2: "name: required",
        3: "domains: at least one email domain is required",
        4: "domains: “exa_mple.test” is not a domain",
        5: "arr: cannot be negative",
        6: "segment: “huge” is not one of enterprise, mid-market, smb",
        7: "renewal_date: “31/12/2026” is not a date written YYYY-MM-DD",
        8: "owner_email: no user has the email nobody@vendor.test",
        9: "owner_email: casey@customer.test is not in sales, support, product or admin",
        10: "owner_email: gone@vendor.test is deactivated",
        11: "domains: segment.test is also on line 6",
        12: "domains: existing.test belongs to “Existing”, other.test belongs to “Other”",
        13: "renewal_date: 2026-02-30 is not a day of the calendar",
        14: "domains: “ann@acme.test” is an email address; give its domain, acme.test",
        15: "arr: “120.000,50” is not a number",
        16: "arr: “1.005” has more than 2 decimal places",
    }
    for line, start in expected.items():
        assert messages[line].startswith(start), (line, messages[line])
    assert Account.objects.count() == 2


def test_a_header_without_the_required_columns_is_refused() -> None:
    result = accounts_import(text="name,domains,arr\nAcme,acme.test,1\n")
    assert result.errors == (
        RowError(
            1,
            "the header lacks segment, renewal_date, owner_email; it must name "
            "name, domains, arr, segment, renewal_date, owner_email.",
        ),
    )
    assert accounts_import(text="").errors[0].line == 1
    assert accounts_import(text=csv_text()).errors == (
        RowError(2, "there are no accounts below the header."),
    )
    assert not Account.objects.exists()


def test_reimporting_updates_accounts_by_domain_without_duplicates(
    changed_account_ids: list[int],
) -> None:
    owner = make_user(email="sam@vendor.test", role=Role.SALES)
    accounts_import(
        text=csv_text(
            "Northwind,northwind.test nw.test,120000,enterprise,2026-03-31,",
            "Contoso,contoso.test,5000,,,",
        )
    )
    northwind = Account.objects.get(name="Northwind")
    contoso = Account.objects.get(name="Contoso")
    ann = make_user(email="ann@northwind.test")
    eve = make_user(email="eve@nw.test")
    changed_account_ids.clear()

    result = accounts_import(
        text=csv_text(
            "Northwind Traders,NW.test; nwt.test,150000,Mid-market,2027-03-31,sam@vendor.test",
            "Contoso,contoso.test,5000,,,",
            "Fabrikam,fabrikam.test,1,,,",
        )
    )

    assert result == ImportResult(created=1, updated=1, unchanged=1)
    assert Account.objects.count() == 3
    northwind.refresh_from_db()
    assert northwind.name == "Northwind Traders"
    assert northwind.arr == Decimal(150000)
    assert northwind.segment == "mid-market"
    assert northwind.renewal_date == date(2027, 3, 31)
    assert northwind.owner == owner
    assert domains_of(northwind) == ["nw.test", "nwt.test"]
    assert account_of(eve) == northwind
    assert account_of(ann) is None, "the domain left the account, so did its user"
    assert northwind.pk in changed_account_ids
    assert contoso.pk not in changed_account_ids


def test_reimporting_the_same_file_changes_nothing_and_tells_nobody(
    changed_account_ids: list[int],
) -> None:
    text = csv_text("Northwind,northwind.test,120000,enterprise,2026-03-31,")
    accounts_import(text=text)
    changed_account_ids.clear()

    assert accounts_import(text=text) == ImportResult(unchanged=1)
    assert changed_account_ids == []


def test_an_arr_change_alone_tells_the_ideas_app(changed_account_ids: list[int]) -> None:
    account = make_account(name="Northwind", domains=["northwind.test"], arr=1000)
    changed_account_ids.clear()

    result = accounts_import(text=csv_text("Northwind,northwind.test,2000,,,"))

    assert result == ImportResult(updated=1)
    account.refresh_from_db()
    assert account.arr == Decimal(2000)
    assert changed_account_ids == [account.pk]


def test_two_rows_matching_one_existing_account_is_an_error() -> None:
    account = make_account(name="Northwind", domains=["northwind.test", "nw.test"])
    result = accounts_import(
        text=csv_text("Northwind,northwind.test,1,,,", "Northwind EU,nw.test,2,,,")
    )
    assert result.errors == (
        RowError(
            3,
            "domains: nw.test belongs to “Northwind”, which line 2 already updates; "
            "merge the two rows.",
        ),
    )
    assert domains_of(account) == ["northwind.test", "nw.test"]


def test_a_dry_run_counts_the_changes_and_saves_nothing(changed_account_ids: list[int]) -> None:
    account = make_account(name="Northwind", domains=["northwind.test"], arr=1000)
    ann = make_user(email="ann@contoso.test")
    changed_account_ids.clear()

    result = accounts_import(
        text=csv_text("Northwind,northwind.test,2000,,,", "Contoso,contoso.test,1,,,"),
        dry_run=True,
    )

    assert result == ImportResult(created=1, updated=1, dry_run=True)
    assert result.summary.startswith("Dry run, nothing saved.")
    account.refresh_from_db()
    assert account.arr == Decimal(1000)
    assert Account.objects.count() == 1
    assert account_of(ann) is None
    assert changed_account_ids == []


# --- Reading the file ----------------------------------------------------------------------


def test_a_file_with_a_byte_order_mark_and_crlf_or_cr_line_ends_imports() -> None:
    data = (
        b"\xef\xbb\xbf"
        + csv_text("Northwind,northwind.test,1,smb,2026-03-31,").replace("\n", "\r\n").encode()
    )

    result = accounts_import(text=decode_csv(data))

    assert result == ImportResult(created=1)
    account = Account.objects.get()
    assert account.name == "Northwind"
    assert account.renewal_date == date(2026, 3, 31)
    old_mac = parse_accounts_csv(csv_text("Contoso,contoso.test,1,,,").replace("\n", "\r"))
    assert (old_mac.errors, [r.name for r in old_mac.rows]) == ((), ["Contoso"])


def test_line_numbers_count_rows_as_a_spreadsheet_shows_them() -> None:
    """A quoted cell holding a line break is one spreadsheet row; blank rows still count."""
    text = (
        f"{HEADER}\r\n"
        '"Northwind\r\nTraders",northwind.test,1,,,\r\n'
        "\r\n"
        "Contoso,contoso.test,-1,,,\r\n"
    )
    assert parse_accounts_csv(text).errors == (RowError(4, "arr: cannot be negative."),)


def test_a_file_that_is_not_utf8_is_refused_with_the_line_of_the_first_bad_byte() -> None:
    data = csv_text("Northwind,northwind.test,1,,,").encode() + "Café,cafe.test,1,,,\n".encode(
        "latin-1"
    )
    with pytest.raises(CsvFileError) as bad:
        decode_csv(data)
    assert bad.value.error.line == 3
    assert "not UTF-8" in bad.value.error.message
    with pytest.raises(CsvFileError, match="UTF-16"):
        decode_csv(csv_text().encode("utf-16"))


def test_semicolon_separated_files_are_read() -> None:
    parsed = parse_accounts_csv(
        'Name;Domains;ARR;Segment;Renewal_date;Owner_email\nAcme;"acme.test, acme.io";1,500;;;\n'
    )
    assert parsed.errors == ()
    (row,) = parsed.rows
    assert (row.name, row.domains, row.arr) == ("Acme", ("acme.test", "acme.io"), Decimal(1500))


def test_files_over_the_size_or_row_limit_are_refused() -> None:
    with pytest.raises(CsvFileError, match="larger than 5 MB"):
        decode_csv(b"x" * (MAX_BYTES + 1))
    too_large = accounts_import(text=HEADER + "\n" + "x" * MAX_BYTES)
    assert too_large.errors == (
        RowError(0, "the file is larger than 5 MB; split it into smaller files."),
    )

    text = csv_text(*(f"Account {n},a{n}.test,1,,," for n in range(MAX_ROWS + 1)))
    result = accounts_import(text=text)

    assert [e.line for e in result.errors] == [MAX_ROWS + 2]
    assert "more than 20,000 accounts" in result.errors[0].message
    assert not Account.objects.exists()


# --- The management command ----------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text(csv_text("Northwind,northwind.test,1,,,"))

    call_command("import_accounts", str(path), "--dry-run")
    assert not Account.objects.exists()
    call_command("import_accounts", str(path))

    out = capsys.readouterr().out
    assert "Dry run, nothing saved. Accounts that would be 1 created" in out
    assert "Accounts 1 created, 0 updated, 0 unchanged." in out
    assert Account.objects.get().name == "Northwind"


def test_the_command_prints_every_bad_line_and_exits_non_zero_importing_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # As `manage.py` runs it, but keeping the test's connection (and its transaction) open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = tmp_path / "accounts.csv"
    path.write_text(
        csv_text(
            "Northwind,northwind.test,1,,,",
            "Contoso,,1,,,",
            "Fabrikam,fabrikam.test,1,,2026-13-01,",
        )
    )

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "import_accounts", str(path)])

    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "line 3: domains: at least one email domain is required, like example.com.",
        "line 4: renewal_date: 2026-13-01 is not a day of the calendar.",
        "CommandError: 2 problems in the file: nothing was imported.",
    ]
    assert not Account.objects.exists()


def test_the_command_refuses_a_missing_or_non_utf8_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_accounts", str(tmp_path / "missing.csv"))
    path = tmp_path / "latin1.csv"
    path.write_bytes(csv_text("Café,cafe.test,1,,,").encode("latin-1"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_accounts", str(path))
    assert not Account.objects.exists()


# --- The admin page ------------------------------------------------------------------------


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(make_user(role=Role.ADMIN, is_staff=True, is_superuser=True))
    return client


def upload(text: str | bytes, name: str = "accounts.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_the_account_list_links_to_the_import_page(admin_client: Client) -> None:
    response = admin_client.get("/admin/portal/account/")
    assert IMPORT_URL in response.content.decode()
    page = admin_client.get(IMPORT_URL)
    assert page.status_code == 200
    assert 'type="file"' in page.content.decode()


def test_the_admin_import_page_imports_a_file(admin_client: Client) -> None:
    ann = make_user(email="ann@northwind.test")
    response = admin_client.post(
        IMPORT_URL, {"file": upload(csv_text("Northwind,northwind.test,120000,,,"))}, follow=True
    )
    assert response.redirect_chain == [("/admin/portal/account/", 302)]
    assert "Accounts 1 created, 0 updated, 0 unchanged." in response.content.decode()
    assert account_of(ann) == Account.objects.get(name="Northwind")


def test_the_admin_import_page_lists_bad_lines_and_keeps_nothing(admin_client: Client) -> None:
    response = admin_client.post(
        IMPORT_URL,
        {"file": upload(csv_text("Northwind,northwind.test,1,,,", "Contoso,contoso.test,x,,,"))},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "1 problem in the file: nothing was imported." in page
    assert "<td>3</td><td>arr: “x” is not a number;" in page
    assert not Account.objects.exists()

    bad_bytes = admin_client.post(IMPORT_URL, {"file": upload(b"name\xff,domains\n")})
    assert bad_bytes.status_code == 400
    assert "line 1: the file is not UTF-8 text" in bad_bytes.content.decode()


def test_an_admin_dry_run_shows_the_counts_and_saves_nothing(admin_client: Client) -> None:
    response = admin_client.post(
        IMPORT_URL,
        {"file": upload(csv_text("Northwind,northwind.test,1,,,")), "dry_run": "on"},
    )
    assert response.status_code == 200
    assert "Dry run, nothing saved. Accounts that would be 1 created" in response.content.decode()
    assert not Account.objects.exists()


def test_importing_needs_the_add_and_change_account_permissions(client: Client) -> None:
    from django.contrib.auth.models import Permission

    clerk = make_user(role=Role.ADMIN, is_staff=True)
    clerk.user_permissions.add(
        Permission.objects.get(codename="view_account"),
        Permission.objects.get(codename="change_account"),
    )
    client.force_login(clerk)
    assert IMPORT_URL not in client.get("/admin/portal/account/").content.decode()
    assert client.get(IMPORT_URL).status_code == 403
    denied = client.post(IMPORT_URL, {"file": upload(csv_text("Acme,acme.test,1,,,"))})
    assert denied.status_code == 403
    assert not Account.objects.exists()

    clerk.user_permissions.add(Permission.objects.get(codename="add_account"))
    clerk = User.objects.get(pk=clerk.pk)  # permissions are cached on the instance
    client.force_login(clerk)
    assert client.get(IMPORT_URL).status_code == 200
