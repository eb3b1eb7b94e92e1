"""Demo content for the fictional "Relay" product, loaded by the ``seed_demo`` command.

All names and organisations are invented; every domain ends in ``.example``.
"""

from __future__ import annotations

from typing import Any

PRODUCT: dict[str, str] = {
    "name": "Relay",
    "slug": "demo",
    "description": (
        "**Relay** is a workflow and project-tracking tool for teams that ship: boards, "
        "timelines, automations and integrations in one place.\n\n"
        "This portal is where Relay customers suggest improvements, vote on the ideas that "
        "matter most to them, and see what the product team is reviewing next."
    ),
}

CATEGORIES: list[str] = [
    "Integrations",
    "Reporting",
    "Notifications",
    "Mobile",
    "Permissions",
    "Automation",
    "Editor",
    "Performance",
]

ACCOUNTS: list[dict[str, Any]] = [
    {
        "name": "Northwind Logistics",
        "domains": ["northwind.example"],
        "arr": 120000,
        "segment": "enterprise",
        "renewal_in_days": 45,
    },
    {
        "name": "Bluefin Health",
        "domains": ["bluefin-health.example"],
        "arr": 240000,
        "segment": "enterprise",
        "renewal_in_days": 200,
    },
    {
        "name": "Halcyon Bank",
        "domains": ["halcyonbank.example"],
        "arr": 385000,
        "segment": "enterprise",
        "renewal_in_days": 150,
    },
    {
        "name": "Quillpoint Legal",
        "domains": ["quillpoint.example", "quillpoint-legal.example"],
        "arr": 148000,
        "segment": "enterprise",
        "renewal_in_days": 260,
    },
    {
        "name": "Tidewater Analytics",
        "domains": ["tidewater.example"],
        "arr": 64000,
        "segment": "mid-market",
        "renewal_in_days": 30,
    },
    {
        "name": "Orbital Robotics",
        "domains": ["orbital.example"],
        "arr": 86500,
        "segment": "mid-market",
        "renewal_in_days": 120,
    },
    {
        "name": "Lantern Media",
        "domains": ["lanternmedia.example"],
        "arr": 42000,
        "segment": "mid-market",
        "renewal_in_days": 75,
    },
    {
        "name": "Copperleaf Studios",
        "domains": ["copperleaf.example"],
        "arr": 18000,
        "segment": "smb",
        "renewal_in_days": 90,
    },
    {
        "name": "Pinecrest Schools",
        "domains": ["pinecrest.example"],
        "arr": 9000,
        "segment": "smb",
        "renewal_in_days": 300,
    },
    {
        "name": "Fernhill Architects",
        "domains": ["fernhill.example"],
        "arr": 6500,
        "segment": "smb",
        "renewal_in_days": 20,
    },
    {
        "name": "Saltmarsh Coffee Co.",
        "domains": ["saltmarsh.example"],
        "arr": 3600,
        "segment": "smb",
        "renewal_in_days": 340,
    },
]

CUSTOMERS: list[dict[str, str]] = [
    {"name": "Priya Natarajan", "email": "priya@northwind.example"},
    {"name": "Marcus O'Dell", "email": "marcus.odell@northwind.example"},
    {"name": "Jun Takahara", "email": "jun@northwind.example"},
    {"name": "Amara Osei", "email": "amara@bluefin-health.example"},
    {"name": "Tomasz Wilk", "email": "tomasz@bluefin-health.example"},
    {"name": "Lena Fischer", "email": "lena.fischer@bluefin-health.example"},
    {"name": "Devon Price", "email": "devon.price@halcyonbank.example"},
    {"name": "Ingrid Halvorsen", "email": "ingrid@halcyonbank.example"},
    {"name": "Sam Okafor", "email": "sam.okafor@halcyonbank.example"},
    {"name": "Helena Voss", "email": "helena.voss@halcyonbank.example"},
    {"name": "Harriet Cole", "email": "harriet.cole@quillpoint.example"},
    {"name": "Daniel Ferreira", "email": "daniel@quillpoint-legal.example"},
    {"name": "Ama Boateng", "email": "ama@quillpoint.example"},
    {"name": "Nadia Rahman", "email": "nadia@tidewater.example"},
    {"name": "Bram de Vries", "email": "bram@tidewater.example"},
    {"name": "Chen Wei", "email": "chen.wei@tidewater.example"},
    {"name": "Yuki Sato", "email": "yuki@orbital.example"},
    {"name": "Felix Brandt", "email": "felix.brandt@orbital.example"},
    {"name": "Ravi Menon", "email": "ravi@orbital.example"},
    {"name": "Mae Lindqvist", "email": "mae@lanternmedia.example"},
    {"name": "Theo Marchetti", "email": "theo@lanternmedia.example"},
    {"name": "Rosa Delgado", "email": "rosa@copperleaf.example"},
    {"name": "Kit Ashworth", "email": "kit@copperleaf.example"},
    {"name": "Gwen Hollis", "email": "gwen.hollis@pinecrest.example"},
    {"name": "Omar Haddad", "email": "omar@pinecrest.example"},
    {"name": "Ines Carvalho", "email": "ines@fernhill.example"},
    {"name": "Jo Pemberton", "email": "jo@saltmarsh.example"},
    {"name": "Alex Rivera", "email": "alex.rivera@gmail.example"},
    {"name": "Mina Kovac", "email": "mina.k@gmail.example"},
    {"name": "Pat Quinlan", "email": "freelance.pat@gmail.example"},
]

IDEAS: list[dict[str, Any]] = [
    {
        "title": "Two-way sync with Jira issues",
        "problem": (
            "Our engineering team lives in Jira, while ops and customer success plan in Relay. "
            "Today someone copies status changes between the two by hand every morning.\n\n"
            "We need a **two-way sync**: when a linked Jira issue moves to Done, the Relay task "
            "should follow, and comments should show up on both sides."
        ),
        "importance": "critical",
        "workaround": "A coordinator copies statuses across by hand twice a day.",
        "category": "Integrations",
        "author": "priya@northwind.example",
        "status": "under_review",
        "age_days": 310,
        "votes": 52,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Thanks! Which direction matters most: Jira to Relay or Relay to Jira?",
                "age_days": 300,
            },
            {
                "author": "priya@northwind.example",
                "body": "Jira to Relay first. Status and assignee are the must-haves.",
                "age_days": 296,
            },
            {
                "author": "yuki@orbital.example",
                "body": "+1. Custom field mapping would be a big bonus for us.",
                "age_days": 210,
            },
        ],
    },
    {
        "title": "Post task updates to a Slack channel",
        "problem": (
            "I'd like each project to post to a Slack channel when tasks are created, completed "
            "or blocked, so the team doesn't have to keep Relay open all day."
        ),
        "importance": "important",
        "workaround": "Zapier zap per project, which breaks whenever we rename a board.",
        "category": "Integrations",
        "author": "rosa@copperleaf.example",
        "status": "under_review",
        "age_days": 280,
        "votes": 41,
        "comments": [
            {"author": "pm@example.com", "body": "Every change, or a chosen few?", "age_days": 270},
        ],
    },
    {
        "title": "Create a Relay task from a Slack message",
        "problem": "A message shortcut in Slack that turns a thread into a task with a link back.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Integrations",
        "author": "theo@lanternmedia.example",
        "status": "new",
        "age_days": 90,
        "votes": 9,
        "comments": [],
    },
    {
        "title": "Link Relay projects to Salesforce opportunities",
        "problem": (
            "Several enterprise prospects asked for this on calls. When a deal closes, their "
            "onboarding team wants a Relay project created from a template and linked to the "
            "opportunity, so account executives can see onboarding progress **inside Salesforce**."
        ),
        "importance": "important",
        "workaround": "CSMs paste the Relay project URL into a custom Salesforce field.",
        "category": "Integrations",
        "author": "sales@example.com",
        "status": "new",
        "age_days": 200,
        "votes": 14,
        "comments": [],
    },
    {
        "title": "Link GitHub pull requests to tasks",
        "problem": (
            "If a branch name or PR title contains the task key (e.g. `RLY-142`), show the PR "
            "on the task with its review status and CI result.\n\n"
            "Our developers don't want to leave GitHub just to update a card."
        ),
        "importance": "important",
        "workaround": "We paste PR links into task comments.",
        "category": "Integrations",
        "author": "felix.brandt@orbital.example",
        "status": "under_review",
        "age_days": 240,
        "votes": 21,
        "comments": [
            {"author": "pm@example.com", "body": "GitHub Cloud or Enterprise?", "age_days": 230},
        ],
    },
    {
        "title": "GitLab merge request integration",
        "problem": "Same as the GitHub request, but for GitLab. Self-hosted support too, please.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Integrations",
        "author": "alex.rivera@gmail.example",
        "status": "new",
        "age_days": 30,
        "votes": 2,
        "comments": [],
    },
    {
        "title": "Zapier trigger when a task changes status",
        "problem": "We need a *Task status changed* trigger (old + new status) for invoicing.",
        "importance": "important",
        "workaround": "Polling the API from a Zapier code step every 15 minutes.",
        "category": "Integrations",
        "author": "kit@copperleaf.example",
        "status": "new",
        "age_days": 150,
        "votes": 11,
        "comments": [],
    },
    {
        "title": "Show task due dates in Google Calendar",
        "problem": (
            "A subscribable calendar feed (or real sync) so due dates appear next to meetings. "
            "Our producers plan their week from the calendar, not from boards."
        ),
        "importance": "important",
        "workaround": "",
        "category": "Integrations",
        "author": "mae@lanternmedia.example",
        "status": "under_review",
        "age_days": 180,
        "votes": 19,
        "comments": [
            {"author": "pm@example.com", "body": "Would a read-only feed do?", "age_days": 175},
        ],
    },
    {
        "title": "Sync due dates with Outlook / Microsoft 365 calendars",
        "problem": "We're a Microsoft shop, so Google Calendar sync alone won't help us.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Integrations",
        "author": "daniel@quillpoint-legal.example",
        "status": "new",
        "age_days": 60,
        "votes": 4,
        "comments": [],
    },
    {
        "title": "Microsoft Teams app with notifications and tabs",
        "problem": (
            "Slack is not allowed at our bank; everything happens in **Microsoft Teams**. "
            "We need:\n\n"
            "- notifications posted to a Teams channel\n"
            "- a Relay board pinned as a channel tab\n"
            "- approval of tasks from an adaptive card"
        ),
        "importance": "critical",
        "workaround": "Email notifications forwarded to a Teams channel address.",
        "category": "Integrations",
        "author": "ingrid@halcyonbank.example",
        "status": "under_review",
        "age_days": 260,
        "votes": 38,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Thank you, this is really clear. Which of the three matters most?",
                "age_days": 255,
            },
            {
                "author": "amara@bluefin-health.example",
                "body": "+1, Bluefin is on Teams too.",
                "age_days": 120,
            },
        ],
    },
    {
        "title": "Webhooks for task events",
        "problem": (
            "We want to push task events (created, updated, completed, deleted) into our data "
            "warehouse in near real time instead of polling the REST API.\n\n"
            "A signed payload (HMAC) would keep our security team happy."
        ),
        "importance": "important",
        "workaround": "Nightly full export through the API.",
        "category": "Integrations",
        "author": "nadia@tidewater.example",
        "status": "under_review",
        "age_days": 220,
        "votes": 16,
        "comments": [
            {
                "author": "chen.wei@tidewater.example",
                "body": "Please include the full task in the payload, not just an id.",
                "age_days": 200,
            },
        ],
    },
    {
        "title": "Retry outgoing webhooks when our endpoint is down",
        "problem": "We lost ~40 events during a deploy. Please retry failed deliveries.",
        "importance": "nice_to_have",
        "workaround": "Manual reconciliation against the API afterwards.",
        "category": "Integrations",
        "author": "ravi@orbital.example",
        "status": "new",
        "age_days": 45,
        "votes": 3,
        "comments": [],
    },
    {
        "title": "SAML single sign-on with Okta",
        "problem": (
            "Our security policy requires every SaaS tool to use SSO through Okta. Without "
            "SAML we cannot roll Relay out beyond the pilot team of 40 people.\n\n"
            "This is a **blocker for our renewal**."
        ),
        "importance": "critical",
        "workaround": "",
        "category": "Permissions",
        "author": "helena.voss@halcyonbank.example",
        "status": "under_review",
        "age_days": 390,
        "votes": 58,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Thanks Helena. Do you also need just-in-time user creation?",
                "age_days": 380,
            },
            {
                "author": "helena.voss@halcyonbank.example",
                "body": "Yes, JIT plus the option to disable password login entirely.",
                "age_days": 378,
            },
            {
                "author": "harriet.cole@quillpoint.example",
                "body": "+1, we need this for our SOC 2 audit.",
                "age_days": 240,
            },
        ],
    },
    {
        "title": "SSO with Azure AD (Microsoft Entra ID)",
        "problem": "We use Entra ID for all logins. Please support it alongside Okta.",
        "importance": "important",
        "workaround": "Shared onboarding checklist to create accounts by hand.",
        "category": "Permissions",
        "author": "tomasz@bluefin-health.example",
        "status": "new",
        "age_days": 140,
        "votes": 12,
        "comments": [],
    },
    {
        "title": "SCIM user provisioning and deprovisioning",
        "problem": (
            "When someone leaves the bank, their Relay access must be removed within 24 hours. "
            "Today IT has to remember to do it manually. SCIM from our identity provider "
            "would provision users, update groups and **deactivate leavers automatically**."
        ),
        "importance": "critical",
        "workaround": "Monthly manual access review against an HR export.",
        "category": "Permissions",
        "author": "sam.okafor@halcyonbank.example",
        "status": "under_review",
        "age_days": 300,
        "votes": 24,
        "comments": [],
    },
    {
        "title": "Audit log of who changed what",
        "problem": (
            "For matters with regulatory deadlines we must be able to show who changed a due "
            "date, reassigned a task or deleted a file, and when.\n\n"
            "An exportable, workspace-wide audit log (admin only) would cover it. Ideally it "
            "keeps at least 12 months of history."
        ),
        "importance": "critical",
        "workaround": "Screenshots of task history attached to our case files.",
        "category": "Permissions",
        "author": "harriet.cole@quillpoint.example",
        "status": "under_review",
        "age_days": 350,
        "votes": 45,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Is exporting to your SIEM important, or is a CSV download enough?",
                "age_days": 340,
            },
            {
                "author": "helena.voss@halcyonbank.example",
                "body": "For us, streaming to Splunk would be ideal. CSV is a fine start.",
                "age_days": 330,
            },
        ],
    },
    {
        "title": "Read-only guest access for clients",
        "problem": "Share a board with a client so they can follow along without editing anything.",
        "importance": "important",
        "workaround": "We export a PDF every Friday and email it.",
        "category": "Permissions",
        "author": "ines@fernhill.example",
        "status": "new",
        "age_days": 200,
        "votes": 16,
        "comments": [
            {
                "author": "customer@example.com",
                "body": "Same here. Guests shouldn't count as paid seats either.",
                "age_days": 160,
            },
        ],
    },
    {
        "title": "Project-level permissions: hide projects from some teams",
        "problem": (
            "Some projects contain patient-related planning that only the clinical team may "
            "see. Right now everyone in the workspace can open every project."
        ),
        "importance": "important",
        "workaround": "A second workspace, which means two logins and double billing.",
        "category": "Permissions",
        "author": "amara@bluefin-health.example",
        "status": "under_review",
        "age_days": 270,
        "votes": 14,
        "comments": [],
    },
    {
        "title": "Custom roles beyond Admin / Member / Guest",
        "problem": "We need a *Dispatcher* role that can reassign tasks but not change settings.",
        "importance": "important",
        "workaround": "",
        "category": "Permissions",
        "author": "marcus.odell@northwind.example",
        "status": "new",
        "age_days": 160,
        "votes": 8,
        "comments": [],
    },
    {
        "title": "Only let admins delete tasks",
        "problem": "A student helper deleted a whole column of tasks. No undo, no warning.",
        "importance": "important",
        "workaround": "",
        "category": "Permissions",
        "author": "gwen.hollis@pinecrest.example",
        "status": "new",
        "age_days": 110,
        "votes": 7,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Ouch, sorry. Would a trash bin with 30-day restore also help?",
                "age_days": 105,
            },
        ],
    },
    {
        "title": "Enforce two-factor authentication for the whole workspace",
        "problem": "Admins should be able to require 2FA for every member, not just recommend it.",
        "importance": "important",
        "workaround": "We check the members page for the 2FA badge every month.",
        "category": "Permissions",
        "author": "bram@tidewater.example",
        "status": "new",
        "age_days": 80,
        "votes": 10,
        "comments": [],
    },
    {
        "title": "Export reports to Excel",
        "problem": (
            "Finance wants the monthly throughput report as an `.xlsx` file with real numbers "
            "and dates, not text, so they can build pivot tables on it."
        ),
        "importance": "important",
        "workaround": "Copy the table from the browser and fix the formatting in Excel.",
        "category": "Reporting",
        "author": "nadia@tidewater.example",
        "status": "under_review",
        "age_days": 330,
        "votes": 20,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Which reports do you export most often? That helps us start small.",
                "age_days": 320,
            },
        ],
    },
    {
        "title": "CSV export of reports",
        "problem": "A simple *Download CSV* button on every report would be enough for us.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Reporting",
        "author": "rosa@copperleaf.example",
        "status": "new",
        "age_days": 70,
        "votes": 5,
        "comments": [],
    },
    {
        "title": "Customizable dashboards",
        "problem": (
            "Each regional manager wants a different home page: open tasks by depot, overdue "
            "deliveries, and this week's completed work. Let us build dashboards from widgets "
            "and share them with a team."
        ),
        "importance": "important",
        "workaround": "",
        "category": "Reporting",
        "author": "jun@northwind.example",
        "status": "new",
        "age_days": 250,
        "votes": 22,
        "comments": [],
    },
    {
        "title": "Gantt / timeline view",
        "problem": (
            "We plan construction of new depots over 6-9 months with lots of dependencies. "
            "Boards are great for day-to-day work, but leadership needs a **timeline** that "
            "shows:\n\n"
            "- start and end dates as bars\n"
            "- dependencies between tasks\n"
            "- milestones\n\n"
            "Without it we keep a parallel plan in a spreadsheet that is always out of date."
        ),
        "importance": "critical",
        "workaround": "A spreadsheet Gantt chart maintained by the PMO.",
        "category": "Reporting",
        "author": "priya@northwind.example",
        "status": "under_review",
        "age_days": 360,
        "votes": 47,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Super helpful, thanks. Do you need to print or export it as PDF?",
                "age_days": 350,
            },
            {
                "author": "sales@example.com",
                "body": "Came up again in a Bluefin Health QBR this week.",
                "age_days": 90,
            },
        ],
    },
    {
        "title": "Timeline view with drag-to-reschedule",
        "problem": "Show tasks on a timeline and let me drag them to change dates.",
        "importance": "important",
        "workaround": "",
        "category": "Reporting",
        "author": "theo@lanternmedia.example",
        "status": "new",
        "age_days": 45,
        "votes": 5,
        "comments": [],
    },
    {
        "title": "Burndown chart per sprint",
        "problem": "A burndown chart per sprint would let us drop our separate agile tool.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Reporting",
        "author": "yuki@orbital.example",
        "status": "new",
        "age_days": 190,
        "votes": 9,
        "comments": [],
    },
    {
        "title": "Built-in time tracking on tasks",
        "problem": (
            "We bill clients by the hour. We need a start/stop timer on each task, manual "
            "entries, and a report of hours per client per month.\n\n"
            "Right now people track time in a separate app and the numbers never match."
        ),
        "importance": "important",
        "workaround": "Separate time tracking app, reconciled by hand each month.",
        "category": "Reporting",
        "author": "mae@lanternmedia.example",
        "status": "under_review",
        "age_days": 320,
        "votes": 24,
        "comments": [
            {
                "author": "ines@fernhill.example",
                "body": "Billable vs non-billable flags would be essential for us.",
                "age_days": 280,
            },
        ],
    },
    {
        "title": "Log hours against tasks and export timesheets",
        "problem": "Let me log hours on a task and export a weekly timesheet per person.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Reporting",
        "author": "ines@fernhill.example",
        "status": "new",
        "age_days": 25,
        "votes": 2,
        "comments": [],
    },
    {
        "title": "Workload view to see who is overloaded",
        "problem": "Before assigning work, leads want to see each person's open tasks.",
        "importance": "important",
        "workaround": "",
        "category": "Reporting",
        "author": "lena.fischer@bluefin-health.example",
        "status": "new",
        "age_days": 130,
        "votes": 13,
        "comments": [],
    },
    {
        "title": "Email a report to stakeholders on a schedule",
        "problem": "Partners want the matter status report in their inbox every Monday at 8am.",
        "importance": "nice_to_have",
        "workaround": "An associate exports and emails it manually.",
        "category": "Reporting",
        "author": "ama@quillpoint.example",
        "status": "new",
        "age_days": 100,
        "votes": 6,
        "comments": [],
    },
    {
        "title": "Daily email digest instead of one email per change",
        "problem": (
            "I get 80+ emails a day from Relay, one per comment or status change. I've started "
            "filtering them all into a folder, which means I miss the important ones.\n\n"
            "A single **daily digest** grouped by project would be much better."
        ),
        "importance": "important",
        "workaround": "Email filter that moves everything from Relay out of the inbox.",
        "category": "Notifications",
        "author": "devon.price@halcyonbank.example",
        "status": "under_review",
        "age_days": 230,
        "votes": 26,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Would you still want instant emails for @mentions?",
                "age_days": 225,
            },
        ],
    },
    {
        "title": "Weekly summary email",
        "problem": "Just a Monday email with what's due this week.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Notifications",
        "author": "jo@saltmarsh.example",
        "status": "new",
        "age_days": 15,
        "votes": 0,
        "comments": [],
    },
    {
        "title": "Quiet hours / snooze notifications",
        "problem": (
            "I'm a freelancer working with clients in three time zones. Please let me set "
            "quiet hours so my phone doesn't buzz at 2am."
        ),
        "importance": "nice_to_have",
        "workaround": "Phone-level do-not-disturb, which also silences everything else.",
        "category": "Notifications",
        "author": "freelance.pat@gmail.example",
        "status": "new",
        "age_days": 120,
        "votes": 8,
        "comments": [],
    },
    {
        "title": "Notify me when a task I'm watching becomes overdue",
        "problem": "Nudge watchers when a task passes its due date and is still open.",
        "importance": "important",
        "workaround": "",
        "category": "Notifications",
        "author": "omar@pinecrest.example",
        "status": "new",
        "age_days": 170,
        "votes": 11,
        "comments": [],
    },
    {
        "title": "Per-project notification settings",
        "problem": "I want every update from my two shows and none from the 20 others.",
        "importance": "important",
        "workaround": "Leaving projects, then getting re-added when someone needs me.",
        "category": "Notifications",
        "author": "theo@lanternmedia.example",
        "status": "new",
        "age_days": 210,
        "votes": 15,
        "comments": [],
    },
    {
        "title": "@mention a whole team",
        "problem": "Let me type `@design` to notify everyone in the design team.",
        "importance": "nice_to_have",
        "workaround": "Mentioning five people one by one.",
        "category": "Notifications",
        "author": "ravi@orbital.example",
        "status": "new",
        "age_days": 65,
        "votes": 5,
        "comments": [],
    },
    {
        "title": "Desktop notifications in the browser",
        "problem": "Browser push notifications when I'm assigned a task.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Notifications",
        "author": "customer@example.com",
        "status": "new",
        "age_days": 5,
        "votes": 0,
        "comments": [],
    },
    {
        "title": "Offline mode for the mobile app",
        "problem": (
            "Our drivers and warehouse staff update delivery tasks from their phones, often "
            "in loading bays and rural areas with **no signal**. The app shows a spinner and "
            "their updates are lost.\n\n"
            "We need the app to keep the last-synced tasks available offline and queue changes "
            "until the connection comes back."
        ),
        "importance": "critical",
        "workaround": "Drivers write updates on paper and a dispatcher enters them later.",
        "category": "Mobile",
        "author": "marcus.odell@northwind.example",
        "status": "under_review",
        "age_days": 300,
        "votes": 26,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Thank you. Roughly how long are drivers typically offline?",
                "age_days": 290,
            },
        ],
    },
    {
        "title": "Let the mobile app queue changes without signal",
        "problem": "On the factory floor Wi-Fi drops constantly. Edits should sync later.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Mobile",
        "author": "yuki@orbital.example",
        "status": "new",
        "age_days": 35,
        "votes": 3,
        "comments": [],
    },
    {
        "title": "Attach photos from the camera on Android",
        "problem": (
            "On iOS I can take a photo and attach it to a task. On Android I can only pick "
            "from the gallery, which adds three extra steps for proof-of-delivery photos."
        ),
        "importance": "important",
        "workaround": "Take the photo first, then attach it from the gallery.",
        "category": "Mobile",
        "author": "jun@northwind.example",
        "status": "new",
        "age_days": 140,
        "votes": 9,
        "comments": [],
    },
    {
        "title": "Proper iPad layout for the board view",
        "problem": "The iPad app is a stretched phone layout. Show more columns side by side.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Mobile",
        "author": "kit@copperleaf.example",
        "status": "new",
        "age_days": 95,
        "votes": 6,
        "comments": [],
    },
    {
        "title": "Home screen widget with today's tasks",
        "problem": "A widget listing what's due today would be lovely.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Mobile",
        "author": "mina.k@gmail.example",
        "status": "new",
        "age_days": 10,
        "votes": 0,
        "comments": [],
    },
    {
        "title": "Face ID / biometric lock for the mobile app",
        "problem": "Our device policy requires apps with customer data to lock with biometrics.",
        "importance": "important",
        "workaround": "",
        "category": "Mobile",
        "author": "ingrid@halcyonbank.example",
        "status": "new",
        "age_days": 75,
        "votes": 4,
        "comments": [],
    },
    {
        "title": "Recurring tasks",
        "problem": (
            "So much of our work repeats: weekly equipment checks, monthly invoicing, the "
            "termly safeguarding review. We want to create a task once and have Relay recreate "
            "it on a schedule (daily, weekly, monthly, or custom).\n\n"
            "Bonus: keep the checklist and assignee when the new copy is created."
        ),
        "importance": "critical",
        "workaround": "Duplicating tasks by hand and setting reminders in our calendars.",
        "category": "Automation",
        "author": "gwen.hollis@pinecrest.example",
        "status": "under_review",
        "age_days": 380,
        "votes": 49,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Should the next copy appear on schedule, or when the last one is done?",
                "age_days": 370,
            },
            {
                "author": "gwen.hollis@pinecrest.example",
                "body": "On schedule. Some checks happen even if the last one slipped.",
                "age_days": 365,
            },
            {
                "author": "jo@saltmarsh.example",
                "body": "+1 from a small coffee roaster: our cleaning rota lives in Relay.",
                "age_days": 20,
            },
        ],
    },
    {
        "title": "Repeat a task on the first Monday of every month",
        "problem": "Recurring tasks, but with rules like *first Monday* or *last working day*.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Automation",
        "author": "ines@fernhill.example",
        "status": "new",
        "age_days": 50,
        "votes": 2,
        "comments": [],
    },
    {
        "title": "Task templates with checklists",
        "problem": (
            "Every new clinic onboarding uses the same 25-step checklist. We'd like to save a "
            "task as a template (description, checklist, labels, assignee) and reuse it."
        ),
        "importance": "important",
        "workaround": "We copy an old task and clear it out, which often leaves stale data.",
        "category": "Automation",
        "author": "lena.fischer@bluefin-health.example",
        "status": "under_review",
        "age_days": 260,
        "votes": 21,
        "comments": [],
    },
    {
        "title": "Project templates",
        "problem": (
            "Each new episode of a podcast is the same project: same columns, same 12 tasks, "
            "same relative due dates. Let us start a project from a template."
        ),
        "importance": "important",
        "workaround": "Duplicating last month's project and renaming everything.",
        "category": "Automation",
        "author": "mae@lanternmedia.example",
        "status": "new",
        "age_days": 180,
        "votes": 17,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Should due dates shift relative to a project start date you pick?",
                "age_days": 178,
            },
        ],
    },
    {
        "title": "Auto-assign tasks based on a label",
        "problem": "Anything labelled `billing` should go to our billing lead automatically.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Automation",
        "author": "bram@tidewater.example",
        "status": "new",
        "age_days": 120,
        "votes": 7,
        "comments": [],
    },
    {
        "title": "Move a task to Done when its linked pull request is merged",
        "problem": "Once PRs can be linked, close the task automatically when the PR merges.",
        "importance": "important",
        "workaround": "",
        "category": "Automation",
        "author": "felix.brandt@orbital.example",
        "status": "new",
        "age_days": 85,
        "votes": 12,
        "comments": [],
    },
    {
        "title": "If-this-then-that automation rules",
        "problem": (
            "Simple rules would cover most of our needs, for example:\n\n"
            "- when status becomes **Client review**, assign to the account manager\n"
            "- when a task is overdue by 2 days, add the `at-risk` label\n"
            "- when all subtasks are done, move the parent to **Ready**"
        ),
        "importance": "important",
        "workaround": "",
        "category": "Automation",
        "author": "rosa@copperleaf.example",
        "status": "under_review",
        "age_days": 200,
        "votes": 18,
        "comments": [],
    },
    {
        "title": "Task dependencies (blocked by / blocking)",
        "problem": (
            "Let us mark that a task is blocked by another, show it on the card, and warn when "
            "a blocker's due date moves past the dependent task's due date."
        ),
        "importance": "important",
        "workaround": "We write 'BLOCKED BY #123' in the title.",
        "category": "Automation",
        "author": "priya@northwind.example",
        "status": "under_review",
        "age_days": 240,
        "votes": 15,
        "comments": [],
    },
    {
        "title": "Custom fields on tasks",
        "problem": (
            "Every matter has a client number, a court, a billing partner and a filing "
            "deadline. We need custom fields (text, number, date, dropdown, person) that we can "
            "filter, sort and report on.\n\n"
            "Putting all of this in the description makes it impossible to search."
        ),
        "importance": "critical",
        "workaround": "A structured block at the top of every task description.",
        "category": "Editor",
        "author": "daniel@quillpoint-legal.example",
        "status": "under_review",
        "age_days": 370,
        "votes": 55,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Thanks Daniel. Should fields be per project or workspace-wide?",
                "age_days": 360,
            },
            {
                "author": "nadia@tidewater.example",
                "body": "Number fields we can sum in reports would be huge for us.",
                "age_days": 190,
            },
            {
                "author": "sales@example.com",
                "body": "Lost a mid-market deal last quarter over this. Adding my vote.",
                "age_days": 60,
            },
        ],
    },
    {
        "title": "Dropdown custom field with coloured options",
        "problem": "A single-select field with colours, like labels but only one value allowed.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Editor",
        "author": "chen.wei@tidewater.example",
        "status": "new",
        "age_days": 40,
        "votes": 3,
        "comments": [],
    },
    {
        "title": "Bulk edit tasks",
        "problem": (
            "When a colleague goes on leave we have to reassign 60 tasks one at a time. Let us "
            "select many tasks and change assignee, due date, status or labels at once."
        ),
        "importance": "important",
        "workaround": "Reassigning tasks one by one, or a script against the API.",
        "category": "Editor",
        "author": "tomasz@bluefin-health.example",
        "status": "under_review",
        "age_days": 290,
        "votes": 17,
        "comments": [],
    },
    {
        "title": "Keyboard shortcuts for everything",
        "problem": (
            "`j`/`k` to move between tasks, `a` to assign, `d` for due date, `/` to search. "
            "And a `?` cheat sheet. I'd live in the keyboard if I could."
        ),
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Editor",
        "author": "alex.rivera@gmail.example",
        "status": "new",
        "age_days": 160,
        "votes": 14,
        "comments": [],
    },
    {
        "title": "Markdown tables in task descriptions",
        "problem": "Tables typed in Markdown show up as pipes and dashes instead of a table.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Editor",
        "author": "ravi@orbital.example",
        "status": "new",
        "age_days": 105,
        "votes": 5,
        "comments": [],
    },
    {
        "title": "Pasting an embed snippet into a task description breaks the editor",
        "problem": (
            "We tried to embed our video player in a task description so editors could review "
            "a cut. I pasted the snippet our video host gives us:\n\n"
            "```html\n"
            '<iframe src="https://player.lanternmedia.example/v/8812" width="640"></iframe>\n'
            "<script>alert('x')</script>\n"
            "```\n\n"
            "After saving, the description shows half the snippet and the rest of the text "
            "disappears. We don't need scripts to run; we'd just like either a safe embed or "
            "the snippet shown as plain code."
        ),
        "importance": "important",
        "workaround": "Paste a plain link to the video instead.",
        "category": "Editor",
        "author": "theo@lanternmedia.example",
        "status": "new",
        "age_days": 20,
        "votes": 1,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Thanks for the exact snippet, that makes this easy to reproduce.",
                "age_days": 18,
            },
        ],
    },
    {
        "title": "Dark mode",
        "problem": "Please add a dark mode. Long evenings staring at a white board hurt.",
        "importance": "nice_to_have",
        "workaround": "A browser extension that inverts colours (breaks avatars).",
        "category": "Editor",
        "author": "kit@copperleaf.example",
        "status": "under_review",
        "age_days": 340,
        "votes": 44,
        "comments": [
            {"author": "pm@example.com", "body": "Should it follow the OS theme?", "age_days": 335},
            {"author": "kit@copperleaf.example", "body": "Yes, with an override.", "age_days": 333},
        ],
    },
    {
        "title": "Dark theme for the web app",
        "problem": (
            "The mobile app has a dark theme but the web app doesn't. Designers on our team "
            "work in dark tools all day and Relay is blindingly bright next to them."
        ),
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Editor",
        "author": "mina.k@gmail.example",
        "status": "new",
        "age_days": 60,
        "votes": 6,
        "comments": [],
    },
    {
        "title": "Boards with 2,000+ tasks take 10 seconds to load",
        "problem": (
            "Our main dispatch board has about 2,400 open tasks. It takes 8-12 seconds to "
            "load and scrolling stutters. Dispatchers reload it dozens of times a day.\n\n"
            "Things that would help:\n\n"
            "- load columns lazily\n"
            "- don't fetch archived tasks\n"
            "- cache the board between visits"
        ),
        "importance": "critical",
        "workaround": "Splitting the board by region, which makes cross-region moves painful.",
        "category": "Performance",
        "author": "marcus.odell@northwind.example",
        "status": "under_review",
        "age_days": 150,
        "votes": 23,
        "comments": [
            {
                "author": "pm@example.com",
                "body": "Thanks Marcus. Could you share the board id so we can profile it?",
                "age_days": 148,
            },
        ],
    },
    {
        "title": "Faster board loading on slow connections",
        "problem": "Boards take ages to open on school Wi-Fi. Could they load faster?",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Performance",
        "author": "omar@pinecrest.example",
        "status": "new",
        "age_days": 12,
        "votes": 0,
        "comments": [],
    },
    {
        "title": "Search is slow in large workspaces",
        "problem": "Search takes 5+ seconds across our ~90k tasks and sometimes times out.",
        "importance": "important",
        "workaround": "",
        "category": "Performance",
        "author": "devon.price@halcyonbank.example",
        "status": "new",
        "age_days": 90,
        "votes": 10,
        "comments": [],
    },
    {
        "title": "Raise API rate limits for enterprise plans",
        "problem": (
            "The limit of 100 requests per minute is too low for our nightly sync of ~30k "
            "tasks. We regularly hit `429 Too Many Requests` and the job takes hours."
        ),
        "importance": "important",
        "workaround": "Sleeping between requests; the sync now runs for four hours.",
        "category": "Performance",
        "author": "bram@tidewater.example",
        "status": "new",
        "age_days": 200,
        "votes": 8,
        "comments": [],
    },
    {
        "title": "Bulk API endpoints to update many tasks at once",
        "problem": "Updating 500 tasks means 500 requests. A batch endpoint would help a lot.",
        "importance": "nice_to_have",
        "workaround": "",
        "category": "Performance",
        "author": "ravi@orbital.example",
        "status": "new",
        "age_days": 30,
        "votes": 2,
        "comments": [],
    },
]

# What sales and support heard on calls, recorded for accounts (proxy votes).
PROXY_VOTES: list[dict[str, Any]] = [
    {
        "idea": "SAML single sign-on with Okta",
        "account": "Halcyon Bank",
        "importance": "deal_blocker",
        "source": "deal",
        "opportunity_value": 90000,
        "close_in_days": 40,
        "note": "Security review will not sign off on the expansion without SSO. "
        "“No SAML, no rollout to the other 400 seats.”",
    },
    {
        "idea": "Audit log of who changed what",
        "account": "Halcyon Bank",
        "importance": "critical",
        "source": "meeting",
        "note": "Needed for their internal audit in Q2.",
    },
    {
        "idea": "Audit log of who changed what",
        "account": "Bluefin Health",
        "importance": "critical",
        "source": "call",
        "note": "“HIPAA auditors ask us who edited patient-facing project plans.”",
    },
    {
        "idea": "SCIM user provisioning and deprovisioning",
        "account": "Bluefin Health",
        "importance": "important",
        "source": "ticket",
        "note": "IT offboards 30 people a month by hand.",
    },
    {
        "idea": "Two-way sync with Jira issues",
        "account": "Orbital Robotics",
        "importance": "deal_blocker",
        "source": "deal",
        "opportunity_value": 60000,
        "close_in_days": 25,
        "note": "Engineering lives in Jira; ops wants Relay. Without sync they stay on "
        "spreadsheets.",
    },
    {
        "idea": "Two-way sync with Jira issues",
        "account": "Northwind Logistics",
        "importance": "important",
        "source": "call",
        "note": "Would let their dev team drop the double entry.",
    },
    {
        "idea": "Gantt / timeline view",
        "account": "Quillpoint Legal",
        "importance": "critical",
        "source": "meeting",
        "note": "“Our partners plan cases in weeks, not in columns.”",
    },
    {
        "idea": "Export reports to Excel",
        "account": "Tidewater Analytics",
        "importance": "important",
        "source": "email",
        "note": "Finance rebuilds every report in Excel each month.",
    },
    {
        "idea": "Custom fields on tasks",
        "account": "Northwind Logistics",
        "importance": "critical",
        "source": "call",
        "opportunity_value": 35000,
        "close_in_days": 60,
        "note": "They want a shipment ID field on every task before adding the warehouse team.",
    },
    {
        "idea": "Offline mode for the mobile app",
        "account": "Northwind Logistics",
        "importance": "important",
        "source": "ticket",
        "note": "Drivers lose signal in the yards.",
    },
    {
        "idea": "Microsoft Teams app with notifications and tabs",
        "account": "Pinecrest Schools",
        "importance": "important",
        "source": "call",
        "note": "The district standardised on Teams last year.",
    },
    {
        "idea": "Recurring tasks",
        "account": "Saltmarsh Coffee Co.",
        "importance": "nice_to_have",
        "source": "ticket",
        "note": "Weekly roaster cleaning checklist.",
    },
    {
        "idea": "Raise API rate limits for enterprise plans",
        "account": "Tidewater Analytics",
        "importance": "critical",
        "source": "ticket",
        "note": "Their nightly sync hits the limit at 2am and fails halfway.",
    },
    {
        "idea": "Boards with 2,000+ tasks take 10 seconds to load",
        "account": "Lantern Media",
        "importance": "critical",
        "source": "call",
        "note": "“The newsroom board is unusable at 9am.”",
    },
]

# Kind words PMs start from when they decline (offered on every product).
REPLY_TEMPLATES: list[dict[str, str]] = [
    {
        "kind": "not_now",
        "name": "Not now: other priorities first",
        "reason": "Thank you for raising this. It is a real need, but this quarter we are "
        "focused on goals that affect more of you, so we will not start it yet. We have "
        "set a date to look at it again, and your vote keeps counting until then.",
        "workaround": "",
    },
    {
        "kind": "already_possible",
        "name": "Already possible: here is how",
        "reason": "Good news: you can already do this today, it is just not easy to find. "
        "We are looking at making it more visible.",
        "workaround": "See the help article below for the steps.",
    },
    {
        "kind": "will_not_do",
        "name": "Will not do: conflicts with the product's direction",
        "reason": "We thought about this carefully. Building it would make Relay harder to "
        "use for most teams, so we have decided not to. We know that is disappointing, and "
        "we want to be clear rather than leave it open.",
        "workaround": "",
    },
    {
        "kind": "out_of_scope",
        "name": "Out of scope: better served by an integration",
        "reason": "This is outside what Relay aims to do itself; a dedicated tool does it "
        "better, and we would rather integrate well with it.",
        "workaround": "",
    },
]

# What the PM has already decided, so the demo shows a kind "no" and a merge.
DECLINES: list[dict[str, Any]] = [
    {
        "idea": "Desktop notifications in the browser",
        "kind": "not_now",
        "reason": "Thank you for asking. This quarter we are focused on reliability and "
        "enterprise security, so browser notifications wait. We will look again in spring.",
        "workaround": "The Relay mobile app sends push notifications, and the daily digest "
        "email can be set to hourly.",
        "workaround_url": "https://help.relay.example/notifications",
        "revisit_in_days": 120,
    },
]
MERGES: list[tuple[str, str]] = [("Dark theme for the web app", "Dark mode")]
THEMES: dict[str, list[str]] = {
    "Enterprise security": [
        "SAML single sign-on with Okta",
        "SSO with Azure AD (Microsoft Entra ID)",
        "SCIM user provisioning and deprovisioning",
        "Audit log of who changed what",
        "Enforce two-factor authentication for the whole workspace",
    ],
    "Calendar sync": [
        "Show task due dates in Google Calendar",
        "Sync due dates with Outlook / Microsoft 365 calendars",
    ],
}

# Scoring: the product's goals, how ideas serve them, and the PM's first ratings.
GOALS: list[dict[str, Any]] = [
    {
        "name": "Win enterprise deals",
        "description": "Pass security reviews and procurement at companies over 1,000 people.",
        "weight": 5,
        "time_frame": "2027 H1",
    },
    {
        "name": "Keep teams in Relay every day",
        "description": "Fewer reasons to leave Relay during the work day: retention.",
        "weight": 3,
        "time_frame": "2027",
    },
    {
        "name": "Fast and reliable at any size",
        "description": "Large workspaces stay quick; nothing breaks at scale.",
        "weight": 4,
        "time_frame": "2027 H1",
    },
]
ALIGNMENT: dict[str, dict[str, int]] = {
    "SAML single sign-on with Okta": {"Win enterprise deals": 3},
    "SSO with Azure AD (Microsoft Entra ID)": {"Win enterprise deals": 3},
    "SCIM user provisioning and deprovisioning": {"Win enterprise deals": 3},
    "Audit log of who changed what": {"Win enterprise deals": 3},
    "Enforce two-factor authentication for the whole workspace": {"Win enterprise deals": 2},
    "Custom roles beyond Admin / Member / Guest": {"Win enterprise deals": 2},
    "Two-way sync with Jira issues": {"Keep teams in Relay every day": 3},
    "Post task updates to a Slack channel": {"Keep teams in Relay every day": 2},
    "Microsoft Teams app with notifications and tabs": {"Keep teams in Relay every day": 2},
    "Recurring tasks": {"Keep teams in Relay every day": 2},
    "Custom fields on tasks": {"Keep teams in Relay every day": 2, "Win enterprise deals": 1},
    "Gantt / timeline view": {"Keep teams in Relay every day": 2},
    "Boards with 2,000+ tasks take 10 seconds to load": {"Fast and reliable at any size": 3},
    "Search is slow in large workspaces": {"Fast and reliable at any size": 3},
    "Raise API rate limits for enterprise plans": {
        "Fast and reliable at any size": 2,
        "Win enterprise deals": 1,
    },
    "Dark mode": {"Keep teams in Relay every day": 1},
    "Offline mode for the mobile app": {"Keep teams in Relay every day": 1},
}
# Value vs effort, rated 1-5 (effort 5 = months of work).
RATINGS: dict[str, dict[str, int]] = {
    "SAML single sign-on with Okta": {"value": 5, "effort": 3},
    "SSO with Azure AD (Microsoft Entra ID)": {"value": 4, "effort": 2},
    "SCIM user provisioning and deprovisioning": {"value": 4, "effort": 3},
    "Audit log of who changed what": {"value": 4, "effort": 3},
    "Two-way sync with Jira issues": {"value": 5, "effort": 5},
    "Post task updates to a Slack channel": {"value": 3, "effort": 1},
    "Microsoft Teams app with notifications and tabs": {"value": 3, "effort": 3},
    "Recurring tasks": {"value": 4, "effort": 2},
    "Custom fields on tasks": {"value": 5, "effort": 4},
    "Gantt / timeline view": {"value": 4, "effort": 5},
    "Dark mode": {"value": 2, "effort": 2},
    "Boards with 2,000+ tasks take 10 seconds to load": {"value": 4, "effort": 3},
    "Search is slow in large workspaces": {"value": 3, "effort": 3},
    "Export reports to Excel": {"value": 3, "effort": 1},
    "Offline mode for the mobile app": {"value": 3, "effort": 5},
    "Keyboard shortcuts for everything": {"value": 2, "effort": 2},
    "Bulk edit tasks": {"value": 3, "effort": 2},
    "Raise API rate limits for enterprise plans": {"value": 3, "effort": 1},
}

# The roadmap: items across the horizons, one in progress and one shipped.
ROADMAP: list[dict[str, Any]] = [
    {
        "title": "Enterprise single sign-on",
        "public_title": "Single sign-on with Okta and Azure AD",
        "description": "Sign in to Relay with your company's identity provider over SAML, "
        "with just-in-time user creation.",
        "ideas": ["SAML single sign-on with Okta", "SSO with Azure AD (Microsoft Entra ID)"],
        "horizon": "now",
        "status": "in_progress",
        "notes": "Security review with Halcyon Bank on the 12th; legal wants the DPA updated.",
    },
    {
        "title": "Board performance at scale",
        "public_title": "Fast boards, even with thousands of tasks",
        "description": "Boards with thousands of tasks open in under a second.",
        "ideas": ["Boards with 2,000+ tasks take 10 seconds to load"],
        "horizon": "now",
        "status": "planned",
        "notes": "Needs the new virtualised list; pairs with search work.",
    },
    {
        "title": "Jira two-way sync",
        "public_title": "Two-way sync with Jira",
        "description": "Keep Relay tasks and Jira issues in step, both ways.",
        "ideas": ["Two-way sync with Jira issues"],
        "horizon": "next",
        "status": "planned",
        "notes": "Orbital Robotics deal hinges on it; estimate 6 weeks.",
    },
    {
        "title": "Audit log",
        "public_title": "Audit log",
        "description": "See who changed what, when, across the workspace; export it.",
        "ideas": ["Audit log of who changed what"],
        "horizon": "next",
        "status": "planned",
        "notes": "",
    },
    {
        "title": "Recurring tasks",
        "public_title": "Recurring tasks",
        "description": "Tasks that repeat daily, weekly, monthly or on a custom rule.",
        "ideas": ["Recurring tasks", "Repeat a task on the first Monday of every month"],
        "horizon": "later",
        "status": "planned",
        "notes": "",
    },
    {
        "title": "Slack channel updates",
        "public_title": "Post task updates to Slack",
        "description": "Choose a Slack channel per project; Relay posts task updates there.",
        "ideas": ["Post task updates to a Slack channel"],
        "horizon": "now",
        "status": "shipped",
        "notes": "",
    },
]
