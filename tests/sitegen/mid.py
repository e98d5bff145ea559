"""Pages of mid.ru (current 1C-Bitrix site) and archive.mid.ru (old Liferay site) as SITES.md describes
them, for fixtures and the simulators: header menus, language links, related-news blocks that reuse the
list item class outside the main list, scripts and footers around the article."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

MENU = {
    "Ministry": ["Minister", "First Deputy Minister", "Deputy Ministers", "Structure", "History", "Diplomatic Academy"],
    "Foreign policy": [
        "News",
        "Regions",
        "International organisations",
        "International security",
        "Economic diplomacy",
        "Human rights",
        "Arctic",
        "Compatriots",
        "Climate",
        "International law",
    ],
    "Press service": [
        "Minister's speeches",
        "Spokesperson",
        "Briefings",
        "Answers to media questions",
        "Comments",
        "Official statements",
        "Interviews",
        "Photos",
        "Videos",
        "Accreditation",
    ],
    "Consular services": ["Visas", "Passports", "Legalisation", "Travel advice", "Consular offices"],
    "Countries": ["Asia", "Europe", "Americas", "Africa", "Middle East", "CIS"],
}
SECTION_TITLES = {
    "foreign_policy/news": ("News", "Новости"),
    "press_service/minister_speeches": ("Minister's speeches", "Выступления Министра"),
    "press_service/spokesman/briefings": ("Briefings", "Брифинги"),
}
CHALLENGE = """<!DOCTYPE html><html><head><meta http-equiv="Pragma" content="no-cache"/><meta http-equiv="Expires" content="-1"/>
<script type="text/javascript">window["bobcmn"] = "10111110111010200000004200000005200000006200000000f0a3c6d7200000096200000000200000002300000000300000000300000006/TSPD/300000008TSPD_101";
window.bdto=!!window.bdto;try{(function(){(function(){var _=-1;_={ll:++_,lI:++_}})()})()}catch(e){}</script>
<script type="text/javascript" src="/TSPD/08e841a5c5ab200088b6e6c0b0d?type=9"></script>
<noscript>Please enable JavaScript to view the page content.<br/>Your support ID is: 11846223418526938251.</noscript>
</head><body></body></html>"""
REJECTED = """<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. Please consult
with your administrator.<br><br>Your support ID is: 4862389542189732151<br><br><a href='javascript:history.back();'>[Go Back]</a></body></html>"""
WAIT = """<html><head><title>mid.ru</title></head><body><div style="text-align:center">Data processing... Please, wait.</div>
<script>setTimeout(function(){location.reload()},3000)</script></body></html>"""


def esc(text: str) -> str:
    return (
        html.escape(text, quote=False)
        .replace("\u2019", "&rsquo;")
        .replace("\u00ab", "&laquo;")
        .replace("\u00bb", "&raquo;")
        .replace("\u2013", "&ndash;")
    )


@dataclass
class MidArticle:
    """An article of the current site; `body` is exactly the text that must be archived."""

    id: int
    lang: str
    title: str
    date: str  # as the article page prints it ("2 August 2023", "2 августа 2023")
    time: str  # "14:50"
    body: list[str]
    section: str = "foreign_policy/news"
    number: str = ""
    body_html: str = ""  # served instead of <p> paragraphs rendered from `body`
    translations: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    layout: str = "photo"  # photo | page-body | announcements
    list_date: str = ""  # as the list prints it ("02.08.2023" in Russian, "2 August 2023" otherwise)

    @property
    def path(self) -> str:
        return f"/{self.lang}/{self.section}/{self.id}/"


def _bitrix_scripts() -> str:
    js_list = ",".join(f"'/bitrix/js/main/core/core_{n}.min.js?16{n:08d}'" for n in range(420))
    css_list = ",".join(f"'/bitrix/templates/mid/components/bitrix/news/block_{n}/style.min.css'" for n in range(420))
    return (
        f"<script>BX.setJSList([{js_list}]);BX.setCSSList([{css_list}]);</script>\n"
        "<script>(function(w,d){w.dataLayer=w.dataLayer||[];w.dataLayer.push({'event':'pageview'});})"
        "(window,document);</script>"
    )


def _header(lang: str) -> str:
    langs = " ".join(
        f'<li class="header__lang-item"><a class="header__lang-link" href="/{code}/">{code.upper()}</a></li>'
        for code in ("ru", "en", "de", "fr", "es", "pt")
    )
    menu = []
    for i, (top, subs) in enumerate(MENU.items()):
        items = "".join(
            f'<li class="menu__sub-item"><a href="/{lang}/section_{i}_{j}/">{s}</a></li>' for j, s in enumerate(subs)
        )
        menu.append(
            f'<li class="menu__item"><a class="menu__link" href="/{lang}/section_{i}/">{top}</a>'
            f'<ul class="menu__sub">{items}</ul></li>'
        )
    mega = "".join(
        f'<div class="mega__col"><h4>{top}</h4>'
        + "".join(
            f'<a href="/{lang}/{top.lower().replace(" ", "_")}/{k}/">{s} &mdash; {k}</a>'
            for k, s in enumerate(subs * 3)
        )
        + "</div>"
        for top, subs in MENU.items()
    )
    return f"""<header class="header">
<div class="header__top"><a class="header__logo" href="/{lang}/"><img src="/local/templates/mid/images/logo.svg" alt="MFA Russia"></a>
<ul class="header__lang">{langs}</ul>
<form class="header__search" action="/{lang}/search/"><input type="text" name="q" placeholder="Search"><button>Search</button></form>
<div class="header__special"><a href="/{lang}/special/">Version for the visually impaired</a></div></div>
<nav class="menu"><ul class="menu__list">{"".join(menu)}</ul></nav>
<div class="mega" style="display:none">{mega}</div>
</header>"""


def _footer(lang: str) -> str:
    return f"""<footer class="footer"><div class="footer__cols">
<div class="footer__col"><p>The Ministry of Foreign Affairs of the Russian Federation</p><p>Smolenskaya-Sennaya pl. 32/34, Moscow, 119200</p></div>
<div class="footer__col"><a href="/{lang}/contacts/">Contacts</a> <a href="/{lang}/sitemap/">Site map</a> <a href="/{lang}/rss.php">RSS</a></div>
</div><div class="footer__copy">&copy; 2024 The Ministry of Foreign Affairs of the Russian Federation</div></footer>"""


def current_page(lang: str, title: str, main: str, canonical: str = "") -> str:
    """A whole page of the current site around `main`."""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="UTF-8"><title>{esc(title)} - The Ministry of Foreign Affairs of the Russian Federation</title>
{link}
<meta name="viewport" content="width=device-width, initial-scale=1">
{_bitrix_scripts()}
</head>
<body>
{_header(lang)}
<main class="main">
{main}
<aside class="sidebar"><h3>Most read</h3><ul class="announce">
<li class="announce__item"><span class="announce__date">1 January 2024</span><a class="announce__link" href="/{lang}/foreign_policy/news/1900001/">Sidebar item that is not in the list</a></li>
</ul></aside>
</main>
{_footer(lang)}
</body></html>
"""


def _lang_links(article: MidArticle) -> str:
    if not article.translations:
        return ""
    links = " ".join(
        f'<a class="article-lang__link" href="/{article.lang}/{article.section}/{article.id}/?lang={code}">{code}</a>'
        for code in article.translations
    )
    return f'<div class="article-lang">{"Язык" if article.lang == "ru" else "Language"}: {links}</div>'


def article_page(article: MidArticle) -> str:
    """The page of an article, in its layout."""
    body = article.body_html or "\n".join(f"<p>{esc(p)}</p>" for p in article.body)
    number = f'<p class="article-line__note article-line__note_small">{article.number}</p>' if article.number else ""
    tags = "".join(f'<a href="/{article.lang}/tags/{i}/">{esc(t)}</a>' for i, t in enumerate(article.tags))
    if article.layout == "announcements":
        main = f"""<div class="page-content"><h1 class="page-title">{SECTION_TITLES.get(article.section, ("", ""))[0]}</h1>
<div class="photo-content__info"><span class="photo-content__date">{article.date}</span> <span class="photo-content__time">{article.time}</span></div>
<ul class="announcements"><li class="announcement">
<h3 class="announcement__title">{esc(article.title)}</h3>
<div class="announcement__doc-num">{article.number}</div>
<div class="announcement__text">{body}</div></li></ul>{_lang_links(article)}</div>"""
    else:
        wrapper = "photo-content" if article.layout == "photo" else "page-body"
        main = f"""<div class="breadcrumbs"><a href="/{article.lang}/">Home</a> / <a href="/{article.lang}/{article.section}/">{SECTION_TITLES.get(article.section, ("", ""))[0]}</a></div>
<div class="{wrapper}">
<h1 class="photo-content__title">
    {esc(article.title)}
</h1>
<div class="photo-content__info"><span class="photo-content__date">{article.date}</span>
<span class="photo-content__time">{article.time}</span></div>
{_lang_links(article)}
{number}
<div class="text article-content">
{body}
</div>
<div class="photo-content__tags">{tags}</div>
<div class="share"><span>Share</span><a href="https://vk.com/share.php">VK</a><a href="https://t.me/share">Telegram</a></div>
</div>
<div class="related"><h3>Related</h3><ul class="announce">
<li class="announce__item"><span class="announce__date">3 August 2023</span><a class="announce__link" href="/{article.lang}/foreign_policy/news/1899500/">Related item</a></li></ul></div>"""
    return current_page(article.lang, article.title, main, f"https://mid.ru{article.path}")


def list_page(lang: str, section: str, articles: list[MidArticle], *, more: bool = True) -> str:
    """A section list page: the main list, then a pager (page 2 is ?PAGEN_1=2)."""
    rows = []
    for a in articles:
        cls = "announce__link announce__link_fix_en" if lang == "en" else "announce__link"
        tags = f'<div class="announce__meta-tags">{", ".join(esc(t) for t in a.tags)}</div>' if a.tags else ""
        rows.append(f"""<li class="announce__item">
<div class="announce__meta"><span class="announce__date">{a.list_date or a.date}</span> <span class="announce__time">{a.time}</span></div>
<a class="{cls}" href="{a.path}">{esc(a.title)}</a>
{tags}</li>""")
    title = SECTION_TITLES.get(section, (section, section))[1 if lang == "ru" else 0]
    pager = '<div class="pagination"><a href="?PAGEN_1=2">2</a> <a href="?PAGEN_1=3">3</a></div>' if more else ""
    main = f"""<h1 class="page-title">{title}</h1>
<div class="filter"><form><input type="text" name="date_from"><input type="text" name="date_to"><button>Show</button></form></div>
<ul class="announce announce_articles">
{chr(10).join(rows)}
</ul>
{pager}"""
    return current_page(lang, title, main)


def rss(lang: str, articles: list[MidArticle]) -> str:
    """The RSS feed: headlines and links only."""
    items = "".join(
        f"""<item><title>{html.escape(a.title)}</title><link>https://mid.ru{a.path}</link>
<pubDate>{a.time and rfc822(a)}</pubDate></item>"""
        for a in articles
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>MID RF</title><link>https://mid.ru/{lang}/</link><description>News</description>
{items}</channel></rss>
"""


def rfc822(a: MidArticle) -> str:
    from email.utils import format_datetime

    from crawler.parse.dates import parse_when
    from crawler.sites.mid import CALENDAR

    when = parse_when(f"{a.list_date or a.date} {a.time}", CALENDAR)
    return format_datetime(when) if hasattr(when, "hour") else ""


@dataclass
class OldArticle:
    """An article of archive.mid.ru (the seeds' site)."""

    id: int
    lang: str
    title: str
    date: str  # "27 October 2021"
    time: str  # "15:20"
    body: list[str]
    locales: list[str]  # the switcher: ["de-DE", "en-GB", ...]
    section: str = "foreign_policy/news"
    portlet: str = "cKNonkJE02Bw"
    topics: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/{self.lang}/{self.section}/-/asset_publisher/{self.portlet}/content/id/{self.id}"


def old_page(lang: str, title: str, content: str) -> str:
    """A whole page of the old site around `content`."""
    nav = "".join(
        f'<li><a href="/{lang}/{top.lower().replace(" ", "_")}">{top}</a><ul>'
        + "".join(f'<li><a href="/{lang}/{top.lower()[:4]}/{i}">{s}</a></li>' for i, s in enumerate(subs * 30))
        + "</ul></li>"
        for top, subs in MENU.items()
    )
    return f"""<!DOCTYPE html>
<html class="ltr" dir="ltr" lang="{lang}">
<head><meta content="text/html; charset=UTF-8" http-equiv="content-type" />
<title>{esc(title)} - The Ministry of Foreign Affairs of the Russian Federation</title>
<script>var Liferay={{ThemeDisplay:{{getLanguageId:function(){{return "{lang}"}}}}}};Liferay.Portlet.list=[{",".join(f'"p_{i}"' for i in range(300))}];</script>
</head>
<body class="yui3-skin-sam controls-visible guest-site signed-out public-page site">
<div id="wrapper"><header id="banner" role="banner"><div class="site-langs"><a href="/ru/">RU</a> <a href="/en/">EN</a> <a href="/de/">DE</a></div>
<nav class="sort-pages modify-pages" id="navigation"><ul>{nav}</ul></nav></header>
<div id="content"><div class="portlet-boundary portlet-asset-publisher"><div class="portlet-body">
{content}
</div></div></div>
<footer id="footer"><p>&copy; 2003-2021 The Ministry of Foreign Affairs of the Russian Federation</p></footer></div>
</body></html>
"""


def old_article_page(a: OldArticle) -> str:
    """An old-site article page."""
    switch = " ".join(
        f'<a href="{a.path}?_101_INSTANCE_{a.portlet}_languageId={loc.replace("-", "_")}" lang="{loc}">'
        f'{loc}<sup class="count">1</sup></a>'
        for loc in a.locales
    )
    topics = "".join(f'<li><a href="/{a.lang}/tag/{i}">{esc(t)}</a></li>' for i, t in enumerate(a.topics))
    body = "\n".join(f"<p>{esc(p)}</p>" for p in a.body)
    content = f"""<div class="asset-full-content">
<div class="news-header"><span class="date">{a.date}</span><span class="time">{a.time}</span></div>
<h1 class="title">{esc(a.title)}</h1>
<div class="language-switcher"><ul><li>&bull; {switch}</li></ul></div>
<div class="text article-content">
{body}
</div>
<div class="additional-materials"><h3>Additional materials</h3><ul>{topics}</ul></div>
<div class="advanced-settings"><h3>Advanced settings</h3><ul><li><a href="javascript:print()">Print</a></li>
<li><a href="#">Increase font</a></li></ul></div>
</div>"""
    return old_page(a.lang, a.title, content)


def old_list_page(lang: str, articles: list[OldArticle]) -> str:
    """An old-site section list page."""
    rows = "".join(
        f'<li class="news-item"><span class="date">{a.date}</span> <span class="time">{a.time}</span> '
        f'<a class="news-title" href="https://archive.mid.ru{a.path}">{esc(a.title)}</a></li>'
        for a in articles
    )
    return old_page(lang, "News", f'<div class="asset-publisher"><ul class="news-list">{rows}</ul></div>')
