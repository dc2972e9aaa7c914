"""The fixed wording of the visitor notice and the printed sign, in Italian and English.

What the product does and does not process is true of the product, not a choice of
the museum, so it is written here; the museum's own details (controller, DPO,
purposes, legal basis) come from the admin-edited PrivacyNotice, and retention from
the settings.
"""
from __future__ import annotations

LANGUAGES = {"en": "English", "it": "Italiano"}

TEXTS = {
    "en": {
        "title": "Emotion analytics in this museum",
        "sign_headline": "Cameras here estimate visitors' emotions",
        "sign_lead": "No images are stored. Nobody is identified. Scan for details and your rights.",
        "intro": "Cameras in some rooms of this museum estimate, from facial expressions, which emotion visitors "
                 "show in front of the exhibits (emotion recognition, EU AI Act Art. 50(3)). This page tells you "
                 "what is processed, why, for how long, and your rights (GDPR Art. 13).",
        "controller": "Data controller", "contact": "Contact for privacy requests", "dpo": "Data protection officer",
        "purposes": "Purposes", "legal_basis": "Legal basis",
        "processed": "What is processed",
        "processed_items": [
            "Camera frames are analysed in memory, in real time, and discarded at once.",
            "Stored: an emotion label (e.g. \"happy\"), its scores, the time, the room and the camera; per passage "
            "in front of one camera, its duration and a random number valid only for that passage.",
        ],
        "not_processed": "What is never processed or stored",
        "not_processed_items": [
            "No images or video are stored; no face templates or biometric identifiers.",
            "Nobody is identified; no link to tickets, accounts or other data.",
            "No tracking across cameras or across visits: the same person in another room or on another day "
            "is not recognised.",
            "Staff areas and closing hours are excluded from analysis.",
            "Scores estimate a facial expression; they are not a measure of a person's inner state.",
        ],
        "retention": "How long",
        "retention_text": "Individual detections are deleted after {events} days and passages after {visits} days; "
                          "only hourly counts are kept after that. Reports never show a group of fewer than {group} "
                          "visitors.",
        "rights": "Your rights",
        "rights_text": "You may ask for access, erasure, restriction or object to the processing (GDPR Art. 15-21) "
                       "at the contact above, and complain to the supervisory authority (in Italy: Garante per la "
                       "protezione dei dati personali, www.garanteprivacy.it). As nobody is identified, we usually "
                       "cannot find data about you; objecting is simplest by avoiding the marked areas.",
        "updated": "Last changed",
        "other_language": "Italiano",
        "print": "Printable sign (A4)",
    },
    "it": {
        "title": "Analisi delle emozioni in questo museo",
        "sign_headline": "Le telecamere qui stimano le emozioni dei visitatori",
        "sign_lead": "Nessuna immagine viene conservata. Nessuno viene identificato. Inquadra per dettagli e diritti.",
        "intro": "In alcune sale del museo delle telecamere stimano, dalle espressioni del volto, quale emozione "
                 "mostrano i visitatori davanti alle opere (riconoscimento delle emozioni, art. 50, par. 3, "
                 "AI Act UE). Questa pagina spiega cosa viene trattato, perché, per quanto tempo e i vostri diritti "
                 "(art. 13 GDPR).",
        "controller": "Titolare del trattamento", "contact": "Contatto per richieste privacy",
        "dpo": "Responsabile della protezione dei dati (DPO)",
        "purposes": "Finalità", "legal_basis": "Base giuridica",
        "processed": "Cosa viene trattato",
        "processed_items": [
            "Le immagini delle telecamere sono analizzate in memoria, in tempo reale, e scartate subito.",
            "Si conservano: un'etichetta di emozione (es. \"felice\"), i suoi punteggi, l'ora, la sala e la "
            "telecamera; per ogni passaggio davanti a una telecamera, la durata e un numero casuale valido solo "
            "per quel passaggio.",
        ],
        "not_processed": "Cosa non viene mai trattato né conservato",
        "not_processed_items": [
            "Nessuna immagine o video viene conservato; nessun modello del volto né dato biometrico identificativo.",
            "Nessuno viene identificato; nessun collegamento a biglietti, account o altri dati.",
            "Nessun tracciamento tra telecamere o tra visite: la stessa persona in un'altra sala o in un altro "
            "giorno non viene riconosciuta.",
            "Le aree del personale e gli orari di chiusura sono esclusi dall'analisi.",
            "I punteggi stimano un'espressione del volto; non misurano lo stato d'animo interiore di una persona.",
        ],
        "retention": "Per quanto tempo",
        "retention_text": "I singoli rilevamenti sono cancellati dopo {events} giorni e i passaggi dopo {visits} "
                          "giorni; in seguito restano solo conteggi orari. I report non mostrano mai gruppi di meno "
                          "di {group} visitatori.",
        "rights": "I vostri diritti",
        "rights_text": "Potete chiedere accesso, cancellazione, limitazione od opporvi al trattamento (artt. 15-21 "
                       "GDPR) al contatto indicato, e proporre reclamo al Garante per la protezione dei dati "
                       "personali (www.garanteprivacy.it). Poiché nessuno viene identificato, di norma non possiamo "
                       "ritrovare dati che vi riguardano; il modo più semplice per opporsi è evitare le aree "
                       "segnalate.",
        "updated": "Ultima modifica",
        "other_language": "English",
        "print": "Cartello stampabile (A4)",
    },
}
