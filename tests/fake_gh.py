"""``gh api`` for the review workflow's test, against a JSON file of comments
(``$FAKE_GH_STORE``) instead of GitHub, which tests cannot reach.

It takes the three calls the workflow makes: list a pull request's comments
(``--jq`` run by the real ``jq``, as gh runs its own), update one, post one.
Any other call fails loudly, so a changed workflow cannot pass unnoticed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path


def _store() -> Path:
    return Path(os.environ["FAKE_GH_STORE"])


def _comments() -> list[dict[str, object]]:
    path = _store()
    return json.loads(path.read_text()) if path.exists() else []


def _save(comments: list[dict[str, object]]) -> None:
    _store().write_text(json.dumps(comments))


def _body(args: list[str]) -> str:
    field = args[args.index("-F") + 1]
    name, _, value = field.partition("=")
    if name != "body" or not value.startswith("@"):
        raise SystemExit(f"fake gh: unexpected field {field!r}")
    return Path(value[1:]).read_text()


def main(args: list[str]) -> int:
    if args[:1] != ["api"]:
        raise SystemExit(f"fake gh: only 'gh api' is known, not {args!r}")
    method = args[args.index("--method") + 1] if "--method" in args else "GET"
    path = next(a for a in args[1:] if a.startswith("repos/"))
    comments = _comments()
    if method == "GET" and re.fullmatch(r"repos/[^/]+/[^/]+/issues/\d+/comments", path):
        expression = args[args.index("--jq") + 1]
        shown = subprocess.run(
            ["jq", "-r", expression],
            input=json.dumps(comments),
            text=True,
            check=True,
            capture_output=True,
        )
        sys.stdout.write(shown.stdout)
        return 0
    if method == "POST" and path.endswith("/comments"):
        comments.append({"id": 1000 + len(comments), "body": _body(args)})
        _save(comments)
        return 0
    found = re.fullmatch(r"repos/[^/]+/[^/]+/issues/comments/(\d+)", path)
    if method == "PATCH" and found:
        for comment in comments:
            if comment["id"] == int(found.group(1)):
                comment["body"] = _body(args)
        _save(comments)
        return 0
    raise SystemExit(f"fake gh: unexpected call {args!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
