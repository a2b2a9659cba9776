import datetime

import pytest
from django.utils import translation

from ..indicators import INDICATORS, Totals


def test_a_share_of_nothing_is_undefined_not_zero():
    empty = Totals()
    assert INDICATORS["on_time_rate"].of(empty) is None
    assert INDICATORS["average_handling_days"].of(empty) is None
    assert INDICATORS["deemed_acceptance_count"].of(empty) == 0


def test_the_formulas_read_the_measures():
    totals = Totals({"decided": 8, "decided_on_time": 6, "handling_days": 20, "postage_fen": 2400},
                    promised_days=43, legal_days=100)  # fmt: skip
    assert INDICATORS["on_time_rate"].of(totals) == 75.0
    assert INDICATORS["overdue_count"].of(totals) == 2
    assert INDICATORS["average_handling_days"].of(totals) == 2.5
    assert INDICATORS["courier_savings"].of(totals) == 24.0
    assert INDICATORS["time_cut_rate"].of(totals) == 57.0


def test_a_measure_that_does_not_exist_is_an_error_not_a_zero():
    with pytest.raises(AttributeError):
        Totals().decidd  # noqa: B018


def test_every_indicator_says_what_it_means_in_its_docstring_and_in_chinese():
    for indicator in INDICATORS.values():
        with translation.override("en"):
            assert indicator.description == indicator.formula.__doc__
        with translation.override("zh-hans"):
            assert indicator.description != indicator.formula.__doc__, indicator.code


def test_the_answer_rate_counts_questions_answered_or_past_their_service_level(clock, item, citizen, staff):
    from zerovisit.feedback.services import answer_question, ask_question

    from ..selectors import Scope, totals

    def ask(day, hour):
        clock.set(2026, 11, day, hour)
        return ask_question(actor=citizen.user, impl_code=item.impl_code, text=f"{day}日{hour}时的问题")

    in_time, late, unanswered, waiting = ask(2, 10), ask(2, 11), ask(3, 9), ask(4, 16)
    clock.set(2026, 11, 2, 15)
    answer_question(actor=staff["acceptor"], question_id=in_time.pk, answer="好")
    clock.set(2026, 11, 4, 17)  # 11-3 09:00 is past its service level; 11-4 16:00 is not yet
    answer_question(actor=staff["acceptor"], question_id=late.pk, answer="晚")
    month = totals(Scope(agency_ids=(item.agency_id,)), datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    assert (month.questions, month.questions_answered_in_time) == (3, 1)
    assert INDICATORS["consultation_answer_rate"].of(month) == 33.3
    other = totals(Scope(agency_ids=(item.agency_id + 1,)), datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    assert other.questions == 0 and INDICATORS["consultation_answer_rate"].of(other) is None
    assert totals(Scope(item=item), datetime.date(2026, 11, 3), datetime.date(2026, 11, 3)).questions == 1
    assert waiting.pk and unanswered.pk
