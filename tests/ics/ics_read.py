"""Reads calendar files with Python's icalendar package (PyPI), as a calendar program would.

Usage: python3 ics_read.py FILE.ics...
Prints one JSON line per file: {"file", "method", "version", "prodid", "events": [...]}, each
event with uid, dtstart and dtend (ISO 8601 in UTC), dtstamp, sequence, status, summary,
location, description and url. Exits 2 when icalendar is not installed, 1 when a file does not
parse or breaks a rule of RFC 5545 that the tests rely on.
"""

import json
import sys

try:
    import icalendar
except ImportError as e:  # the test names the package to install
    print(f"icalendar is not installed: {e}", file=sys.stderr)
    sys.exit(2)


def utc(prop):
    value = prop.dt
    if getattr(value, "tzinfo", None) is None:
        raise ValueError(f"{value!r} is not a UTC date-time")
    return value.astimezone(__import__("datetime").timezone.utc).isoformat()


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    cal = icalendar.Calendar.from_ical(raw)
    events = []
    for ev in cal.walk("VEVENT"):
        events.append(
            {
                "uid": str(ev["UID"]),
                "dtstart": utc(ev["DTSTART"]),
                "dtend": utc(ev["DTEND"]),
                "dtstamp": utc(ev["DTSTAMP"]),
                "sequence": int(ev.get("SEQUENCE", -1)),
                "status": str(ev.get("STATUS", "")),
                "summary": str(ev.get("SUMMARY", "")),
                "location": str(ev.get("LOCATION", "")),
                "description": str(ev.get("DESCRIPTION", "")),
                "url": str(ev.get("URL", "")),
            }
        )
    lines = raw.split(b"\r\n")
    return {
        "file": path,
        "method": str(cal.get("METHOD", "")),
        "version": str(cal.get("VERSION", "")),
        "prodid": str(cal.get("PRODID", "")),
        "crlf": raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b""),
        "longest_line": max(len(line) for line in lines),
        "events": events,
    }


def main():
    failed = False
    for path in sys.argv[1:]:
        try:
            print(json.dumps(read(path), ensure_ascii=False))
        except Exception as e:  # noqa: BLE001 - every problem is reported
            print(f"{path}: {type(e).__name__}: {e}", file=sys.stderr)
            failed = True
    sys.exit(1 if failed else 0)


main()
