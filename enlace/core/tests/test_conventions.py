"""The architecture's conventions, machine-checked (ARCHITECTURE.md rules 1, 2, 5 and 10).

The checks are AST functions in ``enlace/testing/conventions.py``; this file runs each over
``enlace/**/*.py`` (migrations, tests and ``enlace/testing/`` excluded) and fails with file:line for
every violation. The second half is the test of the test: each rule is fed planted code that
breaks it (and must be caught) and compliant code (and must not be).

A developer's listing per app: ``.venv/bin/python -m enlace.testing.conventions``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from enlace.testing import conventions as cv

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def info():
    return cv.ProjectInfo.from_registry()


@pytest.fixture(scope="module")
def results(info):
    return cv.check_project(ROOT, info)


# --- the project keeps every rule ------------------------------------------------------------------

@pytest.mark.parametrize("rule", list(cv.RULES))
def test_the_project_keeps_the_rule(results, rule):
    found = results[rule]
    assert not found, (f"{len(found)} violation(s) of '{rule}' ({cv.RULES[rule]}):\n"
                       + "\n".join(str(v) for v in found))


def test_every_protected_model_is_known_to_the_checker(info):
    """The registry gives the checker the models it guards (an empty set would make rule a vacuous)."""
    names = {m.__name__ for m in info.protected}
    assert {"Case", "Entity", "Thread", "Message", "Contact", "HitNotice", "ReleasedRecord"} <= names
    assert "Country" not in names and "Institution" not in names


# --- the test of the test: planted code ------------------------------------------------------------

def run(check, info, source: str, path: str = "enlace/cases/views.py", **kwargs):
    mod = cv.Module(textwrap.dedent(source), path)
    return check(mod, info, **kwargs)


def lines(violations) -> list[int]:
    return sorted(v.line for v in violations)


def test_a_protected_read_outside_the_policy_is_caught(info):
    planted = """\
        from enlace.cases.models import Case
        from enlace.exchange import models as xm
        from .models import Entity

        def view(request, pk):
            a = Case.objects.filter(pk=pk).first()
            b = Case._default_manager.all()
            c = xm.Thread.objects.get(pk=pk)
            d = Entity.objects.select_related("case").count()
            e = Case.objects.get_or_create(title="x")
            f = type(a)._base_manager.all()
        """
    found = run(cv.check_protected_reads, info, planted)
    assert lines(found) == [6, 7, 8, 9, 10, 11], found
    assert {v.rule for v in found} == {"protected_read"}


def test_shortcuts_and_handed_over_managers_are_caught(info):
    planted = """\
        from django.shortcuts import get_object_or_404
        from django.views.generic import DetailView
        from enlace.cases.models import Case, Entity

        def view(request, pk):
            case = get_object_or_404(Case, pk=pk)
            people = EntityFilter(request.GET, queryset=Entity.objects)
            return paginate(Case.objects)

        class CaseDetail(DetailView):
            model = Case
        """
    found = run(cv.check_protected_reads, info, planted)
    assert lines(found) == [6, 7, 8, 11], found


def test_reads_through_the_policy_are_not_reported(info):
    compliant = """\
        from enlace.cases.models import Case, Entity
        from enlace.core.models import Country
        from enlace.sharing.access import access_by_id

        class CaseViewSet:
            queryset = Case.objects.select_related("owner_institution__country").none()

        def view(request, pk):
            a = Case.objects.restrict(request.user, "view").filter(pk=pk)
            b = Case.objects.unrestricted(reason="matching index").count()
            c = Case.objects.select_related("owner_institution").restrict(request.user, "list")
            d = access_by_id(Case, request.user, pk, queryset=Case.objects.select_related("owner_institution"))
            e = Country.objects.filter(in_network=True)
            f = Entity.objects.create(case=a)  # an insert reads nothing (a write rule's business)
        """
    assert run(cv.check_protected_reads, info, compliant) == []


def test_a_reverse_relation_read_around_the_audience_is_caught(info):
    planted = """\
        from enlace.cases.models import Case

        def view(request, case, thread):
            people = list(case.entities.all())
            replies = thread.messages.filter(is_answer=True)
            cases = Case.objects.restrict(request.user, "list").prefetch_related("entities")
            n = case.route_legs.count()
        """
    found = run(cv.check_reverse_reads, info, planted)
    assert lines(found) == [4, 5, 6, 7], found


def test_reverse_relations_through_the_policy_are_not_reported(info):
    compliant = """\
        from django.db.models import Prefetch
        from enlace.cases.models import Case, Entity

        def view(request, case, m, rnd):
            people = case.entities.restrict(request.user, "view")
            subs = any(s.demo for s in m.submissions.values())      # a dict, not a relation
            reported = [r.country for r in rnd.receipts.all()]      # RoundReceipt is not protected
            tags = case.tags.all()                                  # reference vocabulary
            held = Prefetch("entities", queryset=Entity.objects.restrict(request.user, "view"))
            cases = Case.objects.restrict(request.user, "list").prefetch_related(held)
            for c in cases:
                names = [e.pk for e in c.entities.all()]            # served by the restricted prefetch
        """
    assert run(cv.check_reverse_reads, info, compliant) == []


def test_a_template_reading_a_protected_child_is_caught(info):
    template = """\
        {% for m in thread.messages.all %}{{ m.body }}{% endfor %}
        {{ case.entities.count }} {{ case.tags.all|join:", " }}
        {% for r in rnd.receipts.all %}{{ r.country }}{% endfor %}
        """
    found = cv.check_template_reverse_reads(textwrap.dedent(template), "enlace/x/templates/x/t.html", info)
    assert lines(found) == [1, 2], found


WRITES = """\
    from django.contrib.auth.models import Group
    from enlace.cases.models import Case, Entity
    from enlace.core.models import Country

    def view(request, case, form, tag):
        case.save()
        case.delete()
        Case.objects.create(title="x")
        Country.objects.filter(code="GTM").update(name="x")
        qs = Entity.objects.restrict(request.user, "change").filter(case=case)
        qs.update(role="suspect")
        case.tags.add(tag)
        Group.objects.get_or_create(name="analyst")
        form.save()
        Entity.objects.restrict(request.user, "delete").filter(case=case).delete()
    """


def test_a_write_outside_actions_is_caught(info):
    found = run(cv.check_writes_outside_actions, info, WRITES)
    assert lines(found) == [6, 7, 8, 9, 11, 12, 13, 14, 15], found


def test_the_same_writes_inside_actions_are_allowed(info):
    assert run(cv.check_writes_outside_actions, info, WRITES, path="enlace/cases/actions.py") == []
    assert run(cv.check_writes_outside_actions, info, WRITES, path="enlace/exchange/actions/threads.py") == []


def test_what_is_not_a_model_write_is_not_reported(info):
    compliant = """\
        import io

        class Thing:
            def save(self, *args, **kwargs):
                super().save(*args, **kwargs)

        def view(request, form, wb, storage, seen):
            request.session.save()
            wb.save(io.BytesIO())
            storage.save("name", b"content")
            draft = form.save(commit=False)
            context = {}
            context.update(title="x")
            seen.add(1)
            request.session.delete()
            canvas.save()
        """
    assert run(cv.check_writes_outside_actions, info, compliant) == []


ACTIONS = '''\
    from django.db import transaction
    from enlace.audit.log import log_event

    def do_not_atomic(user):
        """Doc."""
        log_event("write", user=user)

    @transaction.atomic
    def do_never_logs(user):
        """Doc."""
        user.save()

    @transaction.atomic
    def do_logs(user):
        """Doc."""
        log_event("write", user=user)

    @transaction.atomic
    def do_through_another_action(user):
        """Doc."""
        do_logs(user)

    @transaction.atomic()
    def do_through_a_helper(user):
        """Doc."""
        _audit(user)

    def _audit(user):
        log_event("write", user=user)
    '''


def test_an_action_not_atomic_or_never_logging_is_caught(info):
    found = run(cv.check_actions, info, ACTIONS, path="enlace/cases/actions.py")
    assert [(v.rule, v.line) for v in found] == [("action_atomic", 4), ("action_logs", 9)], found


def test_actions_are_judged_only_in_actions_modules(info):
    assert run(cv.check_actions, info, ACTIONS, path="enlace/cases/views.py") == []


def test_an_undeclared_audit_kind_is_caught(info):
    planted = """\
        from enlace.audit.log import log_event
        from enlace.audit.models import AuditEvent

        def f(user):
            log_event("wrote", user=user)
            log_event(kind="opened", user=user)
            log_event(AuditEvent.Kind.NOPE, user=user)
            log_event("write", user=user)
            log_event(kind="export", user=user)
            log_event(AuditEvent.Kind.SYSTEM_READ)
        """
    found = run(cv.check_audit_kinds, info, planted)
    assert lines(found) == [5, 6, 7], found


def test_a_get_view_that_writes_is_caught(info):
    planted = """\
        from rest_framework.decorators import action
        from django.views import View
        from . import actions

        def thread(request, pk):
            actions.do_mark_delivered(request.user, pk)
            return render(request, "t.html")

        class ThreadPage(View):
            def get(self, request, pk):
                do_mark_read(request.user, pk)

        class ThreadViewSet:
            @action(detail=True)
            def mark(self, request, pk=None):
                do_mark_read(request.user, pk)

            @action(detail=True, methods=["get", "post"])
            def replies(self, request, pk=None):
                do_reply(request.user, pk)

            def retrieve(self, request, pk=None):
                do_mark_read(request.user, pk)

        @api_view(["GET"])
        def seen(request, pk):
            if request.method == "GET":
                do_mark_read(request.user, pk)
        """
    found = run(cv.check_get_writes, info, planted)
    assert lines(found) == [6, 11, 16, 20, 23, 28], found


def test_views_that_write_only_on_post_are_not_reported(info):
    compliant = """\
        from django.views.decorators.http import require_POST
        from rest_framework.decorators import action

        @require_POST
        def deliver(request, pk):
            do_mark_delivered(request.user, pk)

        def edit(request, pk):
            form = Form(request.POST or None)
            if request.method == "POST" and form.is_valid():
                do_update(request.user, pk)
            return render(request, "e.html")

        def confirm(request, pk):
            if request.method != "POST":
                return render(request, "c.html")
            do_confirm(request.user, pk)

        def _store(request, thread):
            do_add_attachment(request.user, thread)

        @api_view(["GET", "POST"])
        def replies(request, pk):
            if request.method == "POST":
                do_reply(request.user, pk)
            return Response([])

        class ThreadViewSet:
            @action(detail=True, methods=["post"])
            def deliver(self, request, pk=None):
                do_mark_delivered(request.user, pk)

            @action(detail=True, methods=["get", "post"])
            def messages(self, request, pk=None):
                if request.method == "GET":
                    return Response([])
                do_reply(request.user, pk)

            def create(self, request):
                do_create(request.user)
        """
    assert run(cv.check_get_writes, info, compliant) == []


def test_a_protected_model_without_a_contract_is_caught(info):
    from enlace.cases.models import Case, Entity, Link, RouteLeg

    tests = [cv.Module(textwrap.dedent(src), path) for path, src in [
        ("enlace/cases/tests/test_a.py", """\
            from enlace.cases.models import Case, Entity
            from enlace.sharing.testing import ProtectedModelContract

            class ChildContract(ProtectedModelContract):
                pass

            class TestCaseContract(ChildContract):
                model = Case

            class NotAContract:
                model = Entity
            """),
        ("enlace/cases/tests/test_b.py", """\
            from enlace.cases import models
            from .test_a import ChildContract

            class TestLinkContract(ChildContract):
                model = models.Link
            """),
    ]]
    found = cv.check_contracts(tests, info, models=[Case, Entity, Link, RouteLeg])
    assert sorted(v.message.split()[0] for v in found) == ["cases.Entity", "cases.RouteLeg"], found


def test_a_model_or_action_without_a_docstring_is_caught(info):
    models_src = '''\
        from django.db import models
        from enlace.sharing.models import ProtectedModel

        class Plain(models.Model):
            name = models.CharField(max_length=10)

        class Documented(ProtectedModel):
            """A record."""

        class Child(Plain):
            pass

        class Status(models.TextChoices):
            OPEN = "open"
        '''
    found = run(cv.check_docstrings, info, models_src, path="enlace/cases/models.py")
    assert lines(found) == [4, 10], found
    found = run(cv.check_docstrings, info, 'def do_x(user):\n    pass\n\ndef do_y(user):\n    """Y."""\n',
                path="enlace/cases/actions.py")
    assert lines(found) == [1], found


def test_the_project_runner_reads_the_tree_and_skips_what_it_must(info, tmp_path):
    """``check_project`` walks ``enlace/**``: it finds planted files, skips migrations, tests and
    ``enlace/testing``, and reports every rule."""
    files = {
        "enlace/app/views.py": "from enlace.cases.models import Case\n\ndef v(request):\n    return Case.objects.all()\n",
        "enlace/app/migrations/0001_initial.py": "from enlace.cases.models import Case\nCase.objects.all().delete()\n",
        "enlace/app/tests/test_x.py": "from enlace.cases.models import Case\nCase.objects.all().delete()\n",
        "enlace/testing/helpers.py": "from enlace.cases.models import Case\nCase.objects.all().delete()\n",
        "enlace/app/actions.py": "def do_thing(user):\n    pass\n",
    }
    for path, src in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(src)
    found = cv.check_project(tmp_path, info)
    assert set(found) == set(cv.RULES)
    assert [str(v).split(" ")[0] for v in found["protected_read"]] == ["enlace/app/views.py:4:"]
    assert found["write_outside_actions"] == []
    assert [v.line for v in found["action_atomic"]] == [1] and [v.line for v in found["action_logs"]] == [1]
    assert [v.line for v in found["docstring"]] == [1]
    # No contract class in this tree: every product protected model is reported.
    assert {v.message.split()[0] for v in found["contract"]} >= {"cases.Case", "exchange.Thread"}
