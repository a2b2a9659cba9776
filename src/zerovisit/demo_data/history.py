"""A year of generated cases, so that the demo's supervision dashboard has trends to show: about twenty cases a
day over the published items (the high-frequency ones five times as often), by 60 made-up residents, submitted
on every channel, most of them concluded, some asked to correct, refused, withdrawn, late or deemed accepted,
and in the last weeks some still open, a few of them past their deadline (the red lights); with them the
questions asked on the guides (在线咨询), most answered in time and some published as FAQs.

They are written in bulk as an earlier platform's records would be imported (submitted by the inactive account
`history_import`, keys `history-…`), each with its chained, anchored history (cases.events.import_history), so
the workbench and the audit read them like any other case. Loading again adds nothing."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from zerovisit.cases import events
from zerovisit.cases.models import Case, CaseAction, CaseEvent, CaseStatus, frozen_process
from zerovisit.cases.numbering import new_case_number
from zerovisit.catalog.models import ProcessKind, ServiceItem
from zerovisit.workcalendar.selectors import work_calendar

IMPORTER = "history_import"
PER_DAY = 20
CHANNELS = [("web", 50), ("mobile", 25), ("window", 13), ("kiosk", 6), ("proxy", 6)]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
TEMPLATES = (ProcessKind.INSTANT, ProcessKind.PROMISED, ProcessKind.FILING)


@transaction.atomic
def load_history(*, days: int = 365, seed: int = 2026) -> int:
    """Returns how many cases it added (0 when the history is there already)."""
    if Case.objects.filter(idempotency_key__startswith="history-").exists():
        return 0
    rng = random.Random(seed)
    importer = _importer()
    people = _residents(rng)
    items = list(
        ServiceItem.objects.published().filter(process_template__kind__in=TEMPLATES)
        .select_related("agency__region", "process_template").prefetch_related("process_template__stages__agencies")
    )  # fmt: skip
    weights = [5 if item.is_high_frequency else 1 for item in items]
    processes = {item.process_template_id: frozen_process(item.process_template) for item in items}
    now = timezone.now()
    today = timezone.localdate()
    histories = []
    for back in range(days, -1, -1):
        day = today - datetime.timedelta(days=back)
        for n in range(rng.randint(PER_DAY // 2, PER_DAY * 3 // 2) if day.weekday() < 5 else rng.randint(0, 4)):
            item = rng.choices(items, weights)[0]
            case, steps = _case(rng, item, processes[item.process_template_id], day, now, rng.choice(people), importer)
            if case is not None:
                case.idempotency_key = f"history-{day:%Y%m%d}-{n}"
                histories.append((case, steps))
    for case, _ in histories:
        if case.delivery_method == "courier" and case.delivered_at is None:
            case.delivery_method = "hall"  # the made-up residents give no address a courier could go to
        case.derive_inbox_fields()
    Case.objects.bulk_create([case for case, _ in histories], batch_size=500)
    events.import_history(histories)
    _ratings(rng, [case for case, _ in histories], importer, now)
    _questions(rng, items, weights, importer, today, now)
    return len(histories)


RATINGS = [(5, 60), (4, 25), (3, 10), (2, 3), (1, 2)]


def _ratings(rng, cases, rater, now) -> None:
    """Seven in ten concluded cases rated a day after; each bad rating with its rectification, closed by now
    unless it is recent."""
    from zerovisit.feedback.models import Evaluation, Rectification, RectificationStatus

    calendar = work_calendar()
    evaluations = []
    for case in cases:
        rated_at = case.concluded_at and case.concluded_at + datetime.timedelta(days=1)
        if rated_at and rated_at < now and rng.random() < 0.7:
            rating = rng.choices([r for r, _ in RATINGS], [w for _, w in RATINGS])[0]
            evaluations.append(Evaluation(case=case, agency_id=case.agency_id, rater=rater, rating=rating,
                                          items=["speed"] if rating <= 2 else [], created_at=rated_at))  # fmt: skip
    Evaluation.objects.bulk_create(evaluations, batch_size=500)
    rectifications = []
    for evaluation in evaluations:
        if evaluation.rating <= 2:
            due = calendar.add(timezone.localdate(evaluation.created_at), 5).date
            done = due < timezone.localdate(now)
            rectifications.append(Rectification(
                evaluation=evaluation, case=evaluation.case, agency_id=evaluation.agency_id, due=due,
                created_at=evaluation.created_at,
                status=RectificationStatus.CLOSED if done else RectificationStatus.OPEN,
                action="窗口人员业务培训，优化审查流程" if done else "", result_told="已电话告知申请人" if done else "",
                closed_at=now if done else None,
            ))  # fmt: skip
    Rectification.objects.bulk_create(rectifications, batch_size=500)


FAQ = [
    ("可以委托他人代办吗？", "可以。受托人以本人账号登录，上传授权委托书，在线提交即可，全程不见面。"),
    ("办理结果怎么领取？", "可选电子证照，或由邮政免费寄递到您填写的地址，邮费由政府承担。"),
    ("材料可以用手机拍照上传吗？", "可以，照片须清晰完整。证照库里已有的证照无需再上传，系统会自动调取。"),
    ("办理需要多长时间？", "以办事指南所列承诺时限为准，按工作日计算，自受理之日起算。"),
    ("提交后发现材料有误怎么办？", "受理前可撤回后重新提交；受理后请按补正告知书在线补正。"),
    ("需要本人到现场吗？", "不需要，本事项全程网办、零跑动。"),
]


def _questions(rng, items, weights, asker, today, now) -> None:
    """About three questions a working day, answered within hours, some after the service level; the first answer
    to each question of a high-frequency item published as its FAQ. Some of the last days' questions still wait,
    a few of them past their time (alerts)."""
    from zerovisit.feedback.models import Question
    from zerovisit.feedback.services import answer_due

    questions, shown = [], set()
    for back in range(365, -1, -1):
        day = today - datetime.timedelta(days=back)
        for _ in range(rng.randint(1, 5) if day.weekday() < 5 else 0):
            item = rng.choices(items, weights)[0]
            asked = _at(day, rng)
            if asked >= now:
                continue
            text, answer = rng.choice(FAQ)
            due = answer_due(asked)
            answered = asked + datetime.timedelta(hours=rng.choice([1, 2, 3, 5, 20, 30]))
            if answered >= now or (back <= 3 and rng.random() < 0.3):
                answered = None
            published = answered is not None and item.is_high_frequency and (item.pk, text) not in shown
            if published:
                shown.add((item.pk, text))
            questions.append(Question(
                item=item, impl_code=item.impl_code, agency_id=item.agency_id, asked_by=asker, text=text,
                asked_at=asked, due_at=due, answer=answer if answered else "", answered_at=answered,
                faq_question=text if published else "", faq_answer=answer if published else "",
                published_at=answered if published else None,
            ))  # fmt: skip
    Question.objects.bulk_create(questions, batch_size=500)


def _importer():
    user, created = get_user_model().objects.get_or_create(
        username=IMPORTER, defaults={"display_name": "历史数据导入", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _residents(rng) -> list:
    from zerovisit.accounts.services import applicant_for

    people = []
    for i in range(60):
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randint(0, 40 * 365))
        body = f"320382{born:%Y%m%d}{i:03d}"
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        id_number = body + ric.calc_check_digit(body + "0")  # the function skips the last character
        people.append(applicant_for(kind="person", name=name, id_number=id_number, phone=f"1390516{i:04d}"))
    return people


def _at(day: datetime.date, rng, first_hour=8, last_hour=20) -> datetime.datetime:
    moment = datetime.time(rng.randint(first_hour, last_hour - 1), rng.randint(0, 59), rng.randint(0, 59))
    return datetime.datetime.combine(day, moment, tzinfo=timezone.get_current_timezone())


def _case(rng, item, process, day, now, applicant, importer):
    """One case as it stands now, and its events; (None, None) for one that would begin in the future."""
    calendar = work_calendar()
    channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
    on_site = channel in ("window", "kiosk")
    if on_site and not calendar.is_workday(day):
        return None, None
    submitted = _at(day, rng, 9 if on_site else 7, 17 if on_site else 23)
    if submitted > now:
        return None, None
    methods = item.delivery_methods()
    delivery = rng.choice(methods)
    case = Case(
        number=new_case_number(item.agency.region.code, submitted), item=item, agency=item.agency,
        process_template=item.process_template, process=process, applicant=applicant, submitted_by=importer,
        channel=channel, delivery_method=delivery, submitted_at=submitted, received_at=submitted,
        limit_days=item.promised_days, status=CaseStatus.SUBMITTED, updated_at=now,
    )  # fmt: skip
    case.acceptance_due = calendar.add(day, 5).date
    steps = [_event(submitted, "applicant", CaseAction.SUBMIT, "", CaseStatus.SUBMITTED, data={"channel": channel})]
    kind, stages = process["kind"], process["stages"]
    clock = submitted

    def later(working_days, hour_from=9, hour_to=17):
        return _at(calendar.add(timezone.localdate(clock), working_days).date, rng, hour_from, hour_to)

    def step(moment, role, action, status, opinion="", **data):
        nonlocal clock
        if moment > now:
            return False
        steps.append(_event(moment, role, action, case.status, status, opinion, data))
        case.status, clock = status, moment
        return True

    fate = rng.random()
    if fate < 0.02:  # withdrawn before acceptance
        if step(later(1), "applicant", CaseAction.WITHDRAW, CaseStatus.WITHDRAWN, "申请人撤回"):
            case.concluded_at = clock
        return case, steps
    if fate < 0.04:
        if step(later(1), "acceptor", CaseAction.REFUSE, CaseStatus.REFUSED, "不属于本机关职权范围，请向属地机关申请"):
            case.concluded_at = clock
        return case, steps
    if kind != ProcessKind.INSTANT and fate < 0.12:  # asked to correct, answered two days later
        if not step(later(1), "acceptor", CaseAction.REQUEST_CORRECTION, CaseStatus.CORRECTION, "申请书缺少签字"):
            return case, steps
        if not step(later(2, 8, 22), "applicant", CaseAction.RESUBMIT, CaseStatus.SUBMITTED):
            return case, steps
        case.received_at = clock
        case.acceptance_due = calendar.add(timezone.localdate(clock), 5).date
    if kind == ProcessKind.INSTANT:
        accepted = later(0) if on_site or rng.random() < 0.7 else later(1)
    elif fate > 0.99:  # the five days passed: accepted by law from the day the materials arrived
        if not step(_at(case.acceptance_due + datetime.timedelta(days=1), rng, 0, 1), "system",
                    CaseAction.DEEMED_ACCEPTED, CaseStatus.ACCEPTED):  # fmt: skip
            return case, steps
        case.accepted_at, case.deemed_accepted, case.stage_order = case.received_at, True, 2
        accepted = None
    else:
        accepted = later(rng.choice([0, 1, 1, 2]))
    if accepted is not None:
        if kind == ProcessKind.INSTANT:
            if step(accepted, "acceptor", CaseAction.DECIDE, CaseStatus.APPROVED, "符合条件，当场办结"):
                case.accepted_at = case.decided_at = case.concluded_at = clock
                case.stage_order = len(stages) + 1
            return case, steps
        if not step(accepted, "acceptor", CaseAction.ACCEPT, CaseStatus.ACCEPTED, "材料齐全"):
            return case, steps
        case.accepted_at, case.stage_order = clock, 2
    case.decision_due = calendar.add(timezone.localdate(case.accepted_at), case.limit_days).date
    stuck = (now - submitted).days < 40 and rng.random() < 0.15  # still in handling, some of them past due
    late = rng.random() < 0.03
    used = case.limit_days + rng.randint(1, 5) if late else rng.randint(0, max(case.limit_days - 1, 0))
    for stage in stages[case.stage_order - 1 :]:
        if stuck:
            return case, steps
        if stage["action"] == "file":
            if step(later(0), "acceptor", CaseAction.FILE, CaseStatus.FILED, "予以备案"):
                case.decided_at = case.concluded_at = clock
                case.stage_order = len(stages) + 1
            return case, steps
        if stage["action"] == "review":
            if not step(later(max(used // 2, 0)), "reviewer", CaseAction.REVIEW, CaseStatus.ACCEPTED, "符合条件，同意"):
                return case, steps
            case.stage_order += 1
        elif stage["action"] == "decide":
            approve = rng.random() > 0.05
            moment = _at(calendar.add(timezone.localdate(case.accepted_at), used).date, rng, 9, 17)
            moment = max(moment, clock + datetime.timedelta(minutes=30))
            status = CaseStatus.APPROVED if approve else CaseStatus.DENIED
            opinion = "符合法定条件，准予许可" if approve else "不符合法定条件"
            if step(moment, "decider", CaseAction.DECIDE, status, opinion):
                case.decided_at = case.concluded_at = clock
                case.stage_order = len(stages) + 1
                if approve and delivery == "courier":
                    case.delivered_at = clock + datetime.timedelta(days=2)
                    if case.delivered_at > now:
                        case.delivery_method, case.delivered_at = "hall", None
            return case, steps
    return case, steps


def _event(at, role, action, before, after, opinion="", data=None) -> CaseEvent:
    return CaseEvent(at=at, actor=None, actor_role=role, action=action, status_before=before, status_after=after,
                     opinion=opinion, data=data or {})  # fmt: skip
