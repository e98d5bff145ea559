"""`extract` without --url: the page's own address is taken only from a self link that is an article URL of
the site (a mission's page points its canonical link at its home page), else one line asking for --url."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Pressroom

FIXTURES = Path(__file__).parent / "fixtures" / "mofa.go.kr"
HOME = "https://overseas.mofa.go.kr/ca-toronto-ko/index.do"
ARTICLE = "https://overseas.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=1344600"


def _pressroom(tmp_path: Path) -> Pressroom:
    config = tmp_path / "pressroom.toml"
    config.write_text('[pressroom]\ncontact = "test@example.org"\n', encoding="utf-8")
    return Pressroom(tmp_path / "unused", config, {})


def test_a_home_page_link_is_not_taken_for_the_article_and_the_error_suggests_url(tmp_path: Path) -> None:
    page = FIXTURES / "mission_plain.html"
    assert HOME in page.read_text(encoding="utf-8")  # og:url names the mission's home page, nothing else
    run = _pressroom(tmp_path)
    result = run("extract", "mofa", str(page), ok=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {page}: the page's own link ({HOME}) is not a mofa.go.kr article URL; "
        "pass the page's address with --url"
    ]


def test_a_canonical_home_link_gives_way_to_an_article_og_url(tmp_path: Path) -> None:
    html = (FIXTURES / "mission_plain.html").read_text(encoding="utf-8")
    html = html.replace(f'<meta property="og:url" content="{HOME}">', f'<meta property="og:url" content="{ARTICLE}">')
    html = html.replace("<head>", f'<head><link rel="canonical" href="{HOME}">', 1)
    assert ARTICLE in html and f'canonical" href="{HOME}"' in html
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    run = _pressroom(tmp_path)
    out = run("extract", "mofa", str(page), "--captured", "2026-01-01T00:00:00Z").stdout
    assert f"URL: {ARTICLE}\n" in out
    assert "Title: 여권 발급 수수료 변경 안내\n" in out


def test_a_url_that_is_no_article_is_named_once(tmp_path: Path) -> None:
    result = _pressroom(tmp_path)("extract", "mofa", str(FIXTURES / "mission_plain.html"), "--url", HOME, ok=False)
    assert result.stderr.splitlines() == [f"Error: {HOME}: not a mofa.go.kr article URL (…/brd/m_N/view.do?seq=N)"]
