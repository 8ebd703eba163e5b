"""Structured logs carry the processor name and the event id."""
import json
import logging

from streams.runtime.jsonlog import JsonFormatter, current_event_id


def test_a_log_line_is_json_with_processor_and_event_id():
    record = logging.makeLogRecord(
        {"name": "streams.runtime.runner", "levelname": "WARNING", "msg": "dead-lettered: %s", "args": ("ValueError",),
         "event_id": "e-1", "offset": 42}
    )
    line = json.loads(JsonFormatter("bidding").format(record))
    assert line["processor"] == "bidding" and line["event_id"] == "e-1" and line["offset"] == 42
    assert line["message"] == "dead-lettered: ValueError" and line["level"] == "WARNING"


def test_lines_logged_while_a_record_is_handled_name_its_event():
    record = logging.makeLogRecord({"name": "bidding.rules", "levelname": "INFO", "msg": "reserve met"})
    token = current_event_id.set(b"e-7")
    try:
        line = json.loads(JsonFormatter("bidding").format(record))
    finally:
        current_event_id.reset(token)
    assert line["event_id"] == "e-7"
    assert "event_id" not in json.loads(JsonFormatter("bidding").format(record))
