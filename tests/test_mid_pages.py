"""mid.ru pages as the real site builds them: briefings' tables of contents, the marks a browser's scripts
add, agenda lines and inline links (fixtures in tests/fixtures/mid.ru/, the project's own text)."""

from __future__ import annotations

from crawler.sites import mid

URL = "https://mid.ru/ru/press_service/spokesman/briefings/1960001/"


def page(body: str) -> str:
    """An article page of the current template around `body` (the inside of div.text.article-content)."""
    return (
        '<html><body><div class="photo-content"><div class="photo-content__item-info">'
        '<span class="photo-content__date">02.10.2024</span> <span class="photo-content__time">15:40</span></div>'
        '<h1 class="photo-content__title">Брифинг</h1>'
        f'<div class="photo-content__desc"><div class="text article-content">{body}</div></div></div></body></html>'
    )


def test_a_contents_heading_goes_only_with_its_contents() -> None:
    contents = '<h2><a name="0">СОДЕРЖАНИЕ</a></h2><ol><li><a href="#1">Тема</a></li></ol>'
    text = '<p><a name="1"></a><strong>Тема</strong></p><p>Текст.</p><p><a href="#0">Назад к оглавлению</a></p>'
    assert mid.parse_release(page(contents + text), URL).body == ("Тема", "Текст.")
    # The same word before running text is a heading of the text, not of a table of contents.
    kept = "<h2>Содержание</h2><p>Содержание договора таково.</p>"
    assert mid.parse_release(page(kept), URL).body == ("Содержание", "Содержание договора таково.")


def test_a_numbered_list_of_the_text_keeps_its_numbers_beside_a_dropped_contents_list() -> None:
    body = (
        '<ol><li><a href="#1">Первое</a></li><li><a href="#2">Второе</a></li></ol>'
        '<p><em><a href="#100"><u>Из ответов на вопросы</u></a>:</em></p>'
        '<ol><li><a href="#3">Третье</a></li></ol>'
        "<p>Решено:</p><ol><li>одно;</li><li>другое.</li></ol>"
    )
    assert mid.parse_release(page(body), URL).body == ("Решено:", "1. одно;", "2. другое.")
