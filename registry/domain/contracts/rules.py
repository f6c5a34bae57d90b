"""The named French and English pattern rules that decide each Art. 28 item, one small regex per rule.

Patterns match folded text (lower case, no accents, straight quotes: see segment.fold) of one
passage (a sentence or list item) read under its clause headings, or of a passage joined to the next
one of its clause. A rule gives the verdict it names when it matches; for each item the strongest
verdict found wins (present > weak > missing-with-evidence), after the checks that lower a "present":
NEGATION and DISCRETION around the match, a RESTRICTION of the item in the same clause, a text written
by the controller (CONTROLLER_SIDE). A DEFINITION is never evidence. `.{0,N}` gaps keep a rule inside
one sentence-sized window, which is what makes a quote checkable by a person.

The wording was gathered from the tuning part of the development corpus (../shared/contracts, never
its held-out part), the seed contracts and clauses written for tests/unit/test_clause_verdicts.py.
"""

import re
from dataclasses import dataclass

PRESENT, WEAK, MISSING = "present", "weak", "missing"
VERDICT_RANK = {PRESENT: 2, WEAK: 1, MISSING: 0}


@dataclass(frozen=True)
class Item:
    code: str
    article: str
    en: str
    fr: str


ITEMS: tuple[Item, ...] = (
    Item("art28_3_a", "Art. 28(3)(a)", "Processing only on documented instructions, including on transfers",
         "Traitement uniquement sur instruction documentée, y compris pour les transferts"),
    Item("art28_3_b", "Art. 28(3)(b)", "Confidentiality of the persons authorised to process the data",
         "Confidentialité des personnes autorisées à traiter les données"),
    Item("art28_3_c", "Art. 28(3)(c), Art. 32", "Security measures required by Art. 32",
         "Mesures de sécurité exigées par l'article 32"),
    Item("art28_2", "Art. 28(2)", "Sub-processors: prior written authorisation, information of changes, right to object",
         "Sous-traitants ultérieurs : autorisation écrite préalable, information des changements, droit d'objection"),
    Item("art28_4", "Art. 28(4)", "The same data-protection obligations imposed on sub-processors",
         "Mêmes obligations imposées aux sous-traitants ultérieurs"),
    Item("art28_3_e", "Art. 28(3)(e)", "Assistance with data-subject requests",
         "Aide pour répondre aux demandes d'exercice des droits"),
    Item("art28_3_f", "Art. 28(3)(f)", "Assistance with Arts. 32 to 36 (security, breaches, DPIA, prior consultation)",
         "Aide pour les articles 32 à 36 (sécurité, violations, AIPD, consultation préalable)"),
    Item("art28_3_g", "Art. 28(3)(g)", "Deletion or return at the end, at the controller's choice",
         "Suppression ou restitution en fin de contrat, au choix du responsable"),
    Item("art28_3_h", "Art. 28(3)(h)", "Information and audits, including inspections",
         "Information et audits, y compris inspections"),
    Item("art33_2", "Art. 33(2)", "Breach notification to the controller",
         "Notification des violations au responsable du traitement"),
    Item("transfers", "Arts. 44-46", "Transfers outside the EEA and their mechanism",
         "Transferts hors EEE et leur mécanisme"),
    Item("art30_2", "Art. 30(2)", "The processor keeps a record of processing activities",
         "Le sous-traitant tient un registre des activités de traitement"),
)
ITEM_BY_CODE = {i.code: i for i in ITEMS}


@dataclass(frozen=True)
class Rule:
    """One named pattern: when `pattern` matches a passage, item `item` gets `verdict` by this rule.

    The pattern reads the passage with its clause headings in front ("6 sub-processors 6.5 :: ..."),
    unless `text_only`: then the headings are not read (a heading "Deletion and return" is a topic,
    not an undertaking to offer both).
    """

    name: str
    item: str
    verdict: str
    lang: str
    pattern: re.Pattern
    doc: str
    text_only: bool = False


def _r(name: str, item: str, verdict: str, lang: str, pattern: str, doc: str, text_only: bool = False) -> Rule:
    return Rule(name, item, verdict, lang, re.compile(pattern), doc, text_only)


_SUB = r"sous-trait\w*"  # sous-traitant(s), sous-traitance, sous-traiter
_SUBP = r"sub-?processors?|subcontractors?|another processor"
# The party the processor works for, by the names contracts give it.
_PARTY = (r"(?:the )?(?:data )?(?:controller|customer|client|subscriber|licensee|merchant|company|organi[sz]ation|business"
          r"|data exporter|you|your)")
_PARTY_FR = r"(?:client|responsable|administration|utilisateur|donneur d'ordre|collectivite|etablissement)"
_EVENT = (r"(?:personal data breach|data breach|security (?:incident|breach)|breach of (?:security|personal data)"
          r"|(?:data|privacy|security) incident|unauthori[sz]ed (?:access to|disclosure of)|\b(?:an?|any) incidents?\b"
          r"|\b(?:an?|any) breach(?:es)?\b(?! of (?:this|the|its) (?:agreement|dpa|contract|addendum|terms)))")
_TELL = r"\b(?:notif(?:y|ies|ied|ication)|inform(?:s|ed)?|alerts?)\b"  # "inform", not "information"
_EVENT_FR = (r"(?:violations? (?:de |des |de la )?(?:donnees|securite)|(?:incidents?|failles?|atteintes?) (?:de |a la )?securite"
             r"|acces non autorises?)")
# "inform" as a verb, not "information"; "notifie", "avertit", "previent"
_TELL_FR = r"\b(?:inform(?:e|er|era|ent|erons|ant)?|notifi\w*|avert\w*|preven\w*|previen\w*|alert\w*|signal\w*)\b"
_DELETE_FR = r"(?:restitu\w+|retourn\w+|renvo\w+|supprim\w+|detrui\w+|effac\w+|suppression|destruction|restitution)"
_END_FR = r"(?:fin|terme|issue|expiration|cessation|resiliation|echeance)(?: du| de la| des| de)? (?:contrat|terme contractuel|prestations?)"

RULES: tuple[Rule, ...] = (
    # Art. 28(3)(a)
    _r("fr_instructions_documentees", "art28_3_a", PRESENT, "fr",
       r"\btrait\w*\b.{0,150}\b(?:sur (?:demande|instruction)s? (?:ecrite|documentee)s?|conformement aux instructions"
       r"|(?:selon|suivant) (?:les|ses) instructions (?:documentees|ecrites|du client|du responsable))"
       r"|\b(?:trait\w*|agit|agir)\b.{0,150}\b(?:sur|selon|suivant|conformement aux|dans le respect des) (?:la base des? |les |ses |l'|la seule )?"
       r"instructions? (?:documentees? |ecrites? )?(?:du|de l'|des|de ce dernier|de celui-ci)"
       r"(?: (?:client|responsable|utilisateur|donneur d'ordre)|$|[ ,.;])",
       "The processor processes only on the controller's written/documented instructions."),
    _r("en_documented_instructions", "art28_3_a", PRESENT, "en",
       r"\bprocess\w*\b.{0,150}\b(?:on (?:the )?(?:documented|written) instructions|in accordance with (?:the )?"
       r"(?:documented |written )?instructions|(?:documented|written) instructions)"
       rf"|\b(?:documented|written) instructions\b.{{0,150}}\bprocess\w*"
       rf"|\bprocess\w*\b.{{0,150}}\b(?:on|upon|under|following|per|pursuant to|in accordance with|in compliance with|subject to)"
       rf" {_PARTY}(?:'s?)? (?:[a-z]+ ){{0,2}}instructions"
       rf"|\bprocess\w*\b.{{0,150}}\b(?:only|solely|exclusively) as (?:instructed|directed) by {_PARTY}\b"
       rf"|\b{_PARTY} (?:hereby )?instructs? (?:\w+ ){{0,3}}to process\b",
       "The processor processes only on the controller's documented instructions."),
    _r("fr_finalite_service_seule", "art28_3_a", WEAK, "fr",
       r"trait\w+ (?:les )?donnees.{0,60}(?:uniquement|exclusivement|seulement) (?:pour|aux fins)"
       r"|s'interdit (?:tout|toute) (?:usage|utilisation)\b.{0,60}\bdonnees",
       "Only a purpose limitation or a ban on own use, without instructions from the controller."),
    _r("en_purpose_only", "art28_3_a", WEAK, "en",
       r"process\w* (?:the )?(?:personal )?data.{0,40}(?:only|solely|exclusively) (?:for|to) (?:the purpose|perform|provide)"
       r"|(?:shall|will) not use (?:the )?(?:personal )?data for (?:its|their) own"
       r"|\bprocess\w* (?:the |customer )?(?:personal )?data (?:\w+ ){0,3}to (?:provide|deliver|perform) the services?\b",
       "Only a purpose limitation, without instructions from the controller."),
    # Art. 28(3)(b)
    _r("fr_personnes_autorisees_confidentialite", "art28_3_b", PRESENT, "fr",
       r"personnes (?:autorisees|habilitees|ayant acces).{0,150}confidentialit"
       r"|confidentialit.{0,80}\b(?:salaries|preposes|employes|collaborateurs|(?:son|leur|le|du|tout le) personnel\b)"
       r"|\b(?:salaries|preposes|employes|collaborateurs|(?:son|leur|le|du|tout le) personnel)\b.{0,150}(?:confidentialit|secret)",
       "Persons authorised to process the data are bound to confidentiality."),
    _r("en_authorised_persons_confidentiality", "art28_3_b", PRESENT, "en",
       # a mutual "Confidential Information" clause binds the company about business secrets, not its staff about the data
       r"(?:authori[sz]ed to process|persons|personnel|employees|staff).{0,150}(?:confidentiality|confidential)(?! information)"
       r"|confidentiality (?:obligations )?of (?:all |any |its |the )?(?:persons|personnel|employees|staff|individuals)\b",
       "Persons authorised to process the data are bound to confidentiality."),
    _r("fr_confidentialite_generale", "art28_3_b", WEAK, "fr",
       r"(?:tenu|s'engage|s'oblige|garanti)\w*.{0,40}(?:confidentialite|confidentiel)",
       "A general confidentiality duty of the company, not of the persons who process the data."),
    _r("en_general_confidentiality", "art28_3_b", WEAK, "en",
       r"(?:keep|treat|hold|maintain)\w*.{0,40}confidential|\bensures? (?:the )?confidentiality\b",
       "A general confidentiality duty of the company, not of the persons who process the data."),
    # Art. 28(3)(c) and Art. 32
    _r("fr_mesures_article_32", "art28_3_c", PRESENT, "fr",
       r"article 32\b|mesures (?:de securite )?(?:techniques et organisationnelles|organisationnelles et techniques)",
       "Art. 32 or its technical and organisational measures are named."),
    _r("en_article_32_measures", "art28_3_c", PRESENT, "en",
       r"article 32\b|technical and organi[sz]ational (?:security )?measures"
       r"|(?:security |protective )?measures (?:set out|described|specified|listed|defined) in (?:annex|appendix|schedule|exhibit)\b"
       r".{0,80}\b(?:protect|secur)|\bsecurity measures\b.{0,100}\b(?:annex|appendix|schedule|exhibit)\b"
       r"|(?:administrative, physical,? and technical|technical, physical,? and administrative|physical, technical,? and administrative"
       r"|administrative, technical,? and physical) (?:security )?(?:measures|safeguards)",
       "Art. 32 or its technical and organisational measures are named."),
    _r("fr_securite_du_service", "art28_3_c", WEAK, "fr",
       r"\b(?:assurer|garantir|preserver|proteger)\b.{0,40}\bsecurite\b",
       "Security described as a feature of the service, not as Art. 32 measures."),
    _r("en_service_security", "art28_3_c", WEAK, "en",
       r"\b(?:ensur|maintain|guarantee|protect|implement)\w*\b.{0,40}\bsecurity\b",
       "Security described as a feature of the service, not as Art. 32 measures."),
    # Art. 28(2)
    _r("fr_autorisation_ecrite_prealable", "art28_2", PRESENT, "fr",
       rf"{_SUB}.{{0,200}}autorisation (?:ecrite|prealable)|autorisation (?:ecrite|prealable).{{0,200}}{_SUB}",
       "Sub-processors need the controller's prior written authorisation."),
    _r("fr_droit_objection", "art28_2", PRESENT, "fr",
       rf"{_SUB}.{{0,300}}(?:objections?|s'opposer|droit d'opposition)",
       "Changes of sub-processors are notified with a right to object."),
    _r("en_prior_written_authorisation", "art28_2", PRESENT, "en",
       rf"(?:{_SUBP}).{{0,200}}prior (?:specific or general )?written authori[sz]ation"
       rf"|prior (?:specific or general )?written authori[sz]ation.{{0,200}}(?:{_SUBP})",
       "Sub-processors need the controller's prior written authorisation."),
    _r("en_right_to_object", "art28_2", PRESENT, "en",
       rf"(?:{_SUBP}).{{0,300}}\bobject|\bobject(?:s|ion|ions)?\b.{{0,100}}(?:{_SUBP})",
       "Changes of sub-processors are notified with a right to object."),
    _r("fr_information_sans_objection", "art28_2", WEAK, "fr",
       rf"inform\w*.{{0,120}}(?:ajout|remplacement|changement|modification).{{0,80}}{_SUB}"
       rf"|(?:ajout|remplacement|changement|modification).{{0,80}}{_SUB}.{{0,120}}inform",
       "Changes are only announced: no right to object."),
    _r("en_information_without_objection", "art28_2", WEAK, "en",
       rf"(?:inform|notify)\w*.{{0,150}}(?:change|addition|replacement).{{0,60}}(?:{_SUBP})",
       "Changes are only announced: no right to object."),
    _r("fr_permission_generale", "art28_2", WEAK, "fr",
       r"(?:autoris\w+|accepte\w*|peut|pourra|puisse)\b.{0,60}\b(?:recourir|faire appel|sous-traiter)\b.{0,60}"
       r"(?:sous-trait|tout ou partie)",
       "A bare permission to use sub-processors, without information or objection."),
    _r("en_bare_permission", "art28_2", WEAK, "en",
       rf"(?:may|is authori[sz]ed to|is entitled to|permitted to) (?:use|engage|appoint|subcontract).{{0,60}}(?:{_SUBP}|subcontract)",
       "A bare permission to use sub-processors, without information or objection."),
    _r("fr_tout_tiers_sans_autorisation", "art28_2", MISSING, "fr",
       r"(?:peut|pourra)\s+s'adjoindre\s+(?:tout|tous|des|un)\s+tiers"
       r"|(?:peut|pourra) (?:librement )?(?:recourir|faire appel) a (?:tout|tous|n'importe quel)\s+(?:tiers|prestataire)",
       "The processor may use any third party: no authorisation at all."),
    _r("en_any_third_party", "art28_2", MISSING, "en",
       r"may (?:freely )?(?:use|engage|appoint|subcontract to) any third part",
       "The processor may use any third party: no authorisation at all."),
    # Art. 28(4)
    _r("fr_memes_obligations", "art28_4", PRESENT, "fr",
       rf"{_SUB}.{{0,300}}(?:memes obligations|memes engagements|obligations (?:identiques|equivalentes|similaires)"
       rf"|engagements similaires)|(?:memes obligations|engagements similaires).{{0,300}}{_SUB}"
       rf"|{_SUB}.{{0,100}}\b(?:tenus?|soumis|doit|doivent)\b.{{0,30}}respecter (?:les|des) obligations",
       "The same data-protection obligations are imposed on sub-processors."),
    _r("en_same_obligations", "art28_4", PRESENT, "en",
       rf"(?:{_SUBP}).{{0,300}}(?:same|equivalent|identical|corresponding|no less protective) (?:[\w-]+ ){{0,4}}(?:obligations|terms)"
       rf"|(?:{_SUBP}).{{0,300}}\bobligations (?:corresponding|equivalent|identical) to"
       rf"|(?:{_SUBP}).{{0,300}}\b(?:the same|an equivalent|equivalent) (?:level of (?:data )?protection|standard)"
       rf"|(?:{_SUBP}).{{0,300}}\bat least the (?:same )?level of (?:data )?protection"
       rf"|(?:same|equivalent) (?:data protection )?obligations.{{0,300}}(?:{_SUBP})"
       rf"|(?:{_SUBP}).{{0,100}}\bbound by (?:the same|these|equivalent) (?:data protection )?obligations",
       "The same data-protection obligations are imposed on sub-processors."),
    _r("fr_garanties_suffisantes", "art28_4", WEAK, "fr",
       rf"{_SUB}.{{0,150}}garanties suffisantes|garanties suffisantes.{{0,150}}{_SUB}",
       "Only 'sufficient guarantees' of sub-processors: obligations not flowed down."),
    _r("en_similar_obligations", "art28_4", WEAK, "en",
       rf"(?:{_SUBP}).{{0,300}}(?:substantially similar|no less protective|at least as protective|data protection agreements?"
       rf"|data processing agreements?|(?:consistent with|comparable to|similar to|in line with) (?:those (?:in|of|set out in) )?"
       rf"(?:this|the) (?:dpa|addendum|agreement))",
       "Sub-processors get similar terms or an agreement, not the same obligations."),
    _r("en_sufficient_guarantees", "art28_4", WEAK, "en",
       rf"(?:{_SUBP}).{{0,150}}sufficient guarantees|sufficient guarantees.{{0,150}}(?:{_SUBP})",
       "Only 'sufficient guarantees' of sub-processors: obligations not flowed down."),
    # Art. 28(3)(e)
    _r("fr_aide_droits_personnes", "art28_3_e", PRESENT, "fr",
       r"\b(?:aid\w*|assist\w*|concours|cooper\w*)\b.{0,200}(?:demandes|droits?)\b.{0,80}(?:personnes? concernees?|exercice)"
       r"|(?:personnes? concernees?|exercice des droits).{0,200}\b(?:aider|assister|concours|assistance|aide)\b",
       "The processor helps the controller answer data-subject requests."),
    _r("en_assist_data_subject_requests", "art28_3_e", PRESENT, "en",
       r"assist.{0,150}(?:data subject|requests? .{0,60}rights)|data subjects?'? (?:rights|requests?).{0,150}assist"
       r"|\b(?:help|cooperat|support|enable|allow)\w*\b.{0,150}(?:data subjects?'? (?:rights|requests?)|\bdsrs?\b"
       r"|requests? (?:from|of|by) data subjects|articles? 12 (?:to|-) 2[23])",
       "The processor helps the controller answer data-subject requests."),
    _r("fr_transmission_seule", "art28_3_e", WEAK, "fr",
       r"(?:demandes?|requetes?|reclamations?)\b.{0,60}(?:personnes? concernees?|exercice|droits?)\b.{0,200}"
       rf"\b(?:transmet\w*|transmis\w*|inform(?:e|era|ent|er)|redirig\w*|adress\w*|renvo\w*)\b.{{0,100}}{_PARTY_FR}",
       "Requests are only forwarded to the controller."),
    _r("en_forward_only", "art28_3_e", WEAK, "en",
       rf"(?:forward|pass on|redirect|refer)\w*.{{0,80}}(?:request|complaint).{{0,80}}{_PARTY}\b"
       rf"|(?:forward|pass on|redirect|refer)\w*.{{0,30}}\b{_PARTY}\b.{{0,80}}(?:request|complaint)",
       "Requests are only forwarded to the controller."),
    # Art. 28(3)(f)
    _r("fr_articles_32_a_36", "art28_3_f", PRESENT, "fr",
       r"\bart(?:icles?|s?\.)? ?32 ?(?:a|-|et) ?36|(?:analyses?|evaluations?|etudes?) d'impact.{0,200}consultation prealable"
       r"|\b(?:aider|aide|assister|assiste)\b.{0,120}consultation prealable",
       "Assistance with Arts. 32-36, or with both DPIA and prior consultation."),
    _r("en_articles_32_to_36", "art28_3_f", PRESENT, "en",
       # the DPIA-and-consultation form needs a word of help: "Customer is responsible for DPIAs and prior consultation" is not
       r"\bart(?:icles?|s?\.)? ?32 ?(?:to|-|through|and) ?36"
       r"|\b(?:assist|cooperat|help|support|provid)\w*\b.{0,250}(?:impact assessment|\bdpias?\b).{0,200}(?:prior consultation|consult\w* (?:with )?"
       r"(?:the |any |a |competent |relevant )*(?:supervisory|data protection) authorit|consult\w* (?:with )?(?:the |any |a |competent |relevant )*regulators?)"
       r"|assist.{0,120}prior consultation",
       "Assistance with Arts. 32-36, or with both DPIA and prior consultation."),
    _r("fr_aide_aipd_seule", "art28_3_f", WEAK, "fr",
       r"\b(?:aider|assister|assistance|aide|cooperer|cooperation|concours)\b.{0,100}(?:analyses?|evaluations?|etudes?) d'impact",
       "Assistance with DPIAs only: not the whole of Arts. 32-36."),
    _r("en_dpia_only", "art28_3_f", WEAK, "en",
       r"\b(?:assist|cooperat|help|support)\w*\b.{0,200}(?:impact assessment|\bdpias?\b)", "Assistance with DPIAs only: not the whole of Arts. 32-36."),
    _r("en_general_compliance_help", "art28_3_f", WEAK, "en",
       r"\bassists?\b.{0,60}\b(?:with|in (?:meeting|complying with|ensuring)) (?:its |their |the )?(?:data protection |gdpr )?"
       r"(?:obligations|compliance)",
       "A general promise of help with data-protection obligations: Arts. 32-36 not named."),
    # Art. 28(3)(g)
    _r("fr_restitution_au_choix", "art28_3_g", PRESENT, "fr",
       rf"{_DELETE_FR}.{{0,150}}(?:(?:au choix|selon (?:la |le )?(?:decision|choix)|sur (?:simple )?demande) du {_PARTY_FR}|au choix de celui-ci|a son choix)"
       rf"|(?:au choix|selon (?:la |le )?(?:decision|choix)) (?:du|de l') ?{_PARTY_FR}.{{0,150}}{_DELETE_FR}"
       rf"|{_DELETE_FR}.{{0,150}}(?:au|selon (?:le|son)|a son) choix(?: de ce dernier| de celui-ci)?\b",
       "Deletion or return at the end, at the controller's choice."),
    _r("en_return_at_choice", "art28_3_g", PRESENT, "en",
       rf"(?:return|delet|destr|eras).{{0,150}}\b(?:choice|option|election|discretion) of {_PARTY}"
       rf"|(?:choice|option|election) of {_PARTY}.{{0,150}}(?:return|delet|destr|eras)"
       rf"|{_PARTY}'s? (?:choice|option|election|discretion)\b.{{0,150}}(?:return|delet|destr|eras)"
       # deletion "at the customer's request" is deletion only; a return on request is the controller's choice
       rf"|{_PARTY}'s? (?:(?:written )?request|direction|instructions?)\b.{{0,150}}\breturn",
       "Deletion or return at the end, at the controller's choice."),
    _r("en_return_or_delete", "art28_3_g", PRESENT, "en",
       r"\breturn\w*\b.{0,100}\b(?:delet|destr|eras)\w*|\b(?:delet|destr|eras)\w*\b.{0,100}\breturn",
       "Both deletion and return are offered.", text_only=True),
    _r("fr_suppression_fin_contrat", "art28_3_g", WEAK, "fr",
       rf"{_DELETE_FR}.{{0,150}}{_END_FR}|{_END_FR}.{{0,100}}{_DELETE_FR}",
       "Deletion or return at the end, but the controller does not choose."),
    _r("en_deletion_at_end", "art28_3_g", WEAK, "en",
       r"(?:return|delet|destr|eras)\w*.{0,150}(?:end|termination|expiry|expiration) of (?:the )?(?:agreement|contract|services)"
       r"|(?:end|termination|expiry|expiration) of (?:the )?(?:agreement|contract|services).{0,100}\b(?:return|delet|destr|eras)"
       r"|\b(?:delet|destr|eras)\w*.{0,60}\b(?:upon|after|following|on) (?:the )?(?:termination|expiry|expiration|end|cancellation"
       r"|closure|deletion)\b|\b(?:delet|destr|eras)\w*.{0,60}\b(?:upon|after|following|on) (?:(?:the|your|its|customer'?s?) )?account (?:closure|deletion|termination)\b|\b(?:upon|after|following|on) (?:the )?(?:termination|expiry|expiration|cancellation)\b.{0,150}"
       r"\b(?:delet|destr|eras)",
       "Deletion or return at the end, but the controller does not choose."),
    # Art. 28(3)(h)
    _r("fr_audits_inspections", "art28_3_h", PRESENT, "fr",
       r"audits? (?:ou|et) (?:d')?inspections?|inspections? (?:ou|et) (?:d')?audits?|\b(?:faire )?auditer\b"
       r"|audits?,? y compris (?:des |les |d')?inspections?|\b(?:permet\w*|autoris\w*|accept\w*|soumet\w*)\b.{0,40}\baudits?\b|audits? sur (?:site|place)|droit d'audit|\b(?:realiser|proceder a|conduire|faire realiser|diligenter)\b.{0,30}\baudits?\b",
       "The controller may audit, including by inspections."),
    _r("en_audits_inspections", "art28_3_h", PRESENT, "en",
       r"\baudits?\b.{0,60}\binspections?\b|\binspections?\b.{0,60}\baudits?\b"
       r"|(?:allow|permit|submit to|contribute to).{0,60}\baudit(?:s|s? of|s? by| rights?)?\b(?! (?:our|the|its) (?:source )?code)"
       r"|\b(?:conduct|perform|carry out)\w* (?:an |on-site |onsite |on site )*(?:audits?|inspections?)\b"
       rf"|\b{_PARTY}(?: \([^)]{{0,60}}\))? (?:may|can|shall be entitled to|is entitled to|has the right to) (?:\w+ ){{0,3}}audit\b"
       r"(?! (?:our|the|its) (?:source )?code)"
       rf"|\b{_PARTY}'s? (?:right to audit|audit rights?)\b",
       "The controller may audit, including by inspections."),
    _r("fr_rapports_ou_informations", "art28_3_h", WEAK, "fr",
       r"rapports? d'audit|(?:met\w* a (?:la )?disposition|fourni\w*|communiqu\w*).{0,80}(?:informations|documentation) necessaires?.{0,30}demontrer",
       "Only audit reports or information: no inspection."),
    _r("en_reports_only", "art28_3_h", WEAK, "en",
       r"audit reports?|information necessary to demonstrate|(?:soc ?[12]|iso ?27001).{0,80}\baudit|\baudit.{0,80}(?:soc ?[12]|iso ?27001)"
       r"|in lieu of (?:an? )?(?:on-?site )?audit|(?:audit|security) questionnaires?|summar(?:y|ies) of (?:\w+ )?assessments",
       "Only audit reports or information: no inspection."),
    # Art. 33(2)
    _r("fr_notification_violation", "art33_2", PRESENT, "fr",
       rf"{_EVENT_FR}.{{0,200}}{_TELL_FR}.{{0,100}}{_PARTY_FR}"
       rf"|{_TELL_FR}.{{0,150}}{_PARTY_FR}.{{0,150}}{_EVENT_FR}",
       "The processor tells the controller of a personal-data breach."),
    _r("en_breach_notification", "art33_2", PRESENT, "en",
       rf"{_EVENT}.{{0,250}}{_TELL}.{{0,60}}\b{_PARTY}s?\b"
       rf"|{_TELL}.{{0,100}}\b{_PARTY}s?\b.{{0,150}}{_EVENT}"
       rf"|\b{_PARTY}s? (?:will|shall|must) be (?:notified|informed|alerted)\b.{{0,150}}{_EVENT}",
       "The processor tells the controller of a personal-data breach."),
    # Arts. 44-46
    _r("fr_mecanisme_transfert", "transfers", PRESENT, "fr",
       r"transf\w+.{0,300}(?:clauses contractuelles types|decision d'adequation|regles d'entreprise contraignantes"
       r"|article 46|garanties appropriees|data privacy framework|chapitre v\b)",
       "Transfers outside the EU are tied to a Chapter V mechanism."),
    _r("fr_stockage_ue_uniquement", "transfers", PRESENT, "fr",
       r"(?:exclusivement|uniquement|seulement) (?:situes? )?(?:dans|en|sur le territoire de) (?:l'union europeenne|l'ue|l'eee)"
       r"|transf\w+.{0,100}hors (?:de l')?(?:union europeenne|ue|eee).{0,200}autorisation",
       "Data stay in the EU, or leave it only with the controller's authorisation."),
    _r("en_transfer_mechanism", "transfers", PRESENT, "en",
       r"transfer.{0,300}(?:standard contractual clauses|adequacy decision|binding corporate rules|article 46"
       r"|appropriate safeguards|data privacy framework|chapter v\b|\bsccs?\b|2021/914|\bidta\b|model clauses|\bdpf\b)",
       "Transfers outside the EU are tied to a Chapter V mechanism."),
    _r("en_stored_in_eu", "transfers", WEAK, "en",
       r"(?:stored|hosted|processed) (?:exclusively |only |solely )?(?:with)?in the (?:eu|european union|eea)\b",
       "Data are said to stay in the EU: no transfer clause or mechanism."),
    _r("fr_transfert_sans_mecanisme", "transfers", WEAK, "fr",
       r"transf\w+.{0,100}(?:hors (?:de l')?(?:union europeenne|ue|eee)|pays tiers)",
       "Transfers are mentioned without a mechanism."),
    _r("en_transfer_without_mechanism", "transfers", WEAK, "en",
       r"transfer.{0,100}(?:outside the (?:eu|eea|european)|third countr)", "Transfers are mentioned without a mechanism."),
    # Art. 30(2)
    _r("fr_registre_sous_traitant", "art30_2", PRESENT, "fr",
       r"(?:tient|tenir|tenu|maintient|maintenir|tiendra)\b.{0,60}registre.{0,200}pour le compte|article 30[. ]?2"
       r"|\b(?:tenir|maintenir|tient|maintient|tiendra) (?:a jour )?(?:un|le|son) registre des (?:categories d')?activites de traitement",
       "The processor keeps a record of the processing done for the controller."),
    _r("en_processor_record", "art30_2", PRESENT, "en",
       r"(?:maintain|keep)\w*.{0,60}(?:record|register)s? of (?:all )?(?:categories of )?processing|article 30\s*\(?2\)?"
       r"|records? of (?:the )?processing activities.{0,60}\b(?:are|is|shall be|will be) (?:kept|maintained)",
       "The processor keeps a record of the processing done for the controller."),
)

# Whether the document speaks of personal data at all: without it, a service feature (backups,
# server security, staff discretion) is not a processor's Art. 28 obligation, so it counts at most as weak.
DATA_PROTECTION_CONTEXT = re.compile(
    r"donnees (?:a caractere )?personnel|personal data|\brgpd\b|\bgdpr\b|2016/679|protection des donnees|data protection")


@dataclass(frozen=True)
class Restriction:
    """A sentence that narrows an undertaking: when it stands in the clause of a "present" match
    (or in the matched passage itself), the item is only "weak"."""

    name: str
    item: str
    lang: str
    pattern: re.Pattern
    doc: str


def _x(name: str, item: str, lang: str, pattern: str, doc: str) -> Restriction:
    return Restriction(name, item, lang, re.compile(pattern), doc)


RESTRICTIONS: tuple[Restriction, ...] = (
    _x("en_own_purposes_too", "art28_3_a", "en",
       r"^(?!.*(?:anonymi|aggregat|de-identif)).*?(?:\b(?:provide|providing|maintain|operate) and improv\w*|(?<!not )\bimprov\w* (?:the |our |its )?(?:services?|products?)\b"
       r"|(?<!not )\btrain\w* (?:its |our |the )?(?:machine learning |ai |artificial intelligence )?models?\b"
       r"|(?<!not )\bfor (?:its|our|vendor'?s?|provider'?s?) (?:own |legitimate )?(?:business )?purposes\b)",
       "The processor may also use the data for its own purposes (improving its services, training models)."),
    _x("fr_finalites_propres", "art28_3_a", "fr",
       r"^(?!.*(?:anonymi|agreg|pseudonymi)).*?(?:(?<!pas )\bameliorer? (?:le |les |ses |nos )?(?:services?|produits?)\b"
       r"|(?<!pas )\bentrain\w* (?:ses |les |nos )?modeles?\b)",
       "The processor may also use the data for its own purposes (improving its services, training models)."),
    _x("en_flow_down_similar_only", "art28_4", "en",
       r"substantially similar|no less protective|at least as protective"
       r"|same (?:data )?(?:security|confidentiality)(?: and (?:data )?(?:security|confidentiality))? obligations",
       "Sub-processors get similar terms, or only the security and confidentiality obligations."),
    _x("fr_flow_down_partiel", "art28_4", "fr",
       r"memes obligations (?:de|en matiere de) (?:securite|confidentialite)(?: et (?:de )?(?:securite|confidentialite))?\b",
       "Only the security and confidentiality obligations are flowed down."),
    _x("en_audit_limited_to_reports", "art28_3_h", "en",
       r"audit (?:rights?|obligations?|requests?) (?:\w+ ){0,3}(?:shall|will|may) be (?:satisfied|fulfilled|met|limited)"
       r"|(?:audits?|inspections?) (?:\w+ ){0,3}(?:limited|restricted) to (?:the |a )?(?:review|provision|reports?|certificat)"
       r"|in lieu of (?:an? |any )?(?:on-?site |onsite )?(?:audit|inspection)|instead of (?:an? |any )?(?:on-?site )?(?:audit|inspection)"
       r"|no (?:on-?site |onsite |physical )?(?:audits?|inspections?) (?:of|at|on|will|shall)"
       r"|\b(?:satisf|fulfil)\w* (?:any |the |its |customer'?s? |controller'?s? )?(?:audit|inspection) (?:rights?|requests?|obligations?)"
       r"|exercise (?:its|the|any) (?:audit|inspection) rights? (?:\w+ ){0,2}by (?:reviewing|requesting|instructing|receiving)",
       "Audits are replaced by reports, certificates or questionnaires."),
    _x("fr_audit_limite_rapports", "art28_3_h", "fr",
       r"(?:audit|inspection)s? (?:\w+ ){0,3}(?:limite|restreint)e?s? (?:a la|aux|au) (?:communication|fourniture|remise|rapports?|certificat)"
       r"|(?:en lieu et place|au lieu) d'(?:un |une )?(?:audit|inspection)|aucun(?:e)? (?:audit|inspection) sur (?:site|place)",
       "Audits are replaced by reports or certificates."),
    _x("en_confirmed_breach_only", "art33_2", "en",
       r"\bconfirmed (?:personal data |security )?(?:breach|incident)",
       "Only a confirmed breach is notified, not one the processor becomes aware of."),
    _x("fr_violation_averee", "art33_2", "fr",
       r"violation (?:de donnees |de securite )?(?:averee|confirmee)",
       "Only a confirmed breach is notified, not one the processor becomes aware of."),
)

# Words before a match that turn an undertaking into its opposite: "is not of a nature which makes it
# necessary ... to assist", "n'est pas tenu de". A negated "present" match counts as "weak".
NEGATION = re.compile(
    r"\b(?:is|are|be) not (?:of a nature|required|obliged|obligated|responsible)|\bnot (?:be )?(?:required|obliged|obligated) to"
    r"|\bno obligation to|\bunder no obligation|\bnot necessary or reasonable"
    r"|n'(?:est|sont|a|ont|sera) (?:nullement |aucunement )?(?:pas )?(?:tenue?s?|obligee?s?|l'obligation|vocation)"
    r"|\baucune obligation")

# A definition states what a word means, not what anyone undertakes: '"Sub-processor" means any processor
# engaged ... in accordance with instructions' or a clause headed "Definitions" is never evidence for an item.
DEFINITION = re.compile(
    r"^(?:[\W\d]*)[\"'][^\"']{2,60}[\"']\W* (?:\(?[\"'][^\"']{1,30}[\"']\)? )?(?:means|shall mean|has the meaning|refers to|designe|signifie|s'entend)\b"
    r"|^[^:]{2,60}(?: :|:) (?:designe|signifie|means)\b")
DEFINITIONS_HEADING = re.compile(r"^(?:[\d. ]*)(?:definitions?|interpretation|definitions and interpretation|glossaire|lexique)\b")

# "May" where the GDPR says "shall": a processor's duty left to its discretion ("Vendor may assist", "data may
# be deleted", "at its sole discretion") counts as "weak". Not for the controller's own rights (to object, to
# audit) nor for transfers, where "may" is the ordinary wording.
DISCRETION = re.compile(
    r"\b(?:at|in) its (?:sole |own |absolute )?discretion\b|\ba sa (?:seule |libre )?discretion\b"
    r"|\b(?!(?:customer|controller|client|you|subscriber|licensee|merchant)\b)[a-z]+ may (?:\w+ ){0,2}"
    r"(?:assist|notify|inform|delete|return|destroy|erase|help|cooperate|be deleted|be returned|be destroyed)\b"
    r"|\b(?:peut|pourra|pourront|peuvent) (?:\w+ ){0,2}(?:aider|assister|notifier|informer|supprimer|restituer|detruire|effacer"
    r"|etre supprimees?|etre detruites?|etre restituees?)\b")
DISCRETION_ITEMS = frozenset({"art28_3_a", "art28_3_b", "art28_3_c", "art28_4", "art28_3_e", "art28_3_f", "art28_3_g",
                              "art33_2", "art30_2"})

# Who the text binds. A text in which the author is the controller of the data ("le responsable du traitement
# est la DINUM", "we are the controller") and never acts for another one describes its own duties, not a
# processor's: no Art. 28 item is met by it, however close its wording.
CONTROLLER_SIDE = re.compile(
    r"\b(?:est|sont|agit en (?:qualite|tant) de|en (?:qualite|tant) de|as|is|are|act\w* as) (?:the |le |la |a |un )?"
    r"(?:data )?(?:responsable (?:du|de|des) traitements?|controller)\b"
    r"|responsable (?:du|de|des) traitements? (?:est|sont|:) (?!le client|l'utilisateur|l'administration|chaque)"
    r"|le responsable (?:du|de) traitement s'engage")
PROCESSOR_SIDE = re.compile(
    r"pour le compte (?:du|de la|de l'|des) (?:client|responsable|utilisateur|administration|collectivite)"
    r"|(?:qualite de|en tant que?|agit comme|agissant comme|est|sont) (?:le |un |du |de )?sous-traitants?\b(?! ulterieur)"
    r"|sous-traitant au sens (?:de l'article 28|du rgpd|du reglement)|\bsous-traitant (?:du|de l') ?(?:client|responsable|utilisateur|administration)"
    r"|on behalf of (?:the |its |our |a |each )?(?:data )?(?:customers?|controllers?|clients?|you)\b"
    r"|\b(?:act\w* as|is|as) (?:a |the |your )?(?:data )?processor\b|\bprocessor terms|\bprocessor\b")
