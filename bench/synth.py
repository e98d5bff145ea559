"""Synthetic archives for the growth curve: the version files and catalog rows a crawl would have written.

Documents are spread over ten years and two sites in three scripts (mofa.go.kr in English and Korean,
mid.ru in Russian and English), with body lengths like the real releases' (2-6 KB). A few in a hundred have
a second version (an edit) and a few in a thousand are withdrawn. Files are rendered by the archive's own
`Version.render` (so they are byte for byte what the store writes) but written without the store's fsyncs,
and the catalog rows go in by bulk inserts in one transaction: a crawl is politeness-bound at a few
documents a second, so a million documents could never be crawled for a benchmark.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from archive.catalog import Catalog
from archive.document import Release, Version, format_captured, format_published
from archive.rows import DocumentRow, VersionRow
from archive.search import index as search_index
from archive.store import version_filename


def _pool(words: str) -> tuple[str, ...]:
    """A word list, most frequent first."""
    return tuple(words.split())


# Words weighted by rank (Zipf), so queries range from terms in most documents to terms in a few.
EN_WORDS = _pool(
    "the of and to in on a for with the Republic Korea minister foreign affairs cooperation bilateral talks "
    "meeting held two sides agreed discussed ministry statement press Deputy Minister Ambassador delegation "
    "peace security economic trade energy culture development region Peninsula support exchange visit "
    "government relations partnership United Nations Council summit regional issues sustainable climate "
    "consultation agreement framework investment infrastructure humanitarian assistance friendship mutual "
    "Seoul Moscow Asia Pacific welfare nuclear disarmament maritime vaccine digital supply chain semiconductors"
)
RU_WORDS = _pool(
    "и в на с по о министр иностранных дел России Российской Федерации сотрудничество переговоры встреча "
    "стороны обсудили вопросы двустороннего развития отношений посол заместитель Министра глава делегации "
    "безопасности региона мира экономического торгового энергетического культурного обмена визит "
    "правительства партнёрства Организации Объединённых Наций Совета саммите ёмкий ещё всё соглашение "
    "консультации Москве Сеуле Азиатско-Тихоокеанском гуманитарной помощи дружбы взаимного уважения "
    "заявление брифинг официального представителя МИД Лавров Захарова Корея Республики Корея"
)
KO_WORDS = _pool(
    "외교부는 양국은 협력을 장관은 회담을 개최하였다 한국과 러시아 외교장관 양측은 논의하였다 대한민국 "
    "정부는 평화 안보 경제 통상 에너지 문화 발전 지역 한반도 지원 교류 방문 관계 동반자 유엔 "
    "안전보장이사회 정상회의 기후변화 협의 합의 투자 인프라 인도적 우호 상호 서울에서 모스크바 "
    "아시아 태평양 비핵화 해양 백신 디지털 공급망 반도체 차관은 대사는 대표단을 보도자료 외교부"
)


@dataclass(frozen=True)
class Kind:
    """One kind of document: where it lives and what it reads like."""

    site: str
    collection: str
    collection_name: str
    language: str
    words: tuple[str, ...]
    url: str  # with {id}
    per_language: bool
    zone: timezone | None  # None: the site gives dates only
    paragraph_words: tuple[int, int]


KINDS = (  # (share of the archive, kind)
    (
        0.35,
        Kind("mofa.go.kr", "m_5676", "Press Releases", "en", EN_WORDS,
             "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq={id}", False, None, (30, 90)),
    ),
    (
        0.25,
        Kind("mofa.go.kr", "m_4080", "보도자료", "ko", KO_WORDS,
             "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq={id}", False, timezone(timedelta(hours=9)), (20, 60)),
    ),
    (
        0.25,
        Kind("mid.ru", "foreign_policy.news", "Новости", "ru", RU_WORDS,
             "https://mid.ru/ru/foreign_policy/news/{id}/", True, timezone(timedelta(hours=3)), (30, 90)),
    ),
    (
        0.15,
        Kind("mid.ru", "foreign_policy.news", "News", "en", EN_WORDS,
             "https://mid.ru/en/foreign_policy/news/{id}/", True, timezone(timedelta(hours=3)), (30, 90)),
    ),
)  # fmt: skip
EDITED = 0.02  # share of documents with a second version
WITHDRAWN = 0.002
YEARS = 10
FIRST_ID = 1_000_000  # above the ids the mofa.go.kr simulator uses


class Text:
    """Random prose from a word list, weighted by rank."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cumulative: dict[tuple[str, ...], list[float]] = {}

    def words(self, pool: tuple[str, ...], n: int) -> str:
        """`n` words from `pool`, frequent ones more often."""
        cumulative = self.cumulative.get(pool)
        if cumulative is None:
            cumulative = self.cumulative[pool] = list(itertools.accumulate(1 / (r + 1) for r in range(len(pool))))
        return " ".join(self.rng.choices(pool, cum_weights=cumulative, k=n))

    def body(self, kind: Kind, number: int) -> tuple[str, ...]:
        """4-12 paragraphs, one of them carrying a number so that every body differs."""
        low, high = kind.paragraph_words
        paras = [self.words(kind.words, self.rng.randint(low, high)) for _ in range(self.rng.randint(4, 12))]
        paras[0] = f"{number}. {paras[0]}"
        return tuple(p[:1].upper() + p[1:] for p in paras)


def _kind_of(index: int) -> Kind:
    """The kind of the index-th document: the shares above, interleaved."""
    point = (index * 0.6180339887) % 1.0  # golden-ratio sequence: evenly spread, deterministic
    for share, kind in KINDS:
        if point < share:
            return kind
        point -= share
    return KINDS[-1][1]


@dataclass
class Doc:
    """One generated document: its versions and its catalog state."""

    versions: list[Version]
    last_visit: str
    status: str


def documents(start: int, stop: int, count: int, now: datetime, seed: int = 19) -> Iterator[Doc]:
    """Documents `start` to `stop` of `count`, published over the ten years before `now`, oldest first."""
    rng = random.Random(seed * 1_000_003 + start)  # per chunk, so that chunks can be written in parallel
    text = Text(rng)
    span = timedelta(days=365 * YEARS)
    for i in range(start, stop):
        kind = _kind_of(i)
        published_at = now - span + timedelta(seconds=span.total_seconds() * (i + rng.random()) / count)
        published = published_at.astimezone(kind.zone).replace(second=0, microsecond=0) if kind.zone else None
        doc_id = str(FIRST_ID + i)
        release = Release(
            site=kind.site,
            collection=kind.collection,
            collection_name=kind.collection_name,
            doc_id=doc_id,
            language=kind.language,
            url=kind.url.format(id=doc_id),
            title=text.words(kind.words, rng.randint(6, 14)).capitalize(),
            published=published or published_at.date(),
            body=text.body(kind, i + 1),
            per_language=kind.per_language,
            site_wide_id=kind.per_language,  # mid.ru, the one per-language kind, keys by id alone
        )
        captured = min(now, published_at + timedelta(hours=rng.uniform(0.2, 6)))
        versions = [Version(release, captured)]
        if rng.random() < EDITED:
            edited = replace(release, body=(*release.body[:-1], text.words(kind.words, 40)))
            versions.append(Version(edited, min(now, captured + timedelta(days=rng.uniform(0.1, 40)))))
        # Revisited within the last 25 days, so nothing generated is due (old releases wait 30): the
        # crawl's revisits go to the simulator's documents, which the bench makes overdue.
        last_visit = max(versions[-1].captured, now - timedelta(days=rng.uniform(0, 25)))
        status = "withdrawn" if rng.random() < WITHDRAWN else "active"
        yield Doc(versions, format_captured(last_visit), status)


Rows = dict[str, list[tuple[object, ...]]]
CHUNK = 2000  # documents a worker writes before handing their catalog rows over


def _write_chunk(job: tuple[Path, int, int, int, datetime]) -> tuple[int, Rows]:
    """Write one chunk's files (in a worker process); return their size and catalog rows."""
    root, start, stop, count, now = job
    rows: Rows = {"documents": [], "versions": [], "observations": [], "search": []}
    size = sum(_add(root, doc, rows) for doc in documents(start, stop, count, now))
    return size, rows


def write(root: Path, count: int, now: datetime, *, workers: int = 2) -> int:
    """Write `count` documents' files and catalog rows under `root`; return the bytes of files written.

    Worker processes render and write the files; this process inserts the rows in one transaction.
    """
    catalog = Catalog(root / "catalog.sqlite")
    written = 0
    jobs = [(root, start, min(count, start + CHUNK), count, now) for start in range(0, count, CHUNK)]
    try:
        catalog.db.execute("BEGIN")
        run_id = catalog.last_run_id() + 1
        catalog.start_run(run_id=run_id, command="backfill", sites="mofa.go.kr mid.ru", started=format_captured(now))
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for size, rows in pool.imap(_write_chunk, jobs):
                written += size
                _flush(catalog, rows, run_id)
        catalog.finish_run(run_id, finished=format_captured(now), status="ok", counts={"new": count})
        catalog.db.execute("COMMIT")
    finally:
        catalog.close()
    return written


def _add(root: Path, doc: Doc, rows: Rows) -> int:
    """Write one document's files; queue its catalog rows."""
    size = 0
    folder = root.joinpath(*doc.versions[0].release.key.split("/"))
    os.makedirs(folder, exist_ok=True)
    for number, version in enumerate(doc.versions, 1):
        r = version.release
        digest = r.sha256()
        data = version.render().encode("utf-8")
        path = folder / version_filename(number, digest[:16])
        with open(path, "wb") as out:
            out.write(data)
        size += len(data)
        at = format_captured(version.captured)
        row = VersionRow(
            r.key, number, digest, path.relative_to(root).as_posix(), r.title, format_published(r.published), at
        )
        rows["versions"].append(tuple(vars(row).values()))
        rows["observations"].append((r.key, r.url, at, "new" if number == 1 else "changed", number, ""))
    first, last = doc.versions[0], doc.versions[-1]
    r = last.release
    last_kind = "withdrawn" if doc.status == "withdrawn" else "unchanged"
    last_seen = format_captured(last.captured) if last_kind == "withdrawn" else doc.last_visit
    rows["observations"].append((r.key, r.url, doc.last_visit, last_kind, len(doc.versions), ""))
    state = DocumentRow(
        r.key, r.site, r.collection, r.doc_id, r.language, r.url, r.title, format_published(r.published),
        len(doc.versions), len(doc.versions), doc.status, int(doc.status == "withdrawn"), None, None,
        format_captured(first.captured), last_seen, doc.last_visit,
    )  # fmt: skip
    rows["documents"].append(tuple(vars(state).values()))
    # every version is searchable (--all-versions), as a reindex would index them
    rows["search"].extend(
        search_index.row(r.key, n, v.release, current=n == len(doc.versions)) for n, v in enumerate(doc.versions, 1)
    )
    return size


def _flush(catalog: Catalog, rows: Rows, run_id: int) -> None:
    """Bulk-insert the queued rows."""
    marks = ", ".join("?" * len(fields(DocumentRow)))
    sql = {
        "documents": f"INSERT INTO documents ({_names(DocumentRow)}) VALUES ({marks})",
        "versions": "INSERT INTO versions (key, number, sha256, path, title, published, captured) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        "observations": "INSERT INTO observations (key, url, run_id, at, kind, version, detail) "
        f"VALUES (?, ?, {int(run_id)}, ?, ?, ?, ?)",
        "search": search_index.INSERT,
    }
    for table, queued in rows.items():
        catalog.db.executemany(sql[table], queued)
        queued.clear()


def _names(cls: type) -> str:
    return ", ".join(f.name for f in fields(cls))


def utc_now() -> datetime:
    """Now, to the second."""
    return datetime.now(UTC).replace(microsecond=0)
