"""The controlled vocabulary of themes and the offline proposer (TF-IDF cosine, pure Python).

Each theme has a short Spanish vocabulary. Recommendations and actions are compared with those
vocabularies (themes) and with each other (recommendation ↔ action links) using TF-IDF vectors of
folded, stemmed words (``search.terms``). Nothing leaves the machine; no model is downloaded.
"""

from __future__ import annotations

import math
from collections import Counter

from .search import terms

# code, Spanish name, English name, vocabulary used by the proposer
THEMES = [
    ("legislacion", "Penalización y legislación", "Criminalisation and legislation",
     "legislación ley leyes penalizar penalización tipificar tipificación delito tipo penal sanciones agravantes "
     "homologar armonizar legislaciones marco jurídico ratificar adherirse protocolo"),
    ("investigacion", "Investigación e inteligencia", "Investigation and intelligence",
     "investigación investigaciones inteligencia técnicas especiales investigación entrega vigilada "
     "operaciones encubiertas desarticulación redes estructuras delictivas enjuiciamiento persecución pruebas"),
    ("finanzas", "Investigación financiera y decomiso", "Financial investigation and confiscation",
     "financiera financieras producto del delito decomiso incautación blanqueo dinero activos bienes "
     "corrientes financieras beneficio económico afectación económica"),
    ("cooperacion", "Cooperación internacional y asistencia judicial", "International cooperation and MLA",
     "cooperación internacional asistencia judicial recíproca jurídica extradición equipos conjuntos "
     "fiscales enlace bilateral multilateral transfronteriza autoridades centrales"),
    ("informacion", "Intercambio de información y datos", "Information exchange and data",
     "intercambio información datos bases de datos compartir información inteligencia puntos focales "
     "directorio contactos interpol plataforma segura comunicación"),
    ("fronteras", "Seguridad fronteriza y documental", "Border and document security",
     "fronteras frontera fronterizos documentos fraudulentos documentos de viaje identidad control migratorio "
     "transportistas visado aeropuertos"),
    ("proteccion", "Protección y asistencia", "Protection and assistance",
     "protección asistencia víctimas derechos humanos albergue atención salud psicosocial indemnización "
     "testigos apoyo alojamiento seguro"),
    ("vulnerables", "Niñez y grupos vulnerables", "Children and vulnerable groups",
     "niños niñas adolescentes menores no acompañados mujeres vulnerables vulnerabilidad género "
     "interés superior del niño discapacidad"),
    ("retorno", "Retorno y reintegración", "Return and reintegration",
     "retorno regreso repatriación reintegración readmisión país de origen retorno ordenado"),
    ("prevencion", "Prevención y sensibilización", "Prevention and awareness",
     "prevención prevenir sensibilización campañas concienciación difusión causas fundamentales demanda "
     "información pública comunidades"),
    ("capacitacion", "Capacitación y asistencia técnica", "Training and technical assistance",
     "capacitación capacitar formación talleres asistencia técnica fomento capacidad manual cursos "
     "funcionarios especializados"),
    ("mar", "Tráfico por mar", "Smuggling by sea",
     "mar marítimo buques embarcaciones rescate salvamento navegación tripulación alta mar"),
    ("corrupcion", "Corrupción", "Corruption",
     "corrupción funcionarios corruptos soborno integridad"),
    ("tecnologias", "Nuevas tecnologías", "New technologies",
     "tecnología tecnologías internet redes sociales cibercrimen ciberdelincuencia electrónicas en línea "
     "medios digitales"),
    ("sociedad-civil", "Sociedad civil", "Civil society",
     "sociedad civil organizaciones no gubernamentales sector privado interesados alianzas"),
    ("investigacion-datos", "Investigación académica y datos", "Research and data",
     "estudio estudios diagnóstico estadísticas informe mundial tendencias recopilar datos análisis "
     "tipologías mapeo investigaciones sobre"),
]

THEME_MIN_SCORE = 0.06
THEME_MAX = 3
LINK_MIN_SCORE = 0.22
LINK_MAX_PER_ACTION = 4


class TfIdf:
    def __init__(self, documents: list[list[str]]):
        self.n = len(documents)
        df = Counter()
        for doc in documents:
            df.update(set(doc))
        self.idf = {t: math.log((1 + self.n) / (1 + c)) + 1 for t, c in df.items()}

    def vector(self, tokens: list[str]) -> dict[str, float]:
        tf = Counter(tokens)
        vec = {t: (1 + math.log(c)) * self.idf.get(t, 1.0) for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def propose_themes(texts: dict, themes: dict[str, str]) -> dict:
    """``texts``: {id: text}; ``themes``: {code: vocabulary}. Returns {id: [(code, score), …]} (≥ 1 each)."""
    docs = {k: terms(v) for k, v in texts.items()}
    theme_docs = {c: terms(v) for c, v in themes.items()}
    model = TfIdf(list(docs.values()) + list(theme_docs.values()))
    tvecs = {c: model.vector(t) for c, t in theme_docs.items()}
    out = {}
    for k, tokens in docs.items():
        vec = model.vector(tokens)
        scored = sorted(((c, cosine(vec, tv)) for c, tv in tvecs.items()), key=lambda x: -x[1])
        chosen = [(c, s) for c, s in scored[:THEME_MAX] if s >= THEME_MIN_SCORE] or scored[:1]
        out[k] = [(c, round(s, 4)) for c, s in chosen]
    return out


def propose_links(recommendations: dict, actions: dict) -> list[tuple]:
    """Pairs (rec id, action id, score): for each action the closest recommendations above a threshold."""
    rdocs = {k: terms(v) for k, v in recommendations.items()}
    adocs = {k: terms(v) for k, v in actions.items()}
    model = TfIdf(list(rdocs.values()) + list(adocs.values()))
    rvecs = {k: model.vector(t) for k, t in rdocs.items()}
    out = []
    for a, tokens in adocs.items():
        avec = model.vector(tokens)
        scored = sorted(((r, cosine(avec, rv)) for r, rv in rvecs.items()), key=lambda x: -x[1])
        for r, s in scored[:LINK_MAX_PER_ACTION]:
            if s >= LINK_MIN_SCORE:
                out.append((r, a, round(s, 4)))
    return out


def best_matches(old: dict, new: dict, threshold: float = 0.35) -> dict:
    """For each old text, the most similar new text (draft action → the final action it became)."""
    odocs = {k: terms(v) for k, v in old.items()}
    ndocs = {k: terms(v) for k, v in new.items()}
    model = TfIdf(list(odocs.values()) + list(ndocs.values()))
    nvecs = {k: model.vector(t) for k, t in ndocs.items()}
    out = {}
    for k, tokens in odocs.items():
        vec = model.vector(tokens)
        best = max(((n, cosine(vec, nv)) for n, nv in nvecs.items()), key=lambda x: x[1], default=(None, 0))
        if best[0] is not None and best[1] >= threshold:
            out[k] = best[0]
    return out
