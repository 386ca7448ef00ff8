#!/usr/bin/env python3
"""Parses .eml files with Python's `email` package (policy.default) and prints, as one JSON
list, what a mail program would show of each: subject, From, To, Cc, Message-ID, the plain
text body and every attachment (file name as decoded, content type, SHA-256 of the bytes)."""

import email
import hashlib
import json
import sys
from email import policy


def describe(path):
    with open(path, "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=policy.default)
    body = msg.get_body(preferencelist=("plain",))
    attachments = []
    for part in msg.iter_attachments():
        data = part.get_payload(decode=True) or b""
        attachments.append(
            {
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    addresses = {}
    for name in ("from", "to", "cc", "bcc", "reply-to", "sender"):
        header = msg.get(name)
        addresses[name] = [a.addr_spec.lower() for a in header.addresses] if header else []
    return {
        "subject": str(msg["subject"]),
        "message_id": str(msg["message-id"]),
        "addresses": addresses,
        "body": body.get_content() if body is not None else None,
        "attachments": attachments,
    }


print(json.dumps([describe(p) for p in sys.argv[1:]], ensure_ascii=False))
