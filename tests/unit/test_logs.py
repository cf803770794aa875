"""ID numbers never reach a log file unmasked."""

from __future__ import annotations

import logging

from frontdesk.core.logs import mask_ids, setup_logging


def test_mask_ids_in_text():
    assert mask_ids("visitor 11010519491231002X arrived") == "visitor 110105********002X arrived"
    assert mask_ids("old id 110105491231002") == "old id 110105*****1002"
    # phone numbers and longer digit runs are not ID numbers
    assert mask_ids("+8613812345678") == "+8613812345678"
    assert mask_ids("order 1234567890123456789012") == "order 1234567890123456789012"


def test_log_file_holds_only_masked_numbers(tmp_path):
    path = setup_logging(path=tmp_path / "fd.log")
    log = logging.getLogger("frontdesk.test")
    log.info("registered %s for %s", "11010519491231002X", "王小明")
    try:
        raise ValueError("bad document 11010519491231002X")
    except ValueError:
        log.exception("failed for %s", "11010519491231002X")
    for handler in logging.getLogger("frontdesk").handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "11010519491231002X" not in text
    assert text.count("110105********002X") >= 3  # two messages and the exception text
    assert "王小明" in text


def test_grouped_id_numbers_are_masked_too():
    assert mask_ids("id 110105 19491231 002X ok") == "id 110105********002X ok"
    assert mask_ids("id 110105-19491231-002x") == "id 110105********002x"
    assert mask_ids("call +86 138 1234 5678") == "call +86 138 1234 5678"
