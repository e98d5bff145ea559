"""Pages of a mofa.go.kr mission's board (an embassy's or consulate's), in the current mission skin.

The structure follows a real page of the Consulate General in Toronto's board (see SITES.md): skip links,
the government banner (#masthead.gov-info), #gnb, a site map, div.lnb, div.page_tit (board name, breadcrumb,
share and print buttons), the f_down/goView scripts inside #contents, div.board_detail with a notice badge
<span class="alert">공지</span> inside the title h2 and a dl of 작성자 / 작성일 (/ 수정일), div.bo_file,
div.bo_con > div.se-contents (SmartEditor ONE lists with marker spans, a link button, a zero-width run),
ul.bo_util, div.bo_btn, nav.bo_pagination, the footer (a dl of its own), a modal and scripts after </html>.
All text here is made up.
"""

from __future__ import annotations

from tests.sitegen.mofa import MofaRelease, esc

MISSION_NAMES = {"ca-toronto-ko": "주토론토 대한민국 총영사관", "us-en": "Embassy of the Republic of Korea in the USA"}


def _se_item(text: str, marker: str, level: int) -> str:
    """A SmartEditor list item: its bullet in a marker span, its text in styled spans."""
    return (
        f'<li class="se-list-item" style="list-style: none;" data-format="bullet" data-level="{level}" '
        f'data-text="{marker}"><p style="line-height: 2; margin: 0px;"><span class="se-list-type" '
        f'style="pointer-events: none; font-family: Arial;">{marker}</span><span style="font-family: '
        f'&quot;Noto sans&quot;;">{esc(text)}</span></p></li>'
    )


def se_body(rel: MofaRelease) -> str:
    """The body in SmartEditor ONE markup: lines starting "● "/"○ " are list items (the marker in its own span),
    a line ending "바로가기" (go to) is a link button, the rest paragraphs; a trailing empty run as the editor
    leaves it."""
    parts, items = [], []
    for line in rel.body:
        marker = line[:1]
        if marker in "●○" and line[1:2] == " ":
            items.append(_se_item(line[2:], marker, 0 if marker == "●" else 1))
            continue
        if items:
            parts.append(f'<ul class="se-list" style="padding: 0px 0px 0px 40px;">{"".join(items)}</ul>')
            items = []
        if line.endswith(" 바로가기"):
            parts.append(
                '<div class="se-div" style="text-align: center;"><p style="line-height: 2;"><a target="_blank" '
                f'href="https://booking.example/"><span style="font-weight: bold;">{esc(line[:-5])}</span>'
                '<span style="font-weight: bold;">&nbsp;바로가기</span></a></p></div>'
            )
        else:
            parts.append(f'<p style="line-height: 2; margin: 0px;"><span>{esc(line)}</span></p>')
    if items:
        parts.append(f'<ul class="se-list">{"".join(items)}</ul>')
    zws = '<p style="line-height: 2;"><span class="se-zws-run"><br/></span></p>'
    return f'<div class="se-contents" style="box-sizing: content-box;">{"".join(parts)}{zws}</div>'


def _files(rel: MofaRelease) -> str:
    if not rel.attachments:
        return ""
    items = "".join(
        f"""<li>
                <a href="javascript:f_down('./down.do?brd_id=14362&amp;seq={rel.seq}&amp;data_tp=A&amp;file_seq={i}');">
                    <img src="/common-embd/images/common/icon_file_pdf.png" alt="{esc(name)} 파일다운로드"/>
                    <span>{esc(name)}</span>
                </a>
                <button type="button" onclick="goView('14362','{rel.seq}','A','{i}');" title="새창열림">미리보기</button>
            </li>"""
        for i, name in enumerate(rel.attachments, start=1)
    )
    return f'<div class="bo_file"><strong>첨부</strong><ul>{items}</ul></div>'


def mission_view(rel: MofaRelease, board_name: str) -> str:
    """The div.board_detail of a mission's view page."""
    badge = '<span class="alert">공지</span>' if rel.notice else ""
    modified = f'<dt scope="row">수정일</dt>\n<dd>{rel.modified}</dd>' if rel.modified else ""
    return f"""<div class="board_detail">
    <div class="bo_head">
        <h2>
            {badge}
            {esc(rel.title)}
        </h2>
        <dl>
                <dt>작성자</dt>
                <dd>{esc(rel.department or "주 토론토(총)")}</dd>
                <dt scope="row">작성일</dt>
                <dd>{rel.date}</dd><!-- 작성일 -->
                <!--  게시글 수정일 추가 -->
                {modified}
        </dl>
    </div>
    {_files(rel)}
    <div class="bo_con">
        {se_body(rel)}
    </div>
    <ul class="bo_util">
    </ul>
    <div class="bo_btn">
        <a href="./list.do?page=1&amp;srchFr=&amp;srchTo=&amp;srchWord=&amp;srchTp=" class="blue">목록</a>
    </div>
    <nav class="bo_pagination">
        <a href="#" class="prev"><b>이전 글</b><span> 이전 글이 없습니다. </span></a>
        <a href="#" class="next"><b>다음 글</b><span> {esc(board_name)} 안내 </span></a>
    </nav>
</div>"""


def mission_page(mission: str, board: str, board_name: str, content: str, title: str = "") -> str:
    """A whole page of a mission's site around `content`."""
    name = MISSION_NAMES.get(mission, mission)
    share = f"http://toronto.mofa.go.kr/{mission}/brd/{board}/list.do"
    return f"""{chr(10) * 50}<!DOCTYPE html>
<html lang="ko">
<head>
<title>{esc(title)} 상세보기|{esc(board_name)}  |  {esc(name)}</title>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta property="og:title" content="{esc(name)} ">
<meta property="og:url" content="https://overseas.mofa.go.kr/{mission}/index.do">
</head>
<body id="subpage">
<div id="wrapper" class="ko">
    <div class="skip_navi" id="skiptoContent"><strong class="hide">바로가기 메뉴</strong>
        <a href="#contents">본문 바로가기</a><a href="#gnb">주메뉴 바로가기</a></div>
    <div class="header">
        <div id="masthead" class="gov-info"><div class="toggle-wrap container"><div class="toggle-head"><div class="inner">
            <span class="nuri-txt">이 누리집은 대한민국 공식 전자정부 누리집입니다.</span></div></div></div></div>
        <div id="gnb"><ul class="dep1"><li><a href="/{mission}/brd/{board}/list.do">영사 서비스</a>
            <ul class="dep2"><li><a href="/{mission}/brd/{board}/list.do">{esc(board_name)}</a></li></ul></li></ul></div>
        <div class="sitemap"><h2>사이트맵</h2><ul><li><a href="/{mission}/index.do">홈</a></li></ul></div>
    </div>
    <div id="container">
        <div class="lnb"><h2>영사 서비스</h2><ul><li><a href="/{mission}/brd/{board}/list.do">{esc(board_name)}</a></li></ul></div>
        <div class="page_tit">
            <div><h2>{esc(board_name)}</h2>
                <ol><li><a href="/{mission}/index.do" title="홈으로 이동"><img src="/common-embd/images/common/icon_bc_home.png" alt=""></a></li>
                <li>영사 서비스</li><li>{esc(board_name)}</li></ol></div>
            <ul class="page_util"><li class="share"><a href="#" onclick="sendSns('facebook','{share}','{esc(title)}');return false;">
                <img src="/common-embd/images/common/icon_sub_facebook.png" alt="페이스북"></a></li>
                <li class="print"><button type="button" onclick="contentPrint();"><span class="hide">인쇄하기</span></button></li></ul>
        </div>
        <div id="contents">
<script type="text/javascript">
//<![CDATA[
function f_down(url){{ $('#_h_blank').attr('src',url); }}
function goView(brd_id,seq,data_tp,file_seq){{ $.post("/*/brd/docviewer.do",{{brd_id:brd_id, seq:seq}}); }}
//]]>
</script>
{content}
<iframe id="_h_blank" name="_h_blank" frameborder="0" height="0" width="0" title="내용없음"></iframe>
        </div>
    </div>
    <div class="footer"><div class="addr"><div class="container">
        <dl><dt>{esc(name)}</dt><dd class="add">주소 : 1 Example Road, Toronto</dd><dd>대표전화 : 000-000-0000</dd></dl>
        <div class="copy"><span>Copyright © Ministry of Foreign Affairs. All Rights Reserved.</span></div>
    </div></div></div>
    <div class="modal_wrap"><div class="modal_pop"><div class="pop_banner"><div class="slide"></div>
        <button class="prev">이전</button><button class="next">다음</button></div>
        <div class="modal_close"><button type="button" onclick="return closeWin('{mission}')">일주일간 이 창 닫기</button></div></div></div>
</div>
</body>
</html>
<script type="text/javascript" src="/js/weblog/embd.js"></script>
"""


def mission_view_page(rel: MofaRelease, board_name: str = "여권") -> str:
    """The whole view page of a mission's release."""
    return mission_page(rel.mission, rel.board, board_name, mission_view(rel, board_name), rel.title)
