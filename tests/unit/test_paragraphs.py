"""Quiz texts as HTML paragraphs: what a student reads on the quiz and result pages."""

from __future__ import annotations

from course.core.paragraphs import paragraphs


def test_a_blank_line_starts_a_paragraph_and_wrapping_is_one_space():
    text = "Sanne deelt een foto\nvan haar stage.\r\n\r\nWat zie je?\n\n\n  "
    assert paragraphs(text) == "<p>Sanne deelt een foto van haar stage.</p><p>Wat zie je?</p>"


def test_the_text_is_escaped_and_the_class_is_on_every_paragraph():
    html = paragraphs('<script>x</script> & "quotes"\n\nTwee', "span", "question-text")
    assert html == (
        '<span class="question-text">&lt;script&gt;x&lt;/script&gt; &amp; &#34;quotes&#34;</span>'
        '<span class="question-text">Twee</span>'
    )


def test_no_text_gives_nothing():
    assert paragraphs(None) == "" and paragraphs("  \n\n ") == ""
