"""Reply letters to a data subject's request (Arts. 12, 15-21), in French and English, with the facts of the request
filled in: a draft the DPO edits before printing. Pure text: dates come in as values, computed by the clock rules.

One letter per right, plus the extension letter (Art. 12(3): within the first month, with the reasons) and the
refusal letter (Art. 12(4): the reasons, the right to complain to a supervisory authority and to a judicial remedy).
"""

from dataclasses import dataclass
from datetime import date

from registry.formats import date_text

RIGHT_LETTERS = ("access", "rectification", "erasure", "restriction", "portability", "objection")
KINDS = (*RIGHT_LETTERS, "extension", "refusal")
TO_COMPLETE = {"fr": "[à compléter]", "en": "[to complete]"}


@dataclass(frozen=True)
class LetterFacts:
    """What a letter states, as plain values (the request's facts and the dates of its clock)."""

    organisation: str
    country: str
    reference: str
    received_on: date
    today: date
    due: date  # Art. 12(3): one month from receipt, moved to a working day
    extended_due: date  # the same, extended by two further months
    organisation_address: str | None = None
    signatory: str | None = None  # the DPO, or the organisation's contact point
    requester: str | None = None
    requester_contact: str | None = None
    activities: tuple[str, ...] = ()
    extension_reasons: str | None = None
    refusal_ground: str | None = None
    refusal_details: str | None = None
    answer_summary: str | None = None


_SUBJECT = {
    "fr": {"access": "droit d'accès (article 15 du RGPD)", "rectification": "droit de rectification (article 16 du RGPD)",
           "erasure": "droit à l'effacement (article 17 du RGPD)",
           "restriction": "droit à la limitation du traitement (article 18 du RGPD)",
           "portability": "droit à la portabilité (article 20 du RGPD)",
           "objection": "droit d'opposition (article 21 du RGPD)",
           "extension": "prolongation du délai de réponse (article 12(3) du RGPD)",
           "refusal": "suite donnée à votre demande (article 12(4) du RGPD)"},
    "en": {"access": "right of access (Article 15 GDPR)", "rectification": "right to rectification (Article 16 GDPR)",
           "erasure": "right to erasure (Article 17 GDPR)",
           "restriction": "right to restriction of processing (Article 18 GDPR)",
           "portability": "right to data portability (Article 20 GDPR)",
           "objection": "right to object (Article 21 GDPR)",
           "extension": "extension of the time to answer (Article 12(3) GDPR)",
           "refusal": "action on your request (Article 12(4) GDPR)"},
}

_BODY = {
    "fr": {
        "access": (
            "Vous nous avez demandé le {received} l'accès aux données personnelles vous concernant. Nous confirmons "
            "traiter des données vous concernant dans le cadre de : {activities}.\n\n"
            "Vous trouverez ci-joint une copie de ces données. Conformément à l'article 15 du RGPD, nous vous "
            "indiquons également :\n"
            "- les finalités du traitement : {tbc} ;\n"
            "- les catégories de données concernées : {tbc} ;\n"
            "- les destinataires ou catégories de destinataires : {tbc}, y compris hors de l'Union européenne et les "
            "garanties appropriées s'il y a lieu ;\n"
            "- la durée de conservation ou les critères qui la déterminent : {tbc} ;\n"
            "- la source des données lorsqu'elles n'ont pas été collectées auprès de vous : {tbc} ;\n"
            "- l'existence ou non d'une prise de décision automatisée, y compris un profilage : {tbc}.\n\n"
            "Vous pouvez nous demander la rectification ou l'effacement de vos données, la limitation de leur "
            "traitement, ou vous y opposer."
        ),
        "rectification": (
            "Suite à votre demande du {received}, nous avons rectifié ou complété les données vous concernant dans : "
            "{activities}.\n\nModifications effectuées : {summary}\n\n"
            "Conformément à l'article 19 du RGPD, nous avons informé de cette rectification les destinataires "
            "auxquels ces données avaient été communiquées, sauf si cela se révélait impossible ou exigeait des "
            "efforts disproportionnés."
        ),
        "erasure": (
            "Suite à votre demande du {received}, nous avons effacé les données personnelles vous concernant "
            "traitées dans le cadre de : {activities}.\n\n{summary}\n\n"
            "Les données que nous devons conserver pour respecter une obligation légale ou pour la constatation, "
            "l'exercice ou la défense de droits en justice (article 17(3) du RGPD) sont limitées à : {tbc}.\n\n"
            "Conformément à l'article 19 du RGPD, nous avons informé de cet effacement les destinataires auxquels "
            "ces données avaient été communiquées."
        ),
        "restriction": (
            "Suite à votre demande du {received}, nous avons limité le traitement des données vous concernant dans "
            "le cadre de : {activities}. Ces données sont conservées mais ne sont plus traitées, sauf avec votre "
            "consentement, pour la constatation, l'exercice ou la défense de droits en justice, pour la protection "
            "des droits d'une autre personne ou pour des motifs importants d'intérêt public.\n\n{summary}\n\n"
            "Nous vous informerons avant que la limitation ne soit levée (article 18(3) du RGPD)."
        ),
        "portability": (
            "Suite à votre demande du {received}, vous trouverez ci-joint les données personnelles vous concernant "
            "que vous nous avez fournies, traitées dans le cadre de : {activities}, dans un format structuré, "
            "couramment utilisé et lisible par machine ({tbc}).\n\n{summary}\n\n"
            "Si vous nous l'avez demandé et que c'est techniquement possible, nous les avons transmises directement "
            "au responsable du traitement que vous avez désigné."
        ),
        "objection": (
            "Suite à votre opposition du {received}, nous avons cessé de traiter les données vous concernant dans le "
            "cadre de : {activities}.\n\n{summary}\n\n"
            "Lorsque le traitement avait pour finalité la prospection, il a cessé sans condition (article 21(3) du "
            "RGPD). Dans les autres cas, nous ne poursuivrions le traitement que pour des motifs légitimes et "
            "impérieux prévalant sur vos intérêts, droits et libertés, ou pour la constatation, l'exercice ou la "
            "défense de droits en justice, ce que nous vous aurions alors exposé."
        ),
        "extension": (
            "Nous avons bien reçu le {received} votre demande (réf. {reference}). Compte tenu de sa complexité ou "
            "du nombre de demandes, nous prolongeons de deux mois le délai d'un mois dont nous disposons pour y "
            "répondre, comme le permet l'article 12(3) du RGPD.\n\n"
            "Motifs de cette prolongation : {reasons}\n\n"
            "Nous vous répondrons au plus tard le {extended_due}."
        ),
        "refusal": (
            "Nous avons examiné votre demande reçue le {received} (réf. {reference}). Nous ne sommes pas en mesure "
            "d'y donner suite, pour le motif suivant : {ground}.\n\n{details}\n\n"
            "Vous pouvez introduire une réclamation auprès {authority} et former un recours juridictionnel "
            "(article 12(4) du RGPD)."
        ),
    },
    "en": {
        "access": (
            "On {received} you asked us for access to the personal data concerning you. We confirm that we process "
            "data concerning you in: {activities}.\n\n"
            "Please find enclosed a copy of these data. Under Article 15 GDPR we also inform you of:\n"
            "- the purposes of the processing: {tbc};\n"
            "- the categories of personal data concerned: {tbc};\n"
            "- the recipients or categories of recipients: {tbc}, including outside the European Union and the "
            "appropriate safeguards where so;\n"
            "- the period for which the data will be stored, or the criteria used to determine it: {tbc};\n"
            "- where the data were not collected from you, their source: {tbc};\n"
            "- whether automated decision-making, including profiling, takes place: {tbc}.\n\n"
            "You may ask us to rectify or erase your data, to restrict their processing, or object to it."
        ),
        "rectification": (
            "Following your request of {received}, we have rectified or completed the data concerning you in: "
            "{activities}.\n\nChanges made: {summary}\n\n"
            "Under Article 19 GDPR we have told the recipients to whom these data were disclosed of the "
            "rectification, unless this proved impossible or involved disproportionate effort."
        ),
        "erasure": (
            "Following your request of {received}, we have erased the personal data concerning you processed in: "
            "{activities}.\n\n{summary}\n\n"
            "The data we must keep to comply with a legal obligation or for the establishment, exercise or defence "
            "of legal claims (Article 17(3) GDPR) are limited to: {tbc}.\n\n"
            "Under Article 19 GDPR we have told the recipients to whom these data were disclosed of the erasure."
        ),
        "restriction": (
            "Following your request of {received}, we have restricted the processing of the data concerning you in: "
            "{activities}. These data are stored but no longer processed, except with your consent, for the "
            "establishment, exercise or defence of legal claims, for the protection of the rights of another person "
            "or for important reasons of public interest.\n\n{summary}\n\n"
            "We will inform you before the restriction is lifted (Article 18(3) GDPR)."
        ),
        "portability": (
            "Following your request of {received}, please find enclosed the personal data concerning you that you "
            "provided to us, processed in: {activities}, in a structured, commonly used and machine-readable format "
            "({tbc}).\n\n{summary}\n\n"
            "Where you asked for it and it is technically feasible, we have transmitted them directly to the "
            "controller you named."
        ),
        "objection": (
            "Following your objection of {received}, we have stopped processing the data concerning you in: "
            "{activities}.\n\n{summary}\n\n"
            "Where the processing was for direct marketing, it has stopped without condition (Article 21(3) GDPR). "
            "Otherwise we would continue only on compelling legitimate grounds overriding your interests, rights "
            "and freedoms, or for the establishment, exercise or defence of legal claims, which we would then have "
            "explained to you."
        ),
        "extension": (
            "We received your request (ref. {reference}) on {received}. Given its complexity or the number of "
            "requests, we are extending by two further months the one-month period we have to answer it, as "
            "Article 12(3) GDPR allows.\n\n"
            "Reasons for this extension: {reasons}\n\n"
            "We will answer you by {extended_due} at the latest."
        ),
        "refusal": (
            "We have examined your request received on {received} (ref. {reference}). We cannot act on it, for the "
            "following reason: {ground}.\n\n{details}\n\n"
            "You may lodge a complaint with {authority} and seek a judicial remedy (Article 12(4) GDPR)."
        ),
    },
}

_GROUNDS = {
    "fr": {"manifestly_unfounded": "votre demande est manifestement infondée (article 12(5)(b) du RGPD)",
           "excessive": "votre demande est manifestement excessive, notamment par son caractère répétitif "
                        "(article 12(5)(b) du RGPD)",
           "art23_restriction": "une disposition légale limite ce droit (article 23 du RGPD)",
           "not_identifiable": "nous ne sommes pas en mesure de vous identifier (articles 11(2) et 12(2) du RGPD) ; "
                               "vous pouvez nous fournir des informations complémentaires permettant de le faire"},
    "en": {"manifestly_unfounded": "your request is manifestly unfounded (Article 12(5)(b) GDPR)",
           "excessive": "your request is manifestly excessive, in particular because of its repetitive character "
                        "(Article 12(5)(b) GDPR)",
           "art23_restriction": "a legal provision restricts this right (Article 23 GDPR)",
           "not_identifiable": "we are not in a position to identify you (Articles 11(2) and 12(2) GDPR); you may "
                               "provide additional information enabling us to do so"},
}

_AUTHORITY = {
    "fr": {"FR": "de la Commission nationale de l'informatique et des libertés (CNIL), 3 place de Fontenoy, TSA 80715, "
                 "75334 Paris Cedex 07, www.cnil.fr",
           None: "d'une autorité de contrôle, notamment dans l'État membre de votre résidence habituelle, de votre "
                 "lieu de travail ou du lieu où la violation aurait été commise (article 77 du RGPD)"},
    "en": {"FR": "the Commission nationale de l'informatique et des libertés (CNIL), 3 place de Fontenoy, TSA 80715, "
                 "75334 Paris Cedex 07, France, www.cnil.fr",
           None: "a supervisory authority, in particular in the Member State of your habitual residence, place of "
                 "work or place of the alleged infringement (Article 77 GDPR)"},
}

_FRAME = {
    "fr": ("{organisation}\n{address}\n\n{requester}\n{contact}\n\nLe {today}\n\n"
           "Objet : votre demande du {received} (réf. {reference}) — {subject}\n\n"
           "Madame, Monsieur,\n\n{body}\n\n"
           "Nous restons à votre disposition pour toute question.\n\n"
           "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.\n\n{signatory}"),
    "en": ("{organisation}\n{address}\n\n{requester}\n{contact}\n\n{today}\n\n"
           "Subject: your request of {received} (ref. {reference}) — {subject}\n\n"
           "Dear Sir or Madam,\n\n{body}\n\n"
           "Please do not hesitate to contact us with any question.\n\n"
           "Yours faithfully,\n\n{signatory}"),
}


def letter_kinds_for(rights: list[str]) -> list[str]:
    """The letters that fit a request: one per right it exercises that has a letter, then extension and refusal."""
    return [k for k in RIGHT_LETTERS if k in rights] + ["extension", "refusal"]


def reply_letter(kind: str, lang: str, f: LetterFacts) -> str:
    """The draft of a reply (Art. 12(1): concise, intelligible, clear and plain language) in `lang`, its facts
    filled from the request; what the register cannot know is marked to complete."""
    if kind not in KINDS:
        raise ValueError(f"no letter {kind!r}")
    lang = lang if lang in _BODY else "en"
    tbc = TO_COMPLETE[lang]
    d = lambda day: date_text(day, lang)  # noqa: E731
    ground = _GROUNDS[lang].get(f.refusal_ground or "", tbc)
    body = _BODY[lang][kind].format(
        received=d(f.received_on), reference=f.reference, activities="; ".join(f.activities) or tbc, tbc=tbc,
        summary=(f.answer_summary or tbc).strip(), reasons=(f.extension_reasons or tbc).strip(), ground=ground,
        details=(f.refusal_details or "").strip(), extended_due=d(f.extended_due),
        authority=_AUTHORITY[lang]["FR" if f.country == "FR" else None],
    )
    body = body.replace("\n\n\n\n", "\n\n")  # an empty paragraph (no details given) leaves no gap
    return _FRAME[lang].format(
        organisation=f.organisation, address=f.organisation_address or "", requester=f.requester or tbc,
        contact=f.requester_contact or "", today=d(f.today), received=d(f.received_on), reference=f.reference,
        subject=_SUBJECT[lang][kind], body=body, signatory=f.signatory or f.organisation,
    )

