from django.core.management.base import BaseCommand, CommandError

from enlace.knowledge.actions import KnowledgeImportError, do_import_knowledge, seeds_dir


class Command(BaseCommand):
    help = ("Import the work plan 2019–2025 (and its 2018 draft) and the UN working groups' recommendations "
            "from the seed texts. Idempotent: a changed text is reported as differences.")

    def add_arguments(self, parser):
        parser.add_argument("--seeds", help="Directory with the seed texts (default: $ENLACE_SEEDS_DIR, "
                                            "../shared/seeds, or the copy shipped with the app).")

    def handle(self, *args, **options):
        base = seeds_dir(options.get("seeds"))
        try:
            summary = do_import_knowledge(base)
        except KnowledgeImportError as exc:
            raise CommandError(str(exc)) from exc
        out = self.stdout
        out.write(f"Textos fuente: {base}")
        plan = summary["plan"]
        out.write(f"Plan de Trabajo 2019–2025: {len(plan)} ejes, {sum(plan.values())} acciones")
        for axis, n in plan.items():
            out.write(f"  Eje {axis}: {n} acciones")
        draft = summary["draft"]
        out.write(f"Borrador 2018 (reemplazado): {sum(draft.values())} acciones, "
                  f"{summary['draft_links']} vinculadas a la versión final")
        for code, label in (("tim", "Grupo de Trabajo sobre el Tráfico Ilícito de Migrantes (TIM)"),
                            ("tdp", "Grupo de Trabajo sobre la Trata de Personas (TDP)")):
            meetings = summary[code]
            out.write(f"{label}: {sum(meetings.values())} recomendaciones, {summary['items'][code]} apartados")
            for roman, n in meetings.items():
                out.write(f"  Reunión {roman}: {n}")
        p = summary["proposals"]
        out.write(f"Propuestas nuevas: {p['tags']} temas, {p['links']} vínculos recomendación–acción")
        out.write(f"Índice de búsqueda: {summary['indexed']} textos")
        diffs = summary["difference_list"]
        if diffs:
            out.write(self.style.WARNING(f"Diferencias con la importación anterior: {len(diffs)}"))
            for d in diffs[:100]:
                before = str(d["before"])[:80].replace("\n", " ")
                after = str(d["after"])[:80].replace("\n", " ")
                out.write(f"  {d['key']} · {d['field']}: «{before}» → «{after}»")
        else:
            out.write("Sin diferencias con la importación anterior.")
