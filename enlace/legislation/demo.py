"""Demo data: a completed, validated round for several countries (clearly marked as demo content)."""

import datetime

from django.db import transaction

from enlace.accounts.models import User
from enlace.core.models import Country

from . import actions
from .models import Answer, Indicator, Round

DEMO_ROUND = "Ronda 2025 de matrices de legislación (datos de demostración)"
OPEN_ROUND = "Ronda 2026 de matrices de legislación (datos de demostración)"
DEMO_NOTE = "Datos de demostración: valores ilustrativos, no reflejan la legislación vigente del país."

AGG = ["peligro_vida", "trato_inhumano", "explotacion", "menores", "funcionario", "grupo_organizado", "armas",
       "muerte_lesiones"]
# country: (TIM min, TIM max, TDP min, TDP max, how many aggravating circumstances, share of "sí", publish?)
PROFILES = {
    "GTM": (5, 8, 8, 18, 6, 0.85, True),
    "HND": (6, 9, 10, 15, 5, 0.75, True),
    "SLV": (4, 8, 8, 12, 4, 0.7, False),
    "MEX": (8, 16, 15, 30, 8, 0.9, True),
    "CRI": (2, 6, 6, 10, 5, 0.65, False),
    "PAN": (5, 10, 15, 20, 3, 0.6, True),
}


def _answers(code, profile):
    tim_min, tim_max, tdp_min, tdp_max, n_agg, share, _pub = profile
    data = {}
    inds = list(Indicator.objects.order_by("order"))
    status_inds = [i for i in inds if i.kind == Indicator.Kind.STATUS]
    n_yes = round(len(status_inds) * share)
    for pos, ind in enumerate(inds):
        row = {"comment": DEMO_NOTE}
        if ind.kind == Indicator.Kind.YEARS:
            row["years"] = {"TIM-pena-min": tim_min, "TIM-pena-max": tim_max,
                            "TDP-pena-min": tdp_min, "TDP-pena-max": tdp_max}[ind.code]
            row["citation"] = "Código Penal, art. 103" if ind.code.startswith("TIM") else "Ley contra la trata, art. 2"
        elif ind.kind == Indicator.Kind.MULTI:
            offset = (len(code) + sum(map(ord, code))) % 3
            row["options"] = AGG[offset:offset + n_agg] or AGG[:n_agg]
            row["citation"] = "Código Penal, art. 104" if ind.code.startswith("TIM") else "Ley contra la trata, art. 3"
        else:
            idx = status_inds.index(ind)
            rank = (idx * 7 + sum(map(ord, code))) % len(status_inds)
            if rank < n_yes:
                row["status"] = Answer.Status.YES
            elif rank < n_yes + 2:
                row["status"] = Answer.Status.PARTLY
            else:
                row["status"] = Answer.Status.NO
            if row["status"] != Answer.Status.NO:
                row["citation"] = f"Código Penal, art. {100 + idx}" if ind.code.startswith("TIM") else \
                    f"Ley contra la trata de personas, art. {idx}"
        data[ind.code] = row
    return data


@transaction.atomic
def load_demo(stdout=None) -> None:
    actions.do_load_catalogue()
    st = User.objects.filter(username="st.crm").first()
    if st is None or Round.objects.filter(title=DEMO_ROUND).exists():
        if stdout:
            stdout.write("Legislación: datos de demostración ya cargados (o faltan los usuarios de demostración).")
        return
    codes = [c for c in PROFILES if User.objects.filter(username=f"enlace.{c.lower()}").exists()]
    countries = list(Country.objects.filter(code__in=codes))
    rnd = actions.do_open_round(st, title=DEMO_ROUND, deadline=datetime.date(2025, 7, 21), countries=countries,
                                instructions=DEMO_NOTE)
    editor = User.objects.filter(username="editor.crm").first()
    for code in codes:
        fp = User.objects.get(username=f"enlace.{code.lower()}")
        inst = actions.do_create_instrument(fp, title="Código Penal (datos de demostración)", kind="code",
                                            number="Demo", official_url="https://example.invalid/codigo-penal")
        req_codes = {"TIM-6.1.a", "TIM-6.3"}
        from .models import Requirement

        actions.do_create_provision(fp, inst, article="art. 103", text=DEMO_NOTE,
                                    requirements=list(Requirement.objects.filter(code__in=req_codes)))
        sub = actions.do_start_submission(fp, rnd, demo=True)
        actions.do_save_answers(fp, sub, _answers(code, PROFILES[code]), public_consent=PROFILES[code][6])
        actions.do_submit_submission(fp, sub)
        validator = User.objects.filter(username=f"cancilleria.{code.lower()}").first() or st
        actions.do_validate_submission(validator, sub)
        sub.refresh_from_db()
        if PROFILES[code][6] and editor is not None:
            actions.do_publish_submission(editor, sub)
    actions.do_close_round(st, rnd)
    rest = list(Country.objects.filter(kind=Country.Kind.MEMBER))
    actions.do_open_round(st, title=OPEN_ROUND, deadline=datetime.date.today() + datetime.timedelta(days=30),
                          countries=rest, instructions=DEMO_NOTE)
    if stdout:
        stdout.write(f"Legislación: ronda validada de demostración para {len(codes)} países; ronda 2026 abierta.")



