"""A patient's medication orders from the EHR: a FHIR R4 Bundle, read into plain data.

This is an order, not a drug document: it is never one of the readers ``sources/`` files are
detected by. The Bundle is parsed and validated by ``fhir.resources`` (its R4B models, which
read R4 JSON: the resources used here are the same in both), so an invalid resource is one line
naming the element path. Only what the packet needs is kept: the patient's name and date of
birth, preferred languages, the clinic, the prescriber, and each MedicationRequest (or
MedicationStatement) with its status, RxNorm codes, names and dosing as the order states it.
Nothing is inferred: a schedule the order does not state is left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from . import read_text

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
DAYS_OF_CYCLE = "http://hl7.org/fhir/StructureDefinition/timing-daysOfCycle"
ORDER_TYPES = ("MedicationRequest", "MedicationStatement")
# Orders a packet is made for; any other status (cancelled, completed, stopped, entered-in-error,
# not-taken...) is left out and reported.
ACTIVE = frozenset(("active", "on-hold", "intended"))
_DAYS_PER_UNIT = {"d": 1, "wk": 7}


@dataclass(frozen=True)
class Dosing:
    """One dosageInstruction as the order states it; None where it says nothing."""

    text: str | None = None
    start: dt.date | None = None  # repeat.boundsPeriod.start
    end: dt.date | None = None  # boundsPeriod.end, or the last day of boundsDuration
    times_per_day: int | None = None  # frequency per 1 day ("twice a day": 2)
    every_days: int | None = None  # once every N days (N > 1): an infusion every 21 days
    doses: int | None = None  # repeat.count
    days_of_cycle: tuple[int, ...] = ()  # the core timing-daysOfCycle extension: days 1..14
    events: tuple[dt.date, ...] = ()  # timing.event: the very days


@dataclass(frozen=True)
class OrderedDrug:
    request: str  # "MedicationRequest/123": the order, as DocumentReference.context.related names it
    status: str
    names: tuple[str, ...]  # the order's text and displays, first the most specific
    rxnorm: tuple[str, ...]
    dosing: tuple[Dosing, ...] = ()
    cycle_days: int | None = None  # the regimen's cycle (RequestGroup action timing), in days
    cycles: int | None = None

    @property
    def label(self) -> str:
        """How a report line names the drug: its first name, else its code."""
        return self.names[0] if self.names else f"RxNorm {', '.join(self.rxnorm) or '?'}"


@dataclass(frozen=True)
class Order:
    file: str
    key: str  # names the order in file names, logs and cache keys: never the patient's name
    patient: str  # "Patient/123"
    patient_name: str
    birth_date: dt.date | None = None
    languages: tuple[str, ...] = ()  # BCP 47 codes, the preferred first
    clinic: str | None = None
    clinic_ref: str | None = None  # "Organization/1"
    prescriber: str | None = None
    regimen: str | None = None
    drugs: tuple[OrderedDrug, ...] = field(default_factory=tuple)

    @property
    def start(self) -> dt.date | None:
        starts = [d.start for o in self.drugs for d in o.dosing if d.start]
        starts += [e for o in self.drugs for d in o.dosing for e in d.events]
        return min(starts, default=None)


def read(path: Path) -> Order:
    """The order a FHIR R4 JSON Bundle holds; an InputError naming the file and element otherwise."""
    name = str(path)
    text = read_text(path, name)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(name, f"not valid JSON: {exc.msg}", exc.lineno) from None
    bundle = validated(data, name)
    return order_of(bundle, name, hashlib.sha256(text.encode()).hexdigest()[:12])


def validated(data, name: str):
    """The Bundle as fhir.resources models; an invalid element is one line naming its path."""
    from fhir.resources.R4B import get_fhir_model_class
    from pydantic import ValidationError

    kind = data.get("resourceType") if isinstance(data, dict) else None
    if kind != "Bundle":
        raise InputError(name, f"not a FHIR Bundle (resourceType {kind!r}): give a Bundle holding the Patient and "
                         "their MedicationRequests")
    try:
        return get_fhir_model_class("Bundle").model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(name, f"invalid FHIR: {element_path(first['loc'])}: {problem(first)}{more}") from None
    except (ValueError, TypeError, KeyError) as exc:  # the library's own checks (resourceType, ...)
        raise InputError(name, f"invalid FHIR: {str(exc).splitlines()[0]}") from None


def problem(error: dict) -> str:
    """Pydantic's message for one element, without its "Value error, " prefix. Never the value
    itself: it may be the patient's name or date of birth."""
    return error["msg"].removeprefix("Value error, ")


def element_path(loc) -> str:
    """('entry', 0, 'resource', 'status') as "entry[0].resource.status"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "Bundle"


class _Index:
    """The Bundle's resources by full URL and by "Type/id", and each resource's contained ones."""

    def __init__(self, bundle):
        self.resources = [e.resource for e in bundle.entry or [] if e.resource is not None]
        self.by_ref: dict[str, object] = {}
        for entry in bundle.entry or []:
            resource = entry.resource
            if resource is None:
                continue
            if entry.fullUrl:
                self.by_ref[entry.fullUrl] = resource
            if resource.id:
                self.by_ref[f"{resource.get_resource_type()}/{resource.id}"] = resource

    def of_type(self, kind: str) -> list:
        return [r for r in self.resources if r.get_resource_type() == kind]

    def resolve(self, reference, holder=None):
        """The resource a Reference points to, in the Bundle or contained in ``holder``; None if absent."""
        ref = getattr(reference, "reference", None)
        if not ref:
            return None
        if ref.startswith("#") and holder is not None:
            return next((c for c in holder.contained or [] if c.id == ref[1:]), None)
        if ref in self.by_ref:
            return self.by_ref[ref]
        tail = "/".join(ref.rstrip("/").split("/")[-2:])  # an absolute URL ending in Type/id
        return self.by_ref.get(tail)


def order_of(bundle, name: str, digest: str) -> Order:
    index = _Index(bundle)
    patients = index.of_type("Patient")
    if not patients:
        raise InputError(name, "the Bundle holds no Patient: the packet is made for one patient's orders")
    if len(patients) > 1:
        raise InputError(name, f"the Bundle holds {len(patients)} Patients: give one Bundle per patient")
    patient = patients[0]
    orders = [r for kind in ORDER_TYPES for r in index.of_type(kind)]
    if not orders:
        raise InputError(name, "the Bundle holds no MedicationRequest or MedicationStatement")
    cycles = _cycles(index)
    drugs = tuple(_drug(r, index, cycles) for r in orders)
    requesters = [index.resolve(r.requester) or r.requester for r in orders if getattr(r, "requester", None)]
    clinic = (index.resolve(patient.managingOrganization) if patient.managingOrganization else None) \
        or next(iter(index.of_type("Organization")), None)
    return Order(
        file=name,
        key=_key(bundle, patient, digest),
        patient=f"Patient/{patient.id}" if patient.id else "Patient",
        patient_name=_human_name(patient.name) or "",
        birth_date=_date(patient.birthDate),
        languages=_languages(patient),
        clinic=getattr(clinic, "name", None),
        clinic_ref=f"Organization/{clinic.id}" if clinic is not None and clinic.id else None,
        prescriber=next(filter(None, (_who(r) for r in requesters)), None),
        regimen=_regimen(index),
        drugs=drugs,
    )


def _key(bundle, patient, digest: str) -> str:
    """The order's id for file names and logs: the Bundle's id, else the Patient's, else the file's digest."""
    for value in (bundle.id, patient.id):
        cleaned = "".join(c for c in (value or "") if c.isalnum() or c in "-.")[:64]
        if cleaned:
            return cleaned
    return digest


def _human_name(names) -> str | None:
    """The name as the EHR gives it: the current official (else usual, else first current) HumanName's
    text, else its given names and family name. A former name (use "old", or a period that ended) is
    never printed while a current one exists."""
    if not names:
        return None
    current = [n for n in names if n.use != "old" and not (n.period and n.period.end)] or list(names)
    chosen = next((n for use in ("official", "usual") for n in current if n.use == use), current[0])
    if chosen.text:
        return chosen.text
    parts = list(chosen.given or []) + ([chosen.family] if chosen.family else [])
    return " ".join(parts) or None


def _who(resource) -> str | None:
    """A Practitioner's name, a Reference's display, or an Organization's name."""
    kind = resource.get_resource_type() if hasattr(resource, "get_resource_type") else ""
    if kind in ("Practitioner", "RelatedPerson", "Patient"):
        return _human_name(resource.name)
    if kind == "PractitionerRole":
        return getattr(resource.practitioner, "display", None)
    if kind == "Organization":
        return resource.name
    return getattr(resource, "display", None)


def _languages(patient) -> tuple[str, ...]:
    """Patient.communication's languages, the preferred first; a coding's code, else its text."""
    found = []
    for comm in sorted(patient.communication or [], key=lambda c: not c.preferred):
        concept = comm.language
        codes = [c.code for c in concept.coding or [] if c.code]
        found.extend(codes[:1] or ([concept.text] if concept.text else []))
    return tuple(dict.fromkeys(found))


def _regimen(index: _Index) -> str | None:
    """The regimen's name: a CarePlan's title, else a RequestGroup's code text."""
    for plan in index.of_type("CarePlan"):
        if plan.title:
            return plan.title
    for group in index.of_type("RequestGroup"):
        if group.code and group.code.text:
            return group.code.text
    return None


def _cycles(index: _Index) -> dict[str, tuple[int, int | None]]:
    """The regimen's cycle for each order a RequestGroup action names: {ref: (days, cycles)}.

    A cycle is a RequestGroup action's timingTiming "once every N days/weeks" (the parent timing the
    daysOfCycle extension counts its days in); its repeat.count, when given, is the number of cycles."""
    cycles: dict[str, tuple[int, int | None]] = {}

    def walk(actions):
        for action in actions or []:
            repeat = getattr(getattr(action, "timingTiming", None), "repeat", None)
            length = _period_days(repeat) if repeat else None
            if length and action.resource and action.resource.reference:
                target = index.resolve(action.resource)
                key = _ref_of(target) if target is not None else action.resource.reference
                cycles[key] = (length, repeat.count)
            walk(action.action)

    for group in index.of_type("RequestGroup"):
        walk(group.action)
    return cycles


def _period_days(repeat) -> int | None:
    """"once every N days" (frequency 1, or none, per N days or weeks) as N; else None."""
    if repeat.period is None or repeat.periodUnit not in _DAYS_PER_UNIT or (repeat.frequency or 1) != 1:
        return None
    days = float(repeat.period) * _DAYS_PER_UNIT[repeat.periodUnit]
    return int(days) if days == int(days) and days > 1 else None


def _ref_of(resource) -> str:
    return f"{resource.get_resource_type()}/{resource.id}"


def _drug(request, index: _Index, cycles) -> OrderedDrug:
    concept = getattr(request, "medicationCodeableConcept", None)
    medication = index.resolve(getattr(request, "medicationReference", None), request)
    concepts = [concept] if concept else []
    if medication is not None and getattr(medication, "code", None):
        concepts.append(medication.code)
    ingredients = [i.itemCodeableConcept for i in getattr(medication, "ingredient", None) or []
                   if getattr(i, "itemCodeableConcept", None)]
    names, codes = [], []
    for c in concepts + ingredients:
        names += [c.text] if c.text else []
        names += [x.display for x in c.coding or [] if x.display]
        codes += [x.code for x in c.coding or [] if x.system == RXNORM and x.code]
    reference = getattr(request, "medicationReference", None)
    if not names and reference is not None and reference.display:
        names.append(reference.display)
    ref = _ref_of(request) if request.id else request.get_resource_type()
    cycle_days, count = cycles.get(ref, (None, None))
    dosage = getattr(request, "dosageInstruction", None) or getattr(request, "dosage", None) or []
    return OrderedDrug(
        request=ref, status=request.status or "unknown", names=tuple(dict.fromkeys(names)),
        rxnorm=tuple(dict.fromkeys(codes)), dosing=tuple(_dosing(d) for d in dosage),
        cycle_days=cycle_days, cycles=count,
    )


def _dosing(dosage) -> Dosing:
    timing = dosage.timing
    repeat = timing.repeat if timing else None
    events = tuple(sorted({_date(e) for e in (timing.event or [])} - {None})) if timing else ()
    if repeat is None:
        return Dosing(text=dosage.text, events=events)
    bounds = repeat.boundsPeriod
    start = _date(bounds.start) if bounds else None
    end = _date(bounds.end) if bounds else None
    duration = repeat.boundsDuration
    if start and end is None and duration and duration.value and _unit(duration) in _DAYS_PER_UNIT:
        days = float(duration.value) * _DAYS_PER_UNIT[_unit(duration)]
        end = start + dt.timedelta(days=int(days) - 1) if days >= 1 else None
    per_day = None
    if repeat.frequency and repeat.period and repeat.periodUnit == "d" and float(repeat.period) == 1:
        per_day = repeat.frequency
    return Dosing(
        text=dosage.text, start=start, end=end, times_per_day=per_day, every_days=_period_days(repeat),
        doses=repeat.count, days_of_cycle=_days_of_cycle(timing), events=events,
    )


def _unit(quantity) -> str | None:
    return quantity.code or quantity.unit


def _days_of_cycle(timing) -> tuple[int, ...]:
    days = []
    for ext in timing.extension or []:
        if ext.url == DAYS_OF_CYCLE:
            days += [e.valueInteger for e in ext.extension or [] if e.url == "day" and e.valueInteger]
    return tuple(sorted(set(d for d in days if d >= 1)))


def _date(value) -> dt.date | None:
    """A FHIR date or dateTime (a date, a datetime, or a partial date string) as a date; None if partial."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None  # "2026" or "2026-03": a partial date names no day
