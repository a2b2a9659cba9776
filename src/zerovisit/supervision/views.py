"""The supervision dashboard (a supervisor's region or agency, drilled down to the cases), its XLSX report, and
the public page of the published figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zerovisit.core import audit
from zerovisit.core.errors import DomainError

from . import alerts, charts, report, selectors
from .forms import AcknowledgeForm, PeriodForm, last_twelve_months
from .indicators import INDICATORS, TABLE, TRENDS
from .models import AlertKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PUBLIC = ("zero_visit_coverage", "online_full_process_rate", "on_time_rate", "time_cut_rate", "satisfaction_rate",
          "submitted_count", "decided_count")  # fmt: skip


def _scope(request):
    return selectors.scope_for(
        request.user, region=request.GET.get("region", ""), agency=request.GET.get("agency", ""),
        item=request.GET.get("item", ""),
    )  # fmt: skip


@login_required
def dashboard(request):
    scope = _scope(request)
    form = _period_form(request)
    start, end = form.period()
    overview = selectors.overview(scope, start, end)
    totals, trend, rows = overview.totals, overview.trend, overview.rows
    context = {
        "scope": scope, "form": form, "start": start, "end": end,
        "figures": [(indicator, indicator.of(totals)) for indicator in INDICATORS.values()],
        "charts": [_chart(INDICATORS[code], trend) for code in TRENDS],
        "columns": [INDICATORS[code] for code in TABLE],
        "rows": [(row, [(INDICATORS[code], INDICATORS[code].of(row.totals)) for code in TABLE]) for row in rows],
        "worst": _worst(rows),
        "lights": selectors.lights(scope),
        "open_alerts": [(AlertKind(kind).label, n, kind) for kind, n in selectors.open_alerts(scope).items()],
        "trail": selectors.trail(request.user, scope),
        "period_query": f"start={start.isoformat()}&end={end.isoformat()}",
    }  # fmt: skip
    if scope.item:
        context["red"], context["recent"], context["soon"] = selectors.cases_behind(scope, start, end)
    return render(request, "supervision/dashboard.html", context)


def _period_form(request) -> PeriodForm:
    """The period asked for; without one, an unbound form showing the default period."""
    if {"start", "end"} & request.GET.keys():
        return PeriodForm(request.GET)
    start, end = last_twelve_months(timezone.localdate())
    return PeriodForm(initial={"start": start, "end": end})


def _chart(indicator, trend):
    values = [indicator.of(totals) for _, totals in trend]
    return {"indicator": indicator, "svg": charts.line(values, label=str(indicator.name)),
            "points": [(month, value) for (month, _), value in zip(trend, values, strict=True)]}  # fmt: skip


def _worst(rows, n: int = 5):
    """The rows concluding the fewest cases on time (among those that concluded any), worst first."""
    rated = [(INDICATORS["on_time_rate"].of(row.totals), row) for row in rows if row.totals.decided]
    return [(rate, row) for rate, row in sorted(rated, key=lambda pair: (pair[0], pair[1].name)) if rate < 100][:n]


@login_required
def report_xlsx(request):
    scope = _scope(request)
    start, end = _period_form(request).period()
    content, rows = report.workbook(scope, start, end)
    audit.record_export(actor=request.user, what="supervision.report", rows=rows, format="xlsx",
                        scope=scope.name, start=start.isoformat(), end=end.isoformat())  # fmt: skip
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="supervision-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response


def public_figures(request):
    """The published figures (the catalogue's coverage and the platform's results must be public): this year, the
    whole platform and each agency, read from the roll-ups."""
    figures = selectors.published_figures(timezone.localdate())
    return render(request, "supervision/public.html", {
        "start": figures["start"], "end": timezone.localdate(),
        "figures": [(INDICATORS[code], INDICATORS[code].of(figures["totals"])) for code in PUBLIC],
        "columns": [INDICATORS[code] for code in PUBLIC],
        "agencies": [(name, [(INDICATORS[code], INDICATORS[code].of(t)) for code in PUBLIC])
                     for name, t in figures["agencies"]],
    })  # fmt: skip


@login_required
def alert_list(request, form=None, status=200):
    """电子监察: the alerts of what the user supervises, the open ones first (or every one with ?state=all), by kind."""
    alerts = selectors.visible_alerts(request.user)
    kind = request.GET.get("kind", "")
    if kind in AlertKind.values:
        alerts = alerts.filter(kind=kind)
    everything = request.GET.get("state") == "all"
    if not everything:
        alerts = alerts.filter(ended_at__isnull=True, acknowledged_at__isnull=True)
    page = Paginator(alerts.order_by("-raised_at", "-pk"), 20).get_page(request.GET.get("page"))
    return render(request, "supervision/alerts.html", {
        "page": page, "kinds": AlertKind.choices, "kind": kind, "everything": everything,
        "form": form or AcknowledgeForm(), "failed_alert": form and request.POST.get("alert"),
    }, status=status)  # fmt: skip


@login_required
@require_POST
def acknowledge(request, pk):
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            alerts.acknowledge_alert(actor=request.user, alert_id=pk, note=form.cleaned_data["note"])
        except DomainError as error:
            if error.status == 404:
                raise
            form.add_error("note", error.message)
        else:
            messages.success(request, _("Alert acknowledged."))
            return redirect("supervision:alerts")
    return alert_list(request, form=form, status=400)
