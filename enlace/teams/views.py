"""Pages of joint teams: list (invitations and teams), creation, workspace, decisions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.cases.models import Case
from enlace.core.models import Country
from enlace.core.uploads import encrypted_file_response
from enlace.sharing.access import access_by_id, audit_listing

from . import actions
from .models import JointTeam, TeamEntry, TeamMember

_JOINS = ("owner_institution__country",)


def _fail(request, exc):
    messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))


def team_list(request):
    """Teams the user's country created, joined or is invited to."""
    if not request.user.has_perm("teams.view_jointteam"):
        raise Http404
    q = request.GET.get("q", "").strip()[:100]
    qs = JointTeam.objects.restrict(request.user, "search" if q else "list").select_related(*_JOINS)
    if q:
        qs = qs.filter(name__icontains=q)
    rows = list(qs[:200])
    invited = set(JointTeam.objects.restrict(request.user, "accept").filter(pk__in=[t.pk for t in rows])
                  .values_list("pk", flat=True))
    audit_listing(request.user, JointTeam, [t.pk for t in rows], kind="search" if q else "list", query=q)
    return render(request, "teams/list.html", {"rows": rows, "q": q, "invited": invited,
                                               "can_add": request.user.has_perm("teams.add_jointteam")})


def team_new(request):
    if not request.user.has_perm("teams.add_jointteam"):
        raise Http404
    countries = [c for c in Country.objects.restrict(request.user, "view")
                 if c.pk != getattr(request.user.institution, "country_id", None)]
    from enlace.agreements.actions import live_agreements_for

    agreements = list(live_agreements_for(request.user))
    ctx = {"countries": countries, "agreements": agreements, "errors": {}, "data": request.POST}
    if request.method == "POST":
        data = {k: request.POST.get(k) for k in ("name", "purpose", "starts_on", "ends_on", "agreement",
                                                 "purpose_code")}
        data["countries"] = request.POST.getlist("countries")
        try:
            team = actions.do_create_team(request.user, data)
        except PermissionDenied as exc:
            _fail(request, exc)
        except ValidationError as exc:
            ctx["errors"] = exc.message_dict
            return render(request, "teams/new.html", ctx, status=400)
        else:
            messages.success(request, _("Equipo creado. Los países invitados deben aceptar."))
            return redirect("teams:detail", pk=team.pk)
    return render(request, "teams/new.html", ctx)


def _seen_log(team, shared, documents=()) -> list:
    """Who saw what: the audit's read events on the team and on the records shared in it (country,
    institution, object and time only: the audit keeps no content). One bounded query."""
    from django.db.models import Q

    from enlace.audit.models import AuditEvent

    q = Q(object_type="teams.jointteam", object_id=str(team.pk))
    for e in shared:
        q |= Q(object_type=e.record_type, object_id=str(e.record_id))
    if documents:
        q |= Q(object_type="teams.teamentry", object_id__in=[str(d.pk) for d in documents])
    return list(AuditEvent.objects.filter(q, kind__in=["read", "export"]).order_by("-seq").only(
        "at", "country_code", "institution_id", "object_type", "object_id", "kind")[:100])


def team_detail(request, pk):
    team = access_by_id(JointTeam, request.user, pk)
    members = list(TeamMember.objects.filter(team=team).select_related("country"))
    own = request.user.institution.country_id
    is_member = team.owner_institution.country_id == own or any(
        m.country_id == own and m.status == TeamMember.Status.ACCEPTED for m in members)
    entries = list(TeamEntry.objects.restrict(request.user, "list").filter(team=team).select_related(
        "owner_institution__country", "created_by")[:300]) if is_member else []
    audit_listing(request.user, TeamEntry, [e.pk for e in entries], purpose=f"team {team.pk}")
    shared = [e for e in entries if e.kind == TeamEntry.Kind.SHARED]
    documents = [e for e in entries if e.kind == TeamEntry.Kind.DOCUMENT]
    seen_log = _seen_log(team, shared, [d for d in documents if d.stored_path]) if is_member else []
    my_cases = list(Case.objects.restrict(request.user, "share").filter(
        owner_institution=request.user.institution_id)[:100]) if is_member and team.status == "open" else []
    return render(request, "teams/detail.html", {
        "team": team, "members": members, "is_member": is_member,
        "tasks": [e for e in entries if e.kind == TeamEntry.Kind.TASK],
        "shared": shared, "seen_log": seen_log,
        "documents": documents,
        "timeline": entries, "my_cases": my_cases,
        "can_answer": JointTeam.objects.restrict(request.user, "accept").filter(pk=team.pk).exists(),
        "can_close": team.status == "open" and JointTeam.objects.restrict(request.user, "change").filter(
            pk=team.pk).exists(),
        "can_leave": team.status == "open" and any(
            m.country_id == own and m.status == TeamMember.Status.ACCEPTED for m in members)})


def _run(request, pk, step):
    """Read the team through the policy, take ``step(team)`` and go back (to the list when it says so)."""
    team = access_by_id(JointTeam, request.user, pk)
    target = None
    try:
        target = step(team)
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect(target) if target else redirect("teams:detail", pk=team.pk)


@require_POST
def team_answer(request, pk):
    def step(team):
        actions.do_answer_team_invitation(request.user, team, accept=request.POST.get("accept") == "1")
        messages.success(request, _("Respuesta registrada."))
    return _run(request, pk, step)


@require_POST
def team_share(request, pk):
    def step(team):
        case = access_by_id(Case, request.user, request.POST.get("case") or 0, "share")
        actions.do_share_into_team(request.user, team, case)
        messages.success(request, _("Compartido con el equipo. Sigue siendo de su país."))
    return _run(request, pk, step)


@require_POST
def team_entry(request, pk):
    def step(team):
        actions.do_add_team_entry(request.user, team, kind=request.POST.get("kind", ""),
                                  title=request.POST.get("title"), body=request.POST.get("body", ""),
                                  due_on=request.POST.get("due_on"), upload=request.FILES.get("file"))
        messages.success(request, _("Añadido al espacio de trabajo."))
    return _run(request, pk, step)


def document_file(request, pk):
    """A team document's file: read through the policy (the workspace's accepted members, while the team
    is open), audited as a read so that it appears in "who saw what"."""
    entry = access_by_id(TeamEntry, request.user, pk, purpose=request.GET.get("purpose", "descarga"))
    if entry.kind != TeamEntry.Kind.DOCUMENT or not entry.stored_path:
        raise Http404
    return encrypted_file_response(request, stored_path=entry.stored_path, filename=entry.filename, mime=entry.mime,
                                   fallback_name="documento")


@require_POST
def team_thread(request, pk):
    def step(team):
        actions.do_start_team_thread(request.user, team, subject=request.POST.get("subject") or team.name,
                                     body=request.POST.get("body") or team.purpose)
        messages.success(request, _("Hilo del equipo abierto."))
    return _run(request, pk, step)


@require_POST
def team_leave(request, pk):
    def step(team):
        actions.do_leave_team(request.user, team)
        messages.success(request, _("Su país se retiró del equipo. Sus registros siguen siendo suyos."))
        return "teams:list"
    return _run(request, pk, step)


@require_POST
def team_close(request, pk):
    def step(team):
        actions.do_close_team(request.user, team)
        messages.success(request, _("Equipo cerrado."))
    return _run(request, pk, step)


@require_POST
def task_done(request, pk):
    entry = access_by_id(TeamEntry, request.user, pk)
    try:
        actions.do_complete_team_task(request.user, entry)
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect("teams:detail", pk=entry.team_id)
