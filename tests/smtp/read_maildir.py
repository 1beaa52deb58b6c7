"""Parse every message of a Maildir with Python's email package (policy.default) and print JSON.

Usage: read_maildir.py DIR. One object per message, sorted by Maildir key: its defects (of the
message and every part), headers (decoded), the content types of its parts in order, and the
decoded text and HTML parts. What seedbed's tests check messages against.
"""
import email
import email.policy
import json
import os
import sys


def main(root):
    out = []
    for sub in ("new", "cur"):
        folder = os.path.join(root, sub)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as f:
                raw = f.read()
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            defects = [repr(d) for part in msg.walk() for d in part.defects]
            headers = {}
            for key, value in msg.items():
                headers.setdefault(key.lower(), []).append(str(value))
            parts = [p.get_content_type() for p in msg.walk()]
            text = msg.get_body(("plain",))
            html = msg.get_body(("html",))
            out.append({
                "key": name,
                "defects": defects,
                "headers": headers,
                "header_names": [k.lower() for k in msg.keys()],
                "parts": parts,
                "text": text.get_content() if text else None,
                "html": html.get_content() if html else None,
                "raw_head": raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace"),
            })
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
