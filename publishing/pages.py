"""The reading room's own pages, registered with Datasette's ``register_routes``: search, what
changed, diffs, captures and the dashboard. Each renders a template that extends Datasette's
``base.html`` (so the navigation bar and styles are the same) and most answer ``.json`` too.
"""

from __future__ import annotations

from typing import Any

from datasette.utils import tilde_encode
from datasette.utils.asgi import Response

from publishing.captures import (
    CAPTURE_PAGE_CSP,
    FRAME_CSP,
    load_capture,
    load_capture_body,
)
from publishing.changes import (
    BadPeriod,
    choose_period,
    load_changes,
    next_comment_text,
    next_post_text,
    recent_crawls,
)
from publishing.charts import Series, bar_chart_svg, legend, monthly_series, shared_months
from publishing.diff import word_diff
from publishing.metadata import queries
from publishing.post_page import comment_anchor, times
from publishing.search import BadSearch, SearchForm, run_search
from publishing.withheld import author_label

MARKER = "archive_database"


def routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/dashboard$", dashboard),
        (r"^/-/search(?P<format>\.json)?$", search_page),
        (r"^/-/changes(?P<format>\.json)?$", changes_page),
        (r"^/-/diff/(?P<kind>post|comment)/(?P<id>[0-9]+)$", diff_page),
        (r"^/-/captures/(?P<id>[0-9]+)$", capture_page),
        (r"^/-/captures/(?P<id>[0-9]+)/page$", capture_body),
    ]


def _database(datasette: Any) -> str:
    return getattr(datasette, MARKER)


async def _html(datasette: Any, request: Any, template: str, context: dict[str, Any], status: int = 200) -> Response:
    return Response.html(await datasette.render_template(template, context, request=request), status=status)


def _json(data: Any, status: int = 200) -> Response:
    return Response.json(data, status=status, default=str)


async def search_page(datasette: Any, request: Any) -> Response:
    """``/-/search``: the form, a page of hits and the total; ``/-/search.json`` the same data."""
    database = _database(datasette)
    as_json = bool(request.url_vars.get("format"))
    try:
        form = SearchForm.from_args(request.args)
    except BadSearch as e:
        if as_json:
            return _json({"error": str(e)}, status=400)
        form, error = SearchForm(q=(request.args.get("q") or "").strip()), str(e)
        return await _html(datasette, request, "archive_search.html", {
            "search": {"q": form.q}, "form": form, "error": error, "sites": await _sites(datasette, database)}, 400)
    data = await run_search(datasette, database, form, "/-/search.json" if as_json else "/-/search")
    if as_json:
        return _json(data)
    json_url = "/-/search.json?" + request.query_string if request.query_string else "/-/search.json"
    return await _html(datasette, request, "archive_search.html", {
        "search": data, "form": form, "error": None, "json_url": json_url,
        "sites": await _sites(datasette, database)})


async def _sites(datasette: Any, database: str) -> list[str]:
    rows = (await datasette.get_database(database).execute("select distinct site from posts order by site")).rows
    return [r[0] for r in rows if r[0]]



async def changes_page(datasette: Any, request: Any) -> Response:
    """``/-/changes``: what a crawl (or a date range) added, edited and removed."""
    database = _database(datasette)
    db = datasette.get_database(database)
    as_json = bool(request.url_vars.get("format"))
    try:
        period = await choose_period(db, request.args)
    except BadPeriod as e:
        if as_json:
            return _json({"error": str(e)}, status=400)
        return await _html(datasette, request, "archive_changes.html", {
            "error": str(e), "crawls": await recent_crawls(db), "sites": await _sites(datasette, database),
            "args": request.args}, 400)
    data = await load_changes(datasette, database, period)
    if as_json:
        for section in data["sections"]:
            for item in section["rows"]:
                if "diff" in item:
                    item["diff_html"] = str(item.pop("diff"))
        return _json(data)
    return await _html(datasette, request, "archive_changes.html", {
        **data, "error": None, "crawls": await recent_crawls(db), "sites": await _sites(datasette, database),
        "args": request.args, "json_url": "/-/changes.json" + ("?" + request.query_string if request.query_string else "")})


async def diff_page(datasette: Any, request: Any) -> Response:
    """``/-/diff/post/<version id>`` or ``/-/diff/comment/<version id>``: an earlier version
    against the text that replaced it, word by word."""
    database = _database(datasette)
    db = datasette.get_database(database)
    kind, version_id = request.url_vars["kind"], int(request.url_vars["id"])
    if kind == "post":
        rows = (await db.execute(
            "select v.id, v.post_id, v.version, v.captured_at, v.superseded_at, v.title, v.body_text, p.title as now_title "
            "from post_versions v left join posts p on p.id = v.post_id where v.id = :id", {"id": version_id})).rows
    else:
        rows = (await db.execute(
            "select v.id, v.comment_id, v.captured_at, v.superseded_at, v.author, v.body_text, c.post_id, c.wp_id, "
            "c.redaction_id, c.redacted_fields, "
            "p.title as now_title from comment_versions v left join comments c on c.id = v.comment_id "
            "left join posts p on p.id = c.post_id where v.id = :id", {"id": version_id})).rows
    if not rows:
        return Response.html(await datasette.render_template(
            "error.html", {"ok": False, "error": f"No {kind} version {version_id}", "title": "Not found", "status": 404},
            request=request), status=404)
    v = dict(rows[0])
    if kind == "post":
        after = await next_post_text(db, v["post_id"], v["version"])
        post_url = datasette.urls.row(database, "posts", tilde_encode(v["post_id"]))
        heading, back = f"Version {v['version']} of “{v['now_title'] or v['post_id']}”", post_url
    else:
        after = await next_comment_text(db, v["comment_id"], v["id"], v["captured_at"])
        post_url = datasette.urls.row(database, "posts", tilde_encode(v["post_id"])) if v["post_id"] else None
        back = f"{post_url}#{comment_anchor({'id': v['comment_id'], 'wp_id': v['wp_id']})}" if post_url else None
        heading = f"Comment by {author_label(v)} on “{v['now_title'] or v['post_id']}”"
    diff = word_diff(v["body_text"], after)
    return await _html(datasette, request, "archive_diff.html", {
        "heading": heading, "version": v, "kind": kind, "diff": diff, "back_url": back,
        "superseded": times(v["superseded_at"]), "captured": times(v["captured_at"])})


async def capture_page(datasette: Any, request: Any) -> Response:
    """``/-/captures/<id>``: a raw response as it was fetched, its headers as a table and its page
    in a sandboxed frame (no scripts, nothing loaded from anywhere)."""
    database = _database(datasette)
    capture = await load_capture(datasette, database, int(request.url_vars["id"]))
    if capture is None:
        return await _not_found(datasette, request, f"No capture {request.url_vars['id']}")
    response = await _html(datasette, request, "archive_capture.html", {"capture": capture})
    response.headers["content-security-policy"] = CAPTURE_PAGE_CSP
    return response


async def capture_body(datasette: Any, request: Any) -> Response:
    """``/-/captures/<id>/page``: the decompressed body, served so that it can do nothing: CSP
    ``sandbox`` (no scripts, forms, popups or same-origin access even when opened directly),
    ``default-src 'none'`` (no fetch of any kind), HTML only as HTML and everything else as text."""
    database = _database(datasette)
    found = await load_capture_body(datasette.get_database(database), int(request.url_vars["id"]))
    if found is None:
        return Response.text(f"No capture {request.url_vars['id']}", status=404)
    body, content_type = found
    return Response(body, content_type=content_type, headers={
        "content-security-policy": FRAME_CSP, "x-content-type-options": "nosniff",
        "cache-control": "private, max-age=3600"})


async def _not_found(datasette: Any, request: Any, message: str) -> Response:
    return await _html(datasette, request, "error.html",
                       {"ok": False, "error": message, "title": "Not found", "status": 404}, 404)


MONTHLY_CHARTS = ("posts_per_month", "comments_per_month", "changes_per_month")
CHANGE_ORDER = ["posts edited", "posts gone", "comments edited", "comments removed"]


async def dashboard(datasette: Any, request: Any) -> Response:
    """Posts, comments, edits and removals per month on one time axis, and failures per crawl:
    server-side SVG charts, each with its numbers as a table."""
    database = _database(datasette)
    db = datasette.get_database(database)
    canned = queries()
    rows = {name: [tuple(r) for r in (await db.execute(canned[name]["sql"])).rows]
            for name in (*MONTHLY_CHARTS, "failures_per_crawl")}
    months = shared_months(*(rows[name] for name in MONTHLY_CHARTS))
    charts = []
    for name in MONTHLY_CHARTS:
        series = monthly_series(rows[name], months, CHANGE_ORDER if name == "changes_per_month" else None)
        charts.append(_chart(datasette, database, name, canned[name], series, bar_chart_svg(canned[name]["title"], series)))
    crawls = rows["failures_per_crawl"]
    failures = Series([str(r[0]) for r in crawls], sorted({r[1] for r in crawls if r[1]}),
                      {(str(r[0]), r[1]): r[4] for r in crawls if r[4]})
    labels = {str(r[0]): (r[2] or "")[:7] for r in crawls}
    charts.append(_chart(datasette, database, "failures_per_crawl", canned["failures_per_crawl"], failures,
                         bar_chart_svg(canned["failures_per_crawl"]["title"], failures, axis="crawl", labels=labels)))
    return await _html(datasette, request, "archive_dashboard.html", {"charts": charts, "database": database,
                                                                     "alarms": await _alarms(datasette, database),
                                                                     "first_month": months[0] if months else None,
                                                                     "last_month": months[-1] if months else None})


def _chart(datasette: Any, database: str, name: str, query: dict[str, Any], series: Series, svg: Any) -> dict[str, Any]:
    return {"name": name, "title": query.get("title", name), "description": query.get("description"), "svg": svg,
            "legend": legend(series), "series": series, "query_url": datasette.urls.database(database) + "/" + name}


# The alarm (pipelines/alarm.py): pages the last crawl of each site did not fully understand.
ALARMS_SQL = """select c.site, c.id as crawl_id, c.started,
  (select count(*) from failures f where f.crawl_id = c.id and f.kind = 'markup') as markup
from crawls c where c.id in (select max(id) from crawls group by site) order by c.site"""


async def _alarms(datasette: Any, database: str) -> list[dict[str, Any]]:
    """Each site's last crawl and its count of ``markup`` failures, linked to the rows."""
    result = await datasette.get_database(database).execute(ALARMS_SQL)
    failures = datasette.urls.table(database, "failures")
    return [{**dict(zip(("site", "crawl_id", "started", "markup"), row)),
             "url": f"{failures}?kind=markup&crawl_id={row[1]}"} for row in result.rows]
