"""Every change to a case, one function per use case (DESIGN.md §4, STYLE.md), by concept:

applying · filing, answering a correction, withdrawing · acceptance · accept, refuse, ask for corrections, deemed
acceptance · handling · review, decide, file, extend, suspend, resume, claim · results · hand-over, delivery,
originals · commitments · post-verification of 告知承诺 · deadlines · counted again with a new calendar · staff ·
what staff are told · steps · the one lock → check → change → record sequence every step goes through, against
the lifecycle declared in cases.lifecycle.
"""

from .acceptance import (
    accept_case,
    deem_overdue_acceptances,
    lapse_overdue_corrections,
    refuse_case,
    request_correction,
)
from .applying import (
    IdempotencyKeyReused,
    MaterialInput,
    Submission,
    resubmit_correction,
    submit_application,
    submit_case,
    withdraw_case,
)
from .commitments import conclude_correction, verify_commitment
from .deadlines import recount_estimated_deadlines
from .drafts import (
    DraftRefused,
    DraftTarget,
    delete_expired_drafts,
    discard_draft,
    draft_answers,
    draft_material_inputs,
    save_draft,
    usable_uploads,
)
from .handling import (
    EXTENSION_DAYS,
    SPECIAL_PROCEDURES,
    claim_case,
    decide_case,
    extend_case,
    file_case,
    resume_case,
    review_case,
    suspend_case,
)
from .results import check_originals, hand_over_result, record_arrival, record_delivery
from .staff import tell_staff_of_new_work
from .steps import ACCEPTANCE_DAYS, InvalidTransition, MaterialsIncomplete, SeparationOfDuties

__all__ = [
    "ACCEPTANCE_DAYS",
    "EXTENSION_DAYS",
    "SPECIAL_PROCEDURES",
    "DraftRefused",
    "DraftTarget",
    "IdempotencyKeyReused",
    "InvalidTransition",
    "MaterialInput",
    "MaterialsIncomplete",
    "SeparationOfDuties",
    "Submission",
    "accept_case",
    "check_originals",
    "claim_case",
    "conclude_correction",
    "decide_case",
    "deem_overdue_acceptances",
    "delete_expired_drafts",
    "discard_draft",
    "draft_answers",
    "draft_material_inputs",
    "extend_case",
    "file_case",
    "hand_over_result",
    "lapse_overdue_corrections",
    "record_arrival",
    "record_delivery",
    "recount_estimated_deadlines",
    "refuse_case",
    "request_correction",
    "resubmit_correction",
    "resume_case",
    "review_case",
    "save_draft",
    "submit_application",
    "submit_case",
    "suspend_case",
    "tell_staff_of_new_work",
    "usable_uploads",
    "verify_commitment",
    "withdraw_case",
]  # fmt: skip
