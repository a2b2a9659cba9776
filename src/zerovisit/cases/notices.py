"""The written notices of a case: which steps give one, their text, and rendering them.

Notices are official documents and are issued in Chinese whatever language the reader chose for the pages.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from zerovisit.core import pdf
from zerovisit.org import services as seals

from .lifecycle import NOTICES
from .models import Case, CaseEvent, CaseNotice

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _paragraphs(case: Case, event: CaseEvent) -> list[str]:
    item, data, opinion = case.item.name, event.data, event.opinion
    received = _date(timezone.localtime(case.received_at))
    if event.action in ("accept", "deemed_accepted"):
        lead = (
            "经审查，申请材料齐全、符合法定形式，本机关决定予以受理。"
            if event.action == "accept" and not data.get("late")
            else (
                "本机关未在法定期限内作出是否受理的决定，依照《中华人民共和国行政许可法》第三十二条，自收到申请材料之日起即为受理。"
            )
        )
        return [f"你（单位）于{received}提出的{item}申请，{lead}",
                f"本机关将于{data.get('decision_due', '')}前作出决定（法定节假日不计入办理时限）。"]  # fmt: skip
    if event.action == "refuse":
        office = f"请向{data['competent_office']}申请。" if data.get("competent_office") else ""
        return [f"你（单位）于{received}提出的{item}申请，本机关决定不予受理。理由：{opinion}{office}",
                "如不服本决定，可依法申请行政复议或者提起行政诉讼。"]  # fmt: skip
    if event.action == "request_correction":
        items = "；".join(f"{n}. {c}" for n, c in enumerate(data.get("corrections", []), start=1))
        concerned = f"涉及材料：{'、'.join(data['material_names'])}。" if data.get("material_names") else ""
        return [
            f"你（单位）于{received}提出的{item}申请，申请材料不齐全或者不符合法定形式，"
            f"请一次性补正以下内容：{items}。{concerned}",
            *(
                [f"请于{_date(datetime.date.fromisoformat(data['answer_due']))}前补正；逾期未补正的，视为撤回申请。"]
                if data.get("answer_due")
                else []
            ),
            "补正材料齐全之日起，本机关重新计算受理期限。",
        ]
    if event.action == "decide":
        outcome = "准予行政许可" if data.get("approved") else "不予行政许可"
        remedy = "" if data.get("approved") else "如不服本决定，可依法申请行政复议或者提起行政诉讼。"
        return [
            f"你（单位）申请的{item}（办件编号{case.number}），经审查，本机关决定{outcome}。理由：{opinion}",
            remedy,
        ]
    if event.action == "extend":
        return [f"你（单位）申请的{item}（办件编号{case.number}），因{opinion}，经本机关负责人批准，审查期限延长"
                f"{data.get('days', '')}个工作日，将于{data.get('decision_due', '')}前作出决定。"]  # fmt: skip
    if event.action == "suspend":
        return [
            f"你（单位）申请的{item}（办件编号{case.number}）需进行{data.get('procedure', '')}，"
            f"预计需要{data.get('expected_days', '')}个工作日。"
            "依照《中华人民共和国行政许可法》第四十五条，所需时间不计算在审查期限内。"
        ]
    return []


def verify_url(code: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("portal:verify_notice", args=[code])


def render(event_id: int) -> CaseNotice | None:
    """Render the notice of a step once; a retried or repeated task finds it done."""
    event = CaseEvent.objects.select_related("case__item", "case__agency", "case__applicant").get(pk=event_id)
    if event.action not in NOTICES or CaseNotice.objects.filter(event=event).exists():
        return None
    case = event.case
    if event.action == "decide" and event.data.get("approved") is False:
        title = "不予行政许可决定书"
    elif event.action == "decide":
        title = "准予行政许可决定书"
    else:
        title = NOTICES[event.action]
    code = "".join(secrets.choice(ALPHABET) for _ in range(16))
    issuer = case.agency.short_name or case.agency.name
    rendered = pdf.notice(
        title=title,
        document_number=f"{issuer}〔{event.at.year}〕{case.number}-{event.seq}号",
        agency=case.agency.name,
        addressee=case.applicant.name,
        paragraphs=[p for p in _paragraphs(case, event) if p],
        date=_date(timezone.localtime(event.at)),
        verify_url=verify_url(code),
        verify_label="扫码或访问以下地址核验本文书",
    )
    body, seal = seals.sign(rendered.pdf, agency=case.agency, where=rendered.seal, reason=title)
    notice = CaseNotice(case=case, event=event, kind=title, code=code, seal=seal,
                        sha256=hashlib.sha256(body).hexdigest())  # fmt: skip
    notice.file.save(f"{case.number}-{event.seq}.pdf", ContentFile(body), save=False)
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError:  # rendered at the same moment by another worker
        notice.file.delete(save=False)
        return CaseNotice.objects.get(event=event)
    return notice
