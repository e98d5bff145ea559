"""The side-by-side diff page's layout: the field column as narrow as its longest name, the two sides equal.

Checked twice: the markup and the CSS that ask for it, and the widths headless Chromium (Debian's `chromium`,
which .ci/run installs) actually lays out, read back from the page it renders.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

from archive import diff
from archive.document import Release, Version

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def version(body: tuple[str, ...], published: int, tags: tuple[str, ...] = ()) -> Version:
    release = Release(
        site="mofa.go.kr",
        collection="m_5676",
        collection_name="Press Releases",
        doc_id="321874",
        language="en",
        url="https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=321874",
        title="Outcome of the 19th Korea-Russia Policy Consultation",
        published=date(2021, 8, published),
        body=body,
        document_number="" if published == 24 else "MOFA-2021-0824",
        tags=tags,
    )
    return Version(release, datetime(2026, 3, published - 20, tzinfo=UTC))


LONG = "The two sides exchanged views on the situation on the Korean Peninsula and agreed to continue " * 6
PAGE = diff.html_page(
    version(("Short.", LONG), 24),
    version(("Short, edited.", LONG + "Added."), 25, ("Russia", "Korean Peninsula")),
    old_label="mofa.go.kr/m_5676/321874 v1",
    new_label="mofa.go.kr/m_5676/321874 v2",
)


def test_the_markup_and_css_ask_for_a_narrow_field_column() -> None:
    assert '<colgroup><col class="field"><col class="side"><col class="side"></colgroup>' in PAGE
    style = PAGE.split("<style>", 1)[1].split("</style>", 1)[0]
    field = re.search(r"table\.diff th\.field \{([^}]*)\}", style)
    side = re.search(r"table\.diff col\.side \{([^}]*)\}", style)
    assert field and "width: 0" in field.group(1) and "white-space: nowrap" in field.group(1)
    assert side and "width: 50%" in side.group(1)
    assert "table-layout: fixed" not in style, "a fixed layout gives the field column a third of the page"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", PAGE.split("<tbody>", 1)[1])
    assert rows and all(row.startswith('<th class="field"') and row.count("<td>") == 2 for row in rows)
    names = [re.sub(r"<[^>]+>", "", re.match(r"<th[^>]*>(.*?)</th>", row).group(1)) for row in rows]  # type: ignore[union-attr]
    assert names == ["Title", "Published", "Document-Number", "Tags", "Text", ""]


MEASURE = """<script>
const table = document.querySelector("table.diff");
const cells = [...document.querySelectorAll("tbody tr")].map(row => [...row.children]);
const range = document.createRange();
const text = cell => { range.selectNodeContents(cell); return range.getBoundingClientRect().width; };
const pad = cell => parseFloat(getComputedStyle(cell).paddingLeft) + parseFloat(getComputedStyle(cell).paddingRight);
document.body.setAttribute("data-widths", JSON.stringify({
  table: table.getBoundingClientRect().width,
  field: cells.map(c => c[0].getBoundingClientRect().width),
  names: cells.map(c => text(c[0]) + pad(c[0])),
  old: cells.map(c => c[1].getBoundingClientRect().width),
  new: cells.map(c => c[2].getBoundingClientRect().width),
}));
</script>"""


def test_chromium_lays_the_field_column_out_no_wider_than_its_longest_name(tmp_path: Path) -> None:
    assert CHROMIUM, "this test needs Chromium: apt-get install -y chromium (.ci/run installs it)"
    page = tmp_path / "diff.html"
    # The page itself has no script; the copy measured here gets one that writes the laid-out widths down.
    page.write_text(PAGE.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    for width in (1400, 700):
        done = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--window-size={width},900",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        found = re.search(r'data-widths="([^"]*)"', done.stdout)
        assert found, done.stdout[-500:]
        widths = json.loads(found.group(1).replace("&quot;", '"'))
        longest = max(widths["names"])  # "Document-Number" and its padding
        assert all(abs(w - widths["field"][0]) < 1 for w in widths["field"]), "one column"
        assert widths["field"][0] <= longest + 1, (width, widths)
        assert width < 1000 or widths["field"][0] < widths["table"] / 6, (width, widths)
        assert all(abs(a - b) <= 1 for a, b in zip(widths["old"], widths["new"], strict=True)), (width, widths)
        assert abs(widths["field"][0] + widths["old"][0] + widths["new"][0] - widths["table"]) <= 2


def test_a_release_url_that_is_not_http_is_shown_as_text_never_a_link() -> None:
    old, new = version(("Short.",), 24), version(("Short, edited.",), 25)
    hostile = Version(dataclasses.replace(new.release, url="javascript:alert(1)"), new.captured)
    page = diff.html_page(old, hostile, old_label="v1", new_label="v2")
    assert 'href="javascript' not in page
    assert "javascript:alert(1)" in page
