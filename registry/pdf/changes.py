"""PDFs of the sub-processor changes: the notice to one client (Art. 28(2), the CNIL's model clause) and the
auditors' list as of a date stamped with its content fingerprint. Plain dicts here, HTML -> PDF in render.py."""

from datetime import datetime

from sqlmodel import Session

from registry import reference
from registry.models import Organisation, SubProcessorChange
from registry.models.base import utcnow
from registry.pdf import texts
from registry.pdf.documents import CHAIN_WORDS
from registry.pdf.labels import LOCATION_KINDS, STATUS, word
from registry.pdf.render import ProjectFetcher, html_to_pdf, render_template
from registry.services.subprocessor_exports import chain_sorted

LABELS = {
    "fr": {
        "colon": "\u00a0: ",
        "notice_title": "Information préalable sur un changement de sous-traitant ultérieur",
        "notice_ref": "Article 28(2) du règlement (UE) 2016/679 (RGPD)",
        "to": "Destinataire",
        "from": "Expéditeur",
        "contract": "Contrat",
        "contract_start": "depuis le",
        "date": "Date de l'information",
        "kinds": {"add": "Ajout d'un sous-traitant ultérieur", "replace": "Remplacement d'un sous-traitant ultérieur",
                  "remove": "Fin du recours à un sous-traitant ultérieur",
                  "change_locations": "Modification des lieux de traitement d'un sous-traitant ultérieur"},
        "intro": "Conformément à l'article 28(2) du RGPD et à notre contrat, nous vous informons du changement "
                 "envisagé ci-dessous.",
        "replaces": "En remplacement de",
        "activities": "Activités de traitement sous-traitées",
        "identity": "Identité du sous-traitant ultérieur",
        "service": "Prestation",
        "contact": "Coordonnées",
        "dpo_contact": "Contact protection des données",
        "locations": "Lieux de traitement",
        "safeguards": "Transferts hors de l'EEE et garanties (chapitre V du RGPD)",
        "no_transfer": "Aucun transfert hors de l'Espace économique européen enregistré.",
        "eea": "EEE",
        "third_country": "hors EEE",
        "contract_dates": "Contrat de sous-traitance ultérieure",
        "signed_on": "signé le",
        "not_signed": "date de signature non encore consignée",
        "deadline": "Délai pour présenter vos objections",
        "deadline_text": "Vous disposez de {days} jours à compter de la réception de la présente information, soit "
                         "jusqu'au {deadline} inclus, pour nous faire part de vos objections{channel}.",
        "channel": " par {channel}",
        "default_period": "Votre contrat ne fixe pas ce délai : nous appliquons {days} jours.",
        "effective": "Date de prise d'effet au plus tôt",
        "missing": "Non renseigné",
        "reply_to": "Objections à adresser à",
        "sublist_title": "Liste des sous-traitants ultérieurs à date",
        "sublist_ref": "Article 28(2) et 30(2) du RGPD — reconstituée à partir du journal d'audit",
        "as_of": "À la date du",
        "as_of_note": "État du registre à la fin de cette journée ({tz}).",
        "fingerprint": "Empreinte du contenu (SHA-256)",
        "filters": "Filtres",
        "count": "Nombre de sous-traitants",
        "generated_at": "Généré le",
        "name": "Sous-traitant",
        "status": "Statut",
        "dpa": "DPA",
        "transfers": "Transferts",
        "flags": "Points à vérifier",
        "no_entry": "Aucun sous-traitant à cette date avec ces filtres.",
        "none": "aucun",
    },
    "en": {
        "colon": ": ",
        "notice_title": "Prior notice of a change of sub-processor",
        "notice_ref": "Article 28(2) of Regulation (EU) 2016/679 (GDPR)",
        "to": "To",
        "from": "From",
        "contract": "Contract",
        "contract_start": "since",
        "date": "Date of this notice",
        "kinds": {"add": "Addition of a sub-processor", "replace": "Replacement of a sub-processor",
                  "remove": "End of the use of a sub-processor",
                  "change_locations": "Change of a sub-processor's processing locations"},
        "intro": "In accordance with Article 28(2) GDPR and our contract, we inform you of the intended change below.",
        "replaces": "Replacing",
        "activities": "Processing activities sub-processed",
        "identity": "Identity of the sub-processor",
        "service": "Service",
        "contact": "Contact details",
        "dpo_contact": "Data-protection contact",
        "locations": "Processing locations",
        "safeguards": "Transfers outside the EEA and safeguards (GDPR Chapter V)",
        "no_transfer": "No transfer outside the European Economic Area recorded.",
        "eea": "EEA",
        "third_country": "outside the EEA",
        "contract_dates": "Sub-processing contract",
        "signed_on": "signed on",
        "not_signed": "signature date not recorded yet",
        "deadline": "Deadline to object",
        "deadline_text": "You have {days} days from receipt of this notice, that is until {deadline} included, to send "
                         "us your objections{channel}.",
        "channel": " by {channel}",
        "default_period": "Your contract sets no such period: we apply {days} days.",
        "effective": "Earliest effective date",
        "missing": "Not stated",
        "reply_to": "Send objections to",
        "sublist_title": "Sub-processor list as of a date",
        "sublist_ref": "Article 28(2) and 30(2) GDPR — rebuilt from the audit trail",
        "as_of": "As of",
        "as_of_note": "The register as it stood at the end of that day ({tz}).",
        "fingerprint": "Content fingerprint (SHA-256)",
        "filters": "Filters",
        "count": "Number of sub-processors",
        "generated_at": "Generated on",
        "name": "Sub-processor",
        "status": "Status",
        "dpa": "DPA",
        "transfers": "Transfers",
        "flags": "Points to check",
        "no_entry": "No sub-processor on that date with these filters.",
        "none": "none",
    },
}


def _mechanism(code: str | None, module: int | None, lang: str) -> str | None:
    if not code:
        return None
    term = reference.vocabulary("transfer_mechanisms").get(code)
    text = (term.label(lang) + (f" ({term.article_in(lang)})" if term.article else "")) if term else code
    if code == "scc" and module:
        text += " — " + reference.label("scc_modules", str(module), lang)
    return text


def _place(code: str | None, lang: str) -> str:
    return texts.country_name(code, lang) or code or ""


def notice_doc(data: dict, generated_at: datetime | None = None) -> dict:
    """The notice as printable values in the client's language (user text stays text: the template escapes it)."""
    lang = data["language"] if data["language"] in LABELS else "fr"
    L = LABELS[lang]
    client, sp = data["client"], data["subprocessor"]
    channel = client.get("objection_channel")
    return {
        "lang": lang, "L": L, "kind": L["kinds"][data["kind"]], "processor": data["processor"], "client": client,
        "contract_start": texts.day(client.get("contract_start"), lang),
        "subprocessor": sp, "sp_country": _place(sp.get("country"), lang),
        "replaces": data["replaces"],
        "activities": data["activities"],
        "locations": [{"country": _place(loc.get("country"), lang), "site": loc.get("site"),
                       "kind": word(LOCATION_KINDS, loc.get("kind"), lang) if loc.get("kind") else None,
                       "eea": reference.is_eea(loc.get("country"))} for loc in data["locations"]],
        "safeguards": [{"destination": _place(s["destination"], lang),
                        "mechanism": _mechanism(s["mechanism"], s.get("scc_module"), lang),
                        "document": s.get("document_reference")} for s in data["safeguards"]],
        "dpa_signed_on": texts.day(sp.get("dpa_signed_on"), lang),
        "notice_date": texts.day(data["notice_date"], lang),
        "deadline": texts.day(data["objection_deadline"], lang),
        "deadline_text": L["deadline_text"].format(
            days=data["period_days"], deadline=texts.day(data["objection_deadline"], lang),
            channel=L["channel"].format(channel=channel) if channel else ""),
        "default_period": None if data["period_recorded"] else L["default_period"].format(days=data["period_days"]),
        "earliest_effective": texts.day(data["earliest_effective"], lang),
        "generated_at_iso": (generated_at or utcnow()).isoformat(),
    }


def notice_pdf(session: Session, change: SubProcessorChange, client_id: int,
               fetcher: ProjectFetcher | None = None) -> bytes:
    """Art. 28(2): the notice to one affected client, in its language."""
    from registry.services.changes import notice_data

    doc = notice_doc(notice_data(session, change, client_id))
    meta = {"title": f"{doc['L']['notice_title']} — {doc['client']['legal_name']}",
            "author": doc["processor"]["legal_name"], "description": doc["kind"], "created": doc["generated_at_iso"],
            "modified": doc["generated_at_iso"]}
    return html_to_pdf(render_template("pdf/change_notice.html", doc=doc, lang=doc["lang"], meta=meta), fetcher)


def as_of_doc(org: Organisation, data: dict, lang: str, generated_at: datetime | None = None) -> dict:
    """The exported list as printable rows, stamped with its date, filters and fingerprint."""
    lang = lang if lang in LABELS else "fr"
    L = LABELS[lang]
    generated_at = generated_at or utcnow()
    rows = []
    level_word, engaged_by = CHAIN_WORDS[lang]
    for e in chain_sorted(data["subprocessors"]):
        level = e.get("chain_level")
        rows.append({
            "number": e.get("chain_number"), "level": level, "level_label": f"{level_word} {level}" if level else None,
            "engaged_by_label": engaged_by, "exporter": e.get("engaged_by"),
            "name": e.get("legal_name"), "trade_name": e.get("trade_name"), "service": e.get("service"),
            "country": _place(e.get("country"), lang), "status": word(STATUS, e.get("status"), lang),
            "locations": [{"country": _place(loc.get("country"), lang), "site": loc.get("site")}
                          for loc in e.get("locations", [])],
            "dpa": texts.day(_iso(e.get("dpa_signed_on")), lang), "dpa_reference": e.get("dpa_reference"),
            "certifications": e.get("certifications") or [],
            "transfers": [{"destination": _place(t.get("destination_country"), lang) if t.get("destination_country")
                           else t.get("destination_organisation"),
                           "mechanism": _mechanism(t.get("mechanism"), t.get("scc_module"), lang)}
                          for t in e.get("transfers", [])],
            "activities": e.get("activities", []),
            "flags": [reference.flag_text(code, lang) for code in e.get("flags", [])],
        })
    return {
        "lang": lang, "L": L, "org": org.legal_name, "as_of": texts.day(_iso(data["as_of"]), lang),
        "as_of_note": L["as_of_note"].format(tz=org.timezone), "sha256": data["sha256"], "count": data["count"],
        "filters": ", ".join(f"{k}={v}" for k, v in sorted(data["filters"].items())) or L["none"],
        "generated_at": texts.moment(generated_at, org.timezone, lang), "generated_at_iso": generated_at.isoformat(),
        "rows": rows,
    }


def _iso(value):
    from datetime import date

    return date.fromisoformat(value) if isinstance(value, str) and value else None


def subprocessors_as_of_pdf(org: Organisation, data: dict, lang: str, fetcher: ProjectFetcher | None = None) -> bytes:
    """The auditors' list as of a date (Art. 30(4): shown as the register stood), with its fingerprint."""
    doc = as_of_doc(org, data, lang)
    meta = {"title": f"{doc['L']['sublist_title']} — {org.legal_name} — {data['as_of']}", "author": org.legal_name,
            "description": f"as_of {data['as_of']} sha256 {data['sha256']}", "created": doc["generated_at_iso"],
            "modified": doc["generated_at_iso"]}
    return html_to_pdf(render_template("pdf/subprocessors_as_of.html", doc=doc, lang=doc["lang"], meta=meta), fetcher)
