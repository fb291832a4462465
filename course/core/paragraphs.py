"""Plain quiz text as HTML paragraphs. No Flask in here.

Quiz texts come from the quiz files: a blank line starts a new paragraph, a single line break is only
the author's wrapping. A result page shows some forty of these texts; splitting and escaping them
again on every view was the largest share of the page, so each text's HTML is remembered. The text
itself is the key, so an edited quiz simply brings new keys.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

# Every text of every quiz, several times over (tags differ per page); beyond it the oldest go.
REMEMBERED_TEXTS = 8192


@lru_cache(maxsize=REMEMBERED_TEXTS)
def paragraphs(text: str | None, tag: str = "p", class_: str = "") -> Markup:
    """One ``<tag>`` per paragraph of ``text``, escaped, with its wrapping made single spaces."""
    shape = Markup('<{0} class="{2}">{1}</{0}>') if class_ else Markup("<{0}>{1}</{0}>")
    parts = (" ".join(para.split()) for para in (text or "").replace("\r\n", "\n").split("\n\n"))
    return Markup("").join(shape.format(tag, part, class_) for part in parts if part)
