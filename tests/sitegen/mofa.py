"""Pages of mofa.go.kr as SITES.md describes them, for fixtures and the simulator.

A real view page weighs ~58 KB, most of it header menus, a site map and scripts; these pages carry the
same chrome (skip links, search button, KOR link, menus, site map, prev/next script, footer) so the
parsers and the benchmarks see realistic input. Bodies are rendered from their expected paragraphs in
one of four markups: "se" (SmartEditor spans), "plain" (<p> per paragraph), "br" (text and <br>), and
"old" (the 2018-2019 template's table cell).
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field

BOARD_NAMES = {
    "m_5676": "Press Releases",
    "m_5679": "Press Briefings",
    "m_5674": "Ministry News",
    "m_4080": "보도자료",
    "m_4078": "외교부 브리핑",
}
MENU = {
    "Ministry": [
        "Minister",
        "First Vice Minister",
        "Second Vice Minister",
        "Organization",
        "History",
        "Mission",
        "Contact Us",
        "Directions",
    ],
    "Press": [
        "Press Releases",
        "Press Briefings",
        "Ministry News",
        "Minister's Speeches",
        "Vice Ministers' Speeches",
        "Photos",
        "Videos",
    ],
    "Policy Issues": [
        "Korean Peninsula",
        "Northeast Asia",
        "Global Issues",
        "Economic Diplomacy",
        "Public Diplomacy",
        "Development Cooperation",
        "Consular Affairs",
        "Climate Change",
        "Human Rights",
        "Nonproliferation and Disarmament",
        "International Law",
    ],
    "Countries & Regions": [
        "Asia-Pacific",
        "North America",
        "Latin America & Caribbean",
        "Europe",
        "Middle East",
        "Africa",
        "International Organizations",
    ],
    "Visa / Consular": [
        "Visa Information",
        "Apostille",
        "Overseas Koreans",
        "Travel Warnings",
        "Consular Services",
        "Korean Embassies Worldwide",
    ],
    "Resources": ["Treaties", "Diplomatic White Paper", "Publications", "Statistics", "Related Sites"],
}


@dataclass
class MofaRelease:
    """One release as the simulated site holds it; `body` is exactly the text that must be archived."""

    seq: int
    title: str
    date: str  # "2017-08-25" or "2018-06-14 16:38:17"
    body: list[str]
    board: str = "m_5676"
    template: str = "se"  # se | plain | br | old
    hits: int = 1000
    attachments: list[str] = field(default_factory=list)
    department: str = ""
    raw_body: str = ""  # markup to serve instead of rendering `body` (for hand-written ugly bodies)
    mission: str = ""  # a mission's board (ca-toronto-ko): its skin, see tests.sitegen.mofa_mission
    notice: bool = False  # pinned: a 공지 badge inside the title
    modified: str = ""  # 수정일, the date of the last edit, on the mission skin

    @property
    def collection(self) -> str:
        """The board as configured: "m_5676", or "<mission>/m_5389"."""
        return f"{self.mission}/{self.board}" if self.mission else self.board


def esc(text: str) -> str:
    """Escape like the JSP does, with a few named entities the editor emits."""
    return (
        html.escape(text, quote=False)
        .replace("\u2019", "&rsquo;")
        .replace("\u201c", "&ldquo;")
        .replace("\u201d", "&rdquo;")
        .replace("\u00a0", "&nbsp;")
    )


def prefix_of(board: str) -> str:
    return "www" if board in ("m_4080", "m_4078") else "eng"


@functools.cache
def _menu_html(prefix: str) -> str:
    out = ['<div id="gnb"><ul class="dep1">']
    for number, (top, subs) in enumerate(MENU.items()):
        out.append(f'<li><a href="/{prefix}/wpge/m_{5600 + number}/contents.do">{top}</a><ul class="dep2">')
        for i, sub in enumerate(subs):
            out.append(f'<li><a href="/{prefix}/brd/m_{5670 + number * 10 + i}/list.do">{sub}</a></li>')
        out.append("</ul></li>")
    out.append("</ul></div>")
    return "\n".join(out)


@functools.cache
def _sitemap_html(prefix: str) -> str:
    out = ['<div class="sitemap" style="display:none"><h2 class="hide">Site map</h2>']
    for number, (top, subs) in enumerate(MENU.items()):
        out.append(f'<div class="sm_box"><h3>{top}</h3><ul>')
        for i, sub in enumerate(subs):
            for j in range(7):
                out.append(
                    f'<li><a href="/{prefix}/wpge/m_{5800 + number * 40 + i * 3 + j}/contents.do" '
                    f'title="{sub} {j + 1}">{sub}{" (" + str(j + 1) + ")" if j else ""}</a></li>'
                )
        out.append("</ul></div>")
    out.append("</div>")
    return "\n".join(out)


def _scripts(seq: int) -> str:
    menu_data = ",".join(
        f'{{"id":"m_{5600 + i}","title":"item {i}","url":"/eng/wpge/m_{5600 + i}/contents.do",'
        f'"order":{i},"visible":true}}'
        for i in range(120)
    )
    return f"""<script type="text/javascript">
//<![CDATA[
var menuData = [{menu_data}];
function f_view(seq) {{ location.href = "./view.do?seq=" + seq; }}
function f_down(url) {{ document.getElementById("_h_blank").src = url; }}
$(function() {{
    $("nav.bo_pagination > a.prev").on("click", function(e) {{
        location.href = "./view.do?seq={seq - 1}&amp;srchFr=&amp;amp;srchTo=&amp;amp;srchWord=&amp;amp;page=1";
        return false;
    }});
    $("nav.bo_pagination > a.next").on("click", function(e) {{
        location.href = "./view.do?seq={seq + 1}&amp;srchFr=&amp;amp;srchTo=&amp;amp;srchWord=&amp;amp;page=1";
        return false;
    }});
}});
//]]>
</script>"""


def page(*, title: str, prefix: str, board_name: str, content: str, seq: int = 0) -> str:
    """A whole page of the site around `content`."""
    lang = "ko" if prefix == "www" else "en"
    switch = (
        '<a href="/eng/index.do" class="lang">ENG</a>'
        if prefix == "www"
        else '<a href="/www/index.do" class="lang">KOR</a>'
    )
    return f"""{chr(10) * 40}<!DOCTYPE html>
<html lang="{lang}">
<head>
<title>{esc(title)}|{board_name}|Ministry of Foreign Affairs, Republic of Korea</title>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<link rel="stylesheet" href="/common/css/{prefix}/layout.css" />
<script src="/common/js/jquery-3.6.0.min.js"></script>
{_scripts(seq)}
</head>
<body id="subpage">
<div id="wrapper">
    <div class="skip_navi" id="skiptoContent">
        <strong class="hide">바로가기 메뉴</strong>
        <a href="#contents">본문 바로가기</a>
        <a href="#gnb">주메뉴 바로가기</a>
    </div>
    <div class="header">
        <div class="util">
            <ul><li><a href="/{prefix}/wpge/m_4190/contents.do">Copyright Policy</a></li>
            <li>{switch}</li></ul>
        </div>
        <h1 class="logo"><a href="/{prefix}/index.do"><img src="/common/images/logo.png" alt="Ministry of Foreign Affairs"/></a></h1>
        <div class="search_box">
            <button type="button" class="btn_search"><span class="hide">검색창 열기</span></button>
            <form name="wise_sub" action="https://search.mofa.go.kr/search/search_{lang}.do" method="post">
                <input type="text" name="query" title="Search" /><button type="submit">Search</button>
            </form>
        </div>
        <div class="sns"><a href="https://twitter.com/mofa_kr">Twitter</a><a href="https://www.facebook.com/mofakr">Facebook</a>
        <a href="https://www.youtube.com/mofa">YouTube</a><a href="https://www.instagram.com/mofa">Instagram</a></div>
        {_menu_html(prefix)}
        {_sitemap_html(prefix)}
    </div>
    <div id="container">
        <div class="lnb"><h2>Press</h2><ul>{"".join(f"<li><a href='#'>{s}</a></li>" for s in MENU["Press"])}</ul></div>
        <div class="page_tit">
            <div>
                <h2>{board_name}</h2>
                <ol><li><a href="/{prefix}/index.do" title="Home"><img src="/common/images/icon_bc_home.png" alt=""></a></li>
                <li>Press</li><li>{board_name}</li></ol>
            </div>
            <div class="page_util"><button type="button" class="font_up">+</button><button type="button" class="font_down">-</button>
            <button type="button" class="print" onclick="window.print();">Print</button></div>
        </div>
        <div id="contents">
{content}
        </div>
    </div>
    <div class="footer">
        <div class="addr"><dl><dt>Ministry of Foreign Affairs</dt>
        <dd class="add">60 Sajik-ro 8-gil, Jongno-gu, Seoul 03172, Republic of Korea</dd>
        <dd>Tel : +82-2-2100-2114</dd></dl></div>
        <ul><li><a href="/www/wpge/m_4194/contents.do">Privacy Policy</a></li>
        <li><a href="/www/wpge/m_4190/contents.do">Copyright Policy</a></li>
        <li class="last"><a href="/www/wpge/m_4187/contents.do">Viewer Programs</a></li></ul>
        <div class="copy"><span>Copyright © Ministry of Foreign Affairs. All Rights Reserved.</span></div>
    </div>
</div>
<iframe id="_h_blank" name="_h_blank" frameborder="0" height="0" width="0" title="blank"></iframe>
</body>
</html>
<script type="text/javascript" src="/js/weblog/mofa-eng.js" ></script>
<noscript><img src="http://log.mofa.go.kr/tracker.1.tsp?u=1084&js=N" width="0" height="0" alt=""/></noscript>
"""


def _split_span(text: str) -> str:
    """SmartEditor splits runs at odd places, even inside words; the text must join back exactly."""
    cut = max(1, len(text) // 3)
    return (
        f'<span style="font-size: 12pt;">{esc(text[:cut])}</span>'
        f'<span style="font-size: 12pt; font-family: &quot;Open sans&quot;;">{esc(text[cut:])}</span>'
    )


def body_html(rel: MofaRelease) -> str:
    """The release body in the markup of its template."""
    if rel.raw_body:
        return rel.raw_body
    if rel.template == "se":
        paras = "\n".join(
            f'<p style="line-height: 1.8;">{_split_span(p)}</p>\n<p style="line-height: 1.8;"><br/></p>'
            for p in rel.body
        )
        return (
            f'<div class="se-contents" role="textbox" style="box-sizing: content-box;" '
            f'data-document-padding-top="18">{paras}</div>'
        )
    if rel.template == "plain":
        return "\n".join(f"<p>\n  {esc(p)}\n</p>\n<p>&nbsp;</p>" for p in rel.body)
    return "<br />\n<br />\n".join(f"\n{esc(p)}" for p in rel.body) + "<br />"


def view_content(rel: MofaRelease, hits: int) -> str:
    """The article part of a view page."""
    if rel.template == "old":
        return _old_view(rel, hits)
    board_name = BOARD_NAMES.get(rel.board, rel.board)
    labels = (
        ("작성일", "조회수") if prefix_of(rel.board) == "www" else ("Date", "Hit" if rel.board == "m_5679" else "hit")
    )
    dept = f"<dt>부서명</dt><dd>{esc(rel.department)}</dd>" if rel.department else ""
    files = ""
    if rel.attachments:
        items = "".join(
            f"""<li><a href="javascript:f_down('./down.do?brd_id=235&amp;seq={rel.seq}&amp;data_tp=A&amp;file_seq={i}');">
            <img src="/common/images/icon_file_hwp.png" alt="{esc(name)} download"/><span>{esc(name)}</span></a>
            <button type="button" onclick="goView('235','{rel.seq}','A','{i}');" title="new window">Preview</button></li>"""
            for i, name in enumerate(rel.attachments, start=1)
        )
        files = f'<div class="bo_file"><strong>Attachments</strong><ul>{items}</ul></div>'
    return f"""<div class="board_detail">
    <div class="bo_head">
        <h2>

            {esc(rel.title)}
        </h2>
        <dl>
            <dt scope="row">{labels[0]}</dt>
            <dd>{rel.date}</dd><!-- {board_name} -->
            <dt scope="row">{labels[1]}</dt>
            <dd>{hits}</dd>
            {dept}
        </dl>
    </div>
    {files}
    <div class="bo_con">
        {body_html(rel)}
    </div>
    <ul class="bo_util"></ul>
    <div class="bo_btn"><a href="./list.do?page=1&amp;srchFr=&amp;srchTo=&amp;srchWord=" class="blue">List</a></div>
    <nav class="bo_pagination">
        <a href="#" class="prev"><b>Previous</b><span> Previous release title </span></a>
        <a href="#" class="next"><b>Next</b><span> Next release title </span></a>
    </nav>
</div>"""


def _old_view(rel: MofaRelease, hits: int) -> str:
    board_name = BOARD_NAMES.get(rel.board, rel.board)
    files = "".join(
        f"<li><a href=\"javascript:f_down('./down.do?seq={rel.seq}&amp;file_seq={i}');\"><span>{esc(n)}</span></a></li>"
        for i, n in enumerate(rel.attachments, start=1)
    )
    return f"""<div class="location"><ul><li>HOME</li><li>Press</li><li>{board_name}</li></ul></div>
<div class="board_view">
    <table class="view_table" summary="{board_name} 상세보기">
        <caption>{board_name} 상세보기</caption>
        <thead>
            <tr><th scope="col" class="subject">{esc(rel.title)}</th></tr>
            <tr><td class="info"><ul class="info">
                <li>• Date : {rel.date}</li>
                <li>• Hit : {hits}</li>
            </ul></td></tr>
        </thead>
        <tbody>
            <tr><td class="content">
{body_html(rel)}
            </td></tr>
        </tbody>
    </table>
    {"<div class='file'><ul>" + files + "</ul></div>" if files else ""}
    <div class="btn_list"><a href="./list.do">List</a></div>
</div>"""


def view_page(rel: MofaRelease, hits: int | None = None) -> str:
    """The whole view page of a release."""
    board_name = BOARD_NAMES.get(rel.board, rel.board)
    return page(
        title=rel.title,
        prefix=prefix_of(rel.board),
        board_name=board_name,
        content=view_content(rel, rel.hits if hits is None else hits),
        seq=rel.seq,
    )


def list_page(
    board: str,
    rows: list[MofaRelease],
    *,
    number_from: int,
    pinned: list[MofaRelease] = (),
    old_links: bool = False,
    page_no: int = 1,
    pages: int = 1,
) -> str:
    """A list page: pinned notices first (marked 공지), then numbered rows."""
    out = []
    for rel in pinned:
        out.append(_row(rel, "<span>공지</span>", old_links))
    for i, rel in enumerate(rows):
        out.append(_row(rel, f"<div>{number_from - i}</div>", old_links))
    if not out:
        out.append('<tr><td colspan="4" class="nodata">No data.</td></tr>')
    pager = " ".join(f'<a href="./list.do?page={p}&amp;srchFr=&amp;srchTo=">{p}</a>' for p in range(1, pages + 1))
    content = f"""<div class="board_list">
    <table class="tbl_list">
        <caption>{BOARD_NAMES.get(board, board)} list</caption>
        <colgroup><col style="width:10%"/><col/><col style="width:10%"/><col style="width:15%"/></colgroup>
        <thead><tr><th scope="col">No.</th><th scope="col">Title</th><th scope="col">File</th><th scope="col">Date</th></tr></thead>
        <tbody>
{chr(10).join(out)}
        </tbody>
    </table>
</div>
<div class="paging">{pager}</div>"""
    return page(
        title=f"{BOARD_NAMES.get(board, board)} list",
        prefix=prefix_of(board),
        board_name=BOARD_NAMES.get(board, board),
        content=content,
    )


def _row(rel: MofaRelease, number: str, old_links: bool) -> str:
    day = rel.date[:10]
    if old_links:
        link = (
            f'<td class="tal"><a href="./view.do?seq={rel.seq}&amp;srchFr=&amp;amp;srchTo=&amp;amp;'
            f'srchWord=&amp;amp;srchTp=&amp;amp;multi_itm_seq=0&amp;amp;itm_seq_1=0&amp;amp;page=1">'
            f"{esc(rel.title)}</a></td>"
        )
    else:
        link = f'<td class="al"><a href="#" onclick="f_view(\'{rel.seq}\');">{esc(rel.title)}</a></td>'
    icon = '<img src="/common/images/icon_file.png" alt="file"/>' if rel.attachments else ""
    return f"<tr><td>{number}</td>{link}<td>{icon}</td><td><div>{day}</div></td></tr>"
