"""Search in the published site: Pagefind's index of the document pages, and one search page per language.

Pagefind (the `pagefind[extended]` package's bundled binary; the extended build segments Korean) writes its
index and its search UI under `pagefind/` in the site. It keeps one index per page language (Snowball stemming
for Russian, English, ...), and a search page searches the index of its own `lang`, so there is a search page
per language of the archive. Its JavaScript loads the index with `import()` and `fetch()`, which browsers
refuse on `file://` pages: there the search pages use archive/publish/offline.py's index of classic scripts.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from archive.errors import ArchiveError
from archive.publish.html import attr, esc, link, page
from archive.publish.offline_js import OFFLINE_JS_PATH

PAGEFIND_DIR = "pagefind"
SEARCH_PATH = "search.html"
LANGUAGE_NAMES = {
    "en": "English",
    "ru": "Русский",
    "ko": "한국어",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "pt": "Português",
}

# Runs in the browser: Pagefind's UI, fed `?q=` from the address (so a plain form can start a search), with
# result links under the folder the site is served from; on file:// search/offline.js and its own index instead.
SCRIPT = """\
<script>
window.addEventListener("DOMContentLoaded", function () {
  if (location.protocol === "file:") { return; }  // search/offline.js searches there
  var base = new URL(".", location.href).pathname;
  var ui = new PagefindUI({ element: "#search", baseUrl: base, showImages: false, showSubResults: false });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { ui.triggerSearch(q); }
});
</script>
"""


def language_path(lang: str) -> str:
    """The search page of one language."""
    return f"search-{lang}.html"


def pages(languages: list[str]) -> dict[str, str]:
    """The search page of each language, and the page that lists them (with a form each: no script needed to
    get from it to a search)."""
    out = {}
    forms = []
    for lang in sorted(languages):
        here, name = language_path(lang), LANGUAGE_NAMES.get(lang, lang)
        head = (
            f'<link rel="stylesheet" href="{PAGEFIND_DIR}/pagefind-ui.css">\n'
            f'<script src="{PAGEFIND_DIR}/pagefind-ui.js"></script>\n{SCRIPT}'
            f'<script src="{OFFLINE_JS_PATH}"></script>\n'
        )
        body = (
            f"<h1>Search: {esc(name)}</h1>\n"
            f'<form id="offline-form" action="{attr(here)}" method="get" hidden><label>Words '
            '<input type="search" name="q"></label> <button>Search</button></form>\n'
            '<div id="offline-results"></div>\n'
            "<noscript><p>Search needs JavaScript; every page can be read and browsed without it.</p></noscript>\n"
            '<div id="search"></div>'
        )
        out[here] = page(here, f"Search ({name})", body, lang=lang, head=head)
        forms.append(
            f'<form action="{attr(here)}" method="get" lang="{attr(lang)}"><label>{esc(name)} '
            '<input type="search" name="q"></label> <button>Search</button></form>'
        )
    body = "<h1>Search</h1>\n<p>Each language has its own index (words are matched in their forms).</p>\n"
    body += "\n".join(forms) + "\n<p>" + " · ".join(link(SEARCH_PATH, language_path(x), x) for x in languages) + "</p>"
    out[SEARCH_PATH] = page(SEARCH_PATH, "Search", body)
    return out


def pagefind_binary() -> Path:
    """The Pagefind executable of the installed `pagefind[extended]` package."""
    try:
        import pagefind_bin_extended
    except ImportError:
        raise ArchiveError("Pagefind is not installed: pip install 'pagefind[extended]'") from None
    return Path(pagefind_bin_extended.get_executable())


def index(site: Path, binary: Path | None = None) -> None:
    """(Re)build the search index of the document pages under `site`; an ArchiveError if Pagefind fails.

    Pagefind writes beside what is there, so an index built over the last one would keep every fragment of it
    forever: it is built in a new folder that then takes the old one's place (the search pages find it by
    the script's own address), and the old one is deleted.
    """
    fresh, current, old = site / ".pagefind-new", site / PAGEFIND_DIR, site / ".pagefind-old"
    for leftover in (fresh, old):  # from a publish that was stopped halfway
        shutil.rmtree(leftover, ignore_errors=True)
    command = [str(binary or pagefind_binary()), "--site", str(site), "--glob", "**/index.html", "--keep-index-url"]
    command += ["--output-subdir", fresh.name]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
    except OSError as exc:
        raise ArchiveError(f"cannot run Pagefind ({command[0]}): {exc.strerror or exc}") from None
    if done.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        last = (done.stderr.strip() or done.stdout.strip() or "no message").splitlines()[-1]
        raise ArchiveError(f"Pagefind could not index {site} (exit {done.returncode}): {last}")
    try:
        if current.exists():
            current.rename(old)
        fresh.rename(current)
    except OSError as exc:
        raise ArchiveError(f"cannot put the new search index in place in {site}: {exc.strerror or exc}") from None
    shutil.rmtree(old, ignore_errors=True)
