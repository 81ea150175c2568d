"""Bulk import of persons, documents, phones, organisations and links from CSV, XLSX or FtM JSON.

Two passes: ``parse_rows`` checks every line and collects line-level errors (line, column, why);
only when there is none does ``apply_rows`` create the records, inside the caller's transaction. A
failed batch imports nothing.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Entity, Link
from .validation import MAX_NAME, MAX_TEXT, CellError, clean_country, clean_date, clean_phones, clean_text

MAX_ROWS = 10_000
MAX_BYTES = 10 * 1024 * 1024
PREVIEW_ROWS = 10


class ImportFailed(Exception):
    pass


# target field -> (label, synonyms of column headers, in lower case without accents)
TARGETS = {
    "schema": (gettext_lazy("Tipo de entidad"), ["schema", "tipo", "tipo_entidad", "entidad", "type"]),
    "name": (gettext_lazy("Nombre (organización, vehículo, …)"), ["name", "nombre", "razon_social", "denominacion"]),
    "given_names": (gettext_lazy("Nombres"), ["given_names", "nombres", "nombre_s", "first_name", "primer_nombre"]),
    "surname_1": (gettext_lazy("Primer apellido"), ["surname_1", "apellido_1", "primer_apellido", "apellido",
                                                   "apellido_paterno", "last_name", "surname"]),
    "surname_2": (gettext_lazy("Segundo apellido"), ["surname_2", "apellido_2", "segundo_apellido",
                                                    "apellido_materno"]),
    "sex": (gettext_lazy("Sexo"), ["sex", "sexo", "genero", "gender"]),
    "dob": (gettext_lazy("Fecha de nacimiento"), ["dob", "fecha_nacimiento", "fecha_de_nacimiento", "nacimiento",
                                                 "birth_date", "date_of_birth"]),
    "nationality": (gettext_lazy("Nacionalidad (ISO alfa-3)"), ["nationality", "nacionalidad", "pais", "country"]),
    "role": (gettext_lazy("Función en el caso"), ["role", "funcion", "rol", "calidad", "condicion"]),
    "phone": (gettext_lazy("Teléfonos"), ["phone", "telefono", "telefonos", "celular", "movil", "phones"]),
    "doc_type": (gettext_lazy("Tipo de documento"), ["doc_type", "tipo_documento", "tipo_de_documento",
                                                    "document_type"]),
    "doc_number": (gettext_lazy("Número de documento"), ["doc_number", "numero_documento", "documento", "pasaporte",
                                                        "passport", "document_number", "no_documento"]),
    "doc_country": (gettext_lazy("País emisor del documento"), ["doc_country", "pais_emisor", "issuing_country"]),
    "notes": (gettext_lazy("Observaciones"), ["notes", "observaciones", "notas", "comentarios"]),
}
MAX_LENGTHS = {"schema": 40, "name": 300, "given_names": MAX_NAME, "surname_1": MAX_NAME, "surname_2": MAX_NAME,
               "sex": 20, "dob": 40, "nationality": 40, "role": 60, "phone": 400, "doc_type": 60,
               "doc_number": 100, "doc_country": 40, "notes": MAX_TEXT}

ROLE_WORDS = {
    "suspect": Entity.Role.SUSPECT, "sospechoso": Entity.Role.SUSPECT, "sospechosa": Entity.Role.SUSPECT,
    "persona sospechosa": Entity.Role.SUSPECT, "imputado": Entity.Role.SUSPECT, "traficante": Entity.Role.SUSPECT,
    "smuggled_migrant": Entity.Role.SMUGGLED_MIGRANT, "migrante": Entity.Role.SMUGGLED_MIGRANT,
    "migrante objeto de trafico": Entity.Role.SMUGGLED_MIGRANT, "smuggled migrant": Entity.Role.SMUGGLED_MIGRANT,
    "persona objeto de trafico": Entity.Role.SMUGGLED_MIGRANT,
    "related_victim": Entity.Role.RELATED_VICTIM, "victima de delito conexo": Entity.Role.RELATED_VICTIM,
    "victim of a related crime": Entity.Role.RELATED_VICTIM,
    "trafficking_victim": Entity.Role.TRAFFICKING_VICTIM, "victima de trata": Entity.Role.TRAFFICKING_VICTIM,
    "trafficking victim": Entity.Role.TRAFFICKING_VICTIM,
    "witness": Entity.Role.WITNESS, "testigo": Entity.Role.WITNESS,
}
SEX_WORDS = {"f": "F", "femenino": "F", "mujer": "F", "female": "F", "m": "M", "masculino": "M", "hombre": "M",
             "male": "M", "x": "X", "otro": "X", "other": "X", "no consta": "X"}
SCHEMA_WORDS = {**{s.lower(): s for s in Entity.Schema.values},
                "persona": "Person", "organizacion": "Organization", "vehiculo": "Vehicle",
                "embarcacion": "Vessel", "documento": "Identification", "pasaporte": "Passport",
                "cuenta bancaria": "BankAccount", "cuenta": "BankAccount", "pago": "Payment",
                "direccion": "Address", "evento": "Event"}
DOC_SCHEMAS = {"pasaporte": "Passport", "passport": "Passport"}


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower().strip()
    return re.sub(r"\s+", " ", text)


def header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


@dataclass
class Parsed:
    file_format: str
    header: list[str]
    total_rows: int
    preview: list[list[str]] = field(default_factory=list)


# --- reading files -------------------------------------------------------------------------------------------------

def detect_format(name: str, data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"[") or (name or "").lower().endswith((".json", ".ftm", ".jsonl", ".ijson")):
        return "ftm"
    return "csv"


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or a clear message naming the line of the first bad byte."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ValidationError(_("El archivo está en UTF-16. Guárdelo como «CSV UTF-8» y vuelva a subirlo."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ValidationError(_(
            "El archivo no está codificado en UTF-8 (primer carácter no válido en la línea %(line)s; parece "
            "Windows-1252 o Latin-1). En Excel use «Guardar como → CSV UTF-8» y vuelva a subirlo. No se importó nada."
        ) % {"line": line}) from None


def _csv_reader(text: str):
    sample = text[:4096]
    first = sample.splitlines()[0] if sample.splitlines() else ""
    delimiter = max([",", ";", "\t", "|"], key=first.count) if first else ","
    csv.field_size_limit(MAX_BYTES + 1)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def iter_table(data: bytes, file_format: str):
    """Yield ``(line_number, cells)``; line 1 is the header. Reading stops with a clear
    ``ValidationError`` as soon as the file is past the row limit or unpacks too large
    (``core.uploads``): the limits apply while reading, never after counting everything."""
    from enlace.core.uploads import capped_rows, xlsx_rows

    if file_format == "xlsx":
        for number, row in enumerate(xlsx_rows(data, max_rows=MAX_ROWS), start=1):
            yield number, ["" if v is None else v for v in row]
        return
    reader = _csv_reader(decode_text(data))
    try:
        last = 0
        for cells in capped_rows(reader, MAX_ROWS):
            yield last + 1, cells
            last = reader.line_num
    except csv.Error as exc:
        raise ValidationError(_("El CSV está mal formado en la línea %(line)s: %(why)s")
                              % {"line": reader.line_num, "why": exc}) from None


def inspect_upload(upload) -> Parsed:
    """Refuse empty, too large, badly encoded or header-less files; return the header and a row count."""
    if not upload.size:
        raise ValidationError(_("El archivo está vacío. No se importó nada."))
    if upload.size > MAX_BYTES:
        raise ValidationError(_("El archivo supera el tamaño máximo de %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    fmt = detect_format(upload.name, data)
    if fmt == "ftm":
        from enlace.core.uploads import too_many_rows

        total = 0
        for _record in iter_ftm(data):
            total += 1
            if total > MAX_ROWS:
                raise too_many_rows(MAX_ROWS)
        if not total:
            raise ValidationError(_("El archivo no contiene entidades FtM. No se importó nada."))
        return Parsed("ftm", [], total)
    if fmt == "csv":
        from enlace.core.uploads import sniff

        decode_text(data)  # the encoding message first: it is the likely cause
        if b"\x00" in data[:8192] or sniff(data[:8192]) not in ("text/plain", "text/csv"):
            raise ValidationError(_("Tipo de archivo no reconocido: suba un CSV, un XLSX o un JSON de FtM."))
    header, total = None, 0
    for number, cells in iter_table(data, fmt):
        if header is None:
            if not any(str(c).strip() for c in cells):
                continue
            header = [str(c).strip()[:100] for c in cells]
            continue
        if any(str(c).strip() for c in cells):
            total += 1
            if total > MAX_ROWS:  # stop at the first row too many: the rest is never read
                from enlace.core.uploads import too_many_rows

                raise too_many_rows(MAX_ROWS)
    if header is None:
        raise ValidationError(_("El archivo está vacío. No se importó nada."))
    if total == 0:
        raise ValidationError(_("El archivo solo tiene la fila de encabezados: no hay filas de datos."))
    names = [h for h in header if h]
    if len(set(names)) != len(names):
        raise ValidationError(_("Hay columnas con el mismo nombre en el encabezado: renómbrelas."))
    return Parsed(fmt, header, total)


def preview_rows(data: bytes, file_format: str, limit: int = PREVIEW_ROWS):
    if file_format == "ftm":
        return [[str(n), rec.get("schema", "") if isinstance(rec, dict) else "", str(rec)[:200]]
                for n, rec in list(iter_ftm(data))[:limit]]
    rows = []
    for number, cells in iter_table(data, file_format):
        if number == 1:
            continue
        rows.append([str(number)] + [str(c)[:80] for c in cells])
        if len(rows) >= limit:
            break
    return rows


def guess_mapping(header: list[str]) -> dict:
    mapping = {}
    keys = {header_key(h): h for h in header if h}
    for target, (_label, synonyms) in TARGETS.items():
        for syn in synonyms:
            if syn in keys and keys[syn] not in mapping.values():
                mapping[target] = keys[syn]
                break
    return mapping


def clean_mapping(mapping: dict, header: list[str]) -> dict:
    clean = {}
    for target, column in (mapping or {}).items():
        if not column:
            continue
        if target not in TARGETS:
            raise ValidationError(_("Campo de destino desconocido: %(t)s") % {"t": str(target)[:40]})
        if column not in header:
            raise ValidationError(_("La columna «%(c)s» no está en el archivo.") % {"c": str(column)[:60]})
        clean[target] = column
    used = list(clean.values())
    if len(used) != len(set(used)):
        raise ValidationError(_("Una misma columna no puede asignarse a dos campos."))
    if not ({"given_names", "surname_1", "name", "doc_number"} & set(clean)):
        raise ValidationError(_("Asigne al menos la columna de nombres, apellido o nombre."))
    return clean


# --- tabular rows --------------------------------------------------------------------------------------------------

def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def parse_rows(data: bytes, file_format: str, mapping: dict, errors: list) -> list[dict]:
    if file_format == "ftm":
        return parse_ftm(data, errors)
    rows, header = [], None
    for number, cells in iter_table(data, file_format):
        if header is None:
            header = [str(c).strip() for c in cells]
            index = {target: header.index(col) for target, col in mapping.items() if col in header}
            continue
        if not any(str(c).strip() for c in cells):
            continue
        raw = {t: (cells[i] if i < len(cells) else "") for t, i in index.items()}
        row_errors_before = len(errors)

        def err(target, message, _number=number):
            col = mapping.get(target, target)
            letter = _column_letter(index[target]) if target in index else ""
            errors.append({"line": _number, "column": col, "letter": letter, "message": str(message)})

        values = {}
        for target, value in raw.items():
            try:
                values[target] = _clean_cell(target, value)
            except CellError as exc:
                err(target, exc)
        if len(errors) > row_errors_before:
            continue
        schema = values.get("schema") or "Person"
        row = {"line": number, "schema": schema, "fields": {}, "phones": values.get("phone", []), "doc": None}
        if schema == "Person":
            if not values.get("role"):
                err("role", _("falta la función de la persona (sospechosa, migrante objeto de tráfico, víctima de "
                              "delito conexo, víctima de trata, testigo): nunca se asume"))
                continue
            if not (values.get("given_names") or values.get("surname_1") or values.get("name")):
                err("surname_1", _("falta el nombre o el apellido de la persona"))
                continue
            row["role"] = values["role"]
            for key in ("given_names", "surname_1", "surname_2", "sex", "dob", "nationality"):
                if values.get(key):
                    row["fields"][key] = values[key]
            if values.get("name") and not (values.get("given_names") or values.get("surname_1")):
                row["fields"].update(split_full_name(values["name"]))
        else:
            name = values.get("name") or " ".join(filter(None, [values.get("given_names"), values.get("surname_1")]))
            if not name and not values.get("doc_number"):
                err("name", _("falta el nombre"))
                continue
            row["fields"]["name"] = name
            if schema in ("Identification", "Passport"):
                row["fields"].update(doc_type=values.get("doc_type", ""), doc_number=values.get("doc_number", ""),
                                     doc_country=values.get("doc_country", ""))
        if values.get("notes"):
            row["fields"]["properties"] = {"notes": [values["notes"]]}
        if schema == "Person" and values.get("doc_number"):
            row["doc"] = {"doc_type": values.get("doc_type", ""), "doc_number": values["doc_number"],
                          "doc_country": values.get("doc_country", "") or values.get("nationality", "")}
        rows.append(row)
        if len(errors) > 1000:
            break
    return rows


def split_full_name(name: str) -> dict:
    tokens = name.split()
    if len(tokens) >= 3:
        return {"given_names": " ".join(tokens[:-2]), "surname_1": tokens[-2], "surname_2": tokens[-1]}
    if len(tokens) == 2:
        return {"given_names": tokens[0], "surname_1": tokens[1]}
    return {"surname_1": name}


def _clean_cell(target: str, value):
    if target == "dob":
        if value not in (None, "") and not hasattr(value, "year"):
            clean_text(value, max_length=MAX_LENGTHS["dob"])
        return clean_date(value)
    text = clean_text(value, max_length=MAX_LENGTHS[target])
    if not text:
        return "" if target != "phone" else []
    if target == "phone":
        return clean_phones(text)
    if target in ("nationality", "doc_country"):
        return clean_country(text)
    if target == "role":
        role = ROLE_WORDS.get(fold(text)) or ROLE_WORDS.get(fold(text).replace("_", " "))
        if not role:
            raise CellError(_("función desconocida «%(v)s»; use: sospechosa, migrante objeto de tráfico, víctima de "
                              "delito conexo, víctima de trata o testigo") % {"v": text[:60]})
        return role
    if target == "sex":
        sex = SEX_WORDS.get(fold(text))
        if not sex:
            raise CellError(_("sexo desconocido «%(v)s»; use F, M o X") % {"v": text[:20]})
        return sex
    if target == "schema":
        schema = SCHEMA_WORDS.get(fold(text))
        if not schema:
            raise CellError(_("tipo de entidad desconocido «%(v)s»") % {"v": text[:40]})
        return schema
    if target == "doc_number":
        return re.sub(r"\s+", " ", text)
    return text


# --- FollowTheMoney JSON -------------------------------------------------------------------------------------------

def iter_ftm(data: bytes):
    """Yield ``(line_or_position, dict)``; JSON lines (one entity per line) or a JSON array."""
    text = decode_text(data)
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ValidationError(_("JSON mal formado en la línea %(line)s: %(why)s")
                                  % {"line": exc.lineno, "why": exc.msg}) from None
        except (RecursionError, ValueError):  # nested beyond the parser's depth, or a 5000-digit number
            raise ValidationError(_("JSON mal formado: demasiados niveles de anidamiento o un número "
                                    "demasiado largo.")) from None
        if not isinstance(items, list):
            raise ValidationError(_("El archivo no contiene entidades FtM. No se importó nada."))
        for pos, item in enumerate(items, start=1):
            yield pos, item
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, ValueError(_("JSON mal formado: %(why)s") % {"why": exc.msg})
        except (RecursionError, ValueError):
            yield number, ValueError(_("JSON mal formado: demasiados niveles de anidamiento o un número "
                                       "demasiado largo."))


LINK_SCHEMATA = {"Associate": ("person", "associate", Link.Kind.ASSOCIATE),
                 "Membership": ("member", "organization", Link.Kind.MEMBER_OF),
                 "UnknownLink": ("subject", "object", Link.Kind.TRAVELLED_WITH)}


def parse_ftm(data: bytes, errors: list) -> list[dict]:
    from followthemoney import model
    from followthemoney.exc import InvalidData

    from .ftm import alpha3

    rows = []

    def err(line, column, message):
        errors.append({"line": line, "column": column, "letter": "", "message": str(message)})

    for line, record in iter_ftm(data):
        if isinstance(record, Exception):
            err(line, "", record)
            continue
        if not isinstance(record, dict) or not record.get("id") or not record.get("schema"):
            err(line, "id/schema", _("cada entidad necesita «id» y «schema»"))
            continue
        schema_name = str(record.get("schema"))[:60]
        if len(str(record.get("id"))) > 120:
            err(line, "id", _("el identificador es demasiado largo (máximo 120 caracteres)"))
            continue
        try:
            proxy = model.get_proxy(record, cleaned=False)
        except (InvalidData, TypeError, ValueError, AttributeError):
            err(line, "schema", _("esquema FtM desconocido o entidad no válida «%(s)s»") % {"s": schema_name})
            continue
        props = record.get("properties") or {}
        too_long = [p for p, vs in props.items() for v in (vs if isinstance(vs, list) else [vs])
                    if len(str(v)) > MAX_TEXT]
        if too_long:
            err(line, too_long[0], _("el valor tiene más de %(max)s caracteres") % {"max": MAX_TEXT})
            continue
        # Values FtM dropped while cleaning (impossible dates, unknown countries) are errors, not silence.
        dropped = [p for p, vs in props.items() if p in proxy.schema.properties
                   and len([v for v in (vs if isinstance(vs, list) else [vs]) if str(v).strip()])
                   > len(proxy.get(p, quiet=True))]
        if dropped:
            prop = dropped[0]
            ptype = proxy.schema.properties[prop].type.name
            what = {"date": _("fecha imposible o mal escrita"), "country": _("código de país desconocido"),
                    "phone": _("teléfono no válido")}.get(ptype, _("valor no válido"))
            err(line, prop, f"{what}: {props[prop]!s:.80}")
            continue
        name = proxy.schema.name
        first = lambda p: (proxy.get(p, quiet=True) or [""])[0]  # noqa: E731
        row = {"line": line, "ftm_id": str(record["id"]), "fields": {}, "phones": [], "doc": None}
        if name in LINK_SCHEMATA or (name == "Payment" and proxy.get("payer") and proxy.get("beneficiary")):
            if name == "Payment":
                a, b, kind = "payer", "beneficiary", Link.Kind.PAID
            else:
                a, b, kind = LINK_SCHEMATA[name]
            row.update(schema="link", kind=kind, source=first(a), target=first(b),
                       details={p: first(p) for p in ("amount", "currency", "date", "purpose") if first(p)})
            if not row["source"] or not row["target"]:
                err(line, f"{a}/{b}", _("el vínculo necesita sus dos extremos"))
                continue
            rows.append(row)
            continue
        if name not in Entity.Schema.values:
            err(line, "schema", _("esquema FtM no admitido en un caso: «%(s)s»") % {"s": name})
            continue
        row["schema"] = name
        try:
            if name == "Person":
                role = (record.get("enlace") or {}).get("role", "") if isinstance(record.get("enlace"), dict) else ""
                if role not in Entity.Role.values:
                    err(line, "enlace.role", _("falta la función de la persona en el caso (enlace.role): nunca se "
                                               "asume"))
                    continue
                row["role"] = role
                f = row["fields"]
                f["given_names"] = clean_text(" ".join(proxy.get("firstName") + proxy.get("middleName")))
                f["surname_1"] = clean_text(first("fatherName") or first("lastName"))
                f["surname_2"] = clean_text(first("motherName"))
                if not (f["given_names"] or f["surname_1"]):
                    f.update(split_full_name(clean_text(first("name"))))
                f["dob"] = clean_date(first("birthDate")) if len(first("birthDate")) == 10 else None
                f["sex"] = {"female": "F", "male": "M"}.get(first("gender"), "X" if first("gender") else "")
                f["nationality"] = alpha3(first("nationality")) or ""
                row["phones"] = clean_phones(proxy.get("phone"))
            elif name in ("Identification", "Passport"):
                row["fields"].update(doc_number=clean_text(first("number") or first("passportNumber"), max_length=100),
                                     doc_type=clean_text(first("type"), max_length=60),
                                     doc_country=alpha3(first("country")) or "")
                row["holders"] = proxy.get("holder")
                row["fields"]["name"] = row["fields"]["doc_number"]
            else:
                row["fields"]["name"] = clean_text(proxy.caption, max_length=300)
            keep = {p: proxy.get(p) for p in proxy.properties if p not in ("holder", "phone")}
            row["fields"]["properties"] = keep
        except CellError as exc:
            err(line, "properties", exc)
            continue
        rows.append(row)
        if len(errors) > 1000:
            break
    # References between entities must resolve inside the file.
    ids = {r["ftm_id"] for r in rows if r.get("schema") != "link"}
    for r in rows:
        for ref in ([r.get("source"), r.get("target")] if r.get("schema") == "link" else r.get("holders", [])):
            if ref and ref not in ids:
                err(r["line"], "properties", _("referencia a una entidad que no está en el archivo: «%(id)s»")
                    % {"id": str(ref)[:60]})
    return rows


# --- creating the records ------------------------------------------------------------------------------------------

def progress_key(batch_pk: int) -> str:
    return f"cases.import:{batch_pk}"


def apply_rows(user, case, rows, errors, *, create_entity, create_link, progress=None) -> int:
    """Create the rows' records (inside the caller's transaction). Returns how many records were created."""
    created = 0
    by_ftm: dict[str, Entity] = {}
    docs: dict[tuple, Entity] = {}
    total = len(rows)
    for i, row in enumerate(rows, start=1):
        try:
            if row["schema"] == "link":
                continue
            fields = dict(row["fields"])
            role = row.get("role", "")
            entity = create_entity(user, case, schema=row["schema"], role=role, role_reviewed=False,
                                   ftm_id=row.get("ftm_id", ""), phones=row.get("phones", []), **fields)
            created += 1
            by_ftm[entity.ftm_id] = entity
            for phone in row.get("phones", []):
                create_link(user, case, kind=Link.Kind.USES_PHONE, source=entity, value=phone)
            if row.get("doc"):
                d = row["doc"]
                key = (d["doc_type"].lower(), d["doc_number"].upper().replace(" ", ""))
                doc = docs.get(key)
                if doc is None:
                    schema = DOC_SCHEMAS.get(fold(d["doc_type"]), "Identification")
                    doc = create_entity(user, case, schema=schema, name=d["doc_number"], doc_type=d["doc_type"],
                                        doc_number=d["doc_number"], doc_country=d["doc_country"],
                                        minor_owner=entity)
                    docs[key] = doc
                    created += 1
                create_link(user, case, kind=Link.Kind.HOLDS_DOCUMENT, source=entity, target=doc)
        except ValidationError as exc:
            for fieldname, messages in exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]:
                errors.append({"line": row["line"], "column": fieldname, "letter": "",
                               "message": " ".join(str(m) for m in messages)})
        if progress and (i % 50 == 0 or i == total):
            progress(i, total)
    for row in rows:
        if row["schema"] == "link":
            try:
                create_link(user, case, kind=row["kind"], source=by_ftm[row["source"]], target=by_ftm[row["target"]],
                            details=row.get("details"), ftm_id=row["ftm_id"])
                created += 1
            except (ValidationError, KeyError) as exc:
                errors.append({"line": row["line"], "column": "", "letter": "",
                               "message": " ".join(getattr(exc, "messages", [str(exc)]))})
        for holder in row.get("holders", []) if row["schema"] != "link" else []:
            try:
                create_link(user, case, kind=Link.Kind.HOLDS_DOCUMENT, source=by_ftm[holder],
                            target=by_ftm[row["ftm_id"]])
            except (ValidationError, KeyError) as exc:
                errors.append({"line": row["line"], "column": "holder", "letter": "",
                               "message": " ".join(getattr(exc, "messages", [str(exc)]))})
    return created


def set_progress(batch_pk: int, done: int, total: int) -> None:
    """Counts go to the database (``jobs.Progress``), visible to every process, not a per-process cache."""
    from enlace.jobs.actions import report_progress

    report_progress(progress_key(batch_pk), done=done, total=total)


def get_progress(batch_pk: int) -> dict | None:
    from enlace.jobs.models import Progress

    row = Progress.objects.filter(key=progress_key(batch_pk)).values("done", "total", "state").first()
    return row


def line_errors(batch) -> list[dict]:
    """The line-level errors of a batch's file under its mapping, without writing anything (the fast,
    first pass of ``do_run_import``): the API answers an invalid file at once, before queueing it."""
    from enlace.core.uploads import read_decrypted

    errors: list[dict] = []
    parse_rows(read_decrypted(batch.stored_path), batch.file_format, batch.mapping, errors)
    return errors[:1000]


def error_text(error: dict) -> str:
    """One line-level error as a sentence: «línea 2, columna «funcion»: …»."""
    return _("línea %(line)s, columna «%(col)s»: %(msg)s") % {"line": error.get("line"),
                                                              "col": error.get("column") or "—",
                                                              "msg": error.get("message", "")}
