"""No log line carries an ID number or a mobile number in clear."""

import logging

from zerovisit.core.logs import MaskPersonalData, has_personal_data, mask_personal_data
from zerovisit.notify.backends import ConsoleSmsBackend

ID, PHONE = "32030219900307123X", "13812341234"


def test_id_numbers_and_phones_are_masked_but_case_numbers_and_hashes_are_not():
    text = f"张三 {ID} 电话{PHONE} 办件 320300-20261128-7QK2M9XD sha {'1' * 64}"
    masked = mask_personal_data(text)
    assert ID not in masked and "3203**********123X" in masked and "138****1234" in masked
    assert "320300-20261128-7QK2M9XD" in masked and "1" * 64 in masked
    assert not has_personal_data(masked)


def test_phones_written_in_groups_or_with_the_country_code_and_old_id_numbers_are_masked_too():
    for written in ("+8613812341234", "+86 138 1234 1234", "138-1234-1234", "86 13812341234"):
        assert has_personal_data(written) and mask_personal_data(f"电话 {written}。") == "电话 138****1234。", written
    assert mask_personal_data("旧证 320302900307123") == "旧证 3203*******7123"


def test_the_configured_handler_masks_messages_arguments_and_exceptions(caplog):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    keep = Keep()
    keep.addFilter(MaskPersonalData())
    log = logging.getLogger("zerovisit.test")
    log.addHandler(keep)
    try:
        log.warning("applicant %s phone %s", ID, PHONE)
        try:
            raise ValueError(f"cannot deliver to {PHONE}")
        except ValueError:
            log.exception("delivery failed")
    finally:
        log.removeHandler(keep)
    assert records and not any(has_personal_data(line) for line in records)
    assert "138****1234" in records[0] and "cannot deliver to 138****1234" in records[1]


def test_the_console_sms_shows_a_masked_number(caplog):
    with caplog.at_level(logging.INFO, logger="zerovisit.notify"):
        ConsoleSmsBackend().send(PHONE, "您的办件已受理")
    assert "[SMS to 138****1234] 您的办件已受理" in caplog.text and PHONE not in caplog.text


def test_gunicorn_s_access_log_masks_an_id_number_in_the_query_string(capsys):
    import datetime
    from types import SimpleNamespace

    from gunicorn.config import Config

    from zerovisit.core.gunicorn import Logger

    config = Config()
    config.set("accesslog", "-")
    logger = Logger(config)
    request = SimpleNamespace(headers=[], method="GET", path="/api/v1/share/licenses/", version=(1, 1),
                              query=f"holder_code={ID}", uri=f"/api/v1/share/licenses/?holder_code={ID}")  # fmt: skip
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    environ = {"REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": "GET", "RAW_URI": request.uri,
               "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": request.path, "QUERY_STRING": request.query}  # fmt: skip
    logger.access(response, request, environ, datetime.timedelta(seconds=0.01))
    out = capsys.readouterr().out
    assert "holder_code=3203**********123X" in out and ID not in out
