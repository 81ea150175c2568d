"""The architecture's conventions as AST checks (ARCHITECTURE.md rules 1, 2, 5 and 10).

Zulip lints its action layer the same way: the code is parsed, never run, and each rule is one
function that takes a parsed module (``Module``) and the facts it needs about the models
(``ProjectInfo``, read from Django's model registry) and returns ``Violation``\\ s with file:line.
``enlace/core/tests/test_conventions.py`` runs every rule over ``enlace/**/*.py`` and asserts there
are none; its test of the test feeds planted snippets to the same functions.

Rules (``RULES`` names them):

* ``protected_read`` — ``X.objects.<m>`` where ``X`` is a concrete ``ProtectedModel`` and the chain
  never goes through ``restrict`` / ``unrestricted`` / ``none``; any ``X._default_manager`` /
  ``X._base_manager``.
* ``reverse_read`` — ``obj.<accessor>.<read>()`` where the accessor is a to-many relation (reverse
  FK or M2M) leading to a protected model: the child is read around its own audience.
* ``write_outside_actions`` — ``.save()``, ``.delete()``, queryset ``.update(...)``,
  ``X.objects.create/get_or_create/update_or_create/bulk_create/bulk_update/update/delete`` on a
  model of the project, and related-manager writes (``.add/.remove/.set/.clear/.create``), outside
  ``actions.py`` / ``actions/`` and the audit writer.
* ``action_atomic`` / ``action_logs`` — a ``do_*`` in an actions module that is not decorated
  ``@transaction.atomic``, or that never reaches ``log_event`` (directly, through a helper of its
  module, or through another ``do_*`` that does).
* ``audit_kind`` — ``log_event("<kind>", ...)`` with a literal kind not declared in
  ``AuditEvent.Kind``.
* ``get_writes`` — a view whose GET path calls a ``do_*`` action (function view without a POST
  guard around the call; ``get``/``list``/``retrieve``/GET ``@action`` methods).
* ``contract`` — a concrete protected model without a ``ProtectedModelContract`` subclass under
  ``enlace/**/tests/`` whose ``model`` attribute is that model.
* ``docstring`` — a model class (models modules) or a ``do_*`` action without a docstring.

What the checks cannot see (documented limits, not exemptions): a model reached through a variable
(``model.objects``, ``type(obj).objects``), a bare manager passed around without a method call,
writes through raw SQL. The leak probe (``core/tests/test_leak_probe.py``) covers run-time reads
and GET writes.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path

RULES = {
    "protected_read": "read of a protected model outside restrict()/unrestricted()/none()",
    "reverse_read": "reverse relation read of a protected model around its audience",
    "write_outside_actions": "state change outside actions.py",
    "action_atomic": "do_* action not decorated @transaction.atomic",
    "action_logs": "do_* action that never calls log_event",
    "audit_kind": "log_event kind not declared in AuditEvent.Kind",
    "get_writes": "view whose GET path calls a do_* action",
    "contract": "concrete protected model without a ProtectedModelContract class",
    "docstring": "model or do_* action without a docstring",
}

# Methods of a queryset chain that keep it inside the policy (or empty).
POLICY_METHODS = frozenset({"restrict", "unrestricted", "none"})
# Manager/queryset methods that change rows.
WRITE_QS_METHODS = frozenset({"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update",
                              "update", "delete"})
# Related-manager methods that change rows (or the link table).
WRITE_RELATED_METHODS = frozenset({"add", "remove", "set", "clear", "create", "get_or_create",
                                   "update_or_create", "bulk_create", "update", "delete"})
# Methods that read rows through a (related) manager.
READ_QS_METHODS = frozenset({
    "all", "filter", "exclude", "get", "first", "last", "count", "exists", "values", "values_list",
    "order_by", "select_related", "prefetch_related", "annotate", "aggregate", "iterator", "in_bulk",
    "latest", "earliest", "only", "defer", "distinct", "reverse", "dates", "datetimes", "alias",
    "contains", "select_for_update", "union", "explain",
})
# Methods that return a queryset (so ``.update()``/``.delete()`` on their result is a bulk write).
QS_RETURNING = READ_QS_METHODS | POLICY_METHODS

# The audit writer is the one module that writes outside an actions module: it appends the
# hash-chained events (and their chain head) on behalf of every action.
# The matching index (``matching/index.py``) is derived system data rebuilt from the cases, like a
# database index: no official's state, so no action and no audit event of its own.
WRITE_EXEMPT_FILES = frozenset({"enlace/audit/log.py", "enlace/matching/index.py"})

# The policy's own modules: they build ``restrict()`` itself (``sharing/api.py`` re-creates a viewset's
# declared queryset on the model's default manager and restricts it on the next line).
POLICY_FILES = frozenset({"enlace/sharing/policy.py", "enlace/sharing/querysets.py", "enlace/sharing/access.py",
                          "enlace/sharing/api.py"})

# Test-only models (``enlace/sharing/tests/testapp``) exist to exercise the policy itself; they
# are not part of the product, so they need no contract class of their own.
CONTRACT_EXEMPT_MODULE_PARTS = ("tests",)

# Method names on class-based views / viewsets that serve GET.
GET_METHODS = frozenset({"get", "head", "list", "retrieve", "get_context_data"})


@dataclass(frozen=True, order=True)
class Violation:
    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.message}"


# --- facts about the models -------------------------------------------------------------------------

@dataclass
class Relation:
    owner: type
    target: type
    accessor: str


@dataclass
class ProjectInfo:
    """What the checks need from Django's registry (built once per test run)."""

    protected: frozenset = frozenset()
    project_models: frozenset = frozenset()
    relations: dict = field(default_factory=dict)   # accessor name -> [Relation]
    audit_kinds: frozenset = frozenset()
    audit_kind_names: frozenset = frozenset()

    @classmethod
    def from_registry(cls) -> "ProjectInfo":
        from django.apps import apps

        from enlace.audit.models import AuditEvent
        from enlace.sharing.models import ProtectedModel

        every = apps.get_models(include_auto_created=True)
        protected = frozenset(m for m in every if issubclass(m, ProtectedModel) and not m._meta.proxy)
        # Every table the platform writes: its own apps and the third-party ones it keeps state in
        # (role groups, TOTP devices, API tokens). Sessions are Django's own store, written by the
        # session middleware, not by the code.
        project = frozenset(m for m in every if m._meta.app_label != "sessions")
        relations: dict[str, list[Relation]] = {}
        for model in every:
            if model._meta.auto_created:
                continue
            for rel in model._meta.get_fields():
                many = getattr(rel, "one_to_many", False) or getattr(rel, "many_to_many", False)
                if not many or rel.related_model is None or isinstance(rel.related_model, str):
                    continue
                if rel.auto_created and not rel.concrete:          # reverse FK / reverse M2M
                    accessor = rel.get_accessor_name()
                elif rel.many_to_many and rel.concrete:           # forward M2M
                    accessor = rel.name
                else:
                    continue
                if accessor and not accessor.endswith("+"):
                    relations.setdefault(accessor, []).append(Relation(model, rel.related_model, accessor))
        return cls(protected=protected, project_models=project, relations=relations,
                   audit_kinds=frozenset(AuditEvent.Kind.values),
                   audit_kind_names=frozenset(AuditEvent.Kind.names))

    def is_project_model(self, obj) -> bool:
        return isinstance(obj, type) and obj in self.project_models


@functools.lru_cache(maxsize=None)
def lookup(dotted: str):
    """The object a dotted path names (importing the longest module prefix), or None."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:  # noqa: BLE001 - any import failure means "cannot resolve"
            continue
        try:
            for part in parts[i:]:
                obj = getattr(obj, part)
        except Exception:  # noqa: BLE001
            return None
        return obj
    return None


# --- a parsed module ----------------------------------------------------------------------------------

def module_name(path: str) -> str:
    p = Path(path).with_suffix("")
    parts = list(p.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def dotted(node) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def call_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


class Module:
    """One source file, parsed, with its imports and a parent map."""

    def __init__(self, source: str, path: str, module: str | None = None):
        self.source = source
        self.path = path
        self.module = module or module_name(path)
        self.is_package = path.endswith("__init__.py")
        self.tree = ast.parse(source, filename=path)
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.imports: dict[str, set[str]] = {}
        self.classes = {n.name: n for n in self.tree.body if isinstance(n, ast.ClassDef)}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.imports.setdefault(alias.asname, set()).add(alias.name)
                    else:
                        root = alias.name.split(".")[0]
                        self.imports.setdefault(root, set()).add(root)
            elif isinstance(node, ast.ImportFrom):
                base = self._absolute(node.module, node.level)
                for alias in node.names:
                    if alias.name != "*":
                        self.imports.setdefault(alias.asname or alias.name, set()).add(f"{base}.{alias.name}")

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    @property
    def is_actions(self) -> bool:
        p = Path(self.path)
        return p.name == "actions.py" or "actions" in p.parts[:-1]

    @property
    def is_models(self) -> bool:
        p = Path(self.path)
        return p.name == "models.py" or "models" in p.parts[:-1]

    def _absolute(self, module: str | None, level: int) -> str:
        if not level:
            return module or ""
        package = self.module.split(".") if self.is_package else self.module.split(".")[:-1]
        base = package[: len(package) - (level - 1)] if level > 1 else package
        return ".".join(base + ([module] if module else []))

    def enclosing(self, node, kinds):
        node = self.parents.get(node)
        while node is not None and not isinstance(node, kinds):
            node = self.parents.get(node)
        return node

    def enclosing_class(self, node):
        fn = self.enclosing(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        return self.enclosing(fn, ast.ClassDef) if fn is not None else self.enclosing(node, ast.ClassDef)

    def resolve(self, node):
        """The runtime objects a Name/Attribute may denote (through the module's imports)."""
        name = dotted(node)
        if name is None:
            return []
        head, _, rest = name.partition(".")
        candidates = []
        if head in ("cls", "self") and rest:
            cls = self.enclosing_class(node)
            if cls is not None and head == "cls":
                candidates.append(f"{self.module}.{cls.name}")
        elif head in self.classes:
            candidates.append(f"{self.module}.{head}")
        candidates.extend(self.imports.get(head, ()))
        found = []
        for base in candidates:
            obj = lookup(f"{base}.{rest}" if rest else base)
            if obj is not None:
                found.append(obj)
        return found

    def local_model_class(self, node) -> bool:
        """A class of this file that looks like a model (for planted code that cannot be imported)."""
        return isinstance(node, ast.Name) and node.id in self.classes and _looks_like_model(self.classes[node.id])

    def chain_after(self, node):
        """Attribute names applied after ``node`` in a method chain, and the outermost node."""
        methods, cur = [], node
        while True:
            parent = self.parents.get(cur)
            if isinstance(parent, ast.Attribute) and parent.value is cur:
                methods.append(parent.attr)
                cur = parent
            elif isinstance(parent, ast.Call) and parent.func is cur:
                cur = parent
            else:
                return methods, cur


def _looks_like_model(cls: ast.ClassDef) -> bool:
    for base in cls.bases:
        name = dotted(base) or ""
        if name.split(".")[-1].endswith("Model"):
            return True
    return False


def _v(mod: Module, node, rule: str, message: str) -> Violation:
    return Violation(mod.path, getattr(node, "lineno", 0), rule, message)


def _label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


# --- rule a: reads of protected models --------------------------------------------------------------

def check_protected_reads(mod: Module, info: ProjectInfo) -> list[Violation]:
    out = _shortcut_reads(mod, info)
    for node in ast.walk(mod.tree):
        if not (isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager", "_base_manager")):
            continue
        resolved = mod.resolve(node.value)
        models = [m for m in resolved if isinstance(m, type) and m in info.protected]
        if not models:
            if node.attr != "objects" and not resolved and mod.path not in POLICY_FILES:
                out.append(_v(mod, node, "protected_read", f"{dotted(node.value) or '...'}.{node.attr}: a model "
                                                           "read around its manager; use restrict() or unrestricted()"))
            continue
        label = _label(models[0])
        if node.attr != "objects":
            out.append(_v(mod, node, "protected_read", f"{label}.{node.attr}: read through restrict() or "
                                                       "unrestricted(reason=...)"))
            continue
        methods, top = mod.chain_after(node)
        if not methods:
            # A bare manager handed to something else (a filterset, get_object_or_404) is read there.
            parent = mod.parents.get(node)
            if isinstance(parent, ast.Call) and node in parent.args or \
                    isinstance(parent, ast.keyword) and not _is_access_queryset_argument(mod, node):
                out.append(_v(mod, node, "protected_read", f"{label}.objects handed over unrestricted: pass "
                                                           "X.objects.restrict(user, action)"))
            continue
        if POLICY_METHODS & set(methods) or methods[0] in ("create", "bulk_create"):
            continue  # a pure insert reads nothing (inserts are rule write_outside_actions)
        if _is_access_queryset_argument(mod, top):
            continue
        out.append(_v(mod, node, "protected_read",
                      f"{label}.objects.{methods[0]}(...) reads around the policy: use restrict(user, action), "
                      "access_by_id() or unrestricted(reason=...)"))
    return out


def _shortcut_reads(mod: Module, info: ProjectInfo) -> list[Violation]:
    """``get_object_or_404(X, ...)`` / ``get_list_or_404(X, ...)`` and generic views with ``model = X``
    read X through its default manager."""
    out = []
    for node in ast.walk(mod.tree):
        target, what = None, ""
        if isinstance(node, ast.Call) and call_name(node) in ("get_object_or_404", "get_list_or_404") and node.args:
            target, what = node.args[0], f"{call_name(node)}()"
        elif isinstance(node, ast.ClassDef) and any((dotted(b) or "").endswith("View") for b in node.bases):
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "model" for t in stmt.targets):
                    target, what = stmt.value, f"generic view {node.name}"
        if target is None:
            continue
        models = [m for m in mod.resolve(target) if isinstance(m, type) and m in info.protected]
        if models:
            out.append(_v(mod, target, "protected_read", f"{what} reads {_label(models[0])} through its default "
                                                         "manager: use access_by_id() / restrict()"))
    return out


def _is_access_queryset_argument(mod: Module, node) -> bool:
    """``access_by_id(Model, user, pk, queryset=Model.objects.select_related(...))``: restricted inside."""
    parent = mod.parents.get(node)
    if isinstance(parent, ast.keyword) and parent.arg == "queryset":
        call = mod.parents.get(parent)
        name = call_name(call) if isinstance(call, ast.Call) else None
        return bool(name) and (name == "access_by_id" or (name.startswith("access_") and name.endswith("_by_id")))
    return False


def _receiver_hint(mod: Module, node) -> str | None:
    """A model name guessed from the receiver: ``thread.messages`` → "thread"; ``self`` → its class."""
    if isinstance(node, ast.Name):
        if node.id == "self":
            cls = mod.enclosing_class(node)
            return cls.name.lower() if cls is not None else None
        return node.id.lower().replace("_", "")
    if isinstance(node, ast.Attribute):
        return node.attr.lower().replace("_", "")
    return None


def _relations_for(mod: Module, info: ProjectInfo, receiver, accessor: str) -> list[Relation]:
    """The relations ``receiver.accessor`` may be; [] when it is certainly not a model relation."""
    relations = info.relations.get(accessor, [])
    if not relations:
        return []
    if any(isinstance(obj, type) for obj in mod.resolve(receiver)):
        return []  # class-level descriptor (``Model.rel.through``), not a row read
    hint = _receiver_hint(mod, receiver)
    if hint:
        matched = [r for r in relations if hint == r.owner._meta.model_name
                   or hint.endswith(r.owner._meta.model_name)]
        if matched:
            return matched
    return relations


# Read methods that dicts, lists and sets also have: only counted when the receiver's name says which
# model it is (``m.submissions.values()`` on a dict is not a relation).
AMBIGUOUS_READS = frozenset({"get", "values", "count", "contains", "reverse", "union"})


def _hint_matches(mod: Module, info: ProjectInfo, receiver, accessor: str) -> bool:
    hint = _receiver_hint(mod, receiver)
    return bool(hint) and any(hint == r.owner._meta.model_name or hint.endswith(r.owner._meta.model_name)
                              for r in info.relations.get(accessor, []))


def check_reverse_reads(mod: Module, info: ProjectInfo) -> list[Violation]:
    out = _prefetch_reads(mod, info)
    for node in ast.walk(mod.tree):
        if not (isinstance(node, ast.Attribute) and node.attr in info.relations):
            continue
        methods, _top = mod.chain_after(node)
        if not methods or methods[0] not in READ_QS_METHODS or POLICY_METHODS & set(methods):
            continue
        if methods[0] in AMBIGUOUS_READS and not _hint_matches(mod, info, node.value, node.attr):
            continue
        if methods == ["all"] and node.attr in _restricted_prefetches(mod, node):
            continue  # served from a prefetch that went through the policy
        relations = _relations_for(mod, info, node.value, node.attr)
        # Only when every relation the name may denote leads to a protected model (precision first).
        if not relations or not all(r.target in info.protected for r in relations):
            continue
        target = _label(relations[0].target)
        out.append(_v(mod, node, "reverse_read",
                      f".{node.attr}.{methods[0]}() reads {target} around its audience: use "
                      f"{relations[0].target.__name__}.objects.restrict(user, action).filter(...)"))
    return out


def _restricted_prefetches(mod: Module, node) -> set[str]:
    """Lookups prefetched in ``node``'s function as ``Prefetch("x", queryset=<...restrict()/unrestricted()...>)``:
    ``obj.x.all()`` then reads the prefetched, restricted rows."""
    scope = mod.enclosing(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or mod.tree
    found = set()
    for sub in ast.walk(scope):
        if isinstance(sub, ast.Call) and call_name(sub) == "Prefetch" and sub.args \
                and isinstance(sub.args[0], ast.Constant) and isinstance(sub.args[0].value, str):
            qs = sub.args[1] if len(sub.args) > 1 else next((k.value for k in sub.keywords if k.arg == "queryset"), None)
            if qs is None:
                continue
            if isinstance(qs, ast.Name):  # cited = Prefetch(...) with the queryset in a variable
                qs = next((a.value for a in ast.walk(scope) if isinstance(a, ast.Assign)
                           and any(isinstance(t, ast.Name) and t.id == qs.id for t in a.targets)), None)
            if qs is not None and any(isinstance(c, ast.Attribute) and c.attr in ("restrict", "unrestricted")
                                      for c in ast.walk(qs)):
                found.add(sub.args[0].value)
    return found


def _prefetch_reads(mod: Module, info: ProjectInfo) -> list[Violation]:
    """``X.objects....prefetch_related("children")`` (or ``Prefetch("children")`` without a queryset)
    where a hop of the lookup is a to-many relation to a protected model: the prefetch reads every child."""
    out = []
    for node in ast.walk(mod.tree):
        if not (isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager")):
            continue
        models = [m for m in mod.resolve(node.value) if isinstance(m, type) and hasattr(m, "_meta")]
        if not models:
            continue
        cur = node
        while True:
            parent = mod.parents.get(cur)
            if isinstance(parent, ast.Attribute) and parent.value is cur:
                cur = parent
                continue
            if isinstance(parent, ast.Call) and parent.func is cur:
                if isinstance(cur, ast.Attribute) and cur.attr == "prefetch_related":
                    for arg in parent.args:
                        lookup_path = None
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            lookup_path = arg.value
                        elif isinstance(arg, ast.Call) and call_name(arg) == "Prefetch" and arg.args \
                                and isinstance(arg.args[0], ast.Constant) and len(arg.args) < 2 \
                                and not any(k.arg == "queryset" for k in arg.keywords):
                            lookup_path = arg.args[0].value
                        target = _protected_hop(models[0], lookup_path, info) if lookup_path else None
                        if target is not None:
                            out.append(_v(mod, arg, "reverse_read",
                                          f'prefetch_related("{lookup_path}") reads {_label(target)} around its audience: '
                                          f'use Prefetch("{lookup_path.split("__")[0]}", queryset='
                                          f'{target.__name__}.objects.restrict(user, action))'))
                cur = parent
                continue
            break
    return out


def _protected_hop(model, lookup_path: str, info: ProjectInfo):
    """The protected model a to-many hop of ``lookup_path`` reaches from ``model``, if any."""
    for part in lookup_path.split("__"):
        rel = None
        for f in model._meta.get_fields():
            name = f.get_accessor_name() if f.auto_created and not f.concrete and hasattr(f, "get_accessor_name") \
                else f.name
            if name == part:
                rel = f
                break
        if rel is None or rel.related_model is None or isinstance(rel.related_model, str):
            return None
        if (rel.one_to_many or rel.many_to_many) and rel.related_model in info.protected:
            return rel.related_model
        model = rel.related_model
    return None


TEMPLATE_READ = re.compile(r"([A-Za-z_][\w]*)\.([A-Za-z_]\w*)\.(all|count|first|last|exists)\b")


def check_template_reverse_reads(text: str, path: str, info: ProjectInfo) -> list[Violation]:
    """``{% for m in thread.messages.all %}``: a template reading a protected child around its audience."""
    out = []
    for lineno, line in enumerate(text.splitlines(), 1):
        for match in TEMPLATE_READ.finditer(line):
            var, accessor, method = match.groups()
            relations = info.relations.get(accessor, [])
            if not relations:
                continue
            hint = var.lower().replace("_", "")
            matched = [r for r in relations if hint == r.owner._meta.model_name or hint.endswith(r.owner._meta.model_name)]
            relations = matched or relations
            if all(r.target in info.protected for r in relations):
                out.append(Violation(path, lineno, "reverse_read",
                                     f"{{{{ {var}.{accessor}.{method} }}}} reads {_label(relations[0].target)} around "
                                     "its audience: pass a restricted queryset from the view"))
    return out


# --- rule b: writes outside actions --------------------------------------------------------------------

def _write_exempt(mod: Module) -> bool:
    return mod.is_actions or mod.path in WRITE_EXEMPT_FILES


# Objects with a ``save()``/``delete()`` of their own that are not models: Django's session store
# (written by its middleware), ReportLab canvases and openpyxl workbooks (files, not rows).
NON_MODEL_SAVERS = ("session", "canvas", "workbook", "wb")


def _is_session(node) -> bool:
    last = (dotted(node) or "").lower().split(".")[-1]
    return any(last == word or last.endswith(word) for word in NON_MODEL_SAVERS) or "session" in last


def _queryset_like(mod: Module, node, info: ProjectInfo, depth: int = 0) -> bool:
    """Whether ``node`` evaluates to a queryset (of any model) as far as the syntax tells."""
    if depth > 8:
        return False
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        attr = node.func.attr
        if attr in QS_RETURNING - {"get", "first", "last", "count", "exists", "aggregate", "latest", "earliest",
                                   "in_bulk", "contains", "explain"}:
            inner = node.func.value
            if isinstance(inner, ast.Attribute) and inner.attr in ("objects", "_default_manager", "_base_manager"):
                return True
            if isinstance(inner, ast.Attribute) and inner.attr in info.relations:
                return True
            return _queryset_like(mod, inner, info, depth + 1)
    if isinstance(node, ast.Name):
        fn = mod.enclosing(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or mod.tree
        for sub in ast.walk(fn):
            if isinstance(sub, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id for t in sub.targets):
                if sub.value is not node and _queryset_like(mod, sub.value, info, depth + 1):
                    return True
    return False


def check_writes_outside_actions(mod: Module, info: ProjectInfo) -> list[Violation]:
    if _write_exempt(mod):
        return []
    out, seen = [], set()

    def add(node, message):
        key = node.lineno  # one report per line (a chain's .delete() is also its manager's write)
        if key not in seen:
            seen.add(key)
            out.append(_v(mod, node, "write_outside_actions", message))

    for node in ast.walk(mod.tree):
        # X.objects.create(...), X.objects.filter(...).update(...), ...
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager", "_base_manager"):
            models = [m for m in mod.resolve(node.value) if info.is_project_model(m)]
            if not models and not mod.local_model_class(node.value):
                continue
            methods, _top = mod.chain_after(node)
            writes = [m for m in methods if m in WRITE_QS_METHODS]
            if writes:
                name = _label(models[0]) if models else dotted(node.value)
                add(node, f"{name}.objects...{writes[0]}(): state changes go through a do_* action")
            continue
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attr, receiver = node.func.attr, node.func.value
        if attr in ("save", "delete") and not node.args:
            if isinstance(receiver, ast.Call) and call_name(receiver) == "super":
                continue  # a model's own save()/delete() override calling Django's
            if _is_session(receiver):
                continue  # the session store, not a model
            if attr == "save" and any(k.arg == "commit" and isinstance(k.value, ast.Constant) and k.value.value is False
                                      for k in node.keywords):
                continue  # ModelForm.save(commit=False) builds an unsaved instance
            if isinstance(receiver, ast.Attribute) and receiver.attr in ("objects", "_default_manager"):
                continue  # reported by the manager branch above
            add(node, f"{dotted(receiver) or '...'}.{attr}(): state changes go through a do_* action")
        elif attr == "update" and not node.args and node.keywords and all(k.arg for k in node.keywords):
            if _queryset_like(mod, receiver, info) and not _manager_chain(receiver):
                add(node, "queryset .update(...): state changes go through a do_* action")
        elif attr in WRITE_RELATED_METHODS and isinstance(receiver, ast.Attribute) \
                and receiver.attr in info.relations:
            rels = _relations_for(mod, info, receiver.value, receiver.attr)
            if rels and all(info.is_project_model(r.owner) or info.is_project_model(r.target) for r in rels):
                add(node, f".{receiver.attr}.{attr}(): state changes go through a do_* action")
    return out


def _manager_chain(node) -> bool:
    """Whether a chain starts at ``X.objects`` (those writes are reported by the manager branch)."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            if node.attr in ("objects", "_default_manager", "_base_manager"):
                return True
            node = node.value
        else:
            return False


# --- rule c: do_* actions are atomic and log --------------------------------------------------------

def _is_atomic(decorator) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = dotted(target) or ""
    return name in ("transaction.atomic", "atomic", "django.db.transaction.atomic")


def _calls(fn) -> set[str]:
    names = set()
    for sub in ast.walk(fn):
        if isinstance(sub, ast.Call):
            name = call_name(sub)
            if name:
                names.add(name)
    return names


def logging_functions(modules: list[Module]) -> set[tuple[str, str]]:
    """(module, function) pairs that reach ``log_event``: directly, through a helper of their module
    or through a ``do_*`` of any actions module that does."""
    funcs = {}
    for mod in modules:
        for node in mod.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                funcs[(mod.module, node.name)] = _calls(node)
    logs = {key for key, calls in funcs.items() if "log_event" in calls}
    changed = True
    while changed:
        changed = False
        logging_do = {name for (_m, name) in logs if name.startswith("do_")}
        for key, calls in funcs.items():
            if key in logs:
                continue
            module = key[0]
            if calls & logging_do or any((module, c) in logs for c in calls):
                logs.add(key)
                changed = True
    return logs


def check_actions(mod: Module, info: ProjectInfo, logging: set | None = None) -> list[Violation]:
    if not mod.is_actions:
        return []
    if logging is None:
        logging = logging_functions([mod])
    out = []
    for node in mod.tree.body:
        if not (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("do_")):
            continue
        if not any(_is_atomic(d) for d in node.decorator_list):
            out.append(_v(mod, node, "action_atomic", f"{node.name} is not decorated @transaction.atomic"))
        if (mod.module, node.name) not in logging:
            out.append(_v(mod, node, "action_logs", f"{node.name} never calls log_event"))
    return out


# --- rule d: audit kinds ------------------------------------------------------------------------------

def check_audit_kinds(mod: Module, info: ProjectInfo) -> list[Violation]:
    out = []
    for node in ast.walk(mod.tree):
        if not (isinstance(node, ast.Call) and call_name(node) == "log_event"):
            continue
        kind = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "kind"), None)
        if isinstance(kind, ast.Constant) and isinstance(kind.value, str):
            if kind.value not in info.audit_kinds:
                out.append(_v(mod, node, "audit_kind", f'log_event("{kind.value}") is not an AuditEvent.Kind'))
        elif isinstance(kind, ast.Attribute) and (dotted(kind.value) or "").endswith("Kind"):
            if kind.attr not in info.audit_kind_names:
                out.append(_v(mod, node, "audit_kind", f"log_event(...Kind.{kind.attr}) is not an AuditEvent.Kind"))
    return out


# --- rule e: GET views that write --------------------------------------------------------------------

def _is_do_call(node) -> bool:
    return isinstance(node, ast.Call) and (call_name(node) or "").startswith("do_")


def _method_test(test) -> tuple[bool, bool] | None:
    """For an ``if`` on ``request.method``: (body excludes GET, else-branch excludes GET); None otherwise."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        for value in test.values:
            res = _method_test(value)
            if res and res[0]:
                return True, False  # "POST and ...": body is POST-only, the else says nothing
        return None
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if (dotted(left) or "").split(".")[-1] != "method":
        left, right = right, left
        if (dotted(left) or "").split(".")[-1] != "method":
            return None
    values = set()
    if isinstance(right, ast.Constant) and isinstance(right.value, str):
        values = {right.value.upper()}
    elif isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        values = {e.value.upper() for e in right.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    else:
        return None
    unsafe = values <= {"POST", "PUT", "PATCH", "DELETE"}
    if isinstance(op, (ast.Eq, ast.In)):
        return (unsafe, values == {"GET"} or values == {"GET", "HEAD"})
    if isinstance(op, (ast.NotEq, ast.NotIn)):
        return (values == {"GET"} or values == {"GET", "HEAD"}, unsafe)
    return None


def _exits(body) -> bool:
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise))


def _unguarded_do_calls(stmts, guarded: bool) -> list[ast.Call]:
    found = []
    for stmt in stmts:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(stmt, ast.If):
            res = _method_test(stmt.test)
            body_guard, else_guard = res if res else (False, False)
            if not guarded:
                found.extend(c for c in ast.walk(stmt.test) if _is_do_call(c))
            found.extend(_unguarded_do_calls(stmt.body, guarded or body_guard))
            found.extend(_unguarded_do_calls(stmt.orelse, guarded or else_guard))
            # "if request.method != 'POST': return ...": everything after is not GET.
            if res and else_guard and _exits(stmt.body):
                guarded = True
            if res and body_guard and _exits(stmt.orelse) and stmt.orelse:
                guarded = True
            continue
        if guarded:
            continue
        nested = [getattr(stmt, f) for f in ("body", "orelse", "finalbody", "handlers") if hasattr(stmt, f)]
        if nested and not isinstance(stmt, (ast.Expr, ast.Assign, ast.Return)):
            # compound statement: its own expressions, then its blocks
            for fname in ("test", "iter", "items", "target"):
                part = getattr(stmt, fname, None)
                if part is not None:
                    parts = part if isinstance(part, list) else [part]
                    for p in parts:
                        found.extend(c for c in ast.walk(p) if _is_do_call(c))
            for block in nested:
                for sub in block:
                    if isinstance(sub, ast.ExceptHandler):
                        found.extend(_unguarded_do_calls(sub.body, guarded))
                    else:
                        found.extend(_unguarded_do_calls([sub], guarded))
            continue
        found.extend(c for c in ast.walk(stmt) if _is_do_call(c))
    return found


def _decorator_methods(fn) -> set[str] | None:
    """HTTP methods a view is limited to by its decorators, or None if not limited."""
    for d in fn.decorator_list:
        name = (dotted(d.func if isinstance(d, ast.Call) else d) or "").split(".")[-1]
        if name == "require_POST":
            return {"POST"}
        if name == "require_safe" or name == "require_GET":
            return {"GET", "HEAD"}
        if name in ("require_http_methods", "api_view") and isinstance(d, ast.Call):
            arg = d.args[0] if d.args else next((k.value for k in d.keywords if k.arg == "http_method_names"), None)
            if isinstance(arg, (ast.List, ast.Tuple, ast.Set)):
                return {e.value.upper() for e in arg.elts if isinstance(e, ast.Constant)}
            if name == "api_view" and arg is None:
                return {"GET"}
        if name == "action":
            methods = next((k.value for k in (d.keywords if isinstance(d, ast.Call) else []) if k.arg == "methods"), None)
            if isinstance(methods, (ast.List, ast.Tuple, ast.Set)):
                return {e.value.upper() for e in methods.elts if isinstance(e, ast.Constant)}
            return {"GET"}  # DRF's default for @action
    return None


def check_get_writes(mod: Module, info: ProjectInfo) -> list[Violation]:
    if mod.is_actions:
        return []
    out = []
    for node in ast.walk(mod.tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        in_class = isinstance(mod.parents.get(node), ast.ClassDef)
        methods = _decorator_methods(node)
        arg_names = [a.arg for a in node.args.args]
        if in_class:
            serves_get = (methods is not None and "GET" in methods) or (methods is None and node.name in GET_METHODS)
            if not serves_get:
                continue
            only_get = methods is None or methods <= {"GET", "HEAD"}
            calls = ([c for c in ast.walk(node) if _is_do_call(c)] if only_get
                     else _unguarded_do_calls(node.body, False))
            where = f"{mod.parents[node].name}.{node.name}"
        else:
            # A view takes the request first; private helpers (``_store_attachment``) are judged
            # where they are called from.
            if not arg_names or arg_names[0] != "request" or node.name.startswith("_"):
                continue
            if methods is not None and "GET" not in methods:
                continue
            only_get = methods is not None and methods <= {"GET", "HEAD"}
            calls = ([c for c in ast.walk(node) if _is_do_call(c)] if only_get
                     else _unguarded_do_calls(node.body, False))
            where = node.name
        for call in calls:
            out.append(_v(mod, call, "get_writes", f"{where} calls {call_name(call)}() on GET: actions run on POST only"))
    return out


# --- rule f: a contract class per protected model ------------------------------------------------------

def contract_models(test_modules: list[Module]) -> dict[type, list[str]]:
    """{model: [where]} for every ProtectedModelContract subclass (by name, across test files) that sets ``model``."""
    classes = {}
    for mod in test_modules:
        for node in ast.walk(mod.tree):
            if isinstance(node, ast.ClassDef):
                bases = {(dotted(b) or "").split(".")[-1] for b in node.bases}
                model_node = None
                for stmt in node.body:
                    if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "model"
                                                            for t in stmt.targets):
                        model_node = stmt.value
                classes.setdefault(node.name, []).append((mod, node, bases, model_node))
    contract_names = {"ProtectedModelContract"}
    changed = True
    while changed:
        changed = False
        for name, entries in classes.items():
            if name not in contract_names and any(bases & contract_names for _m, _n, bases, _mn in entries):
                contract_names.add(name)
                changed = True
    found: dict[type, list[str]] = {}
    for name in contract_names:
        for mod, node, _bases, model_node in classes.get(name, []):
            if model_node is None:
                continue
            for obj in mod.resolve(model_node):
                if isinstance(obj, type):
                    found.setdefault(obj, []).append(f"{mod.path}:{node.lineno}")
    return found


def check_contracts(test_modules: list[Module], info: ProjectInfo, models=None) -> list[Violation]:
    covered = contract_models(test_modules)
    out = []
    for model in sorted(models if models is not None else info.protected, key=_label):
        if any(part in CONTRACT_EXEMPT_MODULE_PARTS for part in model.__module__.split(".")):
            continue
        if model not in covered:
            path = model.__module__.replace(".", "/") + ".py"
            try:
                line = inspect.getsourcelines(model)[1]
            except (OSError, TypeError):
                line = 0
            out.append(Violation(path, line, "contract", f"{_label(model)} has no ProtectedModelContract subclass "
                                                      "with model = " + model.__name__))
    return out


# --- rule g: docstrings ----------------------------------------------------------------------------------

def check_docstrings(mod: Module, info: ProjectInfo) -> list[Violation]:
    out = []
    if mod.is_models:
        model_names = set()
        for node in mod.tree.body:
            if isinstance(node, ast.ClassDef) and _is_model_class(mod, node, model_names):
                model_names.add(node.name)
                if not ast.get_docstring(node):
                    out.append(_v(mod, node, "docstring", f"model {node.name} has no docstring"))
    if mod.is_actions:
        for node in mod.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("do_") \
                    and not ast.get_docstring(node):
                out.append(_v(mod, node, "docstring", f"action {node.name} has no docstring"))
    return out


def _is_model_class(mod: Module, node: ast.ClassDef, local_models: set[str]) -> bool:
    from django.db import models as djm

    for base in node.bases:
        if isinstance(base, ast.Name) and base.id in local_models:
            return True
        for obj in mod.resolve(base):
            if isinstance(obj, type) and issubclass(obj, djm.Model):
                return True
    return False


# --- running everything -----------------------------------------------------------------------------------

MODULE_CHECKS = {
    "protected_read": check_protected_reads,
    "reverse_read": check_reverse_reads,
    "write_outside_actions": check_writes_outside_actions,
    "audit_kind": check_audit_kinds,
    "get_writes": check_get_writes,
    "docstring": check_docstrings,
}


def _excluded(rel: Path) -> bool:
    parts = rel.parts
    return "migrations" in parts or "tests" in parts or parts[:2] == ("enlace", "testing")


def load_modules(root: Path, *, tests: bool = False) -> list[Module]:
    """Parsed ``enlace/**/*.py`` under ``root``: product code, or (``tests=True``) the test files."""
    mods = []
    for path in sorted((root / "enlace").rglob("*.py")):
        rel = path.relative_to(root)
        if ".venv" in rel.parts or "__pycache__" in rel.parts:
            continue
        if tests != ("tests" in rel.parts) or (not tests and _excluded(rel)):
            continue
        mods.append(Module(path.read_text(encoding="utf-8"), rel.as_posix()))
    return mods


def check_project(root: Path, info: ProjectInfo | None = None) -> dict[str, list[Violation]]:
    """{rule: sorted violations} over the whole project."""
    info = info or ProjectInfo.from_registry()
    modules = load_modules(root)
    results: dict[str, list[Violation]] = {rule: [] for rule in RULES}
    for mod in modules:
        for rule, check in MODULE_CHECKS.items():
            results[rule].extend(check(mod, info))
    logging = logging_functions([m for m in modules if m.is_actions])
    for mod in modules:
        for v in check_actions(mod, info, logging):
            results[v.rule].append(v)
    results["contract"].extend(check_contracts(load_modules(root, tests=True), info))
    for path in sorted((root / "enlace").rglob("templates/**/*.html")):
        rel = path.relative_to(root)
        if not _excluded(rel):
            results["reverse_read"].extend(check_template_reverse_reads(path.read_text(encoding="utf-8"),
                                                                        rel.as_posix(), info))
    return {rule: sorted(vs) for rule, vs in results.items()}


def app_of(path: str) -> str:
    parts = Path(path).parts
    return parts[1] if len(parts) > 2 and parts[0] == "enlace" else parts[0]


def markdown_report(results: dict[str, list[Violation]]) -> str:
    """The violations per app, then per rule (``python -m enlace.testing.conventions``)."""
    by_app: dict[str, list[Violation]] = {}
    for vs in results.values():
        for v in vs:
            by_app.setdefault(app_of(v.path), []).append(v)
    total = sum(len(vs) for vs in results.values())
    lines = [f"Total: {total}. Per rule: " + ", ".join(f"`{r}` {len(vs)}" for r, vs in results.items()), ""]
    for app in sorted(by_app):
        lines.append(f"## {app} ({len(by_app[app])})")
        for rule in RULES:
            vs = [v for v in by_app[app] if v.rule == rule]
            if vs:
                lines.append(f"- **{rule}** — {RULES[rule]}:")
                lines.extend(f"  - `{v.path}:{v.line}` {v.message}" for v in sorted(vs))
        lines.append("")
    return "\n".join(lines)


def main() -> None:  # pragma: no cover - a developer's command
    import os
    import sys

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enlace.settings.test")
    django.setup()
    root = Path(__file__).resolve().parents[2]
    results = check_project(root)
    sys.stdout.write(markdown_report(results) + "\n")


if __name__ == "__main__":  # pragma: no cover
    main()
