"""Older www.mofa.go.kr templates, known only from other scrapers' selectors (no real capture exists):

- 2022, English Ministry News: lists as `div.table_list` table rows (number, title link, department,
  date in the fourth cell, hits), view pages whose body is `td.detail_body` in a table headed by the title;
- 2018: a view page without article markup: the title only in `<title>` before "View|", the date in the
  first `<em>`, the body in a cell of the same table, prev/next links in `td.bro_link` cells; its list's
  title cells are `td.tal` with a ?seq= link.

These pages are built from those selectors, around made-up text, with enough chrome to mislead a parser.
"""

from __future__ import annotations

from tests.sitegen.mofa import MofaRelease, esc


def _chrome(title: str, content: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head><title>{title}</title><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /></head>
<body>
<div id="skip"><a href="#content">Skip to content</a></div>
<div id="header"><h1><a href="/eng/index.do">Ministry of Foreign Affairs</a></h1>
<ul class="gnb"><li><a href="/eng/brd/m_5676/list.do">Press Releases</a></li>
<li><a href="/eng/brd/m_5674/list.do">Ministry News</a></li></ul></div>
<div id="content">
{content}
</div>
<div id="footer"><p>Copyright © Ministry of Foreign Affairs. All Rights Reserved.</p></div>
</body>
</html>"""


def _paragraphs(rel: MofaRelease) -> str:
    return "".join(f"<p>{esc(p)}</p>\n" for p in rel.body)


def view_2022(rel: MofaRelease) -> str:
    """A 2022 Ministry News view page: a table with the title in its head, labelled items, td.detail_body."""
    content = f"""<div class="sub_tit"><h3>Ministry News</h3></div>
<div class="table_detail">
<table class="detail" summary="Ministry News detail">
  <thead>
    <tr><th scope="col" colspan="2">{esc(rel.title)}</th></tr>
    <tr><td class="info" colspan="2"><ul><li>Date : {rel.date}</li><li>Hit : {rel.hits}</li></ul></td></tr>
  </thead>
  <tbody>
    <tr><td class="detail_body" colspan="2">
{_paragraphs(rel)}    </td></tr>
  </tbody>
</table>
</div>
<div class="btn_list"><a href="./list.do">List</a></div>"""
    return _chrome(f"{esc(rel.title)}|Ministry News|Ministry of Foreign Affairs", content)


def view_2018(rel: MofaRelease) -> str:
    """A 2018 view page: title in <title> before "View|", date in the first <em>, prev/next in td.bro_link."""
    content = f"""<h3 class="tit">Press Releases</h3>
<table class="view" summary="Press Releases View">
  <tr><td class="date">Date : <em>{rel.date}</em> &nbsp; Hit : {rel.hits}</td></tr>
  <tr><td class="view_txt">
{_paragraphs(rel)}  </td></tr>
  <tr><td class="bro_link">Prev <a href="./view.do?seq={rel.seq - 1}">An earlier release of the ministry</a></td></tr>
  <tr><td class="bro_link">Next <a href="./view.do?seq={rel.seq + 1}">A later release of the ministry</a></td></tr>
</table>
<div class="btn"><a href="./list.do?page=1">List</a></div>"""
    return _chrome(f"{esc(rel.title)} View|Press Releases|Ministry of Foreign Affairs", content)


def list_2022(rows: list[MofaRelease], number_from: int) -> str:
    """A 2022 list page: div.table_list rows, the date in the fourth cell and the hits after it."""
    body = "\n".join(
        f'<tr><td>{number_from - i}</td><td class="tal"><a href="./view.do?seq={r.seq}&amp;page=1">{esc(r.title)}</a>'
        f"</td><td>Press Division</td><td>{r.date[:10]}</td><td>{r.hits}</td></tr>"
        for i, r in enumerate(rows)
    )
    content = f"""<div class="table_list">
<table summary="Ministry News list">
  <thead><tr><th>No.</th><th>Title</th><th>Department</th><th>Date</th><th>Hit</th></tr></thead>
  <tbody>
{body}
  </tbody>
</table>
</div>"""
    return _chrome("Ministry News|Ministry of Foreign Affairs", content)
