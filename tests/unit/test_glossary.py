"""The glossary file and the links from lesson text to it: checked and rendered without Flask."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from course.content.catalog import load_catalog
from course.content.glossary import Glossary, Term, load_glossary
from course.content.render import render_markdown
from course.content.summary_sections import count_sentences, summary_problems

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "fixtures" / "content" / "broken-glossary" / "lessons" / "woordenlijst.yaml"
PAGE = "/lessons/woordenlijst"


def test_a_broken_glossary_names_each_mistake_with_its_line() -> None:
    glossary, problems = load_glossary(BROKEN, {"werk-en-prive"})
    assert glossary is None
    assert [str(p) for p in problems] == [
        "lessons/woordenlijst.yaml:6: missing 'explanation': every word needs a term and an explanation",
        "lessons/woordenlijst.yaml:9: duplicate term 'Phishing' (also on line 3)",
        "lessons/woordenlijst.yaml:14: lesson 'bestaat-niet' does not exist (use a lesson slug)",
    ]


def terms(*words: tuple[str, tuple[str, ...]]) -> object:
    glossary = Glossary(tuple(Term(word, "uitleg", aliases) for word, aliases in words), Path("woordenlijst.yaml"))
    return glossary.term_links(PAGE)


def test_only_the_first_whole_word_use_in_running_text_links() -> None:
    links = terms(("phishing", ()), ("cookie", ("cookies",)), ("AVG", ()))
    text = (
        "## Phishing\n\nEen phishingmail is nog geen woord. Pas op voor `phishing` en [phishing](https://x.nl).\n\n"
        "Dit is Phishing, en dit is phishing weer. Deze site zet cookies. Een cookie ook. De AVG-regels niet."
    )
    html = render_markdown(text, terms=links)
    assert html.count('class="term"') == 2
    assert f'<a href="{PAGE}#term-phishing" class="term">Phishing</a>, en dit is phishing weer' in html
    assert f'zet <a href="{PAGE}#term-cookie" class="term">cookies</a>. Een cookie ook' in html
    assert '<h2 id="phishing">Phishing</h2>' in html and "<code>phishing</code>" in html


def test_the_longest_form_wins() -> None:
    links = terms(("persoonsgegevens", ()), ("Autoriteit Persoonsgegevens", ()))
    html = render_markdown("Mail de Autoriteit Persoonsgegevens over je persoonsgegevens.", terms=links)
    assert f'<a href="{PAGE}#term-autoriteit-persoonsgegevens" class="term">Autoriteit Persoonsgegevens</a>' in html
    assert f'<a href="{PAGE}#term-persoonsgegevens" class="term">persoonsgegevens</a>.' in html


def test_de_kern_must_open_the_lesson_with_at_most_five_sentences() -> None:
    lesson = next(iter(load_catalog(ROOT / "lessons", ROOT / "quizzes").lessons.values()))
    shown = "lessons/" + lesson.path.name
    assert summary_problems(lesson, shown) == []
    without = replace(lesson, body=lesson.body.replace("## De kern", "## Samenvatting", 1))
    assert [p.message.split(":")[0] for p in summary_problems(without, shown)] == ["'## De kern' is missing"]
    six = "## De kern\n\nEen. Twee! Drie? Vier. Vijf. Zes\n\n## Openingscase\n"
    problems = summary_problems(replace(lesson, body="\n" + six), shown)
    too_long = f"{shown}:{lesson.body_line + 1}: '## De kern' has 6 sentences: keep it to 5 at most"
    assert [str(p) for p in problems] == [too_long]
    assert count_sentences(['"Ik zoek een stage." Zegt ze.', "- Een punt", "![beeld](media/x.png)"]) == 3
