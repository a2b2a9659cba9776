"""Cases in bulk for the benchmarks: top the database up to N cases, in SQL, a million in well under a minute.

The cases spread over every published item (so over every agency that has items) and the last three years (or as
many as `years` says); 95% are concluded (approved, with a tenth denied and a tenth withdrawn), the rest wait for
acceptance or review, as in a live system. The web channel has most of them. Each case keeps its item's process
as filed, with the rows of its parallel review, and the inbox columns the model derives (`acting_role`, `due`).
Every other NOT NULL column gets the model's default, so a column added later is filled without touching this
file, and one without a default stops the fill with its name instead of a failed INSERT. The case tally is folded
afterwards, as the scheduler folds it.

check() loads sample cases through the ORM afterwards and compares them with what the model derives, and the
tally with the cases.
"""

import json

# The row source of each vendor: per generated row n, random numbers rs (0–99, the status) and rc (0–19, the
# channel), a moment `at` in the last three years, and from it the number's date and sequence, the acceptance
# due date (d7), the decision due date (d14) and when a concluded case was concluded (done, never in the future).
# SQLite's random() is read inside the recursive CTE, whose rows are stored once, so every reference agrees; so is
# PostgreSQL's, whose CTE is never inlined because random() is volatile. The bounds are cast: bound on the server,
# small numbers arrive as smallint, for which generate_series() has no single match.
SOURCES = {
    "postgresql": """
        WITH g AS (SELECT n, floor(random() * 100)::int AS rs, floor(random() * 20)::int AS rc,
                          now() - random() * %(minutes)s * interval '1 minute' AS at
                   FROM generate_series(%(first)s::bigint, %(last)s::bigint) n),
        r AS (SELECT n, rs, rc, at, to_char(at, 'YYYYMMDD') AS day, lpad(n::text, 7, '0') AS seq,
                     at::date + 7 AS d7, at::date + 14 AS d14, least(at + interval '3 days', now()) AS done FROM g)
    """,
    "sqlite": """
        WITH RECURSIVE g(n, rs, rc, at) AS (
            SELECT %(first)s, abs(random()) %% 100, abs(random()) %% 20,
                   datetime('now', '-' || (abs(random()) %% %(minutes)s) || ' minutes')
            UNION ALL
            SELECT n + 1, abs(random()) %% 100, abs(random()) %% 20,
                   datetime('now', '-' || (abs(random()) %% %(minutes)s) || ' minutes') FROM g WHERE n < %(last)s),
        r AS (SELECT n, rs, rc, at, strftime('%%Y%%m%%d', at) AS day, printf('%%07d', n) AS seq,
                     date(at, '+7 days') AS d7, date(at, '+14 days') AS d14,
                     min(datetime(at, '+3 days'), datetime('now')) AS done FROM g)
    """,
}
# The same on both: each row with its item (bench_items, see _items()) and its status (accepted only where the
# process has a stage after acceptance), then every column with a value of its own.
ROWS = """,
        s AS (SELECT r.*, i.*,
                     CASE WHEN rs < 5 THEN (CASE WHEN n %% 2 = 0 OR i.stages < 2 THEN 'submitted' ELSE 'accepted' END)
                          ELSE (CASE n %% 10 WHEN 8 THEN 'denied' WHEN 9 THEN 'withdrawn' ELSE 'approved' END)
                     END AS status
              FROM r JOIN bench_items i ON i.rn = r.n %% %(items)s)
"""
VALUES = {
    "number": "s.region || '-' || s.day || '-B' || s.seq",
    "item_id": "s.item_id",
    "process_template_id": "s.template_id",
    "agency_id": "s.agency_id",
    "applicant_id": "%(applicant)s",
    "submitted_by_id": "%(submitter)s",
    "channel": "CASE WHEN s.rc < 12 THEN 'web' WHEN s.rc < 17 THEN 'mobile' WHEN s.rc < 19 THEN 'window' "
    "ELSE 'kiosk' END",
    "status": "s.status",
    "stage_order": "CASE WHEN s.status = 'submitted' THEN 1 ELSE 2 END",
    "process": "s.process",
    "acting_role": "CASE s.status WHEN 'submitted' THEN s.role1 WHEN 'accepted' THEN s.role2 ELSE '' END",
    "due": "CASE s.status WHEN 'submitted' THEN s.d7 WHEN 'accepted' THEN s.d14 END",
    "submitted_at": "s.at",
    "received_at": "s.at",
    "acceptance_due": "s.d7",
    "accepted_at": "CASE WHEN s.status = 'submitted' THEN NULL ELSE s.at END",
    "limit_days": "s.days",
    "decision_due": "s.d14",
    "decided_at": "CASE WHEN s.status IN ('approved', 'denied') THEN s.done END",
    "concluded_at": "CASE WHEN s.status IN ('approved', 'denied', 'withdrawn') THEN s.done END",
    "updated_at": "CURRENT_TIMESTAMP",
}
FILLED_STATUSES = ("submitted", "accepted", "approved", "denied", "withdrawn")


def fill(total: int, years: float = 3) -> int:
    """Add cases until there are `total`, submitted over the last `years`; returns how many were added. The demo
    must be loaded."""
    from django.db import connection, transaction

    from zerovisit.cases.models import Case, CaseTally
    from zerovisit.cases.services.tally import fold_case_tally

    have = Case.objects.count()
    if have >= total:
        return 0
    cases, joint = Case._meta.db_table, Case.joint_agencies.through._meta.db_table
    first_new = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    with transaction.atomic(), connection.cursor() as cursor:
        items = _items(cursor, connection.vendor)
        columns, params = _columns(connection)
        params.update(_people(), first=have, last=total - 1, items=items, minutes=round(years * 525_600))
        cursor.execute(
            f"""{SOURCES[connection.vendor]}{ROWS}
            INSERT INTO {cases} ({", ".join(columns)})
            SELECT {", ".join(columns.values())} FROM s""",
            params,
        )
        cursor.execute(
            f"INSERT INTO {joint} (case_id, agency_id) SELECT c.id, j.agency_id FROM {cases} c "
            "JOIN bench_joint j ON j.item_id = c.item_id WHERE c.id >= %s",
            [first_new],
        )
        cursor.execute("DROP TABLE bench_items")
        cursor.execute("DROP TABLE bench_joint")
    fold_case_tally()  # the ±1 row that each insert added, summed as the scheduler's job sums them every minute
    if connection.vendor == "postgresql":  # statistics and the visibility map after the bulk load
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {cases}")
            cursor.execute(f"VACUUM ANALYZE {joint}")
            cursor.execute(f"VACUUM ANALYZE {CaseTally._meta.db_table}")
    return total - have


def _items(cursor, vendor: str) -> int:
    """Temporary tables of the published items (bench_items: numbered from 0, with the process as filed, the roles
    of its first two stages and how many it has) and of the agencies of their parallel reviews (bench_joint)."""
    from zerovisit.cases.models import frozen_process
    from zerovisit.catalog.models import ServiceItem

    items = list(
        ServiceItem.objects.published()
        .select_related("agency__region", "process_template")
        .prefetch_related("process_template__stages__agencies")
    )
    json_type = "jsonb" if vendor == "postgresql" else "text"
    cursor.execute("CREATE TEMP TABLE bench_items (rn int, item_id bigint, agency_id bigint, template_id bigint, "
                   f"region text, days int, process {json_type}, role1 text, role2 text, stages int)")  # fmt: skip
    cursor.execute("CREATE TEMP TABLE bench_joint (item_id bigint, agency_id bigint)")
    rows, joint = [], []
    for n, item in enumerate(items):
        process = frozen_process(item.process_template)
        roles = [stage["role"] for stage in process["stages"]] + ["", ""]
        rows.append((n, item.pk, item.agency_id, item.process_template_id, item.agency.region.code[:6],
                     item.promised_days, json.dumps(process), roles[0], roles[1], len(process["stages"])))  # fmt: skip
        agencies = {agency for stage in process["stages"] for agency in stage["agencies"]}
        joint += [(item.pk, agency) for agency in sorted(agencies)]
    cursor.executemany("INSERT INTO bench_items VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)
    cursor.executemany("INSERT INTO bench_joint VALUES (%s, %s)", joint)
    return len(items)


def _columns(connection) -> tuple[dict[str, str], dict]:
    """VALUES, and every other NOT NULL column without a database default as a parameter holding the model's
    default (the ORM's own for a text field without one: "")."""
    from django.db.models import NOT_PROVIDED

    from zerovisit.cases.models import Case

    columns, params = dict(VALUES), {}
    for field in Case._meta.concrete_fields:
        if field.primary_key or field.column in columns or field.null or field.db_default is not NOT_PROVIDED:
            continue
        default = field.get_default()  # a text field without one has "", as in a Case() made in Python
        if default is None:
            raise RuntimeError(f"casefill: {Case._meta.db_table}.{field.column} is NOT NULL without a default: "
                               "give it a value in casefill.VALUES")  # fmt: skip
        params[f"default_{field.column}"] = field.get_db_prep_save(default, connection)
        columns[field.column] = f"%(default_{field.column})s"
    return columns, params


def _people() -> dict:
    """Who applied and who submitted: the demo company, through zhangsan."""
    from zerovisit import demo_data
    from zerovisit.accounts.models import Applicant, User

    return {
        "applicant": Applicant.objects.get(name=demo_data.DEMO_COMPANY[0]).pk,
        "submitter": User.objects.get(username="zhangsan").pk,
    }


def check() -> int:
    """A random case of each status the fill writes, loaded as the app loads it: its process as filed gives its
    stage (none only once concluded), and its inbox columns are what the model derives; and the case tally agrees
    with the cases. Returns how many cases were checked; raises on the first thing that is wrong."""
    import copy

    from zerovisit.cases.models import Case
    from zerovisit.cases.services.tally import tally_differences

    checked = 0
    for status in FILLED_STATUSES:
        case = Case.objects.filter(status=status).order_by("?").first()
        if case is None:
            continue
        if case.stage is None and case.is_open:
            raise AssertionError(f"casefill: open case {case.number} is at no stage of its process")
        derived = copy.copy(case)
        derived.derive_inbox_fields()
        if (derived.acting_role, derived.due) != (case.acting_role, case.due):
            raise AssertionError(f"casefill: case {case.number} ({status}) has inbox columns "
                                 f"{(case.acting_role, case.due)}, the model derives "
                                 f"{(derived.acting_role, derived.due)}")  # fmt: skip
        checked += 1
    if not checked:
        raise AssertionError("casefill: no case to check")
    if differences := tally_differences():
        raise AssertionError(f"casefill: the case tally and the cases differ: {differences}")
    return checked
