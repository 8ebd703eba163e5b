"""Structured logs carry the processor name and the event id."""
import json
import logging

from streams.runtime.jsonlog import JsonFormatter


def test_a_log_line_is_json_with_processor_and_event_id():
    record = logging.makeLogRecord(
        {"name": "streams.runtime.runner", "levelname": "WARNING", "msg": "dead-lettered: %s", "args": ("ValueError",),
         "event_id": "e-1", "offset": 42}
    )
    line = json.loads(JsonFormatter("bidding").format(record))
    assert line["processor"] == "bidding" and line["event_id"] == "e-1" and line["offset"] == 42
    assert line["message"] == "dead-lettered: ValueError" and line["level"] == "WARNING"
