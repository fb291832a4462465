"""Personal and class data as a file: one set of headers for every such download.

Grades, TPACK figures and a person's own data must not stay in a browser's or proxy's cache on a
shared school computer: `private, no-store`, and no `Expires` or `Last-Modified` that invite keeping
it. The file name is given plainly and as UTF-8 (RFC 6266), so accents in class names survive.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response

NO_STORE = "private, no-store"


def download(data: bytes | str, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    if plain == filename:
        response.headers.set("Content-Disposition", "attachment", filename=filename)
    else:
        utf8 = {"filename*": f"UTF-8''{quote(filename)}"}
        response.headers.set("Content-Disposition", "attachment", filename=plain, **utf8)
    response.headers["Cache-Control"] = NO_STORE
    response.headers["Pragma"] = "no-cache"
    return response
