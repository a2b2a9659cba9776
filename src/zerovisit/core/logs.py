"""Personal data never reaches a log line: ID numbers and mobile numbers are masked in every record, its
exception text included, before any handler writes it (DESIGN.md §4: 138****1234, first 4 + last 4 of an ID).

Code should not log them in the first place; this filter is the net under it, for messages built from data
(an address, an exception's text) that nobody thought of."""

import logging
import re

from .identity import mask_id_number, mask_phone

# Digits standing alone: an ID number (18 characters, the last may be X; or the 15 digits of the first generation),
# or a mobile number, also with the country code or written in groups (+86 138 1234 1234, 138-1234-1234).
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<![0-9A-Za-z+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9A-Za-z])")


def _masked_phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    return mask_phone(digits[-11:])


def mask_personal_data(text: str) -> str:
    text = ID_NUMBER.sub(lambda match: mask_id_number(match.group()), text)
    return PHONE.sub(_masked_phone, text)


def has_personal_data(text: str) -> bool:
    return bool(ID_NUMBER.search(text) or PHONE.search(text))


class MaskPersonalData(logging.Filter):
    """Rewrites the record's message (and exception text) with personal data masked."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if has_personal_data(message):
            record.msg, record.args = mask_personal_data(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text and has_personal_data(record.exc_text):
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info and has_personal_data(record.stack_info):
            record.stack_info = mask_personal_data(record.stack_info)
        return True
